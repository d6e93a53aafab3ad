using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ChargePoint.Core;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Ocpp;
using ChargePoint.Core.Ocpp.Rpc;
using Xunit;
using CoreJson = ChargePoint.Core.Json;

namespace ChargePoint.Tests.Core.Ocpp
{
    // OCPP-J RPC (OCPP-J 1.6 section 4): ids, one outstanding CALL, the response timeout, and one
    // answer to every CALL of the central system, with the error code the specification names for
    // each way a frame can be wrong.
    public class RpcEndpointTests
    {
        // Hears everything the endpoint tells its owner, as text.
        private sealed class Recorder : IRpcCallHandler, IRpcResultHandler
        {
            public readonly List<string> Events = new List<string>();

            public RpcErrorCode HandleCall(ReadOnlySpan<byte> action, CoreJson.JsonElement payload, CoreJson.JsonWriter result, RpcDescription description)
            {
                Events.Add("call " + Encoding.UTF8.GetString(action));
                result.StartObject();
                result.EndObject();
                return RpcErrorCode.None;
            }

            public void AfterResult(ReadOnlySpan<byte> action) => Events.Add("after " + Encoding.UTF8.GetString(action));

            public void OnCallResult(ReadOnlySpan<byte> action, CoreJson.JsonElement payload) =>
                Events.Add("result " + Encoding.UTF8.GetString(action) + " " + Encoding.UTF8.GetString(payload.RawJson));

            public void OnCallError(ReadOnlySpan<byte> action, RpcErrorCode code, ReadOnlySpan<byte> description) =>
                Events.Add("error " + Encoding.UTF8.GetString(action) + " " + code + " " + Encoding.UTF8.GetString(description));

            public void OnCallFailed(ReadOnlySpan<byte> action, bool timedOut) =>
                Events.Add("failed " + Encoding.UTF8.GetString(action) + (timedOut ? " timed out" : " link lost"));
        }

        private readonly FakeClock _clock = new FakeClock();
        private readonly CapturingSerial _console = new CapturingSerial(1 << 20);
        private readonly Recorder _recorder = new Recorder();
        private readonly FakeChannel _channel;
        private readonly RpcEndpoint _rpc;

        public RpcEndpointTests()
        {
            _channel = new FakeChannel(_clock);
            _rpc = NewEndpoint(ChargePointBench.RandomSeed);
        }

        private RpcEndpoint NewEndpoint(uint seed) =>
            new RpcEndpoint(_channel, new XorShiftRandom(seed), new Logger(_clock, _console, 256), ChargePointBench.MessageBytes, _recorder, _recorder);

        private long Now => _clock.UptimeMicroseconds / 1000;

        private string SendHeartbeat(RpcEndpoint rpc = null, long timeout = 30000)
        {
            rpc ??= _rpc;
            CoreJson.JsonWriter w = rpc.BeginCall("Heartbeat"u8);
            Assert.NotNull(w);
            w.StartObject();
            w.EndObject();
            Assert.True(rpc.EndCall(Now, timeout));
            SentFrame call = _channel.Sent.Last();
            Assert.Equal("Heartbeat", call.Action);
            return call.Id;
        }

        private void Deliver(string text) => _rpc.OnMessage(Encoding.UTF8.GetBytes(text));

        // ---- the charge point's CALLs --------------------------------------------------------------
        [Fact]
        public void Message_ids_are_unique_and_at_most_36_characters()
        {
            var ids = new List<string>();
            for (int i = 0; i < 2000; i++)
            {
                string id = SendHeartbeat();
                ids.Add(id);
                Deliver("[3,\"" + id + "\",{\"currentTime\":\"2024-02-14T06:07:03Z\"}]");
            }
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.All(ids, id => Assert.InRange(id.Length, 1, RpcEndpoint.MaxMessageIdLength));
            Assert.Equal(2000, _recorder.Events.Count(e => e.StartsWith("result Heartbeat")));
        }

        [Fact]
        public void Message_ids_of_another_boot_differ()
        {
            string first = SendHeartbeat();
            string other = SendHeartbeat(NewEndpoint(ChargePointBench.RandomSeed ^ 0x1234567));
            Assert.NotEqual(first, other);
        }

