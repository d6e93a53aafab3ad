using System;

namespace ChargePoint.Core.Config
{
    // The configuration as text: `key=value` lines separated by '\n' (a '\r' before it tolerated,
    // the last '\n' optional, blank lines and lines starting with '#' ignored). The board defaults and
    // the block's payload are both this text; the shell can feed it single lines later.
    //
    //   ip        dhcp, or a dotted IPv4 address (then netmask and gateway must be set)
    //   netmask   dotted IPv4, contiguous ones
    //   gateway   dotted IPv4, inside the address's network
    //   dns       auto (what DHCP offers) or a dotted IPv4 address
    //   dns_port  1..65535 (default 53)
    //   sntp      host name or dotted IPv4 address (HostName)
    //   sntp_port 1..65535 (default 123)
    //   cs_url    ws://host[:port]/path (WsUrl)
    //   cp_id     1..48 bytes of printable ASCII without space, '/', '?' or '#'
    //   password  the basic-auth password (see ApplyPassword), or empty for none
    //   demo      on or off: the seed's demo session (default on)
    //   demo_auth_s   0..3600: seconds from BootNotification accepted to the demo's Authorize (10)
    //   demo_charge_s 1..86400: seconds of charging before the demo stops (50)
    //   usblog_ts     on or off: the console's timestamp before each session-stream event line (off)
    //   usblog_hz     0..1000: high-rate samples per second per charging connector, 0 none (0)
    //   usblog_meter_s 1..3600: seconds between a charging connector's [METER] readings (1)
    public static class ConfigText
    {
        private const int Ip = 0;
        private const int Netmask = 1;
        private const int Gateway = 2;
        private const int Dns = 3;
        private const int DnsPort = 4;
        private const int Sntp = 5;
        private const int SntpPort = 6;
        private const int CsUrl = 7;
        private const int ChargePointId = 8;
        private const int Password = 9;
        private const int Demo = 10;
        private const int DemoAuthorize = 11;
        private const int DemoCharge = 12;
        private const int UsbLogTimestamps = 13;
        private const int UsbLogHighRate = 14;
        private const int UsbLogMeter = 15;

        // Applies every line of `text` over `target`, then checks the result as a whole. Returns the
        // number of keys applied, or -1 with `error` holding one line naming the field and what is
        // wrong. A key may appear once per text. On failure `target` is left part-way: apply to a
        // scratch copy and keep it only on success (ConfigBlock does).
        public static int Apply(ReadOnlySpan<byte> text, Settings target, ConfigError error)
        {
            error.Clear();
            int seen = 0;
            int keys = 0;
            int lineNumber = 0;
            while (!text.IsEmpty)
            {
                int newline = text.IndexOf((byte)'\n');
                ReadOnlySpan<byte> line = newline < 0 ? text : text.Slice(0, newline);
                text = newline < 0 ? ReadOnlySpan<byte>.Empty : text.Slice(newline + 1);
                lineNumber++;
                if (!line.IsEmpty && line[line.Length - 1] == '\r') line = line.Slice(0, line.Length - 1);
                if (IsBlank(line) || line[0] == '#') continue;

                int equals = line.IndexOf((byte)'=');
                if (equals < 0)
                {
                    error.Append("line "u8).Append(lineNumber).Append(": "u8).AppendQuoted(line).Append(" has no \"=\" (expected key=value)"u8);
                    return -1;
                }
                if (equals == 0)
                {
                    error.Append("line "u8).Append(lineNumber).Append(": no key before \"=\""u8);
                    return -1;
                }
                ReadOnlySpan<byte> key = line.Slice(0, equals);
                int id = KeyId(key);
                if (id < 0)
                {
                    error.Append("unknown key "u8).AppendQuoted(key);
                    return -1;
                }
                if ((seen & (1 << id)) != 0)
                {
                    error.Append(key).Append(": repeated key (line "u8).Append(lineNumber).Append(")"u8);
                    return -1;
                }
                seen |= 1 << id;

                error.Append(key).Append(": "u8);
                if (!ApplyValue(id, line.Slice(equals + 1), target, error)) return -1;
                error.Clear();
                keys++;
            }
            return CheckWhole(target, error) ? keys : -1;
        }

        private static int KeyId(ReadOnlySpan<byte> key)
        {
            if (key.SequenceEqual("ip"u8)) return Ip;
            if (key.SequenceEqual("netmask"u8)) return Netmask;
            if (key.SequenceEqual("gateway"u8)) return Gateway;
            if (key.SequenceEqual("dns"u8)) return Dns;
            if (key.SequenceEqual("dns_port"u8)) return DnsPort;
            if (key.SequenceEqual("sntp"u8)) return Sntp;
            if (key.SequenceEqual("sntp_port"u8)) return SntpPort;
            if (key.SequenceEqual("cs_url"u8)) return CsUrl;
            if (key.SequenceEqual("cp_id"u8)) return ChargePointId;
            if (key.SequenceEqual("password"u8)) return Password;
            if (key.SequenceEqual("demo"u8)) return Demo;
            if (key.SequenceEqual("demo_auth_s"u8)) return DemoAuthorize;
            if (key.SequenceEqual("demo_charge_s"u8)) return DemoCharge;
            if (key.SequenceEqual("usblog_ts"u8)) return UsbLogTimestamps;
            if (key.SequenceEqual("usblog_hz"u8)) return UsbLogHighRate;
            if (key.SequenceEqual("usblog_meter_s"u8)) return UsbLogMeter;
            return -1;
        }

