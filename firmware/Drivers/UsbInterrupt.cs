using System.Runtime.InteropServices;

namespace ChargePoint.Drivers
{
    // Routes the OTG_HS global interrupt to the USB port's handler, which records the event and
    // signals the device core's task itself. One USB port per image; the board says which
    // interrupt line and priority. The handler goes into the RAM vector table at run time
    // (Nvic.InstallHandler), as for the network and the console: native/startup.c needs no entry.
    public static unsafe class UsbInterrupt
    {
        private static DwcOtgHs s_port;

        public static void Attach(DwcOtgHs port, int irq, int priority)
        {
            s_port = port;
            Nvic.InstallHandler(irq, &OnInterrupt);
            Nvic.SetPriority(irq, priority);
            Nvic.Enable(irq);
        }

        [UnmanagedCallersOnly]
        private static void OnInterrupt() => s_port.HandleInterrupt();
    }
}
