using System;
using System.Diagnostics;
using System.Text;
using System.Threading;

namespace ChargePoint.Tests.Emulator
{
    // One boot of an image on QEMU's mps2-an500, console (UART0) on stdout. The process is always
    // killed by its own PID when the test is done with it; every wait is bounded.
    public sealed class QemuRun : IDisposable
    {
        public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

        private readonly Process _process;
        private readonly StringBuilder _console = new StringBuilder();
        private readonly object _gate = new object();

        public QemuRun(string elf)
        {
            var start = new ProcessStartInfo("qemu-system-arm",
                $"-M mps2-an500 -display none -monitor none -serial stdio -serial null -kernel \"{elf}\"")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            _process = Process.Start(start);
            var reader = new Thread(ReadConsole) { IsBackground = true };
            reader.Start();
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
                        throw new TimeoutException($"console did not show {what} within {Limit}; it showed:\n{_console}");
                    Monitor.Wait(_gate, TimeSpan.FromMilliseconds(Math.Min(200, left.TotalMilliseconds)));
                }
                return _console.ToString();
            }
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
