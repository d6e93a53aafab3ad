using System.Runtime.CompilerServices;

namespace System.Runtime
{
    // Direct calls into native/ (no transition: RuntimeImport + InternalCall is a plain `bl` to the symbol).
    internal static unsafe class RuntimeImports
    {
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "RhpNewArray")]
        internal static extern object RhpNewArray(Internal.Runtime.MethodTable* type, int length);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_halt")]
        internal static extern void Halt();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_heap_start")]
        internal static extern byte* HeapStart();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_heap_end")]
        internal static extern byte* HeapEnd();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memmove")]
        internal static extern void* MemoryMove(void* destination, void* source, uint length);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "memset")]
        internal static extern void* MemorySet(void* destination, int value, uint length);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_div_i32")]
        internal static extern int DivideInt32(int dividend, int divisor);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_div_u32")]
        internal static extern uint DivideUInt32(uint dividend, uint divisor);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_div_i64")]
        internal static extern long DivideInt64(long dividend, long divisor);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_div_u64")]
        internal static extern ulong DivideUInt64(ulong dividend, ulong divisor);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_rem_i32")]
        internal static extern int RemainderInt32(int dividend, int divisor);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_rem_u32")]
        internal static extern uint RemainderUInt32(uint dividend, uint divisor);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_rem_i64")]
        internal static extern long RemainderInt64(long dividend, long divisor);

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_rem_u64")]
        internal static extern ulong RemainderUInt64(ulong dividend, ulong divisor);
    }
}
