namespace ChargePoint.Core.Ocpp.Configuration
{
    // What one key is, as ConfigurationTable defines it: its type, who may read or write it, and
    // the limits a new value is checked against.
    public readonly struct ConfigurationKeyInfo
    {
        public ConfigurationKeyInfo(ConfigurationValueType type, ConfigurationAccess access, bool requiredBySpec,
            int minimum, int maximum, int maxItems, int maxLength, bool rebootRequired)
        {
            Type = type;
            Access = access;
            RequiredBySpec = requiredBySpec;
            Minimum = minimum;
            Maximum = maximum;
            MaxItems = maxItems;
            MaxLength = maxLength;
            RebootRequired = rebootRequired;
        }

        public ConfigurationValueType Type { get; }
        public ConfigurationAccess Access { get; }
        // "required" in the spec's Required/optional row (informative: every key here is supported).
        public bool RequiredBySpec { get; }
        // Integer keys: the accepted range.
        public int Minimum { get; }
        public int Maximum { get; }
        // Lists: the most items a value may have (also the key's ...MaxLength, where it has one).
        public int MaxItems { get; }
        // Lists and text: the longest value in bytes.
        public int MaxLength { get; }
        // A change is stored but takes effect only after a reboot (ChangeConfiguration answers
        // RebootRequired). No 9.1 key asks for it; ConfigurationStore.RequireRebootFor marks one.
        public bool RebootRequired { get; }

        internal ConfigurationKeyInfo WithRebootRequired() =>
            new ConfigurationKeyInfo(Type, Access, RequiredBySpec, Minimum, Maximum, MaxItems, MaxLength, true);
    }
}