        [Fact]
        public void Only_one_CALL_is_outstanding_at_a_time()
        {
            string id = SendHeartbeat();
            Assert.True(_rpc.IsCallPending);
            Assert.False(_rpc.CanCall);
            Assert.Null(_rpc.BeginCall("StatusNotification"u8));
            Assert.Equal("Heartbeat", Encoding.UTF8.GetString(_rpc.PendingAction));
            Assert.Single(_channel.Sent);

            Deliver("[3,\"" + id + "\",{\"currentTime\":\"2024-02-14T06:07:03Z\"}]");
            Assert.False(_rpc.IsCallPending);
            Assert.NotNull(_rpc.BeginCall("StatusNotification"u8));
        }

        [Fact]
        public void No_CALL_starts_while_the_link_is_closed()
        {
            _channel.IsOpen = false;
            Assert.False(_rpc.CanCall);
            Assert.Null(_rpc.BeginCall("Heartbeat"u8));
        }

        [Fact]
        public void A_CALL_the_channel_refuses_is_not_pending()
        {
            _channel.RefuseSends = true;
            CoreJson.JsonWriter w = _rpc.BeginCall("Heartbeat"u8);
            w.StartObject();
            w.EndObject();
            Assert.False(_rpc.EndCall(Now, 30000));
            Assert.False(_rpc.IsCallPending);
            Assert.Equal(0, _rpc.CallsSent);
        }

        [Fact]
        public void A_CALL_without_an_answer_within_the_response_timeout_fails_as_timed_out()
        {
            _clock.AdvanceMilliseconds(5000);
            string id = SendHeartbeat(timeout: 30000);
            Assert.Equal(35000, _rpc.Deadline);
            _clock.AdvanceMilliseconds(29999);
            _rpc.CheckTimeout(Now);
            Assert.True(_rpc.IsCallPending);
            Assert.Empty(_recorder.Events);

            _clock.AdvanceMilliseconds(1);
            _rpc.CheckTimeout(Now);
            Assert.False(_rpc.IsCallPending);
            Assert.Equal(new[] { "failed Heartbeat timed out" }, _recorder.Events);
            Assert.Equal(1, _rpc.Timeouts);
            Assert.Contains("<wrn> ocpp: no answer to Heartbeat (" + id + ") in time", _console.Text);

            // The answer that comes too late belongs to no CALL any more.
            Deliver("[3,\"" + id + "\",{\"currentTime\":\"2024-02-14T06:07:03Z\"}]");
            Assert.Single(_recorder.Events);
            Assert.Equal(1, _rpc.Ignored);
        }

        [Fact]
        public void A_CALL_outstanding_when_the_link_goes_down_fails_without_timing_out()
        {
            SendHeartbeat();
            _rpc.OnDisconnected();
            Assert.False(_rpc.IsCallPending);
            Assert.Equal(new[] { "failed Heartbeat link lost" }, _recorder.Events);
            Assert.Equal(0, _rpc.Timeouts);
        }

        [Theory]
        [InlineData(3, "[3,\"{0}\",{{}}]")]
        [InlineData(4, "[4,\"{0}\",\"GenericError\",\"\",{{}}]")]
        public void An_answer_to_an_unknown_message_id_is_ignored_counted_and_logged(int type, string format)
        {
            string id = SendHeartbeat();
            Deliver(string.Format(format, id + "x"));
            Deliver(string.Format(format, "other"));
            Assert.True(_rpc.IsCallPending);
            Assert.Empty(_recorder.Events);
            Assert.Equal(2, _rpc.Ignored);
            Assert.Contains((type == 3 ? "CALLRESULT" : "CALLERROR") + " for unknown message id other, ignored", _console.Text);
            Assert.Single(_channel.Sent); // nothing is answered to an answer
        }

        [Fact]
        public void A_CALLRESULT_is_handed_over_with_its_payload()
        {
            string id = SendHeartbeat();
            Deliver("[3, \"" + id + "\", {\"currentTime\":\"2024-02-14T06:07:03Z\"} ]");
            Assert.Equal(new[] { "result Heartbeat {\"currentTime\":\"2024-02-14T06:07:03Z\"}" }, _recorder.Events);
            Assert.Equal(1, _rpc.ResultsReceived);
        }

