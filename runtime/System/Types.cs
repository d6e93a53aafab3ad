// Types that csc and ilc need to exist; they carry no behaviour on this runtime.
#pragma warning disable CS0169, CS0649
namespace System
{
    public abstract class Type
    {
        public static Type GetTypeFromHandle(RuntimeTypeHandle handle) => null;
    }

    internal sealed class RuntimeType : Type { }

    public struct RuntimeTypeHandle { private IntPtr _value; }
    public struct RuntimeMethodHandle { private IntPtr _value; }
    public struct RuntimeFieldHandle { private IntPtr _value; }

    public abstract class Delegate
    {
        internal object _firstParameter;
        internal object _helperObject;
        internal IntPtr _extraFunctionPointerOrData;
        internal IntPtr _functionPointer;
    }

    public abstract class MulticastDelegate : Delegate { }

    public struct Nullable<T> where T : struct
    {
        private readonly bool _hasValue;
        private T _value;

        public Nullable(T value) { _hasValue = true; _value = value; }
        public bool HasValue => _hasValue;
        public T Value { get { if (!_hasValue) Internal.Runtime.Panic.Fail("Nullable has no value"u8); return _value; } }
        public T GetValueOrDefault() => _value;
        public static implicit operator T?(T value) => new T?(value);
        public static explicit operator T(T? value) => value.Value;
    }

    // Core code never throws (see architecture: bad input is a result value). The type exists because
    // ilc and csc refer to it; a violated contract on the device is a panic instead.
    public class Exception
    {
        public Exception() { }
        public Exception(string message) { }
    }

    public interface IDisposable { void Dispose(); }

    public interface IEquatable<T> { bool Equals(T other); }
}

namespace System.Runtime.InteropServices
{
    public interface IDynamicInterfaceCastable
    {
        // ilc looks this helper up by name; this runtime has no dynamic interface casts.
        internal static unsafe IntPtr GetDynamicInterfaceImplementation(object instance, void* interfaceType, ushort slot)
        {
            Internal.Runtime.Panic.Fail("dynamic interface cast"u8);
            return default;
        }
    }
}
