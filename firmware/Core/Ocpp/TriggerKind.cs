namespace ChargePoint.Core.Ocpp
{
    // OCPP 1.6 7.46 MessageTrigger: what TriggerMessage.req may ask for.
    public enum TriggerKind
    {
        None,
        BootNotification,
        DiagnosticsStatusNotification,
        FirmwareStatusNotification,
        Heartbeat,
        MeterValues,
        StatusNotification,
    }
}
