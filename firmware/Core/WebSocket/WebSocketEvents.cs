using System;

namespace ChargePoint.Core.WebSocket
{
    // What happened since the last Poll.
    [Flags]
    public enum WebSocketEvents
    {
        None = 0,
        Opened = 1,           // the handshake succeeded: State is Open
        MessageReceived = 2,  // a text message waits: TryTakeMessage, before the next Poll
        PongReceived = 4,     // the pong for the last SendPing arrived (LastPongMilliseconds)
        Writable = 8,         // queued bytes went to TCP: room in the send buffer again
        Closed = 16,          // State went back to Closed: CloseCode, CloseReason, Failure say how
        Failed = 32,          // with Closed: the connection ended for a failure (Failure is not None)
    }
}
