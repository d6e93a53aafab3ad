namespace ChargePoint.Core.Usb
{
    // The 8 bytes of a SETUP packet (USB 2.0 9.3, table 9-2), taken apart.
    public struct UsbSetup
    {
        public byte RequestType; // bmRequestType: bit 7 direction, bits 6..5 type, bits 4..0 recipient
        public byte Request;     // bRequest
        public ushort Value;     // wValue
        public ushort Index;     // wIndex
        public ushort Length;    // wLength: the most data the data stage may carry

        // bmRequestType fields (USB 2.0 table 9-2).
        public const byte DeviceToHost = 0x80;
        public const byte TypeMask = 0x60;
        public const byte TypeStandard = 0x00;
        public const byte TypeClass = 0x20;
        public const byte TypeVendor = 0x40;
        public const byte RecipientMask = 0x1F;
        public const byte RecipientDevice = 0;
        public const byte RecipientInterface = 1;
        public const byte RecipientEndpoint = 2;

        public bool IsDeviceToHost => (RequestType & DeviceToHost) != 0;
        public int Type => RequestType & TypeMask;
        public int Recipient => RequestType & RecipientMask;

        // The packet as UsbEvent.Setup carries it: byte 0 in the low bits.
        public static UsbSetup FromPacket(ulong packet)
        {
            UsbSetup s;
            s.RequestType = (byte)packet;
            s.Request = (byte)(packet >> 8);
            s.Value = (ushort)(packet >> 16);
            s.Index = (ushort)(packet >> 32);
            s.Length = (ushort)(packet >> 48);
            return s;
        }

        public ulong ToPacket() =>
            RequestType | (ulong)Request << 8 | (ulong)Value << 16 | (ulong)Index << 32 | (ulong)Length << 48;
    }
}
