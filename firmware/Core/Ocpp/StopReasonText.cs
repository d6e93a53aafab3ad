using System;

namespace ChargePoint.Core.Ocpp
{
    public static class StopReasonText
    {
        public static ReadOnlySpan<byte> Of(StopReason reason)
        {
            switch (reason)
            {
                case StopReason.Local: return "Local"u8;
                case StopReason.EmergencyStop: return "EmergencyStop"u8;
                case StopReason.EVDisconnected: return "EVDisconnected"u8;
                case StopReason.HardReset: return "HardReset"u8;
                case StopReason.DeAuthorized: return "DeAuthorized"u8;
                case StopReason.PowerLoss: return "PowerLoss"u8;
                case StopReason.Reboot: return "Reboot"u8;
                case StopReason.Remote: return "Remote"u8;
                case StopReason.SoftReset: return "SoftReset"u8;
                case StopReason.UnlockCommand: return "UnlockCommand"u8;
                default: return "Other"u8;
            }
        }
    }
}
