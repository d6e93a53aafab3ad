using System;
using ChargePoint.Core.Scheduling;

namespace ChargePoint.Core.Usb
{
    // The USB device core (USB 2.0 chapter 9): device states, the control pipe on EP0, the standard
    // requests and the descriptors, over an IUsbPort. One configuration (value 1) made of the
    // functions registered at boot (AddFunction), each with a high-speed and a full-speed set of
    // interface descriptors; the device reports itself high-speed capable (device qualifier and
    // other-speed configuration are answered at both speeds).
    //
    // The function (e.g. CdcAcm) owns the task: it calls Poll, which takes the port's events,
    // handles everything of chapter 9 itself and hands the function only what is its own (its
    // class requests, its endpoints' completions, configuration changes). Calls go one way:
    // function -> UsbDevice -> IUsbPort.
    //
    // Not supported (answered with STALL, the request error of USB 2.0 9.2.7): SET_DESCRIPTOR,
    // SYNCH_FRAME, remote wakeup, TEST_MODE, alternate settings other than 0, control OUT data
    // stages longer than MaxControlOutLength. Every descriptor is built at boot; a request copies
    // the bytes into the EP0 buffer and sends at most wLength of them.
    public sealed class UsbDevice
    {
        // pid.codes' vendor id with its test PID 0x0001: fine on a bench, but a product that ships
        // needs a PID of its own (assigned by pid.codes or under another vendor id).
        public const ushort VendorId = 0x1209;
        public const ushort ProductId = 0x0001;
        public const ushort DeviceRelease = 0x0100; // bcdDevice 1.00

        public const int ControlPacketSize = 64;    // bMaxPacketSize0: the only EP0 size at high speed (USB 2.0 5.5.3)
        public const int MaxControlOutLength = 64;  // host-to-device data a class request may carry
        public const byte ConfigurationValue = 1;

        public const byte ManufacturerString = 1;
        public const byte ProductString = 2;
        public const byte SerialNumberString = 3;

        private const int ControlBufferSize = 256;  // the longest descriptor this device sends
        private const int MaxEndpoints = 8;         // function endpoints, EP0 not counted
        private const int MaxStringCharacters = 126; // bLength is one byte: 2 + 2 * 126 = 254

        // USB 2.0 table 9-4, bRequest.
        private const byte GetStatus = 0;
        private const byte ClearFeature = 1;
        private const byte SetFeature = 3;
        private const byte SetAddressRequest = 5;
        private const byte GetDescriptor = 6;
        private const byte GetConfiguration = 8;
        private const byte SetConfiguration = 9;
        private const byte GetInterface = 10;
        private const byte SetInterface = 11;

        private const ushort EndpointHalt = 0; // USB 2.0 table 9-6 feature selectors

        // Configuration bmAttributes (USB 2.0 9.6.3): bit 7 reserved (1), bit 6 self-powered, no
        // remote wakeup; bMaxPower in 2 mA units.
        private const byte ConfigurationAttributes = 0xC0;
        private const byte MaxPower = 50; // 100 mA

        private enum ControlStage : byte
        {
            Idle,      // waiting for a SETUP
            DataIn,    // sending the data stage packet by packet
            StatusOut, // the host's zero-length OUT ends an IN data stage
            DataOut,   // receiving a class request's data
            StatusIn,  // our zero-length IN ends a request without an IN data stage
        }

        private readonly IUsbPort _port;

        private readonly byte[] _deviceDescriptor;
        private readonly byte[] _qualifier;
        private readonly byte[][] _strings;
        private byte[] _configHigh;
        private byte[] _configFull;
        private byte[] _functionsHigh = new byte[0];
        private byte[] _functionsFull = new byte[0];
        private int _interfaceCount;

        // The function endpoints found in the registered descriptors, in order.
        private readonly byte[] _endpointAddress = new byte[MaxEndpoints];
        private readonly UsbEndpointType[] _endpointType = new UsbEndpointType[MaxEndpoints];
        private readonly ushort[] _endpointSizeHigh = new ushort[MaxEndpoints];
        private readonly ushort[] _endpointSizeFull = new ushort[MaxEndpoints];
        private readonly byte[] _endpointInterface = new byte[MaxEndpoints];
        private int _endpointCount;

