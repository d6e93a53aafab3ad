using System.Runtime;
using System.Runtime.CompilerServices;

namespace ChargePoint.Drivers
{
    // Direct calls to native/. This is the one way firmware C# calls C (see README, "Calling C"):
    // an extern method with [RuntimeImport("*", "symbol")] and MethodImplOptions.InternalCall.
    // ilc emits a plain call to the symbol, no marshalling and no transition; arguments follow
    // the AAPCS (integers and pointers in r0-r3, 64-bit values in register pairs). Pass a span as
    // pointer + length from a `fixed` block: nothing moves objects here, so nothing is copied.
    internal static class Native
    {
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_uptime_ms")]
        internal static extern ulong UptimeMilliseconds();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_wait_for_interrupt")]
        internal static extern void WaitForInterrupt();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_dsb")]
        internal static extern void DataSynchronizationBarrier();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_dmb")]
        internal static extern void DataMemoryBarrier();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_isb")]
        internal static extern void InstructionSynchronizationBarrier();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_irq_disable")]
        internal static extern uint DisableInterrupts();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_irq_restore")]
        internal static extern void RestoreInterrupts(uint previousMask);

        // native/persist.c: RAM that boot does not clear (mps2-an500 only).
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_persistent_ram")]
        internal static extern unsafe byte* PersistentRam(int* length);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_system_reset")]
        internal static extern void SystemReset();
    }
}
