using System.Runtime;
using System.Runtime.CompilerServices;

namespace ChargePoint.Drivers
{
    // Direct calls to native/ (RuntimeImport + InternalCall: ilc emits a plain call to the symbol).
    internal static class Native
    {
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_uptime_ms")]
        internal static extern ulong UptimeMilliseconds();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_wait_for_interrupt")]
        internal static extern void WaitForInterrupt();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_dsb")]
        internal static extern void DataSynchronizationBarrier();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_isb")]
        internal static extern void InstructionSynchronizationBarrier();
    }
}
