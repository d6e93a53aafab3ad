using System.Text;

namespace ChargePoint.Tests.Core.Json
{
    // OCPP 1.6J frames as central systems and charge points send them (shapes from the OCPP 1.6
    // JSON schemas), plus valid JSON that a lax or hasty parser gets wrong. The valid corpus of the
    // reader tests and the seed of the mutation tests.
    internal static class OcppSamples
    {
        public const string BootNotificationReq =
            "[2,\"19223201\",\"BootNotification\",{\"chargePointVendor\":\"SharpCharge\",\"chargePointModel\":\"SC-1\"," +
            "\"chargePointSerialNumber\":\"cp-0001\",\"chargeBoxSerialNumber\":\"cb-0001\",\"firmwareVersion\":\"v0.1.0\"," +
            "\"iccid\":\"\",\"imsi\":\"\",\"meterType\":\"Simulated\",\"meterSerialNumber\":\"m-1\"}]";

        public const string BootNotificationConf =
            "[3,\"19223201\",{\"status\":\"Accepted\",\"currentTime\":\"2024-02-14T06:07:03.024Z\",\"interval\":300}]";

        public const string BootNotificationConfPending =
            "[3,\"19223202\",{\"currentTime\":\"2024-02-14T06:07:03Z\",\"interval\":3.0e2,\"status\":\"Pending\"}]";

        public const string AuthorizeReq = "[2,\"a1\",\"Authorize\",{\"idTag\":\"B4A63CDF\"}]";

        public const string AuthorizeConf =
            "[3,\"a1\",{\"idTagInfo\":{\"status\":\"Accepted\",\"expiryDate\":\"2024-03-01T00:00:00.000Z\",\"parentIdTag\":\"FLEET-7\"}}]";

        public const string StartTransactionReq =
            "[2,\"b7e2\",\"StartTransaction\",{\"connectorId\":1,\"idTag\":\"B4A63CDF\",\"meterStart\":1250," +
            "\"reservationId\":42,\"timestamp\":\"2024-02-14T06:07:03.024Z\"}]";

        public const string StartTransactionConf =
            "[3,\"b7e2\",{\"idTagInfo\":{\"status\":\"ConcurrentTx\"},\"transactionId\":1193}]";

        public const string MeterValuesReq =
            "[2,\"4c1d\",\"MeterValues\",{\"connectorId\":1,\"transactionId\":1193,\"meterValue\":[" +
            "{\"timestamp\":\"2024-02-14T06:08:03Z\",\"sampledValue\":[" +
            "{\"value\":\"12.5\",\"context\":\"Sample.Periodic\",\"format\":\"Raw\",\"measurand\":\"Energy.Active.Import.Register\",\"location\":\"Outlet\",\"unit\":\"kWh\"}," +
            "{\"value\":\"230.4\",\"measurand\":\"Voltage\",\"phase\":\"L1-N\",\"unit\":\"V\"}," +
            "{\"value\":\"16\",\"measurand\":\"Current.Import\",\"phase\":\"L1\",\"unit\":\"A\"}]}," +
            "{\"timestamp\":\"2024-02-14T06:09:03Z\",\"sampledValue\":[{\"value\":\"12.75\"}]}]}]";

        public const string StatusNotificationReq =
            "[2,\"s9\",\"StatusNotification\",{\"connectorId\":0,\"errorCode\":\"NoError\",\"status\":\"Available\"," +
            "\"info\":\"boot\",\"timestamp\":\"2024-02-14T06:07:04Z\",\"vendorId\":\"SharpCharge\",\"vendorErrorCode\":\"\"}]";

        public const string StopTransactionReq =
            "[2,\"e5\",\"StopTransaction\",{\"idTag\":\"B4A63CDF\",\"meterStop\":13002,\"timestamp\":\"2024-02-14T07:00:00Z\"," +
            "\"transactionId\":1193,\"reason\":\"Local\",\"transactionData\":[{\"timestamp\":\"2024-02-14T07:00:00Z\"," +
            "\"sampledValue\":[{\"value\":\"13.002\",\"context\":\"Transaction.End\",\"unit\":\"kWh\"}]}]}]";

        public const string GetConfigurationReq = "[2,\"g1\",\"GetConfiguration\",{\"key\":[\"HeartbeatInterval\",\"NoSuchKey\"]}]";

