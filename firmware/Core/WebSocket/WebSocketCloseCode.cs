namespace ChargePoint.Core.WebSocket
{
    // RFC 6455 7.4.1 status codes, and which of them may appear in a close frame.
    public static class WebSocketCloseCode
    {
        public const ushort Normal = 1000;
        public const ushort GoingAway = 1001;
        public const ushort ProtocolError = 1002;
        public const ushort UnsupportedData = 1003;
        public const ushort NoStatus = 1005;       // never sent: the close frame had no code
        public const ushort Abnormal = 1006;       // never sent: the connection ended without a close frame
        public const ushort InvalidPayload = 1007;
        public const ushort PolicyViolation = 1008;
        public const ushort MessageTooBig = 1009;
        public const ushort MandatoryExtension = 1010;
        public const ushort InternalError = 1011;

        // RFC 6455 7.4.1-7.4.2 and the IANA registry (1012-1014 were added since): 1004, 1005, 1006
        // and 1015 are reserved for local use, below 1000 and 1016-2999 are not assigned.
        public static bool IsAllowedOnTheWire(int code) =>
            (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }
}
