namespace ChargePoint.Core.Time
{
    // Microseconds since start from a 32-bit free-running counter. The counter wraps (every 171 s
    // at 25 MHz, every 19.9 s at 216 MHz); each read extends it to 64 bits by noticing the wrap,
    // so the clock must be read at least once per wrap period. The main loop reads it at every
    // pass (at least every SysTick millisecond), so that always holds.
    public sealed class CounterClock : IClock
    {
        private readonly IFreeRunningCounter _counter;
        private readonly uint _frequencyHz;
        private uint _last;
        private long _high; // wraps seen, times 2^32

        public CounterClock(IFreeRunningCounter counter)
        {
            _counter = counter;
            _frequencyHz = counter.FrequencyHz;
            _last = counter.Count;
            _high = -(long)_last; // time starts at 0 when the clock is made
        }

        public long Ticks
        {
            get
            {
                uint now = _counter.Count;
                if (now < _last) _high += 1L << 32;
                _last = now;
                return _high + now;
            }
        }

        public long UptimeMicroseconds
        {
            get
            {
                long ticks = Ticks;
                // Split so the product cannot overflow for centuries of uptime.
                long seconds = ticks / _frequencyHz;
                long rest = ticks - seconds * _frequencyHz;
                return seconds * 1000000 + rest * 1000000 / _frequencyHz;
            }
        }
    }
}
