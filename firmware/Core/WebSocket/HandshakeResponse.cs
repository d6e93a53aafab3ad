using System;

namespace ChargePoint.Core.WebSocket
{
    // The client's checks of the server's opening handshake (RFC 6455 4.1, "the client MUST
    // validate the server's response"), on the header block as received.
    public static class HandshakeResponse
    {
        // The length of the header block (status line, header lines, empty line) at the start of
        // `input`; -1 while it is not complete. Lines end in CR LF (a bare LF is taken too).
        public static int HeaderLength(ReadOnlySpan<byte> input)
        {
            int lineStart = 0;
            for (int i = 0; i < input.Length; i++)
            {
                if (input[i] != '\n') continue;
                int lineEnd = i > lineStart && input[i - 1] == '\r' ? i - 1 : i;
                if (lineEnd == lineStart && lineStart > 0) return i + 1;
                lineStart = i + 1;
            }
            return -1;
        }

        // None when the response opens the connection. Otherwise what is wrong; `status` is the
        // HTTP status when there is a status line, `detail` the text worth logging (the reason
        // phrase of a refusal, the subprotocol the server chose).
        public static WebSocketFailure Check(ReadOnlySpan<byte> header, ReadOnlySpan<byte> expectedAccept,
            ReadOnlySpan<byte> subprotocol, out int status, out ReadOnlySpan<byte> detail)
        {
            status = 0;
            detail = default;
            int lineLength = LineLength(header);
            ReadOnlySpan<byte> statusLine = TrimLineEnd(header.Slice(0, lineLength));
            // RFC 7230 3.1.2: HTTP-version SP status-code SP reason-phrase
            if (statusLine.Length < 12 || !statusLine.Slice(0, 7).SequenceEqual("HTTP/1."u8) || statusLine[8] != ' ')
                return WebSocketFailure.ResponseMalformed;
            for (int i = 9; i < 12; i++)
            {
                if (statusLine[i] < '0' || statusLine[i] > '9') return WebSocketFailure.ResponseMalformed;
                status = status * 10 + (statusLine[i] - '0');
            }
            if (statusLine.Length > 12 && statusLine[12] != ' ') return WebSocketFailure.ResponseMalformed;
            if (status != 101)
            {
                detail = statusLine.Length > 13 ? Trim(statusLine.Slice(13)) : default;
                return WebSocketFailure.HandshakeRefused;
            }

            bool upgrade = false, connection = false, accept = false, extension = false;
            int protocols = 0;
            ReadOnlySpan<byte> protocol = default;
            ReadOnlySpan<byte> rest = header.Slice(lineLength);
            while (!rest.IsEmpty)
            {
                int length = LineLength(rest);
                ReadOnlySpan<byte> line = TrimLineEnd(rest.Slice(0, length));
                rest = rest.Slice(length);
                if (line.IsEmpty) break;
                int colon = line.IndexOf((byte)':');
                if (colon <= 0) return WebSocketFailure.ResponseMalformed;
                ReadOnlySpan<byte> name = line.Slice(0, colon);
                ReadOnlySpan<byte> value = Trim(line.Slice(colon + 1));
                if (EqualsIgnoreCase(name, "Upgrade"u8)) upgrade = EqualsIgnoreCase(value, "websocket"u8);
                else if (EqualsIgnoreCase(name, "Connection"u8)) connection |= HasToken(value, "upgrade"u8);
                else if (EqualsIgnoreCase(name, "Sec-WebSocket-Accept"u8)) accept = value.SequenceEqual(expectedAccept);
                else if (EqualsIgnoreCase(name, "Sec-WebSocket-Extensions"u8)) extension |= !value.IsEmpty;
                else if (EqualsIgnoreCase(name, "Sec-WebSocket-Protocol"u8))
                {
                    protocols++;
                    protocol = value;
                }
            }
            if (!upgrade) return WebSocketFailure.UpgradeMissing;
            if (!connection) return WebSocketFailure.ConnectionUpgradeMissing;
            if (!accept) return WebSocketFailure.AcceptMismatch;
            if (extension) return WebSocketFailure.ExtensionNotOffered;
            if (protocols == 0)
                return subprotocol.IsEmpty ? WebSocketFailure.None : WebSocketFailure.SubprotocolNotSelected;
            detail = protocol;
            if (protocols > 1 || !protocol.SequenceEqual(subprotocol)) return WebSocketFailure.SubprotocolMismatch;
            detail = default;
            return WebSocketFailure.None;
        }

        // Up to and including the LF (the rest of the input when there is none).
        private static int LineLength(ReadOnlySpan<byte> text)
        {
            int newline = text.IndexOf((byte)'\n');
            return newline < 0 ? text.Length : newline + 1;
        }

        private static ReadOnlySpan<byte> TrimLineEnd(ReadOnlySpan<byte> line)
        {
            int length = line.Length;
            if (length > 0 && line[length - 1] == '\n') length--;
            if (length > 0 && line[length - 1] == '\r') length--;
            return line.Slice(0, length);
        }

        // RFC 7230 3.2.3: optional white space around a field value.
        private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> value)
        {
            int start = 0, end = value.Length;
            while (start < end && (value[start] == ' ' || value[start] == '\t')) start++;
            while (end > start && (value[end - 1] == ' ' || value[end - 1] == '\t')) end--;
            return value.Slice(start, end - start);
        }

        // A comma-separated list (RFC 7230 7) that holds `token`, compared without case.
        private static bool HasToken(ReadOnlySpan<byte> list, ReadOnlySpan<byte> token)
        {
            while (true)
            {
                int comma = list.IndexOf((byte)',');
                ReadOnlySpan<byte> item = Trim(comma < 0 ? list : list.Slice(0, comma));
                if (EqualsIgnoreCase(item, token)) return true;
                if (comma < 0) return false;
                list = list.Slice(comma + 1);
            }
        }

        // ASCII letters only, as HTTP field names and these tokens are.
        internal static bool EqualsIgnoreCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
        {
            if (a.Length != b.Length) return false;
            for (int i = 0; i < a.Length; i++)
            {
                int x = a[i], y = b[i];
                if (x >= 'A' && x <= 'Z') x += 32;
                if (y >= 'A' && y <= 'Z') y += 32;
                if (x != y) return false;
            }
            return true;
        }
    }
}
