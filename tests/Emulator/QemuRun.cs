using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;

namespace ChargePoint.Tests.Emulator
{
    // What a boot adds to the plain machine: a network, a configuration block in memory.
    //   new QemuRun(elf, new QemuOptions { Network = true, ConfigBlock = path })
    //   new QemuRun(elf, new QemuOptions { SocketNetwork = wire.Ports, ConfigBlock = path })
    public sealed record QemuOptions
    {
        // Where the firmware reads its configuration block on mps2-an500: the last 4 KiB of the
        // 4 MiB code memory (0x00000000-0x003FFFFF).
        public const uint Mps2ConfigAddress = 0x003FF000;

        // -nic user,model=lan9118: QEMU's user-mode network (the guest gets 10.0.2.15 by DHCP,
        // DNS at 10.0.2.3; 10.0.2.2 is the host's 127.0.0.1, TCP and UDP).
        public bool Network { get; init; }

        // Extra options appended to the -nic option, each as QEMU spells it, e.g.
        // "hostfwd=tcp:127.0.0.1:5555-:80" or "restrict=on" (user network), "mac=02:00:00:00:00:01"
        // (either). Only with Network or SocketNetwork.
        public IReadOnlyList<string> NetworkOptions { get; init; } = Array.Empty<string>();

        // -nic socket,model=lan9118,udp=127.0.0.1:TestPort,localaddr=127.0.0.1:QemuPort: QEMU's UDP
        // socket netdev, a point-to-point Ethernet cable whose other end is the test. Each frame
        // the guest sends is one datagram from 127.0.0.1:QemuPort to 127.0.0.1:TestPort; each
        // datagram QEMU receives on QemuPort is one frame to the guest (no DHCP, no slirp: the test
        // plays every other host; see Services/EthernetWire). Not with Network.
        public (int TestPort, int QemuPort)? SocketNetwork { get; init; }

        // A file loaded byte for byte at ConfigAddress before the CPU starts (QEMU's generic
        // loader: -device loader,file=…,addr=…,force-raw=on). Null: none.
        public string ConfigBlock { get; init; }

        public uint ConfigAddress { get; init; } = Mps2ConfigAddress;

        // QEMU's human monitor on a Unix socket the test talks to with QemuRun.Monitor(command)
        // (-monitor unix:PATH,server=on,wait=off in place of -monitor none; QemuRun picks PATH in
        // the temp folder and deletes it when disposed). E.g. with NetworkOptions = { "id=net0" }:
        // qemu.Monitor("set_link net0 off") takes the cable out (the LAN9118's PHY reports no link).
        public bool MonitorSocket { get; init; }

        // UART1, the charging-session stream under QEMU (the board's USB CDC-ACM port), captured to
        // this file (-serial file:PATH as the second -serial, after the console's; QEMU creates or
        // truncates it and writes each byte as the guest sends it). Null: UART1 is discarded.
        public string SessionLogFile { get; init; }
    }

    // One boot of an image on QEMU's mps2-an500, console (UART0) on stdout. The process is always
    // killed by its own PID when the test is done with it; every wait is bounded.
    public sealed class QemuRun : IDisposable
    {
        public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

        private readonly Process _process;
        private readonly StringBuilder _console = new StringBuilder();
        private readonly object _gate = new object();
        private readonly StringBuilder _errors = new StringBuilder();
        private readonly object _monitorGate = new object();
        private Socket _monitor;

        // The longest a Monitor call waits: to connect (QEMU creates the socket as it starts), for
        // the greeting, and for the command's reply.
        public static readonly TimeSpan MonitorLimit = TimeSpan.FromSeconds(10);

        public QemuRun(string elf, QemuOptions options = null)
        {
            options ??= new QemuOptions();
            string monitorSocket = options.MonitorSocket ? NewMonitorSocketPath() : null;
            Arguments = BuildArguments(elf, options, monitorSocket);
            MonitorSocketPath = monitorSocket;
            var start = new ProcessStartInfo("qemu-system-arm")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (string argument in Arguments) start.ArgumentList.Add(argument);
            _process = Process.Start(start);
            var reader = new Thread(ReadConsole) { IsBackground = true };
            reader.Start();
            var errors = new Thread(ReadErrors) { IsBackground = true };
            errors.Start();
        }

