using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChargePoint.Tests.Emulator.Services;
using Xunit;
using Xunit.Abstractions;

namespace ChargePoint.Tests.Emulator
{
    // The negative set: a hostile central system (tools/csms's sendRaw, sendFrame, respondRaw and
    // handshake commands, Services/HostileCsms) against one boot of the charge point (demo off).
    // Every case is checked for the answer OCPP-J 1.6 (section 4) and RFC 6455 name for it, read
    // from the central system's --json log, and after every case the charge point must still be
    // there: it answers a plain GetConfiguration (after a reconnect, when the case closed the link),
    // the console shows one banner (no reboot) and no panic. One test runs the whole set in order
    // and prints a table (case, expected, actual); a case that shows a firmware bug stays in the
    // set with the bug named (Bug), is reported as FAIL (firmware bug) and does not fail the test;
    // any other failure does, and so does a case marked as a bug that passes (the mark is stale).
    [Trait("Category", "Emulator")]
    public class NegativeTests : IClassFixture<NegativeTests.Bench>
    {
        public const string Cp = "CP001";
        private const string Banner = "*** Booting SharpCharge";
        private static readonly TimeSpan AnswerWait = TimeSpan.FromSeconds(10);
        private static readonly TimeSpan ReconnectWait = TimeSpan.FromSeconds(30);

        // BootNotification.conf with every field of the wrong kind: the first Boot of the session gets it.
        public const string BadBootConf = """[3,"{{id}}",{"status":"Accepted","currentTime":"yesterday","interval":"60"}]""";

        // One boot for the whole set: the central system first (its first BootNotification answer
        // is the malformed one), then QEMU pointed at it.
        public sealed class Bench : IDisposable
        {
            public string Folder { get; } = Directory.CreateTempSubdirectory("sharpcharge-negative-").FullName;
            public CsmsProcess Csms { get; }
            public QemuRun Qemu { get; }
            public Stopwatch Clock { get; } = Stopwatch.StartNew();

            public Bench()
            {
                try
                {
                    Csms = new CsmsProcess();
                    CsmsReply raw = Csms.RespondRaw("BootNotification", BadBootConf, times: 1, cp: Cp);
                    if (!raw.Ok) throw new InvalidOperationException($"respondRaw: {raw}");
                    string block = ConfigBlockFile.Write(Path.Combine(Folder, "config.bin"),
                        ("cs_url", $"ws://10.0.2.2:{Csms.Port}/steve/websocket/CentralSystemService/{Cp}"),
                        ("sntp", "10.0.2.2"),
                        ("sntp_port", Csms.SntpPort.ToString(CultureInfo.InvariantCulture)),
                        ("demo", "off"));
                    Qemu = new QemuRun(Repo.Image("mps2-an500"), new QemuOptions { Network = true, ConfigBlock = block });
                }
                catch
                {
                    Dispose();
                    throw;
                }
            }

            public void Dispose()
            {
                Qemu?.Dispose();
                Csms?.Dispose();
                if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
            }
        }

        private sealed class Case
        {
            public int Number;
            public string Group, Name, Expected, Bug;
            public Func<Outcome> Run;
        }

        private sealed class Outcome
        {
            public bool Pass;
            public string Actual;
            public static Outcome Of(bool pass, string actual) => new Outcome { Pass = pass, Actual = actual };
        }

        private sealed class Row
        {
            public Case Case;
            public Outcome Outcome;
            public string Verdict;
            public double Seconds;
        }

        private readonly Bench _bench;
        private readonly ITestOutputHelper _output;
        private readonly CsmsProcess _csms;
        private readonly QemuRun _qemu;
        private readonly List<Case> _cases = new List<Case>();
        private readonly List<Row> _rows = new List<Row>();
        private string _group = "";
        private string _fence;   // the id of WaitAnswer's last GetConfiguration (not a stray)
        private bool _dead;

        public NegativeTests(Bench bench, ITestOutputHelper output)
        {
            _bench = bench;
            _output = output;
            _csms = bench.Csms;
            _qemu = bench.Qemu;
        }

        // ---- the set ----------------------------------------------------------------------------------
        [Fact]
        public void Every_hostile_message_frame_and_handshake_gets_the_answer_the_specification_names_and_the_charge_point_stays_up()
        {
            // 1. The first BootNotification is answered with a malformed conf; the retry is 30 s
            // later, and the CALL cases run in the meantime (the charge point answers the central
            // system's CALLs before it is registered).
            int firstBoot = _csms.WaitForIndex(m => CsmsProcess.IsCall(m, "in", "BootNotification"), TimeSpan.FromSeconds(60), "the first BootNotification");
            var bootCase = new Case
            {
                Group = "own CALLs", Name = "BootNotification.conf malformed (status ok, currentTime \"yesterday\", interval \"60\")",
                Expected = "ignored as malformed, BootNotification again 30 s later, then Accepted",
            };
            Register(bootCase);
            var bootClock = Stopwatch.StartNew();

            DefineCallCases();
            RunPending();

            RunOne(bootCase, () => BootRetried(firstBoot), bootClock);

            DefineOwnCallCases();
            DefineFrameCases();
            DefineHandshakeCases();
            RunPending();

            PrintTable();
            var unexpected = _rows.Where(r => r.Verdict == "FAIL" || r.Verdict.StartsWith("PASS (marked", StringComparison.Ordinal)).ToList();
            Assert.True(unexpected.Count == 0 && !_dead,
                $"{unexpected.Count} of {_rows.Count} cases failed:\n" + string.Join("\n", unexpected.Select(r => $"#{r.Case.Number} {r.Case.Name}: {r.Outcome.Actual}"))
                + (_dead ? "\nthe charge point died: the set was cut short" : "") + Logs());
        }

