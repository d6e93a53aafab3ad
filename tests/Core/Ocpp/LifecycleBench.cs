using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ChargePoint.Core;
using ChargePoint.Core.Config;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Meter;
using ChargePoint.Core.Net;
using ChargePoint.Core.Ocpp;
using ChargePoint.Core.Ocpp.Configuration;
using ChargePoint.Core.Ocpp.Rpc;
using ChargePoint.Core.Scheduling;
using ChargePoint.Core.Time;
using ChargePoint.Core.WebSocket;
using ChargePoint.Tests.Core.Net;
using ChargePoint.Tests.Core.WebSocket;
using Xunit;

namespace ChargePoint.Tests.Core.Ocpp
{
    // The whole OCPP connection as firmware/Program.cs wires it: the real OcppLifecycle task over a
    // real WebSocketClient, WebSocketChannel, RpcEndpoint and OcppChargePoint, on a FakeTcpConnection
    // whose far end is a scripted central system, with a fake clock, a network status the test
    // sets and a backoff random that always draws the same number. Nothing sleeps and no socket is
    // opened: Advance moves the clock from one due time to the next, running the scheduler and
    // letting the central system react in between, as the firmware's main loop would.
    //
    // The central system: it accepts, refuses or ignores each TCP connect (OnConnect), answers the
    // opening handshake (ScriptedServer) or not (AnswerHandshake), answers pings (AnswerPings,
    // after PongDelayMilliseconds) and the charge point's CALLs (Answerer; null leaves one
    // unanswered), and can send CALLs, close or drop the link. Its frame reader and writer work on
    // buffers made up front; with Record off they allocate nothing (the zero-allocation test):
    // then every CALL is answered with QuietHeartbeatConf (Heartbeat) or {} and nothing is kept.
    public sealed class LifecycleBench
    {
        public enum TcpAnswer { Accept, Refuse, Ignore }

        // INetworkStatus as the test sets it.
        public sealed class FakeNetwork : INetworkStatus
        {
            public bool IsReady { get; set; } = true;
        }

        // IRandom that always draws Value: 0 makes every reconnect delay the shortest the jitter
        // allows (three quarters of the step).
        public sealed class FixedRandom : IRandom
        {
            public uint Value;
            public int Draws;
            public uint NextUInt32()
            {
                Draws++;
                return Value;
            }
        }

        public const string Url = "ws://10.0.2.2:8180/steve/websocket/CentralSystemService";
        public const string RequestPath = "/steve/websocket/CentralSystemService/CP001";

        public readonly FakeClock Clock = new FakeClock();
        public readonly CapturingSerial Console = new CapturingSerial(1 << 23);
        public readonly Logger Log;
        public readonly Scheduler Scheduler;
        public readonly Settings Settings = new Settings();
        public readonly ConfigurationStore Config;
        public readonly Connector[] Connectors;
        public readonly TransactionQueue Queue;
        public readonly WallClock WallClock;
        public readonly OcppTimings Timings;
        public readonly OcppChargePoint ChargePoint;
        public readonly FakeTcpConnection Tcp;
        public readonly WebSocketClient Socket;
        public readonly RpcEndpoint Rpc;
        public readonly OcppLifecycle Lifecycle;
        public readonly FakeNetwork Network = new FakeNetwork();
        public readonly IRandom BackoffRandom;
        public readonly int OcppTask;

        // ---- the central system's behaviour ------------------------------------------------------
        public TcpAnswer OnConnect = TcpAnswer.Accept;
        public bool AnswerHandshake = true;
        public bool AnswerPings = true;
        public long PongDelayMilliseconds;
        public bool Deaf;                                  // takes no bytes, sends nothing (a black hole)
        public bool CloseAfterAnswering;                   // the close (1001) and TCP's end right behind an answer
        public Func<SentFrame, string> Answerer;           // the CALLRESULT payload for a CALL, or null: none
        public int BootIntervalSeconds = 3600;
        public bool Record = true;

        // ---- what it saw -------------------------------------------------------------------------
        public readonly List<long> ConnectAttempts = new List<long>();   // uptime ms of every TCP connect
        public readonly List<long> Opened = new List<long>();            // uptime ms of every handshake answered
        public readonly List<long> PingTimes = new List<long>();         // uptime ms of every ping received (Record)
        public readonly List<SentFrame> Sent = new List<SentFrame>();    // every text message received (Record)
        public readonly List<int> CloseCodes = new List<int>();          // every close frame received (Record)
        public long Pings, Texts, Heartbeats;
        public ScriptedServer Server { get; private set; }               // the current connection's server end

