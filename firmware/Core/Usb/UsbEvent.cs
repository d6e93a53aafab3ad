namespace ChargePoint.Core.Usb
{
    // One thing that happened on the bus, recorded by the port's interrupt handler and taken by
    // the device core's task with IUsbPort.TryTakeEvent. A plain value: no allocation.
    public struct UsbEvent
    {
        public UsbEventKind Kind;

        // OutComplete / InComplete: the endpoint address (bit 7 set for IN, e.g. 0x81; EP0 OUT is
        // 0x00 and EP0 IN is 0x80). 0 for the other kinds.
        public byte Endpoint;

        // EnumerationDone only.
        public UsbSpeed Speed;

        // OutComplete: bytes received (0 for a zero-length packet). 0 for the other kinds.
        public int Length;

        // Setup only: the 8 bytes of the SETUP packet, byte 0 (bmRequestType) in bits 7..0,
        // byte 7 (high byte of wLength) in bits 63..56, i.e. the packet read as a little-endian
        // 64-bit integer.
        public ulong Setup;
    }
}
