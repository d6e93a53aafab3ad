namespace ChargePoint.Core.SessionLog
{
    // What the summary says, counted by SessionStream (see SessionLine.Summary for the lines).
    public struct SessionFigures
    {
        public long MeterReadings;        // [METER] lines the stream carried
        public long Bytes;                // bytes the stream carried before the summary
        public long DurationMicroseconds; // from the first START to the last STOP
        public int HighRateHz;            // 0: high-rate mode off (no high-rate line)
        public long HighRateSamples;      // [HR] lines the stream carried, all connectors
        public long DroppedBytes;         // bytes the stream could not carry
    }
}
