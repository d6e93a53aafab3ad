using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace ChargePoint.Tests.Emulator.Services
{
    // The hostile side of tools/csms, for negative tests, on top of CsmsProcess's control protocol:
    // broken WebSocket frames written straight to the socket (sendFrame), the charge point's own
    // CALLs answered with raw text (respondRaw), and wrong answers to the WebSocket upgrade
    // (handshake). See tools/csms/README.md.
    //
    //   csms.SendFrame("CP001", "8300");                                   // a reserved opcode
    //   csms.SendFrames("CP001", HostileCsms.Frame(rsv: 4, text: "[]"));   // RSV1 set
    //   csms.RespondRaw("BootNotification", "[3,\"{{id}}\",{\"status\":5}]");
    //   csms.Handshake("bad-accept", cp: "CP001");                          // the next upgrade only
    public static class HostileCsms
    {
        private static readonly TimeSpan ReplyLimit = TimeSpan.FromSeconds(5);

        // Frame bytes as they are (hex digits, whitespace allowed).
        public static CsmsReply SendFrame(this CsmsProcess csms, string cp, string hex) =>
            new CsmsReply(csms.Command(new Dictionary<string, object> { ["cmd"] = "sendFrame", ["cp"] = cp, ["hex"] = hex }, ReplyLimit));

        public static CsmsReply SendFrame(this CsmsProcess csms, string cp, byte[] bytes) => csms.SendFrame(cp, Convert.ToHexString(bytes));

        // Frames built by csms from Frame(...) specs, written in one go.
        public static CsmsReply SendFrames(this CsmsProcess csms, string cp, params Dictionary<string, object>[] frames) =>
            new CsmsReply(csms.Command(new Dictionary<string, object> { ["cmd"] = "sendFrame", ["cp"] = cp, ["frames"] = frames }, ReplyLimit));

        // One frame spec for SendFrames (null: csms's default; see tools/csms/README.md, "Building
        // frames"): opcode (default 1, text), fin (default true), rsv (RSV1 = 4), mask (true or 8 hex
        // digits), the payload as text, payloadHex or size (bytes of 'x'), length (declared, as a
        // decimal string, when it is not the payload's).
        public static Dictionary<string, object> Frame(int? opcode = null, bool? fin = null, int? rsv = null, object mask = null,
            string text = null, string payloadHex = null, int? size = null, string length = null)
        {
            var frame = new Dictionary<string, object>();
            if (opcode.HasValue) frame["opcode"] = opcode.Value;
            if (fin.HasValue) frame["fin"] = fin.Value;
            if (rsv.HasValue) frame["rsv"] = rsv.Value;
            if (mask != null) frame["mask"] = mask;
            if (text != null) frame["text"] = text;
            if (payloadHex != null) frame["payloadHex"] = payloadHex;
            if (size.HasValue) frame["size"] = size.Value;
            if (length != null) frame["length"] = length;
            return frame;
        }

        // The next `times` CALLs of `action` from the charge point (-1: all; 0 clears) are answered with
        // `text` as it is ({{id}}: the CALL's message id).
        public static CsmsReply RespondRaw(this CsmsProcess csms, string action, string text, int times = 1, string cp = null, int delayMs = 0)
        {
            var command = new Dictionary<string, object> { ["cmd"] = "respondRaw", ["action"] = action, ["text"] = text, ["times"] = times };
            if (cp != null) command["cp"] = cp;
            if (delayMs > 0) command["delayMs"] = delayMs;
            return new CsmsReply(csms.Command(command, ReplyLimit));
        }

        // The next `times` WebSocket upgrades (of `cp` when given; -1: all; 0 clears) get the hostile
        // handshake `mode` (bad-accept, no-protocol, other-protocol, status-500, truncated,
        // long-header, ...; "normal" for a right one).
        public static CsmsReply Handshake(this CsmsProcess csms, string mode, int times = 1, string cp = null)
        {
            var command = new Dictionary<string, object> { ["cmd"] = "handshake", ["mode"] = mode, ["times"] = times };
            if (cp != null) command["cp"] = cp;
            return new CsmsReply(csms.Command(command, ReplyLimit));
        }

        // ---- reading the log ----------------------------------------------------------------------------
        // An event line (e.g. "disconnected", "handshake-closed") of `cp` (any when null).
        public static bool IsEvent(JsonElement line, string name, string cp = null) =>
            CsmsProcess.Str(line, "event") == name && (cp == null || CsmsProcess.Str(line, "cp") == cp);

        public static int Int(JsonElement line, string name, int fallback = -1) =>
            line.ValueKind == JsonValueKind.Object && line.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number
                ? value.GetInt32() : fallback;

        // A text of `length` bytes that is one valid JSON CALL (padded with spaces inside the payload).
        public static string PaddedCall(string id, string action, string payloadBody, int length)
        {
            string head = $"[2,\"{id}\",\"{action}\",{{";
            string tail = payloadBody + "}]";
            int pad = length - Encoding.UTF8.GetByteCount(head) - Encoding.UTF8.GetByteCount(tail);
            if (pad < 0) throw new ArgumentException($"a call of {length} bytes cannot hold {payloadBody}", nameof(length));
            return head + new string(' ', pad) + tail;
        }

        public static string Repeat(string s, int count) => string.Concat(Enumerable.Repeat(s, count));

        public static string Json(object value) => JsonSerializer.Serialize(value);

        public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
    }
}
