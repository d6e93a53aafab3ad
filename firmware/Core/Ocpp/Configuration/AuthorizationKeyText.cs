using System;

namespace ChargePoint.Core.Ocpp.Configuration
{
    // The AuthorizationKey's value (OCPP 1.6 security whitepaper 7.2 and A00.FR.205/304): the HTTP
    // basic-auth password, at least 16 bytes, written as hex, "20 bytes maximum, represented as a
    // string of up to 40 hexadecimal digits". Like ConfigText's `password` (and the OCTT, TC_085),
    // two forms are taken: 16..20 printable ASCII characters are the password itself; 32..40 hex
    // digits (an even count) stand for a 16..20-byte password. Anything else, the empty value
    // included, is refused: a central system may not switch authentication off through OCPP
    // (whitepaper A00.FR.005 keeps lowering security out of ChangeConfiguration).
    public static class AuthorizationKeyText
    {
        public const int MinPasswordLength = 16;
        public const int MaxPasswordLength = 20;
        public const int MaxTextLength = 2 * MaxPasswordLength;

        public static bool IsValid(ReadOnlySpan<byte> value)
        {
            Span<byte> password = stackalloc byte[MaxPasswordLength];
            return Decode(value, password) > 0;
        }

        // Writes the password `value` stands for into `password` (MaxPasswordLength bytes suffice)
        // and returns its length; -1 when the value is not a valid AuthorizationKey or `password`
        // is too small.
        public static int Decode(ReadOnlySpan<byte> value, Span<byte> password)
        {
            if (value.Length >= MinPasswordLength && value.Length <= MaxPasswordLength)
            {
                for (int i = 0; i < value.Length; i++)
                    if (value[i] < 0x20 || value[i] >= 0x7F) return -1;
                return value.TryCopyTo(password) ? value.Length : -1;
            }
            if (value.Length < 2 * MinPasswordLength || value.Length > MaxTextLength || (value.Length & 1) != 0) return -1;
            int length = value.Length / 2;
            if (password.Length < length) return -1;
            for (int i = 0; i < length; i++)
            {
                int high = HexValue(value[2 * i]);
                int low = HexValue(value[2 * i + 1]);
                if (high < 0 || low < 0) return -1;
                password[i] = (byte)((high << 4) | low);
            }
            return length;
        }

        private static int HexValue(byte c)
        {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        }
    }
}
