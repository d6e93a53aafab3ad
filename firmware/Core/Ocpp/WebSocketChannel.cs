using System;
using ChargePoint.Core.Ocpp.Rpc;
using ChargePoint.Core.WebSocket;

namespace ChargePoint.Core.Ocpp
{
    // OCPP-J's channel: text messages of a WebSocket (OCPP-J 1.6 section 3).
    public sealed class WebSocketChannel : IMessageChannel
    {
        private readonly WebSocketClient _socket;

        public WebSocketChannel(WebSocketClient socket) { _socket = socket; }

        public bool IsOpen => _socket.State == WebSocketState.Open;
        public bool CanSend(int length) => IsOpen && _socket.CanSend(length);
        public bool SendText(ReadOnlySpan<byte> message) => IsOpen && _socket.SendText(message);
    }
}
