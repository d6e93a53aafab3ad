using System;
using ChargePoint.Core.Net;
using ChargePoint.Core.Scheduling;

namespace ChargePoint
{
    // ITcpConnection over one of native/net_glue.c's TCP slots. Made at boot for one owner task;
    // lwIP's callbacks (through LwipStack's exports) update its state and signal that task.
    public sealed unsafe class LwipTcpConnection : ITcpConnection
    {
        private readonly LwipStack _stack;
        private readonly int _slot;       // TCP slot in net_glue.c, also this connection's DNS slot
        private readonly Scheduler _scheduler;
        private int _owner = -1;
        private TcpState _state;
        private TcpError _error;
        private TcpEvents _events;
        private uint _remote;             // host order
        private ushort _port;
        private long _deadline;           // uptime ms by which Connect must have succeeded

        internal LwipTcpConnection(LwipStack stack, int slot, Scheduler scheduler)
        {
            _stack = stack;
            _slot = slot;
            _scheduler = scheduler;
        }

        // Boot: the task whose Run handles this connection's events.
        public void BindOwner(int ownerTask) => _owner = ownerTask;

        public TcpState State => _state;
        public TcpError LastError => _error;
        public uint RemoteAddress => _remote;
        public int Available => _state == TcpState.Closed ? 0 : Lwip.TcpAvailable(_slot);
        public int Unacknowledged => _state == TcpState.Connected ? Lwip.TcpUnsent(_slot) : 0;
        internal long Deadline => _state == TcpState.Resolving || _state == TcpState.Connecting ? _deadline : long.MaxValue;

        public bool Connect(ReadOnlySpan<byte> host, ushort port, long timeoutMilliseconds)
        {
            if (_state != TcpState.Closed) return false;
            _error = TcpError.None;
            _events = TcpEvents.None;
            _remote = 0;
            _port = port;
            _deadline = _scheduler.NowMilliseconds + timeoutMilliseconds;
            _state = TcpState.Resolving;
            _stack.WakeNetworkTask(); // the network task watches the deadline
            int result = _stack.Lookup(_slot, host, out uint address);
            if (result == 0) Open(address);
            else if (result < 0) Fail(TcpError.BadHost);
            return true;
        }

        // The DNS answer for this connection's lookup (host order; found false: no such host).
        internal void OnResolved(uint address, bool found)
        {
            if (_state != TcpState.Resolving) return;
            if (found) Open(address);
            else Fail(TcpError.NameNotFound);
        }

        private void Open(uint address)
        {
            _remote = address;
            _state = TcpState.Connecting;
            int result = Lwip.TcpOpen(_slot, Lwip.FromHostOrder(address), _port);
            if (result != 0) Fail(result == Lwip.ErrMem ? TcpError.NoMemory : TcpError.Other);
        }

        private void Fail(TcpError error)
        {
            _error = error;
            _state = TcpState.Failed;
            Raise(error == TcpError.Timeout ? TcpEvents.TimedOut : TcpEvents.Error);
        }

        private void Raise(TcpEvents events)
        {
            _events |= events;
            if (_owner >= 0) _scheduler.Signal(_owner);
        }

        internal void OnEvent(int kind, int error)
        {
            switch (kind)
            {
                case Lwip.EventConnected:
                    if (_state != TcpState.Connecting) return;
                    _state = TcpState.Connected;
                    Raise(TcpEvents.Connected);
                    break;
                case Lwip.EventReceived:
                    Raise(TcpEvents.Received);
                    break;
                case Lwip.EventSent:
                    Raise(TcpEvents.Writable);
                    break;
                case Lwip.EventPeerClosed:
                    if (_state == TcpState.Connected) _state = TcpState.PeerClosed;
                    Raise(TcpEvents.ClosedByPeer);
                    break;
                case Lwip.EventError:
                    // The pcb is gone already (net_glue.c cleared its slot).
                    bool connecting = _state == TcpState.Connecting;
                    Fail(error == Lwip.ErrReset ? (connecting ? TcpError.Refused : TcpError.Reset)
                        : error == Lwip.ErrAbort ? TcpError.Aborted
                        : error == Lwip.ErrMem ? TcpError.NoMemory
                        : error == Lwip.ErrTimeout ? TcpError.Timeout : TcpError.Other);
                    break;
            }
        }

        // The network task's clock check: a Connect that ran out of time is given up.
        internal void CheckDeadline(long nowMilliseconds)
        {
            if (nowMilliseconds < Deadline) return;
            Lwip.TcpClose(_slot, 1);
            Fail(TcpError.Timeout);
        }

        public int Send(ReadOnlySpan<byte> data)
        {
            if (_state != TcpState.Connected) return -1;
            if (data.IsEmpty) return 0;
            int taken;
            fixed (byte* bytes = data) taken = Lwip.TcpWrite(_slot, bytes, data.Length);
            if (taken < 0) return -1;
            if (taken > 0) _stack.CountSent(taken);
            return taken;
        }

        public int Receive(Span<byte> destination)
        {
            if (_state == TcpState.Closed || destination.IsEmpty) return 0;
            int count;
            fixed (byte* bytes = destination) count = Lwip.TcpRead(_slot, bytes, destination.Length);
            if (count > 0) _stack.CountReceived(count);
            return count;
        }

        public void Close()
        {
            Lwip.TcpClose(_slot, 0);
            _state = TcpState.Closed;
            _events = TcpEvents.None;
        }

        public TcpEvents TakeEvents()
        {
            TcpEvents events = _events;
            _events = TcpEvents.None;
            return events;
        }
    }
}
