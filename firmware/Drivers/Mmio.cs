using System.Runtime.CompilerServices;

namespace ChargePoint.Drivers
{
    // Volatile access to memory-mapped registers. A plain pointer load in a polling loop is hoisted
    // out of the loop by the JIT (seen in ilc 10's ARM32 output), so every access goes through a
    // volatile field: the load or store is always emitted, followed/preceded by a DMB.
    public static unsafe class Mmio
    {
        private struct Register32 { public volatile uint Value; }
        private struct Register16 { public volatile ushort Value; }
        private struct Register8 { public volatile byte Value; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static uint Read32(uint address) => ((Register32*)address)->Value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Write32(uint address, uint value) => ((Register32*)address)->Value = value;

        // A 32-bit read that stays 32-bit when the caller keeps only the low byte: inlined, ilc
        // turns `(byte)Read32(RDR)` into an `ldrb` (seen in the STM32 image), and some peripherals
        // want word access (RM0410 34.8: USART registers are accessed as words). Not inlined, so
        // it costs a call; use it for data registers whose value is narrowed.
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static uint Read32Word(uint address) => ((Register32*)address)->Value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ushort Read16(uint address) => ((Register16*)address)->Value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Write16(uint address, ushort value) => ((Register16*)address)->Value = value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static byte Read8(uint address) => ((Register8*)address)->Value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Write8(uint address, byte value) => ((Register8*)address)->Value = value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void SetBits(uint address, uint bits) => Write32(address, Read32(address) | bits);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void ClearBits(uint address, uint bits) => Write32(address, Read32(address) & ~bits);

        // Replace the bits under `mask` with `value` (already shifted into place).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Modify(uint address, uint mask, uint value) => Write32(address, (Read32(address) & ~mask) | (value & mask));

        // Spin until (register & mask) == expected. Boot-time use (clock and PLL ready flags):
        // the hardware guarantees these settle; a board that never does hangs visibly at boot.
        public static void WaitFor(uint address, uint mask, uint expected)
        {
            while ((Read32(address) & mask) != expected) { }
        }
    }
}
