using System;
using System.Runtime.InteropServices;
using ChargePoint.Core;
using ChargePoint.Core.Buffers;
using ChargePoint.Drivers;

namespace ChargePoint.Boards
{
    // QEMU's mps2-an500: Cortex-M7 at 25 MHz, CMSDK APB UARTs (QEMU 7.2 hw/arm/mps2.c).
    // QEMU starts the core at full speed with no clock tree to set up.
    public sealed unsafe class Mps2An500 : IBoard
    {
        public const uint SystemClockHz = 25000000;
        public const uint Uart0Base = 0x40004000; // console, -serial #1 (stdio with -nographic)
        public const uint Uart1Base = 0x40005000; // session stream, -serial #2
        public const uint ConsoleBaud = 115200;

        public const int Uart0ReceiveIrq = 0; // QEMU mps2-an500: UART0 RX (UART1 RX 2, UART2 RX 4; TX on the odd lines)
        public const int ConsoleReceivePriority = 12; // below SysTick (0): typing never delays the tick

        // The driver the interrupt handler serves (a handler has no `this`).
        private static CmsdkUart s_consoleForInterrupt;

        private readonly CmsdkUart _console = new CmsdkUart(Uart0Base);
        private readonly SysTickClock _clock = new SysTickClock();

        public ReadOnlySpan<byte> Name => "mps2-an500"u8;
        public uint CoreClockHz => SystemClockHz;
        public ISerialOut Console => _console;
        public IClock Clock => _clock;
        public CmsdkUart ConsoleUart => _console;

        public int ConsoleOverruns => _console.Overruns;

        public void EnableConsoleInput(ByteRing received)
        {
            s_consoleForInterrupt = _console;
            _console.EnableReceiveInterrupt(received);
            Nvic.InstallHandler(Uart0ReceiveIrq, &OnConsoleReceive);
            Nvic.SetPriority(Uart0ReceiveIrq, ConsoleReceivePriority);
            Nvic.Enable(Uart0ReceiveIrq);
        }

        [UnmanagedCallersOnly]
        private static void OnConsoleReceive() => s_consoleForInterrupt.HandleReceiveInterrupt();

        public void Initialize()
        {
            _console.Initialize(SystemClockHz, ConsoleBaud);
            _clock.Start(SystemClockHz);
        }
    }
}