        private readonly byte[] _controlIn = new byte[ControlBufferSize];
        private readonly byte[] _controlOut = new byte[MaxControlOutLength];

        private UsbDeviceState _state;
        private UsbSpeed _speed;
        private bool _suspended;
        private bool _started;
        private byte _address;
        private byte _configuration;
        private uint _halted; // bit n: OUT endpoint n halted, bit 16 + n: IN endpoint n

        private ControlStage _stage;
        private UsbSetup _setup;
        private int _inTotal;
        private int _inSent;
        private int _inChunk;
        private int _controlOutLength;
        private bool _awaitingFunction;

        private uint _resets;
        private uint _setups;
        private uint _stalls;

        // uniqueId: the chip's unique id as the board reads it (12 bytes on the STM32F7), sent as
        // the serial number: two uppercase hex digits per byte, in the order given. manufacturer
        // and product: ASCII, at most 126 characters (longer is cut).
        public UsbDevice(IUsbPort port, ReadOnlySpan<byte> uniqueId, ReadOnlySpan<byte> manufacturer, ReadOnlySpan<byte> product)
        {
            _port = port;

            // USB 2.0 9.6.1, table 9-8. Class EF/02/01 ("Miscellaneous, Interface Association"):
            // the host reads the functions from their IADs (IAD ECN, "Use of class codes").
            var device = new UsbDescriptorBuilder(18);
            device.Byte(18);
            device.Byte(UsbDescriptorType.Device);
            device.Word(0x0200); // bcdUSB 2.0
            device.Byte(0xEF);
            device.Byte(0x02);
            device.Byte(0x01);
            device.Byte(ControlPacketSize);
            device.Word(VendorId);
            device.Word(ProductId);
            device.Word(DeviceRelease);
            device.Byte(ManufacturerString);
            device.Byte(ProductString);
            device.Byte(SerialNumberString);
            device.Byte(1); // bNumConfigurations
            _deviceDescriptor = device.Bytes;

            // USB 2.0 9.6.2, table 9-9: the fields of the device descriptor that would differ at the
            // other speed (none do here).
            var qualifier = new UsbDescriptorBuilder(10);
            qualifier.Byte(10);
            qualifier.Byte(UsbDescriptorType.DeviceQualifier);
            qualifier.Word(0x0200);
            qualifier.Byte(0xEF);
            qualifier.Byte(0x02);
            qualifier.Byte(0x01);
            qualifier.Byte(ControlPacketSize);
            qualifier.Byte(1); // bNumConfigurations
            qualifier.Byte(0); // bReserved
            _qualifier = qualifier.Bytes;

            // USB 2.0 9.6.7: string 0 lists the languages (0x0409 English, United States).
            _strings = new byte[4][];
            // (Filled element by element: an array initializer needs RuntimeHelpers.InitializeArray,
            // which runtime/ does not have.)
            var languages = new byte[4];
            languages[0] = 4;
            languages[1] = UsbDescriptorType.String;
            languages[2] = 0x09;
            languages[3] = 0x04;
            _strings[0] = languages;
            _strings[ManufacturerString] = AsciiString(manufacturer);
            _strings[ProductString] = AsciiString(product);
            _strings[SerialNumberString] = HexString(uniqueId);

            BuildConfigurations();
        }

        public UsbDeviceState State => _state;
        public UsbSpeed Speed => _speed;
        public bool IsSuspended => _suspended;
        public bool IsConfigured => _state == UsbDeviceState.Configured;
        public byte Address => _address;
        public int InterfaceCount => _interfaceCount;
        public uint BusResets => _resets;
        public uint SetupsReceived => _setups;
        public uint RequestsStalled => _stalls;
        public uint EventOverflows => _port.EventOverflows;

