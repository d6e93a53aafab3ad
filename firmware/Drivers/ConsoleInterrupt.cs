using System.Runtime.InteropServices;
using ChargePoint.Core.Buffers;

namespace ChargePoint.Drivers
{
    // Routes the console UART's receive interrupt to its driver. One console per image; the board
    // says which interrupt line and priority.
    public static unsafe class ConsoleInterrupt
    {
        // The driver the handler serves (an interrupt handler has no `this`).
        private static IConsoleUart s_uart;

        public static void Attach(IConsoleUart uart, int irq, int priority, ByteRing received)
        {
            s_uart = uart;
            uart.EnableReceiveInterrupt(received);
            Nvic.InstallHandler(irq, &OnReceive);
            Nvic.SetPriority(irq, priority);
            Nvic.Enable(irq);
            // A byte that arrived before the interrupt was enabled raised none (the CMSDK UART
            // signals on arrival, and QEMU holds later bytes until it is read): take it now.
            using (CriticalSection.Enter()) uart.HandleReceiveInterrupt();
        }

        [UnmanagedCallersOnly]
        private static void OnReceive() => s_uart.HandleReceiveInterrupt();
    }
}
