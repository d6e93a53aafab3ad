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
            Span<byte> digits = stackalloc byte[HexText.Length];
            return Append(digits.Slice(0, HexText.Write(value, digits)));
        }

        public void End()
        {
            _owner?.Finish();
        }
    }
}
