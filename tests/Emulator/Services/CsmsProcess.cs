using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;

namespace ChargePoint.Tests.Emulator.Services
{
    // The local central system (tools/csms, node, ocpp-rpc in strict mode) as a child process of a
    // test: WebSocket and SNTP on ports the OS chose (127.0.0.1, which the guest reaches as
    // 10.0.2.2), its --json log read line by line on a background thread and kept whole, its
    // stdin control protocol (call, respond, sendRaw, disconnect, clients, quit) as methods.
    // Every wait is bounded; Dispose kills the process by its PID whatever state it is in.
    //
    //   using var csms = new CsmsProcess();
    //   ... boot with cs_url=ws://10.0.2.2:{csms.Port}/steve/websocket/CentralSystemService/CP001 ...
    //   JsonElement boot = csms.WaitFor(m => CsmsProcess.IsCall(m, "in", "BootNotification"), TimeSpan.FromSeconds(30), "BootNotification");
    //   CsmsReply reply = csms.Call("CP001", "GetConfiguration", new { key = new[] { "HeartbeatInterval" } });
    public sealed class CsmsProcess : IDisposable
    {
        public const string Script = "tools/csms/csms.js";
        public const string Modules = "tools/csms/node_modules";
        public static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(20);
        public static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(5);
        public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(10);
        // What a control command's reply may take beyond the command's own timeout.
        private static readonly TimeSpan ReplySlack = TimeSpan.FromSeconds(5);

        private readonly Process _process;
        private readonly object _gate = new object();
        private readonly object _stdinGate = new object();
        private readonly List<string> _text = new List<string>();       // every stdout line, as printed
        private readonly List<JsonElement> _lines = new List<JsonElement>(); // the lines that parsed
        private readonly StringBuilder _stderr = new StringBuilder();
        private readonly Thread _reader, _errors;
        private readonly int? _heartbeat;
        private readonly string[] _extra;
        private int _nextCommand = 1;
        private bool _ended;      // stdout closed
        private bool _disposed;

        // heartbeat: --heartbeat N (the interval BootNotification.conf gives); extraArguments go
        // on the command line as they are (e.g. "--accept", "ZepId00").
        public CsmsProcess(int? heartbeat = null, params string[] extraArguments)
            : this(0, 0, heartbeat, extraArguments)
        {
        }