        // ---- the OCPP-J cases (the link stays up) -------------------------------------------------------
        private void DefineCallCases()
        {
            string GetHb(string id) => $"[2,\"{id}\",\"GetConfiguration\",{{\"key\":[\"HeartbeatInterval\"]}}]";

            Group("invalid JSON");
            Error("a CALL cut short (no closing bracket)", """[2,"nj-1","GetConfiguration",{"key":["HeartbeatInterval"]}""", "nj-1", "FormationViolation");
            Error("a value missing after a colon", """[2,"nj-2","GetConfiguration",{"key":}]""", "nj-2", "FormationViolation");
            Error("a trailing comma", """[2,"nj-3","GetConfiguration",{"key":["HeartbeatInterval"],}]""", "nj-3", "FormationViolation");
            Error("text after the message", """[2,"nj-4","GetConfiguration",{}] trailing""", "nj-4", "FormationViolation");
            Error("two messages in one frame", """[2,"nj-5","GetConfiguration",{}][2,"nj-5b","GetConfiguration",{}]""", "nj-5", "FormationViolation");
            Error("a raw control character in a string", "[2,\"nj-6\",\"GetConfiguration\",{\"key\":[\"a\u0001b\"]}]", "nj-6", "FormationViolation");
            Error("NaN as a number", """[2,"nj-7","TriggerMessage",{"requestedMessage":"Heartbeat","connectorId":NaN}]""", "nj-7", "FormationViolation");
            Error("a bad escape in a string", """[2,"nj-8","GetConfiguration",{"key":["\x41"]}]""", "nj-8", "FormationViolation");
            Error("cut short, with an escaped id (\"nj\\u002d10\" is \"nj-10\")", """[2,"nj\u002d10","GetConfiguration",{"key":""", "nj-10", "FormationViolation");
            NoAnswer("not JSON at all, no id to read", "{{{ this is not json");
            NoAnswer("single-quoted strings (no id to read)", "[2,'nj-9','GetConfiguration',{}]");
            NoAnswer("an empty text message", "");

            Group("not an array");
            NoAnswer("an object", """{"messageTypeId":2,"id":"na-1","action":"GetConfiguration","payload":{}}""");
            NoAnswer("a string", "\"[2,\\\"na-2\\\",\\\"GetConfiguration\\\",{}]\"");
            NoAnswer("a number", "42");
            NoAnswer("null", "null");

            Group("not OCPP-J");
            NoAnswer("[]", "[]");
            NoAnswer("[9]", "[9]");
            NoAnswer("[2]", "[2]");
            NoAnswer("[2,5,\"X\",{}] (id a number)", """[2,5,"X",{}]""");
            NoAnswer("[\"2\",\"id\",...] (type a string)", """["2","oj-0","GetConfiguration",{}]""");
            Error("[2,\"id\"] (no action, no payload)", """[2,"oj-1"]""", "oj-1", "ProtocolError");
            Error("[2,\"id\",\"GetConfiguration\"] (no payload)", """[2,"oj-2","GetConfiguration"]""", "oj-2", "ProtocolError");
            Error("5 elements", """[2,"oj-3","GetConfiguration",{},{}]""", "oj-3", "ProtocolError");
            Error("message type 9", """[9,"oj-4","GetConfiguration",{}]""", "oj-4", "ProtocolError");
            Error("message type 5 (OCPP 2.0.1's CALLRESULTERROR)", """[5,"oj-5","GenericError","x",{}]""", "oj-5", "ProtocolError");
            Error("action a number", """[2,"oj-6",5,{}]""", "oj-6", "ProtocolError");
            Error("action empty", """[2,"oj-7","",{}]""", "oj-7", "ProtocolError");
            Error("payload an array", """[2,"oj-8","GetConfiguration",[]]""", "oj-8", "FormationViolation");
            Error("payload a string", """[2,"oj-9","GetConfiguration","{}"]""", "oj-9", "FormationViolation");
            Error("payload null", """[2,"oj-10","GetConfiguration",null]""", "oj-10", "FormationViolation");

            Group("message ids");
            string id36 = "id-" + HostileCsms.Repeat("6", 33);
            Result("36 characters (the maximum)", GetHb(id36), id36, HasHeartbeatInterval);
            NoAnswer("37 characters", GetHb("id-" + HostileCsms.Repeat("7", 34)));
            NoAnswer("empty", GetHb(""));
            NoAnswer("a number", """[2,37,"GetConfiguration",{"key":["HeartbeatInterval"]}]""");
            NoAnswer("null", """[2,null,"GetConfiguration",{"key":["HeartbeatInterval"]}]""");
            Result("escaped (\"id\\u002d1\" is \"id-1\")", """[2,"id\u002d1","GetConfiguration",{"key":["HeartbeatInterval"]}]""", "id-1", HasHeartbeatInterval);
            Result("non-ASCII (\"idé\")", GetHb("idé"), "idé", HasHeartbeatInterval);
            string id36Wide = HostileCsms.Repeat("é", 36);
            Result("36 characters, 72 bytes (é x 36)", GetHb(id36Wide), id36Wide, HasHeartbeatInterval);

            Group("actions");
            Error("unknown action", """[2,"ac-1","FooBar",{}]""", "ac-1", "NotImplemented");
            Error("an action in the wrong case (getConfiguration)", """[2,"ac-2","getConfiguration",{}]""", "ac-2", "NotImplemented");
            Error("an unknown action of 41 characters", $"[2,\"ac-3\",\"{HostileCsms.Repeat("A", 41)}\",{{}}]", "ac-3", "NotImplemented");
            Answered("a known OCPP 1.6 action it does not support (SendLocalList)",
                """[2,"ac-4","SendLocalList",{"listVersion":1,"updateType":"Full"}]""", "ac-4",
                "CALLERROR NotSupported (id ac-4), or a CALLRESULT once it is supported",
                a => ErrorCode(a) == "NotSupported" || IsResult(a) ? null : "OCPP-J 1.6 4.2.3: NotSupported is for an action recognized but not supported");

            Group("wrong types");
            Error("TriggerMessage requestedMessage 5", """[2,"ty-1","TriggerMessage",{"requestedMessage":5}]""", "ty-1", "TypeConstraintViolation");
            Error("TriggerMessage connectorId \"1\"", """[2,"ty-2","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":"1"}]""", "ty-2", "TypeConstraintViolation");
            Error("TriggerMessage connectorId 1.5", """[2,"ty-3","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":1.5}]""", "ty-3", "TypeConstraintViolation");
            Error("TriggerMessage requestedMessage null", """[2,"ty-4","TriggerMessage",{"requestedMessage":null}]""", "ty-4", "TypeConstraintViolation");
            Error("ChangeConfiguration key 5", """[2,"ty-5","ChangeConfiguration",{"key":5,"value":"1"}]""", "ty-5", "TypeConstraintViolation");
            Error("ChangeConfiguration value 60 (a number)", """[2,"ty-6","ChangeConfiguration",{"key":"HeartbeatInterval","value":60}]""", "ty-6", "TypeConstraintViolation");
            Error("GetConfiguration key a string", """[2,"ty-7","GetConfiguration",{"key":"HeartbeatInterval"}]""", "ty-7", "TypeConstraintViolation");
            Error("GetConfiguration key [5]", """[2,"ty-8","GetConfiguration",{"key":[5]}]""", "ty-8", "TypeConstraintViolation");

            Group("missing fields");
            Error("TriggerMessage {}", """[2,"mi-1","TriggerMessage",{}]""", "mi-1", "OccurenceConstraintViolation");
            Error("ChangeConfiguration without value", """[2,"mi-2","ChangeConfiguration",{"key":"HeartbeatInterval"}]""", "mi-2", "OccurenceConstraintViolation");
            Error("ChangeConfiguration without key", """[2,"mi-3","ChangeConfiguration",{"value":"60"}]""", "mi-3", "OccurenceConstraintViolation");

            Group("extra fields");
            Error("GetConfiguration with \"extra\"", """[2,"ex-1","GetConfiguration",{"key":["HeartbeatInterval"],"extra":1}]""", "ex-1", "FormationViolation");
            Error("TriggerMessage with \"bogus\"", """[2,"ex-2","TriggerMessage",{"requestedMessage":"Heartbeat","bogus":true}]""", "ex-2", "FormationViolation");
            Error("ChangeConfiguration with \"reboot\"", """[2,"ex-3","ChangeConfiguration",{"key":"HeartbeatInterval","value":"60","reboot":false}]""", "ex-3", "FormationViolation");
            Error("a property twice", """[2,"ex-4","GetConfiguration",{"key":["HeartbeatInterval"],"key":["NumberOfConnectors"]}]""", "ex-4", "OccurenceConstraintViolation");

            Group("values out of range");
            Error("TriggerMessage requestedMessage \"Bogus\"", """[2,"va-1","TriggerMessage",{"requestedMessage":"Bogus"}]""", "va-1", "PropertyConstraintViolation");
            Error("TriggerMessage requestedMessage \"heartbeat\" (enum case)", """[2,"va-2","TriggerMessage",{"requestedMessage":"heartbeat"}]""", "va-2", "PropertyConstraintViolation");
            Error("ChangeConfiguration key of 51 characters", $"[2,\"va-3\",\"ChangeConfiguration\",{{\"key\":\"{HostileCsms.Repeat("K", 51)}\",\"value\":\"1\"}}]", "va-3", "PropertyConstraintViolation");
            Error("ChangeConfiguration value of 501 characters", $"[2,\"va-4\",\"ChangeConfiguration\",{{\"key\":\"HeartbeatInterval\",\"value\":\"{HostileCsms.Repeat("9", 501)}\"}}]", "va-4", "PropertyConstraintViolation");
            Error("GetConfiguration key[] of 51 characters", $"[2,\"va-5\",\"GetConfiguration\",{{\"key\":[\"{HostileCsms.Repeat("K", 51)}\"]}}]", "va-5", "PropertyConstraintViolation");
            Result("ChangeConfiguration key of 50 characters (the maximum)", $"[2,\"va-6\",\"ChangeConfiguration\",{{\"key\":\"{HostileCsms.Repeat("K", 50)}\",\"value\":\"1\"}}]", "va-6",
                StatusIs("NotSupported"));
            Result("ChangeConfiguration value of 500 characters (the maximum)", $"[2,\"va-7\",\"ChangeConfiguration\",{{\"key\":\"HeartbeatInterval\",\"value\":\"{HostileCsms.Repeat("9", 500)}\"}}]", "va-7",
                StatusIs("Rejected"));
            string wide50 = HostileCsms.Repeat("é", 50);
            Result("ChangeConfiguration key of 50 characters, 100 bytes (é x 50)", $"[2,\"va-8\",\"ChangeConfiguration\",{{\"key\":\"{wide50}\",\"value\":\"1\"}}]", "va-8",
                StatusIs("NotSupported"));
            Result("GetConfiguration key[] of 50 characters, 100 bytes (é x 50)", $"[2,\"va-9\",\"GetConfiguration\",{{\"key\":[\"{wide50}\"]}}]", "va-9",
                UnknownKeyIs(wide50));

            Group("nesting and size");
            string deep = HostileCsms.Repeat("[", 200) + HostileCsms.Repeat("]", 200);
            Error("200 levels deep in an unknown property", $"[2,\"ns-1\",\"GetConfiguration\",{{\"deep\":{deep}}}]", "ns-1", "FormationViolation");
            NoAnswer("200 levels deep, the whole message", deep);
            NoAnswer("200 objects deep, the whole message", HostileCsms.Repeat("{\"a\":", 200) + "1" + HostileCsms.Repeat("}", 200));
            Result("a CALL of exactly 4096 bytes (the maximum message)", HostileCsms.PaddedCall("ns-2", "GetConfiguration", "\"key\":[\"HeartbeatInterval\"]", 4096), "ns-2", HasHeartbeatInterval);

            Group("strange but valid JSON");
            Result("whitespace everywhere", " \t\r\n[ 2 ,\n\t\"sv-1\" , \"GetConfiguration\" ,\r\n { \"key\" :\t[ \"HeartbeatInterval\" ] } ] \n", "sv-1", HasHeartbeatInterval);
            Result("an escaped property name (\"\\u006bey\")", """[2,"sv-2","GetConfiguration",{"\u006bey":["HeartbeatInterval"]}]""", "sv-2", HasHeartbeatInterval);
            Result("an escaped action name (\"Get\\u0043onfiguration\")", """[2,"sv-3","Get\u0043onfiguration",{"key":["HeartbeatInterval"]}]""", "sv-3", HasHeartbeatInterval);
            Result("an escaped key value (\"Heartbeat\\u0049nterval\")", """[2,"sv-4","GetConfiguration",{"key":["Heartbeat\u0049nterval"]}]""", "sv-4", HasHeartbeatInterval);
            Result("every escape in an unknown key", """[2,"sv-5","GetConfiguration",{"key":["\"\\\/\b\f\n\r\t\u0000\u001f"]}]""", "sv-5", UnknownKeyIs("\"\\/\b\f\n\r\t\u0000\u001f"));
            Result("unicode in an unknown key (\"Ünïcødé\")", """[2,"sv-6","GetConfiguration",{"key":["Ünïcødé"]}]""", "sv-6", UnknownKeyIs("Ünïcødé"));
            Result("a surrogate pair escape (\"\\ud83d\\ude00\")", """[2,"sv-7","GetConfiguration",{"key":["\ud83d\ude00"]}]""", "sv-7", UnknownKeyIs("\U0001F600"));
            Result("4-byte UTF-8 as it is (\"😀\")", "[2,\"sv-8\",\"GetConfiguration\",{\"key\":[\"\U0001F600\"]}]", "sv-8", UnknownKeyIs("\U0001F600"));
            Result("an empty key list (every key)", """[2,"sv-9","GetConfiguration",{"key":[]}]""", "sv-9", KeyCountAtLeast(10));
            Result("an empty payload (every key)", """[2,"sv-10","GetConfiguration",{}]""", "sv-10", KeyCountAtLeast(10));
            Result("a connectorId of 1.0e0 (an integer in JSON)", """[2,"sv-11","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":1.0e0}]""", "sv-11",
                StatusIs("Accepted"));
            Result("a connectorId of -1", """[2,"sv-12","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":-1}]""", "sv-12", StatusIs("Rejected"));
            Answered("a lone surrogate escape (\"\\ud800\")", """[2,"sv-13","GetConfiguration",{"key":["\ud800"]}]""", "sv-13",
                "CALLERROR FormationViolation or PropertyConstraintViolation, or a CALLRESULT (valid UTF-8), link up",
                a => IsError(a) ? (ErrorCode(a) is "FormationViolation" or "PropertyConstraintViolation" ? null : "another code")
                    : IsResult(a) ? null : "neither");
            string many = string.Join(",", Enumerable.Repeat("\"HeartbeatInterval\"", 150));
            Answered("GetConfiguration of 150 keys (an answer over 4096 bytes)", $"[2,\"sv-14\",\"GetConfiguration\",{{\"key\":[{many}]}}]", "sv-14",
                "a CALLRESULT, or CALLERROR InternalError (the answer does not fit), link up",
                a => IsResult(a) || ErrorCode(a) == "InternalError" ? null : "neither");

            Group("answers without a CALL");
            NoAnswer("a CALLRESULT for an unknown id", """[3,"uk-1",{"status":"Accepted"}]""");
            NoAnswer("a CALLERROR for an unknown id", """[4,"uk-2","GenericError","x",{}]""");
            NoAnswer("a malformed CALLRESULT for an unknown id", """[3,"uk-3"]""");

            Group("repeats");
            Add("a duplicate message id (the same CALL twice)", "two CALLRESULTs, both with the id", () => Duplicate());
            Add("ten CALLs in one burst", "ten CALLRESULTs, in order, each id once", () => Burst());
        }

