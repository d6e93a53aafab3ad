namespace ChargePoint.Core.SessionLog
{
    // The session stream's settings (the configuration block's usblog_* keys), fixed at boot.
    public sealed class SessionStreamOptions
    {
        // The high-rate mode's limit. The sampler runs from the scheduler's millisecond clock, so
        // 1000 Hz is one sample per connector per run; more would only bunch samples together.
        // At 1000 Hz two connectors make about 2 x 41 x 1000 = 82 KB/s: a 16 KiB ring then covers
        // a port (or pump) that stalls for about 200 ms.
        public const int MaxHighRateHz = 1000;
        public const int MaxMeterReadingSeconds = 3600;

        // The console's timestamp before each event line (usblog_ts).
        public bool Timestamps;

        // [HR] samples per second per charging connector; 0: none (usblog_hz).
        public int HighRateHz;

        // Seconds between [METER] readings of a charging connector, the first at its start (usblog_meter_s).
        public int MeterReadingSeconds = 1;
    }
}
