using System.Runtime.InteropServices;
using ChargePoint.Core.Buffers;
using ChargePoint.Core.Scheduling;

namespace ChargePoint.Drivers
{
    // Routes the console UART's receive interrupt to its driver, then wakes the task that drains
    // the ring (the shell): nothing polls the console. One console per image; the board says
    // which interrupt line and priority.
    public static unsafe class ConsoleInterrupt
    {
        // The driver the handler serves, and whom to wake (an interrupt handler has no `this`).
        private static IConsoleUart s_uart;
        private static Scheduler s_scheduler;
        private static int s_task;

        public static void Attach(IConsoleUart uart, int irq, int priority, ByteRing received, Scheduler scheduler, int taskId)
        {
            s_uart = uart;
            s_scheduler = scheduler;
            s_task = taskId;
            uart.EnableReceiveInterrupt(received);
            Nvic.InstallHandler(irq, &OnReceive);
            Nvic.SetPriority(irq, priority);
            Nvic.Enable(irq);
            // A byte that arrived before the interrupt was enabled raised none (the CMSDK UART
            // signals on arrival, and QEMU holds later bytes until it is read): take it now.
            using (CriticalSection.Enter()) uart.HandleReceiveInterrupt();
            scheduler.Signal(taskId);
        }

        [UnmanagedCallersOnly]
        private static void OnReceive()
        {
            s_uart.HandleReceiveInterrupt();
            s_scheduler.Signal(s_task);
        }
    }
}
