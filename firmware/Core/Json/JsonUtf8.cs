using System;

namespace ChargePoint.Core.Json
{
    // Well-formed UTF-8 as RFC 3629 and Unicode's table 3-7 define it: no overlong forms, no encoded
    // surrogates, nothing above U+10FFFF. Shared by the reader (reject) and the writer (replace).
    internal static class JsonUtf8
    {
        // The sequence that starts at text[start] (a byte >= 0x80): its length when well-formed, else
        // minus the offset from `start` of the first byte that breaks it (text.Length - start when the
        // text ends inside the sequence). The lead byte itself breaking it gives 0.
        public static int Check(ReadOnlySpan<byte> text, int start)
        {
            byte lead = text[start];
            int continuation;
            byte low = 0x80;
            byte high = 0xBF;
            if (lead >= 0xC2 && lead <= 0xDF) continuation = 1;
            else if (lead == 0xE0) { continuation = 2; low = 0xA0; }
            else if (lead >= 0xE1 && lead <= 0xEC) continuation = 2;
            else if (lead == 0xED) { continuation = 2; high = 0x9F; }
            else if (lead >= 0xEE && lead <= 0xEF) continuation = 2;
            else if (lead == 0xF0) { continuation = 3; low = 0x90; }
            else if (lead >= 0xF1 && lead <= 0xF3) continuation = 3;
            else if (lead == 0xF4) { continuation = 3; high = 0x8F; }
            else return 0;
            for (int k = 1; k <= continuation; k++)
            {
                int at = start + k;
                if (at >= text.Length) return -(text.Length - start);
                byte b = text[at];
                if (b < low || b > high) return -k;
                low = 0x80;
                high = 0xBF;
            }
            return continuation + 1;
        }

        // Writes `codePoint` (not a surrogate, at most U+10FFFF) as UTF-8 packed little end first
        // into the returned value; `length` is its byte count.
        public static uint Encode(int codePoint, out int length)
        {
            if (codePoint < 0x80)
            {
                length = 1;
                return (uint)codePoint;
            }
            if (codePoint < 0x800)
            {
                length = 2;
                return (uint)(0xC0 | (codePoint >> 6)) | (uint)(0x80 | (codePoint & 0x3F)) << 8;
            }
            if (codePoint < 0x10000)
            {
                length = 3;
                return (uint)(0xE0 | (codePoint >> 12)) | (uint)(0x80 | ((codePoint >> 6) & 0x3F)) << 8
                    | (uint)(0x80 | (codePoint & 0x3F)) << 16;
            }
            length = 4;
            return (uint)(0xF0 | (codePoint >> 18)) | (uint)(0x80 | ((codePoint >> 12) & 0x3F)) << 8
                | (uint)(0x80 | ((codePoint >> 6) & 0x3F)) << 16 | (uint)(0x80 | (codePoint & 0x3F)) << 24;
        }
    }
}
