using System;
using System.Collections.Generic;
using ChargePoint.Core.Scheduling;
using ChargePoint.Core.Usb;

namespace ChargePoint.Tests.Core.Usb
{
    // IUsbPort as the host tests see it: it records what the device core asks of the controller
    // and plays the host's side of the bus (resets, SETUPs, taking IN data, sending OUT data),
    // keeping the contract written in IUsbPort.cs (a SETUP abandons EP0 transfers and clears its
    // stall, a reset closes the function endpoints, ...). Broken rules are collected in Violations.
    // Nothing allocates once built unless RecordCalls is on.
    public sealed class FakeUsbPort : IUsbPort
    {
        private const int Endpoints = 32; // index: number, +16 for IN

        private readonly UsbEvent[] _queue = new UsbEvent[64];
        private int _head;
        private int _tail;
        private uint _overflows;
        private Scheduler _scheduler;
        private int _taskId = -1;

        private readonly bool[] _open = new bool[Endpoints];
        private readonly UsbEndpointType[] _type = new UsbEndpointType[Endpoints];
        private readonly int[] _maxPacket = new int[Endpoints];
        private readonly bool[] _stalled = new bool[Endpoints];
        private readonly int[] _toggleResets = new int[Endpoints];
        private readonly bool[] _busy = new bool[Endpoints];
        private readonly byte[][] _buffer = new byte[Endpoints][];
        private readonly int[] _offset = new int[Endpoints];
        private readonly int[] _length = new int[Endpoints];
        private readonly int[] _transfers = new int[Endpoints];

        // Lengths of the transfers started on one IN endpoint, in order (for the ZLP tests).
        private readonly int[] _inLog = new int[4096];
        private int _inLogCount;
        private byte _inLogEndpoint = 0x81;

        public readonly List<string> Violations = new List<string>();
        public readonly List<string> Calls = new List<string>();
        public bool RecordCalls = true;

        public bool Started { get; private set; }
        public bool Connected { get; private set; }
        public byte Address { get; private set; }
        public int SetAddressCalls { get; private set; }
        public int Misaligned { get; private set; }
        public uint EventOverflows => _overflows;

        private static int Index(byte address) => (address & 0x0F) + ((address & 0x80) != 0 ? 16 : 0);

        public bool IsOpen(byte address) => _open[Index(address)];
        public UsbEndpointType TypeOf(byte address) => _type[Index(address)];
        public int MaxPacketOf(byte address) => _maxPacket[Index(address)];
        public bool IsStalled(byte address) => _stalled[Index(address)];
        public int ToggleResetsOf(byte address) => _toggleResets[Index(address)];
        public bool IsBusy(byte address) => _busy[Index(address)];
        public int PendingLength(byte address) => _length[Index(address)];
        public int TransfersOn(byte address) => _transfers[Index(address)];
        public bool Ep0Stalled => _stalled[0] || _stalled[16];

        public void LogInTransfersOf(byte address)
        {
            _inLogEndpoint = address;
            _inLogCount = 0;
        }

        public ReadOnlySpan<int> InTransferLengths => new ReadOnlySpan<int>(_inLog, 0, _inLogCount);

        private void Record(string call)
        {
            if (RecordCalls) Calls.Add(call);
        }

        private void Violation(string what)
        {
            Violations.Add(what);
        }

        // ---- IUsbPort ----

        public void Start(Scheduler scheduler, int taskId)
        {
            _scheduler = scheduler;
            _taskId = taskId;
            Started = true;
            _open[0] = _open[16] = true;
            _maxPacket[0] = _maxPacket[16] = 64;
            if (RecordCalls) Record("Start");
        }

        public void Connect()
        {
            Connected = true;
            if (RecordCalls) Record("Connect");
        }

        public void Disconnect()
        {
            Connected = false;
            if (RecordCalls) Record("Disconnect");
        }

        public bool TryTakeEvent(out UsbEvent e)
        {
            if (_head == _tail)
            {
                e = default;
                return false;
            }
            e = _queue[_tail % _queue.Length];
            _tail++;
            return true;
        }

        public void SetAddress(byte address)
        {
            Address = address;
            SetAddressCalls++;
            if (RecordCalls) Record("SetAddress " + address);
        }

        public bool OpenEndpoint(byte address, UsbEndpointType type, int maxPacketSize)
        {
            if (RecordCalls) Record("Open " + address.ToString("X2") + " " + type + " " + maxPacketSize);
            int i = Index(address);
            if ((address & 0x0F) == 0) Violation("OpenEndpoint on EP0");
            if ((address & 0x0F) > 3) return false;
            if (_open[i]) Violation($"OpenEndpoint {address:X2} while open");
            _open[i] = true;
            _type[i] = type;
            _maxPacket[i] = maxPacketSize;
            _stalled[i] = false;
            _busy[i] = false;
            _toggleResets[i]++;
            return true;
        }

        public void CloseEndpoint(byte address)
        {
            if (RecordCalls) Record("Close " + address.ToString("X2"));
            int i = Index(address);
            _open[i] = false;
            _busy[i] = false;
        }

