using System;

namespace ChargePoint.Core.WebSocket
{
    // The opening handshake's request (RFC 6455 4.1), written into a caller's buffer. With a
    // password it carries HTTP Basic credentials (RFC 7617), as OCPP 1.6 security profile 1 asks:
    // the user is the charge point's identity.
    public static class HandshakeRequest
    {
        public const int KeyLength = 24;    // base64 of 16 bytes
        public const int AcceptLength = 28; // base64 of a SHA-1 digest

        // RFC 6455 1.3: appended to the key before hashing.
        public static ReadOnlySpan<byte> Guid => "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8;

        // Returns the request's length; -1 when it does not fit `destination`.
        public static int Write(Span<byte> destination, ReadOnlySpan<byte> host, ushort port, ReadOnlySpan<byte> path,
            ReadOnlySpan<byte> key, ReadOnlySpan<byte> subprotocol, ReadOnlySpan<byte> user, ReadOnlySpan<byte> password)
        {
            var text = new TextWriter(destination);
            text.Append("GET "u8);
            text.Append(path.IsEmpty ? "/"u8 : path);
            text.Append(" HTTP/1.1\r\nHost: "u8);
            text.Append(host);
            if (port != 80)
            {
                text.Append(":"u8);
                text.AppendDecimal(port);
            }
            text.Append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "u8);
            text.Append(key);
            text.Append("\r\nSec-WebSocket-Version: 13\r\n"u8);
            if (!subprotocol.IsEmpty)
            {
                text.Append("Sec-WebSocket-Protocol: "u8);
                text.Append(subprotocol);
                text.Append("\r\n"u8);
            }
            if (!password.IsEmpty)
            {
                text.Append("Authorization: Basic "u8);
                text.AppendCredentials(user, password);
                text.Append("\r\n"u8);
            }
            text.Append("\r\n"u8);
            return text.Overflowed ? -1 : text.Length;
        }

        // base64(SHA-1(key + GUID)) (RFC 6455 4.2.2 item 5.4) into `accept` (28 bytes).
        public static void ComputeAccept(Sha1 sha1, ReadOnlySpan<byte> key, Span<byte> accept)
        {
            Span<byte> digest = stackalloc byte[Sha1.DigestLength];
            sha1.Reset();
            sha1.Append(key);
            sha1.Append(Guid);
            sha1.Finish(digest);
            Base64.Encode(digest, accept);
        }

        private ref struct TextWriter
        {
            private readonly Span<byte> _destination;
            private int _length;
            private bool _overflowed;

            public TextWriter(Span<byte> destination)
            {
                _destination = destination;
                _length = 0;
                _overflowed = false;
            }

            public int Length => _length;
            public bool Overflowed => _overflowed;

            public void Append(scoped ReadOnlySpan<byte> text)
            {
                if (_overflowed || _length + text.Length > _destination.Length)
                {
                    _overflowed = true;
                    return;
                }
                text.CopyTo(_destination.Slice(_length));
                _length += text.Length;
            }

            public void AppendDecimal(int value)
            {
                Span<byte> digits = stackalloc byte[10];
                int at = digits.Length;
                do
                {
                    digits[--at] = (byte)('0' + value % 10);
                    value /= 10;
                } while (value > 0);
                Append(digits.Slice(at));
            }

            // base64(user ":" password), encoded as one stream without a joined copy.
            public void AppendCredentials(ReadOnlySpan<byte> user, ReadOnlySpan<byte> password)
            {
                int total = user.Length + 1 + password.Length;
                Span<byte> group = stackalloc byte[3];
                Span<byte> encoded = stackalloc byte[4];
                for (int i = 0; i < total; i += 3)
                {
                    int count = Math.Min(3, total - i);
                    for (int j = 0; j < count; j++)
                    {
                        int at = i + j;
                        group[j] = at < user.Length ? user[at] : at == user.Length ? (byte)':' : password[at - user.Length - 1];
                    }
                    Base64.Encode(group.Slice(0, count), encoded);
                    Append(encoded);
                }
            }
        }
    }
}
