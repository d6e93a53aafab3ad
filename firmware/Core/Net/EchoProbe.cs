using System;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Scheduling;

namespace ChargePoint.Core.Net
{
    // A TCP diagnostic (the shell's `net tcp HOST PORT BYTES`): connects, streams BYTES of a
    // position-dependent pattern to an echo server and checks every byte that comes back, then
    // reports the time and throughput. BYTES = 0 only connects and reports what happens to the
    // connection (closed by the peer, reset) until `Stop`. Runs on its own task, woken by the
    // connection's events; buffers are made at boot.
    public sealed class EchoProbe : ITask
    {
        public const int ChunkBytes = 1460;
        public const long ConnectTimeoutMilliseconds = 10000;

        private enum Phase { Idle, Connecting, Running }

        private readonly ITcpConnection _connection;
        private readonly Logger _log;
        private readonly IClock _clock;
        private readonly byte[] _send = new byte[ChunkBytes];
        private readonly byte[] _receive = new byte[ChunkBytes];
        private Phase _phase;
        private long _total, _sent, _checked, _startedMicroseconds;
        private ushort _port;

        public EchoProbe(ITcpConnection connection, IClock clock, Logger log)
        {
            _connection = connection;
            _clock = clock;
            _log = log;
        }

        public ReadOnlySpan<byte> Name => "nettcp"u8;
        public bool IsBusy => _phase != Phase.Idle;
        public long BytesChecked => _checked;

        // The byte at `position` of the stream: every byte of a 1 MiB run differs from its
        // neighbours, so a lost, repeated or reordered segment shows.
        public static byte PatternAt(long position) => (byte)(((ulong)position * 2654435761UL) >> 13 ^ (ulong)(position >> 8));

        public bool Start(ReadOnlySpan<byte> host, ushort port, long bytes)
        {
            if (_phase != Phase.Idle || bytes < 0) return false;
            if (_connection.State != TcpState.Closed) _connection.Close();
            _total = bytes;
            _sent = 0;
            _checked = 0;
            _port = port;
            if (!_connection.Connect(host, port, ConnectTimeoutMilliseconds)) return false;
            _phase = Phase.Connecting;
            _log.Begin(LogLevel.Info, "net"u8).Append("tcp: connecting to "u8).Append(host).Append(":"u8).Append(port).End();
            return true;
        }

        public void Stop()
        {
            if (_phase == Phase.Idle) return;
            _log.Begin(LogLevel.Info, "net"u8).Append("tcp: stopped after "u8).Append(_checked).Append(" bytes checked"u8).End();
            Finish();
        }

        public void Run(long nowMilliseconds)
        {
            if (_phase == Phase.Idle) return;
            TcpEvents events = _connection.TakeEvents();
            if ((events & (TcpEvents.Error | TcpEvents.TimedOut)) != 0 && _connection.State == TcpState.Failed)
            {
                _log.Begin(LogLevel.Error, "net"u8).Append("tcp: "u8).Append(TcpErrorText.Of(_connection.LastError))
                    .Append(" after "u8).Append(_checked).Append(" of "u8).Append(_total).Append(" bytes"u8).End();
                Finish();
                return;
            }
            if ((events & TcpEvents.Connected) != 0 && _phase == Phase.Connecting)
            {
                _phase = Phase.Running;
                _startedMicroseconds = _clock.UptimeMicroseconds;
                Span<byte> address = stackalloc byte[15];
                int length = FormatAddress(_connection.RemoteAddress, address);
                _log.Begin(LogLevel.Info, "net"u8).Append("tcp: connected to "u8).Append(address.Slice(0, length))
                    .Append(":"u8).Append(_port).End();
            }
            if (_phase != Phase.Running) return;

            if (!Exchange()) return;
            if (_total > 0 && _checked == _total)
            {
                long elapsed = _clock.UptimeMicroseconds - _startedMicroseconds;
                long milliseconds = elapsed / 1000;
                long kibPerSecond = elapsed > 0 ? _total * 1000000 / 1024 / elapsed : 0;
                _log.Begin(LogLevel.Info, "net"u8).Append("tcp: "u8).Append(_total).Append(" bytes echoed and checked in "u8)
                    .Append(milliseconds).Append(" ms ("u8).Append(kibPerSecond).Append(" KiB/s)"u8).End();
                Finish();
                return;
            }
            if ((events & TcpEvents.ClosedByPeer) != 0 || _connection.State == TcpState.PeerClosed)
            {
                _log.Begin(LogLevel.Info, "net"u8).Append("tcp: closed by peer after "u8).Append(_checked).Append(" of "u8)
                    .Append(_total).Append(" bytes"u8).End();
                Finish();
            }
        }

        // Sends what the connection takes and checks what came back; false when the probe ended.
        private bool Exchange()
        {
            while (_sent < _total)
            {
                int count = (int)Math.Min(ChunkBytes, _total - _sent);
                for (int i = 0; i < count; i++) _send[i] = PatternAt(_sent + i);
                int taken = _connection.Send(new ReadOnlySpan<byte>(_send, 0, count));
                if (taken <= 0) break; // full: Writable wakes us
                _sent += taken;
            }
            int read;
            while ((read = _connection.Receive(_receive)) > 0)
            {
                for (int i = 0; i < read; i++)
                {
                    if (_checked >= _total || _receive[i] != PatternAt(_checked))
                    {
                        _log.Begin(LogLevel.Error, "net"u8).Append("tcp: echo differs at byte "u8).Append(_checked).End();
                        Finish();
                        return false;
                    }
                    _checked++;
                }
            }
            return true;
        }

        private void Finish()
        {
            _connection.Close();
            _phase = Phase.Idle;
        }

        private static int FormatAddress(uint address, Span<byte> text) => Config.Ipv4.Format(address, text);
    }
}