        // Boot only, before Start: appends a function's descriptors (interface association,
        // interfaces, class descriptors, endpoints) for both speeds, numbering its interfaces from
        // InterfaceCount. Both sets must list the same endpoints in the same order. False (nothing
        // added) when the configuration would outgrow the EP0 buffer or the endpoint table.
        public bool AddFunction(ReadOnlySpan<byte> highSpeed, ReadOnlySpan<byte> fullSpeed, int interfaces)
        {
            if (_started) return false;
            if (9 + _functionsHigh.Length + highSpeed.Length > ControlBufferSize) return false;
            if (9 + _functionsFull.Length + fullSpeed.Length > ControlBufferSize) return false;

            if (!SameEndpointOrder(highSpeed, fullSpeed)) return false;
            int highCount = ReadEndpoints(highSpeed, _endpointCount, true);
            if (highCount < 0) return false;
            ReadEndpoints(fullSpeed, _endpointCount, false);
            _endpointCount = highCount;

            _functionsHigh = Append(_functionsHigh, highSpeed);
            _functionsFull = Append(_functionsFull, fullSpeed);
            _interfaceCount += interfaces;
            BuildConfigurations();
            return true;
        }

        // Boot: starts the port (its task signal goes to taskId) and connects to the bus.
        public void Start(Scheduler scheduler, int taskId)
        {
            _started = true;
            _port.Start(scheduler, taskId);
            _port.Connect();
        }

        // Task context. Takes the port's events, handles chapter 9 itself, and returns true with
        // the next event that is the function's. Call it until it returns false.
        public bool Poll(out UsbDeviceEvent e)
        {
            e = default;
            if (_awaitingFunction)
            {
                _awaitingFunction = false; // the function did not answer its request
                StallControl();
            }
            while (_port.TryTakeEvent(out UsbEvent portEvent))
            {
                if (Handle(ref portEvent, ref e)) return true;
            }
            return false;
        }

        // The data of the host-to-device request just handed out by Poll.
        public ReadOnlySpan<byte> ControlData => new ReadOnlySpan<byte>(_controlOut, 0, _controlOutLength);

        // Answers to a Request event (false when no request waits for one or it does not fit).
        // Reply: the data stage of a device-to-host request, cut to wLength.
        public bool ControlReply(ReadOnlySpan<byte> data)
        {
            if (!_awaitingFunction || !_setup.IsDeviceToHost) return false;
            _awaitingFunction = false;
            SendControl(data);
            return true;
        }

        // Acknowledge: the status stage of a request without a data stage to send.
        public bool ControlAcknowledge()
        {
            if (!_awaitingFunction || (_setup.IsDeviceToHost && _setup.Length > 0)) return false;
            _awaitingFunction = false;
            SendStatus();
            return true;
        }

        public bool ControlStall()
        {
            if (!_awaitingFunction) return false;
            _awaitingFunction = false;
            StallControl();
            return true;
        }

        // Transfers on the function's endpoints, only while configured (IUsbPort has the rules).
        public bool StartIn(byte endpoint, byte[] buffer, int offset, int length) =>
            IsConfigured && (endpoint & 0x0F) != 0 && _port.StartIn(endpoint, buffer, offset, length);

        public bool ArmOut(byte endpoint, byte[] buffer, int offset, int length) =>
            IsConfigured && (endpoint & 0x0F) != 0 && _port.ArmOut(endpoint, buffer, offset, length);

        // The endpoint's wMaxPacketSize at the current speed; 0 for an endpoint of no function.
        public int MaxPacketSize(byte endpoint)
        {
            int i = FindEndpoint(endpoint);
            if (i < 0) return 0;
            return _speed == UsbSpeed.High ? _endpointSizeHigh[i] : _endpointSizeFull[i];
        }

        public bool IsHalted(byte endpoint) => (_halted & HaltBit(endpoint)) != 0;

