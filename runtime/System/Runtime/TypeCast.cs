using System.Runtime.CompilerServices;
using Internal.Runtime;

namespace System.Runtime
{
    // Casts and covariant array stores, called by ilc's code. Exact types, base-class chains and the
    // interface map are supported; generic variance is not (a failed cast is a panic, never a wrong answer).
    internal static unsafe class TypeCast
    {
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

        private static bool IsInstance(MethodTable* type, MethodTable* target) =>
            IsClassOrBase(type, target) || ImplementsInterface(type, target);

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
