using System.Globalization;
using System.Text.RegularExpressions;

namespace ChargePoint.Logview.Session
{
    // Parses one line of the session stream, exactly as /tmp/notes/format.md fixes it (the seed's
    // lines byte for byte, then the [LOST], [HR] and summary additions). Never throws: a line that
    // starts like a known one but breaks its format is Malformed, with the reason; anything else is
    // Unknown.
    public static class LineParser
    {
        // The console's timestamp, "[hh:mm:ss.mmm,uuu] ", allowed before event lines only.
        private static readonly Regex Timestamp = new Regex(@"^\[(\d{2,}):(\d{2}):(\d{2})\.(\d{3}),(\d{3})\] ", RegexOptions.CultureInvariant);
        private static readonly Regex TimestampLike = new Regex(@"^\[\d", RegexOptions.CultureInvariant);

        // Numbers are plain decimal digits (the firmware prints integers only); idTag is OCPP's
        // CiString20: 1 to 20 printable characters, and none is a space in the seed's format.
        private static readonly Regex Start = Line(@"\[START\] Connector (\d{1,9}): ID=([\x21-\x7E]{1,20})");
        private static readonly Regex Auth = Line(@"\[AUTH\] Connector (\d{1,9}): (Authorized|Not authorized) \(status=(\d{1,18})\)");
        private static readonly Regex Meter = Line(@"\[METER\] Conn(\d{1,9}): (\d{1,18}) Wh \(reading #(\d{1,18})\)");
        private static readonly Regex Stop = Line(@"\[STOP\] Connector (\d{1,9}): Session ended");
        private static readonly Regex HighRate = Line(@"\[HR\] (\d{1,9}) (\d{1,18}) (-?\d{1,18}) (-?\d{1,18}) (-?\d{1,18}) (-?\d{1,18})");
        private static readonly Regex Lost = Line(@"\[LOST\] (\d{1,18}) bytes dropped while no host was connected");
        private static readonly Regex Readings = Line(@"Total meter readings: (\d{1,18})");
        private static readonly Regex Bytes = Line(@"USB data transferred: (\d{1,18}) bytes");
        private static readonly Regex Throughput = Line(@"Average throughput: ~(\d{1,18}) bytes/sec");
        private static readonly Regex HighRateSummary = Line(@"High-rate samples: (\d{1,18}) at (\d{1,9}) Hz per connector, (\d{1,18}) bytes dropped");

        public const string HeaderTitleText = "=== OCPP USB High-Speed Logger ===";
        public const string HeaderUsbText = "This showcases USB High-Speed (480 Mbps) data transfer";
        public const string HeaderLoggingText = "Logging charging session data in real-time";
        public const string SummaryTitleText = "=== Session Summary ===";
        public const string SummaryClosingText = "USB High-Speed (480 Mbps) enables efficient data logging";

        public const string StartFormat = "[START] Connector <c>: ID=<idTag>";
        public const string AuthFormat = "[AUTH] Connector <c>: Authorized (status=<s>) or Not authorized (status=<s>)";
        public const string MeterFormat = "[METER] Conn<c>: <Wh> Wh (reading #<n>)";
        public const string StopFormat = "[STOP] Connector <c>: Session ended";
        public const string HighRateFormat = "[HR] <c> <uptime_us> <voltage_mV> <current_mA> <power_W> <energy_mWh>";
        public const string LostFormat = "[LOST] <n> bytes dropped while no host was connected";

        private static Regex Line(string pattern) => new Regex("^" + pattern + "$", RegexOptions.CultureInvariant);

        // text: the line without its end; byteLength: the bytes it took in the stream, end included.
        public static StreamLine Parse(int number, string text, int byteLength)
        {
            var line = new StreamLine { Number = number, Text = text, ByteLength = byteLength };
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c < 0x20 || c > 0x7E)
                    return Malformed(line, $"byte 0x{(int)c:X2} at column {i + 1}: the stream is printable ASCII");
            }

            string body = text;
            Match stamp = Timestamp.Match(text);
            if (stamp.Success)
            {
                int minutes = Int(stamp.Groups[2].Value), seconds = Int(stamp.Groups[3].Value);
                if (minutes > 59 || seconds > 59) return Malformed(line, "timestamp prefix with minutes or seconds above 59");
                if (!long.TryParse(stamp.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long hours) || hours > 1_000_000)
                    return Malformed(line, "timestamp prefix with too many hours");
                line.Timestamp = hours * 3600.0 + minutes * 60 + seconds + Int(stamp.Groups[4].Value) / 1e3 + Int(stamp.Groups[5].Value) / 1e6;
                body = text.Substring(stamp.Length);
            }
            else if (TimestampLike.IsMatch(text))
            {
                return Malformed(line, "bad timestamp prefix: expected [hh:mm:ss.mmm,uuu] and a space");
            }

            if (body.StartsWith("[START]", System.StringComparison.Ordinal)) return ParseStart(line, body);
            if (body.StartsWith("[AUTH]", System.StringComparison.Ordinal)) return ParseAuth(line, body);
            if (body.StartsWith("[METER]", System.StringComparison.Ordinal)) return ParseMeter(line, body);
            if (body.StartsWith("[STOP]", System.StringComparison.Ordinal)) return ParseStop(line, body);

