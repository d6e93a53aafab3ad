using ChargePoint.Core.Time;

namespace ChargePoint.Drivers
{
    // The Cortex-M7 cycle counter: DWT_CYCCNT counts core clock cycles and wraps at 2^32 (ARMv7-M
    // ARM, ARM DDI 0403E, C1.8 "The Data Watchpoint and Trace unit"). It runs without a debugger
    // once DEMCR.TRCENA powers the DWT; the Cortex-M7's DWT also has a CoreSight software lock
    // (Cortex-M7 TRM, ARM DDI 0489, "DWT programmers model": DWT_LAR) that ignores writes from the
    // core until it is unlocked. Device only: the host tests use their own counters.
    public sealed class DwtCycleCounter : IFreeRunningCounter
    {
        private const uint DebugExceptionMonitorControl = 0xE000EDFC; // C1.6.5 DEMCR
        private const uint DwtControl = 0xE0001000;                   // C1.8.7 DWT_CTRL
        private const uint DwtCycleCount = 0xE0001004;                // C1.8.8 DWT_CYCCNT
        private const uint DwtLockAccess = 0xE0001FB0;                // Cortex-M7 TRM: DWT_LAR

        private const uint TraceEnable = 1u << 24;        // DEMCR TRCENA
        private const uint CycleCounterEnable = 1u << 0;  // DWT_CTRL CYCCNTENA
        private const uint UnlockKey = 0xC5ACCE55;        // CoreSight lock access key

        private readonly uint _frequencyHz;

        // coreClockHz: the rate the counter counts at, the core clock once the PLL runs.
        public DwtCycleCounter(uint coreClockHz)
        {
            _frequencyHz = coreClockHz;
            Mmio.SetBits(DebugExceptionMonitorControl, TraceEnable);
            Mmio.Write32(DwtLockAccess, UnlockKey);
            Mmio.Write32(DwtCycleCount, 0);
            Mmio.SetBits(DwtControl, CycleCounterEnable);
        }

        public uint FrequencyHz => _frequencyHz;
        public uint Count => Mmio.Read32(DwtCycleCount);
    }
}
