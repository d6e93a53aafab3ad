// The primitive value types. ilc and csc know them by name; their single field holds the value.
// Only members that .NET itself has, with the same meaning, are offered (see README, "Runtime").
#pragma warning disable CS0169, CS0649
namespace System
{
    public struct Void { }

    public struct Boolean
    {
        private bool _value;
        public override string ToString() => _value ? "True" : "False";
    }

    public struct Char { private char _value; }
    public struct SByte { private sbyte _value; }
    public struct Byte { private byte _value; }
    public struct Int16 { private short _value; }
    public struct UInt16 { private ushort _value; }

    public struct Int32
    {
        private int _value;
        public const int MaxValue = 0x7fffffff;
        public const int MinValue = unchecked((int)0x80000000);
    }

    public struct UInt32
    {
        private uint _value;
        public const uint MaxValue = 0xffffffff;
        public const uint MinValue = 0;
    }

    public struct Int64
    {
        private long _value;
        public const long MaxValue = 0x7fffffffffffffffL;
        public const long MinValue = unchecked((long)0x8000000000000000L);
    }

    public struct UInt64
    {
        private ulong _value;
        public const ulong MaxValue = 0xffffffffffffffffUL;
    }

    public struct Single { private float _value; }
    public struct Double { private double _value; }

    public unsafe struct IntPtr
    {
        private void* _value;
        public static readonly IntPtr Zero;
        public IntPtr(void* value) { _value = value; }
        public IntPtr(int value) { _value = (void*)value; }
        public static int Size => sizeof(void*);
        public void* ToPointer() => _value;
        public static explicit operator IntPtr(int value) => new IntPtr(value);
        public static explicit operator IntPtr(void* value) => new IntPtr(value);
        public static explicit operator void*(IntPtr value) => value._value;
        public static explicit operator int(IntPtr value) => (int)value._value;
        public static explicit operator long(IntPtr value) => (long)value._value;
        public static bool operator ==(IntPtr a, IntPtr b) => a._value == b._value;
        public static bool operator !=(IntPtr a, IntPtr b) => a._value != b._value;
        public override bool Equals(object o) => false;
        public override int GetHashCode() => (int)_value;
    }

    public unsafe struct UIntPtr
    {
        private void* _value;
        public UIntPtr(void* value) { _value = value; }
        public UIntPtr(uint value) { _value = (void*)value; }
        public void* ToPointer() => _value;
        public static explicit operator UIntPtr(uint value) => new UIntPtr(value);
        public static explicit operator UIntPtr(void* value) => new UIntPtr(value);
        public static explicit operator void*(UIntPtr value) => value._value;
        public static explicit operator uint(UIntPtr value) => (uint)value._value;
        public override bool Equals(object o) => false;
        public override int GetHashCode() => (int)_value;
    }
}