        [Theory]
        [InlineData("[3,\"{0}\"]")]
        [InlineData("[3,\"{0}\",5]")]
        [InlineData("[3,\"{0}\",[]]")]
        [InlineData("[3,\"{0}\",\"ok\"]")]
        [InlineData("[3,\"{0}\",{{}},{{}}]")]
        public void A_CALLRESULT_that_is_not_3_id_object_counts_as_an_error(string format)
        {
            string id = SendHeartbeat();
            Deliver(string.Format(format, id));
            Assert.False(_rpc.IsCallPending);
            Assert.Single(_recorder.Events);
            Assert.StartsWith("error Heartbeat FormationViolation", _recorder.Events[0]);
            Assert.Contains("<err> ocpp: CALLRESULT for Heartbeat is not [3, id, {payload}]", _console.Text);
        }

        [Theory]
        [InlineData("[4,\"{0}\",\"NotImplemented\",\"no such thing\",{{}}]", "NotImplemented no such thing")]
        [InlineData("[4,\"{0}\",\"OccurenceConstraintViolation\",\"\",{{}}]", "OccurenceConstraintViolation ")]
        [InlineData("[4,\"{0}\",\"SomethingNew\",\"x\",{{}}]", "GenericError x")]
        [InlineData("[4,\"{0}\",5,null,{{}}]", "GenericError ")]
        public void A_CALLERROR_is_handed_over_with_its_code_and_description(string format, string expected)
        {
            string id = SendHeartbeat();
            Deliver(string.Format(format, id));
            Assert.Equal(new[] { "error Heartbeat " + expected }, _recorder.Events);
            Assert.Equal(1, _rpc.ErrorsReceived);
        }

