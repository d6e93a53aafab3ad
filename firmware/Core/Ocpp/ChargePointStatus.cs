namespace ChargePoint.Core.Ocpp
{
    // OCPP 1.6 7.7 ChargePointStatus.
    public enum ChargePointStatus
    {
        Available,
        Preparing,
        Charging,
        SuspendedEVSE,
        SuspendedEV,
        Finishing,
        Reserved,
        Unavailable,
        Faulted,
    }
}
