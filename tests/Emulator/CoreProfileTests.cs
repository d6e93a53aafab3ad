using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChargePoint.Tests.Emulator.Services;
using Xunit;

namespace ChargePoint.Tests.Emulator
{
    // The Core profile operations the central system initiates (OCPP 1.6 section 5), against the
    // image under QEMU and tools/csms in strict mode (every payload both ways checked against the
    // OCPP 1.6 schemas): ChangeAvailability, ClearCache, DataTransfer, RemoteStart/Stop,
    // UnlockConnector, and Reset with the restart it leads to.
    [Trait("Category", "Emulator")]
    public class CoreProfileTests : IDisposable
    {
        private const string Cp = "CP001";
        private const string Banner = "*** Booting SharpCharge";
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
        private static readonly TimeSpan Short = TimeSpan.FromSeconds(10);
        private readonly string _folder = Directory.CreateTempSubdirectory("sharpcharge-core-").FullName;
        private CsmsProcess _csms;
        private QemuRun _qemu;

        public void Dispose()
        {
            _qemu?.Dispose();
            _csms?.Dispose();
            Directory.Delete(_folder, recursive: true);
        }

        private void Boot(params (string Key, string Value)[] keys)
        {
            _csms = new CsmsProcess();
            var all = new List<(string, string)>
            {
                ("cs_url", $"ws://10.0.2.2:{_csms.Port}/steve/websocket/CentralSystemService/{Cp}"),
                ("sntp", "10.0.2.2"),
                ("sntp_port", _csms.SntpPort.ToString(CultureInfo.InvariantCulture)),
            };
            all.AddRange(keys);
            string block = ConfigBlockFile.Write(Path.Combine(_folder, "config.bin"), all.ToArray());
            _qemu = new QemuRun(Repo.Image("mps2-an500"), new QemuOptions { Network = true, ConfigBlock = block });
        }

        private void Check(bool condition, string what)
        {
            if (!condition) throw new Xunit.Sdk.XunitException($"{what}\n--- console:\n{_qemu?.Console}\n--- central system:\n{_csms?.Log}");
        }

        private static JsonElement Payload(JsonElement m) => m.GetProperty("payload");
        private static int Int(JsonElement payload, string name) => payload.GetProperty(name).GetInt32();
        private static string Text(JsonElement payload, string name) => CsmsProcess.Str(payload, name);

        private static bool IsStatus(JsonElement m, int connector, string status) =>
            CsmsProcess.IsCall(m, "in", "StatusNotification") && Int(Payload(m), "connectorId") == connector && Text(Payload(m), "status") == status;

        // Waits for the boot's three StatusNotifications (answered): the charge point is idle.
        private int WaitUntilIdle(int from = 0)
        {
            int boot = _csms.WaitForIndex(m => CsmsProcess.IsCall(m, "in", "BootNotification"), Wait, "a BootNotification", from);
            return _csms.WaitForIndex(m => IsStatus(m, 2, "Available"), Wait, "StatusNotification Available for connector 2", boot);
        }

        private string Status(CsmsReply reply, string what)
        {
            Check(reply.Ok, $"{what}: expected a CALLRESULT, got {reply}");
            return Text(reply.Result, "status");
        }

        private void NoValidationErrors()
        {
            var errors = _csms.ValidationErrors;
            Check(errors.Count == 0, "validation errors:\n" + string.Join("\n", errors.Select(e => e.GetRawText())));
        }

        // The StartTransaction the central system answered, and the transaction id it gave.
        private int StartedTransaction(int connector, int from)
        {
            JsonElement start = _csms.WaitFor(m => CsmsProcess.IsCall(m, "in", "StartTransaction") && Int(Payload(m), "connectorId") == connector,
                Wait, $"StartTransaction for connector {connector}", from);
            JsonElement answer = _csms.WaitFor(m => CsmsProcess.IsAnswer(m, "out", CsmsProcess.Str(start, "id")), Short, "its answer", from);
            return Int(Payload(answer), "transactionId");
        }

