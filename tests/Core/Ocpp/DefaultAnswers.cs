namespace ChargePoint.Tests.Core.Ocpp
{
    // What a well-behaved central system answers to each of the charge point's CALLs (the OCPP 1.6
    // .conf of each action): Accepted, with the central system's time, the boot's interval and a
    // new transaction id for each StartTransaction. Shared by the host benches.
    public static class DefaultAnswers
    {
        public static string For(string action, string centralSystemTime, int bootIntervalSeconds, ref int nextTransactionId)
        {
            switch (action)
            {
                case "BootNotification":
                    return "{\"status\":\"Accepted\",\"currentTime\":\"" + centralSystemTime + "\",\"interval\":" + bootIntervalSeconds + "}";
                case "Heartbeat":
                    return "{\"currentTime\":\"" + centralSystemTime + "\"}";
                case "Authorize":
                case "StopTransaction":
                    return "{\"idTagInfo\":{\"status\":\"Accepted\"}}";
                case "StartTransaction":
                    return "{\"idTagInfo\":{\"status\":\"Accepted\"},\"transactionId\":" + nextTransactionId++ + "}";
                case "DataTransfer":
                    return "{\"status\":\"UnknownVendorId\"}";
                default:
                    return "{}"; // StatusNotification, MeterValues
            }
        }
    }
}
