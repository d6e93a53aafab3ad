using System;
using System.Runtime;

namespace Internal.Runtime
{
    // Bump allocator over the RAM the linker script leaves between .bss and the stack.
    // Objects are allocated at boot only; Seal() turns every later allocation into a panic
    // naming its size and the managed code address that asked for it (see native/alloc.c).
    // Device-only API: firmware/Core never uses it.
    public static unsafe class Heap
    {
        private static byte* s_next;
        private static byte* s_end;
        private static byte* s_start;
        private static bool s_sealed;

        public static bool IsSealed => s_sealed;
        public static uint Used => (uint)(s_next - s_start);
        public static uint Free => (uint)(s_end - s_next);
        public static uint Size => (uint)(s_end - s_start);

        public static void Seal() => s_sealed = true;

        // Called by native/alloc.c for every object and array ilc's code allocates.
        // alignment: 4 or 8; misalign: 4 when the payload after the MethodTable pointer must be 8-aligned.
        [RuntimeExport("rt_allocate")]
        internal static void* Allocate(MethodTable* type, uint size, uint alignment, uint misalign, uint caller)
        {
            if (s_sealed) Panic.FailWithSize("allocation after heap sealed"u8, size, caller);
            if (s_start == null)
            {
                s_start = RuntimeImports.HeapStart();
                s_next = s_start;
                s_end = RuntimeImports.HeapEnd();
            }
            uint mask = alignment - 1;
            byte* p = (byte*)((((uint)s_next + misalign + mask) & ~mask) - misalign);
            size = (size + 3) & ~3u;
            if (p + size > s_end || p + size < p) Panic.FailWithSize("out of heap"u8, size, caller);
            s_next = p + size;
            RuntimeImports.MemorySet(p, 0, size);
            *(MethodTable**)p = type;
            return p;
        }
    }
}