        public void Stall(byte address)
        {
            if (RecordCalls) Record("Stall " + address.ToString("X2"));
            int i = Index(address);
            if ((address & 0x0F) == 0)
            {
                _stalled[0] = _stalled[16] = true;
                return;
            }
            _stalled[i] = true;
        }

        public void ClearStall(byte address)
        {
            if (RecordCalls) Record("ClearStall " + address.ToString("X2"));
            int i = Index(address);
            _stalled[i] = false;
            _toggleResets[i]++;
        }

        public bool StartIn(byte address, byte[] buffer, int offset, int length)
        {
            if (RecordCalls) Record("In " + address.ToString("X2") + " " + length);
            int i = Index(address);
            if ((address & 0x80) == 0) { Violation($"StartIn on OUT endpoint {address:X2}"); return false; }
            if (!_open[i] || _busy[i]) { Violation($"StartIn {address:X2} open={_open[i]} busy={_busy[i]}"); return false; }
            if ((address & 0x0F) == 0 ? length > 64 : length > 16384) Violation($"StartIn {address:X2} length {length}");
            if (length < 0 || offset < 0 || offset + length > buffer.Length) Violation($"StartIn {address:X2} slice {offset}+{length}");
            if (offset % 4 != 0) Misaligned++;
            _busy[i] = true;
            _buffer[i] = buffer;
            _offset[i] = offset;
            _length[i] = length;
            _transfers[i]++;
            if (address == _inLogEndpoint && _inLogCount < _inLog.Length) _inLog[_inLogCount++] = length;
            return true;
        }

        public bool ArmOut(byte address, byte[] buffer, int offset, int length)
        {
            if (RecordCalls) Record("Out " + address.ToString("X2") + " " + length);
            int i = Index(address);
            if ((address & 0x80) != 0) { Violation($"ArmOut on IN endpoint {address:X2}"); return false; }
            if (!_open[i] || _busy[i]) { Violation($"ArmOut {address:X2} open={_open[i]} busy={_busy[i]}"); return false; }
            if (length <= 0 || length % _maxPacket[i] != 0) Violation($"ArmOut {address:X2} length {length} (max packet {_maxPacket[i]})");
            if (offset < 0 || offset + length > buffer.Length) Violation($"ArmOut {address:X2} slice {offset}+{length}");
            if (offset % 4 != 0) Misaligned++;
            _busy[i] = true;
            _buffer[i] = buffer;
            _offset[i] = offset;
            _length[i] = length;
            _transfers[i]++;
            return true;
        }

        // ---- the host's side of the bus ----

        // What the interrupt handler does: queue the event, wake the task.
        public void Raise(UsbEvent e)
        {
            if (_head - _tail == _queue.Length)
            {
                _overflows++;
                return;
            }
            _queue[_head % _queue.Length] = e;
            _head++;
            if (_scheduler != null) _scheduler.Signal(_taskId);
        }

        public void BusReset(UsbSpeed speed)
        {
            for (int i = 0; i < Endpoints; i++)
            {
                _busy[i] = false;
                _stalled[i] = false;
                if ((i & 0x0F) != 0) _open[i] = false;
            }
            Address = 0;
            Raise(new UsbEvent { Kind = UsbEventKind.BusReset });
            Raise(new UsbEvent { Kind = UsbEventKind.EnumerationDone, Speed = speed });
        }

        public void Setup(ulong packet)
        {
            _busy[0] = _busy[16] = false;
            _stalled[0] = _stalled[16] = false;
            Raise(new UsbEvent { Kind = UsbEventKind.Setup, Setup = packet });
        }

        // The host reads the transfer in flight on an IN endpoint (every packet of it, and the
        // handshakes): its bytes go to `into`, the port reports InComplete. False if none is in flight
        // or the endpoint is stalled.
        public bool TakeIn(byte address, Span<byte> into, out int length)
        {
            int i = Index(address);
            length = 0;
            if (!_busy[i] || _stalled[i]) return false;
            length = _length[i];
            if (length > into.Length) Violation($"IN {address:X2} sent {length} bytes, host asked for {into.Length}");
            int copy = length < into.Length ? length : into.Length;
            new ReadOnlySpan<byte>(_buffer[i], _offset[i], copy).CopyTo(into);
            _busy[i] = false;
            Raise(new UsbEvent { Kind = UsbEventKind.InComplete, Endpoint = address });
            return true;
        }

        // The host sends `data` as one OUT transfer (ending in a short packet, or exactly filling
        // what is armed). False if nothing is armed (the host would see NAKs) or stalled.
        public bool GiveOut(byte address, ReadOnlySpan<byte> data)
        {
            int i = Index(address);
            if (!_busy[i] || _stalled[i]) return false;
            if (data.Length > _length[i]) Violation($"OUT {address:X2} got {data.Length} bytes, {_length[i]} armed");
            int copy = data.Length < _length[i] ? data.Length : _length[i];
            data.Slice(0, copy).CopyTo(new Span<byte>(_buffer[i], _offset[i], copy));
            _busy[i] = false;
            Raise(new UsbEvent { Kind = UsbEventKind.OutComplete, Endpoint = address, Length = copy });
            return true;
        }
    }
}
