using System;

namespace ChargePoint.Core.Json
{
    // The bytes between a string's quotes as the reader validated them, unescaped on the fly: no
    // copy, no allocation. Only for text the reader accepted (escapes complete, surrogates paired).
    internal static class JsonString
    {
        // The next unescaped piece at `index` (a raw byte, or a whole escape as its UTF-8 bytes packed
        // first byte lowest), moving `index` past it.
        public static uint Next(ReadOnlySpan<byte> escaped, ref int index, out int length)
        {
            byte b = escaped[index];
            if (b != '\\')
            {
                index++;
                length = 1;
                return b;
            }
            byte kind = escaped[index + 1];
            index += 2;
            length = 1;
            switch (kind)
            {
                case (byte)'b': return 0x08;
                case (byte)'f': return 0x0C;
                case (byte)'n': return 0x0A;
                case (byte)'r': return 0x0D;
                case (byte)'t': return 0x09;
                case (byte)'u': break;
                default: return kind; // '"', '\\' and '/'
            }
            int codePoint = Hex4(escaped, index);
            index += 4;
            if (codePoint >= 0xD800 && codePoint <= 0xDBFF)
            {
                int low = Hex4(escaped, index + 2);
                index += 6;
                codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (low - 0xDC00);
            }
            return JsonUtf8.Encode(codePoint, out length);
        }

        public static int HexDigit(byte b)
        {
            if (b >= '0' && b <= '9') return b - '0';
            if (b >= 'a' && b <= 'f') return b - 'a' + 10;
            if (b >= 'A' && b <= 'F') return b - 'A' + 10;
            return -1;
        }

        private static int Hex4(ReadOnlySpan<byte> text, int at) =>
            HexDigit(text[at]) << 12 | HexDigit(text[at + 1]) << 8 | HexDigit(text[at + 2]) << 4 | HexDigit(text[at + 3]);

        // The unescaped bytes into `destination`: their count, or -1 when they do not fit.
        public static int Unescape(ReadOnlySpan<byte> escaped, Span<byte> destination)
        {
            int written = 0;
            int index = 0;
            while (index < escaped.Length)
            {
                uint piece = Next(escaped, ref index, out int length);
                if (written + length > destination.Length) return -1;
                for (int k = 0; k < length; k++) destination[written++] = (byte)(piece >> (8 * k));
            }
            return written;
        }

        public static bool UnescapedEquals(ReadOnlySpan<byte> escaped, ReadOnlySpan<byte> utf8)
        {
            int at = 0;
            int index = 0;
            while (index < escaped.Length)
            {
                uint piece = Next(escaped, ref index, out int length);
                for (int k = 0; k < length; k++)
                {
                    if (at >= utf8.Length || utf8[at] != (byte)(piece >> (8 * k))) return false;
                    at++;
                }
            }
            return at == utf8.Length;
        }

        public static int UnescapedLength(ReadOnlySpan<byte> escaped)
        {
            int total = 0;
            int index = 0;
            while (index < escaped.Length)
            {
                Next(escaped, ref index, out int length);
                total += length;
            }
            return total;
        }

        // Unicode code points: what JSON Schema's maxLength counts (OCPP's CiString20Type and the like).
        public static int CodePointCount(ReadOnlySpan<byte> escaped)
        {
            int count = 0;
            int index = 0;
            while (index < escaped.Length)
            {
                uint piece = Next(escaped, ref index, out _);
                if ((piece & 0xC0) != 0x80) count++;
            }
            return count;
        }
    }
}
