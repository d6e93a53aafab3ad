using System;

namespace ChargePoint.Core.Net
{
    public static class TcpErrorText
    {
        public static ReadOnlySpan<byte> Of(TcpError error)
        {
            switch (error)
            {
                case TcpError.None: return "none"u8;
                case TcpError.NameNotFound: return "host name not found"u8;
                case TcpError.BadHost: return "not a host name or address"u8;
                case TcpError.Refused: return "connection refused"u8;
                case TcpError.Reset: return "connection reset by peer"u8;
                case TcpError.Aborted: return "connection aborted"u8;
                case TcpError.Timeout: return "timed out"u8;
                case TcpError.NoMemory: return "out of connections or buffers"u8;
                case TcpError.NotConnected: return "not connected"u8;
                default: return "error"u8;
            }
        }
    }
}
