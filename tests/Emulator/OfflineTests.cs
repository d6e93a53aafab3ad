using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using ChargePoint.Tests.Emulator.Services;
using Xunit;
using Xunit.Abstractions;

namespace ChargePoint.Tests.Emulator
{
    // The charge point that never loses a transaction (OCPP 1.6 4.7, 4.8, 4.10, 5.x "offline"):
    // the demo session on both connectors while the link to the central system dies, first by
    // the central system going away (killed, then started again on the same ports), then by a
    // silent black hole (Services/BlackHoleProxy) that the firmware must find by itself (the
    // WebSocket ping at WebSocketPingInterval). Every StartTransaction, MeterValues and
    // StopTransaction must reach a central system, in order, once, with the time it describes
    // and the transaction id the central system gave. Each test has its own central system,
    // proxy and ports, so they run beside the others.
    //
    // Nothing here asserts on BootNotification after a reconnect (whether one is sent then is
    // being decided elsewhere): only on the transaction messages, the console and the links.
    [Trait("Category", "Emulator")]
    public class OfflineTests : IDisposable
    {
        private const string Cp = "CP001";
        private const int AuthorizeSeconds = 2;
        private const int ChargeSeconds = 30;     // connector 2 stops 1 s after connector 1
        private const int SampleSeconds = 3;
        private static readonly string[] IdTags = { null, "ZepId00", "ZepId01" };
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
        private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(60);

        private readonly ITestOutputHelper _output;
        private readonly string _folder = Directory.CreateTempSubdirectory("sharpcharge-offline-").FullName;
        private readonly List<IDisposable> _owned = new List<IDisposable>();
        private readonly List<CsmsProcess> _csmsLogs = new List<CsmsProcess>();
        // Host UTC minus the central system's "t" (ms since it started): its log lines in wall time.
        private readonly Dictionary<CsmsProcess, DateTime> _csmsEpoch = new Dictionary<CsmsProcess, DateTime>();
        private BlackHoleProxy _proxy;
        private QemuRun _qemu;

        public OfflineTests(ITestOutputHelper output) { _output = output; }

        public void Dispose()
        {
            for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
            Directory.Delete(_folder, recursive: true);
        }

        // ---- the bench -------------------------------------------------------------------------------
        private CsmsProcess Track(CsmsProcess csms)
        {
            _owned.Add(csms);
            _csmsLogs.Add(csms);
            JsonElement listening = csms.Lines.First(l => CsmsProcess.Str(l, "event") == "listening");
            _csmsEpoch[csms] = DateTime.UtcNow - TimeSpan.FromMilliseconds(listening.GetProperty("t").GetDouble());
            return csms;
        }

        // Boots the image with the demo (both connectors, short timings), the central system at
        // `csPort` (the csms's or the proxy's), the time from the csms's SNTP server.
        private QemuRun Boot(int csPort, int sntpPort)
        {
            string block = ConfigBlockFile.Write(Path.Combine(_folder, "config.bin"),
                ("cs_url", $"ws://10.0.2.2:{csPort}/steve/websocket/CentralSystemService/{Cp}"),
                ("sntp", "10.0.2.2"),
                ("sntp_port", sntpPort.ToString(CultureInfo.InvariantCulture)),
                ("demo_auth_s", AuthorizeSeconds.ToString(CultureInfo.InvariantCulture)),
                ("demo_charge_s", ChargeSeconds.ToString(CultureInfo.InvariantCulture)));
            _qemu = new QemuRun(Repo.Image("mps2-an500"), new QemuOptions { Network = true, ConfigBlock = block });
            _owned.Add(_qemu);
            return _qemu;
        }

        private string Logs()
        {
            var text = new StringBuilder();
            text.Append("\n--- console:\n").Append(_qemu?.Console);
            for (int i = 0; i < _csmsLogs.Count; i++)
                text.Append($"\n--- central system {i + 1} of {_csmsLogs.Count}:\n").Append(_csmsLogs[i].Log);
            if (_proxy != null) text.Append("\n--- ").Append(_proxy).Append('\n');
            return text.ToString();
        }

        private void Check(bool condition, string what)
        {
            if (!condition) throw new Xunit.Sdk.XunitException(what + Logs());
        }

