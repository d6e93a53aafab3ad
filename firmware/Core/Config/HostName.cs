using System;

namespace ChargePoint.Core.Config
{
    // A host as `sntp` and the cs_url take it: a dotted IPv4 address, or a name of letters, digits,
    // '-' and '.' (RFC 1123 2.1) of at most 63 bytes without empty labels.
    public static class HostName
    {
        public const int MaxLength = 63;

        // On failure `error` gets what is wrong (the caller has written the field). Text of digits and
        // dots only must be a valid address: "10.0.0.256" is a typo, not a name to look up.
        public static bool Validate(ReadOnlySpan<byte> host, ConfigError error)
        {
            if (host.IsEmpty)
            {
                error.Append("empty"u8);
                return false;
            }
            if (host.Length > MaxLength)
            {
                error.Append(host.Length).Append(" bytes, longer than "u8).Append(MaxLength);
                return false;
            }
            bool numeric = true;
            for (int i = 0; i < host.Length; i++)
            {
                byte c = host[i];
                bool digit = c >= '0' && c <= '9';
                bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
                if (!digit && !letter && c != '-' && c != '.')
                {
                    error.Append("character "u8).AppendCharacter(c).Append(" not allowed (letters, digits, - and .)"u8);
                    return false;
                }
                if (!digit && c != '.') numeric = false;
            }
            if (numeric)
            {
                if (Ipv4.TryParse(host, out _)) return true;
                error.AppendQuoted(host).Append(" is not a valid IPv4 address"u8);
                return false;
            }
            bool emptyLabel = host[0] == '.' || host[host.Length - 1] == '.';
            for (int i = 1; i < host.Length && !emptyLabel; i++)
                emptyLabel = host[i] == '.' && host[i - 1] == '.';
            if (emptyLabel)
            {
                error.AppendQuoted(host).Append(" has an empty label"u8);
                return false;
            }
            return true;
        }
    }
}
