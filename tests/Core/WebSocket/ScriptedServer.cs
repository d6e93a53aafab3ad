using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using ChargePoint.Tests.Core.Net;
using Xunit;

namespace ChargePoint.Tests.Core.WebSocket
{
    // A client frame as the server reads it: unmasked, with the key it came with.
    public sealed class ClientFrame
    {
        public bool Fin;
        public int Rsv;
        public int Opcode;
        public byte[] Payload;
        public uint MaskKey;

        public string Text => Encoding.UTF8.GetString(Payload);
        public int CloseCode => Payload.Length >= 2 ? Payload[0] << 8 | Payload[1] : 0;
        public string CloseReason => Encoding.UTF8.GetString(Payload, 2, Math.Max(0, Payload.Length - 2));
    }

    // The server end of a FakeTcpConnection, written from RFC 6455 independently of the client's
    // code (its own frame coder, .NET's SHA-1 and base64): reads the handshake, answers it, speaks
    // frames, and decodes what the client sends, checking that every client frame is masked.
    public sealed class ScriptedServer
    {
        public const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

        private readonly FakeTcpConnection _tcp;
        private readonly List<byte> _fromClient = new List<byte>();
        private readonly byte[] _chunk = new byte[1 << 17];

        public ScriptedServer(FakeTcpConnection tcp) { _tcp = tcp; }

        public string RequestText { get; private set; }
        public string RequestLine { get; private set; }
        public List<KeyValuePair<string, string>> RequestHeaders { get; } = new List<KeyValuePair<string, string>>();
        public List<uint> MaskKeys { get; } = new List<uint>();

        public string Header(string name) =>
            RequestHeaders.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).SingleOrDefault();

        // Takes (acknowledges) what the client has sent so far.
        public int Pump()
        {
            int total = 0, count;
            while ((count = _tcp.Acknowledge(_chunk)) > 0)
            {
                _fromClient.AddRange(_chunk.Take(count));
                total += count;
            }
            return total;
        }

        public int Pending => _fromClient.Count;

        public void ReadHandshake()
        {
            Pump();
            byte[] bytes = _fromClient.ToArray();
            string text = Encoding.ASCII.GetString(bytes);
            int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            Assert.True(end >= 0, "no complete handshake request: " + text);
            RequestText = text.Substring(0, end + 4);
            _fromClient.RemoveRange(0, end + 4);
            string[] lines = RequestText.Substring(0, end).Split("\r\n");
            RequestLine = lines[0];
            RequestHeaders.Clear();
            foreach (string line in lines.Skip(1))
            {
                int colon = line.IndexOf(':');
                Assert.True(colon > 0, "not a header line: " + line);
                RequestHeaders.Add(new KeyValuePair<string, string>(line.Substring(0, colon), line.Substring(colon + 1).Trim()));
            }
        }