        private CsmsProcess(int port, int sntpPort, int? heartbeat, string[] extraArguments)
        {
            _heartbeat = heartbeat;
            _extra = extraArguments ?? Array.Empty<string>();
            string root = Repo.Root;
            if (!File.Exists(Path.Combine(root, Script)))
                throw new FileNotFoundException("the local central system is missing", Path.Combine(root, Script));
            if (!Directory.Exists(Path.Combine(root, Modules, "ocpp-rpc")))
                throw new InvalidOperationException($"{Path.Combine(root, Modules)} has no ocpp-rpc: run `make deps` (it runs npm ci in tools/csms)");
            var start = new ProcessStartInfo("node")
            {
                WorkingDirectory = root,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
            };
            start.ArgumentList.Add(Script);
            start.ArgumentList.Add("--json");
            start.ArgumentList.Add("--port");
            start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add("--sntp-port");
            start.ArgumentList.Add(sntpPort.ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add("--exit-on-stdin-end");
            if (heartbeat.HasValue)
            {
                start.ArgumentList.Add("--heartbeat");
                start.ArgumentList.Add(heartbeat.Value.ToString(CultureInfo.InvariantCulture));
            }
            foreach (string argument in _extra) start.ArgumentList.Add(argument);
            Arguments = start.ArgumentList.ToArray();
            _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
            _process.StandardInput.AutoFlush = true;
            _reader = new Thread(ReadOutput) { IsBackground = true, Name = "csms stdout" };
            _errors = new Thread(ReadErrors) { IsBackground = true, Name = "csms stderr" };
            _reader.Start();
            _errors.Start();
            try
            {
                JsonElement listening = WaitFor(line => Str(line, "event") == "listening", StartLimit, "the listening line");
                Port = listening.GetProperty("port").GetInt32();
                SntpPort = listening.GetProperty("sntpPort").ValueKind == JsonValueKind.Number ? listening.GetProperty("sntpPort").GetInt32() : 0;
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        // node's arguments (after "node").
        public IReadOnlyList<string> Arguments { get; }

        public int Pid => _process.Id;

        // The WebSocket port on 127.0.0.1.
        public int Port { get; }

        // The SNTP port on 127.0.0.1 (0 with --no-sntp).
        public int SntpPort { get; }

        public bool HasExited => _process.HasExited;

        // Every parsed stdout line so far (events, messages, replies), in order.
        public IReadOnlyList<JsonElement> Lines
        {
            get { lock (_gate) return _lines.ToArray(); }
        }

        // The OCPP messages: lines with "dir" and "type" (call, result, error, raw), in order.
        public IReadOnlyList<JsonElement> Messages => Lines.Where(IsMessage).ToArray();

        // The validation-error events (schema or framing, either direction).
        public IReadOnlyList<JsonElement> ValidationErrors => Lines.Where(l => Str(l, "event") == "validation-error").ToArray();

        // The whole log as printed (stdout, then stderr if any), for failure messages.
        public string Log
        {
            get
            {
                var text = new StringBuilder();
                lock (_gate) foreach (string line in _text) text.Append(line).Append('\n');
                string errors;
                lock (_stderr) errors = _stderr.ToString();
                if (errors.Length > 0) text.Append("csms stderr:\n").Append(errors);
                return text.ToString();
            }
        }

        private void ReadOutput()
        {
            try
            {
                string line;
                while ((line = _process.StandardOutput.ReadLine()) != null)
                {
                    JsonElement? parsed = null;
                    try
                    {
                        using var document = JsonDocument.Parse(line);
                        parsed = document.RootElement.Clone();
                    }
                    catch (JsonException)
                    {
                        // Kept in the text log only.
                    }
                    lock (_gate)
                    {
                        _text.Add(line);
                        if (parsed.HasValue) _lines.Add(parsed.Value);
                        Monitor.PulseAll(_gate);
                    }
                }
            }
            catch (Exception e) when (e is IOException || e is ObjectDisposedException || e is InvalidOperationException)
            {
                // The process went away under the reader.
            }
            finally
            {
                lock (_gate)
                {
                    _ended = true;
                    Monitor.PulseAll(_gate);
                }
            }
        }

        private void ReadErrors()
        {
            try
            {
                var buffer = new char[1024];
                int read;
                while ((read = _process.StandardError.Read(buffer, 0, buffer.Length)) > 0)
                    lock (_stderr) _stderr.Append(buffer, 0, read);
            }
            catch (Exception e) when (e is IOException || e is ObjectDisposedException || e is InvalidOperationException)
            {
            }
        }

        // ---- waiting --------------------------------------------------------------------------------
        // The first line (from index `from` of Lines on) that `match` accepts; waits up to `timeout`
        // for it. Throws with the whole log when it does not come (or the process ends first).
        public JsonElement WaitFor(Func<JsonElement, bool> match, TimeSpan timeout, string what, int from = 0)
        {
            int at = WaitForIndex(match, timeout, what, from);
            lock (_gate) return _lines[at];
        }

        // The same, returning the line's index in Lines.
        public int WaitForIndex(Func<JsonElement, bool> match, TimeSpan timeout, string what, int from = 0)
        {
            var deadline = DateTime.UtcNow + timeout;
            lock (_gate)
            {
                int next = Math.Max(0, from);
                while (true)
                {
                    for (; next < _lines.Count; next++)
                        if (match(_lines[next])) return next;
                    if (_ended)
                        throw new TimeoutException($"the central system ended before {what}; its log:\n{LogLocked()}");
                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero)
                        throw new TimeoutException($"the central system did not log {what} within {timeout}; its log:\n{LogLocked()}");
                    Monitor.Wait(_gate, TimeSpan.FromMilliseconds(Math.Min(200, left.TotalMilliseconds)));
                }
            }
        }

        // Waits until `done` holds for all lines so far; returns them.
        public IReadOnlyList<JsonElement> WaitFor(Func<IReadOnlyList<JsonElement>, bool> done, TimeSpan timeout, string what)
        {
            var deadline = DateTime.UtcNow + timeout;
            lock (_gate)
            {
                while (true)
                {
                    var lines = _lines.ToArray();
                    if (done(lines)) return lines;
                    if (_ended)
                        throw new TimeoutException($"the central system ended before {what}; its log:\n{LogLocked()}");
                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero)
                        throw new TimeoutException($"the central system did not log {what} within {timeout}; its log:\n{LogLocked()}");
                    Monitor.Wait(_gate, TimeSpan.FromMilliseconds(Math.Min(200, left.TotalMilliseconds)));
                }
            }
        }

        // How many lines parsed so far (a `from` for WaitFor: only what comes after now).
        public int LineCount
        {
            get { lock (_gate) return _lines.Count; }
        }

        private string LogLocked()
        {
            // Called with _gate held.
            var text = new StringBuilder();
            foreach (string line in _text) text.Append(line).Append('\n');
            string errors;
            lock (_stderr) errors = _stderr.ToString();
            if (errors.Length > 0) text.Append("csms stderr:\n").Append(errors);
            if (_process.HasExited) text.Append($"(exited with {_process.ExitCode})\n");
            return text.ToString();
        }

        // ---- the control protocol ---------------------------------------------------------------------
        // Sends one command (its "id" is added) and returns its reply line; waits `limit` for it.
        public JsonElement Command(Dictionary<string, object> command, TimeSpan limit)
        {
            int id;
            lock (_gate) id = _nextCommand++;
            var body = new Dictionary<string, object> { ["id"] = id };
            foreach (var pair in command) body[pair.Key] = pair.Value;
            string line = JsonSerializer.Serialize(body);
            string what = $"the reply to {line}";
            lock (_stdinGate)
            {
                try
                {
                    _process.StandardInput.WriteLine(line);
                }
                catch (IOException e)
                {
                    throw new IOException($"the central system's stdin is closed ({e.Message}); its log:\n{Log}", e);
                }
            }
            return WaitFor(l => l.TryGetProperty("reply", out JsonElement r) && r.ValueKind == JsonValueKind.Number && r.GetInt32() == id,
                limit, what);
        }

        // A CALL to the charge point; the reply tells its CALLRESULT or CALLERROR (or a timeout).
        public CsmsReply Call(string cp, string action, object payload, TimeSpan? timeout = null)
        {
            TimeSpan limit = timeout ?? DefaultCallTimeout;
            var reply = Command(new Dictionary<string, object>
            {
                ["cmd"] = "call",
                ["cp"] = cp,
                ["action"] = action,
                ["payload"] = payload ?? new Dictionary<string, object>(),
                ["timeoutMs"] = (long)limit.TotalMilliseconds,
            }, limit + ReplySlack);
            return new CsmsReply(reply);
        }

        // The next `times` CALLs of `action` (-1: all; 0 clears) get `result`, or a CALLERROR
        // `error` ({code, description, details}), or no answer at all (noReply).
        public CsmsReply Respond(string action, object result = null, object error = null, bool noReply = false, int times = 1,
            string cp = null, int delayMs = 0)
        {
            var command = new Dictionary<string, object> { ["cmd"] = "respond", ["action"] = action, ["times"] = times };
            if (result != null) command["result"] = result;
            if (error != null) command["error"] = error;
            if (noReply) command["noReply"] = true;
            if (cp != null) command["cp"] = cp;
            if (delayMs > 0) command["delayMs"] = delayMs;
            return new CsmsReply(Command(command, ReplySlack));
        }

        // A text frame as it is, unvalidated; the charge point's answer shows in Messages.
        public CsmsReply SendRaw(string cp, string text) =>
            new CsmsReply(Command(new Dictionary<string, object> { ["cmd"] = "sendRaw", ["cp"] = cp, ["text"] = text }, ReplySlack));

        // Closes the charge point's connection (force: drops the TCP connection instead).
        public CsmsReply Disconnect(string cp, int code = 1000, string reason = "", bool force = false) =>
            new CsmsReply(Command(new Dictionary<string, object>
            {
                ["cmd"] = "disconnect", ["cp"] = cp, ["code"] = code, ["reason"] = reason, ["force"] = force,
            }, TimeSpan.FromSeconds(5) + ReplySlack));

        public IReadOnlyList<string> Clients()
        {
            JsonElement reply = Command(new Dictionary<string, object> { ["cmd"] = "clients" }, ReplySlack);
            return reply.GetProperty("clients").EnumerateArray().Select(c => c.GetString()).ToArray();
        }

        // quit, then a kill by PID if it has not exited within StopLimit. Returns the exit code
        // (-1 when it had to be killed).
        public int Stop()
        {
            if (_process.HasExited) return _process.ExitCode;
            try
            {
                lock (_stdinGate) _process.StandardInput.WriteLine("{\"id\":0,\"cmd\":\"quit\"}");
            }
            catch (IOException)
            {
                // stdin is gone already: the process is on its way out.
            }
            if (_process.WaitForExit((int)StopLimit.TotalMilliseconds))
            {
                _reader.Join(StopLimit); // the log is complete once stdout ended
                return _process.ExitCode;
            }
            Kill();
            return -1;
        }

        // Stops this process and starts a new one on the same WebSocket and SNTP ports (with the
        // same options). This instance keeps its log; the new one starts with an empty one.
        // The port may take a moment to be free again: retried for StartLimit.
        public CsmsProcess Restart()
        {
            Stop();
            var deadline = DateTime.UtcNow + StartLimit;
            while (true)
            {
                try
                {
                    return new CsmsProcess(Port, SntpPort, _heartbeat, _extra);
                }
                catch (TimeoutException) when (DateTime.UtcNow < deadline)
                {
                    // "cannot start" (EADDRINUSE): the process ended without a listening line.
                    Thread.Sleep(200);
                }
            }
        }

        private void Kill()
        {
            try
            {
                if (!_process.HasExited) _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10000);
            }
            catch (InvalidOperationException)
            {
                // Not started or already reaped.
            }
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            Kill();
            _reader?.Join(TimeSpan.FromSeconds(2));
            _errors?.Join(TimeSpan.FromSeconds(2));
            _process.Dispose();
        }