        public const string GetConfigurationConf =
            "[3,\"g1\",{\"configurationKey\":[" +
            "{\"key\":\"AuthorizeRemoteTxRequests\",\"readonly\":false,\"value\":\"true\"}," +
            "{\"key\":\"ClockAlignedDataInterval\",\"readonly\":false,\"value\":\"0\"}," +
            "{\"key\":\"ConnectionTimeOut\",\"readonly\":false,\"value\":\"60\"}," +
            "{\"key\":\"GetConfigurationMaxKeys\",\"readonly\":true,\"value\":\"32\"}," +
            "{\"key\":\"HeartbeatInterval\",\"readonly\":false,\"value\":\"300\"}," +
            "{\"key\":\"LocalAuthorizeOffline\",\"readonly\":false,\"value\":\"true\"}," +
            "{\"key\":\"LocalPreAuthorize\",\"readonly\":false,\"value\":\"false\"}," +
            "{\"key\":\"MeterValuesAlignedData\",\"readonly\":false,\"value\":\"Energy.Active.Import.Register\"}," +
            "{\"key\":\"MeterValuesSampledData\",\"readonly\":false,\"value\":\"Energy.Active.Import.Register,Voltage\"}," +
            "{\"key\":\"MeterValueSampleInterval\",\"readonly\":false,\"value\":\"60\"}," +
            "{\"key\":\"NumberOfConnectors\",\"readonly\":true,\"value\":\"1\"}," +
            "{\"key\":\"ResetRetries\",\"readonly\":false,\"value\":\"3\"}," +
            "{\"key\":\"ConnectorPhaseRotation\",\"readonly\":false,\"value\":\"0.RST,1.RST\"}," +
            "{\"key\":\"StopTransactionOnEVSideDisconnect\",\"readonly\":false,\"value\":\"true\"}," +
            "{\"key\":\"StopTransactionOnInvalidId\",\"readonly\":false,\"value\":\"true\"}," +
            "{\"key\":\"SupportedFeatureProfiles\",\"readonly\":true,\"value\":\"Core,RemoteTrigger\"}," +
            "{\"key\":\"TransactionMessageAttempts\",\"readonly\":false,\"value\":\"3\"}," +
            "{\"key\":\"TransactionMessageRetryInterval\",\"readonly\":false,\"value\":\"30\"}," +
            "{\"key\":\"UnlockConnectorOnEVSideDisconnect\",\"readonly\":false,\"value\":\"true\"}," +
            "{\"key\":\"WebSocketPingInterval\",\"readonly\":false}]," +
            "\"unknownKey\":[\"NoSuchKey\",\"AlsoMissing\"]}]";

        public const string RemoteStartTransactionReq =
            "[2,\"r3\",\"RemoteStartTransaction\",{\"connectorId\":1,\"idTag\":\"REMOTE01\",\"chargingProfile\":{" +
            "\"chargingProfileId\":7,\"stackLevel\":0,\"chargingProfilePurpose\":\"TxProfile\",\"chargingProfileKind\":\"Absolute\"," +
            "\"chargingSchedule\":{\"duration\":3600,\"startSchedule\":\"2024-02-14T06:00:00Z\",\"chargingRateUnit\":\"A\"," +
            "\"chargingSchedulePeriod\":[{\"startPeriod\":0,\"limit\":16.0,\"numberPhases\":3},{\"startPeriod\":1800,\"limit\":6.1}]," +
            "\"minChargingRate\":6.0}}}]";

        public const string ChangeConfigurationConf = "[3,\"c2\",{\"status\":\"RebootRequired\"}]";

        public const string HeartbeatReq = "[2,\"h8\",\"Heartbeat\",{}]";

        public const string HeartbeatConf = "[3,\"h8\",{\"currentTime\":\"2024-02-14T06:12:03.500Z\"}]";

        public const string CallError =
            "[4,\"z0\",\"NotImplemented\",\"Requested Action is not known by receiver\",{}]";

        public const string DataTransferReq =
            "[2,\"d4\",\"DataTransfer\",{\"vendorId\":\"com.example\",\"messageId\":\"note\",\"data\":\"{\\\"nested\\\":\\\"json \\u00e9\\\"}\"}]";

        public static readonly string[] Messages =
        {
            BootNotificationReq, BootNotificationConf, BootNotificationConfPending, AuthorizeReq, AuthorizeConf,
            StartTransactionReq, StartTransactionConf, MeterValuesReq, StatusNotificationReq, StopTransactionReq,
            GetConfigurationReq, GetConfigurationConf, RemoteStartTransactionReq, ChangeConfigurationConf, HeartbeatReq,
            HeartbeatConf, CallError, DataTransferReq,
        };

        // Valid, if unusual: every one must be read to the end without an error.
        public static readonly string[] StrangeButValid =
        {
            " \t\r\n[ 2 ,\t\"id\" ,\r\n\"Heartbeat\"\n,{ } ]\r\n ",
            "{ \"a\" : [ ] , \"b\" : { } , \"c\" : [ [ ] , { } , [ { } ] ] }",
            "{}",
            "[]",
            "[[],{},[{}],[[[]]]]",
            "\"\"",
            "{\"\":\"\"}",
            "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
            "\"\\u0041\\u00e9\\u00E9\\u20AC\\uD83D\\uDE00\\udbff\\udfff\\u0000\"",
            "\"A\u00e9\u20ac\U0001F600\U0010FFFF\u007f\"",
            "{\"\\u0069dTag\":\"\\u0041ccepted\"}",
            "-0",
            "0",
            "-0.0e-0",
            "1e10",
            "1E+10",
            "1.5E-3",
            "123456789012345678901234567890",
            "0.000000000000000000000000000001",
            "1e999",
            "[0,-1,2.5,-3.25e+2,4E-2,5e0]",
            "true",
            "false",
            "null",
            "[true,false,null]",
            "{\"a\":1,\"a\":2}",
            "\"\\/\\/ not a comment\"",
            "[\"]\",\"}\",\",\",\":\",\"[\",\"{\"]",
            "{\"key with spaces and \\\"quotes\\\"\":\"value\"}",
        };

        public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

        // One byte per char (each at most U+00FF): for input that is not UTF-8 on purpose.
        public static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

        // n nested arrays around a 1: Nest(2) is [[1]].
        public static string Nest(int depth) => new string('[', depth) + "1" + new string(']', depth);
    }
}
