namespace ChargePoint.Core.Ocpp.Configuration
{
    // OCPP 1.6 6.10 ChangeConfiguration.conf status (and 5.3 for when each applies).
    public enum ConfigurationStatus
    {
        Accepted,        // stored and in effect
        Rejected,        // a bad value, or a key the central system may not write
        RebootRequired,  // stored, in effect after the next reboot
        NotSupported,    // no such key
    }
}
