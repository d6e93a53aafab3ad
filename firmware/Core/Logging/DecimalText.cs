using System;

namespace ChargePoint.Core.Logging
{
    // Integer to ASCII decimal without allocating (Int64.ToString allocates).
    public static class DecimalText
    {
        // Returns the number of bytes written; destination needs 20 bytes for any long.
        public static int Write(long value, Span<byte> destination)
        {
            ulong magnitude = value < 0 ? (ulong)(-(value + 1)) + 1 : (ulong)value;
            int at = 0;
            if (value < 0) destination[at++] = (byte)'-';
            int digits = LogFormat.CountDigits(magnitude);
            return LogFormat.WriteDigits(destination, at, magnitude, digits);
        }
    }
}
