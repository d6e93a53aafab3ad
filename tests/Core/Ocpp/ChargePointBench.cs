using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using ChargePoint.Core;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Meter;
using ChargePoint.Core.Ocpp;
using ChargePoint.Core.Ocpp.Configuration;
using ChargePoint.Core.Ocpp.Rpc;
using ChargePoint.Core.Scheduling;
using ChargePoint.Core.Time;
using Xunit;

namespace ChargePoint.Tests.Core.Ocpp
{
    // The charge point wired exactly as firmware/Program.cs wires it (ConfigurationStore(2), three
    // connectors with simulated meters, TransactionQueue(64), WallClock, OcppTimings, an RpcEndpoint
    // of OcppMessageBytes with a fixed-seed XorShiftRandom, and the task that runs it as
    // OcppLifecycle does), on a FakeChannel and a fake clock, with the test as the central system:
    // it answers the charge point's CALL, sends CALLs of its own and moves time.
    //
    // The link as OcppLifecycle drives it: Connect is OnOpened (OnConnected, then a run);
    // Disconnect is OnClosed (RpcEndpoint.OnDisconnected, then OcppChargePoint.OnDisconnected).
    // The task also runs the charge point while the link is down (sampling the meters, a reset's
    // time limit), as OcppLifecycle does in every phase; RunWhileOffline = false leaves that out.
    // No ISystemReset is wired (Reset.req is Rejected) until WireSystemReset.
    public sealed class ChargePointBench
    {
        // ISystemReset that records the restarts instead of restarting.
        public sealed class FakeSystemReset : ISystemReset
        {
            public readonly List<(bool Hard, long AtMilliseconds)> Restarts = new List<(bool, long)>();
            private readonly FakeClock _clock;
            public FakeSystemReset(FakeClock clock) { _clock = clock; }
            public void Restart(bool hard) => Restarts.Add((hard, _clock.UptimeMicroseconds / 1000));
        }

        public const uint RandomSeed = 0x5EED0CB1;
        public const int MessageBytes = 4096;               // Program.OcppMessageBytes
        public const int TransactionQueueCapacity = 64;     // Program.TransactionQueueCapacity
        public const long CentralSystemEpochSeconds = 1707890823; // the central system's clock at uptime 0: 2024-02-14T06:07:03Z

        public readonly FakeClock Clock = new FakeClock();
        public readonly CapturingSerial Console = new CapturingSerial(1 << 23);
        public readonly Logger Log;
        public readonly ConfigurationStore Config;
        public readonly Connector[] Connectors;
        public readonly TransactionQueue Queue;
        public readonly WallClock WallClock;
        public readonly OcppTimings Timings;
        public readonly Scheduler Scheduler;
        public readonly FakeChannel Channel;
        public readonly OcppChargePoint ChargePoint;
        public readonly RpcEndpoint Rpc;
        public readonly DemoSession Demo;
        private readonly int _ocppTask;
        private readonly byte[] _frame = new byte[MessageBytes + 64];
        private int _nextTransactionId = 1001;
        private bool _connected;

        // What the central system answers with when the test does not say (AnswerPending, AutoAnswer).
        public int BootIntervalSeconds = 300;
        public bool AutoAnswer;                              // Advance answers every CALL at once
        public Func<SentFrame, string> Answerer;             // a payload, or null to leave the CALL unanswered
        public bool RunWhileOffline = true;                  // the task runs the charge point without a link too
        public readonly FakeSystemReset SystemReset;

        public ChargePointBench(DemoSession.Timings demo = null)
        {
            Log = new Logger(Clock, Console, 256);
            Scheduler = new Scheduler(Clock, 4);
            WallClock = new WallClock(Clock);
            Config = new ConfigurationStore(OcppChargePoint.ConnectorCount);
            Connectors = new[]
            {
                new Connector(0, null),
                new Connector(1, new MeterSimulator(Clock)),
                new Connector(2, new MeterSimulator(Clock)),
            };
            Queue = new TransactionQueue(TransactionQueueCapacity);
            Timings = new OcppTimings();
            var identity = new ChargePointIdentity("SharpCharge"u8, "mps2-an500"u8, "0.1.0"u8);
            ChargePoint = new OcppChargePoint(identity, Config, Connectors, Queue, WallClock, Clock, Log, Timings);
            SystemReset = new FakeSystemReset(Clock);
            Channel = new FakeChannel(Clock);
            Channel.IsOpen = false;
            Rpc = new RpcEndpoint(Channel, new XorShiftRandom(RandomSeed), Log, MessageBytes, ChargePoint, ChargePoint);
            _ocppTask = Scheduler.Add(new LinkTask(this));
            ChargePoint.Attach(Rpc, Scheduler, _ocppTask);
            if (demo != null)
            {
                Demo = new DemoSession(ChargePoint, Scheduler, Log, demo);
                Demo.Start(Scheduler.Add(Demo));
            }
            Answerer = DefaultConf;
            Scheduler.Start();
        }

