namespace ChargePoint.Logview.Session
{
    // What one line of the session stream is (/tmp/notes/format.md, the lead's fixed format).
    public enum LineKind
    {
        HeaderTitle,        // "=== OCPP USB High-Speed Logger ==="
        HeaderUsb,          // "This showcases USB High-Speed (480 Mbps) data transfer"
        HeaderLogging,      // "Logging charging session data in real-time"
        Blank,              // ends the header, opens the summary
        Lost,               // "[LOST] <n> bytes dropped while no host was connected"
        Start,              // "[START] Connector <c>: ID=<idTag>"
        Auth,               // "[AUTH] Connector <c>: Authorized (status=<s>)" or "Not authorized"
        Meter,              // "[METER] Conn<c>: <Wh> Wh (reading #<n>)"
        Stop,               // "[STOP] Connector <c>: Session ended"
        HighRate,           // "[HR] <c> <uptime_us> <voltage_mV> <current_mA> <power_W> <energy_mWh>"
        SummaryTitle,       // "=== Session Summary ==="
        SummaryReadings,    // "Total meter readings: <N>"
        SummaryBytes,       // "USB data transferred: <bytes> bytes"
        SummaryThroughput,  // "Average throughput: ~<bytes/s> bytes/sec"
        SummaryHighRate,    // "High-rate samples: <n> at <rate> Hz per connector, <d> bytes dropped"
        SummaryClosing,     // "USB High-Speed (480 Mbps) enables efficient data logging"
        Malformed,          // starts like a known line, does not follow its format
        Unknown,            // nothing the format has
    }
}
