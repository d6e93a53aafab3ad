#pragma warning disable CS0169, CS0649
using System.Runtime.InteropServices;

namespace Internal.Runtime
{
    // The head of every type descriptor ilc emits (32-bit layout; dotnet/runtime's MethodTable.h).
    // Only the fields this runtime reads are named.
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct MethodTable
    {
        internal uint Flags;                // low 16 bits: component size for arrays and strings
        internal uint BaseSize;             // object size without array/string components
        internal MethodTable* RelatedType;  // base type (or element type)
        internal ushort NumVtableSlots;
        internal ushort NumInterfaces;
        internal uint HashCode;

        internal MethodTable* BaseType => RelatedType;

        // The vtable follows the fixed header; the interface map follows the vtable.
        internal System.IntPtr* Vtable => (System.IntPtr*)((byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref this) + sizeof(MethodTable));
        internal MethodTable** InterfaceMap => (MethodTable**)(Vtable + NumVtableSlots);
    }
}
