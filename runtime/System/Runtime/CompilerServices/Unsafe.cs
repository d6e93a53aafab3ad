namespace System.Runtime.CompilerServices
{
    // Bodies are supplied by ilc (intrinsics); the IL here is never used on the device.
    public static unsafe class Unsafe
    {
        [Intrinsic] public static ref T Add<T>(ref T source, int elementOffset) => throw null;
        [Intrinsic] public static ref T Add<T>(ref T source, nint elementOffset) => throw null;
        [Intrinsic] public static ref T AddByteOffset<T>(ref T source, IntPtr byteOffset) => throw null;
        [Intrinsic] public static ref T AsRef<T>(void* source) => throw null;
        [Intrinsic] public static ref T AsRef<T>(scoped ref readonly T source) => throw null;
        [Intrinsic] public static ref TTo As<TFrom, TTo>(ref TFrom source) => throw null;
        [Intrinsic] public static T As<T>(object o) where T : class => throw null;
        [Intrinsic] public static void* AsPointer<T>(ref T value) => throw null;
        [Intrinsic] public static int SizeOf<T>() => throw null;
        [Intrinsic] public static bool IsAddressGreaterThan<T>(ref T left, ref T right) => throw null;
        [Intrinsic] public static bool IsAddressLessThan<T>(ref T left, ref T right) => throw null;
        [Intrinsic] public static bool AreSame<T>(ref T left, ref T right) => throw null;
        [Intrinsic] public static IntPtr ByteOffset<T>(ref T origin, ref T target) => throw null;
        [Intrinsic] public static bool IsNullRef<T>(ref T source) => throw null;
        [Intrinsic] public static ref T NullRef<T>() => throw null;
        [Intrinsic] public static T Read<T>(void* source) => throw null;
        [Intrinsic] public static void Write<T>(void* destination, T value) => throw null;
        [Intrinsic] public static T ReadUnaligned<T>(void* source) => throw null;
        [Intrinsic] public static void WriteUnaligned<T>(void* destination, T value) => throw null;
    }
}
