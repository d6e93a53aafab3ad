using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using ChargePoint.Core.Ocpp;
using Xunit;

namespace ChargePoint.Tests.Core.Ocpp
{
    // The link comes back (OCPP 1.6 4.2, 4.9, 3.7): a BootNotification only once per power cycle
    // (or when triggered), a StatusNotification only for what changed while offline, in the order
    // it changed, then the transaction queue in order, with the central system's transaction id in
    // every message of a transaction started offline.
    public class ReconnectTests : IClassFixture<OcppSchemaValidator>
    {
        private readonly OcppSchemaValidator _schemas;

        public ReconnectTests(OcppSchemaValidator schemas) { _schemas = schemas; }

        private static string Text(JsonElement payload, string name) => payload.GetProperty(name).GetString();
        private static int Int(JsonElement payload, string name) => payload.GetProperty(name).GetInt32();

        private static string[] Actions(IEnumerable<SentFrame> calls) =>
            calls.Select(c => c.Action == "StatusNotification" ? "Status " + Int(c.Payload, "connectorId") + " " + Text(c.Payload, "status") : c.Action).ToArray();

        // 4.2: "The Charge Point SHALL send a BootNotification.req PDU each time it boots or reboots."
        [Fact]
        public void A_reconnect_without_a_reboot_sends_no_BootNotification_and_stays_registered()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 60);
            bench.AutoAnswer = true;
            bench.Advance(30000);
            int before = bench.Sent.Count;
            bench.Reconnect(5000);
            Assert.Equal(RegistrationStatus.Accepted, bench.ChargePoint.Registration);
            bench.Advance(30000);
            // Nothing changed while offline: only the heartbeat, still on its schedule (60 s after the boot).
            Assert.Equal(new[] { "Heartbeat" }, Actions(bench.CallsSince(before)));
            Assert.Equal(60000, bench.Calls("Heartbeat").Single().AtMilliseconds);
            Assert.Single(bench.Calls("BootNotification"));
        }

        [Fact]
        public void A_reconnect_before_the_boot_was_accepted_boots_again()
        {
            var bench = new ChargePointBench();
            bench.Connect();
            bench.AnswerResult("{\"status\":\"Pending\",\"currentTime\":\"" + bench.CentralSystemTime + "\",\"interval\":300}");
            bench.Reconnect(5000);
            bench.ExpectCall("BootNotification");
            bench.Settle();
            Assert.Equal(new[] { "BootNotification", "BootNotification", "Status 0 Available", "Status 1 Available", "Status 2 Available" },
                Actions(bench.Sent.Where(f => f.IsCall)));
        }

        // 4.2: "A Charge Point SHOULD NOT send a BootNotification.req earlier, unless requested to do
        // so with a TriggerMessage.req."
        [Fact]
        public void After_a_reconnect_the_central_system_can_still_ask_for_a_BootNotification()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 3600);
            bench.Reconnect(5000);
            Assert.Equal("Accepted", Text(bench.CallForResult("t1", "TriggerMessage", "{\"requestedMessage\":\"BootNotification\"}"), "status"));
            bench.ExpectCall("BootNotification");
            bench.Settle();
            Assert.Equal(2, bench.Calls("BootNotification").Count());
            Assert.Equal(RegistrationStatus.Accepted, bench.ChargePoint.Registration);
        }

        // 4.9: "The Charge Point SHOULD send a StatusNotification.req PDU with its current status if
        // the status changed while the Charge Point was offline" ... "SHOULD NOT send
        // StatusNotification.req PDUs for historical status change events" ... "MUST be sent in the
        // order in which the events that they describe occurred."
        [Fact]
        public void After_a_reconnect_only_the_statuses_that_changed_while_offline_are_reported_in_the_order_they_changed()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 3600);
            bench.Disconnect();
            bench.Advance(1000);
            bench.ChargePoint.SetConnectorStatus(2, ChargePointStatus.Preparing);       // changed, and stays
            long twoChangedAt = bench.Now;
            bench.Advance(1000);
            bench.ChargePoint.ReportFault(1, ChargePointErrorCode.GroundFailure);       // changed, and stays
            bench.Advance(1000);
            bench.ChargePoint.SetConnectorStatus(0, ChargePointStatus.Unavailable);     // changed ...
            bench.Advance(1000);
            bench.ChargePoint.SetConnectorStatus(0, ChargePointStatus.Available);       // ... and back: nothing to tell
            int before = bench.Sent.Count;
            bench.Connect();
            bench.Settle();
            Assert.Equal(new[] { "Status 2 Preparing", "Status 1 Faulted" }, Actions(bench.CallsSince(before)));
            SentFrame two = bench.CallsSince(before).First();
            Assert.Equal(ChargePointBench.Iso(ChargePointBench.CentralSystemEpochSeconds * 1000 + twoChangedAt), Text(two.Payload, "timestamp"));
            Assert.Equal("GroundFailure", Text(bench.CallsSince(before).Last().Payload, "errorCode"));
            bench.AssertEveryFrameMatchesSchemas(_schemas);
        }

        // A long outage fills the queue: meter values are thinned (counted, logged, shown by the
        // ocpp command), the Start and the Stop are kept, and everything left arrives in order.
        [Fact]
        public void A_long_outage_thins_the_queued_meter_values_and_keeps_the_start_and_the_stop()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 3600);
            bench.Configure("AllowOfflineTxForUnknownId", "true");
            bench.Disconnect();
            Assert.True(bench.ChargePoint.RequestAuthorize(1, "Walkup01"u8.ToArray()));
            Assert.True(bench.ChargePoint.StartTransaction(1));
            bench.Advance(20 * 60 * 1000);              // 20 minutes at 10 s: 120 readings for 63 places
            Assert.True(bench.ChargePoint.StopTransaction(1, StopReason.Local));
            int capacity = ChargePointBench.TransactionQueueCapacity;
            Assert.Equal(capacity, bench.Queue.Count);
            int thinned = bench.Queue.MeterValuesDropped;
            Assert.Equal(120 + 2 - capacity, thinned);
            Assert.Contains("<wrn> ocpp: transaction queue full (64 messages): a queued meter value dropped to make room, " + thinned + " so far",
                bench.LogText);
            Assert.Equal(0, bench.ChargePoint.TransactionMessagesDropped);
            int before = bench.Sent.Count;
            bench.AutoAnswer = true;
            bench.Connect();
            bench.Advance(60000);
            var sent = bench.CallsSince(before).Where(c => c.Action != "StatusNotification" && c.Action != "Heartbeat").ToList();
            Assert.Equal(capacity, sent.Count);
            Assert.Equal("StartTransaction", sent[0].Action);
            Assert.Equal("StopTransaction", sent[^1].Action);
            Assert.All(sent.Skip(1).Take(capacity - 2), c => Assert.Equal("MeterValues", c.Action));
            var times = sent.Skip(1).Take(capacity - 2)
                .Select(c => DateTime.Parse(c.Payload.GetProperty("meterValue")[0].GetProperty("timestamp").GetString(), null,
                    System.Globalization.DateTimeStyles.RoundtripKind)).ToList();
            for (int i = 1; i < times.Count; i++) Assert.True(times[i] > times[i - 1], "in order");
            Assert.True((times[^1] - times[0]).TotalMinutes > 18, $"the readings span the outage: {times[0]:O} .. {times[^1]:O}");
            bench.AssertEveryFrameMatchesSchemas(_schemas);
        }

        [Fact]
        public void A_StatusNotification_lost_with_the_link_is_sent_again_after_the_reconnect()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 3600);
            bench.ChargePoint.SetConnectorStatus(1, ChargePointStatus.Preparing);
            bench.Run();
            bench.ExpectCall("StatusNotification");
            bench.Disconnect();
            bench.Advance(5000);
            int before = bench.Sent.Count;
            bench.Connect();
            bench.Settle();
            Assert.Equal(new[] { "Status 1 Preparing" }, Actions(bench.CallsSince(before)));
        }

        // 3.7: "When offline, the Charge Point MUST queue any transaction-related messages"; 3.5.4:
        // "When connection to the Central Server is restored, the Charge Point SHALL send a Start
        // Transaction request for any transaction that was authorized offline". The central
        // system's transaction id goes into every later message of the transaction.
        [Fact]
        public void A_transaction_started_and_stopped_offline_is_sent_in_order_after_the_statuses_with_the_central_transaction_id()
        {
            var bench = new ChargePointBench();
            bench.RunWhileOffline = true; // the meters are sampled offline
            bench.Boot(intervalSeconds: 3600);
            bench.Configure("AllowOfflineTxForUnknownId", "true");
            bench.Disconnect();
            bench.Advance(1000);
            Assert.True(bench.ChargePoint.RequestAuthorize(1, "Walkup01"u8.ToArray()));
            Assert.Equal(AuthorizeOutcome.Answered, bench.ChargePoint.AuthorizeResult(1, out AuthorizationStatus status));
            Assert.Equal(AuthorizationStatus.Accepted, status);
            Assert.True(bench.ChargePoint.StartTransaction(1));
            long startedAt = bench.Now;
            bench.Advance(25000);                       // two samples, at 10 s and 20 s
            Assert.True(bench.ChargePoint.StopTransaction(1, StopReason.Local));
            long stoppedAt = bench.Now;
            bench.Advance(2000);
            bench.ChargePoint.SetConnectorStatus(1, ChargePointStatus.Available); // the cable is out
            bench.Advance(3000);
            Assert.Equal(4, bench.Queue.Count);

            int before = bench.Sent.Count;
            bench.Answerer = call => call.Action == "StartTransaction"
                ? "{\"idTagInfo\":{\"status\":\"Accepted\"},\"transactionId\":4711}" : bench.DefaultConf(call);
            bench.Connect();
            bench.Settle();
            List<SentFrame> calls = bench.CallsSince(before).ToList();
            // Connector 1 was Available before and is again: no status to tell.
            Assert.Equal(new[] { "StartTransaction", "MeterValues", "MeterValues", "StopTransaction" }, Actions(calls));
            Assert.Equal("Walkup01", Text(calls[0].Payload, "idTag"));
            Assert.Equal(ChargePointBench.Iso(ChargePointBench.CentralSystemEpochSeconds * 1000 + startedAt), Text(calls[0].Payload, "timestamp"));
            Assert.All(calls.Skip(1), c => Assert.Equal(4711, Int(c.Payload, "transactionId")));
            string[] sampled = calls.Skip(1).Take(2).Select(c => Text(c.Payload.GetProperty("meterValue")[0], "timestamp")).ToArray();
            Assert.Equal(new[] { startedAt + 10000, startedAt + 20000 }.Select(t => ChargePointBench.Iso(ChargePointBench.CentralSystemEpochSeconds * 1000 + t)), sampled);
            Assert.Equal(ChargePointBench.Iso(ChargePointBench.CentralSystemEpochSeconds * 1000 + stoppedAt), Text(calls[3].Payload, "timestamp"));
            Assert.True(bench.Queue.IsEmpty);
            Assert.Empty(bench.Calls("BootNotification").Skip(1));
            bench.AssertEveryFrameMatchesSchemas(_schemas);
        }

        [Fact]
        public void Statuses_go_out_before_the_queue_after_a_reconnect()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 3600);
            bench.Configure("MeterValueSampleInterval", "0");
            bench.Disconnect();
            bench.Configure("AllowOfflineTxForUnknownId", "true");
            Assert.True(bench.ChargePoint.RequestAuthorize(2, "Walkup02"u8.ToArray()));
            Assert.True(bench.ChargePoint.StartTransaction(2));
            bench.Advance(1000);
            int before = bench.Sent.Count;
            bench.Connect();
            bench.Settle();
            Assert.Equal(new[] { "Status 2 Preparing", "StartTransaction", "Status 2 Charging" }, Actions(bench.CallsSince(before)));
        }

        // A StartTransaction lost with the link goes again on the new link, without a BootNotification first.
        [Fact]
        public void A_StartTransaction_lost_with_the_link_is_sent_again_first_on_the_next_link()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 3600);
            bench.Configure("MeterValueSampleInterval", "0");
            Assert.True(bench.ChargePoint.RequestAuthorize(1, "ZepId00"u8.ToArray()));
            bench.Run();
            bench.Settle();
            Assert.True(bench.ChargePoint.StartTransaction(1));
            bench.Run();
            bench.Answerer = call => call.Action == "StartTransaction" ? null : bench.DefaultConf(call);
            bench.Settle();
            SentFrame lost = bench.ExpectCall("StartTransaction");
            bench.Reconnect(5000);
            SentFrame again = bench.ExpectCall("StartTransaction");
            Assert.Equal(lost.Payload.GetRawText(), again.Payload.GetRawText());
            bench.AnswerResult("{\"idTagInfo\":{\"status\":\"Accepted\"},\"transactionId\":77}");
            bench.Settle();
            Assert.Equal(ChargePointStatus.Charging, bench.Connectors[1].Status);
            Assert.Equal(0, bench.ChargePoint.TransactionMessagesDropped);
        }

        // 6.49: StopTransaction.req's transactionId is required and is the central system's. A
        // transaction whose StartTransaction was dropped after its attempts (3.7.1) never got one.
        [Fact]
        public void A_StopTransaction_whose_StartTransaction_was_dropped_is_dropped_with_a_log_line_and_counted()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 3600);
            bench.Configure("TransactionMessageRetryInterval", "1");
            bench.Configure("TransactionMessageAttempts", "2");
            bench.Configure("MeterValueSampleInterval", "10");
            Assert.True(bench.ChargePoint.RequestAuthorize(1, "ZepId00"u8.ToArray()));
            bench.Run();
            bench.Settle();
            bench.Answerer = call => call.Action == "StartTransaction" ? null : bench.DefaultConf(call);
            Assert.True(bench.ChargePoint.StartTransaction(1));
            bench.Run();
            bench.Settle();
            bench.AnswerError("InternalError");
            Assert.Equal("StartTransaction", bench.AdvanceUntilCall(5000)?.Action);
            bench.AnswerError("InternalError");         // the second failure: dropped
            Assert.Equal(1, bench.ChargePoint.TransactionMessagesDropped);
            bench.AutoAnswer = true;
            bench.Answerer = bench.DefaultConf;
            bench.Advance(15000);                        // a sample, without a transactionId to give
            Assert.True(bench.ChargePoint.StopTransaction(1, StopReason.Local));
            bench.Advance(5000);

            SentFrame sample = bench.Calls("MeterValues").Single();
            Assert.False(sample.Payload.TryGetProperty("transactionId", out _));
            Assert.Empty(bench.Calls("StopTransaction"));
            Assert.Equal(2, bench.ChargePoint.TransactionMessagesDropped);
            Assert.Contains("<err> ocpp: StopTransaction for connector 1 dropped: its StartTransaction got no transaction id", bench.LogText);
            Assert.True(bench.Queue.IsEmpty);
            bench.AssertEveryFrameMatchesSchemas(_schemas);
        }

        // The whole demo session with the link down from before its authorization until after its
        // end: authorized offline (AllowOfflineTxForUnknownId), everything delivered after the reconnect.
        [Fact]
        public void The_demo_session_runs_offline_and_its_transactions_are_delivered_after_the_reconnect()
        {
            var bench = new ChargePointBench(new DemoSession.Timings
            {
                AuthorizeAfterBootMilliseconds = 2000,
                StopAfterStartMilliseconds = 15000,
                StaggerMilliseconds = 1000,
                UnplugAfterStopMilliseconds = 1000,
            });
            bench.RunWhileOffline = true;
            bench.Boot(intervalSeconds: 3600);
            bench.Configure("AllowOfflineTxForUnknownId", "true");
            bench.Disconnect();
            bench.Advance(30000);
            Assert.True(bench.Demo.IsDone, bench.LogText);
            Assert.Contains("<inf> ocpp: idTag ZepId00 on connector 1: Accepted offline, unknown idTags allowed", bench.LogText);
            Assert.Contains("<inf> ocpp: idTag ZepId01 on connector 2: Accepted offline, unknown idTags allowed", bench.LogText);
            int before = bench.Sent.Count;
            bench.Connect();
            bench.Settle();
            string[] actions = Actions(bench.CallsSince(before));
            // In the order they happened; both connectors are Available again: no status to tell.
            Assert.Equal(new[] { "StartTransaction", "StartTransaction", "MeterValues", "MeterValues", "StopTransaction", "StopTransaction" }, actions);
            Assert.True(bench.Queue.IsEmpty);
            bench.AssertEveryFrameMatchesSchemas(_schemas);
        }
    }
}
