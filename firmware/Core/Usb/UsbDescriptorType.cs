namespace ChargePoint.Core.Usb
{
    // bDescriptorType values: USB 2.0 table 9-5, the IAD from the USB 2.0 ECN "Interface
    // Association Descriptors" (table 9-Z), CS_INTERFACE from CDC 1.2 table 12.
    public static class UsbDescriptorType
    {
        public const byte Device = 1;
        public const byte Configuration = 2;
        public const byte String = 3;
        public const byte Interface = 4;
        public const byte Endpoint = 5;
        public const byte DeviceQualifier = 6;
        public const byte OtherSpeedConfiguration = 7;
        public const byte InterfaceAssociation = 11;
        public const byte ClassInterface = 0x24; // CS_INTERFACE
    }
}