        // The arguments QEMU was started with (one element per argument, unquoted).
        public IReadOnlyList<string> Arguments { get; }

        // The monitor's Unix socket (null without QemuOptions.MonitorSocket); deleted by Dispose.
        public string MonitorSocketPath { get; }

        // The longest path a Unix socket address holds (sun_path: 108 bytes with its NUL).
        public const int MaxSocketPathBytes = 107;

        // QEMU's command line for one boot: the machine, UART0 on stdio (UART1 discarded or captured), then
        // what `options` asks for. Checks that the configuration block file exists.
        // `monitorSocket`: the socket's path, given exactly when options.MonitorSocket is set.
        public static IReadOnlyList<string> BuildArguments(string elf, QemuOptions options, string monitorSocket = null)
        {
            ArgumentNullException.ThrowIfNull(elf);
            ArgumentNullException.ThrowIfNull(options);
            string monitor = "none";
            if (options.MonitorSocket)
            {
                if (string.IsNullOrEmpty(monitorSocket))
                    throw new ArgumentException("MonitorSocket = true needs the socket's path", nameof(monitorSocket));
                string path = Path.GetFullPath(monitorSocket);
                if (Encoding.UTF8.GetByteCount(path) > MaxSocketPathBytes)
                    throw new ArgumentException($"a Unix socket path holds at most {MaxSocketPathBytes} bytes, not {path}", nameof(monitorSocket));
                // QEMU option values escape a comma by doubling it.
                monitor = $"unix:{path.Replace(",", ",,")},server=on,wait=off";
            }
            else if (monitorSocket != null)
            {
                throw new ArgumentException("a monitor socket path needs MonitorSocket = true", nameof(monitorSocket));
            }
            string uart1 = "null";
            if (options.SessionLogFile != null)
            {
                string path = Path.GetFullPath(options.SessionLogFile);
                // The legacy -serial syntax has no escape for a comma (it would start a chardev option).
                if (path.Contains(',')) throw new ArgumentException($"a session log path without commas, not {path}", nameof(options));
                uart1 = "file:" + path;
            }
            var arguments = new List<string>
            {
                "-M", "mps2-an500", "-display", "none", "-monitor", monitor,
                "-serial", "stdio", "-serial", uart1,
            };
            var networkOptions = options.NetworkOptions ?? Array.Empty<string>();
            if (options.Network && options.SocketNetwork.HasValue)
                throw new ArgumentException("Network and SocketNetwork are two NICs' worth; the board has one", nameof(options));
            if (options.Network || options.SocketNetwork.HasValue)
            {
                var nic = new StringBuilder();
                if (options.Network)
                {
                    nic.Append("user,model=lan9118");
                }
                else
                {
                    var (testPort, qemuPort) = options.SocketNetwork.Value;
                    if (testPort is < 1 or > 65535 || qemuPort is < 1 or > 65535 || testPort == qemuPort)
                        throw new ArgumentException($"SocketNetwork needs two different ports in 1..65535, not {testPort} and {qemuPort}", nameof(options));
                    nic.Append(CultureInfo.InvariantCulture,
                        $"socket,model=lan9118,udp=127.0.0.1:{testPort},localaddr=127.0.0.1:{qemuPort}");
                }
                foreach (string option in networkOptions)
                {
                    if (string.IsNullOrWhiteSpace(option)) throw new ArgumentException("an empty network option", nameof(options));
                    nic.Append(',').Append(option);
                }
                arguments.Add("-nic");
                arguments.Add(nic.ToString());
            }
            else if (networkOptions.Count > 0)
            {
                throw new ArgumentException("NetworkOptions need Network = true or SocketNetwork", nameof(options));
            }
            else
            {
                // No network asked for: the NIC gets no peer (QEMU would otherwise give it a user
                // network of its own, whose DHCP lines would interleave with what a test types).
                arguments.Add("-nic");
                arguments.Add("none");
            }
            if (options.ConfigBlock != null)
            {
                string path = Path.GetFullPath(options.ConfigBlock);
                if (!File.Exists(path)) throw new FileNotFoundException("configuration block file not found", path);
                // QEMU option values escape a comma by doubling it.
                arguments.Add("-device");
                arguments.Add(string.Create(CultureInfo.InvariantCulture,
                    $"loader,file={path.Replace(",", ",,")},addr=0x{options.ConfigAddress:X8},force-raw=on"));
            }
            arguments.Add("-kernel");
            arguments.Add(elf);
            return arguments;
        }

