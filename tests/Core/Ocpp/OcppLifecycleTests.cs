using System;
using System.Linq;
using ChargePoint.Core;
using ChargePoint.Core.Ocpp;
using Xunit;

namespace ChargePoint.Tests.Core.Ocpp
{
    // The connection's life on the host (OcppLifecycle over the real WebSocket client, RPC endpoint
    // and charge point, LifecycleBench): the dead-link detector (OCPP-J 1.6 section 5,
    // WebSocketPingInterval; the response timeout; the handshake timeout), the reconnect backoff
    // and when it starts again from its first step, the network not ready yet, and the charge
    // point running on while the link is down.
    //
    // The bench's backoff random draws 0 unless a test says otherwise: every delay is then the
    // shortest the jitter allows, three quarters of the step (1500 ms for the first, 2000 ms step).
    public class OcppLifecycleTests
    {
        private const long PongTimeout = 10000;      // OcppTimings.PongTimeoutMilliseconds
        private const long ResponseTimeout = 30000;  // OcppTimings.ResponseTimeoutMilliseconds
        private const long HandshakeTimeout = 10000; // OcppTimings.HandshakeTimeoutMilliseconds
        private const long FirstDelay = 1500;        // the first step, 2000 ms, with the jitter at its least

        // The console's uptime stamp of a line logged at `milliseconds`.
        private static string Stamp(long milliseconds) =>
            "[" + (milliseconds / 3600000).ToString("00") + ":" + (milliseconds / 60000 % 60).ToString("00") + ":"
            + (milliseconds / 1000 % 60).ToString("00") + "." + (milliseconds % 1000).ToString("000") + ",000]";

        private static LifecycleBench Booted(Action<OcppTimings> timings = null, int heartbeatSeconds = 3600)
        {
            var bench = new LifecycleBench(timings);
            bench.BootIntervalSeconds = heartbeatSeconds;
            bench.Boot();
            return bench;
        }

        // ---- the WebSocket ping ------------------------------------------------------------------------

        [Fact]
        public void Pings_go_out_every_WebSocketPingInterval_and_pongs_in_time_keep_the_link()
        {
            LifecycleBench bench = Booted();
            long opened = bench.Opened.Single();
            bench.PongDelayMilliseconds = PongTimeout - 1000; // slow, but in time
            bench.Advance(185000);
            // The default WebSocketPingInterval is 60 s, counted from the opening, then from each ping.
            Assert.Equal(new[] { opened + 60000, opened + 120000, opened + 180000 }, bench.PingTimes);
            Assert.Equal(opened + 120000 + PongTimeout - 1000, bench.Socket.LastPongMilliseconds);
            Assert.Equal(0, bench.Lifecycle.DeadLinks);
            Assert.Equal(1, bench.Lifecycle.Connections);
            Assert.Single(bench.ConnectAttempts);
            Assert.Equal(OcppLifecycle.Phase.Connected, bench.Lifecycle.State);
            Assert.DoesNotContain("dead", bench.LogText);
        }

