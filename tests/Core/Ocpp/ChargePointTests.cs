using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using ChargePoint.Core.Meter;
using ChargePoint.Core.Ocpp;
using ChargePoint.Core.Ocpp.Configuration;
using ChargePoint.Core.Time;
using Xunit;

namespace ChargePoint.Tests.Core.Ocpp
{
    // The charge point's OCPP 1.6 behaviour, seen from the central system's side of the link:
    // what it sends, when, and how it answers.
    public class ChargePointTests
    {
        private const int MeterSimulatorStartWh = (int)MeterSimulator.DefaultStartWh;

        private static string Text(JsonElement payload, string name) => payload.GetProperty(name).GetString();
        private static int Int(JsonElement payload, string name) => payload.GetProperty(name).GetInt32();

        private static string BootConf(ChargePointBench bench, string status, int interval) =>
            "{\"status\":\"" + status + "\",\"currentTime\":\"" + bench.CentralSystemTime + "\",\"interval\":" + interval + "}";

        // Authorize answered Accepted, StartTransaction queued and, with every message up to it,
        // answered: the connector charges.
        private static void StartCharging(ChargePointBench bench, int connector, byte[] idTag)
        {
            Assert.True(bench.ChargePoint.RequestAuthorize(connector, idTag));
            bench.Run();
            bench.Settle();
            Assert.Equal(AuthorizeOutcome.Answered, bench.ChargePoint.AuthorizeResult(connector, out AuthorizationStatus status));
            Assert.Equal(AuthorizationStatus.Accepted, status);
            Assert.True(bench.ChargePoint.StartTransaction(connector));
            bench.Run();
            bench.Settle();
        }

        private static void Change(ChargePointBench bench, string key, string value) =>
            Assert.Equal(ConfigurationStatus.Accepted, bench.Config.TryChange(System.Text.Encoding.ASCII.GetBytes(key), System.Text.Encoding.ASCII.GetBytes(value)));

        // ---- BootNotification ---------------------------------------------------------------------------
        [Fact]
        public void BootNotification_is_the_first_message_and_nothing_else_goes_out_before_it_is_accepted()
        {
            var bench = new ChargePointBench();
            bench.Connect();
            SentFrame boot = bench.ExpectCall("BootNotification");
            Assert.Single(bench.Sent);
            Assert.Equal("SharpCharge", Text(boot.Payload, "chargePointVendor"));
            Assert.Equal("mps2-an500", Text(boot.Payload, "chargePointModel"));
            Assert.Equal("0.1.0", Text(boot.Payload, "firmwareVersion"));

            bench.AnswerResult(BootConf(bench, "Pending", 20));
            Assert.Equal(RegistrationStatus.Pending, bench.ChargePoint.Registration);
            Assert.True(bench.ChargePoint.RequestAuthorize(1, "ZepId00"u8.ToArray()));
            bench.AutoAnswer = true;
            bench.Answerer = call => call.Action == "BootNotification" ? null : bench.DefaultConf(call);
            bench.Advance(19999);
            Assert.Equal(new[] { "BootNotification" }, bench.Sent.Select(f => f.Action));

            bench.Advance(1);
            Assert.Equal(new[] { "BootNotification", "BootNotification" }, bench.Sent.Select(f => f.Action));
            bench.AnswerResult(BootConf(bench, "Accepted", 300));
            bench.Settle();
            Assert.Equal(new[] { "BootNotification", "BootNotification", "StatusNotification", "StatusNotification", "StatusNotification", "Authorize" },
                bench.Sent.Select(f => f.Action));
        }

        [Theory]
        [InlineData("Pending", RegistrationStatus.Pending)]
        [InlineData("Rejected", RegistrationStatus.Rejected)]
        public void A_BootNotification_answered_Pending_or_Rejected_is_sent_again_after_the_interval_it_gave(string status, RegistrationStatus registration)
        {
            var bench = new ChargePointBench();
            bench.Clock.AdvanceMilliseconds(1234);
            bench.Connect();
            bench.AnswerResult(BootConf(bench, status, 45));
            Assert.Equal(registration, bench.ChargePoint.Registration);
            bench.Advance(44999);
            Assert.Single(bench.Sent);
            bench.Advance(1);
            Assert.Equal(2, bench.Calls("BootNotification").Count());
            Assert.Equal(1234 + 45000, bench.Sent[1].AtMilliseconds);
            Assert.Contains("<wrn> ocpp: BootNotification " + status + ", again in 45 s", bench.LogText);
        }

        [Fact]
        public void A_BootNotification_without_an_interval_or_an_answer_is_sent_again_after_the_boot_retry_delay()
        {
            var bench = new ChargePointBench();
            bench.Connect();
            bench.AnswerResult(BootConf(bench, "Pending", 0));
            SentFrame second = bench.AdvanceUntilCall(60000);
            Assert.Equal(bench.Timings.BootRetryMilliseconds, second.AtMilliseconds);

            // No answer: the response timeout, then the retry delay.
            SentFrame third = bench.AdvanceUntilCall(120000);
            Assert.Equal("BootNotification", third.Action);
            Assert.Equal(second.AtMilliseconds + bench.Timings.ResponseTimeoutMilliseconds + bench.Timings.BootRetryMilliseconds, third.AtMilliseconds);
            Assert.Equal(3, bench.Sent.Count);
        }