        private bool Handle(ref UsbEvent portEvent, ref UsbDeviceEvent e)
        {
            switch (portEvent.Kind)
            {
                case UsbEventKind.BusReset:
                {
                    // USB 2.0 9.1.1: a reset leads to Default, address 0, unconfigured.
                    bool was = Deconfigure();
                    _state = UsbDeviceState.Default;
                    _address = 0;
                    _suspended = false;
                    _stage = ControlStage.Idle;
                    _awaitingFunction = false;
                    _resets++;
                    e.Kind = UsbDeviceEventKind.Deconfigured;
                    return was;
                }
                case UsbEventKind.EnumerationDone:
                    _speed = portEvent.Speed;
                    if (_state == UsbDeviceState.Powered) _state = UsbDeviceState.Default;
                    return false;
                case UsbEventKind.Suspend:
                    _suspended = true;
                    return false;
                case UsbEventKind.Resume:
                    _suspended = false;
                    return false;
                case UsbEventKind.Disconnect:
                {
                    bool was = Deconfigure();
                    _state = UsbDeviceState.Powered;
                    _speed = UsbSpeed.Unknown;
                    _address = 0;
                    _suspended = false;
                    _stage = ControlStage.Idle;
                    _awaitingFunction = false;
                    e.Kind = UsbDeviceEventKind.Deconfigured;
                    return was;
                }
                case UsbEventKind.Setup:
                    return HandleSetup(UsbSetup.FromPacket(portEvent.Setup), ref e);
                case UsbEventKind.InComplete:
                    if ((portEvent.Endpoint & 0x0F) == 0)
                    {
                        ControlInComplete();
                        return false;
                    }
                    if (!IsConfigured) return false;
                    e.Kind = UsbDeviceEventKind.InComplete;
                    e.Endpoint = portEvent.Endpoint;
                    return true;
                case UsbEventKind.OutComplete:
                    if ((portEvent.Endpoint & 0x0F) == 0) return ControlOutComplete(portEvent.Length, ref e);
                    if (!IsConfigured) return false;
                    e.Kind = UsbDeviceEventKind.OutComplete;
                    e.Endpoint = portEvent.Endpoint;
                    e.Length = portEvent.Length;
                    return true;
                default:
                    return false;
            }
        }

        // USB 2.0 8.5.3: a SETUP starts a new control transfer, whatever the last one was doing.
        private bool HandleSetup(UsbSetup setup, ref UsbDeviceEvent e)
        {
            _setups++;
            _setup = setup;
            _stage = ControlStage.Idle;
            _awaitingFunction = false;
            _controlOutLength = 0;

            if (setup.Type == UsbSetup.TypeStandard) return HandleStandard(setup, ref e);

            // Class and vendor requests belong to the function, and only once it is configured.
            if (!IsConfigured || setup.Recipient == UsbSetup.RecipientDevice)
            {
                StallControl();
                return false;
            }
            if (!setup.IsDeviceToHost && setup.Length > 0)
            {
                if (setup.Length > MaxControlOutLength)
                {
                    StallControl();
                    return false;
                }
                _stage = ControlStage.DataOut;
                _port.ArmOut(0x00, _controlOut, 0, ControlPacketSize);
                return false;
            }
            return HandToFunction(ref e);
        }

        private bool HandToFunction(ref UsbDeviceEvent e)
        {
            _awaitingFunction = true;
            e.Kind = UsbDeviceEventKind.Request;
            e.Request = _setup;
            return true;
        }

        private bool HandleStandard(UsbSetup s, ref UsbDeviceEvent e)
        {
            bool configured = IsConfigured;
            bool addressed = _state == UsbDeviceState.Address || configured;
            switch (s.Request)
            {
                case GetDescriptor:
                    if (s.IsDeviceToHost && s.Recipient == UsbSetup.RecipientDevice && SendDescriptor(s)) return false;
                    break;

                case SetAddressRequest:
                    // USB 2.0 9.4.6: from Default or Address; the port applies it after our status stage.
                    if (s.RequestType != 0x00 || s.Value > 127 || s.Index != 0 || s.Length != 0 || configured) break;
                    _address = (byte)s.Value;
                    _port.SetAddress(_address);
                    _state = _address == 0 ? UsbDeviceState.Default : UsbDeviceState.Address;
                    SendStatus();
                    return false;

                case GetConfiguration:
                    if (s.RequestType != 0x80 || !addressed) break;
                    _controlIn[0] = _configuration;
                    SendControlBuffer(1);
                    return false;

                case SetConfiguration:
                    if (s.RequestType != 0x00 || !addressed || s.Length != 0) break;
                    if (s.Value == 0)
                    {
                        bool was = Deconfigure();
                        SendStatus();
                        e.Kind = UsbDeviceEventKind.Deconfigured;
                        return was;
                    }
                    if (s.Value != ConfigurationValue || !Configure()) break;
                    SendStatus();
                    e.Kind = UsbDeviceEventKind.Configured;
                    return true;

                case GetStatus:
                    if (!s.IsDeviceToHost || s.Value != 0 || s.Length != 2 || !addressed) break;
                    if (!StatusOf(s, out byte status)) break;
                    _controlIn[0] = status;
                    _controlIn[1] = 0;
                    SendControlBuffer(2);
                    return false;

                case ClearFeature:
                case SetFeature:
                    // USB 2.0 9.4.1 / 9.4.9: only ENDPOINT_HALT is a feature here.
                    if (s.IsDeviceToHost || s.Length != 0 || !addressed) break;
                    if (s.Recipient != UsbSetup.RecipientEndpoint || s.Value != EndpointHalt) break;
                    if (!Halt((byte)s.Index, s.Request == SetFeature)) break;
                    SendStatus();
                    return false;

                case GetInterface:
                    if (s.RequestType != 0x81 || !configured || s.Index >= _interfaceCount || s.Length != 1) break;
                    _controlIn[0] = 0;
                    SendControlBuffer(1);
                    return false;

                case SetInterface:
                    // USB 2.0 9.4.10: only alternate setting 0 exists; selecting it resets the data
                    // toggles of the interface's endpoints (and ends their halts).
                    if (s.RequestType != 0x01 || !configured || s.Index >= _interfaceCount || s.Value != 0 || s.Length != 0) break;
                    for (int i = 0; i < _endpointCount; i++)
                    {
                        if (_endpointInterface[i] != s.Index) continue;
                        _port.ClearStall(_endpointAddress[i]);
                        _halted &= ~HaltBit(_endpointAddress[i]);
                    }
                    SendStatus();
                    return false;
            }
            StallControl();
            return false;
        }

