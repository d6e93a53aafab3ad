using System;
using ChargePoint.Core.Scheduling;
using ChargePoint.Core.SessionLog;

namespace ChargePoint.Core.Usb
{
    // A CDC-ACM virtual serial port (CDC 1.2 and its PSTN subclass 1.2, "Abstract Control
    // Model") as a one-way stream to the host: the session log's IStreamPort on the board. It is
    // the USB task: Run takes the device's events (UsbDevice.Poll) and moves data; the port's
    // interrupt handler only records events and signals this task.
    //
    // Transmit: Write copies into one of two transfer buffers made at boot (never blocks, returns
    // what fit); Run hands a filled buffer to the bulk IN endpoint as one transfer, from offset 0
    // so the DMA address is word aligned, while Write fills the other. A transfer whose length is
    // a non-zero multiple of the max packet size is followed by a zero-length packet, so the host
    // sees where it ends (USB 2.0 5.8.3).
    //
    // The port is open while the device is configured and the host holds DTR
    // (SET_CONTROL_LINE_STATE bit 0). When DTR drops, or the device is reset or deconfigured,
    // the bytes not yet handed to the controller are dropped (and counted in DroppedOnClose): the
    // next reader starts with fresh data, the stream's header first. A transfer already handed to
    // the controller cannot be recalled; it reaches the host when it next reads.
    //
    // Receive: the bulk OUT endpoint is re-armed after every transfer and the bytes are counted
    // and dropped (ReceivedBytes): the stream is one-way, but a host that writes must not stall.
    // The notification endpoint is declared (ACM requires it) but never sends: there is no
    // SERIAL_STATE to report.
    public sealed class CdcAcm : ITask, IStreamPort
    {
        public const byte NotificationEndpoint = 0x82;
        public const byte DataInEndpoint = 0x81;
        public const byte DataOutEndpoint = 0x01;

        public const int DefaultTransferBytes = 4096;
        public const int MaxTransferBytes = 16384; // IUsbPort.StartIn's limit

        private const int HighSpeedBulk = 512; // USB 2.0 5.8.3: the only bulk size at high speed
        private const int FullSpeedBulk = 64;  // the largest one at full speed
        private const int NotificationSize = 16;
        private const int HighSpeedNotificationInterval = 8; // 2^(8-1) x 125 us = 16 ms
        private const int FullSpeedNotificationInterval = 16; // 16 ms

        // The ACM requests this function answers (codes: CDC 1.2 6.2; meaning: PSTN 1.2 6.3).
        private const byte SetLineCoding = 0x20;
        private const byte GetLineCoding = 0x21;
        private const byte SetControlLineState = 0x22;
        private const int LineCodingLength = 7;

        public const int DtrBit = 1 << 0; // wValue of SET_CONTROL_LINE_STATE (PSTN 1.2 6.3)
        public const int RtsBit = 1 << 1;

        private const int Slots = 2;

        private readonly UsbDevice _device;
        private readonly byte _controlInterface;
        private readonly byte _dataInterface;
        private readonly bool _registered;

        private readonly byte[] _transmit;   // Slots x _slotSize
        private readonly int _slotSize;
        private readonly int[] _slotLength = new int[Slots];
        private int _sendSlot; // the oldest slot with data (or in flight)
        private int _fillSlot; // where Write appends
        private bool _inFlight;
        private bool _zeroLengthInFlight;
        private int _packetSize = FullSpeedBulk;

        private readonly byte[] _receive = new byte[HighSpeedBulk];
        private readonly byte[] _lineCoding = new byte[LineCodingLength];
        private int _lineState;

        private Scheduler _scheduler;
        private int _taskId = -1;

        private long _bytesSent;
        private long _receivedBytes;
        private long _droppedOnClose;
        private uint _transfers;
        private uint _zeroLengthPackets;

        // Boot: registers the function's descriptors with the device. transferBytes: each of the
        // two transmit buffers, rounded up to a multiple of 512, at most MaxTransferBytes.
        public CdcAcm(UsbDevice device, int transferBytes = DefaultTransferBytes)
        {
            _device = device;
            int size = HighSpeedBulk;
            while (size < transferBytes && size < MaxTransferBytes) size += HighSpeedBulk;
            _slotSize = size;
            _transmit = new byte[Slots * size];

            // The line coding structure of GET/SET_LINE_CODING (PSTN 1.2 6.3): 115200 baud, 1 stop
            // bit, no parity, 8 data bits. It means nothing to a USB stream: kept only to read back.
            _lineCoding[0] = 0x00;
            _lineCoding[1] = 0xC2;
            _lineCoding[2] = 0x01;
            _lineCoding[3] = 0x00;
            _lineCoding[4] = 0;
            _lineCoding[5] = 0;
            _lineCoding[6] = 8;

            _controlInterface = (byte)device.InterfaceCount;
            _dataInterface = (byte)(_controlInterface + 1);
            UsbDescriptorBuilder high = Descriptors(true);
            UsbDescriptorBuilder full = Descriptors(false);
            _registered = !high.Overflowed && !full.Overflowed &&
                device.AddFunction(new ReadOnlySpan<byte>(high.Bytes, 0, high.Length), new ReadOnlySpan<byte>(full.Bytes, 0, full.Length), 2);
        }