        // What QEMU wrote on stderr so far (bad options, slirp warnings).
        public string Errors
        {
            get { lock (_errors) return _errors.ToString(); }
        }

        private void ReadErrors()
        {
            var buffer = new char[1024];
            int read;
            while ((read = _process.StandardError.Read(buffer, 0, buffer.Length)) > 0)
                lock (_errors) _errors.Append(buffer, 0, read);
        }

        private void ReadConsole()
        {
            var buffer = new char[4096];
            int read;
            while ((read = _process.StandardOutput.Read(buffer, 0, buffer.Length)) > 0)
            {
                lock (_gate)
                {
                    _console.Append(buffer, 0, read);
                    System.Threading.Monitor.PulseAll(_gate);
                }
            }
        }

        // Types at the console: the bytes reach UART0's receive interrupt in the firmware.
        public void Type(string text)
        {
            _process.StandardInput.Write(text);
            _process.StandardInput.Flush();
        }

        public string Console
        {
            get { lock (_gate) return _console.ToString(); }
        }

        // Waits for the whole line that contains `text` (up to its CR LF).
        public string WaitFor(string text) => WaitFor(console =>
        {
            int at = console.IndexOf(text, StringComparison.Ordinal);
            return at >= 0 && console.IndexOf("\r\n", at, StringComparison.Ordinal) > 0;
        }, $"a line with \"{text}\"");

        // The whole panic line, which ends the firmware's output.
        public string WaitForPanic() => WaitFor(console =>
        {
            int at = console.IndexOf("*** PANIC", StringComparison.Ordinal);
            return at >= 0 && console.IndexOf(" ***\r\n", at, StringComparison.Ordinal) > 0;
        }, "a panic line");

        // Waits until `done` holds for the console (or QEMU exits, or the limit passes) and returns
        // the console so far; the caller asserts on it.
        public string WaitFor(Func<string, bool> done, string what)
        {
            var deadline = DateTime.UtcNow + Limit;
            lock (_gate)
            {
                while (!done(_console.ToString()) && !_process.HasExited)
                {
                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero)
                        throw new TimeoutException($"console did not show {what} within {Limit}; it showed:\n{_console}" + StderrNote());
                    System.Threading.Monitor.Wait(_gate, TimeSpan.FromMilliseconds(Math.Min(200, left.TotalMilliseconds)));
                }
                return _console.ToString();
            }
        }

        private string StderrNote()
        {
            string errors = Errors;
            return errors.Length == 0 ? "" : $"\nQEMU's stderr:\n{errors}";
        }

        // A fresh path in the temp folder for the monitor's socket (in /tmp if the temp folder's
        // name is too long for a socket address).
        private static string NewMonitorSocketPath()
        {
            string name = "sharpcharge-qemu-" + Guid.NewGuid().ToString("N").Substring(0, 16) + ".sock";
            string path = Path.Combine(Path.GetTempPath(), name);
            return Encoding.UTF8.GetByteCount(path) <= MaxSocketPathBytes ? path : Path.Combine("/tmp", name);
        }

