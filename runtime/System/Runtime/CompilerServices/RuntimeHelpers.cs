namespace System.Runtime.CompilerServices
{
    public static class RuntimeHelpers
    {
        // ilc places the data of `static ReadOnlySpan<byte> X => new byte[] { ... }` in .rodata and
        // uses this only for array initializers, which is allowed at boot.
        [Intrinsic]
        public static void InitializeArray(Array array, RuntimeFieldHandle fldHandle) =>
            Internal.Runtime.Panic.Fail("array initializer not expanded by ilc"u8);

        public static int OffsetToStringData => 8;

        // Intrinsics the JIT expands; a body that runs means it did not, and any answer would be a guess.
        [Intrinsic]
        public static bool IsReferenceOrContainsReferences<T>()
        {
            Internal.Runtime.Panic.Fail("IsReferenceOrContainsReferences not expanded by ilc"u8);
            return true;
        }

        [Intrinsic]
        public static ReadOnlySpan<T> CreateSpan<T>(RuntimeFieldHandle fldHandle)
        {
            Internal.Runtime.Panic.Fail("CreateSpan not expanded by ilc"u8);
            return default;
        }
    }
}
