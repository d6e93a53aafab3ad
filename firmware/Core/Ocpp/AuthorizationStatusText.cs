using System;

namespace ChargePoint.Core.Ocpp
{
    public static class AuthorizationStatusText
    {
        public static ReadOnlySpan<byte> Of(AuthorizationStatus status)
        {
            switch (status)
            {
                case AuthorizationStatus.Accepted: return "Accepted"u8;
                case AuthorizationStatus.Blocked: return "Blocked"u8;
                case AuthorizationStatus.Expired: return "Expired"u8;
                case AuthorizationStatus.Invalid: return "Invalid"u8;
                default: return "ConcurrentTx"u8;
            }
        }

        public static bool TryParse(ReadOnlySpan<byte> text, out AuthorizationStatus status)
        {
            for (status = AuthorizationStatus.Accepted; status <= AuthorizationStatus.ConcurrentTx; status++)
                if (text.SequenceEqual(Of(status))) return true;
            status = AuthorizationStatus.Invalid;
            return false;
        }
    }
}
