namespace ChargePoint.Core.Ocpp
{
    // OCPP 1.6 7.41 RegistrationStatus, plus where we are before the first answer.
    public enum RegistrationStatus
    {
        NotBooted,
        Accepted,
        Pending,
        Rejected,
    }
}