        private void Configure(CsmsProcess csms, string key, string value)
        {
            CsmsReply change = csms.Call(Cp, "ChangeConfiguration", new { key, value });
            Check(change.Ok && CsmsProcess.Str(change.Result, "status") == "Accepted", $"ChangeConfiguration {key}={value}: {change}");
        }

        private static void SleepUntil(DateTime when)
        {
            var left = when - DateTime.UtcNow;
            if (left > TimeSpan.Zero) Thread.Sleep(left);
        }

        private static bool IsTransactionAction(string action) => action is "StartTransaction" or "MeterValues" or "StopTransaction";

        private static bool IsTransactionCall(JsonElement line) =>
            CsmsProcess.IsCall(line, "in") && IsTransactionAction(CsmsProcess.Str(line, "action"));

        private static int IntOr(JsonElement payload, string name, int otherwise) =>
            payload.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) ? n : otherwise;

        // Waits for a moment, `notBefore` or later, when no transaction message is in flight: both
        // transactions started (StartTransaction answered), at least one MeterValues per connector
        // answered, every transaction message so far answered, and nothing new for 300 ms after
        // that (time for the last answer to be through to the charge point). The next sample is
        // seconds away then.
        private void WaitForQuietPoint(CsmsProcess csms, DateTime notBefore)
        {
            var deadline = DateTime.UtcNow + Wait + Wait;
            while (true)
            {
                var left = deadline - DateTime.UtcNow;
                Check(left > TimeSpan.Zero, "no moment with both transactions running and no transaction message in flight");
                var lines = csms.WaitFor(QuietPoint, left, "both transactions started, a MeterValues each answered, none in flight");
                if (DateTime.UtcNow < notBefore)
                {
                    Thread.Sleep(100);
                    continue;
                }
                Thread.Sleep(300);
                if (!csms.Lines.Skip(lines.Count).Any(IsTransactionCall)) return;
            }
        }

        // When `csms` logged `line`, in host UTC.
        private DateTime WallTimeOf(CsmsProcess csms, JsonElement line) => _csmsEpoch[csms].AddMilliseconds(line.GetProperty("t").GetDouble());