        // The pong's deadline is PongTimeoutMilliseconds, or the interval when that is shorter (the
        // next ping would be due before it).
        [Theory]
        [InlineData(60, PongTimeout)]
        [InlineData(4, 4000)]
        public void Without_a_pong_in_time_the_link_is_abandoned_as_dead_and_a_reconnect_follows(int intervalSeconds, long deadAfter)
        {
            LifecycleBench bench = Booted();
            if (intervalSeconds != 60) bench.ChangeConfiguration("WebSocketPingInterval", intervalSeconds.ToString());
            long changed = bench.Now;
            bench.AnswerPings = false; // the central system still answers CALLs, but not pings
            Assert.True(bench.AdvanceUntil(() => bench.Lifecycle.DeadLinks > 0, 120000), bench.LogText);
            long ping = bench.PingTimes.Single();
            Assert.Equal(changed + intervalSeconds * 1000L, ping);
            long dead = ping + deadAfter;
            Assert.Equal(dead, bench.Now);
            Assert.Contains(Stamp(dead) + " <wrn> ocpp: link to the central system is dead: no pong to the WebSocket ping in time", bench.LogText);
            Assert.Contains(Stamp(dead) + " <wrn> ocpp: connection closed (abandoned as a dead link, code 1006), again in 1500 ms", bench.LogText);
            Assert.Equal(1, bench.Lifecycle.Disconnections);
            Assert.Empty(bench.CloseCodes); // abandoned: no close handshake on a dead link
            Assert.Equal(OcppLifecycle.Phase.WaitingToReconnect, bench.Lifecycle.State);

            // The boot reset the backoff: the first step.
            bench.AnswerPings = true;
            bench.Advance(FirstDelay);
            Assert.Equal(new[] { 0, dead + FirstDelay }, bench.ConnectAttempts);
            Assert.Equal(2, bench.Lifecycle.Connections);
            Assert.Single(bench.Calls("BootNotification")); // the charge point did not reboot
            bench.Advance(intervalSeconds * 1000L + deadAfter);
            Assert.Equal(1, bench.Lifecycle.DeadLinks);
        }

        [Fact]
        public void A_link_that_stopped_carrying_anything_is_found_dead_by_the_ping()
        {
            LifecycleBench bench = Booted();
            bench.Deaf = true; // a black hole: nothing is read, nothing comes back
            bench.Advance(60000 + PongTimeout);
            Assert.Equal(1, bench.Lifecycle.DeadLinks);
            Assert.Contains(Stamp(60000 + PongTimeout) + " <wrn> ocpp: link to the central system is dead: no pong", bench.LogText);
            bench.Advance(FirstDelay);
            Assert.Equal(2, bench.ConnectAttempts.Count);
        }

        // OCPP 1.6 9.1.34 WebSocketPingInterval: a change takes effect on the open connection, the
        // next ping one new interval after the change.
        [Theory]
        [InlineData(15, new long[] { 35000, 50000, 65000, 80000 })]
        [InlineData(120, new long[] { 140000, 260000 })]
        public void A_new_WebSocketPingInterval_applies_on_the_open_connection_from_the_change(int seconds, long[] expected)
        {
            LifecycleBench bench = Booted();
            Assert.Equal(0, bench.Opened.Single());
            bench.Advance(20000);
            bench.ChangeConfiguration("WebSocketPingInterval", seconds.ToString());
            bench.Advance(expected[expected.Length - 1] - bench.Now);
            Assert.Equal(expected, bench.PingTimes);
            Assert.Equal(1, bench.Lifecycle.Connections);
        }

        [Fact]
        public void WebSocketPingInterval_0_turns_the_pings_off_and_a_new_interval_turns_them_on_again()
        {
            LifecycleBench bench = Booted();
            bench.Advance(61000);
            Assert.Equal(new long[] { 60000 }, bench.PingTimes);
            bench.ChangeConfiguration("WebSocketPingInterval", "0");
            bench.Advance(600000);
            Assert.Single(bench.PingTimes);
            Assert.Equal(OcppLifecycle.Phase.Connected, bench.Lifecycle.State);
            long on = bench.Now;
            bench.ChangeConfiguration("WebSocketPingInterval", "30");
            bench.Advance(61000);
            Assert.Equal(new[] { 60000, on + 30000, on + 60000 }, bench.PingTimes);
            Assert.Equal(0, bench.Lifecycle.DeadLinks);
        }

        // A shorter interval set while a ping waits for its pong: the ping that falls due meanwhile
        // goes once the pong is in, and the task sleeps until then (no busy loop: on the device the
        // main loop would not sleep at all).
        [Fact]
        public void A_ping_due_while_the_last_one_awaits_its_pong_waits_for_the_pong_without_a_busy_loop()
        {
            LifecycleBench bench = Booted();
            bench.PongDelayMilliseconds = 8000;
            bench.Advance(61000);                                   // a ping at 60 s, its pong due at 68 s
            bench.ChangeConfiguration("WebSocketPingInterval", "5"); // the next ping due at 66 s
            bench.PongDelayMilliseconds = 1000;
            long runs = bench.Runs;
            bench.Advance(80000 - bench.Now);
            Assert.Equal(new long[] { 60000, 68000, 73000, 78000 }, bench.PingTimes);
            Assert.Equal(0, bench.Lifecycle.DeadLinks);
            Assert.InRange(bench.Runs - runs, 1, 40);
        }