            // Everything below takes no timestamp prefix.
            LineKind kind = ParseOther(line, body);
            if (stamp.Success && kind != LineKind.Unknown && kind != LineKind.Malformed)
                return Malformed(line, "a timestamp prefix before a line that takes none (only [START], [AUTH], [METER], [STOP] do)");
            if (stamp.Success && kind == LineKind.Unknown)
                return Malformed(line, "a timestamp prefix before no known event");
            return line;
        }

        private static StreamLine ParseStart(StreamLine line, string body)
        {
            Match m = Start.Match(body);
            if (!m.Success) return Malformed(line, "expected " + StartFormat);
            if (!Connector(line, m.Groups[1].Value)) return line;
            line.Kind = LineKind.Start;
            line.IdTag = m.Groups[2].Value;
            return line;
        }

        private static StreamLine ParseAuth(StreamLine line, string body)
        {
            Match m = Auth.Match(body);
            if (!m.Success) return Malformed(line, "expected " + AuthFormat);
            if (!Connector(line, m.Groups[1].Value) || !Number(line, m.Groups[3].Value, out line.Status)) return line;
            line.Kind = LineKind.Auth;
            line.Authorized = m.Groups[2].Value == "Authorized";
            return line;
        }

        private static StreamLine ParseMeter(StreamLine line, string body)
        {
            Match m = Meter.Match(body);
            if (!m.Success) return Malformed(line, "expected " + MeterFormat);
            if (!Connector(line, m.Groups[1].Value) || !Number(line, m.Groups[2].Value, out line.EnergyWh)
                || !Number(line, m.Groups[3].Value, out line.Reading)) return line;
            if (line.Reading == 0) return Malformed(line, "reading #0: readings count from 1");
            line.Kind = LineKind.Meter;
            return line;
        }

        private static StreamLine ParseStop(StreamLine line, string body)
        {
            Match m = Stop.Match(body);
            if (!m.Success) return Malformed(line, "expected " + StopFormat);
            if (!Connector(line, m.Groups[1].Value)) return line;
            line.Kind = LineKind.Stop;
            return line;
        }

        private static LineKind ParseOther(StreamLine line, string body)
        {
            switch (body)
            {
                case "": line.Kind = LineKind.Blank; return line.Kind;
                case HeaderTitleText: line.Kind = LineKind.HeaderTitle; return line.Kind;
                case HeaderUsbText: line.Kind = LineKind.HeaderUsb; return line.Kind;
                case HeaderLoggingText: line.Kind = LineKind.HeaderLogging; return line.Kind;
                case SummaryTitleText: line.Kind = LineKind.SummaryTitle; return line.Kind;
                case SummaryClosingText: line.Kind = LineKind.SummaryClosing; return line.Kind;
            }
            Match m;
            if (body.StartsWith("[HR]", System.StringComparison.Ordinal))
            {
                m = HighRate.Match(body);
                if (!m.Success) return Malformed(line, "expected " + HighRateFormat).Kind;
                if (!Connector(line, m.Groups[1].Value) || !Number(line, m.Groups[2].Value, out line.UptimeUs)
                    || !Number(line, m.Groups[3].Value, out line.VoltageMv) || !Number(line, m.Groups[4].Value, out line.CurrentMa)
                    || !Number(line, m.Groups[5].Value, out line.PowerW) || !Number(line, m.Groups[6].Value, out line.EnergyMwh))
                    return line.Kind;
                line.Kind = LineKind.HighRate;
                return line.Kind;
            }
            if (body.StartsWith("[LOST]", System.StringComparison.Ordinal))
                return Figure(line, Lost.Match(body), LineKind.Lost, "expected " + LostFormat);
            if (body.StartsWith("Total meter readings:", System.StringComparison.Ordinal))
                return Figure(line, Readings.Match(body), LineKind.SummaryReadings, "expected Total meter readings: <N>");
            if (body.StartsWith("USB data transferred:", System.StringComparison.Ordinal))
                return Figure(line, Bytes.Match(body), LineKind.SummaryBytes, "expected USB data transferred: <bytes> bytes");
            if (body.StartsWith("Average throughput:", System.StringComparison.Ordinal))
                return Figure(line, Throughput.Match(body), LineKind.SummaryThroughput, "expected Average throughput: ~<bytes/s> bytes/sec");
            if (body.StartsWith("High-rate samples:", System.StringComparison.Ordinal))
            {
                m = HighRateSummary.Match(body);
                if (!m.Success) return Malformed(line, "expected High-rate samples: <n> at <rate> Hz per connector, <d> bytes dropped").Kind;
                if (!Number(line, m.Groups[1].Value, out line.Value) || !Number(line, m.Groups[2].Value, out line.RateHz)
                    || !Number(line, m.Groups[3].Value, out line.DroppedBytes)) return line.Kind;
                line.Kind = LineKind.SummaryHighRate;
                return line.Kind;
            }
            // Near misses of the fixed lines (a typo, a stray space) are Malformed, not Unknown.
            if (body.StartsWith("===", System.StringComparison.Ordinal) || body.Trim().Length == 0)
                return Malformed(line, "not a header or summary title of the format").Kind;
            line.Kind = LineKind.Unknown;
            return line.Kind;
        }

        private static LineKind Figure(StreamLine line, Match m, LineKind kind, string expected)
        {
            if (!m.Success) return Malformed(line, expected).Kind;
            if (!Number(line, m.Groups[1].Value, out line.Value)) return line.Kind;
            line.Kind = kind;
            return kind;
        }

        private static bool Connector(StreamLine line, string digits)
        {
            int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int connector);
            if (connector == 0) { Malformed(line, "connector 0: charging connectors count from 1"); return false; }
            line.Connector = connector;
            return true;
        }

        private static bool Number(StreamLine line, string digits, out long value)
        {
            if (long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)) return true;
            Malformed(line, $"number {digits} out of range");
            return false;
        }

        private static int Int(string digits) => int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);

        private static StreamLine Malformed(StreamLine line, string why)
        {
            line.Kind = LineKind.Malformed;
            line.Error = why;
            line.Timestamp = null;
            line.Connector = 0;
            return line;
        }
    }
}
