using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChargePoint.Tests.Emulator.Services;
using Xunit;
using Xunit.Abstractions;

namespace ChargePoint.Tests.Emulator
{
    // The OCPP 1.6J charge point on QEMU's user network against the local central system
    // (tools/csms: ocpp-rpc in strict mode, so every message both ways is checked against the
    // OCPP 1.6 JSON schemas). Each test starts its own central system on ports the OS chose and
    // names it to the firmware in a configuration block (cs_url, sntp, sntp_port, demo keys).
    [Trait("Category", "Emulator")]
    public class OcppTests : IDisposable
    {
        private const string Cp = "CP001";
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
        private static readonly TimeSpan Short = TimeSpan.FromSeconds(10);
        private readonly ITestOutputHelper _output;
        private readonly string _folder = Directory.CreateTempSubdirectory("sharpcharge-ocpp-").FullName;
        private readonly List<IDisposable> _owned = new List<IDisposable>();
        private CsmsProcess _csms;
        private QemuRun _qemu;

        public OcppTests(ITestOutputHelper output) { _output = output; }

        public void Dispose()
        {
            for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
            Directory.Delete(_folder, recursive: true);
        }

        // ---- the bench -------------------------------------------------------------------------------
        private CsmsProcess StartCsms(int? heartbeat = null)
        {
            _csms = new CsmsProcess(heartbeat);
            _owned.Add(_csms);
            return _csms;
        }

        // Boots the image pointed at the central system, with `keys` after the connection's own.
        private QemuRun Boot(CsmsProcess csms, params (string Key, string Value)[] keys)
        {
            var all = new List<(string, string)>
            {
                ("cs_url", $"ws://10.0.2.2:{csms.Port}/steve/websocket/CentralSystemService/{Cp}"),
                ("sntp", "10.0.2.2"),
                ("sntp_port", csms.SntpPort.ToString(CultureInfo.InvariantCulture)),
            };
            all.AddRange(keys);
            string block = ConfigBlockFile.Write(Path.Combine(_folder, "config.bin"), all.ToArray());
            _qemu = new QemuRun(Repo.Image("mps2-an500"), new QemuOptions { Network = true, ConfigBlock = block });
            _owned.Add(_qemu);
            return _qemu;
        }

        // Both logs, for a failure message.
        private string Logs(CsmsProcess csms = null)
        {
            string earlier = csms != null && csms != _csms ? $"\n--- central system (before the restart):\n{_csms?.Log}" : "";
            csms ??= _csms;
            return $"\n--- console:\n{_qemu?.Console}{earlier}\n--- central system:\n{csms?.Log}";
        }

        private void Check(bool condition, string what, CsmsProcess csms = null)
        {
            if (!condition) throw new Xunit.Sdk.XunitException(what + Logs(csms));
        }

        // Waits until the charge point booted and reported its three connectors (and the central
        // system answered the last of them): it is idle then. Returns the index of that answer.
        private static int WaitUntilIdle(CsmsProcess csms, int from = 0)
        {
            int boot = csms.WaitForIndex(m => CsmsProcess.IsCall(m, "in", "BootNotification"), Wait, "a BootNotification", from);
            JsonElement status2 = csms.WaitFor(m => CsmsProcess.IsCall(m, "in", "StatusNotification") && ConnectorId(m) == 2,
                Wait, "StatusNotification for connector 2", boot);
            string id = CsmsProcess.Str(status2, "id");
            return csms.WaitForIndex(m => CsmsProcess.IsAnswer(m, "out", id), Short, "the answer to StatusNotification for connector 2", boot);
        }