        // ---- the response timeout ------------------------------------------------------------------------

        [Theory]
        [InlineData(ResponseTimeout)]
        [InlineData(5000)]
        public void A_CALL_without_an_answer_in_time_gives_the_link_up_and_a_reconnect_follows(long timeout)
        {
            LifecycleBench bench = Booted(t => t.ResponseTimeoutMilliseconds = timeout, heartbeatSeconds: 45);
            bench.Answerer = call => call.Action == "Heartbeat" ? null : bench.DefaultConf(call);
            Assert.True(bench.AdvanceUntil(() => bench.Lifecycle.DeadLinks > 0, 120000), bench.LogText);
            SentFrame heartbeat = bench.Calls("Heartbeat").Single();
            Assert.Equal(45000, heartbeat.AtMilliseconds);
            long dead = 45000 + timeout;
            Assert.Equal(dead, bench.Now);
            Assert.Contains(Stamp(dead) + " <wrn> ocpp: no answer to Heartbeat (" + heartbeat.Id + ") in time", bench.LogText);
            Assert.Contains(Stamp(dead) + " <wrn> ocpp: link to the central system is dead: a CALL got no answer in time", bench.LogText);
            Assert.Contains(Stamp(dead) + " <wrn> ocpp: connection closed (abandoned as a dead link, code 1006), again in 1500 ms", bench.LogText);
            Assert.Empty(bench.CloseCodes);

            bench.Answerer = bench.DefaultConf;
            bench.Advance(FirstDelay);
            Assert.Equal(new[] { 0, dead + FirstDelay }, bench.ConnectAttempts);
            Assert.Equal(OcppLifecycle.Phase.Connected, bench.Lifecycle.State);
            Assert.Single(bench.Calls("BootNotification"));
            Assert.Equal(1, bench.Lifecycle.DeadLinks);
        }

        // ---- the handshake timeout and the backoff ---------------------------------------------------------

        [Fact]
        public void A_server_that_takes_the_connection_but_never_answers_the_upgrade_times_out_and_is_tried_again_with_backoff()
        {
            var bench = new LifecycleBench();
            bench.AnswerHandshake = false;
            bench.Advance(45000);
            // Each attempt: 10 s of handshake timeout, then 3/4 of the step: 2 s, 4 s, 8 s ...
            Assert.Equal(new long[] { 0, 11500, 24500, 40500 }, bench.ConnectAttempts);
            Assert.Equal(0, bench.Lifecycle.Connections);
            Assert.Empty(bench.Opened);
            Assert.Contains(Stamp(HandshakeTimeout) + " <err> websocket: handshake timed out after 10000 ms", bench.LogText);
            Assert.Contains(Stamp(HandshakeTimeout) + " <wrn> ocpp: connection failed (handshake timed out, code 0), again in 1500 ms", bench.LogText);
            Assert.Contains(Stamp(24500 + HandshakeTimeout) + " <wrn> ocpp: connection failed (handshake timed out, code 0), again in 6000 ms", bench.LogText);
            Assert.Equal(OcppLifecycle.Phase.Connecting, bench.Lifecycle.State);

            bench.AnswerHandshake = true; // the next attempt (the current one was read and left) goes through
            bench.Boot(limitMilliseconds: 30000);
            Assert.Equal(new long[] { 0, 11500, 24500, 40500, 62500 }, bench.ConnectAttempts);
            Assert.Equal(62500, bench.Calls("BootNotification").Single().AtMilliseconds);
        }

