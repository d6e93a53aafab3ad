namespace ChargePoint.Core.Time
{
    // UTC time of day, once something has told it (SNTP at boot, or the central system's
    // BootNotification answer): kept as the offset from the monotonic uptime clock, so it never
    // needs a tick of its own and moves with the uptime.
    public sealed class WallClock
    {
        public enum Source { NotSet, Sntp, CentralSystem }

        private readonly IClock _uptime;
        private long _offsetMicroseconds; // UTC microseconds since 1970 minus uptime microseconds
        private Source _source;

        public WallClock(IClock uptime) { _uptime = uptime; }

        public bool IsSet => _source != Source.NotSet;
        public Source SetBy => _source;

        public void Set(long utcSeconds, int microseconds, Source source)
        {
            _offsetMicroseconds = utcSeconds * 1000000 + microseconds - _uptime.UptimeMicroseconds;
            _source = source;
        }

        // False (and zeros) while not set.
        public bool TryGetUtc(out long seconds, out int microseconds)
        {
            if (_source == Source.NotSet)
            {
                seconds = 0;
                microseconds = 0;
                return false;
            }
            long now = _uptime.UptimeMicroseconds + _offsetMicroseconds;
            seconds = now / 1000000;
            microseconds = (int)(now - seconds * 1000000);
            return true;
        }
    }
}
