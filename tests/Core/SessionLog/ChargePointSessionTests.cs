using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ChargePoint.Core.Meter;
using ChargePoint.Core.Ocpp;
using ChargePoint.Core.Scheduling;
using ChargePoint.Core.SessionLog;
using ChargePoint.Tests.Core.Ocpp;
using Xunit;

namespace ChargePoint.Tests.Core.SessionLog
{
    // The charge point tells its IChargingSessionObserver each step of a real OCPP session (the
    // demo against the test's central system, ChargePointBench), in order; and the session stream
    // wired to it streams the seed's lines.
    public class ChargePointSessionTests
    {
        private sealed class Recorder : IChargingSessionObserver
        {
            public readonly List<string> Calls = new List<string>();
            public void AuthorizationRequested(int connector, ReadOnlySpan<byte> idTag) => Calls.Add($"requested {connector} {Encoding.ASCII.GetString(idTag)}");
            public void Authorized(int connector, AuthorizationStatus status) => Calls.Add($"authorized {connector} {status}");
            public void TransactionStarted(int connector, ReadOnlySpan<byte> idTag) => Calls.Add($"started {connector} {Encoding.ASCII.GetString(idTag)}");
            public void TransactionStopping(int connector) => Calls.Add($"stopping {connector}");
        }

        private static ChargePointBench Demo() => new ChargePointBench(new DemoSession.Timings
        {
            AuthorizeAfterBootMilliseconds = 2000,
            StopAfterStartMilliseconds = 5000,
            StaggerMilliseconds = 1000,
            UnplugAfterStopMilliseconds = 1000,
        });

        [Fact]
        public void The_demo_session_tells_each_step_in_order()
        {
            ChargePointBench bench = Demo();
            var recorder = new Recorder();
            bench.ChargePoint.UseSessionObserver(recorder);
            bench.Boot();
            bench.AutoAnswer = true;
            bench.Advance(15000);
            Assert.True(bench.Demo.IsDone, bench.LogText);
            Assert.Equal(new[]
            {
                "requested 1 ZepId00", "requested 2 ZepId01",
                "authorized 1 Accepted", "authorized 2 Accepted",
                "started 1 ZepId00", "started 2 ZepId01",
                "stopping 1", "stopping 2",
            }, recorder.Calls);
        }

        [Fact]
        public void A_refused_idTag_is_told_with_the_central_systems_status_and_nothing_starts()
        {
            ChargePointBench bench = Demo();
            var recorder = new Recorder();
            bench.ChargePoint.UseSessionObserver(recorder);
            bench.Answerer = call => call.Action == "Authorize" ? "{\"idTagInfo\":{\"status\":\"Blocked\"}}" : bench.DefaultConf(call);
            bench.Boot();
            bench.AutoAnswer = true;
            bench.Advance(15000);
            Assert.Equal(new[] { "requested 1 ZepId00", "requested 2 ZepId01", "authorized 1 Blocked", "authorized 2 Blocked" }, recorder.Calls);
        }

        [Fact]
        public void An_authorization_that_fails_offline_is_told_as_invalid()
        {
            var bench = new ChargePointBench();
            var recorder = new Recorder();
            bench.ChargePoint.UseSessionObserver(recorder);
            bench.Configure("LocalAuthorizeOffline", "false");
            Assert.True(bench.ChargePoint.RequestAuthorize(1, "ZepId00"u8)); // never connected: offline, unknown idTag
            Assert.Equal(new[] { "requested 1 ZepId00", "authorized 1 Invalid" }, recorder.Calls);
        }

        [Fact]
        public void A_remote_start_without_authorization_is_told_as_a_started_transaction_only()
        {
            var bench = new ChargePointBench();
            var recorder = new Recorder();
            bench.ChargePoint.UseSessionObserver(recorder);
            bench.Boot(intervalSeconds: 3600);
            bench.Configure("AuthorizeRemoteTxRequests", "false");
            bench.CallForResult("r1", "RemoteStartTransaction", "{\"connectorId\":1,\"idTag\":\"Remote01\"}");
            bench.Settle();
            bench.CallForResult("r2", "RemoteStopTransaction", "{\"transactionId\":1001}");
            bench.Settle();
            Assert.Equal(new[] { "started 1 Remote01", "stopping 1" }, recorder.Calls);
        }

        [Fact]
        public void The_stream_of_a_demo_session_has_the_seeds_lines_in_the_seeds_order()
        {
            ChargePointBench bench = Demo();
            var port = new FakeStreamPort();
            var scheduler = new Scheduler(bench.Clock, 2);
            var meters = new IMeter[] { null, bench.Connectors[1].Meter, bench.Connectors[2].Meter };
            var stream = new SessionStream(bench.Clock, new LogRing(16384), port, meters, new SessionStreamOptions());
            var pump = new LogPump(stream, scheduler);
            stream.Attach(scheduler, scheduler.Add(stream), pump.Start(scheduler.Add(pump)));
            scheduler.Start();
            bench.ChargePoint.UseSessionObserver(stream);
            bench.Boot();
            bench.AutoAnswer = true;
            for (int i = 0; i < 15000; i++)
            {
                bench.Advance(1);
                scheduler.RunDue();
            }
            string[] lines = port.Text.Split("\r\n");
            Assert.Equal(new[]
            {
                "=== OCPP USB High-Speed Logger ===", "This showcases USB High-Speed (480 Mbps) data transfer",
                "Logging charging session data in real-time", "",
                "[START] Connector 1: ID=ZepId00", "[START] Connector 2: ID=ZepId01",
                "[AUTH] Connector 1: Authorized (status=1)", "[AUTH] Connector 2: Authorized (status=1)",
                "[METER] Conn1: 7 Wh (reading #1)", "[METER] Conn2: 7 Wh (reading #2)",
            }, lines.Take(10));
            Assert.Equal("[STOP] Connector 1: Session ended", lines.Single(l => l.StartsWith("[STOP] Connector 1", StringComparison.Ordinal)));
            int stop2 = Array.IndexOf(lines, "[STOP] Connector 2: Session ended");
            Assert.Equal(new[] { "", "=== Session Summary ===", $"Total meter readings: {lines.Count(l => l.StartsWith("[METER]", StringComparison.Ordinal))}" },
                lines.Skip(stop2 + 1).Take(3));
            Assert.Equal(5 + 1 + 6 + 1, lines.Count(l => l.StartsWith("[METER]", StringComparison.Ordinal))); // 5 s and 6 s of charging, a reading a second
        }
    }
}
