namespace ChargePoint.Core.Ocpp.Configuration
{
    // OCPP 1.6 9 "Accessibility": R or RW; W (write-only) comes from the security whitepaper
    // (AuthorizationKey), whose value a central system may set but never read back.
    public enum ConfigurationAccess
    {
        ReadOnly,
        ReadWrite,
        WriteOnly,
    }
}
