namespace ChargePoint.Core.Ocpp
{
    // The charge point's own timings (the OCPP ones are configuration keys): defaults at build
    // time, shortened by tests.
    public sealed class OcppTimings
    {
        public long ResponseTimeoutMilliseconds = 30000;   // a CALL without an answer by then failed
        public long BootRetryMilliseconds = 30000;         // after a failed BootNotification (no interval given)
        public long ReconnectFirstMilliseconds = 2000;     // backoff after the link closed: 2 s, 4 s, 8 s, ...
        public long ReconnectCapMilliseconds = 60000;      // ... at most a minute (with jitter)
        public long PongTimeoutMilliseconds = 10000;       // a ping without a pong by then: the link is dead
        public long HandshakeTimeoutMilliseconds = 10000;
    }
}
