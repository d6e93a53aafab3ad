namespace ChargePoint.Logview.Session
{
    // One [HR] sample: integers as sent.
    public sealed class HighRateSample
    {
        public int Line;
        public int Connector;
        public long UptimeUs;
        public long VoltageMv;
        public long CurrentMa;
        public long PowerW;
        public long EnergyMwh;
    }
}
