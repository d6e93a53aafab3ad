using System;

namespace ChargePoint.Core.WebSocket
{
    public static class FrameErrorText
    {
        public static ReadOnlySpan<byte> Of(FrameError error)
        {
            switch (error)
            {
                case FrameError.None: return "none"u8;
                case FrameError.ReservedBits: return "reserved bits set without an extension"u8;
                case FrameError.ReservedOpcode: return "reserved opcode"u8;
                case FrameError.MaskedFrame: return "masked frame from the server"u8;
                case FrameError.ControlFrameTooLong: return "control frame longer than 125 bytes"u8;
                case FrameError.FragmentedControlFrame: return "fragmented control frame"u8;
                case FrameError.LengthOutOfRange: return "64-bit length with the high bit set"u8;
                case FrameError.UnexpectedContinuation: return "continuation frame without a message"u8;
                case FrameError.UnfinishedMessage: return "new data frame inside a fragmented message"u8;
                case FrameError.ClosePayloadTooShort: return "close frame with a 1-byte payload"u8;
                case FrameError.InvalidCloseCode: return "invalid close code"u8;
                default: return "malformed frame"u8;
            }
        }
    }
}
