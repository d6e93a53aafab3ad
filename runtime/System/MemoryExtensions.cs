namespace System
{
    // The span helpers of System.MemoryExtensions that the firmware uses, for bytes. .NET's are
    // generic over IEquatable<T>; a call site reads the same against either.
    public static class MemoryExtensions
    {
        public static int IndexOf(this ReadOnlySpan<byte> span, byte value)
        {
            for (int i = 0; i < span.Length; i++)
                if (span[i] == value) return i;
            return -1;
        }

        public static int IndexOf(this Span<byte> span, byte value) => IndexOf((ReadOnlySpan<byte>)span, value);

        public static bool SequenceEqual(this ReadOnlySpan<byte> span, ReadOnlySpan<byte> other)
        {
            if (span.Length != other.Length) return false;
            for (int i = 0; i < span.Length; i++)
                if (span[i] != other[i]) return false;
            return true;
        }

        public static bool SequenceEqual(this Span<byte> span, ReadOnlySpan<byte> other) => SequenceEqual((ReadOnlySpan<byte>)span, other);

        public static bool StartsWith(this ReadOnlySpan<byte> span, ReadOnlySpan<byte> value) =>
            value.Length <= span.Length && SequenceEqual(span.Slice(0, value.Length), value);

        public static Span<T> AsSpan<T>(this T[] array) => new Span<T>(array);
        public static Span<T> AsSpan<T>(this T[] array, int start, int length) => new Span<T>(array, start, length);
    }
}