        public ReadOnlySpan<byte> Name => "usb"u8;

        // False when the device refused the descriptors (too many functions): nothing will work.
        public bool IsRegistered => _registered;
        public byte ControlInterface => _controlInterface;
        public byte DataInterface => _dataInterface;

        public bool IsOpen => _device.IsConfigured && (_lineState & DtrBit) != 0;
        public int ControlLineState => _lineState;
        public ReadOnlySpan<byte> LineCoding => _lineCoding;
        public int TransferCapacity => _slotSize;

        public long BytesSent => _bytesSent;           // acknowledged by the host
        public long ReceivedBytes => _receivedBytes;   // bulk OUT data, dropped
        public long DroppedOnClose => _droppedOnClose; // buffered when the port closed
        public uint Transfers => _transfers;
        public uint ZeroLengthPackets => _zeroLengthPackets;

        // Bytes waiting to go out (in flight included).
        public int Pending
        {
            get
            {
                int total = 0;
                for (int i = 0; i < Slots; i++) total += _slotLength[i];
                return total;
            }
        }

        // Boot: the task id this object has in the scheduler; starts the device and its port.
        public void Start(Scheduler scheduler, int taskId)
        {
            _scheduler = scheduler;
            _taskId = taskId;
            _device.Start(scheduler, taskId);
        }

        public int Write(ReadOnlySpan<byte> data)
        {
            if (!IsOpen) return 0;
            int taken = 0;
            while (taken < data.Length)
            {
                int slot = _fillSlot;
                bool sending = _inFlight && !_zeroLengthInFlight && slot == _sendSlot;
                int room = sending ? 0 : _slotSize - _slotLength[slot];
                if (room == 0)
                {
                    int next = slot + 1 == Slots ? 0 : slot + 1;
                    if (next == _sendSlot || _slotLength[next] != 0) break; // both buffers taken
                    _fillSlot = next;
                    continue;
                }
                int count = data.Length - taken < room ? data.Length - taken : room;
                data.Slice(taken, count).CopyTo(new Span<byte>(_transmit, slot * _slotSize + _slotLength[slot], count));
                _slotLength[slot] += count;
                taken += count;
            }
            if (taken > 0 && !_inFlight && _scheduler != null) _scheduler.Signal(_taskId);
            return taken;
        }

        public void Run(long nowMilliseconds)
        {
            while (_device.Poll(out UsbDeviceEvent e))
            {
                switch (e.Kind)
                {
                    case UsbDeviceEventKind.Configured:
                        Reset();
                        _packetSize = _device.Speed == UsbSpeed.High ? HighSpeedBulk : FullSpeedBulk;
                        _device.ArmOut(DataOutEndpoint, _receive, 0, _receive.Length);
                        break;
                    case UsbDeviceEventKind.Deconfigured:
                        Reset();
                        break;
                    case UsbDeviceEventKind.Request:
                        Answer(e.Request);
                        break;
                    case UsbDeviceEventKind.InComplete:
                        if (e.Endpoint == DataInEndpoint) Sent();
                        break;
                    case UsbDeviceEventKind.OutComplete:
                        if (e.Endpoint != DataOutEndpoint) break;
                        _receivedBytes += e.Length;
                        _device.ArmOut(DataOutEndpoint, _receive, 0, _receive.Length);
                        break;
                }
            }
            StartTransfer();
        }

        private void StartTransfer()
        {
            if (_inFlight || !_device.IsConfigured) return;
            int length = _slotLength[_sendSlot];
            if (length == 0) return;
            if (_device.StartIn(DataInEndpoint, _transmit, _sendSlot * _slotSize, length)) _inFlight = true;
        }

        private void Sent()
        {
            if (!_inFlight) return; // stale
            if (_zeroLengthInFlight)
            {
                _zeroLengthInFlight = false;
                _inFlight = false;
                _zeroLengthPackets++;
                return;
            }
            int length = _slotLength[_sendSlot];
            _bytesSent += length;
            _transfers++;
            _slotLength[_sendSlot] = 0;
            if (_fillSlot != _sendSlot) _sendSlot = _sendSlot + 1 == Slots ? 0 : _sendSlot + 1;
            _inFlight = false;
            if (length % _packetSize == 0)
            {
                _zeroLengthInFlight = _inFlight = _device.StartIn(DataInEndpoint, _transmit, 0, 0);
            }
        }