        // ---- the central system's CALLs, answered by the charge point ---------------------------------
        public static IEnumerable<object[]> WrongFrames => new[]
        {
            // action and payload
            new object[] { "[2,\"m1\",\"FooBar\",{\"type\":\"Soft\"}]", "NotImplemented" },
            new object[] { "[2,\"m1\",\"" + new string('A', 41) + "\",{}]", "NotImplemented" }, // no action is that long
            new object[] { "[2,\"m1\",\"GetConfiguration\",[]]", "FormationViolation" },
            new object[] { "[2,\"m1\",\"GetConfiguration\",\"key\"]", "FormationViolation" },
            new object[] { "[2,\"m1\",\"GetConfiguration\",null]", "FormationViolation" },
            // not JSON, but the start reads [2,"id"
            new object[] { "[2,\"m1\",\"GetConfiguration\",{\"key\":[}]", "FormationViolation" },
            new object[] { "[2,\"m1\",\"GetConfiguration\",{", "FormationViolation" },
            new object[] { "[ 2 , \"m1\" ,\"Heartbeat\", {} ]]", "FormationViolation" },
            // not JSON, and the id escaped: "m\u0031" is "m1"
            new object[] { "[2,\"m\\u0031\",\"GetConfiguration\",{\"key\":", "FormationViolation" },
            // the frame's shape
            new object[] { "[2,\"m1\"]", "ProtocolError" },
            new object[] { "[2,\"m1\",\"GetConfiguration\"]", "ProtocolError" },
            new object[] { "[2,\"m1\",5,{}]", "ProtocolError" },
            new object[] { "[2,\"m1\",\"\",{}]", "ProtocolError" },
            new object[] { "[2,\"m1\",\"GetConfiguration\",{},{}]", "ProtocolError" },
            new object[] { "[7,\"m1\",\"GetConfiguration\",{}]", "ProtocolError" },
            new object[] { "[1,\"m1\"]", "ProtocolError" },
            // against the action's schema
            new object[] { "[2,\"m1\",\"ChangeConfiguration\",{\"key\":\"HeartbeatInterval\"}]", "OccurenceConstraintViolation" },
            new object[] { "[2,\"m1\",\"ChangeConfiguration\",{\"value\":\"30\"}]", "OccurenceConstraintViolation" },
            new object[] { "[2,\"m1\",\"TriggerMessage\",{}]", "OccurenceConstraintViolation" },
            new object[] { "[2,\"m1\",\"ChangeConfiguration\",{\"key\":\"HeartbeatInterval\",\"value\":\"3\",\"value\":\"4\"}]", "OccurenceConstraintViolation" },
            new object[] { "[2,\"m1\",\"ChangeConfiguration\",{\"key\":\"HeartbeatInterval\",\"value\":\"30\",\"reboot\":true}]", "FormationViolation" },
            new object[] { "[2,\"m1\",\"GetConfiguration\",{\"keys\":[\"HeartbeatInterval\"]}]", "FormationViolation" },
            new object[] { "[2,\"m1\",\"TriggerMessage\",{\"requestedMessage\":\"Heartbeat\",\"connector\":1}]", "FormationViolation" },
            new object[] { "[2,\"m1\",\"ChangeConfiguration\",{\"key\":5,\"value\":\"30\"}]", "TypeConstraintViolation" },
            new object[] { "[2,\"m1\",\"ChangeConfiguration\",{\"key\":\"HeartbeatInterval\",\"value\":30}]", "TypeConstraintViolation" },
            new object[] { "[2,\"m1\",\"GetConfiguration\",{\"key\":\"HeartbeatInterval\"}]", "TypeConstraintViolation" },
            new object[] { "[2,\"m1\",\"GetConfiguration\",{\"key\":[5]}]", "TypeConstraintViolation" },
            new object[] { "[2,\"m1\",\"TriggerMessage\",{\"requestedMessage\":5}]", "TypeConstraintViolation" },
            new object[] { "[2,\"m1\",\"TriggerMessage\",{\"requestedMessage\":\"Heartbeat\",\"connectorId\":\"1\"}]", "TypeConstraintViolation" },
            new object[] { "[2,\"m1\",\"TriggerMessage\",{\"requestedMessage\":\"Heartbeat\",\"connectorId\":1.5}]", "TypeConstraintViolation" },
            new object[] { "[2,\"m1\",\"TriggerMessage\",{\"requestedMessage\":\"Reboot\"}]", "PropertyConstraintViolation" },
            new object[] { "[2,\"m1\",\"TriggerMessage\",{\"requestedMessage\":\"heartbeat\"}]", "PropertyConstraintViolation" },
            new object[] { "[2,\"m1\",\"ChangeConfiguration\",{\"key\":\"" + new string('K', 51) + "\",\"value\":\"1\"}]", "PropertyConstraintViolation" },
            new object[] { "[2,\"m1\",\"ChangeConfiguration\",{\"key\":\"AuthorizationKey\",\"value\":\"" + new string('0', 501) + "\"}]", "PropertyConstraintViolation" },
            new object[] { "[2,\"m1\",\"GetConfiguration\",{\"key\":[\"" + new string('K', 51) + "\"]}]", "PropertyConstraintViolation" },
        };

        // OCPP-J 4.1.4: a message id is at most 36 characters, not bytes.
        [Theory]
        [InlineData(36, true)]
        [InlineData(37, false)]
        public void A_message_id_of_36_characters_of_two_byte_UTF8_is_answered_and_one_of_37_is_not(int characters, bool answered)
        {
            var bench = new ChargePointBench();
            bench.Connect();
            string id = new string('\u00e9', characters);
            bench.Deliver("[2,\"" + id + "\",\"GetConfiguration\",{\"key\":[\"HeartbeatInterval\"]}]");
            List<SentFrame> answers = bench.AnswersTo(id);
            Assert.Equal(answered ? 1 : 0, answers.Count);
            if (answered) Assert.True(answers[0].IsResult, answers[0].Text);
            else Assert.Equal(1, bench.Rpc.Ignored);
        }