        // Program's wiring of the board's reset (OcppChargePoint.UseSystemReset), with the fake.
        public void WireSystemReset() => ChargePoint.UseSystemReset(SystemReset);

        public long Now => Clock.UptimeMicroseconds / 1000;
        public List<SentFrame> Sent => Channel.Sent;
        public IEnumerable<SentFrame> Calls(string action) => Sent.Where(f => f.IsCall && f.Action == action);
        public IEnumerable<SentFrame> CallsSince(int index) => Sent.Skip(index).Where(f => f.IsCall);
        public string LogText => Console.Text;

        // The central system's time now, as it writes it in currentTime.
        public string CentralSystemTime => Iso(CentralSystemEpochSeconds * 1000 + Now);

        public static string Iso(long unixMilliseconds) =>
            DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        // ---- the link, as OcppLifecycle drives it ----------------------------------------------------
        private sealed class LinkTask : ITask
        {
            private readonly ChargePointBench _bench;
            public LinkTask(ChargePointBench bench) { _bench = bench; }
            public ReadOnlySpan<byte> Name => "ocpp"u8;
            public void Run(long now) => _bench.RunLink(now);
        }

        private long RunLink(long now)
        {
            long wake = long.MaxValue;
            if (_connected)
            {
                Rpc.Flush();
                Rpc.CheckTimeout(now);
                wake = ChargePoint.Run(now);
            }
            else if (RunWhileOffline)
            {
                wake = ChargePoint.Run(now);
            }
            if (wake == long.MaxValue) Scheduler.Cancel(_ocppTask);
            else Scheduler.WakeAt(_ocppTask, Math.Max(wake, now));
            return wake;
        }

        // One run of the OCPP task now: the uptime it wants to run again at.
        public long Run() => RunLink(Now);

        // The WebSocket opened: OcppLifecycle.OnOpened, then its first run.
        public void Connect()
        {
            Channel.IsOpen = true;
            _connected = true;
            ChargePoint.OnConnected();
            Run();
        }

        // The WebSocket closed: OcppLifecycle.OnClosed.
        public void Disconnect()
        {
            Channel.IsOpen = false;
            _connected = false;
            Rpc.OnDisconnected();
            ChargePoint.OnDisconnected();
            Run();
        }

        // Disconnect, `offlineMilliseconds` without a link, Connect: nothing is answered here.
        public void Reconnect(long offlineMilliseconds = 5000)
        {
            Disconnect();
            Advance(offlineMilliseconds);
            Connect();
        }

        // Moves the clock forward by `milliseconds`, running every task when it is due (the
        // scheduler's main loop) and, with AutoAnswer, answering each CALL as it goes out.
        public void Advance(long milliseconds)
        {
            long target = Now + milliseconds;
            while (true)
            {
                for (int round = 0; round < 1000; round++)
                {
                    bool answered = AutoAnswer && Rpc.IsCallPending && AnswerPending();
                    if (Scheduler.RunDue() == 0 && !answered) break;
                }
                long wait = Scheduler.MillisecondsUntilNextWake();
                long next = wait == Scheduler.Never ? long.MaxValue : Now + Math.Max(wait, 1); // 0: a task that cannot progress
                if (next > target)
                {
                    Clock.UptimeMicroseconds = target * 1000;
                    return;
                }
                Clock.UptimeMicroseconds = next * 1000;
            }
        }

        // Advance until the charge point sends its next CALL (at most `limit` ms; one outstanding
        // now may time out meanwhile): that CALL, or null.
        public SentFrame AdvanceUntilCall(long limit)
        {
            long end = Now + limit;
            long sent = Rpc.CallsSent;
            while (Now < end && Rpc.CallsSent == sent)
            {
                long wait = Scheduler.MillisecondsUntilNextWake();
                long step = wait == Scheduler.Never ? end - Now : Math.Min(Math.Max(wait, 1), end - Now);
                Advance(step);
            }
            return Rpc.CallsSent != sent ? PendingCall : null;
        }

        // ---- the charge point's CALLs --------------------------------------------------------------------
        // The CALL awaiting its answer.
        public SentFrame PendingCall
        {
            get
            {
                Assert.True(Rpc.IsCallPending, "no CALL is outstanding; sent:\n" + string.Join("\n", Sent));
                string id = Encoding.UTF8.GetString(Rpc.PendingMessageId);
                return Sent.Last(f => f.IsCall && f.Id == id);
            }
        }

        public SentFrame ExpectCall(string action)
        {
            SentFrame call = PendingCall;
            Assert.True(call.Action == action, "expected " + action + ", the charge point sent " + call.Text);
            return call;
        }

        public void AnswerResult(string payloadJson) => Deliver("[3,\"" + PendingCall.Id + "\"," + payloadJson + "]");

