using System;
using System.Collections.Generic;
using ChargePoint.Core.Net;

namespace ChargePoint.Tests.Core.Net
{
    // ITcpConnection without lwIP, for Core tests: a send window the test sizes (so Send takes part
    // of what it is offered, as lwIP does when its buffer is full), a peer the test scripts
    // (Accept, Deliver, Acknowledge, PeerClose, Reset), and the events a real connection raises.
    // Its storage is made up front, so steady-state use allocates nothing.
    public sealed class FakeTcpConnection : ITcpConnection
    {
        private readonly byte[] _toPeer;
        private int _toPeerLength;
        private readonly byte[] _fromPeer;
        private int _fromPeerStart, _fromPeerLength;
        private TcpEvents _events;

        public FakeTcpConnection(int sendWindow = 4096, int receiveCapacity = 65536)
        {
            _toPeer = new byte[sendWindow];
            _fromPeer = new byte[receiveCapacity];
        }

        public TcpState State { get; private set; }
        public TcpError LastError { get; private set; }
        public uint RemoteAddress { get; private set; }
        public int Available => _fromPeerLength;
        public int Unacknowledged => _toPeerLength;
        public int Signals { get; private set; }          // how often the owner would have been woken
        public string Host { get; private set; }
        public ushort Port { get; private set; }
        public long TimeoutMilliseconds { get; private set; }
        public int Connects { get; private set; }
        public int Closes { get; private set; }

        public bool Connect(ReadOnlySpan<byte> host, ushort port, long timeoutMilliseconds)
        {
            if (State != TcpState.Closed) return false;
            Host = System.Text.Encoding.ASCII.GetString(host);
            Port = port;
            TimeoutMilliseconds = timeoutMilliseconds;
            LastError = TcpError.None;
            State = TcpState.Resolving;
            Connects++;
            return true;
        }

        public int Send(ReadOnlySpan<byte> data)
        {
            if (State != TcpState.Connected) return -1;
            int room = _toPeer.Length - _toPeerLength;
            int count = Math.Min(room, data.Length);
            data.Slice(0, count).CopyTo(_toPeer.AsSpan(_toPeerLength));
            _toPeerLength += count;
            return count;
        }

        public int Receive(Span<byte> destination)
        {
            if (State == TcpState.Closed) return 0;
            int count = Math.Min(destination.Length, _fromPeerLength);
            _fromPeer.AsSpan(_fromPeerStart, count).CopyTo(destination);
            _fromPeerStart += count;
            _fromPeerLength -= count;
            if (_fromPeerLength == 0) _fromPeerStart = 0;
            return count;
        }

        public void Close()
        {
            State = TcpState.Closed;
            _toPeerLength = 0;
            _fromPeerLength = 0;
            _fromPeerStart = 0;
            _events = TcpEvents.None;
            Closes++;
        }

        public TcpEvents TakeEvents()
        {
            TcpEvents events = _events;
            _events = TcpEvents.None;
            return events;
        }

        // ---- the peer, scripted by the test ----------------------------------------------------
        private void Raise(TcpEvents events)
        {
            _events |= events;
            Signals++;
        }

        public void Accept(uint address = 0x0A000202)
        {
            RemoteAddress = address;
            State = TcpState.Connected;
            Raise(TcpEvents.Connected);
        }

        public void Fail(TcpError error)
        {
            LastError = error;
            State = TcpState.Failed;
            Raise(error == TcpError.Timeout ? TcpEvents.TimedOut : TcpEvents.Error);
        }

        // The peer acknowledges (and takes) up to `count` of the bytes sent so far, into `taken`.
        public int Acknowledge(Span<byte> taken)
        {
            int count = Math.Min(taken.Length, _toPeerLength);
            _toPeer.AsSpan(0, count).CopyTo(taken);
            Buffer.BlockCopy(_toPeer, count, _toPeer, 0, _toPeerLength - count);
            _toPeerLength -= count;
            if (count > 0) Raise(TcpEvents.Writable);
            return count;
        }

        public void Deliver(ReadOnlySpan<byte> data)
        {
            if (_fromPeerStart + _fromPeerLength + data.Length > _fromPeer.Length)
            {
                Buffer.BlockCopy(_fromPeer, _fromPeerStart, _fromPeer, 0, _fromPeerLength);
                _fromPeerStart = 0;
            }
            if (_fromPeerLength + data.Length > _fromPeer.Length) throw new InvalidOperationException("fake receive buffer full: read first");
            data.CopyTo(_fromPeer.AsSpan(_fromPeerStart + _fromPeerLength));
            _fromPeerLength += data.Length;
            Raise(TcpEvents.Received);
        }

        public void PeerClose()
        {
            if (State == TcpState.Connected) State = TcpState.PeerClosed;
            Raise(TcpEvents.ClosedByPeer);
        }
    }
}
