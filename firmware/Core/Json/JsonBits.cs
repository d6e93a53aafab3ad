namespace ChargePoint.Core.Json
{
    // 64 flags (which open containers are objects, which listed names were seen) in two words: a
    // variable shift of a ulong is a runtime helper call on the 32-bit target, of a uint one instruction.
    internal struct JsonBits
    {
        private uint _low;
        private uint _high;

        public bool this[int index] =>
            index < 32 ? (_low >> index & 1) != 0 : (_high >> (index - 32) & 1) != 0;

        public void Set(int index, bool value)
        {
            if (index < 32)
            {
                uint mask = 1u << index;
                _low = value ? _low | mask : _low & ~mask;
            }
            else
            {
                uint mask = 1u << (index - 32);
                _high = value ? _high | mask : _high & ~mask;
            }
        }
    }
}