        // Sends one command to QEMU's human monitor (QemuOptions.MonitorSocket) and returns its
        // reply: the lines QEMU printed before the next "(qemu) " prompt, escape sequences and the
        // echo of the command removed, lines joined by "\n" ("" for a command that prints
        // nothing, e.g. a set_link that worked; "Error: ..." for one that did not). Connects on
        // the first call; each call waits MonitorLimit at most.
        public string Monitor(string command)
        {
            ArgumentException.ThrowIfNullOrEmpty(command);
            if (command.Contains('\n') || command.Contains('\r'))
                throw new ArgumentException("one command, on one line", nameof(command));
            if (MonitorSocketPath == null)
                throw new InvalidOperationException("QEMU was started without QemuOptions.MonitorSocket");
            lock (_monitorGate)
            {
                var deadline = DateTime.UtcNow + MonitorLimit;
                try
                {
                    if (_monitor == null)
                    {
                        _monitor = ConnectMonitor(deadline);
                        ReadToPrompt(deadline, "the monitor's greeting");
                    }
                    byte[] line = Encoding.UTF8.GetBytes(command + "\n");
                    for (int sent = 0; sent < line.Length;)
                    {
                        if (!_monitor.Poll(MicrosecondsLeft(deadline, $"room to send \"{command}\""), SelectMode.SelectWrite)) continue;
                        sent += _monitor.Send(line, sent, line.Length - sent, SocketFlags.None);
                    }
                    return Reply(ReadToPrompt(deadline, $"the reply to \"{command}\""));
                }
                catch
                {
                    // Half a greeting or half a reply may still come: the next call starts afresh.
                    _monitor?.Dispose();
                    _monitor = null;
                    throw;
                }
            }
        }

        private Socket ConnectMonitor(DateTime deadline)
        {
            var endpoint = new UnixDomainSocketEndPoint(MonitorSocketPath);
            while (true)
            {
                if (_process.HasExited)
                    throw new IOException($"QEMU exited ({_process.ExitCode}) before its monitor answered" + StderrNote());
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    var connect = socket.ConnectAsync(endpoint);
                    var left = deadline - DateTime.UtcNow;
                    if (left > TimeSpan.Zero && connect.Wait(left)) return socket;
                }
                catch (AggregateException e) when (e.InnerException is SocketException)
                {
                    // Not listening yet (no file, or refused): try again shortly.
                }
                socket.Dispose();
                if (DateTime.UtcNow >= deadline)
                    throw new TimeoutException($"QEMU's monitor at {MonitorSocketPath} did not accept a connection within {MonitorLimit}" + StderrNote());
                Thread.Sleep(50);
            }
        }

        private static int MicrosecondsLeft(DateTime deadline, string what)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"QEMU's monitor did not give {what} within {MonitorLimit}");
            return (int)Math.Min(200_000, Math.Max(1, left.TotalMilliseconds * 1000));
        }

        private const string Prompt = "(qemu) ";

        // What the monitor sends up to and with its next prompt.
        private string ReadToPrompt(DateTime deadline, string what)
        {
            var received = new MemoryStream();
            var buffer = new byte[4096];
            while (true)
            {
                string text = Encoding.UTF8.GetString(received.GetBuffer(), 0, (int)received.Length);
                if (text.EndsWith(Prompt, StringComparison.Ordinal)) return text;
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                    throw new TimeoutException($"QEMU's monitor did not give {what} within {MonitorLimit}; it sent:\n{text}" + StderrNote());
                if (!_monitor.Poll(MicrosecondsLeft(deadline, what), SelectMode.SelectRead)) continue;
                int read = _monitor.Receive(buffer);
                if (read == 0)
                    throw new IOException($"QEMU closed its monitor before {what}; it sent:\n{text}" + StderrNote());
                received.Write(buffer, 0, read);
            }
        }

        private static readonly Regex Escape = new Regex(@"\x1b\[[0-9;?]*[@-~]", RegexOptions.CultureInvariant);

        // The monitor's readline echoes the command (redrawing it as each byte arrives) up to the
        // CR LF of its Enter; the reply follows, then the prompt.
        private static string Reply(string raw)
        {
            string text = Escape.Replace(raw, "");
            text = text.Substring(0, text.Length - Prompt.Length);
            int enter = text.IndexOf("\r\n", StringComparison.Ordinal);
            text = enter < 0 ? "" : text.Substring(enter + 2);
            return text.Replace("\r\n", "\n").TrimEnd('\n');
        }

        public void Dispose()
        {
            try
            {
                lock (_monitorGate)
                {
                    _monitor?.Dispose();
                    _monitor = null;
                }
                if (!_process.HasExited) _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10000);
            }
            finally
            {
                _process.Dispose();
                if (MonitorSocketPath != null) File.Delete(MonitorSocketPath);
            }
        }
    }
}
