using System.Runtime;
using System.Runtime.CompilerServices;

namespace System
{
    // Block copies ilc emits for struct copies and span helpers. No GC, so no write barriers.
    public static class Buffer
    {
        internal static unsafe void Memmove(ref byte destination, ref byte source, nuint length) =>
            RuntimeImports.MemoryMove(Unsafe.AsPointer(ref destination), Unsafe.AsPointer(ref source), (uint)length);

        internal static unsafe void Memmove<T>(ref T destination, ref T source, nuint elementCount) =>
            RuntimeImports.MemoryMove(Unsafe.AsPointer(ref destination), Unsafe.AsPointer(ref source), (uint)elementCount * (uint)Unsafe.SizeOf<T>());

        internal static unsafe void BulkMoveWithWriteBarrier(ref byte destination, ref byte source, nuint byteCount) =>
            RuntimeImports.MemoryMove(Unsafe.AsPointer(ref destination), Unsafe.AsPointer(ref source), (uint)byteCount);
    }

    internal static class SpanHelpers
    {
        internal static void Memmove(ref byte destination, ref byte source, nuint length) =>
            Buffer.Memmove(ref destination, ref source, length);

        internal static unsafe void Fill(ref byte destination, byte value, nuint length) =>
            RuntimeImports.MemorySet(Unsafe.AsPointer(ref destination), value, (uint)length);

        internal static unsafe void ClearWithoutReferences(ref byte destination, nuint length) =>
            RuntimeImports.MemorySet(Unsafe.AsPointer(ref destination), 0, (uint)length);

        internal static unsafe void ClearWithReferences(ref IntPtr destination, nuint pointerCount) =>
            RuntimeImports.MemorySet(Unsafe.AsPointer(ref destination), 0, (uint)pointerCount * (uint)sizeof(IntPtr));
    }
}
