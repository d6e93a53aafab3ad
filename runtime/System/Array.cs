#pragma warning disable CS0169, CS0649
using System.Runtime.CompilerServices;

namespace System
{
    // Layout fixed by ilc: MethodTable*, element count, elements (no padding on 32-bit for 4-byte elements).
    public abstract class Array
    {
        private int _numComponents;

        public int Length => _numComponents;

        public static void Clear<T>(T[] array) => new Span<T>(array).Clear();

        public static void Copy<T>(T[] source, T[] destination, int length) =>
            new ReadOnlySpan<T>(source, 0, length).CopyTo(new Span<T>(destination, 0, length));

        public static T[] Empty<T>() => EmptyArray<T>.Value;

        private static class EmptyArray<T>
        {
            internal static readonly T[] Value = new T[0];
        }
    }

    // ilc requires this type: the base of T[] for generic interface purposes.
    public class Array<T> : Array { }
}
