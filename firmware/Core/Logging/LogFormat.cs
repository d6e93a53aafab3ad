using System;

namespace ChargePoint.Core.Logging
{
    // The Zephyr log line, byte for byte:
    //   [00:00:02.642,000] <inf> main: Your address: 192.168.1.101\r\n
    // Timestamp: hours:minutes:seconds.milliseconds,microseconds since boot (hours grow past 99).
    // Every writer returns the new position; nothing allocates. A writer that runs out of room
    // writes what fits and the caller marks the line truncated.
    public static class LogFormat
    {
        public const int TimestampLength = 18; // "[hh:mm:ss.mmm,uuu]"

        public static ReadOnlySpan<byte> LevelTag(LogLevel level)
        {
            switch (level)
            {
                case LogLevel.Error: return "err"u8;
                case LogLevel.Warning: return "wrn"u8;
                case LogLevel.Info: return "inf"u8;
                default: return "dbg"u8;
            }
        }

        // Writes "[hh:mm:ss.mmm,uuu] <lvl> module: " and returns its length (0 when it does not fit).
        public static int WritePrefix(Span<byte> destination, long uptimeMicroseconds, LogLevel level, ReadOnlySpan<byte> module)
        {
            int needed = TimestampLength + 2 + 3 + 2 + module.Length + 2;
            if (uptimeMicroseconds < 0) uptimeMicroseconds = 0;
            long totalSeconds = uptimeMicroseconds / 1000000;
            int micros = (int)(uptimeMicroseconds - totalSeconds * 1000000);
            long hours = totalSeconds / 3600;
            int secondsInHour = (int)(totalSeconds - hours * 3600);
            int hourDigits = CountDigits((ulong)hours);
            if (hourDigits < 2) hourDigits = 2;
            needed += hourDigits - 2;
            if (destination.Length < needed) return 0;

            int at = 0;
            destination[at++] = (byte)'[';
            at = WriteDigits(destination, at, (ulong)hours, hourDigits);
            destination[at++] = (byte)':';
            at = WriteDigits(destination, at, (ulong)(secondsInHour / 60), 2);
            destination[at++] = (byte)':';
            at = WriteDigits(destination, at, (ulong)(secondsInHour % 60), 2);
            destination[at++] = (byte)'.';
            at = WriteDigits(destination, at, (ulong)(micros / 1000), 3);
            destination[at++] = (byte)',';
            at = WriteDigits(destination, at, (ulong)(micros % 1000), 3);
            destination[at++] = (byte)']';
            destination[at++] = (byte)' ';
            destination[at++] = (byte)'<';
            LevelTag(level).CopyTo(destination.Slice(at));
            at += 3;
            destination[at++] = (byte)'>';
            destination[at++] = (byte)' ';
            module.CopyTo(destination.Slice(at));
            at += module.Length;
            destination[at++] = (byte)':';
            destination[at++] = (byte)' ';
            return at;
        }

        public static int CountDigits(ulong value)
        {
            int digits = 1;
            while (value >= 10) { value /= 10; digits++; }
            return digits;
        }

        // Exactly `width` decimal digits, zero padded (the caller sized `width` to fit the value).
        public static int WriteDigits(Span<byte> destination, int at, ulong value, int width)
        {
            for (int i = width - 1; i >= 0; i--)
            {
                destination[at + i] = (byte)('0' + (int)(value % 10));
                value /= 10;
            }
            return at + width;
        }
    }
}
