namespace ChargePoint.Core.Ocpp
{
    // OCPP 1.6 7.20 DataTransferStatus.
    public enum DataTransferStatus
    {
        Accepted,
        Rejected,
        UnknownMessageId,
        UnknownVendorId,
    }
}
