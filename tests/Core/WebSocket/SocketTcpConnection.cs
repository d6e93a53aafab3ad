using System;
using System.Net;
using System.Net.Sockets;
using ChargePoint.Core.Net;

namespace ChargePoint.Tests.Core.WebSocket
{
    // ITcpConnection over a real, non-blocking System.Net.Sockets.Socket, so Core's WebSocket client
    // can talk to a real server in a host test. The events lwIP's callbacks would raise are worked
    // out from the socket each time the owner asks (TakeEvents). A small send buffer makes the
    // kernel push back, as lwIP does when its send buffer is full.
    public sealed class SocketTcpConnection : ITcpConnection, IDisposable
    {
        private readonly int _sendBufferSize;
        private Socket _socket;
        private TcpEvents _events;
        private bool _sendBlocked;
        private readonly byte[] _peek = new byte[1];

        public SocketTcpConnection(int sendBufferSize = 0) { _sendBufferSize = sendBufferSize; }

        public TcpState State { get; private set; }
        public TcpError LastError { get; private set; }
        public uint RemoteAddress { get; private set; }
        public int Available => _socket != null && (State == TcpState.Connected || State == TcpState.PeerClosed) ? _socket.Available : 0;
        public int Unacknowledged => 0; // the kernel's business: what Send took is on its way
        public int ShortSends { get; private set; }

        public bool Connect(ReadOnlySpan<byte> host, ushort port, long timeoutMilliseconds)
        {
            if (State != TcpState.Closed) return false;
            LastError = TcpError.None;
            _events = TcpEvents.None;
            string name = System.Text.Encoding.ASCII.GetString(host);
            if (!IPAddress.TryParse(name, out IPAddress address))
            {
                IPAddress[] found = Dns.GetHostAddresses(name);
                if (found.Length == 0) { Fail(TcpError.NameNotFound); return true; }
                address = found[0];
            }
            _socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            if (_sendBufferSize > 0) _socket.SendBufferSize = _sendBufferSize;
            try
            {
                // Loopback in the tests: a blocking connect is immediate.
                _socket.Connect(new IPEndPoint(address, port));
            }
            catch (SocketException e)
            {
                Fail(e.SocketErrorCode == SocketError.ConnectionRefused ? TcpError.Refused : TcpError.Other);
                return true;
            }
            _socket.Blocking = false;
            byte[] bytes = address.MapToIPv4().GetAddressBytes();
            RemoteAddress = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
            State = TcpState.Connected;
            _events |= TcpEvents.Connected;
            return true;
        }

        public int Send(ReadOnlySpan<byte> data)
        {
            if (State != TcpState.Connected) return -1;
            if (data.IsEmpty) return 0;
            int sent = _socket.Send(data, SocketFlags.None, out SocketError error);
            if (error == SocketError.WouldBlock)
            {
                _sendBlocked = true;
                ShortSends++;
                return 0;
            }
            if (error != SocketError.Success)
            {
                Fail(TcpError.Reset);
                return -1;
            }
            if (sent < data.Length)
            {
                _sendBlocked = true;
                ShortSends++;
            }
            return sent;
        }

        public int Receive(Span<byte> destination)
        {
            if (_socket == null || State == TcpState.Closed || State == TcpState.Failed || destination.IsEmpty) return 0;
            if (_socket.Available == 0) return 0;
            int count = _socket.Receive(destination, SocketFlags.None, out SocketError error);
            return error == SocketError.Success ? count : 0;
        }

        public void Close()
        {
            _socket?.Close();
            _socket = null;
            State = TcpState.Closed;
            _events = TcpEvents.None;
            _sendBlocked = false;
        }

        public TcpEvents TakeEvents()
        {
            Update();
            TcpEvents events = _events;
            _events = TcpEvents.None;
            return events;
        }

        // What the stack would have reported since the last look.
        private void Update()
        {
            if (_socket == null || (State != TcpState.Connected && State != TcpState.PeerClosed)) return;
            if (_socket.Available > 0) _events |= TcpEvents.Received;
            else if (State == TcpState.Connected && _socket.Poll(0, SelectMode.SelectRead))
            {
                // Readable with nothing to read: FIN (0 from a peek) or a reset.
                int count = _socket.Receive(_peek, 0, 1, SocketFlags.Peek, out SocketError error);
                if (error == SocketError.Success && count == 0)
                {
                    State = TcpState.PeerClosed;
                    _events |= TcpEvents.ClosedByPeer;
                }
                else if (error != SocketError.Success && error != SocketError.WouldBlock)
                {
                    Fail(TcpError.Reset);
                    return;
                }
            }
            if (_sendBlocked && State == TcpState.Connected && _socket.Poll(0, SelectMode.SelectWrite))
            {
                _sendBlocked = false;
                _events |= TcpEvents.Writable;
            }
        }

        private void Fail(TcpError error)
        {
            LastError = error;
            State = TcpState.Failed;
            _events |= TcpEvents.Error;
        }

        public void Dispose() => Close();
    }
}
