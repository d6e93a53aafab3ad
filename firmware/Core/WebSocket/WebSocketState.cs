namespace ChargePoint.Core.WebSocket
{
    public enum WebSocketState
    {
        Closed,       // Open may start
        Connecting,   // resolving and connecting TCP
        Handshaking,  // the HTTP upgrade request is out, waiting for the 101
        Open,         // messages both ways
        Closing,      // a close frame was sent (or is being sent): waiting for the server's, then the TCP close
    }
}
