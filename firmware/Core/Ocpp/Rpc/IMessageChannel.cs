using System;

namespace ChargePoint.Core.Ocpp.Rpc
{
    // Where OCPP-J frames go out: a WebSocket's text messages (WebSocketChannel), or a fake in tests.
    public interface IMessageChannel
    {
        bool IsOpen { get; }

        // Room for a message of `length` bytes right now.
        bool CanSend(int length);

        // The whole message is queued, or nothing (false).
        bool SendText(ReadOnlySpan<byte> message);
    }
}