        // USB 2.0 9.4.5: device (self-powered, no remote wakeup), interface (zero), endpoint (halt).
        private bool StatusOf(UsbSetup s, out byte status)
        {
            status = 0;
            switch (s.Recipient)
            {
                case UsbSetup.RecipientDevice:
                    if (s.Index != 0) return false;
                    status = 1; // self-powered, as bmAttributes says
                    return true;
                case UsbSetup.RecipientInterface:
                    return IsConfigured && s.Index < _interfaceCount;
                case UsbSetup.RecipientEndpoint:
                    if (!EndpointExists((byte)s.Index)) return false;
                    status = IsHalted((byte)s.Index) ? (byte)1 : (byte)0;
                    return true;
                default:
                    return false;
            }
        }

        private bool Halt(byte endpoint, bool set)
        {
            if (!EndpointExists(endpoint)) return false;
            if ((endpoint & 0x0F) == 0) return true; // EP0 halts only as a protocol stall
            if (set)
            {
                _port.Stall(endpoint);
                _halted |= HaltBit(endpoint);
            }
            else
            {
                _port.ClearStall(endpoint);
                _halted &= ~HaltBit(endpoint);
            }
            return true;
        }

        // EP0 always; a function endpoint once configured (USB 2.0 9.4: in the Address state only
        // EP0 may be named).
        private bool EndpointExists(byte endpoint)
        {
            if ((endpoint & 0x70) != 0) return false;
            if ((endpoint & 0x0F) == 0) return true;
            return IsConfigured && FindEndpoint(endpoint) >= 0;
        }

        private int FindEndpoint(byte endpoint)
        {
            for (int i = 0; i < _endpointCount; i++)
            {
                if (_endpointAddress[i] == endpoint) return i;
            }
            return -1;
        }

        private static uint HaltBit(byte endpoint) => 1u << ((endpoint & 0x0F) + ((endpoint & 0x80) != 0 ? 16 : 0));

        private bool Configure()
        {
            Deconfigure();
            bool high = _speed == UsbSpeed.High;
            for (int i = 0; i < _endpointCount; i++)
            {
                int size = high ? _endpointSizeHigh[i] : _endpointSizeFull[i];
                if (_port.OpenEndpoint(_endpointAddress[i], _endpointType[i], size)) continue;
                for (int j = 0; j < i; j++) _port.CloseEndpoint(_endpointAddress[j]);
                return false;
            }
            _configuration = ConfigurationValue;
            _state = UsbDeviceState.Configured;
            return true;
        }

        // True when the device was configured.
        private bool Deconfigure()
        {
            if (_configuration == 0) return false;
            for (int i = 0; i < _endpointCount; i++) _port.CloseEndpoint(_endpointAddress[i]);
            _configuration = 0;
            _halted = 0;
            if (_state == UsbDeviceState.Configured) _state = UsbDeviceState.Address;
            return true;
        }