        private static bool ApplyValue(int id, ReadOnlySpan<byte> value, Settings target, ConfigError error)
        {
            uint address;
            ushort port;
            switch (id)
            {
                case Ip:
                    if (value.SequenceEqual("dhcp"u8))
                    {
                        target.UseDhcp = true;
                        target.Address = 0;
                        return true;
                    }
                    if (!ParseHostAddress(value, "dhcp or "u8, out address, error)) return false;
                    target.UseDhcp = false;
                    target.Address = address;
                    return true;

                case Netmask:
                    if (!ParseAddress(value, ReadOnlySpan<byte>.Empty, out address, error)) return false;
                    if (address == 0 || !Ipv4.IsContiguousNetmask(address))
                    {
                        error.Append(value).Append(address == 0 ? " has no network bits"u8 : " is not contiguous ones (like 255.255.255.0)"u8);
                        return false;
                    }
                    target.Netmask = address;
                    return true;

                case Gateway:
                    if (!ParseHostAddress(value, ReadOnlySpan<byte>.Empty, out address, error)) return false;
                    target.Gateway = address;
                    return true;

                case Dns:
                    if (value.SequenceEqual("auto"u8))
                    {
                        target.DnsFromDhcp = true;
                        target.DnsServer = 0;
                        return true;
                    }
                    if (!ParseHostAddress(value, "auto or "u8, out address, error)) return false;
                    target.DnsFromDhcp = false;
                    target.DnsServer = address;
                    return true;

                case DnsPort:
                    if (!PortNumber.TryParse(value, out port, error)) return false;
                    target.DnsPort = port;
                    return true;

                case Sntp:
                    if (!HostName.Validate(value, error)) return false;
                    target.SetSntpServer(value);
                    return true;

                case SntpPort:
                    if (!PortNumber.TryParse(value, out port, error)) return false;
                    target.SntpPort = port;
                    return true;

                case CsUrl:
                    if (!WsUrl.TryParse(value, out WsUrl parts, error)) return false;
                    target.SetCsUrl(value, parts);
                    return true;

                case ChargePointId:
                    return ApplyChargePointId(value, target, error);

                case Demo:
                case UsbLogTimestamps:
                    bool on = value.SequenceEqual("on"u8);
                    if (!on && !value.SequenceEqual("off"u8))
                    {
                        error.AppendQuoted(value).Append(" is not on or off"u8);
                        return false;
                    }
                    if (id == Demo) target.DemoEnabled = on;
                    else target.UsbLogTimestamps = on;
                    return true;

                case UsbLogHighRate:
                    // SessionStreamOptions.MaxHighRateHz: the sampler's millisecond clock.
                    if (!TryParseSeconds(value, out int hertz) || hertz > SessionLog.SessionStreamOptions.MaxHighRateHz)
                    {
                        error.AppendQuoted(value).Append(" is not a whole number of samples per second in 0.."u8)
                            .Append(SessionLog.SessionStreamOptions.MaxHighRateHz);
                        return false;
                    }
                    target.UsbLogHighRateHz = hertz;
                    return true;

                case DemoAuthorize:
                case DemoCharge:
                case UsbLogMeter:
                    int minimum = id == DemoAuthorize ? 0 : 1;
                    int maximum = id == DemoAuthorize ? 3600 : id == DemoCharge ? 86400 : SessionLog.SessionStreamOptions.MaxMeterReadingSeconds;
                    if (!TryParseSeconds(value, out int seconds) || seconds < minimum || seconds > maximum)
                    {
                        error.AppendQuoted(value).Append(" is not a whole number of seconds in "u8).Append(minimum).Append(".."u8).Append(maximum);
                        return false;
                    }
                    if (id == DemoAuthorize) target.DemoAuthorizeSeconds = seconds;
                    else if (id == DemoCharge) target.DemoChargeSeconds = seconds;
                    else target.UsbLogMeterSeconds = seconds;
                    return true;

                default:
                    return ApplyPassword(value, target, error);
            }
        }

