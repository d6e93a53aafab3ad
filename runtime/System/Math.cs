using System.Runtime;
using Internal.Runtime;

namespace System
{
    // ilc's ARM32 code calls these for every integer division: route them to the Cortex-M7
    // hardware divider (libgcc's __aeabi_* built for cortex-m7 use sdiv/udiv; see native/divide.c).
    public static class Math
    {
        public static int Abs(int value) => value < 0 ? -value : value;
        public static long Abs(long value) => value < 0 ? -value : value;
        public static double Abs(double value) => value < 0 ? -value : value;
        public static int Min(int a, int b) => a < b ? a : b;
        public static int Max(int a, int b) => a > b ? a : b;
        public static uint Min(uint a, uint b) => a < b ? a : b;
        public static uint Max(uint a, uint b) => a > b ? a : b;
        public static long Min(long a, long b) => a < b ? a : b;
        public static long Max(long a, long b) => a > b ? a : b;
        public static ulong Min(ulong a, ulong b) => a < b ? a : b;
        public static ulong Max(ulong a, ulong b) => a > b ? a : b;
        public static double Min(double a, double b) => a < b ? a : b;
        public static double Max(double a, double b) => a > b ? a : b;
        public static int Clamp(int value, int min, int max) => value < min ? min : value > max ? max : value;

        public static int DivRem(int a, int b, out int result)
        {
            int q = a / b;
            result = a - q * b;
            return q;
        }

        internal static int DivInt32(int dividend, int divisor)
        {
            if (divisor == 0) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowDivideByZeroException();
            if (divisor == -1) return checked(-dividend); // int.MinValue / -1 overflows, as in .NET
            return RuntimeImports.DivideInt32(dividend, divisor);
        }

        internal static uint DivUInt32(uint dividend, uint divisor)
        {
            if (divisor == 0) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowDivideByZeroException();
            return RuntimeImports.DivideUInt32(dividend, divisor);
        }

        internal static long DivInt64(long dividend, long divisor)
        {
            if (divisor == 0) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowDivideByZeroException();
            if (divisor == -1) return checked(-dividend);
            return RuntimeImports.DivideInt64(dividend, divisor);
        }

        internal static ulong DivUInt64(ulong dividend, ulong divisor)
        {
            if (divisor == 0) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowDivideByZeroException();
            return RuntimeImports.DivideUInt64(dividend, divisor);
        }

        internal static int ModInt32(int dividend, int divisor)
        {
            if (divisor == 0) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowDivideByZeroException();
            if (divisor == -1) return 0;
            return RuntimeImports.RemainderInt32(dividend, divisor);
        }

        internal static uint ModUInt32(uint dividend, uint divisor)
        {
            if (divisor == 0) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowDivideByZeroException();
            return RuntimeImports.RemainderUInt32(dividend, divisor);
        }

        internal static long ModInt64(long dividend, long divisor)
        {
            if (divisor == 0) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowDivideByZeroException();
            if (divisor == -1) return 0;
            return RuntimeImports.RemainderInt64(dividend, divisor);
        }

        internal static ulong ModUInt64(ulong dividend, ulong divisor)
        {
            if (divisor == 0) Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowDivideByZeroException();
            return RuntimeImports.RemainderUInt64(dividend, divisor);
        }
    }
}