        // USB 2.0 9.4.3: device, configuration, string, device qualifier, other-speed configuration.
        private bool SendDescriptor(UsbSetup s)
        {
            int type = s.Value >> 8;
            int index = s.Value & 0xFF;
            bool high = _speed == UsbSpeed.High;
            switch (type)
            {
                case UsbDescriptorType.Device:
                    if (index != 0) return false;
                    SendControl(_deviceDescriptor);
                    return true;
                case UsbDescriptorType.Configuration:
                    if (index != 0) return false;
                    SendControl(high ? _configHigh : _configFull);
                    return true;
                case UsbDescriptorType.OtherSpeedConfiguration:
                    // USB 2.0 9.6.4: the configuration the device would have at the other speed,
                    // with its own descriptor type.
                    if (index != 0) return false;
                    SendControl(high ? _configFull : _configHigh);
                    if (s.Length > 1) _controlIn[1] = UsbDescriptorType.OtherSpeedConfiguration;
                    return true;
                case UsbDescriptorType.DeviceQualifier:
                    if (index != 0) return false;
                    SendControl(_qualifier);
                    return true;
                case UsbDescriptorType.String:
                    if (index >= _strings.Length) return false;
                    SendControl(_strings[index]); // any language id gets the one language there is
                    return true;
                default:
                    return false;
            }
        }

        private void SendControl(ReadOnlySpan<byte> data)
        {
            int length = data.Length < _controlIn.Length ? data.Length : _controlIn.Length;
            if (length > _setup.Length) length = _setup.Length;
            data.Slice(0, length).CopyTo(new Span<byte>(_controlIn, 0, length));
            SendControlBuffer(length);
        }

        // Starts the IN data stage of _controlIn[0 .. length) (already cut to wLength). A request
        // with wLength 0 has no data stage: it goes straight to the status stage.
        private void SendControlBuffer(int length)
        {
            if (length > _setup.Length) length = _setup.Length;
            if (_setup.Length == 0)
            {
                SendStatus();
                return;
            }
            _stage = ControlStage.DataIn;
            _inTotal = length;
            _inSent = 0;
            SendControlPacket();
        }

        private void SendControlPacket()
        {
            int left = _inTotal - _inSent;
            _inChunk = left < ControlPacketSize ? left : ControlPacketSize;
            _port.StartIn(0x80, _controlIn, _inSent, _inChunk);
        }

        // USB 2.0 8.5.3.2: the data stage ends with a short packet, or with a full one when that
        // reaches wLength; data that ends on a packet boundary short of wLength gets a
        // zero-length packet.
        private void ControlInComplete()
        {
            if (_stage == ControlStage.StatusIn)
            {
                _stage = ControlStage.Idle;
                return;
            }
            if (_stage != ControlStage.DataIn) return; // stale: the host moved on
            _inSent += _inChunk;
            bool full = _inChunk == ControlPacketSize;
            if (_inSent < _inTotal || (full && _inSent < _setup.Length))
            {
                SendControlPacket();
                return;
            }
            _stage = ControlStage.StatusOut;
            _port.ArmOut(0x00, _controlOut, 0, ControlPacketSize);
        }

        private bool ControlOutComplete(int length, ref UsbDeviceEvent e)
        {
            if (_stage == ControlStage.StatusOut)
            {
                _stage = ControlStage.Idle;
                return false;
            }
            if (_stage != ControlStage.DataOut) return false;
            _stage = ControlStage.Idle;
            _controlOutLength = length < _controlOut.Length ? length : _controlOut.Length;
            if (_controlOutLength != _setup.Length)
            {
                StallControl();
                return false;
            }
            return HandToFunction(ref e);
        }

        private void SendStatus()
        {
            _stage = ControlStage.StatusIn;
            _port.StartIn(0x80, _controlIn, 0, 0);
        }

        private void StallControl()
        {
            _stage = ControlStage.Idle;
            _stalls++;
            _port.Stall(0x80);
        }

        // USB 2.0 9.6.3: the configuration descriptor followed by every function's descriptors.
        private void BuildConfigurations()
        {
            _configHigh = Configuration(_functionsHigh);
            _configFull = Configuration(_functionsFull);
        }