        [Theory]
        [InlineData("{\"status\":\"Accepted\",\"interval\":300}")]
        [InlineData("{\"status\":\"Welcome\",\"currentTime\":\"2024-02-14T06:07:03Z\",\"interval\":300}")]
        [InlineData("{\"status\":\"Accepted\",\"currentTime\":\"2024-02-30T06:07:03Z\",\"interval\":300}")]
        [InlineData("{\"status\":\"Accepted\",\"currentTime\":\"2024-02-14T06:07:03Z\",\"interval\":\"300\"}")]
        [InlineData("{\"status\":\"Accepted\",\"currentTime\":\"2024-02-14T06:07:03Z\",\"interval\":300,\"extra\":1}")]
        public void A_BootNotification_conf_that_breaks_its_schema_counts_as_no_answer_and_the_boot_is_retried(string conf)
        {
            var bench = new ChargePointBench();
            bench.Connect();
            bench.AnswerResult(conf);
            Assert.NotEqual(RegistrationStatus.Accepted, bench.ChargePoint.Registration);
            Assert.False(bench.WallClock.IsSet);
            Assert.Contains("<err> ocpp: BootNotification.conf does not match its schema: retrying", bench.LogText);
            SentFrame again = bench.AdvanceUntilCall(60000);
            Assert.Equal("BootNotification", again.Action);
            Assert.Equal(bench.Timings.BootRetryMilliseconds, again.AtMilliseconds);
        }

        [Fact]
        public void The_wall_clock_is_set_from_currentTime_when_SNTP_did_not_set_it()
        {
            var bench = new ChargePointBench();
            bench.Clock.AdvanceMilliseconds(2500);
            bench.Connect();
            Assert.False(bench.WallClock.IsSet);
            bench.AnswerResult("{\"status\":\"Accepted\",\"currentTime\":\"2024-02-14T06:07:03.024Z\",\"interval\":300}");
            Assert.Equal(WallClock.Source.CentralSystem, bench.WallClock.SetBy);
            Assert.True(bench.WallClock.TryGetUtc(out long seconds, out int micro));
            Assert.Equal(1707890823, seconds);
            Assert.Equal(24000, micro);
            bench.Clock.AdvanceMilliseconds(1000);
            bench.WallClock.TryGetUtc(out seconds, out micro);
            Assert.Equal(1707890824, seconds);
            Assert.Equal(24000, micro);
        }

        [Fact]
        public void The_wall_clock_SNTP_set_is_kept_whatever_the_central_system_says()
        {
            var bench = new ChargePointBench();
            bench.WallClock.Set(1700000000, 500000, WallClock.Source.Sntp);
            bench.Connect();
            bench.AnswerResult("{\"status\":\"Accepted\",\"currentTime\":\"2024-02-14T06:07:03.024Z\",\"interval\":10}");
            bench.Settle();
            bench.Advance(10000);
            bench.AnswerResult("{\"currentTime\":\"2025-01-01T00:00:00Z\"}");
            Assert.Equal(WallClock.Source.Sntp, bench.WallClock.SetBy);
            bench.WallClock.TryGetUtc(out long seconds, out int micro);
            Assert.Equal(1700000010, seconds);
            Assert.Equal(500000, micro);
        }

        [Fact]
        public void After_an_accepted_boot_every_connector_reports_its_status()
        {
            var bench = new ChargePointBench();
            bench.Connect();
            bench.AnswerResult(BootConf(bench, "Accepted", 300));
            Assert.Contains("<inf> ocpp: ocpp init success", bench.LogText);
            bench.Settle();
            List<SentFrame> statuses = bench.Calls("StatusNotification").ToList();
            Assert.Equal(new[] { 0, 1, 2 }, statuses.Select(s => Int(s.Payload, "connectorId")));
            Assert.All(statuses, s =>
            {
                Assert.Equal("Available", Text(s.Payload, "status"));
                Assert.Equal("NoError", Text(s.Payload, "errorCode"));
                Assert.EndsWith("Z", Text(s.Payload, "timestamp"));
            });
            Assert.False(bench.Rpc.IsCallPending);
        }

        // ---- Heartbeat --------------------------------------------------------------------------------
        [Fact]
        public void Heartbeats_go_out_at_the_interval_BootNotification_returned()
        {
            var bench = new ChargePointBench();
            bench.Clock.AdvanceMilliseconds(700);
            bench.Boot(intervalSeconds: 120);
            Assert.Equal(120, bench.Config.GetInt(ConfigurationKey.HeartbeatInterval));
            Assert.Equal(120, bench.ChargePoint.HeartbeatIntervalSeconds);
            bench.AutoAnswer = true;
            bench.Advance(360000);
            Assert.Equal(new long[] { 120700, 240700, 360700 }, bench.Calls("Heartbeat").Select(h => h.AtMilliseconds));
            Assert.All(bench.Calls("Heartbeat"), h => Assert.Equal("{}", h.Payload.GetRawText()));
        }