        [Fact]
        public void Availability_cache_data_transfer_remote_start_and_stop_and_unlock_are_answered_as_the_specification_says()
        {
            Boot(("demo", "off"));
            int idle = WaitUntilIdle();

            Check(Status(_csms.Call(Cp, "ClearCache", new { }), "ClearCache") == "Accepted", "ClearCache Accepted");
            Check(Status(_csms.Call(Cp, "DataTransfer", new { vendorId = "org.example.none", messageId = "hello", data = "x" }), "DataTransfer")
                == "UnknownVendorId", "DataTransfer for a vendor without a handler: UnknownVendorId");
            Check(Status(_csms.Call(Cp, "UnlockConnector", new { connectorId = 1 }), "UnlockConnector") == "NotSupported",
                "UnlockConnector NotSupported (the simulated connectors have no lock)");

            // Connector 2 out of service and back: Accepted each time, the status follows.
            Check(Status(_csms.Call(Cp, "ChangeAvailability", new { connectorId = 2, type = "Inoperative" }), "ChangeAvailability") == "Accepted",
                "ChangeAvailability Inoperative Accepted");
            int unavailable = _csms.WaitForIndex(m => IsStatus(m, 2, "Unavailable"), Short, "connector 2 Unavailable", idle);
            Check(Status(_csms.Call(Cp, "RemoteStartTransaction", new { connectorId = 2, idTag = "ZepId01" }), "RemoteStart") == "Rejected",
                "RemoteStartTransaction on an Unavailable connector: Rejected");
            Check(Status(_csms.Call(Cp, "ChangeAvailability", new { connectorId = 2, type = "Operative" }), "ChangeAvailability") == "Accepted",
                "ChangeAvailability Operative Accepted");
            _csms.WaitForIndex(m => IsStatus(m, 2, "Available"), Short, "connector 2 Available again", unavailable);
            Check(Status(_csms.Call(Cp, "ChangeAvailability", new { connectorId = 7, type = "Inoperative" }), "ChangeAvailability") == "Rejected",
                "ChangeAvailability of a connector that does not exist: Rejected");

            // A remote start on connector 1, a change of availability while it charges (Scheduled),
            // a remote stop: StopTransaction with reason Remote, then the scheduled change.
            int before = _csms.LineCount;
            Check(Status(_csms.Call(Cp, "RemoteStartTransaction", new { connectorId = 1, idTag = "ZepId00" }), "RemoteStart") == "Accepted",
                "RemoteStartTransaction Accepted");
            int transaction = StartedTransaction(1, before);
            _csms.WaitFor(m => IsStatus(m, 1, "Charging"), Short, "connector 1 Charging", before);
            Check(Status(_csms.Call(Cp, "RemoteStartTransaction", new { connectorId = 1, idTag = "ZepId00" }), "RemoteStart") == "Rejected",
                "a second RemoteStartTransaction on the busy connector: Rejected");
            Check(Status(_csms.Call(Cp, "ChangeAvailability", new { connectorId = 1, type = "Inoperative" }), "ChangeAvailability") == "Scheduled",
                "ChangeAvailability while charging: Scheduled");
            Check(Status(_csms.Call(Cp, "RemoteStopTransaction", new { transactionId = transaction + 1000 }), "RemoteStop") == "Rejected",
                "RemoteStopTransaction of an unknown transaction: Rejected");
            int stopAsked = _csms.LineCount;
            Check(Status(_csms.Call(Cp, "RemoteStopTransaction", new { transactionId = transaction }), "RemoteStop") == "Accepted",
                "RemoteStopTransaction Accepted");
            JsonElement stop = _csms.WaitFor(m => CsmsProcess.IsCall(m, "in", "StopTransaction"), Short, "the StopTransaction", stopAsked);
            Check(Int(Payload(stop), "transactionId") == transaction && Text(Payload(stop), "reason") == "Remote",
                $"StopTransaction of transaction {transaction} with reason Remote: {stop.GetRawText()}");
            _csms.WaitFor(m => IsStatus(m, 1, "Unavailable"), Short, "connector 1 Unavailable once the transaction ended", stopAsked);

            // The simulated hardware from the console: a fault (Faulted with its error code) and
            // the EV's cable (Preparing).
            int typed = _csms.LineCount;
            _qemu.Type("ocpp fault 2\r");
            JsonElement faulted = _csms.WaitFor(m => IsStatus(m, 2, "Faulted"), Short, "connector 2 Faulted", typed);
            Check(Text(Payload(faulted), "errorCode") == "OtherError", $"Faulted with errorCode OtherError: {faulted.GetRawText()}");
            _qemu.Type("ocpp clear 2\r");
            _csms.WaitFor(m => IsStatus(m, 2, "Available") , Short, "connector 2 Available after the fault", typed);
            _qemu.Type("ocpp plug 2\r");
            _csms.WaitFor(m => IsStatus(m, 2, "Preparing"), Short, "connector 2 Preparing with the cable in", typed);
            _qemu.WaitFor("connector 2: Preparing\r\n");

            // Still answering plainly.
            Check(_csms.Call(Cp, "GetConfiguration", new { key = new[] { "HeartbeatInterval" } }).Ok, "GetConfiguration at the end");
            NoValidationErrors();
        }

