using System;

namespace ChargePoint.Core.Ocpp
{
    public static class ChargePointStatusText
    {
        public static ReadOnlySpan<byte> Of(ChargePointStatus status)
        {
            switch (status)
            {
                case ChargePointStatus.Available: return "Available"u8;
                case ChargePointStatus.Preparing: return "Preparing"u8;
                case ChargePointStatus.Charging: return "Charging"u8;
                case ChargePointStatus.SuspendedEVSE: return "SuspendedEVSE"u8;
                case ChargePointStatus.SuspendedEV: return "SuspendedEV"u8;
                case ChargePointStatus.Finishing: return "Finishing"u8;
                case ChargePointStatus.Reserved: return "Reserved"u8;
                case ChargePointStatus.Unavailable: return "Unavailable"u8;
                default: return "Faulted"u8;
            }
        }
    }
}
