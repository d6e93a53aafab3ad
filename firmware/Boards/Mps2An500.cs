using ChargePoint.Core;
using ChargePoint.Drivers;

namespace ChargePoint.Boards
{
    // QEMU's mps2-an500: Cortex-M7 at 25 MHz, CMSDK APB UARTs (QEMU 7.2 hw/arm/mps2.c).
    // QEMU starts the core at full speed with no clock tree to set up.
    public sealed class Mps2An500 : IBoard
    {
        public const uint SystemClockHz = 25000000;
        public const uint Uart0Base = 0x40004000; // console, -serial #1 (stdio with -nographic)
        public const uint Uart1Base = 0x40005000; // session stream, -serial #2
        public const uint ConsoleBaud = 115200;

        private readonly CmsdkUart _console = new CmsdkUart(Uart0Base);
        private readonly SysTickClock _clock = new SysTickClock();

        public string Name => "mps2-an500";
        public uint CoreClockHz => SystemClockHz;
        public ISerialOut Console => _console;
        public IClock Clock => _clock;
        public CmsdkUart ConsoleUart => _console;

        public void Initialize()
        {
            _console.Initialize(SystemClockHz, ConsoleBaud);
            _clock.Start(SystemClockHz);
        }
    }
}
