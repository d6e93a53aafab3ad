using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
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

        public QemuRun(string elf, QemuOptions options = null)
        {
            Arguments = BuildArguments(elf, options ?? new QemuOptions());
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

        // QEMU's command line for one boot: the machine, UART0 on stdio (UART1 discarded), then
        // what `options` asks for. Checks that the configuration block file exists.
        public static IReadOnlyList<string> BuildArguments(string elf, QemuOptions options)
        {
            ArgumentNullException.ThrowIfNull(elf);
            ArgumentNullException.ThrowIfNull(options);
            var arguments = new List<string>
            {
                "-M", "mps2-an500", "-display", "none", "-monitor", "none",
                "-serial", "stdio", "-serial", "null",
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
                    Monitor.PulseAll(_gate);
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
                    Monitor.Wait(_gate, TimeSpan.FromMilliseconds(Math.Min(200, left.TotalMilliseconds)));
                }
                return _console.ToString();
            }
        }

        private string StderrNote()
        {
            string errors = Errors;
            return errors.Length == 0 ? "" : $"\nQEMU's stderr:\n{errors}";
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited) _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10000);
            }
            finally
            {
                _process.Dispose();
            }
        }
    }
}