        public static string AcceptFor(string key) =>
            Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + Guid)));

        public string ExpectedAccept => AcceptFor(Header("Sec-WebSocket-Key"));

        // Reads the request and answers 101 with the right accept (unless told otherwise).
        public void Accept(string subprotocol = "ocpp1.6", string accept = null, string extraHeaders = "", byte[] thenFrames = null)
        {
            ReadHandshake();
            var response = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
            response.Append("Sec-WebSocket-Accept: ").Append(accept ?? ExpectedAccept).Append("\r\n");
            if (subprotocol != null) response.Append("Sec-WebSocket-Protocol: ").Append(subprotocol).Append("\r\n");
            response.Append(extraHeaders).Append("\r\n");
            byte[] head = Encoding.ASCII.GetBytes(response.ToString());
            _tcp.Deliver(thenFrames == null ? head : head.Concat(thenFrames).ToArray());
        }

        public void Deliver(byte[] bytes) => _tcp.Deliver(bytes);
        public void Deliver(string text) => _tcp.Deliver(Encoding.ASCII.GetBytes(text));

        // A server frame (RFC 6455 5.2): unmasked unless told, the shortest length form unless
        // `lengthForm` (7, 16 or 64) says which.
        public static byte[] Frame(int opcode, byte[] payload, bool fin = true, int rsv = 0, bool masked = false, int lengthForm = 0)
        {
            var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | (rsv << 4) | opcode) };
            int form = lengthForm != 0 ? lengthForm : payload.Length < 126 ? 7 : payload.Length <= 0xFFFF ? 16 : 64;
            byte maskBit = masked ? (byte)0x80 : (byte)0;
            if (form == 7) frame.Add((byte)(maskBit | payload.Length));
            else if (form == 16)
            {
                frame.Add((byte)(maskBit | 126));
                frame.Add((byte)(payload.Length >> 8));
                frame.Add((byte)payload.Length);
            }
            else
            {
                frame.Add((byte)(maskBit | 127));
                ulong length = (ulong)payload.Length;
                for (int shift = 56; shift >= 0; shift -= 8) frame.Add((byte)(length >> shift));
            }
            byte[] key = { 0x12, 0x34, 0x56, 0x78 };
            if (masked) frame.AddRange(key);
            frame.AddRange(masked ? payload.Select((b, i) => (byte)(b ^ key[i % 4])) : payload);
            return frame.ToArray();
        }

        public static byte[] TextFrame(string text, bool fin = true) => Frame(0x1, Encoding.UTF8.GetBytes(text), fin);
        public static byte[] CloseFrame(int code, string reason = "") =>
            Frame(0x8, new[] { (byte)(code >> 8), (byte)code }.Concat(Encoding.UTF8.GetBytes(reason)).ToArray());

        public void SendFrame(int opcode, byte[] payload, bool fin = true) => _tcp.Deliver(Frame(opcode, payload, fin));
        public void SendText(string text, bool fin = true) => _tcp.Deliver(TextFrame(text, fin));
        public void SendClose(int code, string reason = "") => _tcp.Deliver(CloseFrame(code, reason));

        // The next whole client frame, or null when none is complete yet. Every client frame must
        // be masked (RFC 6455 5.3).
        public ClientFrame ReadFrame()
        {
            Pump();
            if (_fromClient.Count < 2) return null;
            byte first = _fromClient[0], second = _fromClient[1];
            Assert.True((second & 0x80) != 0, "a client frame without the mask bit");
            int at = 2;
            long length = second & 0x7F;
            if (length == 126)
            {
                if (_fromClient.Count < 4) return null;
                length = _fromClient[2] << 8 | _fromClient[3];
                Assert.True(length >= 126, "16-bit length form for a short payload");
                at = 4;
            }
            else if (length == 127)
            {
                if (_fromClient.Count < 10) return null;
                length = 0;
                for (int i = 2; i < 10; i++) length = length << 8 | _fromClient[i];
                Assert.True(length > 0xFFFF, "64-bit length form for a short payload");
                at = 10;
            }
            if (_fromClient.Count < at + 4 + length) return null;
            byte[] key = _fromClient.Skip(at).Take(4).ToArray();
            byte[] payload = _fromClient.Skip(at + 4).Take((int)length).Select((b, i) => (byte)(b ^ key[i % 4])).ToArray();
            _fromClient.RemoveRange(0, at + 4 + (int)length);
            uint maskKey = (uint)(key[0] << 24 | key[1] << 16 | key[2] << 8 | key[3]);
            MaskKeys.Add(maskKey);
            return new ClientFrame { Fin = (first & 0x80) != 0, Rsv = (first >> 4) & 7, Opcode = first & 0x0F, Payload = payload, MaskKey = maskKey };
        }

        public ClientFrame ExpectFrame()
        {
            ClientFrame frame = ReadFrame();
            Assert.True(frame != null, "the client sent no (complete) frame");
            return frame;
        }
    }
}