        // ---- answers to the charge point's own CALLs --------------------------------------------------------
        private void DefineOwnCallCases()
        {
            Group("own CALLs");
            OwnCall("Heartbeat", "Heartbeat.conf with currentTime 5", """[3,"{{id}}",{"currentTime":5}]""", resolves: true);
            OwnCall("Heartbeat", "Heartbeat.conf a list", """[3,"{{id}}",[]]""", resolves: true);
            OwnCall("Heartbeat", "Heartbeat.conf missing its payload", """[3,"{{id}}"]""", resolves: true);
            OwnCall("Heartbeat", "Heartbeat.conf with 4 elements", """[3,"{{id}}",{"currentTime":"2024-01-01T00:00:00Z"},{}]""", resolves: true);
            OwnCall("Heartbeat", "a CALLERROR with an unknown code and wrong types", """[4,"{{id}}","NoSuchCode",5,[]]""", resolves: true);
            OwnCall("Heartbeat", "a CALLERROR cut to [4,id]", """[4,"{{id}}"]""", resolves: true);
            OwnCall("StatusNotification", "StatusNotification.conf with an unknown property", """[3,"{{id}}",{"unexpected":true}]""", resolves: true);
            Add("Heartbeat answered twice (the same CALLRESULT again)", "the second is ignored (unknown id), logged, link up", () => AnsweredTwice());
            Add("a CALL that reuses the id of the charge point's pending CALL", "CALLRESULT to it; the pending CALL still completes", () => ReusedPendingId());
            OwnCall("Heartbeat", "garbage, no id to read", "}{ garbage", resolves: false);
        }