        private readonly byte[] _in = new byte[1 << 16];
        private int _inLength;
        private readonly byte[] _out = new byte[1 << 14];
        private readonly byte[] _payload = new byte[1 << 14];   // the client frame just read, unmasked
        private readonly byte[] _reply = new byte[1 << 14];     // a CALLRESULT being written
        private readonly byte[] _pong = new byte[125]; // RFC 6455 5.5: a control payload is at most 125 bytes
        private int _pongLength;
        private long _pongDue = long.MaxValue;
        private int _connectsSeen, _signalsSeen;
        private bool _open;
        private bool _closing;   // the server sent its close frame
        private int _nextTransactionId = 2001;

        public static readonly byte[] QuietHeartbeatConf = Encoding.ASCII.GetBytes("{\"currentTime\":\"2024-02-14T06:07:03.000Z\"}");

        public LifecycleBench(Action<OcppTimings> timings = null, IRandom backoffRandom = null, bool networkReady = true)
        {
            Log = new Logger(Clock, Console, 256);
            Scheduler = new Scheduler(Clock, 4);
            var error = new ConfigError();
            Assert.True(ConfigText.Apply(Encoding.ASCII.GetBytes("cs_url=" + Url + "\ncp_id=CP001\ndemo=off\n"), Settings, error) > 0,
                Encoding.ASCII.GetString(error.Message));
            WallClock = new WallClock(Clock);
            Config = new ConfigurationStore(OcppChargePoint.ConnectorCount);
            Connectors = new[]
            {
                new Connector(0, null),
                new Connector(1, new MeterSimulator(Clock)),
                new Connector(2, new MeterSimulator(Clock)),
            };
            Queue = new TransactionQueue(ChargePointBench.TransactionQueueCapacity);
            Timings = new OcppTimings();
            timings?.Invoke(Timings);
            var identity = new ChargePointIdentity("SharpCharge"u8, "mps2-an500"u8, "0.1.0"u8);
            ChargePoint = new OcppChargePoint(identity, Config, Connectors, Queue, WallClock, Clock, Log, Timings);

            // Program: one random for the socket and the endpoint; the backoff's is the test's.
            var random = new XorShiftRandom(ChargePointBench.RandomSeed);
            Tcp = new FakeTcpConnection(sendWindow: 1 << 15, receiveCapacity: 1 << 17);
            const int messageBytes = ChargePointBench.MessageBytes;
            Socket = new WebSocketClient(Tcp, Clock, random, Log, messageBytes, messageBytes + WebSocketClient.ReceiveOverhead,
                2 * messageBytes + 512, Timings.HandshakeTimeoutMilliseconds);
            Rpc = new RpcEndpoint(new WebSocketChannel(Socket), random, Log, messageBytes, ChargePoint, ChargePoint);
            BackoffRandom = backoffRandom ?? new FixedRandom();
            Network.IsReady = networkReady;
            Lifecycle = new OcppLifecycle(Socket, ChargePoint, Network, Settings, Config, Scheduler, Log, Timings, BackoffRandom);
            OcppTask = Scheduler.Add(Lifecycle);
            ChargePoint.Attach(Rpc, Scheduler, OcppTask);
            Lifecycle.Start(Rpc, OcppTask);
            Answerer = DefaultConf;
            Scheduler.Start();
        }

        public long Now => Clock.UptimeMicroseconds / 1000;
        public string LogText => Console.Text;
        public long Runs => Scheduler.RunsOf(OcppTask);
        public IEnumerable<SentFrame> Calls(string action) => Sent.Where(f => f.IsCall && f.Action == action);
        public IEnumerable<SentFrame> CallsSince(int index) => Sent.Skip(index).Where(f => f.IsCall);
        public string CentralSystemTime => ChargePointBench.Iso(ChargePointBench.CentralSystemEpochSeconds * 1000 + Now);

        // The gaps between consecutive connect attempts.
        public long[] AttemptGaps => ConnectAttempts.Zip(ConnectAttempts.Skip(1), (a, b) => b - a).ToArray();

        // ---- time ----------------------------------------------------------------------------------
        // Moves the clock forward by `milliseconds`: at each moment something is due, the tasks run
        // (the lifecycle task also when the connection signalled, as lwIP's callbacks signal its
        // owner) and the central system reacts, until neither has anything left to do.
        public void Advance(long milliseconds)
        {
            long target = Now + milliseconds;
            while (true)
            {
                Settle();
                long wait = Scheduler.MillisecondsUntilNextWake();
                long next = wait == Scheduler.Never ? long.MaxValue : Now + Math.Max(wait, 1); // 0: a task that cannot progress
                next = Math.Min(next, _pongDue);
                if (next > target)
                {
                    Clock.UptimeMicroseconds = target * 1000;
                    return;
                }
                Clock.UptimeMicroseconds = Math.Max(next, Now) * 1000;
            }
        }