        public void AnswerError(string code, string description = "")
        {
            Deliver("[4,\"" + PendingCall.Id + "\",\"" + code + "\"," + System.Text.Json.JsonSerializer.Serialize(description) + ",{}]");
        }

        // The same without allocating: [3, pending id, payload] built in a buffer made up front.
        public void AnswerResult(ReadOnlySpan<byte> payloadJson)
        {
            ReadOnlySpan<byte> id = Rpc.PendingMessageId;
            int length = 0;
            Put("[3,\""u8, ref length);
            Put(id, ref length);
            Put("\","u8, ref length);
            Put(payloadJson, ref length);
            Put("]"u8, ref length);
            Rpc.OnMessage(new ReadOnlySpan<byte>(_frame, 0, length));
            Run();
        }

        private void Put(ReadOnlySpan<byte> bytes, ref int length)
        {
            bytes.CopyTo(new Span<byte>(_frame, length, bytes.Length));
            length += bytes.Length;
        }

        // Answers the outstanding CALL the way Answerer says; false when it leaves it unanswered.
        public bool AnswerPending()
        {
            SentFrame call = PendingCall;
            string payload = Answerer(call);
            if (payload == null) return false;
            AnswerResult(payload);
            return true;
        }

        // Answers every CALL that goes out now until none is outstanding.
        public void Settle()
        {
            for (int i = 0; i < 100 && Rpc.IsCallPending; i++)
                if (!AnswerPending()) return;
        }

        // Connected, BootNotification accepted, every StatusNotification answered.
        public void Boot(int intervalSeconds = 300)
        {
            BootIntervalSeconds = intervalSeconds;
            Connect();
            ExpectCall("BootNotification");
            Settle();
            Assert.Equal(RegistrationStatus.Accepted, ChargePoint.Registration);
        }

        // What a central system answers (the OCPP 1.6 .conf of each action).
        public string DefaultConf(SentFrame call) =>
            DefaultAnswers.For(call.Action, CentralSystemTime, BootIntervalSeconds, ref _nextTransactionId);

        // ---- the central system's CALLs ---------------------------------------------------------------
        public void Deliver(string text)
        {
            Rpc.OnMessage(Encoding.UTF8.GetBytes(text));
            Run();
        }

        public void Deliver(ReadOnlySpan<byte> text)
        {
            Rpc.OnMessage(text);
            Run();
        }

        // The action of every CALL the test sent with Call, by message id (for the schema checks).
        public readonly Dictionary<string, string> CallActions = new Dictionary<string, string>();

        // Every frame the charge point sent, against the OCPP 1.6 schemas: a CALL by its action's
        // .req, a CALLRESULT to a CALL sent with Call by that action's .conf (a CALLERROR has no
        // payload schema: its shape is checked).
        public void AssertEveryFrameMatchesSchemas(OcppSchemaValidator schemas)
        {
            foreach (SentFrame frame in Sent)
            {
                frame.AssertWellFormed();
                if (frame.IsCall) schemas.AssertValid(frame.Action, "req", frame.Payload.GetRawText(), frame.Text);
                else if (frame.IsResult && CallActions.TryGetValue(frame.Id, out string action))
                    schemas.AssertValid(action, "conf", frame.Payload.GetRawText(), frame.Text);
            }
        }

        // ChangeConfiguration's effect, done locally (the key must accept the value).
        public void Configure(string key, string value) =>
            Assert.Equal(ConfigurationStatus.Accepted, Config.TryChange(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value)));

        // Every answer (CALLRESULT or CALLERROR) sent for message id `id`.
        public List<SentFrame> AnswersTo(string id) => Sent.Where(f => !f.IsCall && f.Id == id).ToList();

        // Sends [2, id, action, payload] and returns the answer to it (null when none went out),
        // checking that at most one did.
        public SentFrame Call(string id, string action, string payloadJson)
        {
            int before = Sent.Count;
            CallActions[id] = action;
            Rpc.OnMessage(Encoding.UTF8.GetBytes("[2,\"" + id + "\",\"" + action + "\"," + payloadJson + "]"));
            List<SentFrame> answers = Sent.Skip(before).Where(f => !f.IsCall && f.Id == id).ToList();
            Assert.True(answers.Count <= 1, "more than one answer to " + id + ":\n" + string.Join("\n", answers));
            Run();
            return answers.Count == 1 ? answers[0] : null;
        }

        // The same, for the answer's payload (a CALLRESULT is expected).
        public System.Text.Json.JsonElement CallForResult(string id, string action, string payloadJson)
        {
            SentFrame answer = Call(id, action, payloadJson);
            Assert.True(answer != null, "no answer to " + action);
            Assert.True(answer.IsResult, "expected a CALLRESULT, got " + answer.Text);
            return answer.Payload;
        }
    }
}
