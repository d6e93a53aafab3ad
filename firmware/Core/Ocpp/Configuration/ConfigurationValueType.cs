namespace ChargePoint.Core.Ocpp.Configuration
{
    // What a key's value is. Every value travels as a string (OCPP 1.6 6.9 ChangeConfiguration.req
    // value, CiString500Type); these say how that string is read and written.
    public enum ConfigurationValueType
    {
        Integer,             // decimal, within the key's Minimum..Maximum
        Boolean,             // "true" or "false"
        MeasurandList,       // CSL of the measurands this meter has (ConfigurationTable.Measurands)
        PhaseRotationList,   // CSL of <connector>.<rotation>, 9.1.7
        FeatureProfileList,  // CSL of feature profile names, 9.1.29 (read-only here)
        Text,                // a string of at most MaxLength bytes
    }
}