        [Fact]
        public void Refused_connections_are_retried_after_doubling_delays_capped_at_a_minute()
        {
            var bench = new LifecycleBench();
            bench.OnConnect = LifecycleBench.TcpAnswer.Refuse;
            bench.Advance(400000);
            long[] expected = { 1500, 3000, 6000, 12000, 24000, 45000, 45000, 45000, 45000, 45000, 45000 };
            Assert.Equal(expected, bench.AttemptGaps.Take(expected.Length));
            Assert.Contains("<err> websocket: connect failed: connection refused", bench.LogText);
            Assert.Contains(Stamp(1500 + 3000 + 6000) + " <wrn> ocpp: connection failed (connect failed, code 0), again in 12000 ms", bench.LogText);
            Assert.Equal(0, bench.Lifecycle.Connections);
            Assert.Equal(OcppLifecycle.Phase.WaitingToReconnect, bench.Lifecycle.State);
        }

        // With a real random the delays spread within a quarter of the step either way (never above
        // the cap), and the log says each one.
        [Theory]
        [InlineData(1u)]
        [InlineData(0x5EED0CB1u)]
        [InlineData(0xDEADBEEFu)]
        public void The_jittered_delays_stay_within_a_quarter_of_each_step_and_under_the_cap(uint seed)
        {
            var bench = new LifecycleBench(backoffRandom: new XorShiftRandom(seed));
            bench.OnConnect = LifecycleBench.TcpAnswer.Refuse;
            bench.Advance(600000);
            long[] steps = { 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000 };
            long[] gaps = bench.AttemptGaps;
            Assert.True(gaps.Length >= steps.Length, "only " + gaps.Length + " retries");
            for (int i = 0; i < steps.Length; i++)
            {
                Assert.InRange(gaps[i], steps[i] - steps[i] / 4, Math.Min(60000, steps[i] + steps[i] / 4));
                Assert.Contains(" <wrn> ocpp: connection failed (connect failed, code 0), again in " + gaps[i] + " ms", bench.LogText);
            }
        }

        public enum Proof
        {
            Nothing,                    // the connection opens and closes, no CALL either way
            UnansweredCall,             // the charge point's CALL goes out, no answer before the close
            CallFromCentralSystem,      // the central system's CALL, answered by the charge point
            AnsweredCall,               // the charge point's CALL answered, the close a second later
            AnsweredCallThenClosedAtOnce, // answered, and the close right behind the answer
        }

        // The backoff grows over failed attempts and over connections that prove nothing; it starts
        // again from its first step once a connection, with the charge point registered, had a CALL
        // answered on it, whichever side sent it.
        [Theory]
        [InlineData(Proof.Nothing, 12000)]
        [InlineData(Proof.UnansweredCall, 12000)]
        [InlineData(Proof.CallFromCentralSystem, FirstDelay)]
        [InlineData(Proof.AnsweredCall, FirstDelay)]
        [InlineData(Proof.AnsweredCallThenClosedAtOnce, FirstDelay)]
        public void The_backoff_starts_again_only_after_a_connection_of_the_registered_charge_point_had_a_CALL_answered(Proof proof, long expectedDelay)
        {
            LifecycleBench bench = Booted();
            bench.Advance(1000);
            bench.OnConnect = LifecycleBench.TcpAnswer.Refuse;
            bench.DropLink();                                          // at 1 s: again in 1.5 s, refused, 3 s, refused, 6 s
            Assert.True(bench.AdvanceUntil(() => bench.ConnectAttempts.Count == 3, 60000));
            Assert.Equal(new long[] { 0, 2500, 5500 }, bench.ConnectAttempts);
            bench.OnConnect = LifecycleBench.TcpAnswer.Accept;
            if (proof == Proof.UnansweredCall || proof == Proof.AnsweredCall || proof == Proof.AnsweredCallThenClosedAtOnce)
                bench.ChargePoint.SetConnectorStatus(1, ChargePointStatus.Preparing); // changed offline: reported on the next link
            if (proof == Proof.UnansweredCall) bench.Answerer = call => null;
            if (proof == Proof.AnsweredCallThenClosedAtOnce) bench.CloseAfterAnswering = true;
            int sent = bench.Sent.Count;
            Assert.True(bench.AdvanceUntil(() => bench.Lifecycle.Connections == 2, 60000));
            Assert.Equal(11500, bench.Now);
            if (proof == Proof.CallFromCentralSystem)
                Assert.True(bench.Call("gc-1", "GetConfiguration", "{\"key\":[\"HeartbeatInterval\"]}").IsResult);
            bench.Advance(proof == Proof.AnsweredCallThenClosedAtOnce ? 0 : 1000);
            long closed = bench.Now;
            if (bench.Lifecycle.Disconnections == 1) bench.CloseLink(); // the second close: the first was the drop

            Assert.Equal(proof == Proof.Nothing || proof == Proof.CallFromCentralSystem ? 0 : 1,
                bench.CallsSince(sent).Count(c => c.Action == "StatusNotification"));
            Assert.Empty(bench.Calls("BootNotification").Skip(1));
            Assert.Equal(2, bench.Lifecycle.Disconnections);
            Assert.Contains(Stamp(closed) + " <wrn> ocpp: connection closed (none, code 1001), again in " + expectedDelay + " ms", bench.LogText);
            bench.Advance(expectedDelay);
            Assert.Equal(closed + expectedDelay, bench.ConnectAttempts.Last());
        }