        // Advance until `condition` holds (checked at each due time), at most `limit` ms: whether it did.
        public bool AdvanceUntil(Func<bool> condition, long limit)
        {
            long end = Now + limit;
            Advance(0); // what is due now first
            while (!condition())
            {
                if (Now >= end) return false;
                long wait = Scheduler.MillisecondsUntilNextWake();
                long step = wait == Scheduler.Never ? end - Now : Math.Max(wait, 1);
                if (_pongDue != long.MaxValue) step = Math.Min(step, Math.Max(_pongDue - Now, 1));
                Advance(Math.Min(step, end - Now));
            }
            return true;
        }

        // A task that keeps asking to run now without progress (a busy loop on the device) gets
        // a bounded number of runs per moment here, then the clock moves on by a millisecond: its
        // run count (Runs) shows it.
        private void Settle()
        {
            for (int round = 0; round < 50; round++)
            {
                SignalOwner();
                int ran = Scheduler.RunDue();
                bool acted = Serve();
                SignalOwner();
                if (ran == 0 && !acted) return;
            }
        }

        private void SignalOwner()
        {
            if (Tcp.Signals == _signalsSeen) return;
            _signalsSeen = Tcp.Signals;
            Scheduler.Signal(OcppTask);
        }

        // ---- the central system --------------------------------------------------------------------
        private bool Serve()
        {
            bool acted = false;
            if (Tcp.Connects != _connectsSeen)
            {
                // A new connection: a fresh server end (what the last one read belongs to the old one).
                _connectsSeen = Tcp.Connects;
                ConnectAttempts.Add(Now);
                Server = new ScriptedServer(Tcp);
                _open = false;
                _closing = false;
                _inLength = 0;
                _pongDue = long.MaxValue;
            }
            if (Tcp.State == TcpState.Resolving)
            {
                if (OnConnect == TcpAnswer.Accept) Tcp.Accept();
                else if (OnConnect == TcpAnswer.Refuse) Tcp.Fail(TcpError.Refused);
                acted = OnConnect != TcpAnswer.Ignore;
            }
            if (Tcp.State != TcpState.Connected || Deaf) return acted;
            if (!_open)
            {
                if (Tcp.Unacknowledged == 0) return acted;
                if (!AnswerHandshake)
                {
                    Server.Pump(); // read and left unanswered
                    return true;
                }
                Server.Accept();
                Assert.Equal("GET " + RequestPath + " HTTP/1.1", Server.RequestLine);
                _open = true;
                Opened.Add(Now);
                return true;
            }
            if (_pongDue <= Now)
            {
                _pongDue = long.MaxValue;
                SendFrame(0xA, new ReadOnlySpan<byte>(_pong, 0, _pongLength));
                acted = true;
            }
            while (true)
            {
                int count = Tcp.Acknowledge(new Span<byte>(_in, _inLength, _in.Length - _inLength));
                if (count == 0) break;
                _inLength += count;
                acted = true;
            }
            while (TryReadFrame(out int opcode, out int length))
            {
                OnFrame(opcode, new ReadOnlySpan<byte>(_payload, 0, length));
                acted = true;
                if (!_open) break;
            }
            return acted;
        }

        // One whole client frame from what was read, unmasked into _payload.
        private bool TryReadFrame(out int opcode, out int length)
        {
            opcode = 0;
            length = 0;
            if (_inLength < 2) return false;
            if ((_in[1] & 0x80) == 0) throw new InvalidOperationException("a client frame without the mask bit");
            int at = 2;
            length = _in[1] & 0x7F;
            if (length == 126)
            {
                if (_inLength < 4) return false;
                length = _in[2] << 8 | _in[3];
                at = 4;
            }
            else if (length == 127) throw new InvalidOperationException("a 64-bit length from the charge point");
            if (_inLength < at + 4 + length) return false;
            opcode = _in[0] & 0x0F;
            for (int i = 0; i < length; i++) _payload[i] = (byte)(_in[at + 4 + i] ^ _in[at + (i & 3)]);
            int used = at + 4 + length;
            Buffer.BlockCopy(_in, used, _in, 0, _inLength - used);
            _inLength -= used;
            return true;
        }

        private void OnFrame(int opcode, ReadOnlySpan<byte> payload)
        {
            switch (opcode)
            {
                case 0x9:
                    Pings++;
                    if (Record) PingTimes.Add(Now);
                    if (!AnswerPings) return;
                    payload.CopyTo(_pong);
                    _pongLength = payload.Length;
                    if (PongDelayMilliseconds > 0) _pongDue = Now + PongDelayMilliseconds;
                    else SendFrame(0xA, payload);
                    return;
                case 0x8:
                    if (Record) CloseCodes.Add(payload.Length >= 2 ? payload[0] << 8 | payload[1] : 1005);
                    if (!_closing) SendFrame(0x8, payload); // the close handshake's answer (RFC 6455 5.5.1) ...
                    Tcp.PeerClose();                        // ... then the server closes TCP (7.1.1)
                    _open = false;
                    return;
                case 0x1:
                    Texts++;
                    OnText(payload);
                    return;
            }
        }

