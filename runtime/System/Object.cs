#pragma warning disable CS0169, CS0649
namespace System
{
    // Every object starts with a pointer to its MethodTable (emitted by ilc).
    public class Object
    {
        internal unsafe Internal.Runtime.MethodTable* m_pMethodTable;

        public Object() { }
        ~Object() { }

        public virtual bool Equals(object o) => ReferenceEquals(this, o);
        public virtual int GetHashCode() => 0;
        public virtual string ToString() => "object";

        public static bool ReferenceEquals(object a, object b) => a == b;
    }
}
