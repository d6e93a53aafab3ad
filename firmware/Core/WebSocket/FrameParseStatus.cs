namespace ChargePoint.Core.WebSocket
{
    public enum FrameParseStatus
    {
        Complete,   // the header is whole (its payload may still be coming)
        NeedMore,   // the header is not whole yet: receive more
        Malformed,  // a protocol error (RFC 6455 7.4.1: close with 1002): FrameError says which
    }
}
