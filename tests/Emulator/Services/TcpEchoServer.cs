using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace ChargePoint.Tests.Emulator.Services
{
    // A TCP server on 127.0.0.1 at an OS-chosen port (10.0.2.2 from the guest). With echo (the
    // default) it sends every byte back; with echo: false it accepts and holds connections,
    // reading and counting what arrives but sending nothing, so a test can then model the
    // central-system host going away mid-connection:
    //   Abort()    every open connection is reset (RST: linger on with timeout 0, then close);
    //   CloseAll() every open connection is closed in order (FIN); what the peer still sends is
    //              read and dropped until it closes too (at most DrainLimit);
    //   Stop()     the listener closes: new connections are refused; open ones stay;
    //   Start()    listens again on the same port (the host came back).
    // Each connection is served by its own background thread on a non-blocking socket that it
    // polls every 50 ms, so every wait here is bounded and the socket is only ever touched by
    // its own thread.
    public sealed class TcpEchoServer : IDisposable
    {
        public static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);
        private static readonly TimeSpan ActLimit = TimeSpan.FromSeconds(5);
        private const int PollMicros = 50_000;

        private readonly object _gate = new object();
        private readonly List<Connection> _open = new List<Connection>();
        private readonly Thread _acceptor;
        private Socket _listener;
        private volatile bool _disposing;
        private int _connections;
        private long _bytesReceived, _bytesSent;

        public TcpEchoServer(bool echo = true)
        {
            Echo = echo;
            _listener = Listen(0);
            Port = ((IPEndPoint)_listener.LocalEndPoint).Port;
            _acceptor = new Thread(AcceptLoop) { IsBackground = true, Name = $"tcp :{Port}" };
            _acceptor.Start();
        }

        // The TCP port on 127.0.0.1 (10.0.2.2 from the guest); the same after Stop()/Start().
        public int Port { get; }

        // True: echo every byte. False: accept and hold.
        public bool Echo { get; }

        public bool IsListening
        {
            get { lock (_gate) return _listener != null; }
        }

        // Connections accepted since the server started (closed ones included).
        public int Connections
        {
            get { lock (_gate) return _connections; }
        }

        // Connections accepted and not yet closed on this side.
        public int OpenConnections
        {
            get { lock (_gate) return _open.Count; }
        }

        public long BytesReceived => Interlocked.Read(ref _bytesReceived);
        public long BytesSent => Interlocked.Read(ref _bytesSent);

        // Waits until at least one connection has been accepted; false if the timeout passed first.
        public bool WaitForConnection(TimeSpan timeout) => WaitForConnections(1, timeout);

        // Waits until at least `count` connections have been accepted in all (e.g. 2: a reconnection).
        public bool WaitForConnections(int count, TimeSpan timeout) => WaitUntil(() => _connections >= count, timeout);

        // Waits until at least `count` bytes have arrived over all connections.
        public bool WaitForBytes(long count, TimeSpan timeout) => WaitUntil(() => _bytesReceived >= count, timeout);

        // Waits until exactly `count` connections are open on this side.
        public bool WaitForOpenConnections(int count, TimeSpan timeout) => WaitUntil(() => _open.Count == count, timeout);

        // Waits until no connection is open on this side (e.g. the peer closed after CloseAll()).
        public bool WaitForNoOpenConnections(TimeSpan timeout) => WaitForOpenConnections(0, timeout);

        // Resets every open connection (RST); returns once they are closed. False if one did not
        // close within the limit.
        public bool Abort() => Act(Connection.AbortRequest);

        // Closes every open connection in order (FIN); returns once every FIN has gone out.
        public bool CloseAll() => Act(Connection.CloseRequest);

        // Closes the listener: connection attempts are refused from now on. Open connections stay.
        public void Stop()
        {
            Socket listener;
            lock (_gate)
            {
                listener = _listener;
                _listener = null;
            }
            listener?.Dispose();
        }

        // Listens again on Port after Stop(); does nothing if listening.
        public void Start()
        {
            lock (_gate)
            {
                if (_disposing) throw new ObjectDisposedException(nameof(TcpEchoServer));
                if (_listener == null) _listener = Listen(Port);
            }
        }

        private static Socket Listen(int port)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
                socket.Listen(16);
                return socket;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        private bool WaitUntil(Func<bool> done, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            lock (_gate)
            {
                while (!done())
                {
                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero) return false;
                    Monitor.Wait(_gate, TimeSpan.FromMilliseconds(Math.Min(100, left.TotalMilliseconds)));
                }
                return true;
            }
        }

        private bool Act(int request)
        {
            Connection[] open;
            lock (_gate) open = _open.ToArray();
            foreach (var connection in open) connection.Request(request);
            return WaitUntil(() => Array.TrueForAll(open, c => c.Acted), ActLimit);
        }

        private void AcceptLoop()
        {
            while (!_disposing)
            {
                Socket listener;
                lock (_gate) listener = _listener;
                if (listener == null)
                {
                    Thread.Sleep(PollMicros / 1000);
                    continue;
                }
                Socket accepted;
                try
                {
                    if (!listener.Poll(PollMicros, SelectMode.SelectRead)) continue;
                    accepted = listener.Accept();
                }
                catch (ObjectDisposedException) { continue; }   // Stop() closed it under us
                catch (SocketException) { continue; }

                var connection = new Connection(this, accepted);
                lock (_gate)
                {
                    if (_disposing)
                    {
                        connection.Discard();
                        return;
                    }
                    _connections++;
                    _open.Add(connection);
                    Monitor.PulseAll(_gate);
                }
                connection.Start();
            }
        }

        private void ReportActed(Connection connection)
        {
            lock (_gate)
            {
                connection.MarkActed();
                Monitor.PulseAll(_gate);
            }
        }

        private void Closed(Connection connection)
        {
            lock (_gate)
            {
                _open.Remove(connection);
                connection.MarkActed();
                Monitor.PulseAll(_gate);
            }
        }

        private void Count(ref long counter, int bytes)
        {
            Interlocked.Add(ref counter, bytes);
            lock (_gate) Monitor.PulseAll(_gate);
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposing) return;
                _disposing = true;
            }
            Stop();
            if (_acceptor.IsAlive) _acceptor.Join(ActLimit);
            Abort();
            Connection[] left;
            lock (_gate) left = _open.ToArray();
            foreach (var connection in left) connection.Join(ActLimit);
        }

        private sealed class Connection
        {
            public const int CloseRequest = 1, AbortRequest = 2;

            private readonly TcpEchoServer _server;
            private readonly Socket _socket;
            private readonly Thread _thread;
            private volatile int _request;

            // True once the requested Abort (socket closed) or CloseAll (FIN sent) is done, or the
            // connection ended by itself. Set under the server's gate, which is then pulsed.
            public bool Acted { get; private set; }

            public Connection(TcpEchoServer server, Socket socket)
            {
                _server = server;
                _socket = socket;
                _socket.Blocking = false;
                _socket.NoDelay = true;
                _thread = new Thread(Serve) { IsBackground = true, Name = $"tcp :{server.Port} <- {socket.RemoteEndPoint}" };
            }

            public void Start() => _thread.Start();

            public void MarkActed() => Acted = true;

            public void Request(int request)
            {
                if (request > _request) _request = request;
            }

            public void Join(TimeSpan limit)
            {
                if (_thread.IsAlive) _thread.Join(limit);
            }

            public void Discard()
            {
                _socket.LingerState = new LingerOption(true, 0);
                _socket.Dispose();
                Acted = true;
            }

            private void Serve()
            {
                var buffer = new byte[16384];
                DateTime drainUntil = DateTime.MaxValue;
                bool finSent = false;
                try
                {
                    while (true)
                    {
                        int request = _request;
                        if (request == AbortRequest)
                        {
                            _socket.LingerState = new LingerOption(true, 0);
                            return;   // finally closes: RST
                        }
                        if (request == CloseRequest && !finSent)
                        {
                            _socket.Shutdown(SocketShutdown.Send);
                            finSent = true;
                            drainUntil = DateTime.UtcNow + DrainLimit;
                            _server.ReportActed(this);
                        }
                        if (DateTime.UtcNow >= drainUntil) return;

                        if (!_socket.Poll(PollMicros, SelectMode.SelectRead)) continue;
                        int read = _socket.Receive(buffer, 0, buffer.Length, SocketFlags.None, out SocketError error);
                        if (error == SocketError.WouldBlock) continue;
                        if (error != SocketError.Success || read == 0) return;   // reset, or the peer's FIN: close ours
                        _server.Count(ref _server._bytesReceived, read);
                        if (_server.Echo && !finSent && !SendAll(buffer, read)) return;
                    }
                }
                catch (SocketException) { }
                catch (ObjectDisposedException) { }
                finally
                {
                    _socket.Dispose();
                    _server.Closed(this);
                }
            }

            // Sends bytes [0, count) on the non-blocking socket, polling so that an Abort/CloseAll
            // request is still seen while the peer's window is full. False: stop serving.
            private bool SendAll(byte[] buffer, int count)
            {
                int sent = 0;
                while (sent < count)
                {
                    if (_request != 0) return _request != AbortRequest;   // the loop handles it
                    if (!_socket.Poll(PollMicros, SelectMode.SelectWrite)) continue;
                    int n = _socket.Send(buffer, sent, count - sent, SocketFlags.None, out SocketError error);
                    if (error == SocketError.WouldBlock) continue;
                    if (error != SocketError.Success) return false;
                    sent += n;
                    _server.Count(ref _server._bytesSent, n);
                }
                return true;
            }
        }
    }
}
