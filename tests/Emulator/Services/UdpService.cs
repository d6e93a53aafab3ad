using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace ChargePoint.Tests.Emulator.Services
{
    // A UDP server on 127.0.0.1 at a port the OS chooses (QEMU's user network shows the host's
    // 127.0.0.1 to the guest as 10.0.2.2). One background thread polls the socket (never blocks
    // for longer than PollMicros, so Dispose always ends it) and hands each datagram to Answer;
    // a non-null answer goes back to the sender.
    public abstract class UdpService : IDisposable
    {
        private const int PollMicros = 50_000;
        private static readonly TimeSpan JoinLimit = TimeSpan.FromSeconds(5);

        private readonly Socket _socket;
        private readonly Thread _thread;
        private volatile bool _stopping;
        private bool _disposed;

        protected readonly object Gate = new object();

        protected UdpService(string name)
        {
            _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                Port = ((IPEndPoint)_socket.LocalEndPoint).Port;
            }
            catch
            {
                _socket.Dispose();
                throw;
            }
            _thread = new Thread(Serve) { IsBackground = true, Name = $"{name} :{Port}" };
        }

        // Subclasses call this at the end of their constructor, once their own fields are set.
        protected void Start() => _thread.Start();

        // The UDP port on 127.0.0.1 (10.0.2.2 from the guest).
        public int Port { get; }

        // When true, datagrams are still read and counted but never answered.
        public bool Silent { get; set; }

        // Returns the reply to send, or null to send nothing. Runs on the service's thread.
        protected abstract byte[] Answer(ReadOnlySpan<byte> request);

        private void Serve()
        {
            var buffer = new byte[1500];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            while (!_stopping)
            {
                try
                {
                    if (!_socket.Poll(PollMicros, SelectMode.SelectRead)) continue;
                    int read = _socket.ReceiveFrom(buffer, ref from);
                    byte[] reply = Answer(new ReadOnlySpan<byte>(buffer, 0, read));
                    if (reply != null && !Silent) _socket.SendTo(reply, from);
                }
                catch (SocketException)
                {
                    // A peer that went away (ICMP unreachable) or a message too long: next one.
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
            }
        }

        // Waits (bounded) until `done` holds; `done` is evaluated under Gate, which subclasses
        // pulse whenever they record something.
        protected bool WaitUntil(Func<bool> done, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            lock (Gate)
            {
                while (!done())
                {
                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero) return false;
                    Monitor.Wait(Gate, TimeSpan.FromMilliseconds(Math.Min(100, left.TotalMilliseconds)));
                }
                return true;
            }
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _stopping = true;
            if (_thread.IsAlive) _thread.Join(JoinLimit);
            _socket.Dispose();
        }
    }
}
