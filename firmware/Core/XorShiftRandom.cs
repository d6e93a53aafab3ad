namespace ChargePoint.Core
{
    // Marsaglia's xorshift32 (J. Stat. Software 8(14), 2003): period 2^32 - 1, no allocation.
    public sealed class XorShiftRandom : IRandom
    {
        private uint _state;

        public XorShiftRandom(uint seed) { _state = seed != 0 ? seed : 0x9E3779B9u; }

        // Stirs more entropy in (the clock at an unpredictable moment, say).
        public void Mix(uint value)
        {
            _state ^= value;
            if (_state == 0) _state = 0x9E3779B9u;
            NextUInt32();
        }

        public uint NextUInt32()
        {
            uint x = _state;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            _state = x;
            return x;
        }
    }
}
