using System;

namespace ChargePoint.Core.WebSocket
{
    // Reads the header of a server frame (RFC 6455 5.2) from the start of a receive buffer, however
    // little of it has arrived, and checks what can be checked from the header alone. What depends
    // on earlier frames (continuation without a message, message size) is the client's business.
    public static class FrameParser
    {
        public const int MaxHeaderLength = 14; // 2 + 8 (64-bit length) + 4 (mask key)
        public const int MaxControlPayload = 125;

        public static FrameParseStatus ParseHeader(ReadOnlySpan<byte> input, out FrameHeader header, out FrameError error)
        {
            header = default;
            error = FrameError.None;
            if (input.Length < 2) return FrameParseStatus.NeedMore;
            byte first = input[0], second = input[1];
            header.Fin = (first & 0x80) != 0;
            header.Opcode = (WebSocketOpcode)(first & 0x0F);
            header.Masked = (second & 0x80) != 0;
            int length7 = second & 0x7F;

            // No extension is ever negotiated, so every RSV bit must be clear.
            if ((first & 0x70) != 0) return Malformed(FrameError.ReservedBits, out error);
            if (!IsDefined(header.Opcode)) return Malformed(FrameError.ReservedOpcode, out error);
            if (header.IsControl)
            {
                if (!header.Fin) return Malformed(FrameError.FragmentedControlFrame, out error);
                if (length7 > MaxControlPayload) return Malformed(FrameError.ControlFrameTooLong, out error);
            }
            if (header.Masked) return Malformed(FrameError.MaskedFrame, out error);

            int at = 2;
            if (length7 == 126)
            {
                if (input.Length < 4) return FrameParseStatus.NeedMore;
                header.PayloadLength = input[2] << 8 | input[3];
                at = 4;
            }
            else if (length7 == 127)
            {
                if (input.Length < 10) return FrameParseStatus.NeedMore;
                if ((input[2] & 0x80) != 0) return Malformed(FrameError.LengthOutOfRange, out error);
                long length = 0;
                for (int i = 2; i < 10; i++) length = length << 8 | input[i];
                header.PayloadLength = length;
                at = 10;
            }
            else
            {
                header.PayloadLength = length7;
            }
            header.HeaderLength = at;
            return FrameParseStatus.Complete;
        }

        private static bool IsDefined(WebSocketOpcode opcode) =>
            opcode == WebSocketOpcode.Continuation || opcode == WebSocketOpcode.Text || opcode == WebSocketOpcode.Binary
            || opcode == WebSocketOpcode.Close || opcode == WebSocketOpcode.Ping || opcode == WebSocketOpcode.Pong;

        private static FrameParseStatus Malformed(FrameError what, out FrameError error)
        {
            error = what;
            return FrameParseStatus.Malformed;
        }
    }
}
