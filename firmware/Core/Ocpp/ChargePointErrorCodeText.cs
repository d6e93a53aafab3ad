using System;

namespace ChargePoint.Core.Ocpp
{
    public static class ChargePointErrorCodeText
    {
        public static ReadOnlySpan<byte> Of(ChargePointErrorCode code)
        {
            switch (code)
            {
                case ChargePointErrorCode.ConnectorLockFailure: return "ConnectorLockFailure"u8;
                case ChargePointErrorCode.EVCommunicationError: return "EVCommunicationError"u8;
                case ChargePointErrorCode.GroundFailure: return "GroundFailure"u8;
                case ChargePointErrorCode.HighTemperature: return "HighTemperature"u8;
                case ChargePointErrorCode.InternalError: return "InternalError"u8;
                case ChargePointErrorCode.LocalListConflict: return "LocalListConflict"u8;
                case ChargePointErrorCode.OtherError: return "OtherError"u8;
                case ChargePointErrorCode.OverCurrentFailure: return "OverCurrentFailure"u8;
                case ChargePointErrorCode.OverVoltage: return "OverVoltage"u8;
                case ChargePointErrorCode.PowerMeterFailure: return "PowerMeterFailure"u8;
                case ChargePointErrorCode.PowerSwitchFailure: return "PowerSwitchFailure"u8;
                case ChargePointErrorCode.ReaderFailure: return "ReaderFailure"u8;
                case ChargePointErrorCode.ResetFailure: return "ResetFailure"u8;
                case ChargePointErrorCode.UnderVoltage: return "UnderVoltage"u8;
                case ChargePointErrorCode.WeakSignal: return "WeakSignal"u8;
                default: return "NoError"u8;
            }
        }
    }
}