        [Theory]
        [MemberData(nameof(WrongFrames))]
        public void A_wrong_CALL_gets_exactly_one_CALLERROR_with_the_code_the_specification_names(string frame, string code)
        {
            var bench = new ChargePointBench();
            bench.Connect();
            int before = bench.Sent.Count;
            bench.Deliver(frame);
            List<SentFrame> answers = bench.AnswersTo("m1");
            Assert.Single(answers);
            SentFrame answer = answers[0];
            answer.AssertWellFormed();
            Assert.True(answer.IsError, answer.Text);
            Assert.Equal(code, answer.ErrorCode);
            Assert.Equal(1, bench.Rpc.ErrorsSent);
            Assert.Equal(before + 1, bench.Sent.Count);
            Assert.Contains("<wrn> ocpp: answering ", bench.LogText);
        }

        [Theory]
        [InlineData("GetConfiguration", "{}")]
        [InlineData("GetConfiguration", "{\"key\":[\"HeartbeatInterval\",\"NoSuchKey\"]}")]
        [InlineData("ChangeConfiguration", "{\"key\":\"HeartbeatInterval\",\"value\":\"90\"}")]
        [InlineData("ChangeConfiguration", "{\"key\":\"NoSuchKey\",\"value\":\"1\"}")]
        [InlineData("TriggerMessage", "{\"requestedMessage\":\"Heartbeat\"}")]
        [InlineData("TriggerMessage", "{\"requestedMessage\":\"StatusNotification\",\"connectorId\":9}")]
        public void A_well_formed_CALL_gets_exactly_one_CALLRESULT(string action, string payload)
        {
            var bench = new ChargePointBench();
            bench.Connect();
            bench.Call("m1", action, payload);
            List<SentFrame> answers = bench.AnswersTo("m1");
            Assert.Single(answers);
            answers[0].AssertWellFormed();
            Assert.True(answers[0].IsResult, answers[0].Text);
            Assert.Equal(1, bench.Rpc.CallsReceived);
            Assert.Equal(0, bench.Rpc.ErrorsSent);
        }

        [Fact]
        public void A_CALL_is_answered_while_the_charge_points_own_CALL_is_outstanding()
        {
            var bench = new ChargePointBench();
            bench.Connect();
            SentFrame boot = bench.ExpectCall("BootNotification");
            Assert.True(bench.Call("m1", "GetConfiguration", "{\"key\":[\"HeartbeatInterval\"]}").IsResult);
            Assert.True(bench.Rpc.IsCallPending);
            Assert.Equal(boot.Id, bench.PendingCall.Id);
            bench.Settle();
            Assert.Equal(RegistrationStatus.Accepted, bench.ChargePoint.Registration);
        }

        [Fact]
        public void Invalid_JSON_that_starts_like_a_CALL_is_answered_FormationViolation_with_its_message_id()
        {
            var bench = new ChargePointBench();
            bench.Connect();
            bench.Deliver("[2,\"19223201\",\"GetConfiguration\",{\"key\":[\"HeartbeatInterval\"}]");
            SentFrame answer = Assert.Single(bench.AnswersTo("19223201"));
            Assert.Equal("FormationViolation", answer.ErrorCode);
            Assert.StartsWith("invalid JSON at byte ", answer.ErrorDescription);
            Assert.Equal(0, bench.Rpc.Ignored);
        }

        [Theory]
        [InlineData("[2,")]
        [InlineData("[2,5,\"GetConfiguration\",{]")]
        [InlineData("[3,\"m1\",{]")]
        [InlineData("{\"a\":")]
        [InlineData("hello")]
        [InlineData("")]
        public void Invalid_JSON_without_a_readable_message_id_is_ignored_and_logged(string frame)
        {
            var bench = new ChargePointBench();
            bench.Connect();
            int before = bench.Sent.Count;
            bench.Deliver(frame);
            Assert.Equal(before, bench.Sent.Count);
            Assert.Equal(1, bench.Rpc.Ignored);
            Assert.Contains("<err> ocpp: frame is not JSON (byte ", bench.LogText);
        }

