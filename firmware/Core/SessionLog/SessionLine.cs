using System;
using ChargePoint.Core.Meter;

namespace ChargePoint.Core.SessionLog
{
    // The session stream's lines, byte for byte as the Zephyr sample's USB log shows them (its
    // origin document, "USB CDC ACM Output"), each ending in CR LF:
    //
    //   === OCPP USB High-Speed Logger ===                     the header, when a host opens the port
    //   [LOST] 812 bytes dropped while no host was connected   after it, when bytes were overwritten
    //   [START] Connector 1: ID=ZepId00                        an idTag presented
    //   [AUTH] Connector 1: Authorized (status=1)              its authorization (Zephyr's status number)
    //   [METER] Conn1: 7 Wh (reading #1)                       a meter reading (one count over all connectors)
    //   [HR] 1 17197000 230000 15652 3600 7000                 high-rate sample: µs, mV, mA, W, mWh
    //   [STOP] Connector 1: Session ended
    //   (blank) === Session Summary === ...                    when the last running session ends
    //
    // Event lines (START, AUTH, METER, STOP) may carry the console's timestamp first:
    // "[00:00:17.197,000] [START] Connector 1: ID=ZepId00". Each writer returns the line's length,
    // or 0 when the destination is too small. Nothing allocates.
    public static class SessionLine
    {
        // No timestamp prefix (the writers' `stamp` argument; any other value is an uptime in µs).
        public const long NoTimestamp = -1;

        // Room for any line but the summary, numbers of 20 digits included (the longest line, an
        // [HR] sample of six such numbers, is 5 + 6 * 21 + 1 = 132 bytes; a timestamped START with
        // a 20-byte idTag, the longest event, is under 100).
        public const int MaxLineBytes = 160;
        // The longest [HR] and [LOST] lines.
        public const int MaxHighRateBytes = 5 + 6 * 21 + 1;
        public const int MaxLostBytes = 7 + 20 + 42 + 2;
        // The summary's lines at once, its numbers at 20 digits each.
        public const int MaxSummaryBytes = 384;

        public static ReadOnlySpan<byte> Header =>
            "=== OCPP USB High-Speed Logger ===\r\nThis showcases USB High-Speed (480 Mbps) data transfer\r\nLogging charging session data in real-time\r\n\r\n"u8;

        // An event line: its timestamp prefix first when the stream has them.
        private static LineText Begin(Span<byte> destination, long stamp)
        {
            var line = new LineText(destination);
            if (stamp != NoTimestamp) line.Timestamp(stamp);
            return line;
        }

        public static int Lost(Span<byte> destination, long bytes)
        {
            var line = new LineText(destination);
            line.Append("[LOST] "u8);
            line.Append(bytes);
            line.Append(" bytes dropped while no host was connected"u8);
            return line.End();
        }

        public static int Start(Span<byte> destination, long stamp, int connector, ReadOnlySpan<byte> idTag)
        {
            LineText line = Begin(destination, stamp);
            line.Append("[START] Connector "u8);
            line.Append(connector);
            line.Append(": ID="u8);
            line.Append(idTag);
            return line.End();
        }

        // `zephyrStatus`: Zephyr's number of the central system's AuthorizationStatus (Accepted 1).
        public static int Authorization(Span<byte> destination, long stamp, int connector, bool accepted, int zephyrStatus)
        {
            LineText line = Begin(destination, stamp);
            line.Append("[AUTH] Connector "u8);
            line.Append(connector);
            line.Append(accepted ? ": Authorized (status="u8 : ": Not authorized (status="u8);
            line.Append(zephyrStatus);
            line.Append(")"u8);
            return line.End();
        }

        public static int MeterReading(Span<byte> destination, long stamp, int connector, long energyWh, long number)
        {
            LineText line = Begin(destination, stamp);
            line.Append("[METER] Conn"u8);
            line.Append(connector);
            line.Append(": "u8);
            line.Append(energyWh);
            line.Append(" Wh (reading #"u8);
            line.Append(number);
            line.Append(")"u8);
            return line.End();
        }

        public static int Stop(Span<byte> destination, long stamp, int connector)
        {
            LineText line = Begin(destination, stamp);
            line.Append("[STOP] Connector "u8);
            line.Append(connector);
            line.Append(": Session ended"u8);
            return line.End();
        }

        public static int HighRate(Span<byte> destination, int connector, in MeterReading reading)
        {
            var line = new LineText(destination);
            line.Append("[HR] "u8);
            line.Append(connector);
            line.Append(" "u8);
            line.Append(reading.UptimeMicroseconds);
            line.Append(" "u8);
            line.Append(reading.VoltageMillivolts);
            line.Append(" "u8);
            line.Append(reading.CurrentMilliamperes);
            line.Append(" "u8);
            line.Append(reading.PowerW);
            line.Append(" "u8);
            line.Append(reading.EnergyMilliwattHours);
            return line.End();
        }

        // The summary's lines together, its blank line first. The throughput is the bytes over the
        // session's whole seconds (integer division, at least one second).
        public static int Summary(Span<byte> destination, in SessionFigures figures)
        {
            long seconds = figures.DurationMicroseconds / 1000000;
            if (seconds < 1) seconds = 1;
            var text = new LineText(destination);
            text.Append("\r\n=== Session Summary ===\r\nTotal meter readings: "u8);
            text.Append(figures.MeterReadings);
            text.Append("\r\nUSB data transferred: "u8);
            text.Append(figures.Bytes);
            text.Append(" bytes\r\nAverage throughput: ~"u8);
            text.Append(figures.Bytes / seconds);
            text.Append(" bytes/sec\r\n"u8);
            if (figures.HighRateHz > 0)
            {
                text.Append("High-rate samples: "u8);
                text.Append(figures.HighRateSamples);
                text.Append(" at "u8);
                text.Append(figures.HighRateHz);
                text.Append(" Hz per connector, "u8);
                text.Append(figures.DroppedBytes);
                text.Append(" bytes dropped\r\n"u8);
            }
            text.Append("USB High-Speed (480 Mbps) enables efficient data logging"u8);
            return text.End();
        }

        // Whether a line (its first bytes, at least 32 of them when the line has that many) is a
        // meter reading or a high-rate sample: for counting what an overwrite took out of the stream.
        public static bool IsMeterReading(ReadOnlySpan<byte> start) => AfterTimestamp(start).StartsWith("[METER] "u8);
        public static bool IsHighRateSample(ReadOnlySpan<byte> start) => AfterTimestamp(start).StartsWith("[HR] "u8);

        // A line's text after the optional timestamp prefix ("[" and a digit open it; "] " ends it).
        private static ReadOnlySpan<byte> AfterTimestamp(ReadOnlySpan<byte> start)
        {
            if (start.Length < 2 || start[0] != (byte)'[' || start[1] < (byte)'0' || start[1] > (byte)'9') return start;
            for (int i = 2; i + 1 < start.Length; i++)
                if (start[i] == (byte)']' && start[i + 1] == (byte)' ') return start.Slice(i + 2);
            return ReadOnlySpan<byte>.Empty;
        }
    }
}
