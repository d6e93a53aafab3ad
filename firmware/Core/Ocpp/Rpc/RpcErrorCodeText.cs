using System;

namespace ChargePoint.Core.Ocpp.Rpc
{
    public static class RpcErrorCodeText
    {
        public const int MaxLength = 28;

        public static ReadOnlySpan<byte> Of(RpcErrorCode code)
        {
            switch (code)
            {
                case RpcErrorCode.NotImplemented: return "NotImplemented"u8;
                case RpcErrorCode.NotSupported: return "NotSupported"u8;
                case RpcErrorCode.InternalError: return "InternalError"u8;
                case RpcErrorCode.ProtocolError: return "ProtocolError"u8;
                case RpcErrorCode.SecurityError: return "SecurityError"u8;
                case RpcErrorCode.FormationViolation: return "FormationViolation"u8;
                case RpcErrorCode.PropertyConstraintViolation: return "PropertyConstraintViolation"u8;
                case RpcErrorCode.OccurenceConstraintViolation: return "OccurenceConstraintViolation"u8;
                case RpcErrorCode.TypeConstraintViolation: return "TypeConstraintViolation"u8;
                case RpcErrorCode.GenericError: return "GenericError"u8;
                default: return "None"u8;
            }
        }

        // The code a central system sent; GenericError for one that is not in the list.
        public static RpcErrorCode Parse(ReadOnlySpan<byte> text)
        {
            for (RpcErrorCode code = RpcErrorCode.NotImplemented; code <= RpcErrorCode.GenericError; code++)
                if (text.SequenceEqual(Of(code))) return code;
            return RpcErrorCode.GenericError;
        }
    }
}
