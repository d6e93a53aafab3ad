namespace ChargePoint.Core.Logging
{
    // Zephyr's log levels, in its order of severity.
    public enum LogLevel
    {
        Error = 1,
        Warning = 2,
        Info = 3,
        Debug = 4,
    }
}