        private void OnText(ReadOnlySpan<byte> text)
        {
            if (!Record)
            {
                // [2,"id","Action",{...}]: answered without keeping anything.
                if (text.Length < 5 || text[1] != (byte)'2') return;
                ReadOnlySpan<byte> rest = text.Slice(4);
                int idEnd = rest.IndexOf((byte)'"');
                ReadOnlySpan<byte> id = rest.Slice(0, idEnd);
                ReadOnlySpan<byte> action = rest.Slice(idEnd + 3);
                bool heartbeat = action.StartsWith("Heartbeat\""u8);
                if (heartbeat) Heartbeats++;
                SendResult(id, heartbeat ? QuietHeartbeatConf : "{}"u8);
                return;
            }
            var frame = new SentFrame(Encoding.UTF8.GetString(text), Now);
            Sent.Add(frame);
            if (!frame.IsCall) return;
            if (frame.Action == "Heartbeat") Heartbeats++;
            string answer = Answerer(frame);
            if (answer == null) return;
            SendResult(Encoding.UTF8.GetBytes(frame.Id), Encoding.UTF8.GetBytes(answer));
            if (!CloseAfterAnswering) return;
            Server.SendClose(1001, "bye");
            Tcp.PeerClose();
            _open = false;
        }

        private void SendResult(ReadOnlySpan<byte> id, ReadOnlySpan<byte> payload)
        {
            int length = 0;
            Put("[3,\""u8, ref length);
            Put(id, ref length);
            Put("\","u8, ref length);
            Put(payload, ref length);
            Put("]"u8, ref length);
            SendFrame(0x1, new ReadOnlySpan<byte>(_reply, 0, length));
        }

        private void Put(ReadOnlySpan<byte> bytes, ref int length)
        {
            bytes.CopyTo(new Span<byte>(_reply, length, bytes.Length));
            length += bytes.Length;
        }

        // An unmasked server frame (RFC 6455 5.2), delivered on the connection.
        private void SendFrame(int opcode, ReadOnlySpan<byte> payload)
        {
            int at;
            _out[0] = (byte)(0x80 | opcode);
            if (payload.Length < 126)
            {
                _out[1] = (byte)payload.Length;
                at = 2;
            }
            else
            {
                _out[1] = 126;
                _out[2] = (byte)(payload.Length >> 8);
                _out[3] = (byte)payload.Length;
                at = 4;
            }
            payload.CopyTo(new Span<byte>(_out, at, payload.Length));
            Tcp.Deliver(new ReadOnlySpan<byte>(_out, 0, at + payload.Length));
        }

        // ---- the central system's actions ------------------------------------------------------------
        // Sends [2, id, action, payload] and runs until the charge point answered it: that answer.
        public SentFrame Call(string id, string action, string payloadJson)
        {
            int before = Sent.Count;
            Server.SendText("[2,\"" + id + "\",\"" + action + "\"," + payloadJson + "]");
            Advance(0);
            SentFrame answer = Sent.Skip(before).SingleOrDefault(f => !f.IsCall && f.Id == id);
            Assert.True(answer != null, "no answer to " + action + "; log:\n" + LogText);
            return answer;
        }

        // ChangeConfiguration from the central system, Accepted.
        public void ChangeConfiguration(string key, string value)
        {
            SentFrame answer = Call("cc-" + Now, "ChangeConfiguration", "{\"key\":\"" + key + "\",\"value\":\"" + value + "\"}");
            Assert.True(answer.IsResult && answer.Payload.GetProperty("status").GetString() == "Accepted", answer.Text);
        }

        // The central system goes away without a close frame (its TCP connection reset).
        public void DropLink()
        {
            Tcp.Fail(TcpError.Reset);
            _open = false;
            Advance(0);
        }

        // The central system closes the WebSocket properly (1001 going away) and then TCP.
        public void CloseLink(int code = 1001)
        {
            _closing = true;
            Server.SendClose(code, "bye");
            Advance(0);
        }

        // Connected (after the network, TCP and the handshake), BootNotification accepted and every
        // StatusNotification answered.
        public void Boot(long limitMilliseconds = 5000)
        {
            Assert.True(AdvanceUntil(() => ChargePoint.Registration == RegistrationStatus.Accepted && !Rpc.IsCallPending, limitMilliseconds),
                "not registered; log:\n" + LogText);
            Assert.Equal(OcppLifecycle.Phase.Connected, Lifecycle.State);
        }

        // What a central system answers (the OCPP 1.6 .conf of each action).
        public string DefaultConf(SentFrame call) =>
            DefaultAnswers.For(call.Action, CentralSystemTime, BootIntervalSeconds, ref _nextTransactionId);
    }
}
