using System;
using ChargePoint.Core.Config;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Net;
using ChargePoint.Core.Ocpp.Configuration;
using ChargePoint.Core.Ocpp.Rpc;
using ChargePoint.Core.Scheduling;
using ChargePoint.Core.WebSocket;

namespace ChargePoint.Core.Ocpp
{
    // The connection's life: wait for the network, open the WebSocket to the central system
    // (subprotocol ocpp1.6, basic auth when a password is set), hand frames to the RPC endpoint,
    // let the charge point send, find a dead link (a WebSocket ping at WebSocketPingInterval
    // without its pong in time, a CALL without an answer in time, the handshake timeout, TCP's own
    // keep-alive and retransmission limits) and connect again with backoff and jitter, reset once
    // a connection proved itself (registered, and a CALL answered on it, by either side). While
    // offline the charge point still runs: meters are sampled into the queue, a reset ends. The
    // task the TCP connection wakes.
    public sealed class OcppLifecycle : ITask
    {
        public enum Phase { WaitingForNetwork, Connecting, Connected, WaitingToReconnect }

        private readonly WebSocketClient _socket;
        private readonly OcppChargePoint _chargePoint;
        private readonly INetworkStatus _network;
        private readonly Settings _settings;
        private readonly ConfigurationStore _config;
        private readonly byte[] _password = new byte[AuthorizationKeyText.MaxPasswordLength];
        private readonly Logger _log;
        private readonly Scheduler _scheduler;
        private readonly OcppTimings _timings;
        private readonly byte[] _path;
        private readonly int _pathLength;
        private RpcEndpoint _rpc;
        private int _id = -1;
        private readonly ReconnectBackoff _backoff;
        private Phase _phase;
        private long _reconnectAt = long.MaxValue;
        private long _nextPing = long.MaxValue;
        private long _pongDeadline = long.MaxValue;
        private long _timeoutsSeen;
        private long _pingInterval;       // ms: the WebSocketPingInterval _nextPing was planned with
        private long _exchangedAtOpen;    // CALLs answered either way when this connection opened
        private bool _announced;
        private bool _accepted;

        public long Connections, Disconnections, DeadLinks;

        public OcppLifecycle(WebSocketClient socket, OcppChargePoint chargePoint, INetworkStatus network, Settings settings,
            ConfigurationStore config, Scheduler scheduler, Logger log, OcppTimings timings, IRandom random)
        {
            _config = config;
            _backoff = new ReconnectBackoff(random, timings.ReconnectFirstMilliseconds, timings.ReconnectCapMilliseconds);
            _socket = socket;
            _chargePoint = chargePoint;
            _network = network;
            _settings = settings;
            _scheduler = scheduler;
            _log = log;
            _timings = timings;
            _path = new byte[Settings.MaxCsUrlLength + 1 + Settings.MaxChargePointIdLength];
            _pathLength = ConnectionPath(settings.CsPath, settings.ChargePointId, _path);
        }

        public ReadOnlySpan<byte> Name => "ocpp"u8;
        public Phase State => _phase;
        public ReadOnlySpan<byte> Path => new ReadOnlySpan<byte>(_path, 0, _pathLength);
        public WebSocketClient Socket => _socket;
        public RpcEndpoint Rpc => _rpc;

        // The URL's path names the charge point (OCPP-J 3.1.1): the configured path as it is when
        // its last segment is the charge point id already, else with "/<id>" appended.
        public static int ConnectionPath(ReadOnlySpan<byte> path, ReadOnlySpan<byte> chargePointId, Span<byte> destination)
        {
            int length = path.Length;
            path.CopyTo(destination);
            bool named = path.Length > chargePointId.Length && path[path.Length - chargePointId.Length - 1] == (byte)'/'
                && path.Slice(path.Length - chargePointId.Length).SequenceEqual(chargePointId);
            if (named || chargePointId.IsEmpty) return length;
            if (length == 0 || destination[length - 1] != (byte)'/') destination[length++] = (byte)'/';
            chargePointId.CopyTo(destination.Slice(length));
            return length + chargePointId.Length;
        }

        // Boot: the endpoint and this task's id (the TCP connection's owner).
        public void Start(RpcEndpoint rpc, int id)
        {
            _rpc = rpc;
            _id = id;
            _scheduler.Signal(id);
        }

        public void Run(long now)
        {
            if (_phase == Phase.WaitingForNetwork && _network.IsReady) Connect(now);
            if (_phase == Phase.WaitingToReconnect && now >= _reconnectAt) Connect(now);

            WebSocketEvents events = _socket.Poll(now);
            for (int bound = 0; bound < 16; bound++)
            {
                if ((events & WebSocketEvents.Opened) != 0) OnOpened();
                if ((events & WebSocketEvents.MessageReceived) != 0)
                {
                    while (_socket.TryTakeMessage(out ReadOnlySpan<byte> message)) _rpc.OnMessage(message);
                }
                if ((events & WebSocketEvents.Closed) != 0)
                {
                    OnClosed(now);
                    break;
                }
                if ((events & WebSocketEvents.MessageReceived) == 0) break;
                events = _socket.Poll(now); // more frames may wait in the receive buffer
            }

            long wake = _reconnectAt;
            if (_phase == Phase.Connected)
            {
                _rpc.Flush();
                _rpc.CheckTimeout(now);
                if (_rpc.Timeouts != _timeoutsSeen)
                {
                    _timeoutsSeen = _rpc.Timeouts;
                    GiveUp("a CALL got no answer in time"u8);
                }
                else if (!KeepAlive(now))
                {
                    GiveUp("no pong to the WebSocket ping in time"u8);
                }
                CheckProven();
                // While a ping awaits its pong only the pong's deadline counts: a ping that fell due
                // meanwhile (a shorter interval set since) goes once the pong is in, whose bytes wake
                // this task; waking for it now would find nothing to do, again and again.
                wake = Math.Min(wake, _socket.PingOutstanding ? _pongDeadline : Math.Min(_nextPing, _pongDeadline));
            }
            wake = Math.Min(wake, _chargePoint.Run(now));
            wake = Math.Min(wake, _socket.NextDeadline);
            if (_phase == Phase.WaitingForNetwork) wake = Math.Min(wake, now + 100);
            if (wake == long.MaxValue) _scheduler.Cancel(_id);
            else _scheduler.WakeAt(_id, Math.Max(wake, now));
        }

