using System;

namespace ChargePoint.Core.Ocpp.Configuration
{
    // The one table of configuration keys: name, type, access, limits and default of each, with
    // the spec clause it comes from. Section numbers are OCPP 1.6 edition 2 unless marked.
    // Names are the spec's spelling, byte for byte. All of it is code and flash constants: the
    // store asks here instead of copying it into RAM.
    internal static class ConfigurationTable
    {
        public const int KeyCount = (int)ConfigurationKey.WebSocketPingInterval + 1;

        private const int OneDay = 86400; // seconds: the longest interval any key accepts

        // The measurands our meter has (IMeter): one phase, so no phase suffix (9.1.17's
        // "Voltage.L1") is offered. Spelled as OCPP 1.6 section 7 Measurand has them.
        public const int MeasurandCount = 4;
        public const int LongestMeasurand = 29; // Energy.Active.Import.Register

        public static ReadOnlySpan<byte> Measurand(int index)
        {
            switch (index)
            {
                case 0: return "Energy.Active.Import.Register"u8;
                case 1: return "Power.Active.Import"u8;
                case 2: return "Current.Import"u8;
                default: return "Voltage"u8;
            }
        }

        // 9.1.7: the rotations a connector can report.
        public const int PhaseRotationCount = 8;
        public const int LongestPhaseRotation = 13; // NotApplicable

        public static ReadOnlySpan<byte> PhaseRotation(int index)
        {
            switch (index)
            {
                case 0: return "NotApplicable"u8; // single phase or DC: this charge point
                case 1: return "Unknown"u8;
                case 2: return "RST"u8;
                case 3: return "RTS"u8;
                case 4: return "SRT"u8;
                case 5: return "STR"u8;
                case 6: return "TRS"u8;
                default: return "TSR"u8;
            }
        }

