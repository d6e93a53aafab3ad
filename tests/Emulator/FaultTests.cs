using System;
using System.Text.RegularExpressions;
using Xunit;

namespace ChargePoint.Tests.Emulator
{
    // Each failure path ends in one panic line that says what and where, then the firmware stops
    // (halts under QEMU). The self-test image's `fault` command triggers them, one per boot.
    [Trait("Category", "Emulator")]
    public class FaultTests
    {
        private const string FaultCommandRun = "firmware_ChargePoint_SelfTest_FaultCommand__Run";

        private static (string Console, uint Address) Trigger(string kind, string pattern)
        {
            using var qemu = new QemuRun(Repo.Image("mps2-an500", "selftest"));
            qemu.WaitFor("Console ready");
            qemu.Type($"fault {kind}\r");
            string console = qemu.WaitForPanic();
            Match m = Regex.Match(console, pattern);
            Assert.True(m.Success, $"no match for {pattern} in:\n{console}");
            Assert.DoesNotContain("the fault did not stop the firmware", console);
            return (console, Convert.ToUInt32(m.Groups["address"].Value, 16));
        }

        private static void AssertInside(uint address, string symbol)
        {
            var symbols = Repo.Symbols(Repo.Image("mps2-an500", "selftest"));
            var range = symbols[symbol];
            Assert.InRange(address, range.Start, range.End - 1);
        }

        [Fact]
        public void Allocating_after_the_heap_is_sealed_panics_with_the_size_and_the_caller()
        {
            // new byte[100] on 32-bit: a 12-byte array header plus 100 bytes.
            var (console, caller) = Trigger("alloc", @"\*\*\* PANIC: allocation after heap sealed: 112 bytes at 0x(?<address>[0-9a-f]{8}) \*\*\*");
            AssertInside(caller, FaultCommandRun);
        }

        [Fact]
        public void Index_out_of_range_panics_naming_the_code_address()
        {
            var (_, caller) = Trigger("index", @"\*\*\* PANIC: index out of range at 0x(?<address>[0-9a-f]{8}) \*\*\*");
            AssertInside(caller, FaultCommandRun);
        }

        [Fact]
        public void Null_dereference_faults_on_the_mpu_guard_and_panics_with_the_registers()
        {
            var (console, pc) = Trigger("null", @"\*\*\* PANIC: null reference pc=0x(?<address>[0-9a-f]{8}) lr=0x[0-9a-f]{8}");
            AssertInside(pc, FaultCommandRun);
            Assert.Matches(@"cfsr=0x[0-9a-f]{6}8[0-9a-f] ", console); // MMARVALID: a MemManage data access
        }

        [Fact]
        public void Null_dereference_far_into_an_object_still_faults()
        {
            // A field 1200 bytes in: ilc relies on the fault there too (no explicit check).
            var (_, pc) = Trigger("nullfar", @"\*\*\* PANIC: null reference pc=0x(?<address>[0-9a-f]{8})");
            AssertInside(pc, FaultCommandRun);
        }

        [Fact]
        public void A_hard_fault_panics_with_the_stacked_registers()
        {
            var (console, pc) = Trigger("hard", @"\*\*\* PANIC: HardFault pc=0x(?<address>[0-9a-f]{8}) lr=0x[0-9a-f]{8} xpsr=0x[0-9a-f]{8}");
            AssertInside(pc, "rt_selftest_hard_fault");
            Assert.Contains("hfsr=0x40000000", console); // FORCED: escalated from the disabled UsageFault
            Assert.Matches(@"r0=0x[0-9a-f]{8} r1=0x[0-9a-f]{8} r2=0x[0-9a-f]{8} r3=0x[0-9a-f]{8} r12=0x[0-9a-f]{8}", console);
        }
    }
}