        // ---- WebSocket frames ---------------------------------------------------------------------------------
        private void DefineFrameCases()
        {
            Group("frames");
            Close("reserved opcode 0x3", 1002, "protocol error: reserved opcode 3", () => _csms.SendFrame(Cp, "8300"));
            Close("reserved control opcode 0xB", 1002, "protocol error: reserved opcode 11", () => _csms.SendFrame(Cp, "8B00"));
            Close("RSV1 set", 1002, "protocol error: reserved bits", () => _csms.SendFrames(Cp, HostileCsms.Frame(rsv: 4, text: "[]")));
            Close("a masked frame from the server", 1002, "protocol error: masked frame", () => _csms.SendFrames(Cp, HostileCsms.Frame(mask: true, text: "[]")));
            Close("a 64-bit length with the top bit set", 1002, "protocol error: 64-bit length", () => _csms.SendFrames(Cp, HostileCsms.Frame(length: "9223372036854775809")));
            Close("a fragmented ping (control frame, FIN clear)", 1002, "protocol error: fragmented control frame", () => _csms.SendFrames(Cp, HostileCsms.Frame(opcode: 9, fin: false)));
            Close("a ping of 126 bytes", 1002, "protocol error: control frame longer than 125", () => _csms.SendFrames(Cp, HostileCsms.Frame(opcode: 9, size: 126)));
            Close("a continuation without a start", 1002, "protocol error: continuation frame without a message", () => _csms.SendFrames(Cp, HostileCsms.Frame(opcode: 0, text: "[]")));
            Close("a new text frame inside a fragmented message", 1002, "protocol error: new data frame inside a fragmented message",
                () => _csms.SendFrames(Cp, HostileCsms.Frame(fin: false, text: "[2,"), HostileCsms.Frame(text: "[]")));
            Close("a close frame with a 1-byte payload", 1002, "protocol error: close frame with a 1-byte payload", () => _csms.SendFrames(Cp, HostileCsms.Frame(opcode: 8, payloadHex: "03")));
            Close("a close frame with code 1005 (not for the wire)", 1002, "protocol error: invalid close code 1005", () => _csms.SendFrames(Cp, HostileCsms.Frame(opcode: 8, payloadHex: "03ed")));
            string bad = Convert.ToHexString(Encoding.ASCII.GetBytes("[2,\"u8\",\"GetConfiguration\",{\"key\":[\"")) + "{0}" + Convert.ToHexString(Encoding.ASCII.GetBytes("\"]}]"));
            Close("invalid UTF-8 in a text message (C3 28)", 1007, "invalid UTF-8 in a text message", () => _csms.SendFrames(Cp, HostileCsms.Frame(payloadHex: string.Format(CultureInfo.InvariantCulture, bad, "C328"))));
            Close("a UTF-16 surrogate in UTF-8 (ED A0 80)", 1007, "invalid UTF-8 in a text message", () => _csms.SendFrames(Cp, HostileCsms.Frame(payloadHex: string.Format(CultureInfo.InvariantCulture, bad, "EDA080"))));
            Close("invalid UTF-8 in a close reason", 1007, "invalid UTF-8 in the close reason", () => _csms.SendFrames(Cp, HostileCsms.Frame(opcode: 8, payloadHex: "03E8C328")));
            Close("a binary message", 1003, "binary message received", () => _csms.SendFrames(Cp, HostileCsms.Frame(opcode: 2, text: "[2,\"bin\",\"GetConfiguration\",{}]")));
            Close("a frame header declaring 5000 bytes", 1009, "message of 5000 bytes is over the maximum of 4096", () => _csms.SendFrames(Cp, HostileCsms.Frame(length: "5000")));
            Close("a huge message (a valid CALL of 4097 bytes)", 1009, "message of 4097 bytes is over the maximum of 4096",
                () => _csms.SendRaw(Cp, HostileCsms.PaddedCall("huge", "GetConfiguration", "\"key\":[\"HeartbeatInterval\"]", 4097)));
            Close("a fragmented message of 6000 bytes", 1009, "message of at least 6000 bytes is over the maximum of 4096",
                () => _csms.SendFrames(Cp, HostileCsms.Frame(fin: false, size: 3000), HostileCsms.Frame(opcode: 0, size: 3000)));

            Add("TCP dropped in the middle of a frame", "close 1006 (no close frame), reconnect", () =>
            {
                int from = _csms.LineCount;
                Expect(_csms.SendFrames(Cp, HostileCsms.Frame(text: "[2,\"cut\",\"GetConf", length: "60")));
                System.Threading.Thread.Sleep(100);
                CsmsReply d = _csms.Disconnect(Cp, force: true);
                JsonElement gone = _csms.WaitFor(l => HostileCsms.IsEvent(l, "disconnected", Cp), AnswerWait, "the drop", from);
                return Outcome.Of(d.Ok && HostileCsms.Int(gone, "code") == 1006, $"close {HostileCsms.Int(gone, "code")}; {d}");
            });

            Group("valid frames");
            Add("a CALL in three fragments with a ping between", "CALLRESULT, the link stays up", () => Fragmented());
            Add("a 2-byte character split across two fragments", "CALLRESULT (unknownKey é), the link stays up", () => SplitCharacter());
            Add("an unsolicited pong", "ignored, the link stays up", () =>
            {
                int from = _csms.LineCount;
                Expect(_csms.SendFrames(Cp, HostileCsms.Frame(opcode: 10, text: "pong")));
                return StillUp(from, "ignored");
            });
            Add("a ping of 125 bytes (the maximum)", "answered with a pong, the link stays up", () =>
            {
                int from = _csms.LineCount;
                Expect(_csms.SendFrames(Cp, HostileCsms.Frame(opcode: 9, size: 125)));
                return StillUp(from, "the link stays up");
            });
            Add("100 pings in one burst", "the link stays up", () =>
            {
                int from = _csms.LineCount;
                Expect(_csms.SendFrames(Cp, Enumerable.Range(0, 100).Select(i => HostileCsms.Frame(opcode: 9, text: $"p{i}")).ToArray()));
                return StillUp(from, "the link stays up");
            });
            Add("a CALL in one-byte fragments, empty ones between", "CALLRESULT, the link stays up", () =>
            {
                int from = _csms.LineCount;
                string text = "[2,\"bytes-1\",\"GetConfiguration\",{\"key\":[\"HeartbeatInterval\"]}]";
                var frames = new List<Dictionary<string, object>>();
                for (int i = 0; i < text.Length; i++)
                {
                    frames.Add(HostileCsms.Frame(opcode: i == 0 ? 1 : 0, fin: false, text: text.Substring(i, 1)));
                    if (i % 10 == 5) frames.Add(HostileCsms.Frame(opcode: 0, fin: false, text: ""));
                }
                frames.Add(HostileCsms.Frame(opcode: 0, text: ""));
                Expect(_csms.SendFrames(Cp, frames.ToArray()));
                JsonElement answer = WaitAnswer("bytes-1", from);
                if (answer.ValueKind == JsonValueKind.Undefined) return Outcome.Of(false, "no answer" + Strays(from, null));
                string problem = IsResult(answer) ? HasHeartbeatInterval(answer.GetProperty("payload")) : "not a CALLRESULT";
                return Outcome.Of(problem == null && !LinkWentDown(from), Describe(answer) + (problem == null ? "" : $" ({problem})"));
            });
            Add("two CALLs in one TCP segment", "two CALLRESULTs", () =>
            {
                int from = _csms.LineCount;
                Expect(_csms.SendFrames(Cp, HostileCsms.Frame(text: """[2,"two-1","GetConfiguration",{"key":["HeartbeatInterval"]}]"""),
                    HostileCsms.Frame(text: """[2,"two-2","GetConfiguration",{"key":["HeartbeatInterval"]}]""")));
                JsonElement a = WaitAnswer("two-1", from), b = WaitAnswer("two-2", from);
                bool pass = IsResult(a) && IsResult(b);
                return Outcome.Of(pass, $"{Describe(a)}; {Describe(b)}");
            });
        }

