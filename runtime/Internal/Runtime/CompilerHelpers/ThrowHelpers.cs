using System.Runtime;
using System.Runtime.CompilerServices;

namespace Internal.Runtime.CompilerHelpers
{
    // ilc calls these where .NET would throw. Here a broken contract is a panic: each is a direct call
    // to native/fail.c, which takes the caller's address (the managed code that failed) from LR.
    internal static class ThrowHelpers
    {
        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_fail_index_out_of_range")]
        internal static extern void ThrowIndexOutOfRangeException();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_fail_null_reference")]
        internal static extern void ThrowNullReferenceException();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_fail_overflow")]
        internal static extern void ThrowOverflowException();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_fail_divide_by_zero")]
        internal static extern void ThrowDivideByZeroException();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_fail_invalid_cast")]
        internal static extern void ThrowInvalidCastException();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_fail_array_type_mismatch")]
        internal static extern void ThrowArrayTypeMismatchException();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_fail_unsupported")]
        internal static extern void ThrowPlatformNotSupportedException();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_fail_unsupported")]
        internal static extern void ThrowNotImplementedException();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_fail_unsupported")]
        internal static extern void ThrowNotSupportedException();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_fail_argument")]
        internal static extern void ThrowArgumentException();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_fail_argument")]
        internal static extern void ThrowArgumentOutOfRangeException();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_fail_body_removed")]
        internal static extern void ThrowBodyRemoved();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_fail_body_removed")]
        internal static extern void ThrowFeatureBodyRemoved();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_fail_body_removed")]
        internal static extern void ThrowInstanceBodyRemoved();

        [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "rt_fail_body_removed")]
        internal static extern void ThrowUnavailableType();
    }
}
