namespace ChargePoint.Core.Ocpp
{
    // OCPP 1.6 7.45 Reason (StopTransaction.req).
    public enum StopReason
    {
        Local,
        EmergencyStop,
        EVDisconnected,
        HardReset,
        DeAuthorized,
        Other,
        PowerLoss,
        Reboot,
        Remote,
        SoftReset,
        UnlockCommand,
    }
}
