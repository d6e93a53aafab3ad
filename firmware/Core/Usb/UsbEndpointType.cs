namespace ChargePoint.Core.Usb
{
    // Transfer types with the values of bmAttributes bits 1..0 in an endpoint descriptor
    // (USB 2.0 9.6.6), which are also the values of the DWC2 EPTYP field.
    public enum UsbEndpointType : byte
    {
        Control = 0,
        Isochronous = 1,
        Bulk = 2,
        Interrupt = 3,
    }
}
