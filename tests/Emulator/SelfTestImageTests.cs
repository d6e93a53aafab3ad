using System;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace ChargePoint.Tests.Emulator
{
    // The self-test image (firmware/SelfTest.cs) runs language and runtime checks on the device,
    // then allocates on the sealed heap on purpose.
    [Trait("Category", "Emulator")]
    public class SelfTestImageTests
    {
        private static readonly Lazy<string> Console = new Lazy<string>(() =>
        {
            using var qemu = new QemuRun(Repo.Image("mps2-an500", "selftest"));
            return qemu.WaitForPanic();
        });

        [Theory]
        [InlineData("interface call through a fake")]
        [InlineData("interface slots, overrides and sealed slots")]
        [InlineData("scheduler on a fake clock")]
        [InlineData("virtual calls")]
        [InlineData("generic struct")]
        [InlineData("64-bit division")]
        [InlineData("32-bit remainder")]
        [InlineData("double math")]
        [InlineData("span over stackalloc")]
        [InlineData("string concat and equality")]
        [InlineData("log line format")]
        public void Device_check_passes(string check)
        {
            Assert.Contains($"<inf> selftest: {check}: ok\r\n", Console.Value);
        }

        [Fact]
        public void No_device_check_fails()
        {
            Assert.DoesNotContain("FAILED", Console.Value);
            Assert.Contains("<inf> selftest: checks done, 0 failed", Console.Value);
        }

        [Fact]
        public void Allocating_after_the_heap_is_sealed_panics_with_the_size_and_the_caller()
        {
            // new byte[100] on 32-bit: a 12-byte array header plus 100 bytes.
            Match m = Regex.Match(Console.Value, @"\*\*\* PANIC: allocation after heap sealed: (\d+) bytes at 0x([0-9a-f]{8}) \*\*\*");
            Assert.True(m.Success, Console.Value);
            Assert.Equal("112", m.Groups[1].Value);

            uint caller = Convert.ToUInt32(m.Groups[2].Value, 16);
            var symbols = Repo.Symbols(Repo.Image("mps2-an500", "selftest"));
            var afterSeal = symbols["firmware_ChargePoint_SelfTest__AfterSeal"];
            Assert.InRange(caller, afterSeal.Start, afterSeal.End - 1);

            // The firmware stops there: nothing after the panic line.
            Assert.DoesNotContain("no panic after allocating", Console.Value);
        }

        [Fact]
        public void Interface_calls_went_through_dispatch_cells_and_the_native_resolver()
        {
            // Guards the interface check above: if ilc devirtualized every call, the check would pass
            // without exercising the resolver.
            var symbols = Repo.Symbols(Repo.Image("mps2-an500", "selftest"));
            string[] cells = symbols.Keys.Where(s => s.StartsWith("__InterfaceDispatchCell_firmware_ChargePoint_SelfTest_IReading__")).ToArray();
            Assert.Equal(3, cells.Length);
            Assert.Contains("RhpInitialDynamicInterfaceDispatch", symbols.Keys);
            Assert.Contains("<inf> selftest: interface slots, overrides and sealed slots: ok", Console.Value);
        }
    }
}
