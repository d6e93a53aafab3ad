namespace ChargePoint.Core.WebSocket
{
    // Why a connection ended, or never opened. None: a completed close handshake.
    public enum WebSocketFailure
    {
        None,
        ConnectFailed,           // TCP could not connect (TcpError says why)
        RequestTooLong,          // the handshake request does not fit the send buffer
        HandshakeTimeout,        // no 101 in time
        ResponseTooLong,         // the response header is longer than allowed
        ResponseMalformed,       // not an HTTP/1.1 status line
        HandshakeRefused,        // a status other than 101 (HandshakeStatus)
        UpgradeMissing,          // no "Upgrade: websocket" (RFC 6455 4.1, client check 2)
        ConnectionUpgradeMissing, // no "Connection: Upgrade" (check 3)
        AcceptMismatch,          // Sec-WebSocket-Accept is not what the key asks for (check 4)
        ExtensionNotOffered,     // the server named an extension the client did not offer (check 5)
        SubprotocolNotSelected,  // the server did not select the requested subprotocol (check 6)
        SubprotocolMismatch,     // the server selected another one
        ProtocolError,           // a malformed frame: closed with 1002
        UnsupportedData,         // a binary message: closed with 1003
        InvalidUtf8,             // a text message that is not UTF-8: closed with 1007
        MessageTooBig,           // more than the maximum message size: closed with 1009
        ConnectionLost,          // TCP closed by the server without a close handshake (1006)
        ConnectionError,         // TCP reset or aborted (TcpError says why; 1006)
        CloseTimeout,            // the server did not answer our close in time
        Abandoned,               // the owner gave the connection up (a dead link: no pong, no answer)
    }
}
