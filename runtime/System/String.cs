#pragma warning disable CS0169, CS0649, CS0660, CS0661
using System.Runtime.CompilerServices;

namespace System
{
    // Layout fixed by ilc's frozen string literals: MethodTable*, int length, UTF-16 chars, terminating NUL.
    public sealed class String
    {
        private readonly int _stringLength;
        private char _firstChar;

        public static readonly string Empty = "";

        public int Length => _stringLength;

        [IndexerName("Chars")]
        public unsafe char this[int index]
        {
            get
            {
                if ((uint)index >= (uint)_stringLength)
                    Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowIndexOutOfRangeException();
                return Unsafe.Add(ref _firstChar, index);
            }
        }

        internal ref char GetRawData() => ref _firstChar;

        public static implicit operator ReadOnlySpan<char>(string value) =>
            value == null ? default : new ReadOnlySpan<char>(ref value._firstChar, value._stringLength);

        public static bool operator ==(string a, string b) => Equals(a, b);
        public static bool operator !=(string a, string b) => !Equals(a, b);

        public override bool Equals(object o) => o is string s && Equals(this, s);
        public bool Equals(string value) => Equals(this, value);

        public static bool Equals(string a, string b)
        {
            if ((object)a == (object)b) return true;
            if ((object)a == null || (object)b == null) return false;
            if (a._stringLength != b._stringLength) return false;
            for (int i = 0; i < a._stringLength; i++)
                if (Unsafe.Add(ref a._firstChar, i) != Unsafe.Add(ref b._firstChar, i)) return false;
            return true;
        }

        public override int GetHashCode()
        {
            // FNV-1a over the UTF-16 code units; stable within one boot, which is all .NET promises.
            uint hash = 2166136261;
            for (int i = 0; i < _stringLength; i++)
                hash = (hash ^ Unsafe.Add(ref _firstChar, i)) * 16777619;
            return (int)hash;
        }

        public override string ToString() => this;

        // Allocates: boot-time only (after the heap is sealed this panics, by design).
        public static unsafe string Concat(string a, string b)
        {
            a ??= Empty;
            b ??= Empty;
            int length = a._stringLength + b._stringLength;
            string result = FastAllocate(length);
            ref char dst = ref result._firstChar;
            for (int i = 0; i < a._stringLength; i++) Unsafe.Add(ref dst, i) = Unsafe.Add(ref a._firstChar, i);
            for (int i = 0; i < b._stringLength; i++) Unsafe.Add(ref dst, a._stringLength + i) = Unsafe.Add(ref b._firstChar, i);
            return result;
        }

        public static string Concat(string a, string b, string c) => Concat(Concat(a, b), c);

        public static string Concat(string a, string b, string c, string d) => Concat(Concat(a, b), Concat(c, d));

        private static unsafe string FastAllocate(int length)
        {
            // Every string shares the MethodTable of the empty literal, which ilc emits in flash.
            object o = Runtime.RuntimeImports.RhpNewArray("".m_pMethodTable, length);
            return Unsafe.As<string>(o);
        }
    }
}