        // cp_id goes at the end of the WebSocket URL (OCPP-J 1.6 3.1.1) and is the basic-auth user
        // name, so it must not hold what would end or split a path segment.
        private static bool TryParseSeconds(ReadOnlySpan<byte> text, out int value)
        {
            value = 0;
            if (text.IsEmpty || text.Length > 6) return false;
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] < (byte)'0' || text[i] > (byte)'9') return false;
                value = value * 10 + (text[i] - '0');
            }
            return true;
        }

        private static bool ApplyChargePointId(ReadOnlySpan<byte> value, Settings target, ConfigError error)
        {
            if (value.IsEmpty)
            {
                error.Append("empty (expected 1.."u8).Append(Settings.MaxChargePointIdLength).Append(" characters)"u8);
                return false;
            }
            if (value.Length > Settings.MaxChargePointIdLength)
            {
                error.Append(value.Length).Append(" bytes, longer than "u8).Append(Settings.MaxChargePointIdLength);
                return false;
            }
            for (int i = 0; i < value.Length; i++)
            {
                byte c = value[i];
                if (c <= 0x20 || c >= 0x7F || c == '/' || c == '?' || c == '#')
                {
                    error.Append("character "u8).AppendCharacter(c).Append(" not allowed (printable ASCII without space, /, ? or #)"u8);
                    return false;
                }
            }
            target.SetChargePointId(value);
            return true;
        }

        // The OCPP 1.6 security whitepaper (security profile 1) makes the basic-auth
        // password, the AuthorizationKey, 16 to 20 bytes, and writes it as hex (at most 40 hex
        // digits) when it travels in ChangeConfiguration; the OCTT (TC_085) reads a configured value of
        // 16..20 characters as the password itself and one of 32..40 as its hex form. This follows
        // both: 16..20 printable ASCII characters are the password; 32..40 hex digits (an even count)
        // are decoded to a 16..20-byte password. Anything else is refused rather than sent as a
        // password the central system will reject. The error never shows the value.
        private static bool ApplyPassword(ReadOnlySpan<byte> value, Settings target, ConfigError error)
        {
            for (int i = 0; i < value.Length; i++)
            {
                if (value[i] < 0x20 || value[i] >= 0x7F)
                {
                    error.Append("character "u8).Append(i + 1).Append(" is not printable ASCII"u8);
                    return false;
                }
            }
            if (value.IsEmpty || (value.Length >= 16 && value.Length <= Settings.MaxPasswordLength))
            {
                target.SetPassword(value);
                return true;
            }
            if (value.Length >= 32 && value.Length <= 2 * Settings.MaxPasswordLength)
            {
                Span<byte> decoded = stackalloc byte[Settings.MaxPasswordLength];
                int length = value.Length / 2;
                bool hex = (value.Length & 1) == 0;
                for (int i = 0; hex && i < length; i++)
                {
                    int high = HexValue(value[2 * i]);
                    int low = HexValue(value[2 * i + 1]);
                    hex = high >= 0 && low >= 0;
                    decoded[i] = (byte)((high << 4) | low);
                }
                if (hex)
                {
                    target.SetPassword(decoded.Slice(0, length));
                    return true;
                }
                error.Append(value.Length).Append(" characters: 32..40 must be an even count of hex digits (a 16..20-byte password, OCPP 1.6 security whitepaper)"u8);
                return false;
            }
            error.Append(value.Length).Append(" characters: must be 16..20, or 32..40 hex digits (OCPP 1.6 security whitepaper)"u8);
            return false;
        }

        // What no single key can check.
        private static bool CheckWhole(Settings s, ConfigError error)
        {
            if (!s.UseDhcp)
            {
                if (s.Netmask == 0 || s.Gateway == 0)
                {
                    error.Append("ip: static address "u8).AppendAddress(s.Address).Append(" needs netmask and gateway"u8);
                    return false;
                }
                if ((s.Gateway & s.Netmask) != (s.Address & s.Netmask))
                {
                    error.Append("gateway: "u8).AppendAddress(s.Gateway).Append(" is outside "u8).AppendAddress(s.Address & s.Netmask)
                        .Append("/"u8).AppendAddress(s.Netmask);
                    return false;
                }
            }
            // RFC 7617 2: the user-id of basic authentication cannot contain a colon.
            if (!s.Password.IsEmpty && s.ChargePointId.IndexOf((byte)':') >= 0)
            {
                error.Append("cp_id: \":\" not allowed with a password (it is the basic-auth user name, RFC 7617 2)"u8);
                return false;
            }
            return true;
        }

        private static bool ParseHostAddress(ReadOnlySpan<byte> value, ReadOnlySpan<byte> alternative, out uint address, ConfigError error)
        {
            if (!ParseAddress(value, alternative, out address, error)) return false;
            if (Ipv4.IsUnicastHost(address)) return true;
            error.Append(value).Append(" is not a unicast host address"u8);
            return false;
        }

        private static bool ParseAddress(ReadOnlySpan<byte> value, ReadOnlySpan<byte> alternative, out uint address, ConfigError error)
        {
            if (Ipv4.TryParse(value, out address)) return true;
            error.AppendQuoted(value).Append(" is not "u8).Append(alternative).Append("a dotted IPv4 address"u8);
            return false;
        }

        private static bool IsBlank(ReadOnlySpan<byte> line)
        {
            for (int i = 0; i < line.Length; i++)
                if (line[i] != ' ' && line[i] != '\t') return false;
            return true;
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
