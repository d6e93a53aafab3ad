using System;

namespace ChargePoint.Core.Config
{
    // The central system's URL, ws://host[:port]/path (RFC 6455 3), as offsets into the text it was
    // parsed from, so that it points into whichever buffer holds that text.
    public readonly struct WsUrl
    {
        public const int MaxLength = 200;
        public const ushort DefaultPort = 80;

        public WsUrl(int hostStart, int hostLength, ushort port, int pathStart)
        {
            HostStart = hostStart;
            HostLength = hostLength;
            Port = port;
            PathStart = pathStart;
        }

        public int HostStart { get; }
        public int HostLength { get; }
        public ushort Port { get; }
        // The path runs from here to the end of the text, query included.
        public int PathStart { get; }

        public ReadOnlySpan<byte> Host(ReadOnlySpan<byte> url) => url.Slice(HostStart, HostLength);
        public ReadOnlySpan<byte> Path(ReadOnlySpan<byte> url) => url.Slice(PathStart);

        // On failure `error` gets what is wrong (the caller has written the field). The host follows
        // HostName; the path starts with '/' and is printable ASCII without spaces. No user info, no
        // IPv6 literal, no fragment (RFC 6455 3 forbids it). The scheme is matched without case
        // (RFC 3986 3.1).
        public static bool TryParse(ReadOnlySpan<byte> url, out WsUrl parsed, ConfigError error)
        {
            parsed = default;
            if (url.Length > MaxLength)
            {
                error.Append(url.Length).Append(" bytes, longer than "u8).Append(MaxLength);
                return false;
            }
            int schemeEnd = IndexOfSchemeSeparator(url);
            if (schemeEnd < 0)
            {
                error.Append("no scheme in "u8).AppendQuoted(url).Append(" (expected ws://host[:port]/path)"u8);
                return false;
            }
            ReadOnlySpan<byte> scheme = url.Slice(0, schemeEnd);
            if (EqualsIgnoringCase(scheme, "wss"u8))
            {
                error.Append("wss:// needs TLS, which is not supported yet: use ws://"u8);
                return false;
            }
            if (!EqualsIgnoringCase(scheme, "ws"u8))
            {
                error.Append("scheme "u8).AppendQuoted(scheme).Append(" not supported (expected ws://)"u8);
                return false;
            }

            int hostStart = schemeEnd + 3;
            int at = hostStart;
            while (at < url.Length && url[at] != ':' && url[at] != '/') at++;
            int mark = error.Length;
            error.Append("host "u8);
            if (!HostName.Validate(url.Slice(hostStart, at - hostStart), error)) return false;
            error.Truncate(mark);
            int hostLength = at - hostStart;

            ushort port = DefaultPort;
            if (at < url.Length && url[at] == ':')
            {
                int portStart = at + 1;
                at = portStart;
                while (at < url.Length && url[at] != '/') at++;
                error.Append("port "u8);
                if (!PortNumber.TryParse(url.Slice(portStart, at - portStart), out port, error)) return false;
                error.Truncate(mark);
            }

            if (at == url.Length)
            {
                error.Append("path missing (expected ws://host[:port]/path)"u8);
                return false;
            }
            int pathStart = at; // url[at] is '/': the host and port scans stop only there
            for (int i = pathStart; i < url.Length; i++)
            {
                byte c = url[i];
                if (c == '#')
                {
                    error.Append("fragment not allowed in a WebSocket URL (RFC 6455 3)"u8);
                    return false;
                }
                if (c <= 0x20 || c >= 0x7F)
                {
                    error.Append("path character "u8).AppendCharacter(c).Append(" not allowed (printable ASCII, no spaces)"u8);
                    return false;
                }
            }
            parsed = new WsUrl(hostStart, hostLength, port, pathStart);
            return true;
        }

        private static int IndexOfSchemeSeparator(ReadOnlySpan<byte> url)
        {
            for (int i = 0; i + 2 < url.Length; i++)
            {
                if (url[i] == ':' && url[i + 1] == '/' && url[i + 2] == '/') return i;
                if (url[i] == '/') return -1; // a path before any "://": no scheme
            }
            return -1;
        }

        private static bool EqualsIgnoringCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerCase)
        {
            if (text.Length != lowerCase.Length) return false;
            for (int i = 0; i < text.Length; i++)
            {
                byte c = text[i];
                if (c >= 'A' && c <= 'Z') c = (byte)(c + ('a' - 'A'));
                if (c != lowerCase[i]) return false;
            }
            return true;
        }
    }
}
