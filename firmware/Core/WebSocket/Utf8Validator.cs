using System;

namespace ChargePoint.Core.WebSocket
{
    // Well-formed UTF-8 (RFC 3629 4, Unicode table 3-7): no overlong forms, no surrogates, nothing
    // above U+10FFFF, no cut sequence at the end. RFC 6455 8.1: a text message that is not is an
    // error (close 1007).
    public static class Utf8Validator
    {
        public static bool IsValid(ReadOnlySpan<byte> text)
        {
            int i = 0;
            while (i < text.Length)
            {
                byte lead = text[i];
                if (lead < 0x80) { i++; continue; }
                int count;
                byte low = 0x80, high = 0xBF; // the range of the second byte
                if (lead >= 0xC2 && lead <= 0xDF) count = 1;
                else if (lead >= 0xE0 && lead <= 0xEF)
                {
                    count = 2;
                    if (lead == 0xE0) low = 0xA0;        // overlong
                    else if (lead == 0xED) high = 0x9F;  // surrogates
                }
                else if (lead >= 0xF0 && lead <= 0xF4)
                {
                    count = 3;
                    if (lead == 0xF0) low = 0x90;        // overlong
                    else if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
                }
                else return false;
                if (i + count >= text.Length) return false; // cut at the end
                byte second = text[i + 1];
                if (second < low || second > high) return false;
                for (int j = 2; j <= count; j++)
                    if ((text[i + j] & 0xC0) != 0x80) return false;
                i += count + 1;
            }
            return true;
        }
    }
}
