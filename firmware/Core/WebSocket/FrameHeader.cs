namespace ChargePoint.Core.WebSocket
{
    // One frame's header as read from the wire (RFC 6455 5.2).
    public struct FrameHeader
    {
        public bool Fin;
        public WebSocketOpcode Opcode;
        public bool Masked;
        public uint MaskKey;        // key bytes in wire order, the first in the top 8 bits
        public int HeaderLength;    // bytes before the payload
        public long PayloadLength;

        // RFC 6455 5.5: opcodes with the high bit set are control frames.
        public bool IsControl => ((int)Opcode & 0x8) != 0;
    }
}