        // Drops what is not yet handed to the controller; a data transfer in flight keeps its slot.
        private void DropPending()
        {
            bool dataInFlight = _inFlight && !_zeroLengthInFlight;
            for (int i = 0; i < Slots; i++)
            {
                if (dataInFlight && i == _sendSlot) continue;
                _droppedOnClose += _slotLength[i];
                _slotLength[i] = 0;
            }
            _fillSlot = _sendSlot;
        }

        // The endpoints were closed (or reopened): nothing is in flight any more.
        private void Reset()
        {
            _inFlight = false;
            _zeroLengthInFlight = false;
            DropPending();
            _sendSlot = 0;
            _fillSlot = 0;
            _lineState = 0;
        }

        private void Answer(UsbSetup s)
        {
            if (s.Type != UsbSetup.TypeClass || s.Recipient != UsbSetup.RecipientInterface || s.Index != _controlInterface)
            {
                _device.ControlStall();
                return;
            }
            switch (s.Request)
            {
                case SetLineCoding:
                    if (s.IsDeviceToHost || s.Length != LineCodingLength || _device.ControlData.Length != LineCodingLength) break;
                    _device.ControlData.CopyTo(_lineCoding);
                    _device.ControlAcknowledge();
                    return;
                case GetLineCoding:
                    if (!s.IsDeviceToHost) break;
                    _device.ControlReply(_lineCoding);
                    return;
                case SetControlLineState:
                    if (s.IsDeviceToHost || s.Length != 0) break;
                    bool wasOpen = (_lineState & DtrBit) != 0;
                    _lineState = s.Value & (DtrBit | RtsBit);
                    if (wasOpen && (_lineState & DtrBit) == 0) DropPending();
                    _device.ControlAcknowledge();
                    return;
            }
            _device.ControlStall();
        }

        // The function's descriptors for one speed, in the order CDC 1.2 5.2.3 and the IAD ECN ask:
        // IAD, communication interface with its functional descriptors and notification
        // endpoint, data interface with its two bulk endpoints.
        private UsbDescriptorBuilder Descriptors(bool high)
        {
            var d = new UsbDescriptorBuilder(8 + 9 + 5 + 5 + 4 + 5 + 7 + 9 + 7 + 7);
            int bulk = high ? HighSpeedBulk : FullSpeedBulk;

            // IAD ECN table 9-Z: the two interfaces form one function of class 02/02/01.
            d.Byte(8);
            d.Byte(UsbDescriptorType.InterfaceAssociation);
            d.Byte(_controlInterface); // bFirstInterface
            d.Byte(2);                 // bInterfaceCount
            d.Byte(0x02);
            d.Byte(0x02);
            d.Byte(0x01);
            d.Byte(0);                 // iFunction

            // CDC 1.2 4.2-4.4: Communications Interface Class, Abstract Control Model, AT commands
            // (V.250): the codes Linux and Windows bind their ACM drivers to.
            d.Interface(_controlInterface, 1, 0x02, 0x02, 0x01);

            // CDC 1.2 5.2.3 header functional descriptor: bcdCDC 1.20.
            d.Byte(5);
            d.Byte(UsbDescriptorType.ClassInterface);
            d.Byte(0x00);
            d.Word(0x0120);

            // PSTN 1.2 5.3 call management functional descriptor: no call management by the device; data interface.
            d.Byte(5);
            d.Byte(UsbDescriptorType.ClassInterface);
            d.Byte(0x01);
            d.Byte(0x00);
            d.Byte(_dataInterface);

            // PSTN 1.2 5.3 ACM functional descriptor, bmCapabilities bit 1: Set/Get_Line_Coding, Set_Control_Line_State, Serial_State.
            d.Byte(4);
            d.Byte(UsbDescriptorType.ClassInterface);
            d.Byte(0x02);
            d.Byte(0x02);

            // CDC 1.2 5.2.3 union functional descriptor: the communication interface controls the data interface.
            d.Byte(5);
            d.Byte(UsbDescriptorType.ClassInterface);
            d.Byte(0x06);
            d.Byte(_controlInterface);
            d.Byte(_dataInterface);

            d.Endpoint(NotificationEndpoint, UsbEndpointType.Interrupt, NotificationSize,
                high ? HighSpeedNotificationInterval : FullSpeedNotificationInterval);

            // CDC 1.2 4.5: Data Interface Class, no subclass, no protocol.
            d.Interface(_dataInterface, 2, 0x0A, 0x00, 0x00);
            d.Endpoint(DataOutEndpoint, UsbEndpointType.Bulk, bulk, 0);
            d.Endpoint(DataInEndpoint, UsbEndpointType.Bulk, bulk, 0);
            return d;
        }
    }
}