        // ---- reading lines ------------------------------------------------------------------------------
        public static bool IsMessage(JsonElement line) =>
            line.ValueKind == JsonValueKind.Object && line.TryGetProperty("dir", out _) && line.TryGetProperty("type", out _);

        // A CALL in direction `dir` ("in": from the charge point, "out": to it), of `action` (any when null).
        public static bool IsCall(JsonElement line, string dir, string action = null) =>
            IsMessage(line) && Str(line, "dir") == dir && Str(line, "type") == "call" && (action == null || Str(line, "action") == action);

        // The answer (result or error) in direction `dir` to the CALL with message id `id`.
        public static bool IsAnswer(JsonElement line, string dir, string id) =>
            IsMessage(line) && Str(line, "dir") == dir && (Str(line, "type") == "result" || Str(line, "type") == "error") && Str(line, "id") == id;

        // The string property `name`, or null when missing or not a string.
        public static string Str(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
                ? value.GetString() : null;

        public static JsonElement Payload(JsonElement message) => message.GetProperty("payload");
    }

    // One reply to a control command: {"reply":id,"ok":true|false,...}.
    public sealed class CsmsReply
    {
        public CsmsReply(JsonElement raw)
        {
            Raw = raw;
            Ok = raw.TryGetProperty("ok", out JsonElement ok) && ok.ValueKind == JsonValueKind.True;
            MessageId = CsmsProcess.Str(raw, "messageId");
            if (raw.TryGetProperty("result", out JsonElement result)) Result = result;
            if (raw.TryGetProperty("error", out JsonElement error) && error.ValueKind == JsonValueKind.Object)
            {
                Error = error;
                ErrorCode = CsmsProcess.Str(error, "code");
            }
        }

        public JsonElement Raw { get; }
        public bool Ok { get; }
        public string MessageId { get; }
        // The CALLRESULT's payload (default when none).
        public JsonElement Result { get; }
        // {code, description, details} of a CALLERROR, a timeout or a refused command.
        public JsonElement Error { get; }
        public string ErrorCode { get; }

        public override string ToString() => Raw.GetRawText();
    }
}