        [Theory]
        [InlineData("{}")]
        [InlineData("[]")]
        [InlineData("[\"2\",\"m1\",\"Heartbeat\",{}]")]
        [InlineData("[2]")]
        [InlineData("[2,5,\"GetConfiguration\",{}]")]
        [InlineData("[2,\"\",\"GetConfiguration\",{}]")]
        public void JSON_that_is_not_an_OCPP_J_message_with_an_id_is_ignored_and_logged(string frame)
        {
            var bench = new ChargePointBench();
            bench.Connect();
            int before = bench.Sent.Count;
            bench.Deliver(frame);
            Assert.Equal(before, bench.Sent.Count);
            Assert.Equal(1, bench.Rpc.Ignored);
            Assert.Contains("<err> ocpp: ", bench.LogText);
        }

        [Fact]
        public void A_CALL_with_a_message_id_longer_than_36_characters_is_ignored()
        {
            var bench = new ChargePointBench();
            bench.Connect();
            int before = bench.Sent.Count;
            bench.Deliver("[2,\"" + new string('a', 37) + "\",\"GetConfiguration\",{}]");
            Assert.Equal(before, bench.Sent.Count);
            Assert.Equal(1, bench.Rpc.Ignored);

            string longest = new string('b', 36);
            Assert.True(bench.Call(longest, "GetConfiguration", "{\"key\":[\"HeartbeatInterval\"]}").IsResult);
        }

        [Fact]
        public void Every_frame_sent_is_a_JSON_array_of_the_right_shape()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 60);
            foreach (object[] wrong in WrongFrames) bench.Deliver(((string)wrong[0]).Replace("\"m1\"", "\"w" + bench.Sent.Count + "\""));
            bench.Call("g1", "GetConfiguration", "{}");
            bench.Call("g2", "GetConfiguration", "{\"key\":[\"AuthorizationKey\",\"Nope\"]}");
            bench.Call("c1", "ChangeConfiguration", "{\"key\":\"MeterValuesSampledData\",\"value\":\"voltage, Energy.Active.Import.Register\"}");
            bench.Call("t1", "TriggerMessage", "{\"requestedMessage\":\"MeterValues\",\"connectorId\":1}");
            bench.Settle();
            bench.Advance(61000);
            bench.AnswerError("InternalError", "\"quoted\" \\ and \u00e9");
            Assert.Equal(1, bench.Rpc.ErrorsReceived);
            Assert.True(bench.Sent.Count >= WrongFrames.Count() + 10, string.Join("\n", bench.Sent));
            Assert.All(bench.Sent, frame => frame.AssertWellFormed());
        }

        // An answer the channel had no room for waits (Flush sends it); meanwhile the central system
        // may send another CALL. Both CALLs must still get exactly one answer each.
        [Fact]
        public void A_CALL_arriving_while_an_earlier_answer_waits_for_room_leaves_both_answered_once()
        {
            var bench = new ChargePointBench();
            bench.Connect();
            bench.Settle();
            bench.Channel.RefuseSends = true;
            bench.Rpc.OnMessage(Encoding.UTF8.GetBytes("[2,\"a\",\"GetConfiguration\",{\"key\":[\"HeartbeatInterval\"]}]"));
            Assert.Empty(bench.AnswersTo("a"));

            // The link drains; as OcppLifecycle.Run does, the frames that arrived are handled before Flush.
            bench.Channel.RefuseSends = false;
            bench.Rpc.OnMessage(Encoding.UTF8.GetBytes("[2,\"b\",\"GetConfiguration\",{}]"));
            bench.Run();
            bench.Run();

            SentFrame a = Assert.Single(bench.AnswersTo("a"));
            Assert.True(a.IsResult, a.Text);
            Assert.Single(bench.AnswersTo("b"));
        }

        [Fact]
        public void An_answer_the_channel_had_no_room_for_goes_out_once_there_is_room()
        {
            var bench = new ChargePointBench();
            bench.Connect();
            bench.Settle();
            bench.Channel.RefuseSends = true;
            bench.Deliver("[2,\"a\",\"GetConfiguration\",{\"key\":[\"HeartbeatInterval\"]}]");
            Assert.Empty(bench.AnswersTo("a"));
            Assert.False(bench.Rpc.CanCall);
            bench.Channel.RefuseSends = false;
            bench.Run();
            SentFrame a = Assert.Single(bench.AnswersTo("a"));
            Assert.True(a.IsResult);
            bench.Run();
            Assert.Single(bench.AnswersTo("a"));
        }
    }
}
