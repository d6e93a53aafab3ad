namespace ChargePoint.Core.Storage
{
    // A position in a RecordLog, for RecordLog.ReadNext. Start from RecordLog.Start(); it is
    // good until the next Append or compaction.
    public struct RecordCursor
    {
        internal int Offset;

        // The sequence number of the record ReadNext returned last.
        public uint Sequence { get; internal set; }
    }
}
