using System;

namespace ChargePoint.Core.Logging
{
    // One line being built: Append(...) in order, then End(). A default LogLine (level filtered
    // out) ignores everything, so callers never test the level themselves.
    public readonly struct LogLine
    {
        private readonly Logger _owner;

        internal LogLine(Logger owner) { _owner = owner; }

        public LogLine Append(string text)
        {
            if (_owner == null) return this;
            Span<byte> free = _owner.Free;
            int written = Utf8.Encode(text, free);
            _owner.Advance(written, written < Utf8.EncodedLength(text));
            return this;
        }

        public LogLine Append(ReadOnlySpan<byte> utf8)
        {
            if (_owner == null) return this;
            Span<byte> free = _owner.Free;
            int count = Math.Min(free.Length, utf8.Length);
            utf8.Slice(0, count).CopyTo(free);
            _owner.Advance(count, count < utf8.Length);
            return this;
        }

        public LogLine Append(long value)
        {
            if (_owner == null) return this;
            Span<byte> digits = stackalloc byte[20];
            int length = DecimalText.Write(value, digits);
            return Append(digits.Slice(0, length));
        }

        public LogLine AppendHex(uint value)
        {
            if (_owner == null) return this;
            Span<byte> digits = stackalloc byte[10];
            digits[0] = (byte)'0';
            digits[1] = (byte)'x';
            for (int i = 0; i < 8; i++)
            {
                int nibble = (int)(value >> (28 - 4 * i)) & 0xF;
                digits[2 + i] = (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
            }
            return Append(digits);
        }

        public void End()
        {
            _owner?.Finish();
        }
    }
}
