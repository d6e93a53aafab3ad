namespace ChargePoint.Core.Usb
{
    // USB 2.0 9.1.1 "Visible Device States" (Suspended is kept apart: UsbDevice.IsSuspended).
    public enum UsbDeviceState : byte
    {
        Powered = 0,    // started, no bus reset seen yet (or disconnected)
        Default = 1,    // after a bus reset: address 0
        Address = 2,    // SET_ADDRESS with a non-zero address
        Configured = 3, // SET_CONFIGURATION 1
    }
}