        private static int ConnectorId(JsonElement message) =>
            message.GetProperty("payload").TryGetProperty("connectorId", out JsonElement c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : -1;

        private static string Status(JsonElement message) => CsmsProcess.Str(message.GetProperty("payload"), "status");

        private static int Int(JsonElement payload, string name) => payload.GetProperty(name).GetInt32();

        // The result's status, after checking the call was answered with a CALLRESULT.
        private string ResultStatus(CsmsReply reply, string what)
        {
            Check(reply.Ok, $"{what}: expected a CALLRESULT, got {reply}");
            return CsmsProcess.Str(reply.Result, "status");
        }

        private CsmsReply Trigger(string requestedMessage, int? connectorId = null)
        {
            object payload = connectorId.HasValue
                ? new Dictionary<string, object> { ["requestedMessage"] = requestedMessage, ["connectorId"] = connectorId.Value }
                : new Dictionary<string, object> { ["requestedMessage"] = requestedMessage };
            return _csms.Call(Cp, "TriggerMessage", payload);
        }

        // The charge point's answer (a CALLRESULT or CALLERROR in the log) to the central system's CALL.
        private int AnswerIndex(CsmsReply reply) =>
            _csms.WaitForIndex(m => CsmsProcess.IsAnswer(m, "in", reply.MessageId), Short, $"the charge point's answer {reply.MessageId}");

        private void NoValidationErrors(CsmsProcess csms = null)
        {
            csms ??= _csms;
            var errors = csms.ValidationErrors;
            Check(errors.Count == 0, $"the central system logged {errors.Count} validation error(s):\n" +
                string.Join("\n", errors.Select(e => e.GetRawText())), csms);
        }

        // Every "timestamp"/"currentTime"/"expiryDate" in every payload is an ISO 8601 UTC time
        // ending in Z. Returns how many there were.
        private int CheckTimestamps(IEnumerable<JsonElement> messages)
        {
            int count = 0;
            void Walk(JsonElement e, string where)
            {
                switch (e.ValueKind)
                {
                    case JsonValueKind.Object:
                        foreach (JsonProperty p in e.EnumerateObject())
                        {
                            if (p.Name is "timestamp" or "currentTime" or "expiryDate")
                            {
                                count++;
                                string text = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText();
                                Check(text.EndsWith("Z", StringComparison.Ordinal)
                                    && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out _),
                                    $"{p.Name} {text} in {where} is not a UTC time ending in Z");
                            }
                            Walk(p.Value, where);
                        }
                        break;
                    case JsonValueKind.Array:
                        foreach (JsonElement item in e.EnumerateArray()) Walk(item, where);
                        break;
                }
            }
            foreach (JsonElement m in messages)
                if (m.TryGetProperty("payload", out JsonElement payload)) Walk(payload, m.GetRawText());
            return count;
        }

        private void ConsoleInOrder(string console, params string[] lines)
        {
            int previous = -1;
            foreach (string line in lines)
            {
                int at = console.IndexOf(line, previous + 1, StringComparison.Ordinal);
                Check(at > previous, $"the console lacks \"{line.TrimEnd()}\" after the line before it");
                previous = at;
            }
        }

