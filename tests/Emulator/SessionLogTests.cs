using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using ChargePoint.Tests.Emulator.Services;
using Xunit;
using Xunit.Abstractions;

namespace ChargePoint.Tests.Emulator
{
    // The charging-session stream on UART1 (QEMU's second -serial, captured to a file) during the
    // demo session against the local central system: the seed's lines, line by line, in the seed's
    // order, and a summary whose figures are what the file holds.
    [Trait("Category", "Emulator")]
    [Collection(RealTimeCollection.Name)]
    public class SessionLogTests : IDisposable
    {
        private const string Cp = "CP001";
        private const string LastSummaryLine = "USB High-Speed (480 Mbps) enables efficient data logging\r\n";
        private const string SummaryStart = "\r\n=== Session Summary ===\r\n";
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
        private static readonly string[] Header =
        {
            "=== OCPP USB High-Speed Logger ===",
            "This showcases USB High-Speed (480 Mbps) data transfer",
            "Logging charging session data in real-time",
            "",
        };

        // The format's lines (every line ends in CR LF; the split leaves the text between them).
        private const string Stamp = @"\[(\d\d+):(\d\d):(\d\d)\.(\d{3}),(\d{3})\] ";
        private static readonly Regex Start = new Regex(@"^\[START\] Connector ([12]): ID=(\S+)$");
        private static readonly Regex Auth = new Regex(@"^\[AUTH\] Connector ([12]): Authorized \(status=1\)$");
        private static readonly Regex Meter = new Regex(@"^\[METER\] Conn([12]): (\d+) Wh \(reading #(\d+)\)$");
        private static readonly Regex Stop = new Regex(@"^\[STOP\] Connector ([12]): Session ended$");
        private static readonly Regex HighRate = new Regex(@"^\[HR\] ([12]) (\d+) (\d+) (\d+) (\d+) (\d+)$");
        private static readonly Regex StampedEvent = new Regex("^" + Stamp + @"(\[(START|AUTH|METER|STOP)\] .*)$");

        private readonly ITestOutputHelper _output;
        private readonly string _folder = Directory.CreateTempSubdirectory("sharpcharge-slog-").FullName;
        private readonly List<IDisposable> _owned = new List<IDisposable>();
        private CsmsProcess _csms;
        private QemuRun _qemu;
        private string _stream = "";

        public SessionLogTests(ITestOutputHelper output) { _output = output; }

        public void Dispose()
        {
            for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
            Directory.Delete(_folder, recursive: true);
        }

        private string SessionLogPath => Path.Combine(_folder, "session.log");

        // Boots the image against a fresh central system, the demo shortened, UART1 into the file.
        private QemuRun Boot(params (string Key, string Value)[] keys)
        {
            _csms = new CsmsProcess();
            _owned.Add(_csms);
            var all = new List<(string, string)>
            {
                ("cs_url", $"ws://10.0.2.2:{_csms.Port}/steve/websocket/CentralSystemService/{Cp}"),
                ("sntp", "10.0.2.2"),
                ("sntp_port", _csms.SntpPort.ToString(CultureInfo.InvariantCulture)),
            };
            all.AddRange(keys);
            string block = ConfigBlockFile.Write(Path.Combine(_folder, "config.bin"), all.ToArray());
            _qemu = new QemuRun(Repo.Image("mps2-an500"), new QemuOptions { Network = true, ConfigBlock = block, SessionLogFile = SessionLogPath });
            _owned.Add(_qemu);
            return _qemu;
        }

        // The captured stream, once it holds the summary's last line (QEMU writes each byte as
        // the guest sends it).
        private string WaitForSummary()
        {
            var deadline = DateTime.UtcNow + Wait;
            while (true)
            {
                _stream = ReadStream();
                if (_stream.EndsWith(LastSummaryLine, StringComparison.Ordinal)) return _stream;
                if (DateTime.UtcNow > deadline) Fail($"no summary on UART1 within {Wait}");
                Thread.Sleep(200);
            }
        }

