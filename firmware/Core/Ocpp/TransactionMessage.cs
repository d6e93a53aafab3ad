namespace ChargePoint.Core.Ocpp
{
    // What a transaction message says, kept until the central system has answered it. It is
    // turned into JSON only when sent, so the central system's transaction id (known once
    // StartTransaction.conf arrives) goes into every later message of that transaction.
    public struct TransactionMessage
    {
        public TransactionMessageKind Kind;
        public int ConnectorId;
        public int LocalTransactionId;   // ours, from the moment the transaction starts
        public long TimestampSeconds;    // UTC: the moment the message describes, not when it is sent
        public int TimestampMilliseconds;
        public bool TimestampKnown;      // false while the wall clock was not set (then: uptime-based)
        public long MeterWh;             // meterStart, the sampled register, or meterStop
        public int PowerW;
        public StopReason Reason;
        public int Attempts;             // CALLs sent for it so far
    }
}
