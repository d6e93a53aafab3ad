using System;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace Internal.Runtime
{
    // Fail-fast for the device: one line on the console, then native code halts (QEMU) or resets (board).
    // Device-only API: firmware/Core never uses it (it is not part of .NET).
    public static unsafe class Panic
    {
        private static delegate*<byte, void> s_putByte;
        private static bool s_panicking;

        // The console driver hands over a polled byte writer at boot; panics before that are silent.
        public static void SetConsole(delegate*<byte, void> putByte) => s_putByte = putByte;

        public static void Fail(ReadOnlySpan<byte> what) => Fail(what, 0);

        // address: the code address that failed (0 when unknown).
        public static void Fail(ReadOnlySpan<byte> what, uint address)
        {
            Begin();
            PutText(what);
            End(address);
        }

        public static void FailWithSize(ReadOnlySpan<byte> what, uint size, uint address)
        {
            Begin();
            PutText(what);
            PutText(": "u8);
            PutDecimal(size);
            PutText(" bytes"u8);
            End(address);
        }

        // Called from native code (fault handlers, throw helpers) with a NUL-terminated ASCII message.
        [RuntimeExport("rt_panic")]
        internal static void FromNative(byte* what, uint address)
        {
            Begin();
            while (*what != 0) Put((char)*what++);
            End(address);
        }

        // Called by native/startup.c for faults and stray interrupts. frame: the registers the core
        // stacked on exception entry (r0-r3, r12, lr, pc, xpsr), or null.
        [RuntimeExport("rt_panic_fault")]
        internal static void FromFault(byte* what, uint* frame, uint cfsr, uint hfsr, uint faultAddress)
        {
            Begin();
            while (*what != 0) Put((char)*what++);
            if (frame != null)
            {
                // One table-driven loop instead of a call pair per register keeps this small.
                uint* values = stackalloc uint[] { frame[6], frame[5], frame[7], frame[0], frame[1], frame[2], frame[3], frame[4], cfsr, hfsr, faultAddress };
                ReadOnlySpan<byte> layout = " pc=| lr=| xpsr=|\r\n  r0=| r1=| r2=| r3=| r12=|\r\n  cfsr=| hfsr=| address=|"u8;
                int field = 0;
                for (int i = 0; i < layout.Length; i++)
                {
                    if (layout[i] == (byte)'|') PutHex(values[field++]);
                    else Put((char)layout[i]);
                }
            }
            else if (cfsr != 0)
            {
                PutText(" "u8); PutDecimal(cfsr);
            }
            End(0);
        }

        private static void Begin()
        {
            // A panic inside a panic (the console or the fault record itself failing) stops at once.
            if (s_panicking) RuntimeImports.Halt();
            s_panicking = true;
            Put('\r'); Put('\n');
            PutText("*** PANIC: "u8);
        }

        private static void End(uint address)
        {
            if (address != 0) { PutText(" at "u8); PutHex(address); }
            PutText(" ***\r\n"u8);
            RuntimeImports.Halt();
        }

        public static void PutText(ReadOnlySpan<byte> text)
        {
            for (int i = 0; i < text.Length; i++) Put((char)text[i]);
        }

        public static void PutHex(uint value)
        {
            Put('0'); Put('x');
            for (int shift = 28; shift >= 0; shift -= 4)
            {
                uint nibble = (value >> shift) & 0xF;
                Put((char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10));
            }
        }

        public static void PutDecimal(uint value)
        {
            // Ten digits cover uint; repeated subtraction of powers of ten keeps this free of division,
            // so a panic raised by the divide helper cannot recurse.
            bool started = false;
            for (uint power = 1000000000; power != 0; power = PowerBelow(power))
            {
                char digit = '0';
                while (value >= power) { value -= power; digit++; }
                if (digit != '0' || started || power == 1) { Put(digit); started = true; }
            }
        }

        // power / 10 by multiplication with the reciprocal (exact for every uint).
        private static uint PowerBelow(uint power) => (uint)(((ulong)power * 0xCCCCCCCDUL) >> 35);

        private static void Put(char c)
        {
            if (s_putByte != null) s_putByte((byte)c);
        }
    }
}
