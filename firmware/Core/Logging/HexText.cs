using System;

namespace ChargePoint.Core.Logging
{
    // A 32-bit value as "0x" and eight lowercase hex digits, the form log lines and error
    // messages print addresses and checksums in.
    public static class HexText
    {
        public const int Length = 10;

        // Writes Length bytes into `destination`; returns Length.
        public static int Write(uint value, Span<byte> destination)
        {
            destination[0] = (byte)'0';
            destination[1] = (byte)'x';
            for (int i = 0; i < 8; i++)
            {
                int nibble = (int)(value >> (28 - 4 * i)) & 0xF;
                destination[2 + i] = (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
            }
            return Length;
        }
    }
}
