using System;

namespace ChargePoint.Core.Config
{
    // A TCP/UDP port as configuration text: decimal digits, 1..65535.
    internal static class PortNumber
    {
        // On failure `error` gets what is wrong with the text (the caller has written the field).
        public static bool TryParse(ReadOnlySpan<byte> text, out ushort port, ConfigError error)
        {
            port = 0;
            if (text.IsEmpty)
            {
                error.Append("empty (expected 1..65535)"u8);
                return false;
            }
            int value = 0;
            for (int i = 0; i < text.Length; i++)
            {
                byte c = text[i];
                if (c < '0' || c > '9')
                {
                    error.AppendQuoted(text).Append(" is not a number"u8);
                    return false;
                }
                // Saturate: the text itself goes into the message, so the value need not survive.
                value = Math.Min(value * 10 + (c - '0'), 65536);
            }
            if (value < 1 || value > 65535)
            {
                // Digits only by now: shown as given ("port 99999 out of range"), no quotes.
                int shown = Math.Min(text.Length, 20);
                error.Append(text.Slice(0, shown)).Append(shown < text.Length ? "... out of range 1..65535"u8 : " out of range 1..65535"u8);
                return false;
            }
            port = (ushort)value;
            return true;
        }
    }
}
