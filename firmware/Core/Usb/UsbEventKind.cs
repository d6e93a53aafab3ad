namespace ChargePoint.Core.Usb
{
    // What a UsbEvent reports; see IUsbPort for who records each one and what it carries.
    public enum UsbEventKind : byte
    {
        None = 0,
        BusReset = 1,          // USB 2.0 7.1.7.5: the host drove SE0 for a reset
        EnumerationDone = 2,   // the reset ended; Speed holds the negotiated speed
        Suspend = 3,           // USB 2.0 7.1.7.6: 3 ms of bus idle
        Resume = 4,            // activity after a suspend (host resume or a reset starting)
        Setup = 5,             // a SETUP packet on EP0; Setup holds its 8 bytes
        OutComplete = 6,       // an armed OUT transfer ended; Endpoint, Length = bytes received
        InComplete = 7,        // a started IN transfer was fully sent and acknowledged; Endpoint
        Disconnect = 8,        // VBUS went away / session ended (only if the port can tell)
    }
}
