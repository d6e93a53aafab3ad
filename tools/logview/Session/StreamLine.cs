namespace ChargePoint.Logview.Session
{
    // One line as read: its number (from 1), its bytes (terminator included) and what the parser
    // found in it. Fields a kind does not have stay 0 (Timestamp: null when the line had no prefix).
    public sealed class StreamLine
    {
        public int Number;
        public LineKind Kind;
        public string Text;          // without the line end
        public int ByteLength;       // as received, "\r\n" included
        public string Error;         // why the line is Malformed
        public string EndError;      // set when the line did not end with "\r\n"

        public double? Timestamp;    // seconds, from the "[hh:mm:ss.mmm,uuu] " prefix
        public int Connector;
        public string IdTag;         // START
        public bool Authorized;      // AUTH
        public long Status;          // AUTH: Zephyr's AuthorizationStatus number (Accepted = 1)
        public long EnergyWh;        // METER
        public long Reading;         // METER: the counter over all connectors, from 1

        public long UptimeUs;        // HR
        public long VoltageMv;
        public long CurrentMa;
        public long PowerW;
        public long EnergyMwh;

        // LOST: bytes dropped. Summary lines: their figure (N, bytes, bytes/s, samples).
        public long Value;
        public long RateHz;          // SummaryHighRate
        public long DroppedBytes;    // SummaryHighRate

        public bool IsEvent => Kind == LineKind.Start || Kind == LineKind.Auth || Kind == LineKind.Meter || Kind == LineKind.Stop;
        public bool IsSummary => Kind >= LineKind.SummaryTitle && Kind <= LineKind.SummaryClosing;
        public bool HasConnector => IsEvent || Kind == LineKind.HighRate;
    }
}
