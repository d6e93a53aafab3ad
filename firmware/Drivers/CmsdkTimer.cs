using ChargePoint.Core.Time;

namespace ChargePoint.Drivers
{
    // ARM CMSDK APB timer (Cortex-M System Design Kit TRM, ARM DDI 0479C, 4.4 "Timer") run as a
    // free-running counter: reload 0xFFFFFFFF, no interrupt. The hardware counts down from RELOAD
    // to 0 and reloads on the next PCLK tick, a period of exactly 2^32 ticks (QEMU
    // hw/timer/cmsdk-apb-timer.c models the same), so ~VALUE counts up and wraps at 2^32.
    // On mps2-an500 TIMER0 (0x40000000) and TIMER1 (0x40001000) run from the 25 MHz SYSCLK.
    public sealed class CmsdkTimer : IFreeRunningCounter
    {
        private const uint Control = 0x000;         // DDI 0479C 4.4 CTRL: bit0 enable, bit3 interrupt enable
        private const uint Value = 0x004;           // VALUE: current count (write sets it)
        private const uint Reload = 0x008;          // RELOAD: loaded into VALUE after it reaches 0 (write also sets VALUE)
        private const uint InterruptClear = 0x00C;  // INTSTATUS (read) / INTCLEAR (write 1)

        private const uint ControlEnable = 1u << 0;
        private const uint InterruptFlag = 1u << 0;
        private const uint FullRange = 0xFFFFFFFF;

        private readonly uint _base;
        private readonly uint _frequencyHz;

        // peripheralClockHz: the PCLK that clocks the timer (the board file's number).
        public CmsdkTimer(uint baseAddress, uint peripheralClockHz)
        {
            _base = baseAddress;
            _frequencyHz = peripheralClockHz;
        }

        // Boot: before a CounterClock is made over this counter (it reads Count when made).
        public void Start()
        {
            Mmio.Write32(_base + Control, 0);
            Mmio.Write32(_base + Reload, FullRange);
            Mmio.Write32(_base + Value, FullRange);
            Mmio.Write32(_base + InterruptClear, InterruptFlag);
            Mmio.Write32(_base + Control, ControlEnable);
        }

        public uint FrequencyHz => _frequencyHz;

        public uint Count => ~Mmio.Read32(_base + Value);
    }
}
