namespace ChargePoint.Core.Usb
{
    // One UsbDevice.Poll result for the function; a plain value.
    public struct UsbDeviceEvent
    {
        public UsbDeviceEventKind Kind;
        public byte Endpoint;     // InComplete / OutComplete
        public int Length;        // OutComplete: bytes received
        public UsbSetup Request;  // Request
    }
}