        // CALLs answered so far, ours by the central system and its by us.
        private long Exchanged => _rpc.ResultsReceived + _rpc.CallsReceived;

        // The connection proved itself (the charge point registered, a CALL answered on it): the
        // backoff starts again from its first step.
        private void CheckProven()
        {
            if (_accepted || _chargePoint.Registration != RegistrationStatus.Accepted || Exchanged <= _exchangedAtOpen) return;
            _accepted = true;
            _backoff.Reset();
        }

        // The WebSocket ping (OCPP-J 1.6 section 5: WebSocketPingInterval; 0 turns it off): false
        // when the last ping's pong is overdue.
        private bool KeepAlive(long now)
        {
            if (_socket.PingOutstanding)
            {
                if (now >= _pongDeadline) return false;
            }
            else
            {
                _pongDeadline = long.MaxValue;
            }
            long interval = _config.GetInt(ConfigurationKey.WebSocketPingInterval) * 1000L;
            if (interval <= 0)
            {
                _nextPing = long.MaxValue;
                return true;
            }
            // A new interval (ChangeConfiguration) counts from now, on this connection already.
            if (_nextPing == long.MaxValue || interval != _pingInterval) _nextPing = now + interval;
            _pingInterval = interval;
            if (now >= _nextPing && !_socket.PingOutstanding)
            {
                if (_socket.SendPing()) _pongDeadline = now + Math.Min(_timings.PongTimeoutMilliseconds, interval);
                _nextPing = now + interval;
            }
            return true;
        }

        // A dead link: no close handshake can complete on it, so the connection is dropped at once.
        private void GiveUp(ReadOnlySpan<byte> why)
        {
            DeadLinks++;
            _log.Begin(LogLevel.Warning, "ocpp"u8).Append("link to the central system is dead: "u8).Append(why).End();
            _socket.Abandon();
            _scheduler.Signal(_id); // the Closed event comes with the next Poll
        }

        private void Connect(long now)
        {
            _reconnectAt = long.MaxValue;
            if (!_announced)
            {
                _log.Info("ocpp"u8, "upstream init"u8);
                _announced = true;
            }
            ReadOnlySpan<byte> password = Password();
            if (_socket.Open(_settings.CsHost, _settings.CsPort, Path, "ocpp1.6"u8, password.IsEmpty ? default : _settings.ChargePointId, password))
            {
                _phase = Phase.Connecting;
                return;
            }
            ScheduleReconnect(now);
        }

        // Security profile 1 (OCPP 1.6 security whitepaper): the AuthorizationKey the central system
        // set, else the configured password; none: no Authorization header.
        private ReadOnlySpan<byte> Password()
        {
            ReadOnlySpan<byte> key = _config.GetString(ConfigurationKey.AuthorizationKey);
            int length = key.IsEmpty ? -1 : AuthorizationKeyText.Decode(key, _password);
            return length > 0 ? new ReadOnlySpan<byte>(_password, 0, length) : _settings.Password;
        }

        private void OnOpened()
        {
            _phase = Phase.Connected;
            _nextPing = long.MaxValue;
            _pongDeadline = long.MaxValue;
            _timeoutsSeen = _rpc.Timeouts;
            _exchangedAtOpen = Exchanged;
            _accepted = false;
            Connections++;
            _log.Begin(LogLevel.Info, "ocpp"u8).Append("connected to "u8).Append(_settings.CsHost).Append(":"u8)
                .Append(_settings.CsPort).Append(Path).End();
            _chargePoint.OnConnected();
        }

        private void OnClosed(long now)
        {
            bool wasConnected = _phase == Phase.Connected;
            if (wasConnected)
            {
                Disconnections++;
                // An answer that came in the same run as the close (right behind each other in the
                // receive buffer) still counts before the next delay is drawn.
                CheckProven();
            }
            _rpc.OnDisconnected();
            _chargePoint.OnDisconnected();
            LogLine line = _log.Begin(LogLevel.Warning, "ocpp"u8).Append(wasConnected ? "connection closed ("u8 : "connection failed ("u8);
            line = line.Append(WebSocketFailureText.Of(_socket.Failure)).Append(", code "u8).Append(_socket.CloseCode).Append(")"u8);
            long delay = ScheduleReconnect(now);
            line.Append(", again in "u8).Append(delay).Append(" ms"u8).End();
        }

        private long ScheduleReconnect(long now)
        {
            _phase = Phase.WaitingToReconnect;
            _nextPing = _pongDeadline = long.MaxValue;
            long delay = _backoff.NextDelayMilliseconds();
            _reconnectAt = now + delay;
            return delay;
        }
    }
}
