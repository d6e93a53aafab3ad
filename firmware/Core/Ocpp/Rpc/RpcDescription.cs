using System;

namespace ChargePoint.Core.Ocpp.Rpc
{
    // A CALLERROR's errorDescription, built without allocating (a fixed buffer made at boot).
    public sealed class RpcDescription
    {
        public const int Capacity = 120;

        private readonly byte[] _text = new byte[Capacity];
        private int _length;

        public ReadOnlySpan<byte> Text => new ReadOnlySpan<byte>(_text, 0, _length);

        public void Clear() => _length = 0;

        public RpcDescription Append(ReadOnlySpan<byte> text)
        {
            int count = Math.Min(text.Length, Capacity - _length);
            // Keep whole UTF-8 characters: never end inside a sequence.
            while (count > 0 && count < text.Length && (text[count] & 0xC0) == 0x80) count--;
            text.Slice(0, count).CopyTo(new Span<byte>(_text, _length, count));
            _length += count;
            return this;
        }

        public RpcDescription Append(long value)
        {
            Span<byte> digits = stackalloc byte[20];
            return Append(digits.Slice(0, Logging.DecimalText.Write(value, digits)));
        }
    }
}
