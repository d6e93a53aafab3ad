using System;

namespace ChargePoint.Core.WebSocket
{
    // Writes client frames: always masked, with the key the caller draws fresh for each frame
    // (RFC 6455 5.3), and the shortest length encoding (RFC 6455 5.2).
    public static class FrameWriter
    {
        public const int MaxHeaderLength = 14;
        public const int MaxControlFrameLength = 6 + FrameParser.MaxControlPayload;

        public static int HeaderLength(int payloadLength) => (payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10) + 4;

        public static int FrameLength(int payloadLength) => HeaderLength(payloadLength) + payloadLength;

        // Returns the header's length; -1 (nothing written) when `destination` is too small.
        public static int WriteHeader(Span<byte> destination, WebSocketOpcode opcode, bool fin, int payloadLength, uint maskKey)
        {
            int length = HeaderLength(payloadLength);
            if (payloadLength < 0 || destination.Length < length) return -1;
            destination[0] = (byte)((fin ? 0x80 : 0) | (int)opcode);
            int at;
            if (payloadLength < 126)
            {
                destination[1] = (byte)(0x80 | payloadLength);
                at = 2;
            }
            else if (payloadLength <= 0xFFFF)
            {
                destination[1] = 0x80 | 126;
                destination[2] = (byte)(payloadLength >> 8);
                destination[3] = (byte)payloadLength;
                at = 4;
            }
            else
            {
                destination[1] = 0x80 | 127;
                destination[2] = 0;
                destination[3] = 0;
                destination[4] = 0;
                destination[5] = 0;
                destination[6] = (byte)(payloadLength >> 24);
                destination[7] = (byte)(payloadLength >> 16);
                destination[8] = (byte)(payloadLength >> 8);
                destination[9] = (byte)payloadLength;
                at = 10;
            }
            destination[at] = (byte)(maskKey >> 24);
            destination[at + 1] = (byte)(maskKey >> 16);
            destination[at + 2] = (byte)(maskKey >> 8);
            destination[at + 3] = (byte)maskKey;
            return length;
        }

        // Copies `payload` masked into `destination`; `offset` is where `payload` starts within the
        // frame's payload (RFC 6455 5.3: octet i is XORed with key octet i mod 4).
        public static void Mask(ReadOnlySpan<byte> payload, Span<byte> destination, uint maskKey, int offset)
        {
            for (int i = 0; i < payload.Length; i++)
            {
                int shift = 24 - 8 * ((offset + i) & 3);
                destination[i] = (byte)(payload[i] ^ (byte)(maskKey >> shift));
            }
        }

        // A whole frame; returns its length, -1 (nothing written) when `destination` is too small.
        public static int Write(Span<byte> destination, WebSocketOpcode opcode, bool fin, ReadOnlySpan<byte> payload, uint maskKey)
        {
            if (destination.Length < FrameLength(payload.Length)) return -1;
            int header = WriteHeader(destination, opcode, fin, payload.Length, maskKey);
            Mask(payload, destination.Slice(header), maskKey, 0);
            return header + payload.Length;
        }

        // A close frame (RFC 6455 5.5.1): the code in network order, then the reason (at most 123
        // bytes, the caller's job). Code 0 writes an empty payload (no status code).
        public static int WriteClose(Span<byte> destination, ushort code, ReadOnlySpan<byte> reason, uint maskKey)
        {
            int payloadLength = code == 0 ? 0 : 2 + reason.Length;
            if (destination.Length < FrameLength(payloadLength)) return -1;
            int header = WriteHeader(destination, WebSocketOpcode.Close, true, payloadLength, maskKey);
            if (code == 0) return header;
            Span<byte> codeBytes = stackalloc byte[2];
            codeBytes[0] = (byte)(code >> 8);
            codeBytes[1] = (byte)code;
            Mask(codeBytes, destination.Slice(header), maskKey, 0);
            Mask(reason, destination.Slice(header + 2), maskKey, 2);
            return header + payloadLength;
        }
    }
}
