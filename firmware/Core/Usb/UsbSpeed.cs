namespace ChargePoint.Core.Usb
{
    // The bus speed the host and the controller settled on during the reset handshake
    // (USB 2.0 7.1.7.5 "Reset signaling": the high-speed chirp).
    public enum UsbSpeed : byte
    {
        Unknown = 0, // before the first enumeration-done event
        Full = 1,    // 12 Mbit/s: bulk max packet 64
        High = 2,    // 480 Mbit/s: bulk max packet 512
    }
}
