using System;
using System.Linq;
using Xunit;

namespace ChargePoint.Tests.Emulator
{
    // The self-test image (firmware/SelfTest.cs) runs language, runtime and interop checks on the
    // device at boot, one log line each.
    [Trait("Category", "Emulator")]
    public class SelfTestImageTests
    {
        private static readonly Lazy<string> Console = new Lazy<string>(() =>
        {
            using var qemu = new QemuRun(Repo.Image("mps2-an500", "selftest"));
            return qemu.WaitFor("selftest: checks done");
        });

        [Theory]
        [InlineData("interface call through a fake")]
        [InlineData("interface slots, overrides and sealed slots")]
        [InlineData("virtual added by a derived class")]
        [InlineData("scheduler on a fake clock")]
        [InlineData("virtual calls")]
        [InlineData("generic struct")]
        [InlineData("64-bit division")]
        [InlineData("32-bit remainder")]
        [InlineData("double math")]
        [InlineData("span over stackalloc")]
        [InlineData("string concat and equality")]
        [InlineData("log line format")]
        [InlineData("C call with a span")]
        [InlineData("C calls back into C# with a struct")]
        [InlineData("callback struct fields")]
        [InlineData("callback 64-bit field")]
        [InlineData("callback context selects the receiver")]
        [InlineData("constant table in flash")]
        [InlineData("preinitialized static array")]
        [InlineData("static constructor ran at boot")]
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
        public void Static_constructors_run_before_the_heap_is_sealed()
        {
            // The check line comes from code that runs before Heap.Seal; the constructor ran even earlier,
            // from native/modules.c, and it allocated: an allocation after the seal would have panicked.
            string console = Console.Value;
            Assert.True(console.IndexOf("static constructor ran at boot: ok", StringComparison.Ordinal)
                < console.IndexOf("Heap sealed", StringComparison.Ordinal));
            Assert.DoesNotContain("PANIC", console);
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
