namespace ChargePoint.Core.Ocpp
{
    // How long to wait before the next connection attempt: exponential backoff with jitter, capped,
    // back to the first step after a successful BootNotification. The jitter (up to a quarter of
    // the step, either way) keeps a fleet of charge points that lost their central system at once
    // from coming back at the same instant.
    public sealed class ReconnectBackoff
    {
        private readonly IRandom _random;
        private readonly long _firstMilliseconds;
        private readonly long _capMilliseconds;
        private long _step;

        public ReconnectBackoff(IRandom random, long firstMilliseconds, long capMilliseconds)
        {
            _random = random;
            _firstMilliseconds = firstMilliseconds;
            _capMilliseconds = capMilliseconds;
            _step = firstMilliseconds;
        }

        public long CurrentStepMilliseconds => _step;

        // The delay before the next attempt; each call doubles the step for the one after (capped).
        public long NextDelayMilliseconds()
        {
            long step = _step;
            _step = step >= _capMilliseconds / 2 ? _capMilliseconds : step * 2;
            long quarter = step / 4;
            if (quarter == 0) return step;
            long jitter = (long)(_random.NextUInt32() % (uint)(2 * quarter + 1)) - quarter;
            long delay = step + jitter;
            return delay > _capMilliseconds ? _capMilliseconds : delay;
        }

        public void Reset() => _step = _firstMilliseconds;
    }
}