        // ---- handshakes -----------------------------------------------------------------------------------------
        private void DefineHandshakeCases()
        {
            Group("handshakes");
            Handshake("bad-accept", "a wrong Sec-WebSocket-Accept", "handshake failed: wrong Sec-WebSocket-Accept");
            Handshake("no-protocol", "no subprotocol selected", "server did not select subprotocol ocpp1.6");
            Handshake("other-protocol", "another subprotocol (ocpp2.0.1)", "server selected subprotocol ocpp2.0.1 instead of ocpp1.6");
            Handshake("status-500", "HTTP 500", "handshake refused: HTTP 500 Internal Server Error");
            Handshake("truncated", "a response cut inside its headers", "server closed the connection during the handshake");
            Handshake("long-header", "a response with an 8000-byte header line", "handshake response header longer than 4096 bytes");
            Handshake("extension", "an extension never offered (permessage-deflate)", "handshake failed: extension not offered");
            Handshake("not-http", "not HTTP at all", "handshake failed: malformed handshake response");
        }

        // ---- case kinds -------------------------------------------------------------------------------------
        private void Group(string name) => _group = name;

        private void Register(Case c)
        {
            c.Number = _cases.Count + 1;
            _cases.Add(c);
        }

        private void Add(string name, string expected, Func<Outcome> run, string bug = null) =>
            Register(new Case { Group = _group, Name = name, Expected = expected, Run = run, Bug = bug });

        // A raw text whose answer is a CALLERROR `code` carrying `id`.
        private void Error(string name, string text, string id, string code, string bug = null) =>
            Add(name, $"CALLERROR {code} ({Show(id)})", () =>
            {
                int from = _csms.LineCount;
                Expect(_csms.SendRaw(Cp, text));
                JsonElement answer = WaitAnswer(id, from);
                if (answer.ValueKind == JsonValueKind.Undefined) return Outcome.Of(false, "no answer with that id" + Strays(from, null));
                bool shape = answer.TryGetProperty("error", out JsonElement error)
                    && error.TryGetProperty("description", out JsonElement d) && d.ValueKind == JsonValueKind.String
                    && error.TryGetProperty("details", out JsonElement details) && details.ValueKind == JsonValueKind.Object;
                bool pass = CsmsProcess.Str(answer, "type") == "error" && CsmsProcess.Str(error, "code") == code && shape;
                return Outcome.Of(pass, Describe(answer) + (shape || !IsError(answer) ? "" : " (not [4,id,code,description,{details}])"));
            }, bug);

        // A raw text whose answer is a CALLRESULT carrying `id`, its payload checked by `check`
        // (null: fine; else what is wrong).
        private void Result(string name, string text, string id, Func<JsonElement, string> check, string bug = null) =>
            Add(name, $"CALLRESULT ({Show(id)})", () =>
            {
                int from = _csms.LineCount;
                Expect(_csms.SendRaw(Cp, text));
                JsonElement answer = WaitAnswer(id, from);
                if (answer.ValueKind == JsonValueKind.Undefined) return Outcome.Of(false, "no answer with that id" + Strays(from, null));
                if (!IsResult(answer)) return Outcome.Of(false, Describe(answer));
                string problem = check(answer.GetProperty("payload"));
                return Outcome.Of(problem == null, Describe(answer) + (problem == null ? "" : $" ({problem})"));
            }, bug);

        // A raw text answered (CALLRESULT or CALLERROR) with `id`, the answer judged by `check`
        // (null: fine), and the link still up.
        private void Answered(string name, string text, string id, string expected, Func<JsonElement, string> check, string bug = null) =>
            Add(name, expected, () =>
            {
                int from = _csms.LineCount;
                Expect(_csms.SendRaw(Cp, text));
                JsonElement answer = WaitAnswer(id, from);
                if (answer.ValueKind == JsonValueKind.Undefined) return Outcome.Of(false, "no answer with that id" + Strays(from, null) + (LinkWentDown(from) ? "; the link went down" : ""));
                string problem = check(answer);
                bool down = LinkWentDown(from);
                return Outcome.Of(problem == null && !down, Describe(answer) + (problem == null ? "" : $" ({problem})") + (down ? "; the link went down" : ""));
            }, bug);

        // A raw text that cannot be answered (no message id to read): nothing comes back, and the
        // GetConfiguration after it is answered.
        private void NoAnswer(string name, string text, string bug = null) =>
            Add(name, "no answer (no message id to answer with), link up", () =>
            {
                int from = _csms.LineCount;
                Expect(_csms.SendRaw(Cp, text));
                return StillUp(from, "no answer");
            }, bug);

        // A broken frame: the charge point closes with `code` (logged on its console), then reconnects.
        private void Close(string name, int code, string console, Func<CsmsReply> send, string bug = null) =>
            Add(name, $"close {code}, reconnect", () =>
            {
                int from = _csms.LineCount;
                int consoleFrom = _qemu.Console.Length;
                Expect(send());
                JsonElement gone;
                try
                {
                    gone = _csms.WaitFor(l => HostileCsms.IsEvent(l, "disconnected", Cp), AnswerWait, "the charge point closing", from);
                }
                catch (TimeoutException)
                {
                    return Outcome.Of(false, "no close within 10 s" + Strays(from, null));
                }
                int got = HostileCsms.Int(gone, "code");
                string logged = ConsoleLine(consoleFrom, "<err> websocket:", 2000);
                bool pass = got == code && logged != null && logged.Contains(console, StringComparison.Ordinal);
                return Outcome.Of(pass, $"close {got}; \"{logged ?? "(nothing on the console)"}\"");
            }, bug);

        // A hostile answer to the upgrade: the charge point refuses the connection (logged, nothing
        // sent on it), and the next, normal handshake connects.
        private void Handshake(string mode, string name, string console, string bug = null) =>
            Add($"{name} ({mode})", "connection failed and logged, then a reconnect that succeeds", () =>
            {
                Expect(_csms.Handshake(mode, times: 1, cp: Cp));
                int from = _csms.LineCount;
                int consoleFrom = _qemu.Console.Length;
                Expect(_csms.Disconnect(Cp, 1000, "negative test: connect again"));
                try
                {
                    JsonElement hostile = _csms.WaitFor(l => HostileCsms.IsEvent(l, "handshake", Cp), ReconnectWait, "the hostile handshake", from);
                    int closedAt = _csms.WaitForIndex(l => HostileCsms.IsEvent(l, "handshake-closed", Cp), ReconnectWait, "the end of the hostile handshake", from);
                    JsonElement closed = _csms.Lines[closedAt];
                    _csms.WaitFor(l => HostileCsms.IsEvent(l, "connected", Cp), ReconnectWait, "the reconnect", closedAt);
                    string logged = ConsoleLine(consoleFrom, "<err> websocket:", 2000);
                    string failed = ConsoleLine(consoleFrom, "<wrn> ocpp: connection failed", 2000);
                    int received = HostileCsms.Int(closed, "received");
                    bool pass = logged != null && logged.Contains(console, StringComparison.Ordinal) && failed != null && received == 0;
                    return Outcome.Of(pass, $"\"{logged}\"; \"{failed}\"; socket closed by {CsmsProcess.Str(closed, "by")} after "
                        + $"{HostileCsms.Int(closed, "afterMs")} ms, {received} bytes sent on it; reconnected");
                }
                catch (TimeoutException e)
                {
                    return Outcome.Of(false, FirstLine(e.Message));
                }
            }, bug);