        // ---- the demo session -----------------------------------------------------------------------
        [Fact]
        public void The_demo_session_authorizes_starts_meters_and_stops_both_connectors_in_the_seeds_order_with_no_schema_error()
        {
            var csms = StartCsms();
            var qemu = Boot(csms, ("demo_auth_s", "4"), ("demo_charge_s", "7"));

            csms.WaitFor(m => CsmsProcess.IsCall(m, "in", "BootNotification"), Wait, "a BootNotification");
            // The demo authorizes 4 s after the boot is accepted: time enough to sample every 2 s.
            CsmsReply change = csms.Call(Cp, "ChangeConfiguration", new { key = "MeterValueSampleInterval", value = "2" });
            Check(ResultStatus(change, "ChangeConfiguration MeterValueSampleInterval=2") == "Accepted", $"MeterValueSampleInterval=2: {change}");

            qemu.WaitFor("<inf> main: ocpp stop charging connector id 2");
            JsonElement last = csms.WaitFor(m => CsmsProcess.IsCall(m, "in", "StatusNotification") && ConnectorId(m) == 2 && Status(m) == "Available",
                Wait, "connector 2 Available again", csms.WaitForIndex(m => CsmsProcess.IsCall(m, "in", "StopTransaction"), Short, "a StopTransaction"));
            csms.WaitFor(m => CsmsProcess.IsAnswer(m, "out", CsmsProcess.Str(last, "id")), Short, "the answer to the last StatusNotification");
            string console = qemu.Console;

            // What the charge point sent, in order, and what it was answered.
            var lines = csms.Lines;
            var calls = lines.Select((m, i) => (m, i)).Where(x => CsmsProcess.IsCall(x.m, "in")).ToList();
            JsonElement AnswerTo(JsonElement call)
            {
                var answers = lines.Where(m => CsmsProcess.IsAnswer(m, "out", CsmsProcess.Str(call, "id"))).ToList();
                Check(answers.Count == 1, $"{answers.Count} answers to {call.GetRawText()}");
                return answers[0];
            }
            foreach (var (call, _) in calls)
            {
                JsonElement answer = AnswerTo(call);
                Check(CsmsProcess.Str(answer, "type") == "result", $"{call.GetRawText()} was answered with {answer.GetRawText()}");
            }
            Check(!lines.Any(m => CsmsProcess.IsMessage(m) && CsmsProcess.Str(m, "type") is "error" or "raw"), "a CALLERROR or a raw frame in the session");
            NoValidationErrors();

            string[] actions = calls.Select(x => CsmsProcess.Str(x.m, "action")).ToArray();
            _output.WriteLine("the charge point sent: " + string.Join(", ", actions));
            Check(actions.Length >= 4 && actions[0] == "BootNotification", "BootNotification first");
            for (int c = 0; c <= 2; c++)
            {
                JsonElement s = calls[1 + c].m;
                Check(CsmsProcess.Str(s, "action") == "StatusNotification" && ConnectorId(s) == c && Status(s) == "Available"
                    && CsmsProcess.Str(s.GetProperty("payload"), "errorCode") == "NoError",
                    $"call {2 + c} is StatusNotification connector {c} Available NoError, not {s.GetRawText()}");
            }
            var payload = calls.ToDictionary(x => x.i, x => x.m.GetProperty("payload"));
            int IndexOfCall(string action, Func<JsonElement, bool> match, int after, string what)
            {
                var found = calls.Where(x => x.i > after && CsmsProcess.Str(x.m, "action") == action && match(x.m.GetProperty("payload"))).ToList();
                Check(found.Count > 0, $"no {what} after line {after}");
                return found[0].i;
            }
            int lastStatus = calls[3].i;
            var authorize = new int[3];
            var start = new int[3];
            var stop = new int[3];
            var transactionId = new int[3];
            var meterStart = new long[3];
            string[] tags = { null, "ZepId00", "ZepId01" };
            for (int c = 1; c <= 2; c++)
            {
                authorize[c] = IndexOfCall("Authorize", p => CsmsProcess.Str(p, "idTag") == tags[c], lastStatus, $"Authorize {tags[c]}");
                start[c] = IndexOfCall("StartTransaction", p => Int(p, "connectorId") == c && CsmsProcess.Str(p, "idTag") == tags[c],
                    authorize[c], $"StartTransaction on connector {c} for {tags[c]}");
                JsonElement startAnswer = AnswerTo(lines[start[c]]).GetProperty("payload");
                transactionId[c] = Int(startAnswer, "transactionId");
                Check(CsmsProcess.Str(startAnswer.GetProperty("idTagInfo"), "status") == "Accepted", $"{tags[c]} accepted at its start");
                meterStart[c] = Int(payload[start[c]], "meterStart");
                int charging = IndexOfCall("StatusNotification", p => Int(p, "connectorId") == c && CsmsProcess.Str(p, "status") == "Charging",
                    start[c], $"StatusNotification Charging for connector {c}");
                stop[c] = IndexOfCall("StopTransaction", p => Int(p, "transactionId") == transactionId[c], charging,
                    $"StopTransaction of transaction {transactionId[c]}");
                JsonElement stopPayload = payload[stop[c]];
                long meterStop = Int(stopPayload, "meterStop");
                Check(meterStop >= meterStart[c], $"connector {c}: meterStop {meterStop} < meterStart {meterStart[c]}");
                Check(CsmsProcess.Str(stopPayload, "idTag") == tags[c], $"StopTransaction {transactionId[c]} names {tags[c]}");

                // The periodic samples between start and stop: this transaction's id, energy never going down.
                var samples = calls.Where(x => x.i > start[c] && x.i < stop[c] && CsmsProcess.Str(x.m, "action") == "MeterValues"
                    && Int(x.m.GetProperty("payload"), "connectorId") == c).Select(x => x.m.GetProperty("payload")).ToList();
                Check(samples.Count >= 2, $"connector {c}: {samples.Count} MeterValues in 7 s of charging at a 2 s interval");
                long previous = meterStart[c];
                DateTime? sampledBefore = null;
                foreach (JsonElement sample in samples)
                {
                    DateTime sampledAt = DateTime.Parse(CsmsProcess.Str(sample.GetProperty("meterValue")[0], "timestamp"),
                        CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
                    if (sampledBefore.HasValue)
                    {
                        double gap = (sampledAt - sampledBefore.Value).TotalSeconds;
                        Check(gap >= 1.9 && gap <= 4, $"connector {c}: samples {gap:F3} s apart at MeterValueSampleInterval=2");
                    }
                    sampledBefore = sampledAt;
                    Check(sample.TryGetProperty("transactionId", out JsonElement tx) && tx.GetInt32() == transactionId[c],
                        $"MeterValues {sample.GetRawText()} names transaction {transactionId[c]}");
                    foreach (JsonElement meterValue in sample.GetProperty("meterValue").EnumerateArray())
                    {
                        var energy = meterValue.GetProperty("sampledValue").EnumerateArray()
                            .Where(v => (CsmsProcess.Str(v, "measurand") ?? "Energy.Active.Import.Register") == "Energy.Active.Import.Register").ToList();
                        Check(energy.Count == 1, $"one Energy.Active.Import.Register in {meterValue.GetRawText()}");
                        Check(CsmsProcess.Str(energy[0], "context") == "Sample.Periodic" && CsmsProcess.Str(energy[0], "unit") == "Wh",
                            $"a periodic sample in Wh: {energy[0].GetRawText()}");
                        long value = long.Parse(CsmsProcess.Str(energy[0], "value"), CultureInfo.InvariantCulture);
                        Check(value >= previous, $"connector {c}: energy went down from {previous} to {value}");
                        previous = value;
                    }
                }
                Check(meterStop >= previous, $"connector {c}: meterStop {meterStop} below the last sample {previous}");

                int finishing = IndexOfCall("StatusNotification", p => Int(p, "connectorId") == c && CsmsProcess.Str(p, "status") == "Finishing",
                    charging, $"StatusNotification Finishing for connector {c}");
                int available = IndexOfCall("StatusNotification", p => Int(p, "connectorId") == c && CsmsProcess.Str(p, "status") == "Available",
                    Math.Max(finishing, stop[c]), $"StatusNotification Available for connector {c} after Finishing and the stop");
                Check(available > finishing, "Finishing, then Available");
            }
            Check(transactionId[1] != transactionId[2], "two transactions, two ids");
            Check(CheckTimestamps(lines.Where(CsmsProcess.IsMessage)) > 10, "timestamps in the session");

            ConsoleInOrder(console,
                "<inf> ocpp: upstream init\r\n",
                "<inf> ocpp: ocpp init success\r\n",
                "<inf> main: ocpp auth 0> idcon 1 status 1\r\n",
                "<inf> main: ocpp auth 0> idcon 2 status 1\r\n",
                "<inf> main: ocpp start charging connector id 1\r\n",
                "<inf> main: ocpp start charging connector id 2\r\n",
                "<inf> main: ocpp stop charging connector id 1\r\n",
                "<inf> main: ocpp stop charging connector id 2\r\n");
            Check(!Regex.IsMatch(console, @"<(err|wrn)> (ocpp|main|websocket):"), "no error or warning from the OCPP side");
        }

        // ---- GetConfiguration ----------------------------------------------------------------------------
        [Fact]
        public void GetConfiguration_without_keys_lists_every_key_and_the_authorization_key_without_its_value()
        {
            var csms = StartCsms();
            var qemu = Boot(csms, ("demo", "off"));
            WaitUntilIdle(csms);

            CsmsReply all = csms.Call(Cp, "GetConfiguration", new { });
            Check(all.Ok, $"GetConfiguration: {all}");
            var keys = all.Result.GetProperty("configurationKey").EnumerateArray().ToList();
            var names = keys.Select(k => CsmsProcess.Str(k, "key")).ToList();
            _output.WriteLine($"{keys.Count} keys: {string.Join(", ", names)}");
            Check(keys.Count >= 20, $"{keys.Count} keys");
            Check(names.Distinct().Count() == names.Count, "each key once");
            foreach (JsonElement k in keys)
            {
                Check(k.TryGetProperty("readonly", out JsonElement ro) && (ro.ValueKind is JsonValueKind.True or JsonValueKind.False),
                    $"readonly in {k.GetRawText()}");
                Check(!k.TryGetProperty("value", out JsonElement v) || v.ValueKind == JsonValueKind.String, $"a string value in {k.GetRawText()}");
            }
            JsonElement heartbeat = keys.Single(k => CsmsProcess.Str(k, "key") == "HeartbeatInterval");
            Check(CsmsProcess.Str(heartbeat, "value") == "60", $"HeartbeatInterval is BootNotification.conf's 60: {heartbeat.GetRawText()}");
            Check(heartbeat.GetProperty("readonly").ValueKind == JsonValueKind.False, "HeartbeatInterval is writable");
            JsonElement authorizationKey = keys.Single(k => CsmsProcess.Str(k, "key") == "AuthorizationKey");
            Check(!authorizationKey.TryGetProperty("value", out _), $"AuthorizationKey without a value: {authorizationKey.GetRawText()}");
            foreach (string required in new[] { "NumberOfConnectors", "MeterValueSampleInterval", "ConnectionTimeOut", "GetConfigurationMaxKeys" })
                Check(names.Contains(required), $"{required} listed");
            Check(!all.Result.TryGetProperty("unknownKey", out _), "no unknownKey when none was asked for");
            NoValidationErrors();
        }

        [Fact]
        public void GetConfiguration_with_keys_lists_those_keys_and_puts_an_unknown_one_in_unknownKey()
        {
            var csms = StartCsms();
            var qemu = Boot(csms, ("demo", "off"));
            WaitUntilIdle(csms);

            CsmsReply listed = csms.Call(Cp, "GetConfiguration", new { key = new[] { "HeartbeatInterval", "NumberOfConnectors" } });
            Check(listed.Ok, $"GetConfiguration listed: {listed}");
            var keys = listed.Result.GetProperty("configurationKey").EnumerateArray().ToList();
            Check(keys.Select(k => CsmsProcess.Str(k, "key")).SequenceEqual(new[] { "HeartbeatInterval", "NumberOfConnectors" }),
                $"the two keys asked for: {listed}");
            Check(CsmsProcess.Str(keys[1], "value") == "2" && keys[1].GetProperty("readonly").ValueKind == JsonValueKind.True,
                $"NumberOfConnectors 2, read-only: {keys[1].GetRawText()}");
            Check(!listed.Result.TryGetProperty("unknownKey", out _), $"no unknownKey: {listed}");

            CsmsReply unknown = csms.Call(Cp, "GetConfiguration", new { key = new[] { "HeartbeatInterval", "NoSuchKey" } });
            Check(unknown.Ok, $"GetConfiguration with an unknown key: {unknown}");
            Check(unknown.Result.GetProperty("configurationKey").EnumerateArray().Select(k => CsmsProcess.Str(k, "key")).SequenceEqual(new[] { "HeartbeatInterval" }),
                $"only the known key in configurationKey: {unknown}");
            Check(unknown.Result.TryGetProperty("unknownKey", out JsonElement unknownKey)
                && unknownKey.EnumerateArray().Select(k => k.GetString()).SequenceEqual(new[] { "NoSuchKey" }),
                $"unknownKey [NoSuchKey]: {unknown}");
            NoValidationErrors();
        }

        // ---- ChangeConfiguration ---------------------------------------------------------------------------
        [Fact]
        public void ChangeConfiguration_of_the_heartbeat_interval_is_accepted_and_heartbeats_follow_the_new_interval()
        {
            var csms = StartCsms();
            var qemu = Boot(csms, ("demo", "off"));
            WaitUntilIdle(csms);

            int from = csms.LineCount;
            CsmsReply change = csms.Call(Cp, "ChangeConfiguration", new { key = "HeartbeatInterval", value = "5" });
            Check(ResultStatus(change, "HeartbeatInterval=5") == "Accepted", $"HeartbeatInterval=5: {change}");
            int first = csms.WaitForIndex(m => CsmsProcess.IsCall(m, "in", "Heartbeat"), TimeSpan.FromSeconds(7), "a Heartbeat within 7 s", from);

            CsmsReply read = csms.Call(Cp, "GetConfiguration", new { key = new[] { "HeartbeatInterval" } });
            Check(read.Ok && CsmsProcess.Str(read.Result.GetProperty("configurationKey")[0], "value") == "5", $"HeartbeatInterval reads 5: {read}");
            JsonElement heartbeat = csms.Lines[first];
            JsonElement answer = csms.WaitFor(m => CsmsProcess.IsAnswer(m, "out", CsmsProcess.Str(heartbeat, "id")), Short, "the Heartbeat's answer");
            Check(CsmsProcess.Str(answer, "type") == "result" && CsmsProcess.Str(answer.GetProperty("payload"), "currentTime").EndsWith("Z", StringComparison.Ordinal),
                $"Heartbeat.conf with currentTime: {answer.GetRawText()}");
            NoValidationErrors();
        }

        [Fact]
        public void ChangeConfiguration_rejects_a_bad_value_and_a_read_only_key_and_does_not_support_an_unknown_key()
        {
            var csms = StartCsms();
            var qemu = Boot(csms, ("demo", "off"));
            WaitUntilIdle(csms);

            CsmsReply bad = csms.Call(Cp, "ChangeConfiguration", new { key = "HeartbeatInterval", value = "abc" });
            Check(ResultStatus(bad, "HeartbeatInterval=abc") == "Rejected", $"HeartbeatInterval=abc: {bad}");
            CsmsReply readOnly = csms.Call(Cp, "ChangeConfiguration", new { key = "NumberOfConnectors", value = "3" });
            Check(ResultStatus(readOnly, "NumberOfConnectors=3") == "Rejected", $"NumberOfConnectors=3 (read-only): {readOnly}");
            CsmsReply unknown = csms.Call(Cp, "ChangeConfiguration", new { key = "NoSuchKey", value = "1" });
            Check(ResultStatus(unknown, "NoSuchKey=1") == "NotSupported", $"NoSuchKey=1: {unknown}");

            CsmsReply read = csms.Call(Cp, "GetConfiguration", new { key = new[] { "HeartbeatInterval", "NumberOfConnectors" } });
            Check(read.Ok, $"GetConfiguration: {read}");
            var values = read.Result.GetProperty("configurationKey").EnumerateArray().Select(k => CsmsProcess.Str(k, "value")).ToArray();
            Check(values.SequenceEqual(new[] { "60", "2" }), $"nothing changed: {read}");
            NoValidationErrors();
        }

        // ---- TriggerMessage ------------------------------------------------------------------------------
        [Fact]
        public void TriggerMessage_sends_each_requested_message_after_its_answer_and_refuses_what_it_cannot()
        {
            var csms = StartCsms();
            var qemu = Boot(csms, ("demo", "off"));
            WaitUntilIdle(csms);

            // BootNotification, Heartbeat: Accepted, and the message follows the answer.
            foreach (string requested in new[] { "BootNotification", "Heartbeat" })
            {
                CsmsReply reply = Trigger(requested);
                Check(ResultStatus(reply, $"TriggerMessage {requested}") == "Accepted", $"TriggerMessage {requested}: {reply}");
                int answered = AnswerIndex(reply);
                JsonElement sent = csms.WaitFor(m => CsmsProcess.IsCall(m, "in", requested), Short, $"the triggered {requested}", answered + 1);
                csms.WaitFor(m => CsmsProcess.IsAnswer(m, "out", CsmsProcess.Str(sent, "id")), Short, $"the answer to the triggered {requested}");
            }

            // StatusNotification without connectorId: every connector, 0 included.
            CsmsReply every = Trigger("StatusNotification");
            Check(ResultStatus(every, "TriggerMessage StatusNotification") == "Accepted", $"TriggerMessage StatusNotification: {every}");
            int everyAnswered = AnswerIndex(every);
            for (int c = 0; c <= 2; c++)
            {
                int connector = c;
                JsonElement s = csms.WaitFor(m => CsmsProcess.IsCall(m, "in", "StatusNotification") && ConnectorId(m) == connector, Short,
                    $"the triggered StatusNotification for connector {connector}", everyAnswered + 1);
                Check(Status(s) == "Available", $"connector {connector} Available: {s.GetRawText()}");
                csms.WaitFor(m => CsmsProcess.IsAnswer(m, "out", CsmsProcess.Str(s, "id")), Short, "its answer");
            }

            // StatusNotification for connector 1: that one only (MeterValues, sent after any
            // StatusNotification by the charge point's priorities, closes the window).
            CsmsReply one = Trigger("StatusNotification", 1);
            Check(ResultStatus(one, "TriggerMessage StatusNotification connector 1") == "Accepted", $"TriggerMessage StatusNotification 1: {one}");
            int oneAnswered = AnswerIndex(one);
            JsonElement status1 = csms.WaitFor(m => CsmsProcess.IsCall(m, "in", "StatusNotification"), Short,
                "the triggered StatusNotification for connector 1", oneAnswered + 1);
            Check(ConnectorId(status1) == 1, $"connector 1: {status1.GetRawText()}");

            // MeterValues for connector 1: Accepted, then the sample (context Trigger, no transaction).
            CsmsReply meter = Trigger("MeterValues", 1);
            Check(ResultStatus(meter, "TriggerMessage MeterValues connector 1") == "Accepted", $"TriggerMessage MeterValues 1: {meter}");
            int meterAnswered = AnswerIndex(meter);
            int meterAt = csms.WaitForIndex(m => CsmsProcess.IsCall(m, "in", "MeterValues"), Short, "the triggered MeterValues");
            Check(meterAt > meterAnswered, "the triggered MeterValues comes after the TriggerMessage's answer");
            JsonElement meterValues = csms.Lines[meterAt].GetProperty("payload");
            Check(Int(meterValues, "connectorId") == 1 && !meterValues.TryGetProperty("transactionId", out _),
                $"MeterValues for connector 1, no transaction: {meterValues.GetRawText()}");
            JsonElement sampled = meterValues.GetProperty("meterValue")[0].GetProperty("sampledValue")[0];
            Check(CsmsProcess.Str(sampled, "context") == "Trigger" && CsmsProcess.Str(sampled, "measurand") == "Energy.Active.Import.Register",
                $"a triggered energy sample: {sampled.GetRawText()}");
            int statusesBetween = csms.Lines.Skip(oneAnswered + 1).Take(meterAt - oneAnswered - 1)
                .Count(m => CsmsProcess.IsCall(m, "in", "StatusNotification"));
            Check(statusesBetween == 1, $"{statusesBetween} StatusNotifications for a trigger of connector 1 only");

            // What it does not do, and a connector it does not have.
            CsmsReply diagnostics = Trigger("DiagnosticsStatusNotification");
            Check(ResultStatus(diagnostics, "TriggerMessage DiagnosticsStatusNotification") == "NotImplemented", $"DiagnosticsStatusNotification: {diagnostics}");
            CsmsReply nine = Trigger("StatusNotification", 9);
            Check(ResultStatus(nine, "TriggerMessage StatusNotification connector 9") == "Rejected", $"connector 9: {nine}");

            int before = csms.LineCount;
            CsmsReply fence = Trigger("Heartbeat");
            Check(ResultStatus(fence, "TriggerMessage Heartbeat") == "Accepted", $"TriggerMessage Heartbeat: {fence}");
            int fenceAt = csms.WaitForIndex(m => CsmsProcess.IsCall(m, "in", "Heartbeat"), Short, "the last triggered Heartbeat", before);
            var refusedSent = csms.Lines.Skip(meterAt + 1).Take(fenceAt - meterAt - 1).Where(m => CsmsProcess.IsCall(m, "in")).ToList();
            Check(refusedSent.Count == 0, "nothing sent for the refused triggers: " + string.Join(", ", refusedSent.Select(m => m.GetRawText())));
            NoValidationErrors();
        }

        // ---- what the charge point does not implement ------------------------------------------------------
        [Fact]
        public void An_unknown_action_is_not_implemented_and_an_action_of_another_profile_is_not_supported()
        {
            var csms = StartCsms();
            var qemu = Boot(csms, ("demo", "off"));
            WaitUntilIdle(csms);

            CsmsReply raw = csms.SendRaw(Cp, "[2,\"x1\",\"FooBar\",{}]");
            Check(raw.Ok, $"sendRaw: {raw}");
            JsonElement answer = csms.WaitFor(m => CsmsProcess.IsAnswer(m, "in", "x1"), Short, "the answer to FooBar");
            Check(CsmsProcess.Str(answer, "type") == "error", $"a CALLERROR for FooBar: {answer.GetRawText()}");
            JsonElement error = answer.GetProperty("error");
            Check(CsmsProcess.Str(error, "code") == "NotImplemented", $"NotImplemented: {answer.GetRawText()}");
            Check(error.TryGetProperty("description", out JsonElement description) && description.ValueKind == JsonValueKind.String,
                $"a description: {answer.GetRawText()}");
            Check(error.TryGetProperty("details", out JsonElement details) && details.ValueKind == JsonValueKind.Object,
                $"details an object: {answer.GetRawText()}");

            // Reservation profile: a known action, not supported here (OCPP-J 4.2.3 NotSupported).
            CsmsReply reserve = csms.Call(Cp, "ReserveNow", new
            {
                connectorId = 1, expiryDate = "2030-01-01T00:00:00.000Z", idTag = "ZepId00", reservationId = 1,
            });
            Check(!reserve.Ok && reserve.ErrorCode == "NotSupported", $"ReserveNow answered NotSupported: {reserve}");

            // Still answering what it does implement.
            CsmsReply get = csms.Call(Cp, "GetConfiguration", new { key = new[] { "HeartbeatInterval" } });
            Check(get.Ok, $"GetConfiguration after them: {get}");
            NoValidationErrors();
        }

        // ---- the connection's life -----------------------------------------------------------------------
        [Fact]
        public void A_pending_boot_notification_is_sent_again_after_the_interval_and_nothing_else_goes_out_before_it_is_accepted()
        {
            var csms = StartCsms();
            CsmsReply pending = csms.Respond("BootNotification", result: new
            {
                status = "Pending",
                currentTime = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                interval = 2,
            });
            Check(pending.Ok, $"respond: {pending}");
            var qemu = Boot(csms, ("demo", "off"));

            int first = csms.WaitForIndex(m => CsmsProcess.IsCall(m, "in", "BootNotification"), Wait, "the first BootNotification");
            int second = csms.WaitForIndex(m => CsmsProcess.IsCall(m, "in", "BootNotification"), Short, "the BootNotification again", first + 1);
            WaitUntilIdle(csms, second);
            var lines = csms.Lines;
            JsonElement firstAnswer = lines.First(m => CsmsProcess.IsAnswer(m, "out", CsmsProcess.Str(lines[first], "id")));
            Check(CsmsProcess.Str(firstAnswer.GetProperty("payload"), "status") == "Pending", $"the first answered Pending: {firstAnswer.GetRawText()}");
            var between = lines.Skip(first + 1).Take(second - first - 1).Where(m => CsmsProcess.IsCall(m, "in")).ToList();
            Check(between.Count == 0, "nothing sent while Pending: " + string.Join(", ", between.Select(m => m.GetRawText())));
            double gap = lines[second].GetProperty("t").GetDouble() - lines[first].GetProperty("t").GetDouble();
            Check(gap >= 1900 && gap <= 6000, $"the BootNotification again {gap} ms later, at the interval of 2 s");
            JsonElement secondAnswer = lines.First(m => CsmsProcess.IsAnswer(m, "out", CsmsProcess.Str(lines[second], "id")));
            Check(CsmsProcess.Str(secondAnswer.GetProperty("payload"), "status") == "Accepted", $"the second answered Accepted: {secondAnswer.GetRawText()}");
            string console = qemu.WaitFor("<inf> ocpp: ocpp init success");
            Check(Regex.IsMatch(console, @"<wrn> ocpp: BootNotification Pending, again in 2 s\r\n"), "the Pending answer is logged with the retry");
            NoValidationErrors();
        }

        [Fact]
        public void When_the_central_system_closes_the_connection_the_charge_point_reconnects()
        {
            var csms = StartCsms();
            var qemu = Boot(csms, ("demo", "off"));
            WaitUntilIdle(csms);

            CsmsReply closed = csms.Disconnect(Cp, 1000, "bye");
            Check(closed.Ok, $"disconnect: {closed}");
            int after = csms.WaitForIndex(m => CsmsProcess.Str(m, "event") == "disconnected", Short, "the disconnected event");
            string console = qemu.WaitFor("<wrn> ocpp: connection closed (");
            Check(Regex.IsMatch(console, @"<wrn> ocpp: connection closed \([^\r\n]*, code 1000\)"), "the close and its code 1000 are logged");
            csms.WaitForIndex(m => CsmsProcess.Str(m, "event") == "connected", Wait, "the charge point connected again", after);
            Check(csms.Clients().SequenceEqual(new[] { Cp }), "connected again");
            CsmsReply get = csms.Call(Cp, "GetConfiguration", new { key = new[] { "HeartbeatInterval" } });
            Check(get.Ok, $"GetConfiguration on the new connection: {get}");
            Check(!csms.Lines.Skip(after).Any(m => CsmsProcess.IsCall(m, "in", "BootNotification")), "no BootNotification after the reconnect (no reboot)");
            NoValidationErrors();
        }

        [Fact]
        public void When_the_central_system_restarts_on_the_same_port_the_charge_point_reconnects_without_booting_again()
        {
            var csms = StartCsms();
            var qemu = Boot(csms, ("demo", "off"));
            WaitUntilIdle(csms);

            CsmsProcess second = csms.Restart();
            _owned.Add(second);
            Check(second.Port == csms.Port && second.SntpPort == csms.SntpPort, $"same ports: {second.Port}/{second.SntpPort}", second);
            string console = qemu.WaitFor("<wrn> ocpp: connection closed (");
            Check(Regex.IsMatch(console, @"<wrn> ocpp: connection closed \([^\r\n]*, code 1001\), again in \d+ m?s\r\n"),
                "the closed connection is logged with the central system's 1001 and the reconnect delay", second);

            second.WaitForIndex(m => CsmsProcess.Str(m, "event") == "connected", Wait, "the charge point connected again");
            // OCPP 1.6 4.2: a BootNotification only after a reboot; nothing changed while offline,
            // so no StatusNotification either. The link is in use: a CALL is answered on it.
            CsmsReply get = second.Call(Cp, "GetConfiguration", new { key = new[] { "HeartbeatInterval" } });
            Check(get.Ok, $"GetConfiguration on the new connection: {get}", second);
            var calls = second.Lines.Where(m => CsmsProcess.IsCall(m, "in")).Select(m => CsmsProcess.Str(m, "action")).ToList();
            Check(!calls.Contains("BootNotification") && !calls.Contains("StatusNotification"),
                "no BootNotification and no StatusNotification after the reconnect: " + string.Join(", ", calls), second);
            console = qemu.Console;
            Check(Regex.Matches(console, "<inf> ocpp: ocpp init success\r\n").Count == 1, "one \"ocpp init success\" (one boot)", second);

            qemu.Type("ocpp\r");
            console = qemu.WaitFor("calls sent ");
            Check(Regex.IsMatch(console, @"connection open, 2 opened, 1 closed[,;]"), "the ocpp command counts both connections", second);
            Check(console.Contains("registration Accepted, heartbeat 60 s", StringComparison.Ordinal), "registered again", second);
            NoValidationErrors(csms);
            NoValidationErrors(second);
        }
    }
}