        // 5.14: the transactions end with the reset's reason and are sent before the restart; the
        // image boots again (a second banner, a second BootNotification) and keeps the keys the
        // central system changed (persisted: RAM that survives the reset under QEMU).
        [Theory]
        [InlineData("Soft", "SoftReset")]
        [InlineData("Hard", "HardReset")]
        public void Reset_stops_both_transactions_with_its_reason_restarts_the_image_and_keeps_the_changed_configuration(string type, string reason)
        {
            Boot(("demo", "on"), ("demo_auth_s", "1"), ("demo_charge_s", "600"));
            int idle = WaitUntilIdle();
            int first = StartedTransaction(1, idle);
            int second = StartedTransaction(2, idle);
            Check(Status(_csms.Call(Cp, "ChangeConfiguration", new { key = "MeterValueSampleInterval", value = "7" }), "ChangeConfiguration")
                == "Accepted", "ChangeConfiguration MeterValueSampleInterval 7 Accepted");

            int asked = _csms.LineCount;
            Check(Status(_csms.Call(Cp, "Reset", new { type }), "Reset") == "Accepted", $"Reset {type} Accepted");
            var stops = _csms.WaitFor(lines => lines.Skip(asked).Count(m => CsmsProcess.IsCall(m, "in", "StopTransaction")) >= 2, Wait,
                "two StopTransactions").Skip(asked).Where(m => CsmsProcess.IsCall(m, "in", "StopTransaction")).ToList();
            Check(stops.Select(s => Int(Payload(s), "transactionId")).OrderBy(t => t).SequenceEqual(new[] { first, second }.OrderBy(t => t)),
                "both transactions stopped: " + string.Join(", ", stops.Select(s => s.GetRawText())));
            Check(stops.All(s => Text(Payload(s), "reason") == reason), $"reason {reason}: " + string.Join(", ", stops.Select(s => s.GetRawText())));

            string console = _qemu.WaitFor(c => Regex.Matches(c, Regex.Escape(Banner)).Count == 2, "the image booting again");
            int stopsAnswered = _csms.WaitForIndex(m => CsmsProcess.IsAnswer(m, "out", CsmsProcess.Str(stops[1], "id")), Short, "the second stop answered", asked);
            int reboot = _csms.WaitForIndex(m => CsmsProcess.IsCall(m, "in", "BootNotification"), Wait, "a BootNotification after the restart", asked);
            Check(reboot > stopsAnswered, "the StopTransactions were answered before the restart's BootNotification");
            Check(Regex.IsMatch(console, $@"<inf> ocpp: Reset {type}: transaction queue sent, restarting\r\n"), "the restart logged after the queue was sent");
            console = _qemu.WaitFor("OCPP keys: 1 restored");
            WaitUntilIdle(reboot);
            CsmsReply get = _csms.Call(Cp, "GetConfiguration", new { key = new[] { "MeterValueSampleInterval" } });
            Check(get.Ok, $"GetConfiguration after the restart: {get}");
            string value = get.Result.GetProperty("configurationKey").EnumerateArray().Single().GetProperty("value").GetString();
            Check(value == "7", $"MeterValueSampleInterval kept across the reset: {value}");
            Check(!console.Contains("PANIC", StringComparison.Ordinal), "no panic");
            Check(!Regex.IsMatch(console, @"<err> ocpp: transaction (message|queue)"), "no transaction message dropped");
            NoValidationErrors();
        }
    }
}