        private string ReadStream()
        {
            if (!File.Exists(SessionLogPath)) return "";
            using var file = new FileStream(SessionLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(file, new UTF8Encoding(false));
            return reader.ReadToEnd();
        }

        private void Fail(string what)
        {
            string stream = _stream.Length > 6000 ? _stream.Substring(0, 3000) + "\n...\n" + _stream.Substring(_stream.Length - 3000) : _stream;
            throw new Xunit.Sdk.XunitException($"{what}\n--- UART1:\n{stream}\n--- console:\n{_qemu?.Console}\n--- central system:\n{_csms?.Log}");
        }

        private void Check(bool condition, string what)
        {
            if (!condition) Fail(what);
        }

        private static long Long(Group g) => long.Parse(g.Value, CultureInfo.InvariantCulture);

        // The stream's lines before the summary, after the header, with their stamps taken off
        // (µs, or -1 where the line has none); checks the header and the shape of the summary.
        private (List<string> Lines, List<long> Stamps, int SummaryAt, string[] Summary) Split(string stream, bool stamped)
        {
            Check(stream.StartsWith(string.Join("\r\n", Header) + "\r\n", StringComparison.Ordinal), "the stream starts with the header");
            int summaryAt = stream.IndexOf(SummaryStart, StringComparison.Ordinal);
            Check(summaryAt > 0 && stream.IndexOf(SummaryStart, summaryAt + 1, StringComparison.Ordinal) < 0, "one summary");
            string body = stream.Substring(0, summaryAt); // up to the CR LF of the line before the summary's blank line
            string[] all = body.Split("\r\n");
            Check(all[^1] == "", "the last line before the summary ends in CR LF");
            var lines = new List<string>();
            var stamps = new List<long>();
            foreach (string line in all.Skip(Header.Length).Take(all.Length - Header.Length - 1))
            {
                Match m = StampedEvent.Match(line);
                if (stamped && !line.StartsWith("[HR] ", StringComparison.Ordinal))
                {
                    Check(m.Success, $"an event line with the console's timestamp, not \"{line}\"");
                    long micros = (((Long(m.Groups[1]) * 60 + Long(m.Groups[2])) * 60 + Long(m.Groups[3])) * 1000 + Long(m.Groups[4])) * 1000 + Long(m.Groups[5]);
                    lines.Add(m.Groups[6].Value);
                    stamps.Add(micros);
                }
                else
                {
                    Check(!m.Success, $"no timestamp on \"{line}\"");
                    lines.Add(line);
                    stamps.Add(-1);
                }
            }
            string[] summary = stream.Substring(summaryAt + 2).Split("\r\n");
            Check(summary[^1] == "" && summary[0] == "=== Session Summary ===", "the summary's lines");
            return (lines, stamps, summaryAt, summary.Take(summary.Length - 1).ToArray());
        }

        private long Figure(string[] summary, string pattern)
        {
            Match m = summary.Select(l => Regex.Match(l, pattern)).FirstOrDefault(x => x.Success);
            Check(m != null, $"a summary line like {pattern}");
            return Long(m.Groups[1]);
        }

        // Per connector: START, then AUTH, then its readings (one count over both connectors,
        // from 1, no gaps, energy never going down), then STOP; connector 1 starts and stops first.
        private Dictionary<int, (int Start, int Auth, int Stop, List<int> Meters)> CheckEvents(List<string> lines)
        {
            var at = new Dictionary<int, (int Start, int Auth, int Stop, List<int> Meters)>();
            for (int c = 1; c <= 2; c++)
            {
                string tag = c == 1 ? "ZepId00" : "ZepId01";
                int start = lines.FindIndex(l => l == $"[START] Connector {c}: ID={tag}");
                int auth = lines.FindIndex(l => l == $"[AUTH] Connector {c}: Authorized (status=1)");
                int stop = lines.FindIndex(l => l == $"[STOP] Connector {c}: Session ended");
                var meters = Enumerable.Range(0, lines.Count).Where(i => Meter.Match(lines[i]) is { Success: true } m && m.Groups[1].Value == c.ToString(CultureInfo.InvariantCulture)).ToList();
                Check(start >= 0 && auth > start && meters.Count > 0 && meters[0] > auth && meters[^1] < stop,
                    $"connector {c}: START ({start}), AUTH ({auth}), its readings ({meters.FirstOrDefault()}..{meters.LastOrDefault()}), STOP ({stop}) in that order");
                Check(lines.Count(l => Start.IsMatch(l) && l.Contains($"Connector {c}:", StringComparison.Ordinal)) == 1
                    && lines.Count(l => Stop.IsMatch(l) && l.Contains($"Connector {c}:", StringComparison.Ordinal)) == 1, $"one session on connector {c}");
                long previous = 0;
                foreach (int i in meters)
                {
                    long wh = Long(Meter.Match(lines[i]).Groups[2]);
                    Check(wh >= previous && wh >= 7, $"connector {c}: {wh} Wh after {previous} Wh");
                    previous = wh;
                }
                at[c] = (start, auth, stop, meters);
            }
            Check(at[1].Start < at[2].Start && at[1].Stop < at[2].Stop, "connector 1 starts and stops first, as the demo runs them");
            var numbers = lines.Select(l => Meter.Match(l)).Where(m => m.Success).Select(m => Long(m.Groups[3])).ToList();
            Check(numbers.SequenceEqual(Enumerable.Range(1, numbers.Count).Select(n => (long)n)), "reading numbers 1, 2, 3, ... in stream order");
            return at;
        }

        [Fact]
        public void The_session_log_option_captures_uart1_to_a_file_after_the_console()
        {
            string path = Path.Combine(_folder, "uart1.log");
            var arguments = QemuRun.BuildArguments("a.elf", new QemuOptions { SessionLogFile = path }).ToList();
            Assert.Equal(new[] { "-serial", "stdio", "-serial", "file:" + path }, arguments.Skip(6).Take(4));
            Assert.Throws<ArgumentException>(() => QemuRun.BuildArguments("a.elf", new QemuOptions { SessionLogFile = "/tmp/a,b.log" }));
            Assert.Contains("null", QemuRun.BuildArguments("a.elf", new QemuOptions()));
        }

        [Fact]
        public void The_demo_session_streams_the_seeds_lines_in_its_order_and_a_summary_of_what_was_streamed()
        {
            var qemu = Boot(("demo_auth_s", "2"), ("demo_charge_s", "5"), ("usblog_ts", "on"));
            qemu.WaitFor("<inf> main: ocpp stop charging connector id 2");
            string stream = WaitForSummary();
            var (lines, stamps, summaryAt, summary) = Split(stream, stamped: true);
            _output.WriteLine($"{lines.Count} lines, {summaryAt} bytes before the summary");

            // Only the format's event lines, nothing lost, nothing high-rate.
            foreach (string line in lines)
                Check(Start.IsMatch(line) || Auth.IsMatch(line) || Meter.IsMatch(line) || Stop.IsMatch(line), $"an event line of the format: \"{line}\"");
            var at = CheckEvents(lines);
            for (int c = 1; c <= 2; c++)
                Check(at[c].Meters.Count >= 5, $"connector {c}: {at[c].Meters.Count} readings in 5 s of charging at one a second, the first at its start");
            for (int i = 1; i < stamps.Count; i++)
                Check(stamps[i] >= stamps[i - 1], $"timestamps in order: line {i} at {stamps[i]} µs after {stamps[i - 1]} µs");

            // The summary's figures are what came before it: the [METER] lines, every byte (the
            // header included), and those bytes over the whole seconds from the first START to
            // the last STOP, as their timestamps give them.
            int meters = lines.Count(l => Meter.IsMatch(l));
            Check(summary.Length == 5, "no high-rate line in the summary without high-rate mode");
            Check(Figure(summary, @"^Total meter readings: (\d+)$") == meters, $"Total meter readings: {meters}");
            Check(Figure(summary, @"^USB data transferred: (\d+) bytes$") == summaryAt, $"USB data transferred: {summaryAt} bytes");
            long seconds = Math.Max(1, (stamps[at[2].Stop] - stamps[at[1].Start]) / 1000000);
            Check(Figure(summary, @"^Average throughput: ~(\d+) bytes/sec$") == summaryAt / seconds, $"Average throughput: ~{summaryAt / seconds} bytes/sec over {seconds} s");
            Check(summary[^1] + "\r\n" == LastSummaryLine, "the summary's last line");

            string console = qemu.Console;
            int init = console.IndexOf("<inf> main: Initializing UART1 session logger (in place of USB High-Speed CDC ACM)...\r\n", StringComparison.Ordinal);
            Check(init > 0 && console.IndexOf("<inf> main: UART1 enabled - demonstrating fast data logging\r\n", init, StringComparison.Ordinal) > init,
                "the console announces the logger, then the port");
            CheckWithLogview(meters, 0);
        }

        [Fact]
        public void At_1000_Hz_every_sample_of_both_connectors_arrives_a_millisecond_apart_and_none_is_lost()
        {
            var qemu = Boot(("demo_auth_s", "1"), ("demo_charge_s", "3"), ("usblog_hz", "1000"));
            qemu.WaitFor("<inf> main: ocpp stop charging connector id 2");
            string stream = WaitForSummary();
            var (lines, _, summaryAt, summary) = Split(stream, stamped: false);
            var at = CheckEvents(lines);
            var samples = new Dictionary<int, List<(int Line, long[] Values)>> { [1] = new(), [2] = new() };
            for (int i = 0; i < lines.Count; i++)
            {
                Match m = HighRate.Match(lines[i]);
                if (m.Success) samples[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)].Add((i, m.Groups.Values.Skip(2).Select(Long).ToArray()));
                else Check(Start.IsMatch(lines[i]) || Auth.IsMatch(lines[i]) || Meter.IsMatch(lines[i]) || Stop.IsMatch(lines[i]), $"a line of the format: \"{lines[i]}\"");
            }
            _output.WriteLine($"{samples[1].Count} + {samples[2].Count} samples, {summaryAt} bytes");

            for (int c = 1; c <= 2; c++)
            {
                var s = samples[c];
                // 3 s of charging by the demo's clock; where its first and last millisecond fall decides one sample more or less.
                Check(s.Count >= 2990, $"connector {c}: {s.Count} samples in 3 s of charging at 1000 Hz");
                Check(s[0].Line > at[c].Meters[0] && s[^1].Line < at[c].Stop, $"connector {c}: its samples between its first reading and its STOP");
                long t0 = s[0].Values[0];
                for (int i = 0; i < s.Count; i++)
                {
                    long[] v = s[i].Values; // uptime µs, mV, mA, W, mWh
                    if (i > 0) Check(v[0] - s[i - 1].Values[0] == 1000, $"connector {c}: sample {i} at {v[0]} µs, {v[0] - s[i - 1].Values[0]} µs after the one before");
                    // 230 V, 3600 W, so 15.652 A; 3600 W is 1 mWh a millisecond from the 7 Wh start.
                    Check(v[1] == 230000 && v[2] == 15652 && v[3] == 3600 && v[4] == 7000 + (v[0] - t0) / 1000,
                        $"connector {c}: sample {lines[s[i].Line]} at {v[0] - t0} µs from the start");
                }
            }
            Check(!stream.Contains("[LOST]", StringComparison.Ordinal), "nothing lost");
            Check(summary.Length == 6, "the summary's high-rate line");
            long total = samples[1].Count + samples[2].Count;
            Check(summary[4] == $"High-rate samples: {total} at 1000 Hz per connector, 0 bytes dropped", $"\"{summary[4]}\" counts {total} samples, 0 dropped");
            Check(Figure(summary, @"^Total meter readings: (\d+)$") == lines.Count(l => Meter.IsMatch(l)), "the readings counted");
            Check(Figure(summary, @"^USB data transferred: (\d+) bytes$") == summaryAt, $"USB data transferred: {summaryAt} bytes");
            CheckWithLogview(lines.Count(l => Meter.IsMatch(l)), total);
        }

        // tools/logview on the captured stream, as `make logview` runs it: no problem found, one
        // CSV row per [METER] line and per sample, and a plot.
        private void CheckWithLogview(int meterLines, long samples)
        {
            string outDir = Path.Combine(_folder, "logview");
            var (code, output) = ChargePoint.Tests.Tools.LogviewTests.RunTool(SessionLogPath, "--out", outDir, "--plain");
            Check(code == 0 && output.Contains("problems: none", StringComparison.Ordinal), $"logview found no problem (exit {code}):\n{output}");
            Check(File.ReadAllLines(Path.Combine(outDir, "meter.csv")).Length == meterLines + 1, "meter.csv: a header and one row per [METER] line");
            if (samples > 0) Check(File.ReadAllLines(Path.Combine(outDir, "hr.csv")).Length == samples + 1, "hr.csv: a header and one row per sample");
            Check(new FileInfo(Path.Combine(outDir, "session.png")).Length > 10_000 && File.Exists(Path.Combine(outDir, "session.svg")), "the plot as PNG and SVG");
        }
    }
}