        // Registered means accepted (OCPP 1.6 4.2): a connection on which the boot is only Pending
        // proves nothing.
        [Fact]
        public void A_connection_on_which_the_boot_stays_Pending_does_not_reset_the_backoff()
        {
            var bench = new LifecycleBench();
            bench.OnConnect = LifecycleBench.TcpAnswer.Refuse;
            Assert.True(bench.AdvanceUntil(() => bench.ConnectAttempts.Count == 3, 60000)); // 0, 1.5 s, 4.5 s: the next step is 16 s
            bench.OnConnect = LifecycleBench.TcpAnswer.Accept;
            bench.Answerer = call => call.Action == "BootNotification"
                ? "{\"status\":\"Pending\",\"currentTime\":\"" + bench.CentralSystemTime + "\",\"interval\":300}" : bench.DefaultConf(call);
            Assert.True(bench.AdvanceUntil(() => bench.Lifecycle.Connections == 1, 60000));
            Assert.Equal(10500, bench.Now);
            bench.Advance(1000);
            Assert.Equal(RegistrationStatus.Pending, bench.ChargePoint.Registration);
            Assert.Equal(1, bench.Rpc.ResultsReceived);
            bench.CloseLink();
            Assert.Contains(Stamp(11500) + " <wrn> ocpp: connection closed (none, code 1001), again in 12000 ms", bench.LogText);
        }

        // ---- the network ------------------------------------------------------------------------------------

        [Fact]
        public void Nothing_connects_until_the_network_is_ready()
        {
            var bench = new LifecycleBench(networkReady: false);
            bench.Advance(30000);
            Assert.Equal(0, bench.Tcp.Connects);
            Assert.Empty(bench.ConnectAttempts);
            Assert.Equal(OcppLifecycle.Phase.WaitingForNetwork, bench.Lifecycle.State);
            Assert.DoesNotContain("upstream init", bench.LogText);
            Assert.InRange(bench.Runs, 1, 400); // it looks every 100 ms, no more often

            bench.Network.IsReady = true;
            bench.Advance(100);
            Assert.Single(bench.ConnectAttempts);
            Assert.InRange(bench.ConnectAttempts[0], 30000, 30100);
            Assert.Contains("<inf> ocpp: upstream init", bench.LogText);
            Assert.Contains("<inf> websocket: connecting to 10.0.2.2:8180" + LifecycleBench.RequestPath, bench.LogText);
            bench.Boot();
        }

        // ---- offline ------------------------------------------------------------------------------------------

