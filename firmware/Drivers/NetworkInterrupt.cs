using System.Runtime.InteropServices;

namespace ChargePoint.Drivers
{
    // Routes the Ethernet controller's interrupt to its driver. One network link per image; the
    // board says which interrupt line and priority.
    public static unsafe class NetworkInterrupt
    {
        private static INetworkLink s_link;

        public static void Attach(INetworkLink link, int irq, int priority)
        {
            s_link = link;
            Nvic.InstallHandler(irq, &OnInterrupt);
            Nvic.SetPriority(irq, priority);
            Nvic.Enable(irq);
        }

        [UnmanagedCallersOnly]
        private static void OnInterrupt() => s_link.HandleInterrupt();
    }
}
