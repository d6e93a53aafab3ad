namespace ChargePoint.Core.Ocpp
{
    public enum TransactionMessageKind
    {
        StartTransaction,
        MeterValues,
        StopTransaction,
    }
}