        // OCPP 1.6 3.7: meter values of a running transaction are queued while offline, and sent
        // in order once the link is back; 4.2: no BootNotification, the charge point did not reboot.
        [Fact]
        public void While_the_link_is_down_the_transaction_is_metered_into_the_queue_which_drains_in_order_after_the_reconnect()
        {
            LifecycleBench bench = Booted();
            Assert.True(bench.ChargePoint.RequestAuthorize(1, "ZepId00"u8.ToArray()));
            bench.Advance(0);
            Assert.Equal(AuthorizeOutcome.Answered, bench.ChargePoint.AuthorizeResult(1, out AuthorizationStatus status));
            Assert.Equal(AuthorizationStatus.Accepted, status);
            Assert.True(bench.ChargePoint.StartTransaction(1));
            long started = bench.Now;
            bench.Advance(0);
            const int transactionId = 2001;   // the bench's central system numbers from 2001
            Assert.Equal(ChargePointStatus.Charging, bench.Connectors[1].Status);
            Assert.True(bench.Queue.IsEmpty);
            bench.Advance(5000);

            bench.OnConnect = LifecycleBench.TcpAnswer.Refuse;
            bench.DropLink();                 // at 5 s; refused at 6.5 s, 9.5 s, 15.5 s, 27.5 s; then 51.5 s
            int sent = bench.Sent.Count;
            bench.Advance(20000);
            Assert.Equal(2, bench.Queue.Count);   // sampled at 10 s and 20 s
            bench.Advance(20000);
            Assert.Equal(4, bench.Queue.Count);   // and at 30 s, 40 s
            Assert.Equal(OcppLifecycle.Phase.WaitingToReconnect, bench.Lifecycle.State);
            Assert.Empty(bench.Sent.Skip(sent));
            Assert.Equal(new long[] { 0, 6500, 9500, 15500, 27500 }, bench.ConnectAttempts);

            bench.OnConnect = LifecycleBench.TcpAnswer.Accept;
            bench.Advance(51500 - bench.Now);
            Assert.Equal(2, bench.Lifecycle.Connections);
            SentFrame[] calls = bench.CallsSince(sent).ToArray();
            Assert.Equal(new[] { "MeterValues", "MeterValues", "MeterValues", "MeterValues", "MeterValues" }, calls.Select(c => c.Action));
            string[] stamps = calls.Select(c => c.Payload.GetProperty("meterValue")[0].GetProperty("timestamp").GetString()).ToArray();
            Assert.Equal(new long[] { 10000, 20000, 30000, 40000, 50000 }.Select(t => ChargePointBench.Iso(ChargePointBench.CentralSystemEpochSeconds * 1000 + started + t)), stamps);
            Assert.All(calls, c => Assert.Equal(transactionId, c.Payload.GetProperty("transactionId").GetInt32()));
            Assert.All(calls, c => Assert.Equal(51500, c.AtMilliseconds));
            Assert.True(bench.Queue.IsEmpty);
            Assert.Single(bench.Calls("BootNotification"));
            Assert.Equal(ChargePointStatus.Charging, bench.Connectors[1].Status);
        }

        // ---- no allocation ------------------------------------------------------------------------------------

        private static long AllocatedBy(Action action) => Allocations.By(action);

        [Fact]
        public void A_connected_link_exchanging_pings_pongs_and_heartbeats_allocates_nothing()
        {
            LifecycleBench bench = Booted(heartbeatSeconds: 30);
            bench.ChangeConfiguration("WebSocketPingInterval", "10");
            bench.Record = false;
            long pings = 0, heartbeats = 0;
            long allocated = AllocatedBy(() =>
            {
                bench.Console.Clear();
                long pingsBefore = bench.Pings, heartbeatsBefore = bench.Heartbeats;
                bench.Advance(300000);
                pings = bench.Pings - pingsBefore;
                heartbeats = bench.Heartbeats - heartbeatsBefore;
            });
            Assert.Equal(0, allocated);
            Assert.InRange(pings, 29, 30);
            Assert.InRange(heartbeats, 9, 10);
            Assert.Equal(0, bench.Lifecycle.DeadLinks);
            Assert.Equal(1, bench.Lifecycle.Connections);
            Assert.Equal(OcppLifecycle.Phase.Connected, bench.Lifecycle.State);
            Assert.Equal(0, bench.Rpc.Timeouts);
        }
    }
}
