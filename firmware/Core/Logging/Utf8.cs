using System;

namespace ChargePoint.Core.Logging
{
    // UTF-16 string to UTF-8 bytes without allocating (System.Text.Encoding allocates and is not in
    // the device runtime). Unpaired surrogates become '?'.
    public static class Utf8
    {
        // Writes whole characters only and returns the byte count written.
        public static int Encode(string text, Span<byte> destination)
        {
            int at = 0;
            for (int i = 0; i < text.Length; i++)
            {
                int codePoint = text[i];
                if (codePoint >= 0xD800 && codePoint <= 0xDBFF && i + 1 < text.Length && text[i + 1] >= 0xDC00 && text[i + 1] <= 0xDFFF)
                {
                    codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (text[i + 1] - 0xDC00);
                    i++;
                }
                else if (codePoint >= 0xD800 && codePoint <= 0xDFFF)
                {
                    codePoint = '?';
                }
                int size = SizeOf(codePoint);
                if (at + size > destination.Length) break;
                switch (size)
                {
                    case 1:
                        destination[at] = (byte)codePoint;
                        break;
                    case 2:
                        destination[at] = (byte)(0xC0 | (codePoint >> 6));
                        destination[at + 1] = (byte)(0x80 | (codePoint & 0x3F));
                        break;
                    case 3:
                        destination[at] = (byte)(0xE0 | (codePoint >> 12));
                        destination[at + 1] = (byte)(0x80 | ((codePoint >> 6) & 0x3F));
                        destination[at + 2] = (byte)(0x80 | (codePoint & 0x3F));
                        break;
                    default:
                        destination[at] = (byte)(0xF0 | (codePoint >> 18));
                        destination[at + 1] = (byte)(0x80 | ((codePoint >> 12) & 0x3F));
                        destination[at + 2] = (byte)(0x80 | ((codePoint >> 6) & 0x3F));
                        destination[at + 3] = (byte)(0x80 | (codePoint & 0x3F));
                        break;
                }
                at += size;
            }
            return at;
        }

        public static int EncodedLength(string text)
        {
            int length = 0;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c >= 0xD800 && c <= 0xDBFF && i + 1 < text.Length && text[i + 1] >= 0xDC00 && text[i + 1] <= 0xDFFF)
                {
                    length += 4;
                    i++;
                }
                else
                {
                    length += c >= 0xD800 && c <= 0xDFFF ? 1 : SizeOf(c);
                }
            }
            return length;
        }

        private static int SizeOf(int codePoint) =>
            codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    }
}
