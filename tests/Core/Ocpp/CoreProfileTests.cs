using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using ChargePoint.Core.Ocpp;
using Xunit;

namespace ChargePoint.Tests.Core.Ocpp
{
    // The rest of the OCPP 1.6 Core profile, seen from the central system: ChangeAvailability,
    // ClearCache, DataTransfer both ways, RemoteStartTransaction, RemoteStopTransaction, Reset,
    // UnlockConnector, and the statuses they and the hardware cause (Unavailable, Faulted,
    // SuspendedEV/EVSE). Every answer is checked against the official schemas too.
    public class CoreProfileTests : IClassFixture<OcppSchemaValidator>
    {
        private readonly OcppSchemaValidator _schemas;

        public CoreProfileTests(OcppSchemaValidator schemas) { _schemas = schemas; }

        private static string Text(JsonElement payload, string name) => payload.GetProperty(name).GetString();
        private static int Int(JsonElement payload, string name) => payload.GetProperty(name).GetInt32();

        private static ChargePointBench Booted()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 3600);
            bench.Configure("MeterValueSampleInterval", "0"); // no MeterValues between the steps
            return bench;
        }

        // Authorize answered Accepted, StartTransaction answered (transactionId 1001, 1002, ...).
        private static void StartCharging(ChargePointBench bench, int connector, string idTag = "ZepId00")
        {
            Assert.True(bench.ChargePoint.RequestAuthorize(connector, Encoding.UTF8.GetBytes(idTag)));
            bench.Run();
            bench.Settle();
            Assert.True(bench.ChargePoint.StartTransaction(connector));
            bench.Run();
            bench.Settle();
            Assert.Equal(ChargePointStatus.Charging, bench.Connectors[connector].Status);
        }

        // What a local change queued goes out and is answered.
        private static void Flush(ChargePointBench bench)
        {
            bench.Run();
            bench.Settle();
        }

        // The statuses reported since `index`, as "connector:status".
        private static string[] StatusesSince(ChargePointBench bench, int index) =>
            bench.CallsSince(index).Where(c => c.Action == "StatusNotification")
                .Select(c => Int(c.Payload, "connectorId") + ":" + Text(c.Payload, "status")).ToArray();

        private string Status(ChargePointBench bench, string id, string action, string payload)
        {
            _schemas.AssertValid(action, "req", payload);
            JsonElement conf = bench.CallForResult(id, action, payload);
            _schemas.AssertValid(action, "conf", conf.GetRawText());
            return Text(conf, "status");
        }

        // ---- ChangeAvailability (5.2) ---------------------------------------------------------------
        [Fact]
        public void ChangeAvailability_Inoperative_makes_an_idle_connector_Unavailable_and_Operative_makes_it_Available_again()
        {
            ChargePointBench bench = Booted();
            int before = bench.Sent.Count;
            Assert.Equal("Accepted", Status(bench, "a1", "ChangeAvailability", "{\"connectorId\":1,\"type\":\"Inoperative\"}"));
            bench.Settle();
            Assert.Equal(new[] { "1:Unavailable" }, StatusesSince(bench, before));
            Assert.Equal(ChargePointStatus.Unavailable, bench.Connectors[1].Status);

            // It does not allow any charging (5.2).
            Assert.False(bench.ChargePoint.RequestAuthorize(1, "ZepId00"u8.ToArray()));
            Assert.False(bench.ChargePoint.StartTransaction(1));
            Assert.Equal(ChargePointStatus.Available, bench.Connectors[2].Status);

            before = bench.Sent.Count;
            Assert.Equal("Accepted", Status(bench, "a2", "ChangeAvailability", "{\"connectorId\":1,\"type\":\"Operative\"}"));
            bench.Settle();
            Assert.Equal(new[] { "1:Available" }, StatusesSince(bench, before));
            Assert.True(bench.ChargePoint.StartTransaction(1));
        }

        // 5.2: "In the event that Central System requests Charge Point to change to a status it is
        // already in, Charge Point SHALL respond with availability status 'Accepted'."
        [Fact]
        public void ChangeAvailability_to_the_availability_it_already_has_is_Accepted_and_reports_nothing()
        {
            ChargePointBench bench = Booted();
            int before = bench.Sent.Count;
            Assert.Equal("Accepted", Status(bench, "a1", "ChangeAvailability", "{\"connectorId\":2,\"type\":\"Operative\"}"));
            Assert.Equal("Accepted", Status(bench, "a2", "ChangeAvailability", "{\"connectorId\":0,\"type\":\"Operative\"}"));
            bench.Advance(1000);
            Assert.Empty(bench.CallsSince(before));
        }

        // 5.2: "When a transaction is in progress Charge Point SHALL respond with availability
        // status 'Scheduled' to indicate that it is scheduled to occur after the transaction has
        // finished." 4.9 C8: the session ends into Unavailable.
        [Fact]
        public void ChangeAvailability_Inoperative_during_a_transaction_is_Scheduled_and_made_when_the_transaction_ends()
        {
            ChargePointBench bench = Booted();
            StartCharging(bench, 1);
            int before = bench.Sent.Count;
            Assert.Equal("Scheduled", Status(bench, "a1", "ChangeAvailability", "{\"connectorId\":1,\"type\":\"Inoperative\"}"));
            bench.Advance(5000);
            Assert.Empty(StatusesSince(bench, before));
            Assert.Equal(ChargePointStatus.Charging, bench.Connectors[1].Status);
            Assert.True(bench.Connectors[1].Meter.IsDelivering);

            bench.AutoAnswer = true;
            Assert.True(bench.ChargePoint.StopTransaction(1, StopReason.Local));
            bench.Advance(1000);
            Assert.Equal(new[] { "1:Unavailable" }, StatusesSince(bench, before));
            bench.ChargePoint.SetConnectorStatus(1, ChargePointStatus.Available); // the cable comes out: still Unavailable
            bench.Advance(1000);
            Assert.Equal(ChargePointStatus.Unavailable, bench.Connectors[1].Status);
            Assert.Equal(new[] { "1:Unavailable" }, StatusesSince(bench, before));
        }

        [Fact]
        public void A_scheduled_Inoperative_is_dropped_by_an_Operative_that_comes_before_the_transaction_ends()
        {
            ChargePointBench bench = Booted();
            StartCharging(bench, 1);
            Assert.Equal("Scheduled", Status(bench, "a1", "ChangeAvailability", "{\"connectorId\":1,\"type\":\"Inoperative\"}"));
            Assert.Equal("Accepted", Status(bench, "a2", "ChangeAvailability", "{\"connectorId\":1,\"type\":\"Operative\"}"));
            bench.AutoAnswer = true;
            bench.ChargePoint.StopTransaction(1, StopReason.Local);
            bench.Advance(1000);
            Assert.Equal(ChargePointStatus.Finishing, bench.Connectors[1].Status);
        }

        // 5.2: "In the case the ChangeAvailability.req contains ConnectorId = 0, the status change
        // applies to the Charge Point and all Connectors."
        [Fact]
        public void ChangeAvailability_of_connector_0_applies_to_the_charge_point_and_every_connector()
        {
            ChargePointBench bench = Booted();
            int before = bench.Sent.Count;
            Assert.Equal("Accepted", Status(bench, "a1", "ChangeAvailability", "{\"connectorId\":0,\"type\":\"Inoperative\"}"));
            bench.Settle();
            Assert.Equal(new[] { "0:Unavailable", "1:Unavailable", "2:Unavailable" }, StatusesSince(bench, before));

            before = bench.Sent.Count;
            Assert.Equal("Accepted", Status(bench, "a2", "ChangeAvailability", "{\"connectorId\":0,\"type\":\"Operative\"}"));
            bench.Settle();
            Assert.Equal(new[] { "0:Available", "1:Available", "2:Available" }, StatusesSince(bench, before));
        }

        [Fact]
        public void ChangeAvailability_of_connector_0_during_a_transaction_is_Scheduled_for_the_busy_connector_and_the_charge_point()
        {
            ChargePointBench bench = Booted();
            StartCharging(bench, 1);
            int before = bench.Sent.Count;
            Assert.Equal("Scheduled", Status(bench, "a1", "ChangeAvailability", "{\"connectorId\":0,\"type\":\"Inoperative\"}"));
            bench.Settle();
            Assert.Equal(new[] { "2:Unavailable" }, StatusesSince(bench, before));
            Assert.Equal(ChargePointStatus.Available, bench.Connectors[0].Status);

            bench.AutoAnswer = true;
            bench.ChargePoint.StopTransaction(1, StopReason.Local);
            bench.Advance(1000);
            Assert.Equal(new[] { "2:Unavailable", "0:Unavailable", "1:Unavailable" }.OrderBy(s => s), StatusesSince(bench, before).OrderBy(s => s));
            Assert.All(bench.Connectors, c => Assert.Equal(ChargePointStatus.Unavailable, c.Status));
        }

        [Theory]
        [InlineData(3)]
        [InlineData(9)]
        [InlineData(-1)]
        public void ChangeAvailability_for_a_connector_that_does_not_exist_is_Rejected(int connectorId)
        {
            ChargePointBench bench = Booted();
            int before = bench.Sent.Count;
            Assert.Equal("Rejected", Status(bench, "a1", "ChangeAvailability", "{\"connectorId\":" + connectorId + ",\"type\":\"Inoperative\"}"));
            bench.Advance(1000);
            Assert.Empty(bench.CallsSince(before));
        }

        // ---- ClearCache (5.4) -------------------------------------------------------------------------
        [Fact]
        public void ClearCache_empties_the_authorization_cache_and_is_Accepted()
        {
            ChargePointBench bench = Booted();
            Assert.True(bench.ChargePoint.RequestAuthorize(1, "ZepId00"u8.ToArray()));
            bench.Run();
            bench.Settle();
            Assert.Equal(1, bench.ChargePoint.Cache.Count);
            Assert.Equal("Accepted", Status(bench, "c1", "ClearCache", "{}"));
            Assert.Equal(0, bench.ChargePoint.Cache.Count);
        }

        // ---- DataTransfer (5.6 / 4.3) -------------------------------------------------------------------
        private sealed class EchoVendor : IDataTransferHandler
        {
            public readonly List<(string MessageId, string Data)> Requests = new List<(string, string)>();
            public ReadOnlySpan<byte> VendorId => "org.sharpcharge.echo"u8;

            public DataTransferStatus Handle(ReadOnlySpan<byte> messageId, ReadOnlySpan<byte> data, Span<byte> reply, out int replyLength)
            {
                Requests.Add((Encoding.UTF8.GetString(messageId), Encoding.UTF8.GetString(data)));
                replyLength = 0;
                if (!messageId.SequenceEqual("Echo"u8)) return DataTransferStatus.UnknownMessageId;
                data.CopyTo(reply);
                replyLength = data.Length;
                return DataTransferStatus.Accepted;
            }
        }

        // 4.3: "If the recipient of the request has no implementation for the specific vendorId it
        // SHALL return a status 'UnknownVendor' and the data element SHALL not be present."
        [Fact]
        public void DataTransfer_for_a_vendorId_without_a_handler_is_UnknownVendorId_without_data()
        {
            ChargePointBench bench = Booted();
            string payload = "{\"vendorId\":\"com.example\",\"messageId\":\"Hello\",\"data\":\"x\"}";
            _schemas.AssertValid("DataTransfer", "req", payload);
            JsonElement conf = bench.CallForResult("d1", "DataTransfer", payload);
            Assert.Equal("{\"status\":\"UnknownVendorId\"}", conf.GetRawText());
            _schemas.AssertValid("DataTransfer", "conf", conf.GetRawText());
        }

        [Fact]
        public void DataTransfer_goes_to_the_handler_registered_for_its_vendorId()
        {
            ChargePointBench bench = Booted();
            var vendor = new EchoVendor();
            Assert.True(bench.ChargePoint.AddDataTransferHandler(vendor));

            JsonElement echo = bench.CallForResult("d1", "DataTransfer", "{\"vendorId\":\"ORG.SharpCharge.Echo\",\"messageId\":\"Echo\",\"data\":\"h\\u00e9llo \\\"x\\\"\"}");
            Assert.Equal("Accepted", Text(echo, "status"));
            Assert.Equal("h\u00e9llo \"x\"", Text(echo, "data"));
            _schemas.AssertValid("DataTransfer", "conf", echo.GetRawText());

            JsonElement other = bench.CallForResult("d2", "DataTransfer", "{\"vendorId\":\"org.sharpcharge.echo\",\"messageId\":\"Other\"}");
            Assert.Equal("{\"status\":\"UnknownMessageId\"}", other.GetRawText());
            JsonElement bare = bench.CallForResult("d3", "DataTransfer", "{\"vendorId\":\"org.sharpcharge.echo\"}");
            Assert.Equal("UnknownMessageId", Text(bare, "status"));
            Assert.Equal(new[] { ("Echo", "h\u00e9llo \"x\""), ("Other", ""), ("", "") }, vendor.Requests);
        }

        [Fact]
        public void RequestDataTransfer_sends_DataTransfer_req_and_reports_the_central_systems_answer()
        {
            ChargePointBench bench = Booted();
            Assert.True(bench.ChargePoint.RequestDataTransfer("org.sharpcharge"u8, "Meter"u8, "{\"serial\":7}"u8));
            Assert.False(bench.ChargePoint.RequestDataTransfer("org.sharpcharge"u8, default, default)); // one at a time
            Assert.Equal(AuthorizeOutcome.Pending, bench.ChargePoint.DataTransferResult(out _, out _));
            bench.Run();
            SentFrame request = bench.ExpectCall("DataTransfer");
            Assert.Equal("{\"vendorId\":\"org.sharpcharge\",\"messageId\":\"Meter\",\"data\":\"{\\\"serial\\\":7}\"}", request.Payload.GetRawText());
            _schemas.AssertValid("DataTransfer", "req", request.Payload.GetRawText());
            bench.AnswerResult("{\"status\":\"Accepted\",\"data\":\"ok\"}");
            Assert.Equal(AuthorizeOutcome.Answered, bench.ChargePoint.DataTransferResult(out DataTransferStatus status, out ReadOnlySpan<byte> data));
            Assert.Equal(DataTransferStatus.Accepted, status);
            Assert.Equal("ok", Encoding.UTF8.GetString(data));

            // Without messageId and data; answered with a CALLERROR: Failed.
            Assert.True(bench.ChargePoint.RequestDataTransfer("org.sharpcharge"u8, default, default));
            bench.Run();
            Assert.Equal("{\"vendorId\":\"org.sharpcharge\"}", bench.ExpectCall("DataTransfer").Payload.GetRawText());
            bench.AnswerError("InternalError");
            Assert.Equal(AuthorizeOutcome.Failed, bench.ChargePoint.DataTransferResult(out _, out _));

            // A malformed answer: Failed.
            Assert.True(bench.ChargePoint.RequestDataTransfer("org.sharpcharge"u8, default, default));
            bench.Run();
            bench.AnswerResult("{\"status\":\"Maybe\"}");
            Assert.Equal(AuthorizeOutcome.Failed, bench.ChargePoint.DataTransferResult(out _, out _));
            bench.AssertEveryFrameMatchesSchemas(_schemas);
        }

        [Fact]
        public void RequestDataTransfer_while_offline_fails_at_once()
        {
            ChargePointBench bench = Booted();
            bench.Disconnect();
            Assert.True(bench.ChargePoint.RequestDataTransfer("org.sharpcharge"u8, default, default));
            Assert.Equal(AuthorizeOutcome.Failed, bench.ChargePoint.DataTransferResult(out _, out _));
            bench.Connect();
            bench.Advance(1000);
            Assert.Empty(bench.Calls("DataTransfer"));
        }

        // ---- RemoteStartTransaction (5.11) ------------------------------------------------------------
        // 5.11: with AuthorizeRemoteTxRequests true (this charge point's default) "the Charge Point
        // SHALL behave as if in response to a local action ... A transaction will only be started
        // after authorization was obtained."
        [Fact]
        public void RemoteStartTransaction_with_AuthorizeRemoteTxRequests_authorizes_the_idTag_then_starts()
        {
            ChargePointBench bench = Booted();
            int before = bench.Sent.Count;
            Assert.Equal("Accepted", Status(bench, "r1", "RemoteStartTransaction", "{\"connectorId\":2,\"idTag\":\"Remote01\"}"));
            SentFrame authorize = bench.ExpectCall("Authorize");
            Assert.Equal("Remote01", Text(authorize.Payload, "idTag"));
            Assert.False(bench.Connectors[2].HasTransaction);
            bench.Settle();
            SentFrame start = bench.Calls("StartTransaction").Single();
            Assert.Equal(2, Int(start.Payload, "connectorId"));
            Assert.Equal("Remote01", Text(start.Payload, "idTag"));
            Assert.Equal(ChargePointStatus.Charging, bench.Connectors[2].Status);
            Assert.Equal(new[] { "Authorize", "StatusNotification", "StartTransaction", "StatusNotification" }, bench.CallsSince(before).Select(c => c.Action));
        }

        [Fact]
        public void RemoteStartTransaction_whose_idTag_the_central_system_then_refuses_starts_nothing()
        {
            ChargePointBench bench = Booted();
            bench.Answerer = call => call.Action == "Authorize" ? "{\"idTagInfo\":{\"status\":\"Blocked\"}}" : bench.DefaultConf(call);
            Assert.Equal("Accepted", Status(bench, "r1", "RemoteStartTransaction", "{\"connectorId\":1,\"idTag\":\"Stolen\"}"));
            bench.Settle();
            bench.Advance(5000);
            Assert.Empty(bench.Calls("StartTransaction"));
            Assert.False(bench.Connectors[1].HasTransaction);
            Assert.Contains("<wrn> ocpp: remote start on connector 1 not started: idTag Blocked", bench.LogText);
        }

        // 5.11: with AuthorizeRemoteTxRequests false "the Charge Point SHALL immediately try to
        // start a transaction for the idTag"; the central system checks it in StartTransaction.
        [Fact]
        public void RemoteStartTransaction_without_AuthorizeRemoteTxRequests_starts_at_once()
        {
            ChargePointBench bench = Booted();
            bench.Configure("AuthorizeRemoteTxRequests", "false");
            Assert.Equal("Accepted", Status(bench, "r1", "RemoteStartTransaction", "{\"connectorId\":1,\"idTag\":\"Remote01\"}"));
            Assert.True(bench.Connectors[1].HasTransaction);
            bench.Settle();
            Assert.Empty(bench.Calls("Authorize"));
            Assert.Equal("Remote01", Text(bench.Calls("StartTransaction").Single().Payload, "idTag"));
        }

        // 5.11: "When no connector id is provided, the Charge Point is in control of the connector selection."
        [Fact]
        public void RemoteStartTransaction_without_connectorId_takes_the_first_connector_that_can_charge()
        {
            ChargePointBench bench = Booted();
            StartCharging(bench, 1);
            Assert.Equal("Accepted", Status(bench, "r1", "RemoteStartTransaction", "{\"idTag\":\"Remote01\"}"));
            bench.Settle();
            Assert.Equal(2, Int(bench.Calls("StartTransaction").Last().Payload, "connectorId"));
            Assert.Equal("Rejected", Status(bench, "r2", "RemoteStartTransaction", "{\"idTag\":\"Remote02\"}"));
        }

        [Theory]
        [InlineData("busy")]
        [InlineData("authorizing")]
        [InlineData("unavailable")]
        [InlineData("faulted")]
        [InlineData("connector 0")]
        [InlineData("connector 3")]
        [InlineData("resetting")]
        public void RemoteStartTransaction_is_Rejected_for_a_connector_that_cannot_take_a_transaction(string why)
        {
            ChargePointBench bench = Booted();
            int connector = why == "connector 0" ? 0 : why == "connector 3" ? 3 : 1;
            switch (why)
            {
                case "busy": StartCharging(bench, 1); break;
                case "authorizing": Assert.True(bench.ChargePoint.RequestAuthorize(1, "ZepId00"u8.ToArray())); break;
                case "unavailable": Assert.Equal("Accepted", Status(bench, "a1", "ChangeAvailability", "{\"connectorId\":1,\"type\":\"Inoperative\"}")); break;
                case "faulted": Assert.True(bench.ChargePoint.ReportFault(1, ChargePointErrorCode.GroundFailure)); break;
                case "resetting":
                    bench.WireSystemReset();
                    Assert.Equal("Accepted", Status(bench, "x1", "Reset", "{\"type\":\"Soft\"}"));
                    break;
            }
            int starts = bench.Queue.Count + bench.Calls("StartTransaction").Count();
            Assert.Equal("Rejected", Status(bench, "r1", "RemoteStartTransaction", "{\"connectorId\":" + connector + ",\"idTag\":\"Remote01\"}"));
            Assert.Equal(starts, bench.Queue.Count + bench.Calls("StartTransaction").Count());
        }

        // 4.2: "While in pending state, the following Central System initiated messages are not
        // allowed: RemoteStartTransaction.req and RemoteStopTransaction.req".
        [Fact]
        public void RemoteStart_and_RemoteStop_are_Rejected_while_the_boot_is_Pending()
        {
            var bench = new ChargePointBench();
            bench.Connect();
            bench.AnswerResult("{\"status\":\"Pending\",\"currentTime\":\"" + bench.CentralSystemTime + "\",\"interval\":300}");
            Assert.Equal("Rejected", Status(bench, "r1", "RemoteStartTransaction", "{\"connectorId\":1,\"idTag\":\"Remote01\"}"));
            Assert.Equal("Rejected", Status(bench, "r2", "RemoteStopTransaction", "{\"transactionId\":1001}"));
            Assert.False(bench.Connectors[1].HasTransaction);
        }

        // 5.11: "If a Charge Point without support for Smart Charging receives a
        // RemoteStartTransaction.req with a Charging Profile, this parameter SHOULD be ignored."
        [Fact]
        public void RemoteStartTransaction_with_a_chargingProfile_ignores_the_profile_and_starts()
        {
            ChargePointBench bench = Booted();
            const string profile = "{\"chargingProfileId\":1,\"stackLevel\":0,\"chargingProfilePurpose\":\"TxProfile\",\"chargingProfileKind\":\"Absolute\","
                + "\"chargingSchedule\":{\"chargingRateUnit\":\"W\",\"chargingSchedulePeriod\":[{\"startPeriod\":0,\"limit\":3600}]}}";
            Assert.Equal("Accepted", Status(bench, "r1", "RemoteStartTransaction", "{\"connectorId\":1,\"idTag\":\"Remote01\",\"chargingProfile\":" + profile + "}"));
            bench.Settle();
            Assert.Equal(ChargePointStatus.Charging, bench.Connectors[1].Status);
        }

        // ---- RemoteStopTransaction (5.12) -------------------------------------------------------------
        [Fact]
        public void RemoteStopTransaction_of_a_running_transaction_is_Accepted_and_stops_it_with_reason_Remote()
        {
            ChargePointBench bench = Booted();
            StartCharging(bench, 1);
            StartCharging(bench, 2, "ZepId01"); // transaction 1002
            Assert.Equal("Accepted", Status(bench, "s1", "RemoteStopTransaction", "{\"transactionId\":1002}"));
            Assert.False(bench.Connectors[2].HasTransaction);
            Assert.True(bench.Connectors[1].HasTransaction);
            bench.Settle();
            SentFrame stop = bench.Calls("StopTransaction").Single();
            Assert.Equal(1002, Int(stop.Payload, "transactionId"));
            Assert.Equal("Remote", Text(stop.Payload, "reason"));
            Assert.Equal(ChargePointStatus.Finishing, bench.Connectors[2].Status);
        }

        [Fact]
        public void RemoteStopTransaction_of_a_transaction_that_is_not_running_is_Rejected()
        {
            ChargePointBench bench = Booted();
            Assert.Equal("Rejected", Status(bench, "s1", "RemoteStopTransaction", "{\"transactionId\":1001}"));
            StartCharging(bench, 1);
            Assert.Equal("Rejected", Status(bench, "s2", "RemoteStopTransaction", "{\"transactionId\":77}"));
            Assert.Equal("Rejected", Status(bench, "s3", "RemoteStopTransaction", "{\"transactionId\":99999999999}"));
            Assert.True(bench.Connectors[1].HasTransaction);

            // The charge point's own (local) id is not the central system's.
            bench.Answerer = call => call.Action == "StartTransaction" ? null : bench.DefaultConf(call);
            Assert.True(bench.ChargePoint.RequestAuthorize(2, "ZepId01"u8.ToArray()));
            bench.Run();
            bench.Settle();
            Assert.True(bench.ChargePoint.StartTransaction(2));
            bench.Run();
            bench.Settle();
            Assert.Equal("Rejected", Status(bench, "s4", "RemoteStopTransaction", "{\"transactionId\":" + bench.Connectors[2].LocalTransactionId + "}"));
            Assert.True(bench.Connectors[2].HasTransaction);
        }

        // ---- Reset (5.14) ----------------------------------------------------------------------------
        [Fact]
        public void Reset_without_a_way_to_restart_is_Rejected()
        {
            ChargePointBench bench = Booted();
            StartCharging(bench, 1);
            Assert.Equal("Rejected", Status(bench, "x1", "Reset", "{\"type\":\"Soft\"}"));
            bench.Advance(60000);
            Assert.True(bench.Connectors[1].HasTransaction);
            Assert.Empty(bench.SystemReset.Restarts);
        }

        // 5.14: "After receipt of a Reset.req, The Charge Point SHALL send a StopTransaction.req for
        // any ongoing transaction before performing the reset."
        [Theory]
        [InlineData("Soft", "SoftReset", false)]
        [InlineData("Hard", "HardReset", true)]
        public void Reset_stops_every_transaction_waits_until_the_queue_is_sent_then_restarts(string type, string reason, bool hard)
        {
            ChargePointBench bench = Booted();
            bench.WireSystemReset();
            StartCharging(bench, 1);
            StartCharging(bench, 2, "ZepId01");
            bench.Answerer = call => call.Action == "StopTransaction" ? null : bench.DefaultConf(call);
            bench.Console.Clear();
            long resetAt = bench.Now;
            Assert.Equal("Accepted", Status(bench, "x1", "Reset", "{\"type\":\"" + type + "\"}"));
            Assert.Contains("<inf> ocpp: Reset " + type + " requested: stopping transactions", bench.LogText);
            bench.Settle();
            SentFrame first = bench.ExpectCall("StopTransaction");
            Assert.Equal(reason, Text(first.Payload, "reason"));
            Assert.False(bench.ChargePoint.StartTransaction(1)); // nothing new starts now

            bench.Advance(10000);
            Assert.Empty(bench.SystemReset.Restarts);
            bench.AnswerResult("{}");
            SentFrame second = bench.ExpectCall("StopTransaction");
            Assert.Equal(reason, Text(second.Payload, "reason"));
            Assert.Equal(new[] { 1001, 1002 }, new[] { Int(first.Payload, "transactionId"), Int(second.Payload, "transactionId") });
            Assert.Empty(bench.SystemReset.Restarts);
            bench.AnswerResult("{}");
            Assert.Equal(new[] { (hard, resetAt + 10000) }, bench.SystemReset.Restarts);
            Assert.Contains("<inf> ocpp: Reset " + type + ": transaction queue sent, restarting", bench.LogText);
            bench.AssertEveryFrameMatchesSchemas(_schemas);
        }

        [Fact]
        public void Reset_without_transactions_restarts_a_moment_after_its_answer_went_out()
        {
            ChargePointBench bench = Booted();
            bench.WireSystemReset();
            bench.Channel.RefuseSends = true; // the answer cannot leave yet
            bench.Deliver("[2,\"x1\",\"Reset\",{\"type\":\"Soft\"}]");
            bench.Advance(60000);
            Assert.Empty(bench.SystemReset.Restarts);
            bench.Channel.RefuseSends = false;
            long answeredAt = bench.Now;
            bench.Run();
            Assert.Equal("Accepted", Text(bench.AnswersTo("x1").Single().Payload, "status"));
            bench.Advance(OcppChargePoint.ResetGraceMilliseconds - 1);
            Assert.Empty(bench.SystemReset.Restarts);
            bench.Advance(1);
            Assert.Equal(new[] { (false, answeredAt + OcppChargePoint.ResetGraceMilliseconds) }, bench.SystemReset.Restarts);
        }

        [Fact]
        public void Reset_restarts_anyway_when_the_queue_is_not_sent_within_the_time_limit()
        {
            ChargePointBench bench = Booted();
            bench.WireSystemReset();
            StartCharging(bench, 1);
            bench.Answerer = call => call.Action == "StopTransaction" ? null : bench.DefaultConf(call);
            long resetAt = bench.Now;
            Assert.Equal("Accepted", Status(bench, "x1", "Reset", "{\"type\":\"Hard\"}"));
            bench.AutoAnswer = true;
            bench.Advance(OcppChargePoint.ResetDrainLimitMilliseconds - 1);
            Assert.Empty(bench.SystemReset.Restarts);
            bench.Advance(1);
            Assert.Equal(new[] { (true, resetAt + OcppChargePoint.ResetDrainLimitMilliseconds) }, bench.SystemReset.Restarts);
            Assert.Contains("<wrn> ocpp: Reset Hard: 1 transaction messages still queued after 30 s, restarting anyway", bench.LogText);
        }

        [Fact]
        public void Reset_whose_link_goes_down_restarts_after_the_time_limit_when_the_charge_point_runs_offline()
        {
            ChargePointBench bench = Booted();
            bench.WireSystemReset();
            bench.RunWhileOffline = true;
            StartCharging(bench, 1);
            bench.Answerer = call => call.Action == "StopTransaction" ? null : bench.DefaultConf(call);
            long resetAt = bench.Now;
            Assert.Equal("Accepted", Status(bench, "x1", "Reset", "{\"type\":\"Soft\"}"));
            bench.Settle();
            bench.Disconnect();
            bench.Advance(OcppChargePoint.ResetDrainLimitMilliseconds);
            Assert.Equal(new[] { (false, resetAt + OcppChargePoint.ResetDrainLimitMilliseconds) }, bench.SystemReset.Restarts);
        }

        // ---- UnlockConnector (5.18) --------------------------------------------------------------------
        // The simulated connectors have no cable lock (7.46 NotSupported: "Charge Point has no
        // connector lock, or ConnectorId is unknown"); 5.18: "If there was a transaction in progress
        // on the specific connector, then Charge Point SHALL finish the transaction first".
        [Fact]
        public void UnlockConnector_stops_the_transaction_on_it_with_reason_UnlockCommand_and_answers_NotSupported()
        {
            ChargePointBench bench = Booted();
            StartCharging(bench, 1);
            Assert.Equal("NotSupported", Status(bench, "u1", "UnlockConnector", "{\"connectorId\":1}"));
            Assert.False(bench.Connectors[1].HasTransaction);
            bench.Settle();
            SentFrame stop = bench.Calls("StopTransaction").Single();
            Assert.Equal("UnlockCommand", Text(stop.Payload, "reason"));
            Assert.Equal(1001, Int(stop.Payload, "transactionId"));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(0)]
        [InlineData(3)]
        public void UnlockConnector_of_a_connector_without_a_transaction_is_NotSupported_and_changes_nothing(int connectorId)
        {
            ChargePointBench bench = Booted();
            if (connectorId != 2) StartCharging(bench, 2, "ZepId01");
            int before = bench.Sent.Count;
            Assert.Equal("NotSupported", Status(bench, "u1", "UnlockConnector", "{\"connectorId\":" + connectorId + "}"));
            bench.Advance(1000);
            Assert.Empty(bench.CallsSince(before));
        }

        // ---- statuses the hardware causes (4.9) -----------------------------------------------------
        [Fact]
        public void A_fault_is_reported_as_Faulted_with_its_errorCode_and_clearing_it_restores_the_status_before()
        {
            ChargePointBench bench = Booted();
            int before = bench.Sent.Count;
            Assert.True(bench.ChargePoint.ReportFault(2, ChargePointErrorCode.HighTemperature));
            Flush(bench);
            Assert.True(bench.ChargePoint.ReportFault(2, ChargePointErrorCode.OverVoltage)); // another code: reported too
            Flush(bench);
            Assert.False(bench.ChargePoint.StartTransaction(2));
            Assert.True(bench.ChargePoint.ClearFault(2));
            Flush(bench);
            List<SentFrame> statuses = bench.CallsSince(before).Where(c => c.Action == "StatusNotification").ToList();
            Assert.Equal(new[] { "Faulted HighTemperature", "Faulted OverVoltage", "Available NoError" },
                statuses.Select(s => Text(s.Payload, "status") + " " + Text(s.Payload, "errorCode")));
            Assert.All(statuses, s => Assert.Equal(2, Int(s.Payload, "connectorId")));

            // The charge point itself (connector 0) may be Faulted too.
            before = bench.Sent.Count;
            Assert.True(bench.ChargePoint.ReportFault(0, ChargePointErrorCode.InternalError));
            Flush(bench);
            Assert.Equal(new[] { "0:Faulted" }, StatusesSince(bench, before));
            Assert.False(bench.ChargePoint.ReportFault(3, ChargePointErrorCode.InternalError));
            bench.AssertEveryFrameMatchesSchemas(_schemas);
        }

        [Fact]
        public void A_fault_during_a_transaction_stops_the_energy_and_clearing_it_resumes_Charging()
        {
            ChargePointBench bench = Booted();
            StartCharging(bench, 1);
            int before = bench.Sent.Count;
            bench.ChargePoint.ReportFault(1, ChargePointErrorCode.GroundFailure);
            Flush(bench);
            long energy = bench.Connectors[1].Meter.EnergyWh;
            bench.Advance(10000);
            Assert.Equal(energy, bench.Connectors[1].Meter.EnergyWh);
            Assert.True(bench.Connectors[1].HasTransaction);
            bench.ChargePoint.ClearFault(1);
            Flush(bench);
            bench.Advance(10000);
            Assert.True(bench.Connectors[1].Meter.EnergyWh > energy);
            Assert.Equal(new[] { "1:Faulted", "1:Charging" }, StatusesSince(bench, before));
        }

        // 4.9: C4 / D3 (the EV), C5 / E3 (the EVSE); "If charging is suspended both by the EV and
        // the EVSE, status SuspendedEVSE SHALL have precedence over status SuspendedEV."
        [Fact]
        public void Suspension_by_the_EV_and_by_the_EVSE_is_reported_with_SuspendedEVSE_first_and_resuming_goes_back_to_Charging()
        {
            ChargePointBench bench = Booted();
            Assert.False(bench.ChargePoint.SetEvSuspended(1, true)); // no transaction
            StartCharging(bench, 1);
            int before = bench.Sent.Count;
            Assert.True(bench.ChargePoint.SetEvSuspended(1, true));
            Flush(bench);
            Assert.False(bench.Connectors[1].Meter.IsDelivering);
            Assert.True(bench.ChargePoint.SetEvseSuspended(1, true));
            Flush(bench);
            Assert.True(bench.ChargePoint.SetEvSuspended(1, false));
            Flush(bench);
            Assert.True(bench.ChargePoint.SetEvseSuspended(1, false));
            Flush(bench);
            Assert.True(bench.Connectors[1].Meter.IsDelivering);
            Assert.Equal(new[] { "1:SuspendedEV", "1:SuspendedEVSE", "1:Charging" }, StatusesSince(bench, before));
            bench.AssertEveryFrameMatchesSchemas(_schemas);
        }

        // ---- what the charge point does not do -----------------------------------------------------------
        // OCPP-J 1.6 4.2.3: NotSupported "Requested Action is recognized but not supported by the
        // receiver", NotImplemented "Requested Action is not known by receiver".
        [Theory]
        [InlineData("ReserveNow", "{\"connectorId\":1,\"expiryDate\":\"2030-01-01T00:00:00Z\",\"idTag\":\"A\",\"reservationId\":1}", "NotSupported")]
        [InlineData("SendLocalList", "{\"listVersion\":1,\"updateType\":\"Full\"}", "NotSupported")]
        [InlineData("GetDiagnostics", "{\"location\":\"ftp://example.org/\"}", "NotSupported")]
        [InlineData("SetChargingProfile", "{}", "NotSupported")]
        [InlineData("FooBar", "{}", "NotImplemented")]
        [InlineData("reset", "{\"type\":\"Soft\"}", "NotImplemented")]
        public void An_action_of_another_profile_is_NotSupported_and_an_unknown_one_NotImplemented(string action, string payload, string code)
        {
            ChargePointBench bench = Booted();
            SentFrame answer = bench.Call("n1", action, payload);
            Assert.True(answer.IsError, answer.Text);
            answer.AssertWellFormed();
            Assert.Equal(code, answer.ErrorCode);
        }

        // ---- every payload against its schema ---------------------------------------------------------
        [Theory]
        [InlineData("ChangeAvailability", "{\"connectorId\":1}", "OccurenceConstraintViolation")]
        [InlineData("ChangeAvailability", "{\"connectorId\":\"1\",\"type\":\"Operative\"}", "TypeConstraintViolation")]
        [InlineData("ChangeAvailability", "{\"connectorId\":1.5,\"type\":\"Operative\"}", "TypeConstraintViolation")]
        [InlineData("ChangeAvailability", "{\"connectorId\":1,\"type\":\"Broken\"}", "PropertyConstraintViolation")]
        [InlineData("ChangeAvailability", "{\"connectorId\":1,\"type\":\"operative\"}", "PropertyConstraintViolation")]
        [InlineData("ChangeAvailability", "{\"connectorId\":1,\"type\":\"Operative\",\"when\":0}", "FormationViolation")]
        [InlineData("ClearCache", "{\"all\":true}", "FormationViolation")]
        [InlineData("DataTransfer", "{}", "OccurenceConstraintViolation")]
        [InlineData("DataTransfer", "{\"vendorId\":5}", "TypeConstraintViolation")]
        [InlineData("DataTransfer", "{\"vendorId\":\"x\",\"data\":{}}", "TypeConstraintViolation")]
        [InlineData("DataTransfer", "{\"vendorId\":\"x\",\"messageId\":\"123456789012345678901234567890123456789012345678901\"}", "PropertyConstraintViolation")]
        [InlineData("RemoteStartTransaction", "{}", "OccurenceConstraintViolation")]
        [InlineData("RemoteStartTransaction", "{\"idTag\":\"123456789012345678901\"}", "PropertyConstraintViolation")]
        [InlineData("RemoteStartTransaction", "{\"idTag\":\"A\",\"connectorId\":\"1\"}", "TypeConstraintViolation")]
        [InlineData("RemoteStartTransaction", "{\"idTag\":\"A\",\"chargingProfile\":5}", "TypeConstraintViolation")]
        [InlineData("RemoteStopTransaction", "{}", "OccurenceConstraintViolation")]
        [InlineData("RemoteStopTransaction", "{\"transactionId\":\"7\"}", "TypeConstraintViolation")]
        [InlineData("Reset", "{}", "OccurenceConstraintViolation")]
        [InlineData("Reset", "{\"type\":1}", "TypeConstraintViolation")]
        [InlineData("Reset", "{\"type\":\"Warm\"}", "PropertyConstraintViolation")]
        [InlineData("UnlockConnector", "{\"connectorId\":null}", "TypeConstraintViolation")]
        [InlineData("UnlockConnector", "{\"connector\":1}", "FormationViolation")]
        public void A_payload_that_breaks_its_schema_gets_the_CALLERROR_the_specification_names(string action, string payload, string code)
        {
            Assert.False(_schemas.Validate(action, "req", payload).Ok, "the official schema accepts " + payload);
            ChargePointBench bench = Booted();
            bench.WireSystemReset();
            StartCharging(bench, 1);
            int before = bench.Sent.Count;
            SentFrame answer = bench.Call("e1", action, payload);
            Assert.True(answer != null && answer.IsError, answer?.Text);
            answer.AssertWellFormed();
            Assert.Equal(code, answer.ErrorCode);
            bench.Advance(60000);
            Assert.True(bench.Connectors[1].HasTransaction); // and nothing happened
            Assert.Empty(bench.SystemReset.Restarts);
        }

        // A session that asks for everything, every frame checked against the official schemas.
        [Fact]
        public void Every_answer_and_message_of_the_Core_operations_matches_the_OCPP_1_6_schemas()
        {
            ChargePointBench bench = Booted();
            bench.WireSystemReset();
            bench.ChargePoint.AddDataTransferHandler(new EchoVendor());
            bench.AutoAnswer = true;
            StartCharging(bench, 1);
            var calls = new List<(string Action, string Payload)>
            {
                ("ChangeAvailability", "{\"connectorId\":1,\"type\":\"Inoperative\"}"),
                ("ChangeAvailability", "{\"connectorId\":2,\"type\":\"Inoperative\"}"),
                ("ChangeAvailability", "{\"connectorId\":2,\"type\":\"Operative\"}"),
                ("ChangeAvailability", "{\"connectorId\":7,\"type\":\"Operative\"}"),
                ("ChangeAvailability", "{\"connectorId\":1,\"type\":\"Operative\"}"),
                ("ClearCache", "{}"),
                ("DataTransfer", "{\"vendorId\":\"org.sharpcharge.echo\",\"messageId\":\"Echo\",\"data\":\"1\"}"),
                ("DataTransfer", "{\"vendorId\":\"org.sharpcharge.echo\",\"messageId\":\"No\"}"),
                ("DataTransfer", "{\"vendorId\":\"com.example\"}"),
                ("RemoteStartTransaction", "{\"idTag\":\"Remote01\"}"),
                ("RemoteStartTransaction", "{\"connectorId\":1,\"idTag\":\"Remote02\"}"),
                ("RemoteStopTransaction", "{\"transactionId\":1002}"),
                ("RemoteStopTransaction", "{\"transactionId\":5}"),
                ("UnlockConnector", "{\"connectorId\":2}"),
                ("UnlockConnector", "{\"connectorId\":1}"),
                ("Reset", "{\"type\":\"Hard\"}"),
            };
            int id = 0;
            foreach ((string action, string payload) in calls)
            {
                _schemas.AssertValid(action, "req", payload);
                SentFrame answer = bench.Call("cs-" + ++id, action, payload);
                Assert.True(answer != null && answer.IsResult, action + " " + payload + ": " + answer?.Text);
                bench.Advance(2000);
            }
            bench.ChargePoint.ReportFault(2, ChargePointErrorCode.PowerMeterFailure);
            bench.ChargePoint.RequestDataTransfer("org.sharpcharge"u8, "Hello"u8, "world"u8);
            bench.Advance(60000);
            Assert.Single(bench.SystemReset.Restarts);
            Assert.True(bench.Calls("StopTransaction").Count() >= 2);
            Assert.DoesNotContain("<err>", bench.LogText);
            bench.AssertEveryFrameMatchesSchemas(_schemas);
        }
    }
}
