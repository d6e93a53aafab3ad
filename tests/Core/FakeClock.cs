using ChargePoint.Core;

namespace ChargePoint.Tests.Core
{
    // Time that moves only when a test says so.
    public sealed class FakeClock : IClock
    {
        public long UptimeMicroseconds { get; set; }

        public void AdvanceMilliseconds(long milliseconds) => UptimeMicroseconds += milliseconds * 1000;
    }
}
