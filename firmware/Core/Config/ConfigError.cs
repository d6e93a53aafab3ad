using System;
using ChargePoint.Core.Logging;

namespace ChargePoint.Core.Config
{
    // The one line that says what is wrong with a configuration ("cs_url: port 99999 out of range
    // 1..65535"), built without allocating in a buffer sized once. Parsers write the field name
    // first, then what is wrong; the caller logs it (ConfigBlock) or answers with it (the shell).
    public sealed class ConfigError
    {
        public const int Capacity = 160;

        // Quoted input is cut here so that one bad value cannot push the reason off the log line.
        private const int MaxQuoted = 40;

        private readonly byte[] _text = new byte[Capacity];
        private int _length;

        public ReadOnlySpan<byte> Message => new ReadOnlySpan<byte>(_text, 0, _length);

        public int Length => _length;

        public void Clear() => _length = 0;

        // Back to an earlier Length: drops a prefix written before a check that then passed.
        public void Truncate(int length)
        {
            if (length < _length) _length = length < 0 ? 0 : length;
        }

        public ConfigError Append(ReadOnlySpan<byte> text)
        {
            int count = Math.Min(text.Length, Capacity - _length);
            text.Slice(0, count).CopyTo(new Span<byte>(_text, _length, count));
            _length += count;
            return this;
        }

        public ConfigError Append(long value)
        {
            Span<byte> digits = stackalloc byte[20];
            int length = DecimalText.Write(value, digits);
            return Append(digits.Slice(0, length));
        }

        public ConfigError AppendHex(uint value)
        {
            Span<byte> digits = stackalloc byte[HexText.Length];
            return Append(digits.Slice(0, HexText.Write(value, digits)));
        }

        public ConfigError AppendAddress(uint address)
        {
            Span<byte> text = stackalloc byte[Ipv4.MaxTextLength];
            return Append(text.Slice(0, Ipv4.Format(address, text)));
        }

        // "text" with control bytes as \xNN (a stray CR or NUL must not reach the console raw), cut
        // after MaxQuoted bytes with "...".
        public ConfigError AppendQuoted(ReadOnlySpan<byte> text)
        {
            AppendByte((byte)'"');
            int count = Math.Min(text.Length, MaxQuoted);
            for (int i = 0; i < count; i++)
            {
                byte c = text[i];
                if (c < 0x20 || c == 0x7F) AppendEscaped(c);
                else AppendByte(c);
            }
            if (count < text.Length) Append("..."u8);
            return AppendByte((byte)'"');
        }

        // One offending byte: "/" when printable, 0x0d when not.
        public ConfigError AppendCharacter(byte c)
        {
            if (c > 0x20 && c < 0x7F)
            {
                AppendByte((byte)'"');
                AppendByte(c);
                return AppendByte((byte)'"');
            }
            if (c == 0x20) return Append("\" \""u8);
            Span<byte> hex = stackalloc byte[4];
            hex[0] = (byte)'0';
            hex[1] = (byte)'x';
            hex[2] = HexDigit(c >> 4);
            hex[3] = HexDigit(c & 0xF);
            return Append(hex);
        }

        private void AppendEscaped(byte c)
        {
            Span<byte> escape = stackalloc byte[4];
            escape[0] = (byte)'\\';
            escape[1] = (byte)'x';
            escape[2] = HexDigit(c >> 4);
            escape[3] = HexDigit(c & 0xF);
            Append(escape);
        }

        private ConfigError AppendByte(byte c)
        {
            if (_length < Capacity) _text[_length++] = c;
            return this;
        }

        private static byte HexDigit(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
    }
}
