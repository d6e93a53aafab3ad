namespace ChargePoint.Core.Ocpp
{
    // The charge point's own timings (the OCPP ones are configuration keys): defaults at build
    // time, shortened by tests.
    public sealed class OcppTimings
    {
        public long ResponseTimeoutMilliseconds = 30000;   // a CALL without an answer by then failed
        public long BootRetryMilliseconds = 30000;         // after a failed BootNotification (no interval given)
        public long ReconnectDelayMilliseconds = 5000;     // part 1: a fixed delay after the link closed
        public long HandshakeTimeoutMilliseconds = 10000;
    }
}
