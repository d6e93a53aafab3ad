namespace ChargePoint.Core.Storage
{
    // The owner of what a RecordLog holds: when the log is full it erases a region and asks the
    // owner for the live set, the records that make up the current state (the superseded ones
    // are left behind; that is what compaction reclaims).
    public interface IRecordSource
    {
        // Appends every live record with log.Append(payload, null): during a compaction those
        // go into the freshly erased region. Returns false (or the first failed Append) to give
        // the compaction up; with two regions the old state then stays the current one.
        // The payloads must be built in a buffer of their own: the Append that started the
        // compaction still holds its payload and writes it after the live set.
        bool WriteLiveRecords(RecordLog log);
    }
}