        // The charge point's own CALL `action` (triggered) answered with `raw`. resolves: the
        // answer carries the id, so the CALL is over and the next one goes out at once.
        private void OwnCall(string action, string name, string raw, bool resolves, string bug = null) =>
            Add($"{action} answered with {name}", resolves ? "the CALL is over, the next CALL goes out at once" : "ignored, logged (the CALL waits for its timeout), link up", () =>
            {
                int from = _csms.LineCount;
                int consoleFrom = _qemu.Console.Length;
                Expect(_csms.RespondRaw(action, raw, times: 1, cp: Cp));
                object trigger = action == "Heartbeat"
                    ? new Dictionary<string, object> { ["requestedMessage"] = "Heartbeat" }
                    : new Dictionary<string, object> { ["requestedMessage"] = action, ["connectorId"] = 1 };
                CsmsReply t = _csms.Call(Cp, "TriggerMessage", trigger);
                if (!t.Ok || CsmsProcess.Str(t.Result, "status") != "Accepted") return Outcome.Of(false, $"TriggerMessage {action}: {t}");
                JsonElement answered;
                try
                {
                    answered = _csms.WaitFor(l => HostileCsms.IsEvent(l, "respond-raw", Cp) && CsmsProcess.Str(l, "action") == action,
                        AnswerWait, $"the raw answer to {action}", from);
                }
                catch (TimeoutException)
                {
                    return Outcome.Of(false, $"the charge point sent no {action}");
                }
                int after = _csms.LineCount;
                System.Threading.Thread.Sleep(200);
                string reaction = ConsoleLine(consoleFrom, "<err> ocpp:", 300) ?? ConsoleLine(consoleFrom, "<wrn> ocpp:") ?? "(nothing on the console)";
                if (!resolves)
                {
                    Outcome up = StillUp(after, $"\"{reaction}\"");
                    up.Pass &= reaction.Contains("ignored", StringComparison.Ordinal);
                    return up;
                }
                int mark = _csms.LineCount;
                CsmsReply again = _csms.Call(Cp, "TriggerMessage", new Dictionary<string, object> { ["requestedMessage"] = "Heartbeat" });
                if (!again.Ok) return Outcome.Of(false, $"the next TriggerMessage: {again}");
                try
                {
                    JsonElement next = _csms.WaitFor(m => CsmsProcess.IsCall(m, "in", "Heartbeat"), TimeSpan.FromSeconds(5), "the next Heartbeat", mark);
                    _csms.WaitFor(m => CsmsProcess.IsAnswer(m, "out", CsmsProcess.Str(next, "id")), AnswerWait, "its answer");
                }
                catch (TimeoutException)
                {
                    return Outcome.Of(false, $"\"{reaction}\"; the next Heartbeat did not go out within 5 s (the CALL still pending?)");
                }
                return Outcome.Of(true, $"\"{reaction}\"; the next Heartbeat went out at once");
            }, bug);

        // ---- special cases ------------------------------------------------------------------------------------
        private Outcome BootRetried(int firstBoot)
        {
            JsonElement first = _csms.Lines[firstBoot];
            string firstId = CsmsProcess.Str(first, "id");
            JsonElement raw = _csms.WaitFor(l => HostileCsms.IsEvent(l, "respond-raw", Cp) && CsmsProcess.Str(l, "id") == firstId, AnswerWait, "the malformed BootNotification.conf");
            int second = _csms.WaitForIndex(m => CsmsProcess.IsCall(m, "in", "BootNotification"), TimeSpan.FromSeconds(45), "the BootNotification retry", firstBoot + 1);
            JsonElement retry = _csms.Lines[second];
            JsonElement conf = _csms.WaitFor(m => CsmsProcess.IsAnswer(m, "out", CsmsProcess.Str(retry, "id")), AnswerWait, "the retry's answer");
            long gap = retry.GetProperty("t").GetInt64() - first.GetProperty("t").GetInt64();
            bool accepted = CsmsProcess.Str(conf, "type") == "result" && CsmsProcess.Str(conf.GetProperty("payload"), "status") == "Accepted";
            string console = _qemu.WaitFor(c => c.Contains("<inf> ocpp: ocpp init success", StringComparison.Ordinal), "ocpp init success");
            string logged = ConsoleLine(0, "BootNotification.conf", 2000);
            int bootsBetween = _csms.Lines.Skip(firstBoot + 1).Take(second - firstBoot - 1).Count(m => CsmsProcess.IsCall(m, "in"));
            bool pass = raw.ValueKind == JsonValueKind.Object && gap >= 29000 && gap <= 33000 && accepted && bootsBetween == 0
                && logged != null && logged.Contains("does not match its schema", StringComparison.Ordinal);
            return Outcome.Of(pass, $"\"{logged}\"; BootNotification again {gap / 1000.0:F1} s later, {bootsBetween} CALLs between, "
                + (accepted ? "Accepted" : "not accepted: " + conf.GetRawText()));
        }

        private Outcome AnsweredTwice()
        {
            int from = _csms.LineCount;
            int consoleFrom = _qemu.Console.Length;
            Expect(_csms.RespondRaw("Heartbeat", """[3,"{{id}}",{"currentTime":"2024-01-01T00:00:00.000Z"}]""", times: 1, cp: Cp));
            CsmsReply t = _csms.Call(Cp, "TriggerMessage", new Dictionary<string, object> { ["requestedMessage"] = "Heartbeat" });
            if (!t.Ok) return Outcome.Of(false, $"TriggerMessage: {t}");
            JsonElement answered = _csms.WaitFor(l => HostileCsms.IsEvent(l, "respond-raw", Cp) && CsmsProcess.Str(l, "action") == "Heartbeat", AnswerWait, "the raw answer", from);
            int after = _csms.LineCount;
            Expect(_csms.SendRaw(Cp, CsmsProcess.Str(answered, "text")));
            Outcome up = StillUp(after, "ignored");
            string logged = ConsoleLine(consoleFrom, "<wrn> ocpp: CALLRESULT for unknown message id", 2000);
            up.Pass &= logged != null;
            up.Actual = $"\"{logged ?? "(nothing on the console)"}\"; " + up.Actual;
            return up;
        }

        private Outcome ReusedPendingId()
        {
            int from = _csms.LineCount;
            Expect(_csms.Respond("Heartbeat", result: new { currentTime = "2024-01-01T00:00:00.000Z" }, times: 1, cp: Cp, delayMs: 1500));
            CsmsReply t = _csms.Call(Cp, "TriggerMessage", new Dictionary<string, object> { ["requestedMessage"] = "Heartbeat" });
            if (!t.Ok) return Outcome.Of(false, $"TriggerMessage: {t}");
            JsonElement heartbeat = _csms.WaitFor(m => CsmsProcess.IsCall(m, "in", "Heartbeat"), AnswerWait, "the Heartbeat", from);
            string id = CsmsProcess.Str(heartbeat, "id");
            int sent = _csms.LineCount;
            Expect(_csms.SendRaw(Cp, $"[2,\"{id}\",\"GetConfiguration\",{{\"key\":[\"HeartbeatInterval\"]}}]"));
            JsonElement answer = WaitAnswer(id, sent);
            JsonElement conf = _csms.WaitFor(m => CsmsProcess.IsAnswer(m, "out", id), AnswerWait, "the delayed Heartbeat.conf", from);
            int mark = _csms.LineCount;
            CsmsReply again = _csms.Call(Cp, "TriggerMessage", new Dictionary<string, object> { ["requestedMessage"] = "Heartbeat" });
            bool next;
            try
            {
                _csms.WaitFor(m => CsmsProcess.IsCall(m, "in", "Heartbeat"), TimeSpan.FromSeconds(5), "the next Heartbeat", mark);
                next = again.Ok;
            }
            catch (TimeoutException)
            {
                next = false;
            }
            bool pass = IsResult(answer) && HasHeartbeatInterval(answer.GetProperty("payload")) == null && next;
            return Outcome.Of(pass, $"{Describe(answer)}; then Heartbeat.conf; " + (next ? "the next Heartbeat went out at once" : "no next Heartbeat within 5 s"));
        }

