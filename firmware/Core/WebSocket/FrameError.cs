namespace ChargePoint.Core.WebSocket
{
    // What was wrong with a frame from the server; each is a protocol error (close 1002).
    public enum FrameError
    {
        None,
        ReservedBits,           // RSV1-3 set without a negotiated extension (RFC 6455 5.2)
        ReservedOpcode,         // 0x3-0x7, 0xB-0xF (RFC 6455 5.2)
        MaskedFrame,            // a server must not mask (RFC 6455 5.1)
        ControlFrameTooLong,    // more than 125 payload bytes (RFC 6455 5.5)
        FragmentedControlFrame, // FIN clear on a control frame (RFC 6455 5.5)
        LengthOutOfRange,       // 64-bit length with the most significant bit set (RFC 6455 5.2)
        UnexpectedContinuation, // a continuation frame with no message to continue (RFC 6455 5.4)
        UnfinishedMessage,      // a new text/binary frame before the fragmented one ended (RFC 6455 5.4)
        ClosePayloadTooShort,   // a close payload of one byte (RFC 6455 5.5.1)
        InvalidCloseCode,       // a close code not allowed on the wire (RFC 6455 7.4)
    }
}