        [Fact]
        public void Changing_HeartbeatInterval_reschedules_the_next_heartbeat_at_once()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 300);
            bench.AutoAnswer = true;
            bench.Advance(10000);
            JsonElement answer = bench.CallForResult("c1", "ChangeConfiguration", "{\"key\":\"HeartbeatInterval\",\"value\":\"20\"}");
            Assert.Equal("Accepted", Text(answer, "status"));
            bench.Advance(50000);
            Assert.Equal(new long[] { 30000, 50000 }, bench.Calls("Heartbeat").Select(h => h.AtMilliseconds));
        }

        [Fact]
        public void A_heartbeat_without_an_answer_is_sent_again_an_interval_after_it_failed()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 60);
            SentFrame first = bench.AdvanceUntilCall(60000);
            Assert.Equal("Heartbeat", first.Action);
            SentFrame second = bench.AdvanceUntilCall(200000);
            Assert.Equal("Heartbeat", second.Action);
            Assert.Equal(first.AtMilliseconds + bench.Timings.ResponseTimeoutMilliseconds + 60000, second.AtMilliseconds);
        }

        // ---- transactions --------------------------------------------------------------------------------
        [Fact]
        public void A_transaction_sends_Authorize_StartTransaction_MeterValues_and_StopTransaction_with_the_central_transaction_id()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 3600);
            bench.Answerer = call => call.Action == "StartTransaction"
                ? "{\"idTagInfo\":{\"status\":\"Accepted\"},\"transactionId\":4242}" : bench.DefaultConf(call);
            int before = bench.Sent.Count;
            StartCharging(bench, 1, "ZepId00"u8.ToArray());
            long startedAt = bench.Now;

            SentFrame authorize = bench.Calls("Authorize").Single();
            Assert.Equal("ZepId00", Text(authorize.Payload, "idTag"));
            SentFrame start = bench.Calls("StartTransaction").Single();
            Assert.Equal(1, Int(start.Payload, "connectorId"));
            Assert.Equal("ZepId00", Text(start.Payload, "idTag"));
            Assert.Equal(MeterSimulatorStartWh, Int(start.Payload, "meterStart"));
            Assert.Equal(ChargePointBench.Iso(ChargePointBench.CentralSystemEpochSeconds * 1000 + startedAt), Text(start.Payload, "timestamp"));
            Assert.Contains("<inf> main: ocpp start charging connector id 1", bench.LogText);

            bench.AutoAnswer = true;
            bench.Advance(35000);
            List<SentFrame> samples = bench.Calls("MeterValues").ToList();
            Assert.Equal(new[] { startedAt + 10000, startedAt + 20000, startedAt + 30000 }, samples.Select(m => m.AtMilliseconds));
            var readings = new List<long>();
            foreach (SentFrame sample in samples)
            {
                Assert.Equal(1, Int(sample.Payload, "connectorId"));
                Assert.Equal(4242, Int(sample.Payload, "transactionId"));
                JsonElement meterValue = Assert.Single(sample.Payload.GetProperty("meterValue").EnumerateArray());
                Assert.EndsWith("Z", Text(meterValue, "timestamp"));
                JsonElement energy = meterValue.GetProperty("sampledValue").EnumerateArray()
                    .Single(v => Text(v, "measurand") == "Energy.Active.Import.Register");
                Assert.Equal("Wh", Text(energy, "unit"));
                Assert.Equal("Sample.Periodic", Text(energy, "context"));
                readings.Add(long.Parse(Text(energy, "value"), CultureInfo.InvariantCulture));
            }
            Assert.Equal(readings.OrderBy(r => r), readings);
            Assert.True(readings[0] >= MeterSimulatorStartWh);
            Assert.True(readings[2] > readings[0], "the register does not rise while charging: " + string.Join(", ", readings));

            Assert.True(bench.ChargePoint.StopTransaction(1, StopReason.Local));
            long stoppedAt = bench.Now;
            bench.Advance(1000);
            SentFrame stop = bench.Calls("StopTransaction").Single();
            Assert.Equal(4242, Int(stop.Payload, "transactionId"));
            Assert.Equal("Local", Text(stop.Payload, "reason"));
            Assert.Equal("ZepId00", Text(stop.Payload, "idTag"));
            Assert.Equal(ChargePointBench.Iso(ChargePointBench.CentralSystemEpochSeconds * 1000 + stoppedAt), Text(stop.Payload, "timestamp"));
            long meterStop = Int(stop.Payload, "meterStop");
            Assert.True(meterStop >= readings[2]);
            Assert.Equal(bench.Connectors[1].Meter.EnergyWh, meterStop);
            JsonElement end = Assert.Single(stop.Payload.GetProperty("transactionData").EnumerateArray());
            Assert.Equal(Text(stop.Payload, "timestamp"), Text(end, "timestamp"));
            JsonElement endEnergy = Assert.Single(end.GetProperty("sampledValue").EnumerateArray());
            Assert.Equal("Energy.Active.Import.Register", Text(endEnergy, "measurand"));
            Assert.Equal("Transaction.End", Text(endEnergy, "context"));
            Assert.Equal(meterStop.ToString(CultureInfo.InvariantCulture), Text(endEnergy, "value"));

            string[] order = bench.Sent.Skip(before).Where(f => f.IsCall && f.Action != "StatusNotification").Select(f => f.Action).ToArray();
            Assert.Equal(new[] { "Authorize", "StartTransaction", "MeterValues", "MeterValues", "MeterValues", "StopTransaction" }, order);
            Assert.True(bench.Queue.IsEmpty);
        }

        [Fact]
        public void The_connector_goes_Available_Preparing_Charging_Finishing_Available_with_a_StatusNotification_for_each_change()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 3600);
            int before = bench.Sent.Count;
            Assert.Equal(ChargePointStatus.Available, bench.Connectors[1].Status);
            StartCharging(bench, 1, "ZepId00"u8.ToArray());
            Assert.Equal(ChargePointStatus.Charging, bench.Connectors[1].Status);
            bench.AutoAnswer = true;
            bench.Advance(15000);
            bench.ChargePoint.StopTransaction(1, StopReason.Local);
            Assert.Equal(ChargePointStatus.Finishing, bench.Connectors[1].Status);
            bench.Advance(1000);
            bench.ChargePoint.SetConnectorStatus(1, ChargePointStatus.Available);
            bench.Advance(1000);
            Assert.Equal(ChargePointStatus.Available, bench.Connectors[1].Status);

            List<SentFrame> statuses = bench.Calls("StatusNotification").Skip(3).ToList();
            Assert.All(statuses, s => Assert.Equal(1, Int(s.Payload, "connectorId")));
            Assert.Equal(new[] { "Preparing", "Charging", "Finishing", "Available" }, statuses.Select(s => Text(s.Payload, "status")));
            // Preparing goes out before StartTransaction, Charging after its answer.
            List<string> flow = bench.Sent.Skip(before).Where(f => f.IsCall)
                .Select(f => f.Action == "StatusNotification" ? Text(f.Payload, "status") : f.Action).ToList();
            Assert.True(flow.IndexOf("Preparing") < flow.IndexOf("StartTransaction"));
            Assert.True(flow.IndexOf("StartTransaction") < flow.IndexOf("Charging"));
            Assert.Equal(ChargePointStatus.Available, bench.Connectors[2].Status);
        }

        [Fact]
        public void A_StopTransaction_queued_before_StartTransaction_was_answered_carries_the_central_transaction_id()
        {
            var bench = new ChargePointBench();
            SentFrame start = StartWithoutAnswer(bench);
            bench.Advance(3000);
            Assert.True(bench.ChargePoint.StopTransaction(1, StopReason.EVDisconnected));
            bench.Answerer = bench.DefaultConf;
            bench.AnswerResult("{\"idTagInfo\":{\"status\":\"Accepted\"},\"transactionId\":31337}");
            bench.Settle();
            SentFrame stop = bench.Calls("StopTransaction").Single();
            Assert.Equal(31337, Int(stop.Payload, "transactionId"));
            Assert.Equal("EVDisconnected", Text(stop.Payload, "reason"));
            Assert.Equal(Int(start.Payload, "meterStart") + 3, Int(stop.Payload, "meterStop")); // 3600 W for 3 s
            Assert.Equal(ChargePointStatus.Finishing, bench.Connectors[1].Status); // the late answer does not make it Charging
            Assert.True(bench.Queue.IsEmpty);
        }

        // OCPP 1.6 6.48 StatusNotification.req timestamp: "the time for which the status is
        // reported", i.e. when the connector entered it (Connector keeps that moment), not when the
        // message finally got its turn on the link.
        [Fact]
        public void A_StatusNotification_sent_late_still_reports_the_moment_of_the_change()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 3600);
            StartCharging(bench, 1, "ZepId00"u8.ToArray());
            SentFrame sample = bench.AdvanceUntilCall(20000);
            Assert.Equal("MeterValues", sample.Action);
            long changedAt = bench.Now;
            bench.ChargePoint.StopTransaction(1, StopReason.Local); // Finishing, while MeterValues is outstanding
            bench.Advance(5000);
            bench.AnswerResult("{}");
            SentFrame finishing = bench.ExpectCall("StatusNotification");
            Assert.Equal("Finishing", Text(finishing.Payload, "status"));
            Assert.Equal(changedAt + 5000, finishing.AtMilliseconds);
            Assert.Equal(ChargePointBench.Iso(ChargePointBench.CentralSystemEpochSeconds * 1000 + changedAt), Text(finishing.Payload, "timestamp"));
        }

        [Fact]
        public void Every_timestamp_the_charge_point_sends_ends_in_Z()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 10);
            bench.AutoAnswer = true;
            StartCharging(bench, 1, "ZepId00"u8.ToArray());
            StartCharging(bench, 2, "ZepId01"u8.ToArray());
            bench.Call("t1", "TriggerMessage", "{\"requestedMessage\":\"MeterValues\"}");
            bench.Advance(25000);
            bench.ChargePoint.StopTransaction(1, StopReason.Local);
            bench.ChargePoint.StopTransaction(2, StopReason.EVDisconnected);
            bench.Advance(5000);
            var stamps = new List<string>();
            foreach (SentFrame frame in bench.Sent) CollectTimestamps(frame.Root, stamps);
            Assert.True(stamps.Count > 20, "only " + stamps.Count + " timestamps");
            Assert.All(stamps, stamp =>
            {
                Assert.EndsWith("Z", stamp);
                Assert.True(DateTime.TryParseExact(stamp, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out _), stamp);
            });
        }

        private static void CollectTimestamps(JsonElement element, List<string> stamps)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    if (property.Name == "timestamp") stamps.Add(property.Value.GetString());
                    CollectTimestamps(property.Value, stamps);
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement item in element.EnumerateArray()) CollectTimestamps(item, stamps);
            }
        }

        [Fact]
        public void A_transaction_message_answered_with_CALLERROR_is_retried_after_the_retry_interval_times_the_attempts_and_then_dropped()
        {
            var bench = new ChargePointBench();
            SentFrame first = StartWithoutAnswer(bench);
            bench.AnswerError("InternalError", "database down");
            Assert.False(bench.Rpc.IsCallPending);

            SentFrame second = bench.AdvanceUntilCall(60000);
            Assert.Equal("StartTransaction", second.Action);
            Assert.Equal(first.AtMilliseconds + 10000, second.AtMilliseconds);
            Assert.Equal(first.Payload.GetRawText(), second.Payload.GetRawText());
            bench.AnswerError("InternalError");

            SentFrame third = bench.AdvanceUntilCall(60000);
            Assert.Equal("StartTransaction", third.Action);
            Assert.Equal(second.AtMilliseconds + 2 * 10000, third.AtMilliseconds);
            bench.AnswerError("GenericError");

            Assert.Null(bench.AdvanceUntilCall(600000));
            Assert.Equal(3, bench.Calls("StartTransaction").Count());
            Assert.True(bench.Queue.IsEmpty);
            Assert.Equal(1, bench.ChargePoint.TransactionMessagesDropped);
            Assert.Contains("<err> ocpp: transaction message for connector 1 dropped after 3 attempts", bench.LogText);
        }

        [Fact]
        public void A_transaction_message_without_an_answer_in_time_counts_as_a_failed_attempt()
        {
            var bench = new ChargePointBench();
            SentFrame first = StartWithoutAnswer(bench);
            SentFrame second = bench.AdvanceUntilCall(120000);
            Assert.Equal("StartTransaction", second.Action);
            Assert.Equal(first.AtMilliseconds + bench.Timings.ResponseTimeoutMilliseconds + 10000, second.AtMilliseconds);
            Assert.Equal(1, bench.Queue.Head.Attempts); // failed attempts so far: the timeout
        }

        // Boots, starts a transaction on connector 1 (retry interval 10 s, no sampling: the Start is
        // alone in the queue) and leaves its StartTransaction outstanding.
        private static SentFrame StartWithoutAnswer(ChargePointBench bench)
        {
            bench.Boot(intervalSeconds: 3600);
            Change(bench, "TransactionMessageRetryInterval", "10");
            Change(bench, "MeterValueSampleInterval", "0");
            bench.ChargePoint.RequestAuthorize(1, "ZepId00"u8.ToArray());
            bench.Run();
            bench.Settle();
            bench.ChargePoint.StartTransaction(1);
            bench.Run();
            bench.Answerer = call => call.Action == "StartTransaction" ? null : bench.DefaultConf(call);
            bench.Settle();
            return bench.ExpectCall("StartTransaction");
        }

        private static void Reconnect(ChargePointBench bench)
        {
            bench.Disconnect();
            Assert.False(bench.Rpc.IsCallPending);
            bench.Advance(5000);
            bench.Connect();
            bench.Settle();
        }

        [Fact]
        public void A_StartTransaction_lost_with_the_link_is_sent_again_after_the_reconnect()
        {
            var bench = new ChargePointBench();
            SentFrame lost = StartWithoutAnswer(bench);
            Reconnect(bench);
            SentFrame again = bench.ExpectCall("StartTransaction");
            Assert.Equal(lost.Payload.GetRawText(), again.Payload.GetRawText());
            Assert.Single(bench.Calls("BootNotification")); // the charge point did not reboot (4.2)
            bench.AnswerResult("{\"idTagInfo\":{\"status\":\"Accepted\"},\"transactionId\":77}");
            bench.Settle();
            Assert.True(bench.Queue.IsEmpty);
            Assert.Equal(ChargePointStatus.Charging, bench.Connectors[1].Status);
            Assert.Equal(0, bench.ChargePoint.TransactionMessagesDropped);
        }

        // OCPP 1.6 4.10: TransactionMessageAttempts counts the times the central system failed to
        // process the message; a CALL that died with the link was not processed by anyone (the
        // firmware's own comment in OcppChargePoint.Failed says it is sent again "without counting").
        [Fact]
        public void A_StartTransaction_lost_with_the_link_does_not_count_as_an_attempt()
        {
            var bench = new ChargePointBench();
            StartWithoutAnswer(bench);
            Reconnect(bench);
            SentFrame first = bench.ExpectCall("StartTransaction");
            bench.AnswerError("InternalError");
            SentFrame second = bench.AdvanceUntilCall(120000);
            Assert.Equal("StartTransaction", second?.Action);
            Assert.Equal(first.AtMilliseconds + 10000, second.AtMilliseconds);
            bench.AnswerError("InternalError");
            SentFrame third = bench.AdvanceUntilCall(120000);
            Assert.Equal("StartTransaction", third?.Action);
            Assert.Equal(second.AtMilliseconds + 20000, third.AtMilliseconds);
            bench.AnswerError("InternalError");
            Assert.Null(bench.AdvanceUntilCall(600000));
            Assert.Equal(4, bench.Calls("StartTransaction").Count()); // one lost, three attempts
            Assert.Equal(1, bench.ChargePoint.TransactionMessagesDropped);
        }

        // OCPP 1.6 4.8 / 9.1.24: with StopTransactionOnInvalidId true (the default here), a
        // transaction whose StartTransaction.conf idTagInfo is not Accepted is stopped with reason
        // DeAuthorized.
        [Fact]
        public void A_StartTransaction_answered_Invalid_is_stopped_as_DeAuthorized()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 3600);
            bench.Answerer = call => call.Action == "StartTransaction"
                ? "{\"idTagInfo\":{\"status\":\"Invalid\"},\"transactionId\":13}" : bench.DefaultConf(call);
            StartCharging(bench, 1, "ZepId00"u8.ToArray());
            bench.AutoAnswer = true;
            bench.Advance(1000);
            SentFrame stop = bench.Calls("StopTransaction").SingleOrDefault();
            Assert.NotNull(stop);
            Assert.Equal("DeAuthorized", Text(stop.Payload, "reason"));
            Assert.Equal(13, Int(stop.Payload, "transactionId"));
            Assert.False(bench.Connectors[1].HasTransaction);
        }

        // ---- GetConfiguration ---------------------------------------------------------------------------
        [Theory]
        [InlineData("{}")]
        [InlineData("{\"key\":[]}")]
        public void GetConfiguration_without_keys_lists_every_key_with_its_access_and_value(string payload)
        {
            var bench = new ChargePointBench();
            bench.Connect();
            JsonElement conf = bench.CallForResult("g1", "GetConfiguration", payload);
            Assert.False(conf.TryGetProperty("unknownKey", out _));
            List<JsonElement> keys = conf.GetProperty("configurationKey").EnumerateArray().ToList();
            Assert.Equal(bench.Config.Count, keys.Count);
            for (int i = 0; i < keys.Count; i++)
            {
                Assert.Equal(System.Text.Encoding.ASCII.GetString(bench.Config.NameOf(i)), Text(keys[i], "key"));
                Assert.Equal(bench.Config.IsReadOnly(i), keys[i].GetProperty("readonly").GetBoolean());
                Assert.Equal(bench.Config.IsReadable(i), keys[i].TryGetProperty("value", out _));
            }
            JsonElement Key(string name) => keys.Single(k => Text(k, "key") == name);
            Assert.Equal("60", Text(Key("HeartbeatInterval"), "value"));
            Assert.Equal("2", Text(Key("NumberOfConnectors"), "value"));
            Assert.True(Key("NumberOfConnectors").GetProperty("readonly").GetBoolean());
            Assert.Equal("Core", Text(Key("SupportedFeatureProfiles"), "value"));
            Assert.False(Key("AuthorizationKey").TryGetProperty("value", out _));
        }

        [Fact]
        public void GetConfiguration_with_keys_lists_those_keys_and_names_the_unknown_ones()
        {
            var bench = new ChargePointBench();
            bench.Connect();
            JsonElement conf = bench.CallForResult("g1", "GetConfiguration",
                "{\"key\":[\"MeterValueSampleInterval\",\"NoSuchKey\",\"HeartbeatInterval\",\"HeartbeatIntervalX\",\"Heartbeat\"]}");
            Assert.Equal(new[] { "MeterValueSampleInterval", "HeartbeatInterval" },
                conf.GetProperty("configurationKey").EnumerateArray().Select(k => Text(k, "key")));
            Assert.Equal(new[] { "10", "60" }, conf.GetProperty("configurationKey").EnumerateArray().Select(k => Text(k, "value")));
            Assert.Equal(new[] { "NoSuchKey", "HeartbeatIntervalX", "Heartbeat" },
                conf.GetProperty("unknownKey").EnumerateArray().Select(k => k.GetString()));
        }

        [Fact]
        public void GetConfiguration_lists_AuthorizationKey_without_its_value()
        {
            var bench = new ChargePointBench();
            bench.Connect();
            const string secret = "0123456789abcdef0123456789abcdef";
            Assert.Equal("Accepted", Text(bench.CallForResult("c1", "ChangeConfiguration", "{\"key\":\"AuthorizationKey\",\"value\":\"" + secret + "\"}"), "status"));
            SentFrame listed = bench.Call("g1", "GetConfiguration", "{\"key\":[\"AuthorizationKey\"]}");
            JsonElement entry = Assert.Single(listed.Payload.GetProperty("configurationKey").EnumerateArray());
            Assert.Equal("AuthorizationKey", Text(entry, "key"));
            Assert.False(entry.GetProperty("readonly").GetBoolean());
            Assert.False(entry.TryGetProperty("value", out _));
            SentFrame all = bench.Call("g2", "GetConfiguration", "{}");
            Assert.DoesNotContain(secret, all.Text);
            Assert.DoesNotContain(secret, listed.Text);
        }

        // OCPP 1.6 6.24: unknownKey holds the requested keys that are unknown. A key is a
        // CiString50Type: 50 characters, which may take more than 50 bytes of UTF-8.
        [Fact]
        public void GetConfiguration_names_an_unknown_key_of_non_ASCII_characters_in_unknownKey()
        {
            var bench = new ChargePointBench();
            bench.Connect();
            string key = new string('\u00c4', 30); // 30 characters, 60 bytes
            JsonElement conf = bench.CallForResult("g1", "GetConfiguration", "{\"key\":[\"" + key + "\"]}");
            Assert.Equal(new[] { key }, conf.GetProperty("unknownKey").EnumerateArray().Select(k => k.GetString()));
        }

        // ---- ChangeConfiguration ------------------------------------------------------------------------
        [Theory]
        [InlineData("HeartbeatInterval", "90", "Accepted")]
        [InlineData("MeterValuesSampledData", "Energy.Active.Import.Register,Voltage", "Accepted")]
        [InlineData("WebSocketPingInterval", "0", "Accepted")]
        [InlineData("HeartbeatInterval", "0", "Rejected")]
        [InlineData("HeartbeatInterval", "ninety", "Rejected")]
        [InlineData("MeterValuesSampledData", "Voltage,Frequency", "Rejected")]
        [InlineData("NumberOfConnectors", "3", "Rejected")]
        [InlineData("SupportedFeatureProfiles", "Core,Reservation", "Rejected")]
        [InlineData("NoSuchKey", "1", "NotSupported")]
        [InlineData("HeartbeatIntervalX", "90", "NotSupported")]
        [InlineData("Heartbeat", "90", "NotSupported")]
        public void ChangeConfiguration_answers_Accepted_Rejected_or_NotSupported(string key, string value, string status)
        {
            var bench = new ChargePointBench();
            bench.Connect();
            int version = bench.Config.Version;
            JsonElement conf = bench.CallForResult("c1", "ChangeConfiguration", "{\"key\":\"" + key + "\",\"value\":\"" + value + "\"}");
            Assert.Equal(status, Text(conf, "status"));
            Assert.Equal(status == "Accepted", bench.Config.Version != version);
            if (status == "Accepted")
            {
                JsonElement read = bench.CallForResult("g1", "GetConfiguration", "{\"key\":[\"" + key + "\"]}");
                Assert.Equal(value, Text(read.GetProperty("configurationKey")[0], "value"));
            }
        }

        // OCPP 1.6 6.9: key is a CiString50Type, at most 50 characters; one that is not a key here is NotSupported.
        [Fact]
        public void ChangeConfiguration_of_an_unknown_key_of_non_ASCII_characters_is_NotSupported()
        {
            var bench = new ChargePointBench();
            bench.Connect();
            SentFrame answer = bench.Call("c1", "ChangeConfiguration", "{\"key\":\"" + new string('\u00c4', 30) + "\",\"value\":\"1\"}");
            Assert.True(answer.IsResult, answer.Text);
            Assert.Equal("NotSupported", Text(answer.Payload, "status"));
        }

        // OCPP 1.6 section 7: keys are CiString50Type, "case insensitive string".
        [Fact]
        public void Configuration_keys_are_found_in_any_letter_case()
        {
            var bench = new ChargePointBench();
            bench.Connect();
            Assert.Equal("Accepted", Text(bench.CallForResult("c1", "ChangeConfiguration", "{\"key\":\"heartbeatinterval\",\"value\":\"90\"}"), "status"));
            Assert.Equal(90, bench.Config.GetInt(ConfigurationKey.HeartbeatInterval));
            JsonElement read = bench.CallForResult("g1", "GetConfiguration", "{\"key\":[\"HEARTBEATINTERVAL\"]}");
            Assert.Equal("90", Text(read.GetProperty("configurationKey")[0], "value"));
        }

        // ---- TriggerMessage -----------------------------------------------------------------------------
        [Theory]
        [InlineData("BootNotification", null)]
        [InlineData("Heartbeat", null)]
        [InlineData("MeterValues", 1)]
        [InlineData("MeterValues", 2)]
        [InlineData("StatusNotification", 0)]
        [InlineData("StatusNotification", 2)]
        public void TriggerMessage_is_Accepted_and_the_message_goes_out_only_after_the_answer(string requested, int? connectorId)
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 3600);
            bench.Advance(1000);
            int before = bench.Sent.Count;
            string payload = "{\"requestedMessage\":\"" + requested + "\"" + (connectorId.HasValue ? ",\"connectorId\":" + connectorId : "") + "}";

            // While the answer cannot go out, neither does the message.
            bench.Channel.RefuseSends = true;
            bench.Deliver("[2,\"t1\",\"TriggerMessage\"," + payload + "]");
            bench.Advance(1000);
            Assert.Equal(before, bench.Sent.Count);
            bench.Channel.RefuseSends = false;
            bench.Run();

            List<SentFrame> after = bench.Sent.Skip(before).ToList();
            Assert.Equal(2, after.Count);
            Assert.True(after[0].IsResult && after[0].Id == "t1", after[0].Text);
            Assert.Equal("Accepted", Text(after[0].Payload, "status"));
            Assert.Equal(requested, after[1].Action);
            if (connectorId.HasValue) Assert.Equal(connectorId.Value, Int(after[1].Payload, "connectorId"));
            if (requested == "MeterValues")
            {
                JsonElement value = after[1].Payload.GetProperty("meterValue")[0].GetProperty("sampledValue")[0];
                Assert.Equal("Trigger", Text(value, "context"));
            }
            bench.Settle();
            Assert.Single(bench.Calls(requested), c => c.AtMilliseconds >= after[0].AtMilliseconds);
        }

        [Fact]
        public void TriggerMessage_of_StatusNotification_without_connectorId_reports_the_charge_point_and_every_connector()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 3600);
            int before = bench.Sent.Count;
            Assert.Equal("Accepted", Text(bench.CallForResult("t1", "TriggerMessage", "{\"requestedMessage\":\"StatusNotification\"}"), "status"));
            bench.Settle();
            Assert.Equal(new[] { 0, 1, 2 }, bench.CallsSince(before).Select(c => Int(c.Payload, "connectorId")));
        }

        [Fact]
        public void TriggerMessage_of_MeterValues_during_a_transaction_names_the_transaction()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 3600);
            StartCharging(bench, 2, "ZepId01"u8.ToArray());
            bench.Call("t1", "TriggerMessage", "{\"requestedMessage\":\"MeterValues\",\"connectorId\":2}");
            SentFrame meter = bench.ExpectCall("MeterValues");
            Assert.Equal(2, Int(meter.Payload, "connectorId"));
            Assert.Equal(1001, Int(meter.Payload, "transactionId"));
        }

        [Theory]
        [InlineData("DiagnosticsStatusNotification")]
        [InlineData("FirmwareStatusNotification")]
        public void TriggerMessage_of_a_notification_this_charge_point_does_not_send_is_NotImplemented(string requested)
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 3600);
            int before = bench.Sent.Count;
            Assert.Equal("NotImplemented", Text(bench.CallForResult("t1", "TriggerMessage", "{\"requestedMessage\":\"" + requested + "\"}"), "status"));
            bench.Advance(10000);
            Assert.Empty(bench.CallsSince(before));
        }

        [Theory]
        [InlineData("StatusNotification", 9)]
        [InlineData("MeterValues", 9)]
        [InlineData("MeterValues", 3)]
        [InlineData("StatusNotification", -1)]
        public void TriggerMessage_for_a_connector_that_does_not_exist_is_Rejected(string requested, int connectorId)
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 3600);
            int before = bench.Sent.Count;
            JsonElement conf = bench.CallForResult("t1", "TriggerMessage", "{\"requestedMessage\":\"" + requested + "\",\"connectorId\":" + connectorId + "}");
            Assert.Equal("Rejected", Text(conf, "status"));
            bench.Advance(10000);
            Assert.Empty(bench.CallsSince(before));
        }

        // OCPP 1.6 4.2: while Pending, "the Charge Point SHALL NOT send request messages to the
        // Central System unless it has been instructed by the Central System to do so with a
        // TriggerMessage.req"; 5.17: Accepted means the requested message will be sent.
        [Fact]
        public void A_message_triggered_while_the_boot_is_Pending_goes_out_at_once()
        {
            var bench = new ChargePointBench();
            bench.Connect();
            bench.AnswerResult(BootConf(bench, "Pending", 300));
            int before = bench.Sent.Count;
            Assert.Equal("Accepted", Text(bench.CallForResult("t1", "TriggerMessage", "{\"requestedMessage\":\"StatusNotification\",\"connectorId\":1}"), "status"));
            SentFrame status = bench.Sent.Skip(before).FirstOrDefault(f => f.IsCall);
            Assert.NotNull(status);
            Assert.Equal("StatusNotification", status.Action);
            Assert.Equal(1, Int(status.Payload, "connectorId"));
        }
    }
}