        private byte[] Configuration(byte[] functions)
        {
            int total = 9 + functions.Length;
            var config = new UsbDescriptorBuilder(total);
            config.Byte(9);
            config.Byte(UsbDescriptorType.Configuration);
            config.Word(total);
            config.Byte(_interfaceCount);
            config.Byte(ConfigurationValue);
            config.Byte(0); // iConfiguration
            config.Byte(ConfigurationAttributes);
            config.Byte(MaxPower);
            for (int i = 0; i < functions.Length; i++) config.Byte(functions[i]);
            return config.Bytes;
        }

        // Reads the endpoint descriptors of one function's set into the table from `first`;
        // returns the new endpoint count, or -1 for a malformed set or a full table.
        private int ReadEndpoints(ReadOnlySpan<byte> descriptors, int first, bool high)
        {
            int count = first;
            int at = 0;
            byte currentInterface = 0;
            while (at < descriptors.Length)
            {
                int length = descriptors[at];
                if (length < 2 || at + length > descriptors.Length) return -1;
                byte type = descriptors[at + 1];
                if (type == UsbDescriptorType.Interface && length >= 9)
                {
                    currentInterface = descriptors[at + 2];
                }
                else if (type == UsbDescriptorType.Endpoint && length >= 7)
                {
                    if (count == MaxEndpoints) return -1;
                    byte address = descriptors[at + 2];
                    ushort size = (ushort)((descriptors[at + 4] | descriptors[at + 5] << 8) & 0x7FF);
                    if (high)
                    {
                        _endpointAddress[count] = address;
                        _endpointType[count] = (UsbEndpointType)(descriptors[at + 3] & 3);
                        _endpointInterface[count] = currentInterface;
                        _endpointSizeHigh[count] = size;
                    }
                    else
                    {
                        _endpointSizeFull[count] = size;
                    }
                    count++;
                }
                at += length;
            }
            return count;
        }

        // Both sets name the same endpoint addresses in the same order.
        private static bool SameEndpointOrder(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
        {
            int i = 0, j = 0;
            while (true)
            {
                i = NextEndpoint(a, i);
                j = NextEndpoint(b, j);
                if (i < 0 || j < 0) return i < 0 && j < 0;
                if (a[i + 2] != b[j + 2] || (a[i + 3] & 3) != (b[j + 3] & 3)) return false;
                i += a[i];
                j += b[j];
            }
        }

        private static int NextEndpoint(ReadOnlySpan<byte> d, int at)
        {
            while (at + 1 < d.Length && d[at] >= 2)
            {
                if (d[at + 1] == UsbDescriptorType.Endpoint && d[at] >= 7 && at + 7 <= d.Length) return at;
                at += d[at];
            }
            return -1;
        }

        private static byte[] Append(byte[] head, ReadOnlySpan<byte> tail)
        {
            var joined = new byte[head.Length + tail.Length];
            new ReadOnlySpan<byte>(head).CopyTo(new Span<byte>(joined, 0, head.Length));
            tail.CopyTo(new Span<byte>(joined, head.Length, tail.Length));
            return joined;
        }

        // USB 2.0 9.6.7: UNICODE (UTF-16LE) text, no terminator; ASCII maps one to one.
        private static byte[] AsciiString(ReadOnlySpan<byte> text)
        {
            int count = text.Length < MaxStringCharacters ? text.Length : MaxStringCharacters;
            var d = new byte[2 + 2 * count];
            d[0] = (byte)d.Length;
            d[1] = UsbDescriptorType.String;
            for (int i = 0; i < count; i++) d[2 + 2 * i] = (byte)(text[i] & 0x7F);
            return d;
        }

        private static byte[] HexString(ReadOnlySpan<byte> id)
        {
            int count = id.Length < MaxStringCharacters / 2 ? id.Length : MaxStringCharacters / 2;
            var d = new byte[2 + 4 * count];
            d[0] = (byte)d.Length;
            d[1] = UsbDescriptorType.String;
            for (int i = 0; i < count; i++)
            {
                d[2 + 4 * i] = HexDigit(id[i] >> 4);
                d[4 + 4 * i] = HexDigit(id[i] & 0xF);
            }
            return d;
        }

        private static byte HexDigit(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
    }
}
