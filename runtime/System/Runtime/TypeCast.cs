using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace System.Runtime
{
    // Casts and covariant array stores, called by ilc's code. Exact types, base-class chains, the
    // interface map and array covariance are supported. Generic variance is not: a cast to a
    // variant interface that the plain checks reject panics rather than answer a possibly wrong "no".
    internal static unsafe class TypeCast
    {
        // MethodTable flags (dotnet/runtime EETypeElementType, in bits 26-30, and EETypeFlags).
        private const uint ElementTypeMask = 0x7C000000;
        private const int ElementTypeShift = 26;
        private const uint ElementTypeClass = 0x14;
        private const uint ElementTypeInterface = 0x15;
        private const uint ElementTypeArray = 0x17;
        private const uint ElementTypeSzArray = 0x18;
        private const uint GenericVarianceFlag = 0x00800000;

        private static uint ElementTypeOf(MethodTable* type) => (type->Flags & ElementTypeMask) >> ElementTypeShift;

        private static bool IsReferenceType(MethodTable* type)
        {
            uint kind = ElementTypeOf(type);
            return kind == ElementTypeClass || kind == ElementTypeInterface || kind == ElementTypeArray || kind == ElementTypeSzArray;
        }

        private static MethodTable* TypeOf(object obj) => obj.m_pMethodTable;

        private static bool IsClassOrBase(MethodTable* type, MethodTable* target)
        {
            for (; type != null; type = type->BaseType)
                if (type == target) return true;
            return false;
        }

        private static bool ImplementsInterface(MethodTable* type, MethodTable* target)
        {
            MethodTable** map = type->InterfaceMap;
            for (int i = 0; i < type->NumInterfaces; i++)
                if (map[i] == target) return true;
            return false;
        }

        private static bool IsInstance(MethodTable* type, MethodTable* target)
        {
            if (IsClassOrBase(type, target) || ImplementsInterface(type, target)) return true;
            // string[] is an object[]: one-dimensional arrays are covariant in reference elements.
            if (ElementTypeOf(type) == ElementTypeSzArray && ElementTypeOf(target) == ElementTypeSzArray)
            {
                MethodTable* from = type->RelatedType;
                return IsReferenceType(from) && IsInstance(from, target->RelatedType);
            }
            if ((target->Flags & GenericVarianceFlag) != 0)
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowInvalidCastException();
            return false;
        }

        public static object IsInstanceOfAny(MethodTable* pTargetType, object obj) =>
            obj == null || IsInstance(TypeOf(obj), pTargetType) ? obj : null;

        public static object IsInstanceOfInterface(MethodTable* pTargetType, object obj) =>
            obj == null || ImplementsInterface(TypeOf(obj), pTargetType) ? obj : null;

        public static object IsInstanceOfClass(MethodTable* pTargetType, object obj) =>
            obj == null || IsClassOrBase(TypeOf(obj), pTargetType) ? obj : null;

        public static bool IsInstanceOfException(MethodTable* pTargetType, object obj) =>
            obj != null && IsClassOrBase(TypeOf(obj), pTargetType);

        public static object CheckCastAny(MethodTable* pTargetType, object obj)
        {
            if (obj != null && !IsInstance(TypeOf(obj), pTargetType)) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowInvalidCastException();
            return obj;
        }

        public static object CheckCastInterface(MethodTable* pTargetType, object obj)
        {
            if (obj != null && !ImplementsInterface(TypeOf(obj), pTargetType)) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowInvalidCastException();
            return obj;
        }

        public static object CheckCastClass(MethodTable* pTargetType, object obj)
        {
            if (obj != null && !IsClassOrBase(TypeOf(obj), pTargetType)) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowInvalidCastException();
            return obj;
        }

        public static object CheckCastClassSpecial(MethodTable* pTargetType, object obj) => CheckCastClass(pTargetType, obj);

        public static void StelemRef(object[] array, nint index, object obj)
        {
            if ((uint)index >= (uint)array.Length) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowIndexOutOfRangeException();
            MethodTable* elementType = TypeOf(array)->RelatedType;
            if (obj != null && TypeOf(obj) != elementType && !IsInstance(TypeOf(obj), elementType))
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArrayTypeMismatchException();
            Unsafe.Add(ref Unsafe.As<byte, object>(ref Unsafe.As<RawArrayData>(array).Data), index) = obj;
        }

        public static ref object LdelemaRef(object[] array, nint index, MethodTable* elementType)
        {
            if ((uint)index >= (uint)array.Length) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowIndexOutOfRangeException();
            if (TypeOf(array)->RelatedType != elementType) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowArrayTypeMismatchException();
            return ref Unsafe.Add(ref Unsafe.As<byte, object>(ref Unsafe.As<RawArrayData>(array).Data), index);
        }
    }
}