        private Outcome Duplicate()
        {
            int from = _csms.LineCount;
            string text = """[2,"dup-1","GetConfiguration",{"key":["HeartbeatInterval"]}]""";
            Expect(_csms.SendRaw(Cp, text));
            Expect(_csms.SendRaw(Cp, text));
            try
            {
                var answers = _csms.WaitFor(lines => lines.Skip(from).Count(m => CsmsProcess.IsAnswer(m, "in", "dup-1")) >= 2, AnswerWait, "two answers to dup-1")
                    .Skip(from).Where(m => CsmsProcess.IsAnswer(m, "in", "dup-1")).ToList();
                return Outcome.Of(answers.Count == 2 && answers.All(IsResult), string.Join("; ", answers.Select(Describe)));
            }
            catch (TimeoutException)
            {
                var answers = _csms.Lines.Skip(from).Where(m => CsmsProcess.IsAnswer(m, "in", "dup-1")).ToList();
                return Outcome.Of(false, $"{answers.Count} answers: " + string.Join("; ", answers.Select(Describe)));
            }
        }

        private Outcome Burst()
        {
            int from = _csms.LineCount;
            var frames = Enumerable.Range(1, 10).Select(i =>
                HostileCsms.Frame(text: $"[2,\"burst-{i}\",\"GetConfiguration\",{{\"key\":[\"HeartbeatInterval\"]}}]")).ToArray();
            Expect(_csms.SendFrames(Cp, frames));
            try
            {
                _csms.WaitFor(lines => Enumerable.Range(1, 10).All(i => lines.Skip(from).Any(m => CsmsProcess.IsAnswer(m, "in", $"burst-{i}"))),
                    AnswerWait, "ten answers");
            }
            catch (TimeoutException)
            {
            }
            var answers = _csms.Lines.Skip(from).Where(m => CsmsProcess.IsMessage(m) && CsmsProcess.Str(m, "dir") == "in"
                && (CsmsProcess.Str(m, "id") ?? "").StartsWith("burst-", StringComparison.Ordinal)).ToList();
            var ids = answers.Select(m => CsmsProcess.Str(m, "id")).ToList();
            bool pass = ids.SequenceEqual(Enumerable.Range(1, 10).Select(i => $"burst-{i}")) && answers.All(IsResult);
            return Outcome.Of(pass, $"{answers.Count} answers: {string.Join(",", ids)}, {answers.Count(IsResult)} CALLRESULTs");
        }

        private Outcome Fragmented()
        {
            int from = _csms.LineCount;
            Expect(_csms.SendFrames(Cp,
                HostileCsms.Frame(fin: false, text: "[2,\"frag-1\",\"GetConf"),
                HostileCsms.Frame(opcode: 9, text: "ping"),
                HostileCsms.Frame(opcode: 0, fin: false, text: "iguration\",{\"key\":"),
                HostileCsms.Frame(opcode: 0, text: "[\"HeartbeatInterval\"]}]")));
            JsonElement answer = WaitAnswer("frag-1", from);
            if (answer.ValueKind == JsonValueKind.Undefined) return Outcome.Of(false, "no answer" + Strays(from, null));
            string problem = IsResult(answer) ? HasHeartbeatInterval(answer.GetProperty("payload")) : "not a CALLRESULT";
            return Outcome.Of(problem == null && !LinkWentDown(from), Describe(answer) + (problem == null ? "" : $" ({problem})"));
        }

        private Outcome SplitCharacter()
        {
            int from = _csms.LineCount;
            byte[] text = Encoding.UTF8.GetBytes("[2,\"split-1\",\"GetConfiguration\",{\"key\":[\"é\"]}]");
            int at = Array.IndexOf(text, (byte)0xC3) + 1; // between the two bytes of é
            Expect(_csms.SendFrames(Cp,
                HostileCsms.Frame(fin: false, payloadHex: Convert.ToHexString(text, 0, at)),
                HostileCsms.Frame(opcode: 0, payloadHex: Convert.ToHexString(text, at, text.Length - at))));
            JsonElement answer = WaitAnswer("split-1", from);
            if (answer.ValueKind == JsonValueKind.Undefined) return Outcome.Of(false, "no answer" + Strays(from, null));
            string problem = IsResult(answer) ? UnknownKeyIs("é")(answer.GetProperty("payload")) : "not a CALLRESULT";
            return Outcome.Of(problem == null && !LinkWentDown(from), Describe(answer) + (problem == null ? "" : $" ({problem})"));
        }

        // ---- running ----------------------------------------------------------------------------------------
        private void RunPending()
        {
            foreach (Case c in _cases.Where(c => c.Run != null && _rows.All(r => r.Case != c)).ToList())
                RunOne(c, c.Run, Stopwatch.StartNew());
        }

        private void RunOne(Case c, Func<Outcome> run, Stopwatch clock)
        {
            if (_dead)
            {
                _rows.Add(new Row { Case = c, Outcome = Outcome.Of(false, "not run: the charge point died earlier"), Verdict = "FAIL" });
                return;
            }
            int from = _csms.LineCount;
            Outcome outcome;
            try
            {
                outcome = run();
            }
            catch (Exception e)
            {
                outcome = Outcome.Of(false, $"error: {e.GetType().Name}: {FirstLine(e.Message)}");
            }
            string alive = Alive(from);
            if (alive != null)
            {
                outcome.Pass = false;
                outcome.Actual += $"; NOT ALIVE: {alive}";
            }
            string verdict = outcome.Pass
                ? (c.Bug == null ? "PASS" : "PASS (marked as a firmware bug: remove the mark)")
                : (c.Bug == null || alive != null ? "FAIL" : "FAIL (firmware bug)");
            _rows.Add(new Row { Case = c, Outcome = outcome, Verdict = verdict, Seconds = clock.Elapsed.TotalSeconds });
        }

        // Null when the charge point is alive after a case that started at line `from`: when the case
        // closed the link, it is back (connected, BootNotification answered); a GetConfiguration
        // is answered; one banner and no panic on the console. Else what is wrong.
        private string Alive(int from)
        {
            try
            {
                string console = _qemu.Console;
                int banners = Regex.Matches(console, Regex.Escape(Banner)).Count;
                if (console.Contains("*** PANIC", StringComparison.Ordinal))
                {
                    _dead = true;
                    return "PANIC: " + ConsoleLine(0, "*** PANIC", 1000);
                }
                if (banners != 1)
                {
                    _dead = true;
                    return $"{banners} banners on the console: it rebooted";
                }
                var lines = _csms.Lines;
                int down = -1;
                for (int i = lines.Count - 1; i >= from; i--)
                {
                    if (HostileCsms.IsEvent(lines[i], "disconnected", Cp)) { down = i; break; }
                }
                if (down >= 0)
                {
                    // Back on the link. (A charge point that was registered need not boot again on a
                    // new connection; one that was not sends its BootNotification first.)
                    _csms.WaitForIndex(l => HostileCsms.IsEvent(l, "connected", Cp), ReconnectWait, "the reconnect", down);
                }
                CsmsReply get = _csms.Call(Cp, "GetConfiguration", new { key = new[] { "HeartbeatInterval" } }, AnswerWait);
                if (!get.Ok) return $"GetConfiguration: {get}";
                string problem = HasHeartbeatInterval(get.Result);
                if (problem != null) return $"GetConfiguration: {problem}: {get}";
                console = _qemu.Console;
                if (console.Contains("*** PANIC", StringComparison.Ordinal))
                {
                    _dead = true;
                    return "PANIC: " + ConsoleLine(0, "*** PANIC", 1000);
                }
                return null;
            }
            catch (Exception e) when (e is TimeoutException || e is InvalidOperationException || e is IOException)
            {
                if (_qemu.Console.Contains("*** PANIC", StringComparison.Ordinal)) _dead = true;
                return FirstLine(e.Message);
            }
        }

