namespace ChargePoint.Core.Ocpp
{
    // OCPP 1.6 7.6 ChargePointErrorCode (StatusNotification.req errorCode). NoError first: the
    // default.
    public enum ChargePointErrorCode
    {
        NoError,
        ConnectorLockFailure,
        EVCommunicationError,
        GroundFailure,
        HighTemperature,
        InternalError,
        LocalListConflict,
        OtherError,
        OverCurrentFailure,
        OverVoltage,
        PowerMeterFailure,
        PowerSwitchFailure,
        ReaderFailure,
        ResetFailure,
        UnderVoltage,
        WeakSignal,
    }
}
