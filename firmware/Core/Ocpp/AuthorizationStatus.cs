namespace ChargePoint.Core.Ocpp
{
    // OCPP 1.6 7.2 AuthorizationStatus.
    public enum AuthorizationStatus
    {
        Accepted,
        Blocked,
        Expired,
        Invalid,
        ConcurrentTx,
    }
}