        // A GetConfiguration after the case is answered, and nothing came back for the case itself
        // (no answer from the charge point between `from` and that GetConfiguration's answer).
        private Outcome StillUp(int from, string what)
        {
            CsmsReply fence = _csms.Call(Cp, "GetConfiguration", new { key = new[] { "HeartbeatInterval" } }, AnswerWait);
            if (!fence.Ok) return Outcome.Of(false, $"the GetConfiguration after it: {fence}");
            int end = _csms.WaitForIndex(m => CsmsProcess.IsAnswer(m, "in", fence.MessageId), AnswerWait, "the fence's answer");
            string strays = Strays(from, fence.MessageId, end);
            bool down = LinkWentDown(from);
            return Outcome.Of(strays.Length == 0 && !down, (strays.Length == 0 ? what : "answered" + strays) + (down ? "; the link went down" : "") + ", link up");
        }

        // What the charge point sent since `from` (up to `end`) other than CALLs and the answer `except`.
        private string Strays(int from, string except, int end = int.MaxValue)
        {
            var strays = _csms.Lines.Take(end).Skip(from)
                .Where(m => CsmsProcess.IsMessage(m) && CsmsProcess.Str(m, "dir") == "in" && CsmsProcess.Str(m, "type") != "call"
                    && CsmsProcess.Str(m, "id") != except && CsmsProcess.Str(m, "id") != _fence)
                .Select(Describe).ToList();
            return strays.Count == 0 ? "" : ": " + string.Join("; ", strays);
        }

        private bool LinkWentDown(int from) => _csms.Lines.Skip(from).Any(l => HostileCsms.IsEvent(l, "disconnected", Cp));

        // The charge point's answer with `id` since line `from`; default when there is none. It
        // answers in order, so when a GetConfiguration sent after a second is answered, an answer
        // to the case that is not there yet will not come.
        private JsonElement WaitAnswer(string id, int from)
        {
            try
            {
                return _csms.WaitFor(m => CsmsProcess.IsAnswer(m, "in", id), TimeSpan.FromSeconds(1), $"the answer to {id}", from);
            }
            catch (TimeoutException)
            {
            }
            CsmsReply fence = _csms.Call(Cp, "GetConfiguration", new { key = new[] { "HeartbeatInterval" } }, AnswerWait);
            _fence = fence.MessageId;
            if (fence.Ok) _csms.WaitForIndex(m => CsmsProcess.IsAnswer(m, "in", fence.MessageId), AnswerWait, "the fence's answer", from);
            return _csms.Lines.Skip(from).FirstOrDefault(m => CsmsProcess.IsAnswer(m, "in", id));
        }

        private void Expect(CsmsReply reply)
        {
            if (!reply.Ok) throw new InvalidOperationException($"the central system refused the command: {reply}");
        }

        // ---- payload checks (null: fine) -------------------------------------------------------------------------
        private static string HasHeartbeatInterval(JsonElement payload) =>
            payload.TryGetProperty("configurationKey", out JsonElement keys) && keys.ValueKind == JsonValueKind.Array
            && keys.EnumerateArray().Any(k => CsmsProcess.Str(k, "key") == "HeartbeatInterval")
            && !payload.TryGetProperty("unknownKey", out _)
                ? null : "HeartbeatInterval is not in configurationKey";

        private static Func<JsonElement, string> StatusIs(string status) => payload =>
            CsmsProcess.Str(payload, "status") == status ? null : $"status is not {status}";

        private static Func<JsonElement, string> UnknownKeyIs(string key) => payload =>
            payload.TryGetProperty("unknownKey", out JsonElement unknown) && unknown.ValueKind == JsonValueKind.Array
            && unknown.GetArrayLength() == 1 && unknown[0].ValueKind == JsonValueKind.String && unknown[0].GetString() == key
                ? null : $"unknownKey is not [{HostileCsms.Json(key)}]";

        private static Func<JsonElement, string> KeyCountAtLeast(int count) => payload =>
            payload.TryGetProperty("configurationKey", out JsonElement keys) && keys.ValueKind == JsonValueKind.Array && keys.GetArrayLength() >= count
                ? null : $"fewer than {count} keys";

        // ---- text ---------------------------------------------------------------------------------------------------
        private static bool IsResult(JsonElement m) => m.ValueKind == JsonValueKind.Object && CsmsProcess.Str(m, "type") == "result";

        private static bool IsError(JsonElement m) => m.ValueKind == JsonValueKind.Object && CsmsProcess.Str(m, "type") == "error";

        private static string ErrorCode(JsonElement m) => IsError(m) ? CsmsProcess.Str(m.GetProperty("error"), "code") : null;

        private static string Describe(JsonElement m)
        {
            if (m.ValueKind != JsonValueKind.Object) return "nothing";
            string id = Show(CsmsProcess.Str(m, "id"));
            switch (CsmsProcess.Str(m, "type"))
            {
                case "error":
                    JsonElement e = m.GetProperty("error");
                    string description = e.TryGetProperty("description", out JsonElement d) ? d.GetRawText() : "(none)";
                    return $"CALLERROR {CsmsProcess.Str(e, "code")} ({id}) {Short(description, 90)}";
                case "result":
                    return $"CALLRESULT ({id}) {Short(m.GetProperty("payload").GetRawText(), 90)}";
                default:
                    return $"{CsmsProcess.Str(m, "type")} {Short(m.GetRawText(), 120)}";
            }
        }

        private static string Show(string id) => id == null ? "no id" : id.Length > 12 ? $"id {id.Substring(0, 6)}…({id.Length} chars)" : $"id {id}";

        private static string Short(string s, int max) => s.Length <= max ? s : s.Substring(0, max) + "…";

        private static string FirstLine(string s)
        {
            int nl = s.IndexOf('\n');
            return nl < 0 ? s : s.Substring(0, nl);
        }

        // The first whole console line from `from` on that contains `text` (without its CR LF), or
        // null. `wait`: how long it may take to come (the console trails the network a little).
        private string ConsoleLine(int from, string text, int waitMilliseconds = 0)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                string console = _qemu.Console;
                int at = console.IndexOf(text, Math.Min(from, console.Length), StringComparison.Ordinal);
                int end = at < 0 ? -1 : console.IndexOf("\r\n", at, StringComparison.Ordinal);
                if (end >= 0)
                {
                    int start = console.LastIndexOf('\n', at) + 1;
                    return console.Substring(start, end - start);
                }
                if (clock.ElapsedMilliseconds >= waitMilliseconds) return null;
                System.Threading.Thread.Sleep(20);
            }
        }

        private string Logs() => $"\n--- console:\n{_qemu.Console}\n--- central system:\n{_csms.Log}";

        private void PrintTable()
        {
            var rows = _rows.OrderBy(r => r.Case.Number).ToList();
            _output.WriteLine($"negative set: {rows.Count} cases in {_bench.Clock.Elapsed.TotalSeconds:F0} s; " +
                $"{rows.Count(r => r.Verdict == "PASS")} PASS, {rows.Count(r => r.Verdict == "FAIL (firmware bug)")} FAIL (firmware bug), " +
                $"{rows.Count(r => r.Verdict != "PASS" && r.Verdict != "FAIL (firmware bug)")} other");
            _output.WriteLine("");
            _output.WriteLine("| # | group | case | expected | actual | result | s |");
            _output.WriteLine("|---|---|---|---|---|---|---|");
            foreach (Row r in rows)
                _output.WriteLine($"| {r.Case.Number} | {r.Case.Group} | {Cell(r.Case.Name)} | {Cell(r.Case.Expected)} | {Cell(r.Outcome.Actual)} | {r.Verdict} | {r.Seconds.ToString("F1", CultureInfo.InvariantCulture)} |");
            var bugs = rows.Where(r => r.Case.Bug != null).ToList();
            if (bugs.Count > 0)
            {
                _output.WriteLine("");
                _output.WriteLine("firmware bugs the set shows:");
                foreach (Row r in bugs) _output.WriteLine($"  #{r.Case.Number} {r.Case.Name}: {r.Case.Bug} [{r.Verdict}]");
            }
        }

        private static string Cell(string s) => s.Replace("|", "\\|").Replace("\r", "\\r").Replace("\n", "\\n").Replace("\u0001", "\\u0001");
    }
}
