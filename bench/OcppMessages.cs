using System;
using System.Buffers.Text;
using System.Text.Json;
using ChargePoint.Core.Json;

namespace ChargePoint.Bench
{
    // The OCPP 1.6J payloads the benchmark reads and writes, as the charge point sends them
    // (firmware/Core/Ocpp/OcppChargePoint.cs, OcppChargePoint.Answers.cs): the values, and one
    // writer function per codec that turns the same values into the same bytes.
    public enum OcppMessage
    {
        MeterValues,
        StartTransaction,
        GetConfigurationConf,
    }

    // OCPP 1.6 7.43 SampledValue: the value is a string, written from mantissa / 10^decimals.
    internal readonly struct Sample
    {
        public readonly long Mantissa;
        public readonly int Decimals;
        public readonly byte[] Measurand;
        public readonly byte[] Unit;

        public Sample(long mantissa, int decimals, string measurand, string unit)
        {
            Mantissa = mantissa;
            Decimals = decimals;
            Measurand = Utf8(measurand);
            Unit = Utf8(unit);
        }

        private static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);
    }

    internal readonly struct MeterValue
    {
        public readonly byte[] Timestamp;
        public readonly Sample[] Samples;

        public MeterValue(string timestamp, Sample[] samples)
        {
            Timestamp = System.Text.Encoding.UTF8.GetBytes(timestamp);
            Samples = samples;
        }
    }

    // GetConfiguration.conf's KeyValue: a null value is left out (the write-only AuthorizationKey).
    internal readonly struct KeyValue
    {
        public readonly byte[] Key;
        public readonly bool ReadOnly;
        public readonly byte[] Value;

        public KeyValue(string key, bool readOnly, string value)
        {
            Key = System.Text.Encoding.UTF8.GetBytes(key);
            ReadOnly = readOnly;
            Value = value == null ? null : System.Text.Encoding.UTF8.GetBytes(value);
        }
    }

    internal static class OcppMessages
    {
        public const int BufferSize = 4096;

        // ---- the values ---------------------------------------------------------------------

        private static readonly byte[] SamplePeriodic = "Sample.Periodic"u8.ToArray();

        // MeterValues.req: two meterValue entries of the four measurands the meter has
        // (MeterValuesSampledData = Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage).
        private const int MeterConnector = 1;
        private const int MeterTransaction = 42;
        private static readonly MeterValue[] Meter =
        {
            new MeterValue("2024-02-14T06:07:13.024Z", new[]
            {
                new Sample(17, 0, "Energy.Active.Import.Register", "Wh"),
                new Sample(7360, 0, "Power.Active.Import", "W"),
                new Sample(320, 1, "Current.Import", "A"),
                new Sample(230, 0, "Voltage", "V"),
            }),
            new MeterValue("2024-02-14T06:07:23.024Z", new[]
            {
                new Sample(38, 0, "Energy.Active.Import.Register", "Wh"),
                new Sample(7337, 0, "Power.Active.Import", "W"),
                new Sample(319, 1, "Current.Import", "A"),
                new Sample(229, 0, "Voltage", "V"),
            }),
        };

        // StartTransaction.req.
        private const int StartConnector = 1;
        private static readonly byte[] StartIdTag = "ZepId00"u8.ToArray();
        private const long StartMeter = 1250;
        private static readonly byte[] StartTimestamp = "2024-02-14T06:07:03.024Z"u8.ToArray();

        // GetConfiguration.conf with no key asked for: every key of ConfigurationTable with its
        // default for two connectors, in the table's order.
        private static readonly KeyValue[] Configuration =
        {
            new KeyValue("AllowOfflineTxForUnknownId", false, "false"),
            new KeyValue("AuthorizationCacheEnabled", false, "true"),
            new KeyValue("AuthorizationKey", false, null),
            new KeyValue("AuthorizeRemoteTxRequests", false, "true"),
            new KeyValue("BlinkRepeat", false, "3"),
            new KeyValue("ClockAlignedDataInterval", false, "0"),
            new KeyValue("ConnectionTimeOut", false, "60"),
            new KeyValue("ConnectorPhaseRotation", false, "1.NotApplicable,2.NotApplicable"),
            new KeyValue("ConnectorPhaseRotationMaxLength", true, "3"),
            new KeyValue("GetConfigurationMaxKeys", true, "33"),
            new KeyValue("HeartbeatInterval", false, "60"),
            new KeyValue("LightIntensity", false, "100"),
            new KeyValue("LocalAuthorizeOffline", false, "true"),
            new KeyValue("LocalPreAuthorize", false, "false"),
            new KeyValue("MeterValuesAlignedData", false, "Energy.Active.Import.Register"),
            new KeyValue("MeterValuesAlignedDataMaxLength", true, "4"),
            new KeyValue("MeterValuesSampledData", false, "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage"),
            new KeyValue("MeterValuesSampledDataMaxLength", true, "4"),
            new KeyValue("MeterValueSampleInterval", false, "10"),
            new KeyValue("MinimumStatusDuration", false, "0"),
            new KeyValue("NumberOfConnectors", true, "2"),
            new KeyValue("ResetRetries", false, "3"),
            new KeyValue("StopTransactionOnEVSideDisconnect", false, "true"),
            new KeyValue("StopTransactionOnInvalidId", false, "true"),
            new KeyValue("StopTxnAlignedData", false, ""),
            new KeyValue("StopTxnAlignedDataMaxLength", true, "4"),
            new KeyValue("StopTxnSampledData", false, ""),
            new KeyValue("StopTxnSampledDataMaxLength", true, "4"),
            new KeyValue("SupportedFeatureProfiles", true, "Core"),
            new KeyValue("TransactionMessageAttempts", false, "3"),
            new KeyValue("TransactionMessageRetryInterval", false, "30"),
            new KeyValue("UnlockConnectorOnEVSideDisconnect", false, "true"),
            new KeyValue("WebSocketPingInterval", false, "60"),
        };

        public static int ConfigurationKeyCount => Configuration.Length;

        // ---- our writer (as OcppChargePoint writes them) ------------------------------------

        public static void Write(OcppMessage message, JsonWriter w)
        {
            switch (message)
            {
                case OcppMessage.MeterValues:
                    w.StartObject();
                    w.Number("connectorId"u8, MeterConnector);
                    w.Number("transactionId"u8, MeterTransaction);
                    w.StartArray("meterValue"u8);
                    foreach (MeterValue value in Meter)
                    {
                        w.StartObject();
                        w.String("timestamp"u8, value.Timestamp);
                        w.StartArray("sampledValue"u8);
                        foreach (Sample s in value.Samples)
                        {
                            w.StartObject();
                            w.NumberAsString("value"u8, s.Mantissa, s.Decimals);
                            w.String("context"u8, SamplePeriodic);
                            w.String("measurand"u8, s.Measurand);
                            w.String("unit"u8, s.Unit);
                            w.EndObject();
                        }
                        w.EndArray();
                        w.EndObject();
                    }
                    w.EndArray();
                    w.EndObject();
                    break;
                case OcppMessage.StartTransaction:
                    w.StartObject();
                    w.Number("connectorId"u8, StartConnector);
                    w.String("idTag"u8, StartIdTag);
                    w.Number("meterStart"u8, StartMeter);
                    w.String("timestamp"u8, StartTimestamp);
                    w.EndObject();
                    break;
                default:
                    w.StartObject();
                    w.StartArray("configurationKey"u8);
                    foreach (KeyValue key in Configuration)
                    {
                        w.StartObject();
                        w.String("key"u8, key.Key);
                        w.Bool("readonly"u8, key.ReadOnly);
                        if (key.Value != null) w.String("value"u8, key.Value);
                        w.EndObject();
                    }
                    w.EndArray();
                    w.EndObject();
                    break;
            }
        }

        // ---- System.Text.Json's writer: the same calls, the same bytes ---------------------

        public static void Write(OcppMessage message, Utf8JsonWriter w)
        {
            Span<byte> text = stackalloc byte[48];
            switch (message)
            {
                case OcppMessage.MeterValues:
                    w.WriteStartObject();
                    w.WriteNumber("connectorId"u8, MeterConnector);
                    w.WriteNumber("transactionId"u8, MeterTransaction);
                    w.WriteStartArray("meterValue"u8);
                    foreach (MeterValue value in Meter)
                    {
                        w.WriteStartObject();
                        w.WriteString("timestamp"u8, value.Timestamp);
                        w.WriteStartArray("sampledValue"u8);
                        foreach (Sample s in value.Samples)
                        {
                            w.WriteStartObject();
                            w.WriteString("value"u8, text.Slice(0, FormatDecimal(s.Mantissa, s.Decimals, text)));
                            w.WriteString("context"u8, SamplePeriodic);
                            w.WriteString("measurand"u8, s.Measurand);
                            w.WriteString("unit"u8, s.Unit);
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                    break;
                case OcppMessage.StartTransaction:
                    w.WriteStartObject();
                    w.WriteNumber("connectorId"u8, StartConnector);
                    w.WriteString("idTag"u8, StartIdTag);
                    w.WriteNumber("meterStart"u8, StartMeter);
                    w.WriteString("timestamp"u8, StartTimestamp);
                    w.WriteEndObject();
                    break;
                default:
                    w.WriteStartObject();
                    w.WriteStartArray("configurationKey"u8);
                    foreach (KeyValue key in Configuration)
                    {
                        w.WriteStartObject();
                        w.WriteString("key"u8, key.Key);
                        w.WriteBoolean("readonly"u8, key.ReadOnly);
                        if (key.Value != null) w.WriteString("value"u8, key.Value);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                    break;
            }
        }

        // mantissa / 10^decimals (decimals 0..18) as JsonWriter.NumberAsString spells it, with
        // .NET's own integer formatting: (320, 1) is "32.0", (-5, 2) is "-0.05".
        private static int FormatDecimal(long mantissa, int decimals, Span<byte> destination)
        {
            ulong magnitude = mantissa < 0 ? 0UL - (ulong)mantissa : (ulong)mantissa;
            ulong scale = 1;
            for (int k = 0; k < decimals; k++) scale *= 10;
            int length = 0;
            if (mantissa < 0) destination[length++] = (byte)'-';
            Utf8Formatter.TryFormat(magnitude / scale, destination.Slice(length), out int written);
            length += written;
            if (decimals > 0)
            {
                destination[length++] = (byte)'.';
                Utf8Formatter.TryFormat(magnitude % scale, destination.Slice(length), out written, new System.Buffers.StandardFormat('D', (byte)decimals));
                length += written;
            }
            return length;
        }
    }
}
