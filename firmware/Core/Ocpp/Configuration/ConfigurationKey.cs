namespace ChargePoint.Core.Ocpp.Configuration
{
    // The configuration keys this charge point has: OCPP 1.6 edition 2, 9.1 Core Profile, and
    // AuthorizationKey from the OCPP 1.6 security whitepaper (7.2). The value is the key's index in
    // ConfigurationStore, and the order is the spec's (9.1 lists the keys alphabetically), which is
    // also the order of a GetConfiguration.conf that lists every key.
    //
    // Left out on purpose: MaxEnergyOnInvalidId (9.1.14, optional: no energy limit after an
    // invalidated id) and SupportedFeatureProfilesMaxLength (9.1.30, optional: the list is
    // read-only, so there is nothing for a central system to size).
    public enum ConfigurationKey
    {
        AllowOfflineTxForUnknownId,
        AuthorizationCacheEnabled,
        AuthorizationKey,
        AuthorizeRemoteTxRequests,
        BlinkRepeat,
        ClockAlignedDataInterval,
        ConnectionTimeOut,
        ConnectorPhaseRotation,
        ConnectorPhaseRotationMaxLength,
        GetConfigurationMaxKeys,
        HeartbeatInterval,
        LightIntensity,
        LocalAuthorizeOffline,
        LocalPreAuthorize,
        MeterValuesAlignedData,
        MeterValuesAlignedDataMaxLength,
        MeterValuesSampledData,
        MeterValuesSampledDataMaxLength,
        MeterValueSampleInterval,
        MinimumStatusDuration,
        NumberOfConnectors,
        ResetRetries,
        StopTransactionOnEVSideDisconnect,
        StopTransactionOnInvalidId,
        StopTxnAlignedData,
        StopTxnAlignedDataMaxLength,
        StopTxnSampledData,
        StopTxnSampledDataMaxLength,
        SupportedFeatureProfiles,
        TransactionMessageAttempts,
        TransactionMessageRetryInterval,
        UnlockConnectorOnEVSideDisconnect,
        WebSocketPingInterval,
    }
}
