using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace ChargePoint.Tests.Emulator.Services
{
    // A TCP proxy on 127.0.0.1 at an OS-chosen port (10.0.2.2:Port from the guest) that forwards
    // every connection to a target port (the central system), both directions, byte for byte.
    // A test can make it a silent black hole and back:
    //   Forwarding = false  every byte that arrives, from either side, is read and thrown away;
    //                       nothing is closed, nothing is sent (new connections are still
    //                       accepted and get the same silence). A side that closes meanwhile is
    //                       not told to the other: the black hole eats the FIN or RST too.
    //   Forwarding = true   bytes flow again (what was thrown away stays lost); a connection one
    //                       side of which closed in the black hole is closed now.
    //   DropAll()           closes every open connection, both sides (RST by default: a middlebox
    //                       that lost its state); returns once they are closed.
    // Once the setter returns, no byte is forwarded any more (sends are checked under the same
    // lock). Each connection is served by one background thread polling both non-blocking
    // sockets every 50 ms at most, which alone touches them; every wait is bounded and Dispose
    // closes everything.
    //
    //   using var proxy = new BlackHoleProxy(csms.Port);
    //   ... boot with cs_url=ws://10.0.2.2:{proxy.Port}/... ...
    //   proxy.Forwarding = false; ... proxy.DropAll(); proxy.Forwarding = true;
    public sealed class BlackHoleProxy : IDisposable
    {
        public static readonly TimeSpan ConnectLimit = TimeSpan.FromSeconds(5);
        private static readonly TimeSpan ActLimit = TimeSpan.FromSeconds(5);
        private const int PollMicros = 50_000;
        private const int BufferBytes = 16384;

        private readonly object _gate = new object();     // the lists and counters' waiters
        private readonly object _switch = new object();   // Forwarding and every forwarded send
        private readonly List<Connection> _open = new List<Connection>();
        private readonly Socket _listener;
        private readonly Thread _acceptor;
        private readonly IPEndPoint _target;
        private volatile bool _forwarding = true;
        private volatile bool _disposing;
        private int _accepted, _upstreamFailures;
        private long _fromClient, _fromTarget, _toTarget, _toClient, _discardedFromClient, _discardedFromTarget;

        public BlackHoleProxy(int targetPort, string targetHost = "127.0.0.1")
        {
            if (targetPort is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(targetPort), targetPort, "a TCP port");
            _target = new IPEndPoint(IPAddress.Parse(targetHost), targetPort);
            _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                _listener.Listen(16);
            }
            catch
            {
                _listener.Dispose();
                throw;
            }
            Port = ((IPEndPoint)_listener.LocalEndPoint).Port;
            _acceptor = new Thread(AcceptLoop) { IsBackground = true, Name = $"black hole :{Port} -> {targetPort}" };
            _acceptor.Start();
        }

        // The port on 127.0.0.1 the proxy listens on (10.0.2.2 from the guest).
        public int Port { get; }

        public int TargetPort => _target.Port;

        // True (the default): bytes flow. False: a silent black hole (see above).
        public bool Forwarding
        {
            get => _forwarding;
            set
            {
                lock (_switch) _forwarding = value;
                Pulse();
            }
        }

        // Connections accepted since the start (closed ones included).
        public int ConnectionsAccepted
        {
            get { lock (_gate) return _accepted; }
        }

        // Connections accepted and not yet closed.
        public int OpenConnections
        {
            get { lock (_gate) return _open.Count; }
        }

        // Accepted connections whose connection to the target failed (refused, or not within ConnectLimit).
        public int UpstreamFailures
        {
            get { lock (_gate) return _upstreamFailures; }
        }

        // Bytes read from the clients / from the target, forwarded or not.
        public long BytesFromClient => Interlocked.Read(ref _fromClient);
        public long BytesFromTarget => Interlocked.Read(ref _fromTarget);
        // Bytes written to the target / to the clients.
        public long BytesToTarget => Interlocked.Read(ref _toTarget);
        public long BytesToClient => Interlocked.Read(ref _toClient);
        // Bytes thrown away (read while Forwarding was off, or still waiting to be sent when it went off).
        public long BytesDiscardedFromClient => Interlocked.Read(ref _discardedFromClient);
        public long BytesDiscardedFromTarget => Interlocked.Read(ref _discardedFromTarget);

        public override string ToString() =>
            $"proxy :{Port} -> {_target.Port}, forwarding {(Forwarding ? "on" : "off")}: {ConnectionsAccepted} connections accepted, {OpenConnections} open, " +
            $"{UpstreamFailures} upstream failures; client->target {BytesFromClient} read, {BytesToTarget} sent, {BytesDiscardedFromClient} discarded; " +
            $"target->client {BytesFromTarget} read, {BytesToClient} sent, {BytesDiscardedFromTarget} discarded";

        // Waits until `done` holds (it is checked whenever a counter or a connection changes, and
        // every 100 ms); false if `timeout` passed first.
        public bool WaitUntil(Func<bool> done, TimeSpan timeout)
        {
            ArgumentNullException.ThrowIfNull(done);
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

        // Waits until at least `count` connections have been accepted in all.
        public bool WaitForConnections(int count, TimeSpan timeout) => WaitUntil(() => _accepted >= count, timeout);

        // Closes every open connection, both sides (reset: RST, else FIN); returns once they are
        // all closed, false if one was not within the limit.
        public bool DropAll(bool reset = true)
        {
            Connection[] open;
            lock (_gate) open = _open.ToArray();
            foreach (Connection connection in open) connection.Drop(reset);
            return WaitUntil(() => Array.TrueForAll(open, c => c.Closed), ActLimit);
        }

        private void Pulse()
        {
            lock (_gate) Monitor.PulseAll(_gate);
        }

        private void Add(ref long counter, long bytes)
        {
            if (bytes == 0) return;
            Interlocked.Add(ref counter, bytes);
            Pulse();
        }

        private void AcceptLoop()
        {
            while (!_disposing)
            {
                Socket accepted;
                try
                {
                    if (!_listener.Poll(PollMicros, SelectMode.SelectRead)) continue;
                    accepted = _listener.Accept();
                }
                catch (ObjectDisposedException) { return; }
                catch (SocketException) { continue; }

                var connection = new Connection(this, accepted);
                lock (_gate)
                {
                    if (_disposing)
                    {
                        connection.Discard();
                        return;
                    }
                    _accepted++;
                    _open.Add(connection);
                    Monitor.PulseAll(_gate);
                }
                connection.Start();
            }
        }

        private void Ended(Connection connection)
        {
            lock (_gate)
            {
                _open.Remove(connection);
                Monitor.PulseAll(_gate);
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposing) return;
                _disposing = true;
            }
            _listener.Dispose();
            if (_acceptor.IsAlive) _acceptor.Join(ActLimit);
            DropAll();
            Connection[] left;
            lock (_gate) left = _open.ToArray();
            foreach (Connection connection in left)
            {
                connection.Join(ActLimit);
                connection.Discard(); // a thread that did not end in time: its sockets are closed under it
            }
        }

        // One accepted connection and its connection to the target.
        private sealed class Connection
        {
            private const int DropReset = 1, DropFin = 2;

            private readonly BlackHoleProxy _proxy;
            private readonly Socket _client;
            private readonly Thread _thread;
            private Socket _upstream;
            private volatile int _drop;
            private volatile bool _closed;

            public Connection(BlackHoleProxy proxy, Socket client)
            {
                _proxy = proxy;
                _client = client;
                _client.Blocking = false;
                _client.NoDelay = true;
                _thread = new Thread(Serve) { IsBackground = true, Name = $"black hole :{proxy.Port} <- {client.RemoteEndPoint}" };
            }

            public bool Closed => _closed;

            public void Start() => _thread.Start();

            public void Drop(bool reset)
            {
                if (_drop == 0) _drop = reset ? DropReset : DropFin;
            }

            public void Join(TimeSpan limit)
            {
                if (_thread.IsAlive) _thread.Join(limit);
            }

            public void Discard()
            {
                Close(_client, reset: true);
                Close(_upstream, reset: true);
                _closed = true;
            }

            private static void Close(Socket socket, bool reset)
            {
                if (socket == null) return;
                try
                {
                    if (reset) socket.LingerState = new LingerOption(true, 0);
                    else socket.Shutdown(SocketShutdown.Both);
                }
                catch (SocketException) { }
                catch (ObjectDisposedException) { }
                socket.Dispose();
            }

            // Connects to the target, bounded by ConnectLimit (still serving a Drop meanwhile);
            // null when it failed.
            private Socket ConnectUpstream()
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    var connect = socket.ConnectAsync(_proxy._target);
                    var deadline = DateTime.UtcNow + ConnectLimit;
                    while (!connect.Wait(50))
                        if (_drop != 0 || _proxy._disposing || DateTime.UtcNow >= deadline) throw new TimeoutException();
                    socket.Blocking = false;
                    return socket;
                }
                catch (Exception e) when (e is AggregateException || e is SocketException || e is TimeoutException)
                {
                    socket.Dispose();
                    lock (_proxy._gate) _proxy._upstreamFailures++;
                    _proxy.Pulse();
                    return null;
                }
            }

            // One direction's bytes read but not yet written.
            private sealed class Pending
            {
                public readonly byte[] Buffer = new byte[BufferBytes];
                public int Offset, Count;
                public bool Ended;   // the source side closed (FIN, RST or error)
            }

            private void Serve()
            {
                bool reset = true;
                try
                {
                    _upstream = ConnectUpstream();
                    var up = new Pending();                                  // client -> target
                    var down = new Pending { Ended = _upstream == null };    // target -> client: no target, no bytes
                    var readable = new List<Socket>(2);
                    var writable = new List<Socket>(2);
                    while (true)
                    {
                        int drop = _drop;
                        if (drop != 0 || _proxy._disposing)
                        {
                            reset = drop != DropFin;
                            return;
                        }
                        bool forwarding = _proxy._forwarding;
                        // With forwarding on, a side that closed closes the connection, once what
                        // it sent before is through. In the black hole it stays unheard.
                        if (forwarding && ((up.Ended && up.Count == 0) || (down.Ended && down.Count == 0)))
                        {
                            reset = false;
                            return;
                        }
                        if (up.Ended && down.Ended && !forwarding)
                        {
                            // Both sides gone in the black hole: nothing is left to serve.
                            reset = false;
                            return;
                        }

                        if (_upstream == null && up.Count > 0)
                        {
                            _proxy.Add(ref _proxy._discardedFromClient, up.Count);   // nowhere to go
                            up.Count = 0;
                        }
                        readable.Clear();
                        writable.Clear();
                        if (!down.Ended && down.Count == 0) readable.Add(_upstream);
                        if (!up.Ended && up.Count == 0) readable.Add(_client);
                        if (up.Count > 0) writable.Add(_upstream);
                        if (down.Count > 0) writable.Add(_client);
                        if (readable.Count == 0 && writable.Count == 0)
                        {
                            Thread.Sleep(PollMicros / 1000);
                            continue;
                        }
                        Socket.Select(readable.Count > 0 ? readable : null, writable.Count > 0 ? writable : null, null, PollMicros);
                        foreach (Socket socket in readable)
                        {
                            if (socket == _client) Read(_client, up, ref _proxy._fromClient, ref _proxy._discardedFromClient);
                            else Read(_upstream, down, ref _proxy._fromTarget, ref _proxy._discardedFromTarget);
                        }
                        foreach (Socket socket in writable)
                        {
                            if (socket == _upstream) Write(_upstream, up, ref _proxy._toTarget, ref _proxy._discardedFromClient);
                            else Write(_client, down, ref _proxy._toClient, ref _proxy._discardedFromTarget);
                        }
                    }
                }
                catch (SocketException) { }
                catch (ObjectDisposedException) { }
                finally
                {
                    Close(_client, reset);
                    Close(_upstream, reset);
                    _closed = true;
                    _proxy.Ended(this);
                }
            }

            // Reads what `socket` has; kept for sending while forwarding, thrown away otherwise.
            private void Read(Socket socket, Pending pending, ref long read, ref long discarded)
            {
                int n = socket.Receive(pending.Buffer, 0, pending.Buffer.Length, SocketFlags.None, out SocketError error);
                if (error == SocketError.WouldBlock) return;
                if (error != SocketError.Success || n == 0)
                {
                    pending.Ended = true;
                    _proxy.Pulse();
                    return;
                }
                _proxy.Add(ref read, n);
                if (_proxy._forwarding)
                {
                    pending.Offset = 0;
                    pending.Count = n;
                }
                else
                {
                    _proxy.Add(ref discarded, n);
                }
            }

            // Sends what is pending to `socket`, unless forwarding went off since it was read.
            private void Write(Socket socket, Pending pending, ref long sent, ref long discarded)
            {
                int n;
                SocketError error;
                lock (_proxy._switch)
                {
                    if (!_proxy._forwarding)
                    {
                        n = pending.Count;
                        pending.Count = 0;
                        _proxy.Add(ref discarded, n);
                        return;
                    }
                    n = socket.Send(pending.Buffer, pending.Offset, pending.Count, SocketFlags.None, out error);
                }
                if (error == SocketError.WouldBlock) return;
                if (error != SocketError.Success) throw new SocketException((int)error);
                pending.Offset += n;
                pending.Count -= n;
                _proxy.Add(ref sent, n);
            }
        }
    }
}