        // Returns the key's name; `info` says what it is, `number` is the default of an integer or
        // boolean key (1 = true), `text` the default of a list or text key. ConnectorPhaseRotation's
        // default depends on the connector count and is made by the store (every connector
        // NotApplicable: the meter is single phase).
        public static ReadOnlySpan<byte> Describe(ConfigurationKey key, int connectors,
            out ConfigurationKeyInfo info, out int number, out ReadOnlySpan<byte> text)
        {
            const ConfigurationAccess R = ConfigurationAccess.ReadOnly;
            const ConfigurationAccess RW = ConfigurationAccess.ReadWrite;
            const bool Required = true;
            const bool Optional = false;
            int measurandListLength = MeasurandCount * (LongestMeasurand + 1);
            number = 0;
            text = ReadOnlySpan<byte>.Empty;
            switch (key)
            {
                case ConfigurationKey.AllowOfflineTxForUnknownId: // 9.1.1
                    info = Boolean(RW, Optional);
                    return "AllowOfflineTxForUnknownId"u8;
                case ConfigurationKey.AuthorizationCacheEnabled: // 9.1.2
                    info = Boolean(RW, Optional); number = 1;
                    return "AuthorizationCacheEnabled"u8;
                case ConfigurationKey.AuthorizationKey: // security whitepaper 7.2: the basic-auth password, W
                    info = new ConfigurationKeyInfo(ConfigurationValueType.Text, ConfigurationAccess.WriteOnly, Optional,
                        0, 0, 0, AuthorizationKeyText.MaxTextLength, false);
                    return "AuthorizationKey"u8;
                case ConfigurationKey.AuthorizeRemoteTxRequests: // 9.1.3: R or RW, the charge point's choice
                    info = Boolean(RW, Required); number = 1;
                    return "AuthorizeRemoteTxRequests"u8;
                case ConfigurationKey.BlinkRepeat: // 9.1.4, times
                    info = Integer(RW, Optional, 0, 100); number = 3;
                    return "BlinkRepeat"u8;
                case ConfigurationKey.ClockAlignedDataInterval: // 9.1.5, seconds; 0: no clock-aligned data
                    info = Integer(RW, Required, 0, OneDay);
                    return "ClockAlignedDataInterval"u8;
                case ConfigurationKey.ConnectionTimeOut: // 9.1.6, seconds from Preparing
                    info = Integer(RW, Required, 1, OneDay); number = 60;
                    return "ConnectionTimeOut"u8;
                case ConfigurationKey.ConnectorPhaseRotation: // 9.1.7; index 0 (the grid side) allowed
                    info = List(ConfigurationValueType.PhaseRotationList, RW, Required, connectors + 1,
                        (connectors + 1) * (Digits(connectors) + 1 + LongestPhaseRotation + 1));
                    return "ConnectorPhaseRotation"u8;
                case ConfigurationKey.ConnectorPhaseRotationMaxLength: // 9.1.8
                    info = Integer(R, Optional, 0, int.MaxValue); number = connectors + 1;
                    return "ConnectorPhaseRotationMaxLength"u8;
                case ConfigurationKey.GetConfigurationMaxKeys: // 9.1.9: as many as there are keys
                    info = Integer(R, Required, 0, int.MaxValue); number = KeyCount;
                    return "GetConfigurationMaxKeys"u8;
                case ConfigurationKey.HeartbeatInterval: // 9.1.10, seconds; BootNotification.conf sets it too (4.2)
                    info = Integer(RW, Required, 1, OneDay); number = 60;
                    return "HeartbeatInterval"u8;
                case ConfigurationKey.LightIntensity: // 9.1.11, % of maximum
                    info = Integer(RW, Optional, 0, 100); number = 100;
                    return "LightIntensity"u8;
                case ConfigurationKey.LocalAuthorizeOffline: // 9.1.12
                    info = Boolean(RW, Required); number = 1;
                    return "LocalAuthorizeOffline"u8;
                case ConfigurationKey.LocalPreAuthorize: // 9.1.13
                    info = Boolean(RW, Required);
                    return "LocalPreAuthorize"u8;
                case ConfigurationKey.MeterValuesAlignedData: // 9.1.15
                    info = List(ConfigurationValueType.MeasurandList, RW, Required, MeasurandCount, measurandListLength);
                    text = "Energy.Active.Import.Register"u8;
                    return "MeterValuesAlignedData"u8;
                case ConfigurationKey.MeterValuesAlignedDataMaxLength: // 9.1.16
                    info = Integer(R, Optional, 0, int.MaxValue); number = MeasurandCount;
                    return "MeterValuesAlignedDataMaxLength"u8;
                case ConfigurationKey.MeterValuesSampledData: // 9.1.17, the spec's default
                    info = List(ConfigurationValueType.MeasurandList, RW, Required, MeasurandCount, measurandListLength);
                    text = "Energy.Active.Import.Register"u8;
                    return "MeterValuesSampledData"u8;
                case ConfigurationKey.MeterValuesSampledDataMaxLength: // 9.1.18
                    info = Integer(R, Optional, 0, int.MaxValue); number = MeasurandCount;
                    return "MeterValuesSampledDataMaxLength"u8;
                case ConfigurationKey.MeterValueSampleInterval: // 9.1.19, seconds; 0: no sampled data
                    info = Integer(RW, Required, 0, OneDay); number = 10;
                    return "MeterValueSampleInterval"u8;
                case ConfigurationKey.MinimumStatusDuration: // 9.1.20, seconds
                    info = Integer(RW, Optional, 0, OneDay);
                    return "MinimumStatusDuration"u8;
                case ConfigurationKey.NumberOfConnectors: // 9.1.21
                    info = Integer(R, Required, 0, int.MaxValue); number = connectors;
                    return "NumberOfConnectors"u8;
                case ConfigurationKey.ResetRetries: // 9.1.22, times
                    info = Integer(RW, Required, 0, 10); number = 3;
                    return "ResetRetries"u8;
                case ConfigurationKey.StopTransactionOnEVSideDisconnect: // 9.1.23
                    info = Boolean(RW, Required); number = 1;
                    return "StopTransactionOnEVSideDisconnect"u8;
                case ConfigurationKey.StopTransactionOnInvalidId: // 9.1.24
                    info = Boolean(RW, Required); number = 1;
                    return "StopTransactionOnInvalidId"u8;
                case ConfigurationKey.StopTxnAlignedData: // 9.1.25; empty: StopTransaction carries meterStop only
                    info = List(ConfigurationValueType.MeasurandList, RW, Required, MeasurandCount, measurandListLength);
                    return "StopTxnAlignedData"u8;
                case ConfigurationKey.StopTxnAlignedDataMaxLength: // 9.1.26
                    info = Integer(R, Optional, 0, int.MaxValue); number = MeasurandCount;
                    return "StopTxnAlignedDataMaxLength"u8;
                case ConfigurationKey.StopTxnSampledData: // 9.1.27
                    info = List(ConfigurationValueType.MeasurandList, RW, Required, MeasurandCount, measurandListLength);
                    return "StopTxnSampledData"u8;
                case ConfigurationKey.StopTxnSampledDataMaxLength: // 9.1.28
                    info = Integer(R, Optional, 0, int.MaxValue); number = MeasurandCount;
                    return "StopTxnSampledDataMaxLength"u8;
                case ConfigurationKey.SupportedFeatureProfiles: // 9.1.29
                    info = List(ConfigurationValueType.FeatureProfileList, R, Required, 1, 4);
                    text = "Core"u8;
                    return "SupportedFeatureProfiles"u8;
                case ConfigurationKey.TransactionMessageAttempts: // 9.1.31, times; 0 would drop messages
                    info = Integer(RW, Required, 1, 10); number = 3;
                    return "TransactionMessageAttempts"u8;
                case ConfigurationKey.TransactionMessageRetryInterval: // 9.1.32, seconds
                    info = Integer(RW, Required, 0, OneDay); number = 30;
                    return "TransactionMessageRetryInterval"u8;
                case ConfigurationKey.UnlockConnectorOnEVSideDisconnect: // 9.1.33
                    info = Boolean(RW, Required); number = 1;
                    return "UnlockConnectorOnEVSideDisconnect"u8;
                case ConfigurationKey.WebSocketPingInterval: // 9.1.34, seconds; 0: no client pings, negative Rejected
                    info = Integer(RW, Optional, 0, OneDay); number = 60;
                    return "WebSocketPingInterval"u8;
                default:
                    info = default;
                    return ReadOnlySpan<byte>.Empty;
            }
        }

        private static ConfigurationKeyInfo Integer(ConfigurationAccess access, bool required, int minimum, int maximum) =>
            new ConfigurationKeyInfo(ConfigurationValueType.Integer, access, required, minimum, maximum, 0, 0, false);

        private static ConfigurationKeyInfo Boolean(ConfigurationAccess access, bool required) =>
            new ConfigurationKeyInfo(ConfigurationValueType.Boolean, access, required, 0, 1, 0, 0, false);

        private static ConfigurationKeyInfo List(ConfigurationValueType type, ConfigurationAccess access, bool required,
            int maxItems, int maxLength) =>
            new ConfigurationKeyInfo(type, access, required, 0, 0, maxItems, maxLength, false);

        public static int Digits(int value)
        {
            int digits = 1;
            while (value >= 10) { value /= 10; digits++; }
            return digits;
        }
    }
}
