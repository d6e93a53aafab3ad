using System;

namespace ChargePoint.Core.WebSocket
{
    public static class WebSocketFailureText
    {
        public static ReadOnlySpan<byte> Of(WebSocketFailure failure)
        {
            switch (failure)
            {
                case WebSocketFailure.None: return "none"u8;
                case WebSocketFailure.ConnectFailed: return "connect failed"u8;
                case WebSocketFailure.RequestTooLong: return "handshake request too long"u8;
                case WebSocketFailure.HandshakeTimeout: return "handshake timed out"u8;
                case WebSocketFailure.ResponseTooLong: return "handshake response too long"u8;
                case WebSocketFailure.ResponseMalformed: return "malformed handshake response"u8;
                case WebSocketFailure.HandshakeRefused: return "handshake refused"u8;
                case WebSocketFailure.UpgradeMissing: return "no Upgrade: websocket in the response"u8;
                case WebSocketFailure.ConnectionUpgradeMissing: return "no Connection: Upgrade in the response"u8;
                case WebSocketFailure.AcceptMismatch: return "wrong Sec-WebSocket-Accept"u8;
                case WebSocketFailure.ExtensionNotOffered: return "extension not offered"u8;
                case WebSocketFailure.SubprotocolNotSelected: return "subprotocol not selected"u8;
                case WebSocketFailure.SubprotocolMismatch: return "other subprotocol selected"u8;
                case WebSocketFailure.ProtocolError: return "protocol error"u8;
                case WebSocketFailure.UnsupportedData: return "binary message"u8;
                case WebSocketFailure.InvalidUtf8: return "invalid UTF-8"u8;
                case WebSocketFailure.MessageTooBig: return "message too big"u8;
                case WebSocketFailure.ConnectionLost: return "connection closed without a close frame"u8;
                case WebSocketFailure.ConnectionError: return "connection error"u8;
                case WebSocketFailure.CloseTimeout: return "close not answered"u8;
                case WebSocketFailure.Abandoned: return "abandoned as a dead link"u8;
                default: return "failure"u8;
            }
        }
    }
}
