using ChargePoint.Core;

namespace ChargePoint.Drivers
{
    // The Cortex-M SysTick timer as a 1 ms tick (ARMv7-M ARM, ARM DDI 0403E, B3.3 "The system
    // timer, SysTick"). native/startup.c counts the milliseconds in its SysTick handler; the
    // microseconds within the current millisecond come from the down-counter.
    public sealed class SysTickClock : IClock
    {
        private const uint ControlAndStatus = 0xE000E010; // B3.3.3 SYST_CSR
        private const uint ReloadValue = 0xE000E014;      // B3.3.4 SYST_RVR
        private const uint CurrentValue = 0xE000E018;     // B3.3.5 SYST_CVR

        private const uint CsrEnable = 1u << 0;
        private const uint CsrTickInterrupt = 1u << 1;
        private const uint CsrProcessorClock = 1u << 2;

        private uint _ticksPerMillisecond;

        public void Start(uint coreClockHz)
        {
            _ticksPerMillisecond = coreClockHz / 1000;
            Mmio.Write32(ReloadValue, _ticksPerMillisecond - 1);
            Mmio.Write32(CurrentValue, 0);
            Mmio.Write32(ControlAndStatus, CsrEnable | CsrTickInterrupt | CsrProcessorClock);
        }

        public long UptimeMicroseconds
        {
            get
            {
                // Read the counter between two reads of the millisecond count; retry if a tick
                // fell in between, so the pair is consistent.
                ulong milliseconds;
                uint counter;
                do
                {
                    milliseconds = Native.UptimeMilliseconds();
                    counter = Mmio.Read32(CurrentValue);
                } while (milliseconds != Native.UptimeMilliseconds());
                uint elapsedTicks = _ticksPerMillisecond - 1 - counter;
                return (long)milliseconds * 1000 + elapsedTicks * 1000 / _ticksPerMillisecond;
            }
        }
    }
}
