namespace ChargePoint.Core.Ocpp
{
    public enum AuthorizeOutcome
    {
        None,
        Pending,   // asked, no answer yet
        Answered,  // the central system answered: see the AuthorizationStatus
        Failed,    // no usable answer (CALLERROR, timeout, link lost)
    }
}
