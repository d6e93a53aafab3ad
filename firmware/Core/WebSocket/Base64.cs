using System;

namespace ChargePoint.Core.WebSocket
{
    // Base64 (RFC 4648 4: the standard alphabet, '=' padding) without allocation: the handshake's
    // Sec-WebSocket-Key and -Accept (RFC 6455 4.1) and HTTP Basic credentials (RFC 7617).
    public static class Base64
    {
        private static ReadOnlySpan<byte> Alphabet => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8;

        public static int EncodedLength(int dataLength) => (dataLength + 2) / 3 * 4;

        // Writes the text for `data` and returns its length; -1 (nothing written) when `text` is too small.
        public static int Encode(ReadOnlySpan<byte> data, Span<byte> text)
        {
            int length = EncodedLength(data.Length);
            if (text.Length < length) return -1;
            ReadOnlySpan<byte> alphabet = Alphabet;
            int at = 0, i = 0;
            for (; i + 3 <= data.Length; i += 3)
            {
                int group = data[i] << 16 | data[i + 1] << 8 | data[i + 2];
                text[at++] = alphabet[group >> 18];
                text[at++] = alphabet[(group >> 12) & 63];
                text[at++] = alphabet[(group >> 6) & 63];
                text[at++] = alphabet[group & 63];
            }
            int rest = data.Length - i;
            if (rest > 0)
            {
                int group = data[i] << 16 | (rest == 2 ? data[i + 1] << 8 : 0);
                text[at++] = alphabet[group >> 18];
                text[at++] = alphabet[(group >> 12) & 63];
                text[at++] = rest == 2 ? alphabet[(group >> 6) & 63] : (byte)'=';
                text[at++] = (byte)'=';
            }
            return at;
        }

        // Decodes padded text (RFC 4648 4; no line breaks, no other characters). False when the text
        // is not base64 or `data` is too small.
        public static bool TryDecode(ReadOnlySpan<byte> text, Span<byte> data, out int written)
        {
            written = 0;
            if (text.Length % 4 != 0) return false;
            int at = 0;
            for (int i = 0; i < text.Length; i += 4)
            {
                bool last = i + 4 == text.Length;
                int padding = last && text[i + 3] == '=' ? (text[i + 2] == '=' ? 2 : 1) : 0;
                int group = 0;
                for (int j = 0; j < 4 - padding; j++)
                {
                    int value = ValueOf(text[i + j]);
                    if (value < 0) return false;
                    group = group << 6 | value;
                }
                group <<= 6 * padding;
                int count = 3 - padding;
                if (at + count > data.Length) return false;
                // RFC 4648 3.5: the bits under the padding must be zero in canonical text.
                if (padding == 1 && (group & 0xFF) != 0) return false;
                if (padding == 2 && (group & 0xFFFF) != 0) return false;
                data[at++] = (byte)(group >> 16);
                if (count > 1) data[at++] = (byte)(group >> 8);
                if (count > 2) data[at++] = (byte)group;
            }
            written = at;
            return true;
        }

        private static int ValueOf(byte c)
        {
            if (c >= 'A' && c <= 'Z') return c - 'A';
            if (c >= 'a' && c <= 'z') return c - 'a' + 26;
            if (c >= '0' && c <= '9') return c - '0' + 52;
            if (c == '+') return 62;
            if (c == '/') return 63;
            return -1;
        }
    }
}
