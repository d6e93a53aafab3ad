namespace ChargePoint.Logview.Session
{
    // What was read for one connector: its lines and bytes, its session, its last reading.
    public sealed class ConnectorStats
    {
        public int Connector;
        public int Lines;
        public long Bytes;
        public int Meters;
        public int HighRate;
        public int Sessions;
        public bool Charging;
        public int SessionStartLine;
        public string IdTag;
        public bool? Authorized;
        public long? LastWh;
        public long? FirstWh;
        public double? LastPowerW;         // derived from the last two readings (timestamps needed)
        public long? LastHighRatePowerW;   // the last [HR] sample's power

        // Stream time (timestamp prefix, or [HR] uptime) and host arrival time of its first and
        // last line, for the rates.
        public double? FirstStreamS, LastStreamS;
        public double? FirstArrivalS, LastArrivalS;

        public void Saw(StreamLine line, double? streamS, double arrivalS)
        {
            Lines++;
            Bytes += line.ByteLength;
            if (streamS.HasValue)
            {
                if (!FirstStreamS.HasValue) FirstStreamS = streamS;
                LastStreamS = streamS;
            }
            if (!double.IsNaN(arrivalS))
            {
                if (!FirstArrivalS.HasValue) FirstArrivalS = arrivalS;
                LastArrivalS = arrivalS;
            }
        }

        // Lines/s and bytes/s over the span of this connector's lines: on the stream's own clock
        // when its lines carry one, else on the host's clock as they arrived (live inputs), else
        // none (a file read at once with no timestamps).
        public bool TryRates(out double linesPerS, out double bytesPerS, out string clock)
        {
            linesPerS = bytesPerS = 0;
            clock = "";
            double span;
            if (FirstStreamS.HasValue && LastStreamS.Value - FirstStreamS.Value > 0)
            {
                span = LastStreamS.Value - FirstStreamS.Value;
                clock = "stream";
            }
            else if (FirstArrivalS.HasValue && LastArrivalS.Value - FirstArrivalS.Value >= 0.5)
            {
                span = LastArrivalS.Value - FirstArrivalS.Value;
                clock = "host";
            }
            else return false;
            linesPerS = Lines / span;
            bytesPerS = Bytes / span;
            return true;
        }
    }
}
