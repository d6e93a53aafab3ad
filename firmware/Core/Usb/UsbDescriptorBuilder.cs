namespace ChargePoint.Core.Usb
{
    // Boot only: writes descriptors field by field (multi-byte fields little-endian, USB 2.0 8.1)
    // into an array sized up front. Writes past the end are dropped and flagged in Overflowed, so
    // a too small array shows up as a failed registration instead of a fault.
    public sealed class UsbDescriptorBuilder
    {
        private readonly byte[] _bytes;
        private int _length;
        private bool _overflowed;

        public UsbDescriptorBuilder(int capacity)
        {
            _bytes = new byte[capacity];
        }

        public int Length => _length;
        public bool Overflowed => _overflowed;
        public byte[] Bytes => _bytes;

        public void Byte(int value)
        {
            if (_length == _bytes.Length)
            {
                _overflowed = true;
                return;
            }
            _bytes[_length++] = (byte)value;
        }

        public void Word(int value)
        {
            Byte(value);
            Byte(value >> 8);
        }

        // USB 2.0 9.6.5, table 9-12.
        public void Interface(int number, int endpoints, int interfaceClass, int subClass, int protocol)
        {
            Byte(9);
            Byte(UsbDescriptorType.Interface);
            Byte(number);
            Byte(0); // bAlternateSetting
            Byte(endpoints);
            Byte(interfaceClass);
            Byte(subClass);
            Byte(protocol);
            Byte(0); // iInterface: no string
        }

        // USB 2.0 9.6.6, table 9-13. bInterval: 0 for bulk; for interrupt endpoints frames (full
        // speed) or 2^(bInterval-1) microframes (high speed).
        public void Endpoint(byte address, UsbEndpointType type, int maxPacketSize, int interval)
        {
            Byte(7);
            Byte(UsbDescriptorType.Endpoint);
            Byte(address);
            Byte((int)type);
            Word(maxPacketSize);
            Byte(interval);
        }
    }
}
