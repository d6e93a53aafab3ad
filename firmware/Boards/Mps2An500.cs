using System;
using ChargePoint.Core;
using ChargePoint.Core.Buffers;
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

        public const int Uart0ReceiveIrq = 0; // QEMU mps2-an500: UART0 RX (UART1 RX 2, UART2 RX 4; TX on the odd lines)
        public const int ConsoleReceivePriority = 12; // below SysTick (0): typing never delays the tick

        private readonly CmsdkUart _console = new CmsdkUart(Uart0Base);
        private readonly SysTickClock _clock = new SysTickClock();

        public ReadOnlySpan<byte> Name => "mps2-an500"u8;
        public uint CoreClockHz => SystemClockHz;
        public IConsoleUart Console => _console;
        public IClock Clock => _clock;

        public void EnableConsoleInput(ByteRing received) =>
            ConsoleInterrupt.Attach(_console, Uart0ReceiveIrq, ConsoleReceivePriority, received);

        public void Initialize()
        {
            _console.Initialize(SystemClockHz, ConsoleBaud);
            _clock.Start(SystemClockHz);
        }
    }
}
