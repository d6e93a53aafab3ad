using System;

namespace ChargePoint.Core.Config
{
    // Dotted-quad IPv4 text and the address as a number: a.b.c.d is (a<<24)|(b<<16)|(c<<8)|d.
    public static class Ipv4
    {
        // "255.255.255.255"
        public const int MaxTextLength = 15;

        // Exactly four decimal parts of 0..255. A part with a leading zero ("010") is refused:
        // inet_aton reads it as octal, so the same text would mean another address to other tools.
        public static bool TryParse(ReadOnlySpan<byte> text, out uint address)
        {
            address = 0;
            uint result = 0;
            int parts = 0;
            int digits = 0;
            uint value = 0;
            for (int i = 0; i < text.Length; i++)
            {
                byte c = text[i];
                if (c == '.')
                {
                    if (digits == 0 || parts == 3) return false;
                    result = (result << 8) | value;
                    parts++;
                    digits = 0;
                    value = 0;
                    continue;
                }
                if (c < '0' || c > '9') return false;
                if (digits > 0 && value == 0) return false;
                value = value * 10 + (uint)(c - '0');
                digits++;
                if (value > 255) return false;
            }
            if (parts != 3 || digits == 0) return false;
            address = (result << 8) | value;
            return true;
        }

        // Writes "a.b.c.d" and returns its length; `destination` needs MaxTextLength bytes (less is a
        // broken contract: index out of range).
        public static int Format(uint address, Span<byte> destination)
        {
            int at = 0;
            for (int shift = 24; shift >= 0; shift -= 8)
            {
                if (shift != 24) destination[at++] = (byte)'.';
                int part = (int)(address >> shift) & 0xFF;
                if (part >= 100) destination[at++] = (byte)('0' + part / 100);
                if (part >= 10) destination[at++] = (byte)('0' + part / 10 % 10);
                destination[at++] = (byte)('0' + part % 10);
            }
            return at;
        }

        // Ones from the top, then zeros (255.255.240.0); 0.0.0.0 counts as contiguous.
        public static bool IsContiguousNetmask(uint netmask)
        {
            uint hostBits = ~netmask;
            return (hostBits & (hostBits + 1)) == 0;
        }

        // An address a host can have or talk to: not 0.0.0.0/8 ("this network"), not loopback
        // 127.0.0.0/8, not multicast or reserved 224.0.0.0 and up (RFC 6890).
        public static bool IsUnicastHost(uint address)
        {
            uint first = address >> 24;
            return first != 0 && first != 127 && first < 224;
        }
    }
}