        // Waits (at most `timeout`) until the console shows what `done` wants; false if it did not.
        private bool WaitForConsole(Func<string, bool> done, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!done(_qemu.Console))
            {
                if (DateTime.UtcNow >= deadline) return false;
                Thread.Sleep(50);
            }
            return true;
        }

        private static bool QuietPoint(IReadOnlyList<JsonElement> lines)
        {
            var answered = new HashSet<string>(lines.Where(m => CsmsProcess.IsMessage(m) && CsmsProcess.Str(m, "dir") == "out"
                && CsmsProcess.Str(m, "type") is "result" or "error").Select(m => CsmsProcess.Str(m, "id")));
            var calls = lines.Where(IsTransactionCall).ToList();
            if (calls.Any(c => !answered.Contains(CsmsProcess.Str(c, "id")))) return false;
            for (int c = 1; c <= 2; c++)
            {
                int connector = c;
                bool started = calls.Any(m => CsmsProcess.Str(m, "action") == "StartTransaction" && IntOr(CsmsProcess.Payload(m), "connectorId", -1) == connector);
                bool sampled = calls.Any(m => CsmsProcess.Str(m, "action") == "MeterValues" && IntOr(CsmsProcess.Payload(m), "connectorId", -1) == connector
                    && CsmsProcess.Payload(m).TryGetProperty("transactionId", out _));
                if (!started || !sampled) return false;
            }
            return true;
        }

        // Waits until both StopTransaction calls are answered by `csms`.
        private void WaitForBothStops(CsmsProcess csms, TimeSpan timeout)
        {
            csms.WaitFor(lines =>
            {
                var answered = new HashSet<string>(lines.Where(m => CsmsProcess.IsMessage(m) && CsmsProcess.Str(m, "dir") == "out"
                    && CsmsProcess.Str(m, "type") == "result").Select(m => CsmsProcess.Str(m, "id")));
                var tags = lines.Where(m => CsmsProcess.IsCall(m, "in", "StopTransaction") && answered.Contains(CsmsProcess.Str(m, "id")))
                    .Select(m => CsmsProcess.Str(CsmsProcess.Payload(m), "idTag")).ToHashSet();
                return tags.Contains(IdTags[1]) && tags.Contains(IdTags[2]);
            }, timeout, "both StopTransaction calls answered");
        }

        // ---- the console -----------------------------------------------------------------------------
        private static readonly Regex Stamp = new Regex(@"\[(\d+):(\d\d):(\d\d)\.(\d{3}),(\d{3})\] ", RegexOptions.CultureInvariant);

        // The uptime of the console line that contains `text` (its first), in seconds.
        private double UptimeOf(string console, string text)
        {
            int at = console.IndexOf(text, StringComparison.Ordinal);
            Check(at >= 0, $"the console has no \"{text}\"");
            int lineStart = console.LastIndexOf('\n', at) + 1;
            Match m = Stamp.Match(console, lineStart, at - lineStart);
            Check(m.Success, $"the console line with \"{text}\" has no [hh:mm:ss.mmm,uuu] stamp");
            double Field(int i) => double.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture);
            return Field(1) * 3600 + Field(2) * 60 + Field(3) + Field(4) / 1e3 + Field(5) / 1e6;
        }

        // Console uptime -> UTC, from the SNTP line ("sntp succ since Epoch: N", N whole seconds,
        // the fraction dropped: the middle of the second is within 0.5 s of the truth).
        private Func<double, DateTime> WallClockOf(string console)
        {
            Match sntp = Regex.Match(console, @"<inf> main: sntp succ since Epoch: (\d+)\r\n");
            Check(sntp.Success, "the console shows the time set by SNTP");
            double at = UptimeOf(console, sntp.Value.TrimEnd());
            long epoch = long.Parse(sntp.Groups[1].Value, CultureInfo.InvariantCulture);
            DateTime origin = DateTime.UnixEpoch.AddSeconds(epoch + 0.5 - at);
            return uptime => origin.AddSeconds(uptime);
        }

        private static DateTime Utc(string text) =>
            DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime;

        // ---- what arrived ----------------------------------------------------------------------------
        // One transaction CALL as one central system logged it, and its answer there (if any).
        private sealed class Copy
        {
            public int Csms;             // 0: the first central system, 1: the one after the restart
            public int Line;             // its index in that log
            public JsonElement Call;
            public JsonElement? Answer;
            public string Action => CsmsProcess.Str(Call, "action");
            public string Id => CsmsProcess.Str(Call, "id");
            public JsonElement Payload => CsmsProcess.Payload(Call);
            public string Key => Action + " " + Payload.GetRawText();
            public int Connector;        // attributed below
            public override string ToString() => $"[csms {Csms + 1} line {Line}] {Call.GetRawText()}" +
                (Answer.HasValue ? $" -> {Answer.Value.GetRawText()}" : " (never answered)");
        }

        // The message's own time: StartTransaction/StopTransaction timestamp, MeterValues' first meterValue.
        private static DateTime TimeOf(Copy copy) => copy.Action == "MeterValues"
            ? Utc(CsmsProcess.Str(copy.Payload.GetProperty("meterValue")[0], "timestamp"))
            : Utc(CsmsProcess.Str(copy.Payload, "timestamp"));

        private static long EnergyOf(JsonElement meterValue)
        {
            var energy = meterValue.GetProperty("sampledValue").EnumerateArray()
                .Where(v => (CsmsProcess.Str(v, "measurand") ?? "Energy.Active.Import.Register") == "Energy.Active.Import.Register").ToList();
            if (energy.Count != 1) return long.MinValue;
            return long.Parse(CsmsProcess.Str(energy[0], "value"), CultureInfo.InvariantCulture);
        }

        // The delivery guarantees over every central system's log together (in the order they ran).
        private void CheckDelivery(string console)
        {
            var copies = new List<Copy>();
            for (int s = 0; s < _csmsLogs.Count; s++)
            {
                var lines = _csmsLogs[s].Lines;
                for (int i = 0; i < lines.Count; i++)
                {
                    if (!IsTransactionCall(lines[i])) continue;
                    string id = CsmsProcess.Str(lines[i], "id");
                    var answers = lines.Where(m => CsmsProcess.IsAnswer(m, "out", id)).ToList();
                    Check(answers.Count <= 1, $"{answers.Count} answers to {lines[i].GetRawText()}");
                    copies.Add(new Copy { Csms = s, Line = i, Call = lines[i], Answer = answers.Count == 1 ? answers[0] : null });
                }
            }
            _output.WriteLine("transaction messages as the central systems logged them:");
            foreach (Copy copy in copies) _output.WriteLine("  " + copy);

            foreach (Copy copy in copies.Where(c => c.Answer.HasValue))
                Check(CsmsProcess.Str(copy.Answer.Value, "type") == "result", $"a CALLERROR to a transaction message: {copy}");

            // None twice. The queue drops a message only once it is answered, so the one copy that
            // may repeat is the one sent on a link that died before its answer got back: it is sent
            // again (the same payload: the same time, meter and ids; a new message id) after the
            // reconnect, and nothing else goes before it. So an identical payload may show up more
            // than once only if every earlier copy has no answer in the central system's log (the
            // test makes sure that an answer it logged reached the charge point: the links die only
            // when no transaction message is in flight), and the next transaction message in the
            // logs after such a copy is that same message again. The last copy is answered.
            for (int i = 0; i < copies.Count; i++)
            {
                bool again = copies.Skip(i + 1).Any(c => c.Key == copies[i].Key);
                if (!again)
                {
                    Check(copies[i].Answer.HasValue, $"the last copy of a transaction message was never answered: {copies[i]}");
                    continue;
                }
                Check(!copies[i].Answer.HasValue, $"a transaction message answered by the central system came again:\n  {copies[i]}\n  " +
                    copies.Skip(i + 1).First(c => c.Key == copies[i].Key));
                Check(copies[i + 1].Key == copies[i].Key,
                    $"an unanswered transaction message was not the next one sent again:\n  {copies[i]}\n  then {copies[i + 1]}");
            }
            var delivered = copies.Where(c => c.Answer.HasValue).ToList();
            int resent = copies.Count - delivered.Count;

            // One queue: the delivered messages are in the order they were made (their own times).
            for (int i = 1; i < delivered.Count; i++)
                Check(TimeOf(delivered[i]) >= TimeOf(delivered[i - 1]),
                    $"delivered out of the order they were made:\n  {delivered[i - 1]}\n  {delivered[i]}");

            // Each transaction: one Start first, MeterValues, one Stop last; its id the one its
            // StartTransaction.conf gave (a Start answered by the restarted central system, whose
            // counter starts at 1 again, would give a new one: the answered copy is the one that counts).
            Func<double, DateTime> wall = WallClockOf(console);
            var transactionId = new int[3];
            var startAt = new DateTime[3];
            var stopAt = new DateTime[3];
            foreach (Copy copy in delivered)
            {
                if (copy.Action == "StopTransaction")
                {
                    string tag = CsmsProcess.Str(copy.Payload, "idTag");
                    copy.Connector = Array.IndexOf(IdTags, tag);
                    if (copy.Connector <= 0)
                    {
                        int id = IntOr(copy.Payload, "transactionId", int.MinValue);
                        copy.Connector = transactionId[1] == id && transactionId[2] != id ? 1 : transactionId[2] == id && transactionId[1] != id ? 2 : -1;
                    }
                }
                else copy.Connector = IntOr(copy.Payload, "connectorId", -1);
                Check(copy.Connector is 1 or 2, $"a transaction message for no connector of the demo: {copy}");
                if (copy.Action == "StartTransaction" && transactionId[copy.Connector] == 0)
                    transactionId[copy.Connector] = IntOr(CsmsProcess.Payload(copy.Answer.Value), "transactionId", 0);
            }
            for (int c = 1; c <= 2; c++)
            {
                int connector = c;
                var mine = delivered.Where(x => x.Connector == connector).ToList();
                string list = string.Join("\n  ", mine);
                Check(mine.Count >= 3, $"connector {c}: {mine.Count} transaction messages delivered:\n  {list}");
                Check(mine.Count(x => x.Action == "StartTransaction") == 1 && mine[0].Action == "StartTransaction",
                    $"connector {c}: one StartTransaction, first:\n  {list}");
                Check(mine.Count(x => x.Action == "StopTransaction") == 1 && mine[^1].Action == "StopTransaction",
                    $"connector {c}: one StopTransaction, last:\n  {list}");
                Copy start = mine[0], stop = mine[^1];
                Check(CsmsProcess.Str(start.Payload, "idTag") == IdTags[c], $"connector {c} starts for {IdTags[c]}: {start}");
                Check(transactionId[c] != 0, $"connector {c}: StartTransaction.conf gave a transaction id: {start}");
                Check(IntOr(stop.Payload, "transactionId", int.MinValue) == transactionId[c],
                    $"connector {c}: the StopTransaction names transaction {transactionId[c]}, which StartTransaction.conf gave: {stop}");
                startAt[c] = TimeOf(start);
                stopAt[c] = TimeOf(stop);
                long meterStart = IntOr(start.Payload, "meterStart", int.MinValue);
                long meterStop = IntOr(stop.Payload, "meterStop", int.MinValue);

                // The samples: this transaction's id, times strictly rising inside the transaction,
                // energy never falling and rising with the time as the simulated meter's power
                // (3600 W: 1 Wh a second) makes it, within the register's whole-Wh steps.
                var samples = mine.Skip(1).Take(mine.Count - 2).ToList();
                Check(samples.All(x => x.Action == "MeterValues"), $"connector {c}: only MeterValues between start and stop:\n  {list}");
                Check(samples.Count >= 1, $"connector {c}: no MeterValues delivered:\n  {list}");
                double wattHoursPerSecond = global::ChargePoint.Core.Meter.MeterSimulator.DefaultPowerW / 3600.0;
                DateTime previousAt = startAt[c];
                long previousWh = meterStart;
                double longestGap = 0;
                foreach (Copy sample in samples.Concat(new[] { stop }))
                {
                    Check(IntOr(sample.Payload, "transactionId", int.MinValue) == transactionId[c],
                        $"connector {c}: transaction {transactionId[c]} (StartTransaction.conf's) in {sample}");
                    DateTime at;
                    long wh;
                    if (sample == stop)
                    {
                        at = stopAt[c];
                        wh = meterStop;
                    }
                    else
                    {
                        var meterValues = sample.Payload.GetProperty("meterValue").EnumerateArray().ToList();
                        Check(meterValues.Count == 1, $"one meterValue per periodic sample: {sample}");
                        at = Utc(CsmsProcess.Str(meterValues[0], "timestamp"));
                        wh = EnergyOf(meterValues[0]);
                        Check(wh != long.MinValue, $"one Energy.Active.Import.Register in {sample}");
                    }
                    Check(at > previousAt, $"connector {c}: time not strictly rising ({previousAt:O} then {at:O}) at {sample}");
                    Check(wh >= previousWh, $"connector {c}: energy fell from {previousWh} to {wh} Wh at {sample}");
                    double seconds = (at - previousAt).TotalSeconds;
                    double expected = seconds * wattHoursPerSecond;
                    Check(Math.Abs(wh - previousWh - expected) <= 2.5,
                        $"connector {c}: {wh - previousWh} Wh in {seconds:F3} s, the meter gives {expected:F1}, at {sample}");
                    longestGap = Math.Max(longestGap, seconds);
                    previousAt = at;
                    previousWh = wh;
                }
                _output.WriteLine($"connector {c}: transaction {transactionId[c]}, {samples.Count} samples, start {startAt[c]:HH:mm:ss.fff}, " +
                    $"stop {stopAt[c]:HH:mm:ss.fff}, {meterStop - meterStart} Wh, longest gap between its messages' times {longestGap:F1} s " +
                    $"(MeterValueSampleInterval {SampleSeconds} s)");

                // The stop's time is the moment the demo stopped, not the moment it was sent.
                double stopUptime = UptimeOf(console, $"<inf> main: ocpp stop charging connector id {c}\r\n");
                DateTime stopped = wall(stopUptime);
                Check(Math.Abs((stopAt[c] - stopped).TotalSeconds) <= 2,
                    $"connector {c}: StopTransaction at {stopAt[c]:O}, the console stopped it at uptime {stopUptime:F3} s = {stopped:O}");
                double charged = (stopAt[c] - startAt[c]).TotalSeconds, planned = ChargeSeconds + (c - 1);
                Check(Math.Abs(charged - planned) <= 1, $"connector {c}: StopTransaction {charged:F3} s after its StartTransaction, the demo charges {planned} s");
                DateTime sentAt = WallTimeOf(_csmsLogs[stop.Csms], stop.Call);
                Check(stopAt[c] <= sentAt.AddSeconds(1), $"connector {c}: StopTransaction's time {stopAt[c]:O} after it arrived ({sentAt:O})");
                _output.WriteLine($"connector {c}: stopped at {stopped:HH:mm:ss.fff} by the console, StopTransaction says {stopAt[c]:HH:mm:ss.fff}, " +
                    $"arrived {sentAt:HH:mm:ss.fff} ({(sentAt - stopAt[c]).TotalSeconds:F1} s later) at central system {stop.Csms + 1}");
            }
            Check(transactionId[1] != transactionId[2] || delivered.First(x => x.Connector == 1 && x.Action == "StartTransaction").Csms
                != delivered.First(x => x.Connector == 2 && x.Action == "StartTransaction").Csms, "two transactions, two ids");
            _output.WriteLine($"{copies.Count} transaction CALLs logged, {delivered.Count} delivered, {resent} sent again after an unanswered copy");

            foreach (CsmsProcess csms in _csmsLogs)
            {
                var errors = csms.ValidationErrors;
                Check(errors.Count == 0, $"a central system logged {errors.Count} validation error(s):\n" + string.Join("\n", errors.Select(e => e.GetRawText())));
            }
            Check(!Regex.IsMatch(console, @"<err> ocpp: transaction (message for connector \d+ dropped|queue full)"), "no transaction message dropped");
        }

        // The queue is empty at the end and dropped nothing (the `ocpp` command's counters).
        private void CheckQueueEmpty()
        {
            int before = _qemu.Console.Length;
            _qemu.Type("ocpp\r");
            string console = _qemu.WaitFor(c => c.IndexOf("calls sent ", before, StringComparison.Ordinal) >= 0
                && c.IndexOf("\r\n", c.IndexOf("calls sent ", before, StringComparison.Ordinal), StringComparison.Ordinal) > 0, "the ocpp command's report");
            string report = console.Substring(before);
            _output.WriteLine(report);
            Check(Regex.IsMatch(report, @"transaction queue 0 of \d+, meter values thinned 0, dropped 0"), "the transaction queue is empty and dropped nothing");
        }

        // ---- the central system goes away ------------------------------------------------------------
        [Fact]
        public void Killing_the_central_system_mid_session_loses_no_transaction_message()
        {
            CsmsProcess first = Track(new CsmsProcess());
            QemuRun qemu = Boot(first.Port, first.SntpPort);
            first.WaitFor(m => CsmsProcess.IsCall(m, "in", "BootNotification"), Wait, "a BootNotification");
            Configure(first, "MeterValueSampleInterval", SampleSeconds.ToString(CultureInfo.InvariantCulture));

            // Killed 15 s before the demo stops connector 1: both stops fall inside the 20 s outage.
            var starts = first.WaitFor(lines => lines.Count(l => CsmsProcess.IsCall(l, "in", "StartTransaction")) >= 2, Wait, "both StartTransaction calls");
            DateTime started = WallTimeOf(first, starts.Last(l => CsmsProcess.IsCall(l, "in", "StartTransaction")));
            WaitForQuietPoint(first, started.AddSeconds(ChargeSeconds - 15));
            int exit = first.Stop();
            DateTime killed = DateTime.UtcNow;
            Check(exit == 0, $"the central system stopped with {exit}");
            _output.WriteLine($"central system stopped at {killed:HH:mm:ss.fff}");
            qemu.WaitFor("<wrn> ocpp: connection closed (");

            // 20 s without a central system, then one on the same ports (its ids start at 1 again).
            SleepUntil(killed.AddSeconds(20));
            CsmsProcess second = Track(first.Restart());
            Check(second.Port == first.Port && second.SntpPort == first.SntpPort, $"same ports: {second.Port}/{second.SntpPort}");
            _output.WriteLine($"central system started again at {DateTime.UtcNow:HH:mm:ss.fff}");

            WaitForBothStops(second, Delivery);
            string console = qemu.WaitFor("<inf> main: ocpp stop charging connector id 2\r\n");
            Match closed = Regex.Match(console, @"<wrn> ocpp: connection closed \([^\r\n]*, code 1001\), again in \d+ ms\r\n");
            Check(closed.Success, "the central system's going away (1001) is logged with the reconnect delay");
            int again = console.IndexOf("<inf> ocpp: connected to ", closed.Index, StringComparison.Ordinal);
            Check(again > closed.Index, "connected again after the close");
            foreach (int c in new[] { 1, 2 })
            {
                int stopLine = console.IndexOf($"<inf> main: ocpp stop charging connector id {c}\r\n", StringComparison.Ordinal);
                Check(stopLine > closed.Index && stopLine < again, $"connector {c} stopped while the charge point was offline");
            }
            Check(second.Lines.Any(m => CsmsProcess.Str(m, "event") == "connected"), "the restarted central system saw the charge point connect");
            CheckDelivery(console);
            CheckQueueEmpty();
        }

        // ---- the link turns into a black hole --------------------------------------------------------
        [Fact]
        public void A_black_hole_link_is_found_and_no_transaction_message_is_lost()
        {
            CsmsProcess csms = Track(new CsmsProcess());
            _proxy = new BlackHoleProxy(csms.Port);
            _owned.Add(_proxy);
            QemuRun qemu = Boot(_proxy.Port, csms.SntpPort);
            csms.WaitFor(m => CsmsProcess.IsCall(m, "in", "BootNotification"), Wait, "a BootNotification");
            Configure(csms, "MeterValueSampleInterval", SampleSeconds.ToString(CultureInfo.InvariantCulture));
            Configure(csms, "WebSocketPingInterval", "5");   // a ping every 5 s, its pong due 5 s later

            WaitForQuietPoint(csms, DateTime.MinValue);
            _proxy.Forwarding = false;
            DateTime off = DateTime.UtcNow;
            int consoleAtOff = qemu.Console.Length;
            _output.WriteLine($"black hole from {off:HH:mm:ss.fff}; {_proxy}");

            // The firmware must find the dead link itself (a ping every 5 s, its pong due 5 s
            // later, or the 30 s without an answer to a CALL): at most 45 s are given for it.
            const string DeadLine = "<wrn> ocpp: link to the central system is dead";
            bool found = WaitForConsole(c => c.IndexOf(DeadLine, consoleAtOff, StringComparison.Ordinal) >= 0
                && c.IndexOf("\r\n", c.IndexOf(DeadLine, consoleAtOff, StringComparison.Ordinal), StringComparison.Ordinal) > 0, TimeSpan.FromSeconds(45));
            double foundAfter = (DateTime.UtcNow - off).TotalSeconds;
            string console = qemu.Console;
            Check(found, $"the firmware did not find the dead link within {foundAfter:F0} s of black hole");
            int dead = console.IndexOf(DeadLine, consoleAtOff, StringComparison.Ordinal);
            string deadWhy = console.Substring(dead, console.IndexOf("\r\n", dead, StringComparison.Ordinal) - dead);
            string atFound = _proxy.ToString();
            _output.WriteLine($"dead link found {foundAfter:F1} s into the black hole: {deadWhy}; {atFound}");

            // Both stops inside the black hole: it lasts until a few seconds after the second one
            // and after the dead link was found (30 s at least).
            Check(WaitForConsole(c => c.IndexOf("<inf> main: ocpp stop charging connector id 2\r\n", consoleAtOff, StringComparison.Ordinal) >= 0,
                TimeSpan.FromSeconds(45) - (DateTime.UtcNow - off)), "the demo stopped connector 2 within 45 s of black hole");
            DateTime end = new[] { off.AddSeconds(30), DateTime.UtcNow.AddSeconds(3) }.Max();
            SleepUntil(end);
            console = qemu.Console;
            Check(console.IndexOf("<inf> main: ocpp stop charging connector id 1\r\n", consoleAtOff, StringComparison.Ordinal) > 0
                && console.IndexOf("<inf> main: ocpp stop charging connector id 2\r\n", consoleAtOff, StringComparison.Ordinal) > 0,
                "both connectors stopped inside the black hole");
            Check(_proxy.BytesDiscardedFromClient > 0, $"the black hole swallowed what the charge point sent: {_proxy}");
            int acceptedInHole = _proxy.ConnectionsAccepted;
            _output.WriteLine($"black hole ends at {DateTime.UtcNow:HH:mm:ss.fff}; {_proxy}");
            // Whatever lived through the black hole is gone; new connections are forwarded.
            Check(_proxy.DropAll(), $"every connection closed: {_proxy}");
            _proxy.Forwarding = true;

            WaitForBothStops(csms, Delivery);
            console = qemu.Console;
            Check(console.IndexOf("<inf> ocpp: connected to ", dead, StringComparison.Ordinal) > dead, "connected again after the dead link");
            Check(_proxy.ConnectionsAccepted > acceptedInHole && _proxy.ConnectionsAccepted >= 2, $"a new connection after the black hole: {_proxy}");
            _output.WriteLine(_proxy.ToString());
            CheckDelivery(console);
            CheckQueueEmpty();

            // Last, so that a slow finding does not hide the rest: with WebSocketPingInterval 5
            // the ping finds the black hole within 10 s (a ping due within 5 s, its pong 5 s
            // later); the 30 s CALL timeout alone is not enough.
            Check(foundAfter <= 20, $"the dead link was found only {foundAfter:F1} s into the black hole (\"{deadWhy}\"), " +
                $"with WebSocketPingInterval set to 5 s before it; the proxy then: {atFound}");
        }
    }

    // The proxy itself, against a local echo server: forwarding, the black hole, DropAll.
    [Trait("Category", "Services")]
    public class BlackHoleProxyTests
    {
        private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

        private static System.Net.Sockets.Socket Connect(int port)
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream,
                System.Net.Sockets.ProtocolType.Tcp) { ReceiveTimeout = (int)Limit.TotalMilliseconds, SendTimeout = (int)Limit.TotalMilliseconds };
            socket.Connect(System.Net.IPAddress.Loopback, port);
            return socket;
        }

        private static byte[] Receive(System.Net.Sockets.Socket socket, int count)
        {
            var data = new byte[count];
            for (int got = 0; got < count;)
            {
                int n = socket.Receive(data, got, count - got, System.Net.Sockets.SocketFlags.None);
                if (n == 0) throw new IOException($"closed after {got} of {count} bytes");
                got += n;
            }
            return data;
        }

        [Fact]
        public void Forwards_byte_for_byte_then_swallows_everything_silently_then_forwards_again()
        {
            using var echo = new TcpEchoServer();
            using var proxy = new BlackHoleProxy(echo.Port);
            using var socket = Connect(proxy.Port);
            var payload = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7 + i / 251)).ToArray();
            socket.Send(payload);
            Assert.Equal(payload, Receive(socket, payload.Length));
            Assert.True(proxy.WaitUntil(() => proxy.BytesToClient == payload.Length, Limit), proxy.ToString());
            Assert.Equal(payload.Length, proxy.BytesToTarget);

            proxy.Forwarding = false;
            socket.Send(new byte[] { 1, 2, 3 });
            Assert.True(proxy.WaitUntil(() => proxy.BytesDiscardedFromClient == 3, Limit), proxy.ToString());
            Assert.False(socket.Poll(500_000, System.Net.Sockets.SelectMode.SelectRead), "nothing comes back, and the connection stays open");
            Assert.Equal(payload.Length, echo.BytesReceived);
            Assert.Equal(1, proxy.OpenConnections);

            proxy.Forwarding = true;
            socket.Send(new byte[] { 9, 8 });
            Assert.Equal(new byte[] { 9, 8 }, Receive(socket, 2));

            Assert.True(proxy.DropAll());
            Assert.Equal(0, proxy.OpenConnections);
            Assert.True(echo.WaitForNoOpenConnections(Limit));
            Assert.Throws<System.Net.Sockets.SocketException>(() =>
            {
                if (socket.Receive(new byte[1]) == 0) throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionReset);
            });
            Assert.Equal(1, proxy.ConnectionsAccepted);
        }

        [Fact]
        public void A_close_inside_the_black_hole_is_not_passed_on_until_forwarding_is_back()
        {
            using var echo = new TcpEchoServer();
            using var proxy = new BlackHoleProxy(echo.Port);
            var socket = Connect(proxy.Port);
            Assert.True(echo.WaitForOpenConnections(1, Limit));
            proxy.Forwarding = false;
            socket.Dispose();
            Thread.Sleep(300);
            Assert.Equal(1, echo.OpenConnections);
            proxy.Forwarding = true;
            Assert.True(echo.WaitForNoOpenConnections(Limit), "the close arrives once forwarding is back");
            Assert.True(proxy.WaitUntil(() => proxy.OpenConnections == 0, Limit), proxy.ToString());
        }

        [Fact]
        public void A_connection_to_a_target_that_is_not_there_is_closed()
        {
            int port;
            using (var echo = new TcpEchoServer()) port = echo.Port;
            using var proxy = new BlackHoleProxy(port);
            using var socket = Connect(proxy.Port);
            Assert.True(proxy.WaitUntil(() => proxy.UpstreamFailures == 1 && proxy.OpenConnections == 0, Limit), proxy.ToString());
            Assert.Equal(0, socket.Receive(new byte[1]));
        }
    }
}
