using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;
using ChargePoint.Logview.Session;
using ChargePoint.Tests.Emulator;
using Xunit;

namespace ChargePoint.Tests.Tools
{
    // tools/logview: its parser and checks (compiled in here from tools/logview/Session), then the
    // real tool run on files and a socket. The streams are made here, line by line as
    // the README's "Session stream" section fixes them, the seed's example byte for byte.
    public sealed class LogviewTests
    {
        // The seed's USB CDC ACM example (origin-zephyr-ocpp-sample.rst), its "..." left out.
        private const string SeedExample =
            "=== OCPP USB High-Speed Logger ===\r\n" +
            "This showcases USB High-Speed (480 Mbps) data transfer\r\n" +
            "Logging charging session data in real-time\r\n" +
            "\r\n" +
            "[START] Connector 1: ID=ZepId00\r\n" +
            "[AUTH] Connector 1: Authorized (status=1)\r\n" +
            "[METER] Conn1: 7 Wh (reading #1)\r\n" +
            "[METER] Conn1: 8 Wh (reading #2)\r\n" +
            "[START] Connector 2: ID=ZepId01\r\n" +
            "[AUTH] Connector 2: Authorized (status=1)\r\n" +
            "[METER] Conn2: 9 Wh (reading #3)\r\n" +
            "[METER] Conn1: 10 Wh (reading #4)\r\n" +
            "[STOP] Connector 1: Session ended\r\n" +
            "[STOP] Connector 2: Session ended\r\n";

        private const string SeedSummary =
            "\r\n" +
            "=== Session Summary ===\r\n" +
            "Total meter readings: 120\r\n" +
            "USB data transferred: 8450 bytes\r\n" +
            "Average throughput: ~264 bytes/sec\r\n" +
            "USB High-Speed (480 Mbps) enables efficient data logging\r\n";

        // ---- the parser and the checks ------------------------------------------------------

        [Fact]
        public void Seed_example_parses_into_its_events_and_values()
        {
            var lines = new List<StreamLine>();
            var splitter = new LineSplitter();
            splitter.Write(Encoding.ASCII.GetBytes(SeedExample + SeedSummary), lines.Add);
            splitter.Flush(lines.Add);

            Assert.Equal(20, lines.Count);
            Assert.Equal(new[]
            {
                LineKind.HeaderTitle, LineKind.HeaderUsb, LineKind.HeaderLogging, LineKind.Blank,
                LineKind.Start, LineKind.Auth, LineKind.Meter, LineKind.Meter, LineKind.Start, LineKind.Auth,
                LineKind.Meter, LineKind.Meter, LineKind.Stop, LineKind.Stop,
                LineKind.Blank, LineKind.SummaryTitle, LineKind.SummaryReadings, LineKind.SummaryBytes,
                LineKind.SummaryThroughput, LineKind.SummaryClosing,
            }, lines.Select(l => l.Kind));
            Assert.Equal("ZepId01", lines[8].IdTag);
            Assert.Equal(2, lines[8].Connector);
            Assert.True(lines[5].Authorized);
            Assert.Equal(1, lines[5].Status);
            Assert.Equal((2, 9L, 3L), (lines[10].Connector, lines[10].EnergyWh, lines[10].Reading));
            Assert.Equal(120, lines[16].Value);
            Assert.Equal(8450, lines[17].Value);
            Assert.Equal(264, lines[18].Value);
            Assert.All(lines, l => Assert.Null(l.Timestamp));
            Assert.Equal(Encoding.ASCII.GetByteCount(SeedExample + SeedSummary), lines.Sum(l => l.ByteLength));
        }

        [Fact]
        public void Seed_example_with_true_figures_has_no_problem()
        {
            byte[] body = Encoding.ASCII.GetBytes(SeedExample);
            string summary = $"\r\n=== Session Summary ===\r\nTotal meter readings: 4\r\nUSB data transferred: {body.Length} bytes\r\n" +
                             $"Average throughput: ~{body.Length / 7} bytes/sec\r\nUSB High-Speed (480 Mbps) enables efficient data logging\r\n";
            SessionCheck check = Check(Concat(body, Encoding.ASCII.GetBytes(summary)));

            Assert.Empty(check.Problems);
            Assert.True(check.SeenFromStart);
            Assert.Equal(4, check.MeterRows.Count);
            Assert.Equal(new[] { 1, 2 }, check.Connectors.Keys);
            Assert.Equal(10, check.Connectors[1].LastWh);
            SummaryResult result = Assert.Single(check.Summaries);
            Assert.True(result.Complete);
            Assert.Equal(new[] { FigureStatus.Ok, FigureStatus.Ok, FigureStatus.Unchecked }, result.Checks.Select(c => c.Status));
        }

        [Fact]
        public void Seed_examples_own_summary_is_caught_it_counts_lines_left_out()
        {
            SessionCheck check = Check(Encoding.ASCII.GetBytes(SeedExample + SeedSummary));

            Problem[] mismatches = check.Problems.Where(p => p.Kind == ProblemKind.Mismatch).ToArray();
            Assert.Equal(2, mismatches.Length);
            Assert.All(mismatches, p => Assert.Equal(16, p.Line));
            Assert.Contains("Total meter readings: 120", mismatches[0].Message);
            Assert.Contains("#4", mismatches[0].Message);
            Assert.Contains("USB data transferred: 8450 bytes", mismatches[1].Message);
            Assert.Equal(check.Problems.Count, mismatches.Length);
        }

        [Fact]
        public void Timestamped_stream_gives_time_and_power_from_successive_readings()
        {
            var s = new StreamBuilder { Timestamped = true }.Header()
                .Start(1, "ZepId00", 17.197).Auth(1, true, 1, 17.198)
                .Meter(1, 7, 19.197).Meter(1, 9, 21.197).Meter(1, 12, 22.697)
                .Stop(1, 23.5).Summary();
            SessionCheck check = Check(s.ToArray());

            Assert.Empty(check.Problems);
            Assert.True(check.HasTimestamps);
            Assert.Equal(19.197, check.MeterRows[0].TimeS.Value, 9);
            Assert.Equal(22.697, check.MeterRows[2].TimeS.Value, 9);
            Assert.Null(check.MeterRows[0].PowerW);
            Assert.Equal(3600.0, check.MeterRows[1].PowerW.Value, 6);      // 2 Wh in 2 s
            Assert.Equal(7200.0, check.MeterRows[2].PowerW.Value, 6);      // 3 Wh in 1.5 s
            Assert.Equal(3L, check.MeterRows[2].DeltaWh);
            Assert.Equal(FigureStatus.Ok, check.Summaries[0].Checks.Single(c => c.Label.StartsWith("Average")).Status);
            Assert.Equal("[00:00:17.197,000] [START] Connector 1: ID=ZepId00", s.Lines[4]);
        }

        [Fact]
        public void Stream_without_timestamps_has_no_power_only_energy_deltas()
        {
            SessionCheck check = Check(new StreamBuilder().Header().Start(1, "ZepId00", 1).Meter(1, 7, 2).Meter(1, 9, 3).Stop(1, 4).Summary().ToArray());

            Assert.Empty(check.Problems);
            Assert.False(check.HasTimestamps);
            Assert.All(check.MeterRows, r => Assert.Null(r.PowerW));
            Assert.Equal(2L, check.MeterRows[1].DeltaWh);
            Assert.Equal(FigureStatus.Unchecked, check.Summaries[0].Checks.Single(c => c.Label.StartsWith("Average")).Status);
        }

        [Fact]
        public void High_rate_samples_and_a_lost_line_are_understood()
        {
            var s = new StreamBuilder { Timestamped = true }.Header().Lost(300);
            s.SkipReadings(4);                      // sent while no host had the port open
            s.Start(1, "ZepId00", 17.197).Start(2, "ZepId01", 17.255);
            for (int i = 0; i < 50; i++)
            {
                s.HighRate(1, 17_197_000 + i * 1000L, 230_000, 15_652, 3600, 7000 + i);
                s.HighRate(2, 17_255_000 + i * 1000L, 229_500, 31_000, 7100, 9000 + 2 * i);
            }
            s.Meter(1, 7, 17.5).Meter(2, 9, 17.6).Stop(1, 18.4).Stop(2, 18.5);
            (_, long sent, long seconds) = s.TrueFigures();
            sent += 300;                            // the bytes dropped were sent too
            s.Summary(bytes: sent, throughput: sent / seconds, highRate: (100, 1000, 0));
            SessionCheck check = Check(s.ToArray());

            Assert.Empty(check.Problems);
            Assert.Equal(1, check.Count(LineKind.Lost));
            Assert.Equal(300, check.LostBytes);
            Assert.False(check.SeenFromStart);
            Assert.Equal(100, check.HighRateSamples.Count);
            HighRateSample last = check.HighRateSamples[^1];
            Assert.Equal((2, 17_304_000L, 229_500L, 31_000L, 7100L, 9098L), (last.Connector, last.UptimeUs, last.VoltageMv, last.CurrentMa, last.PowerW, last.EnergyMwh));
            Assert.Equal(1000.0, check.MeasuredRateHz(out int connectors), 3);
            Assert.Equal(2, connectors);
            SummaryResult summary = check.Summaries.Single();
            Assert.Equal(1000, summary.HighRateHz);
            FigureCheck bytes = summary.Checks.Single(c => c.Label.StartsWith("USB data"));
            Assert.Equal(FigureStatus.Ok, bytes.Status);
            Assert.Contains("[LOST]", bytes.Detail);
            Assert.Equal(FigureStatus.Ok, summary.Checks.Single(c => c.Label.StartsWith("Total")).Status);
            Assert.Equal(FigureStatus.Ok, summary.Checks.Single(c => c.Label.EndsWith("Hz per connector")).Status);
        }

        [Fact]
        public void High_rate_figures_that_do_not_match_are_reported()
        {
            var s = new StreamBuilder().Header().Start(1, "A", 1);
            for (int i = 0; i < 20; i++) s.HighRate(1, 1_000_000 + i * 1000L, 230_000, 1000, 230, i);
            s.Stop(1, 2).Summary(highRate: (21, 500, 0));
            SessionCheck check = Check(s.ToArray());

            Problem[] problems = check.Problems.ToArray();
            Assert.Equal(2, problems.Length);
            Assert.All(problems, p => Assert.Equal(ProblemKind.Mismatch, p.Kind));
            Assert.Contains("High-rate samples: 21", problems[0].Message);
            Assert.Contains("20 [HR] samples read", problems[0].Message);
            Assert.Contains("1000.0 Hz", problems[1].Message);

            var without = new StreamBuilder().Header().Start(1, "A", 1).HighRate(1, 5, 1, 1, 1, 1).Stop(1, 2).Summary();
            Assert.Contains(Check(without.ToArray()).Problems, p => p.Kind == ProblemKind.Mismatch && p.Message.Contains("no High-rate line"));
        }

        [Fact]
        public void Malformed_and_unknown_lines_are_reported_with_their_numbers_and_reading_goes_on()
        {
            var s = new StreamBuilder().Header()                         // lines 1-4
                .Line("[START] Connector 1: ID=ZepId00")                // 5
                .Line("[METER] Conn1: 7Wh (reading #1)")                // 6 malformed
                .Line("hello from somewhere else")                      // 7 unknown
                .Raw("[METER] Conn1: 8 Wh (reading #2)\n")              // 8 bare \n; and reading #1 never came
                .Line("[00:00:01.000,000] === OCPP USB High-Speed Logger ===") // 9 prefix on a header line
                .Line("[STOP] Connector 0: Session ended")              // 10 connector 0
                .Line("[HR] 1 2 3")                                     // 11 fields missing
                .Line("[AUTH] Connector 1: Authorized (status=1)")      // 12 fine
                .Raw("[METER] Conn1: 9 Wh \u00ff(reading #3)\r\n")      // 13 not ASCII
                .Line("")                                               // 14 blank line out of place
                .Line("[STOP] Connector 1: Session ended")              // 15 fine
                .Raw("[01:02] [STOP] Connector 1: Session ended\r\n")   // 16 bad timestamp
                .Raw("[STOP] Connector 1: Sess");                        // 17 cut off by the end of input
            SessionCheck check = Check(s.ToArray());

            var expected = new (int, ProblemKind)[]
            {
                (6, ProblemKind.Malformed), (7, ProblemKind.Unknown), (8, ProblemKind.LineEnd), (8, ProblemKind.Sequence),
                (9, ProblemKind.Malformed), (10, ProblemKind.Malformed), (11, ProblemKind.Malformed), (13, ProblemKind.Malformed),
                (14, ProblemKind.OutOfPlace), (16, ProblemKind.Malformed), (17, ProblemKind.LineEnd), (17, ProblemKind.Malformed),
            };
            Assert.Equal(expected, check.Problems.Select(p => (p.Line, p.Kind)));
            Assert.Equal(17, check.Lines);
            Assert.Equal(s.ToArray().Length, check.Bytes);
            Assert.Equal(1, check.Count(LineKind.Unknown));
            Assert.Equal(7, check.Count(LineKind.Malformed));
            Assert.Equal(1, check.Count(LineKind.Meter));
            Assert.Contains("expected [METER] Conn<c>: <Wh> Wh (reading #<n>)", check.Problems[0].Message);
            Assert.Contains("0xFF at column 21", check.Problems[7].Message);
        }

        [Fact]
        public void Random_bytes_never_crash_the_reader_and_every_byte_is_counted()
        {
            var random = new Random(20261202);
            var data = new byte[50_000];
            random.NextBytes(data);
            for (int i = 0; i < data.Length; i += random.Next(1, 60)) data[i] = (byte)'\n';
            var check = new SessionCheck();
            var splitter = new LineSplitter();
            for (int at = 0; at < data.Length;)
            {
                int n = Math.Min(random.Next(1, 700), data.Length - at);
                splitter.Write(data.AsSpan(at, n), l => check.Add(l));
                at += n;
            }
            splitter.Flush(l => check.Add(l));
            check.Finish();

            Assert.Equal(data.Length, check.Bytes);
            Assert.Equal(data.Count(b => b == '\n') + (data[^1] == '\n' ? 0 : 1), check.Lines);
            Assert.True(check.ProblemCount >= check.Lines - 5);
        }

        [Fact]
        public void Bytes_arriving_one_at_a_time_read_the_same_as_all_at_once()
        {
            byte[] stream = TwoConnectorSession(timestamped: true, highRateHz: 100).ToArray();
            SessionCheck whole = Check(stream);
            SessionCheck bytewise = Check(stream, chunk: 1);

            Assert.Empty(whole.Problems);
            Assert.Equal(whole.Lines, bytewise.Lines);
            Assert.Equal(whole.Counts, bytewise.Counts);
            Assert.Equal(whole.MeterRows.Select(r => (r.Line, r.EnergyWh, r.PowerW)), bytewise.MeterRows.Select(r => (r.Line, r.EnergyWh, r.PowerW)));
            Assert.Empty(bytewise.Problems);
        }

        [Theory]
        [InlineData("readings", "Total meter readings")]
        [InlineData("bytes", "USB data transferred")]
        [InlineData("throughput", "Average throughput")]
        public void Summary_check_catches_one_wrong_figure(string wrong, string label)
        {
            StreamBuilder right = TwoConnectorSession(timestamped: true, highRateHz: 0);
            Assert.Empty(Check(right.ToArray()).Problems);

            StreamBuilder s = TwoConnectorSession(timestamped: true, highRateHz: 0, summary: false);
            (long readings, long bytes, long seconds) = s.TrueFigures();
            if (wrong == "bytes") bytes--;              // and the throughput its own figure gives
            s.Summary(readings: wrong == "readings" ? readings + 1 : readings, bytes: bytes,
                throughput: bytes / seconds + (wrong == "throughput" ? 1 : 0));
            SessionCheck check = Check(s.ToArray());

            Problem problem = Assert.Single(check.Problems);
            Assert.Equal(ProblemKind.Mismatch, problem.Kind);
            Assert.StartsWith(label, problem.Message);
            Assert.Equal(s.SummaryTitleLine, problem.Line);
        }

        [Fact]
        public void Summary_cut_short_and_readings_missing_are_reported()
        {
            var s = new StreamBuilder().Header().Start(1, "A", 1).Meter(1, 1, 2);
            s.SkipReadings(2);
            s.Meter(1, 2, 3).Stop(1, 4).Line("").Line("=== Session Summary ===").Line("Total meter readings: 4");
            SessionCheck check = Check(s.ToArray());

            Assert.Contains(check.Problems, p => p.Kind == ProblemKind.Sequence && p.Line == 7 && p.Message.Contains("2 missing"));
            Assert.Contains(check.Problems, p => p.Kind == ProblemKind.OutOfPlace && p.Message.Contains("ends inside the summary"));
            Assert.False(check.Summaries.Single().Complete);
        }

        [Fact]
        public void Meter_csv_has_one_row_per_meter_line()
        {
            StreamBuilder s = TwoConnectorSession(timestamped: true, highRateHz: 0);
            SessionCheck check = Check(s.ToArray());
            var text = new StringWriter();
            CsvExport.WriteMeter(check, text);
            string[] rows = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

            Assert.Equal(CsvExport.MeterHeader, rows[0]);
            Assert.Equal(s.Meters, rows.Length - 1);
            int[] meterLines = s.Lines.Select((l, i) => (l, i + 1)).Where(x => x.l.Contains("[METER]")).Select(x => x.Item2).ToArray();
            Assert.Equal(meterLines, rows.Skip(1).Select(r => int.Parse(r.Split(',')[0], CultureInfo.InvariantCulture)));
            Assert.All(rows, r => Assert.Equal(8, r.Split(',').Length));
            string[] second = rows.Skip(1).First(r => r.Split(',')[3] == "1" && r.Split(',')[6].Length > 0).Split(',');
            Assert.Equal(3600.0, double.Parse(second[7], CultureInfo.InvariantCulture), 3);  // 2 Wh every 2 s
        }

        // ---- the real tool ------------------------------------------------------------------

        [Fact]
        public void Tool_writes_png_svg_and_csvs_for_a_two_connector_session()
        {
            string dir = TempDir();
            StreamBuilder s = TwoConnectorSession(timestamped: true, highRateHz: 50);
            string input = Path.Combine(dir, "session.log");
            File.WriteAllBytes(input, s.ToArray());
            string outDir = Path.Combine(dir, "out");

            var (code, output) = RunTool(input, "--out", outDir, "--plain");

            Assert.True(code == 0, output);
            Assert.Contains("problems: none", output);
            byte[] png = File.ReadAllBytes(Path.Combine(outDir, "session.png"));
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png.Take(8));
            Assert.Equal(1200, (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19]);   // IHDR width
            Assert.True(png.Length > 30_000, $"session.png is only {png.Length} bytes");
            XDocument svg = XDocument.Load(Path.Combine(outDir, "session.svg"));
            Assert.Equal("svg", svg.Root.Name.LocalName);
            string[] texts = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value.Trim()).ToArray();
            Assert.Contains("energy (Wh)", texts);
            Assert.Contains("connector 2 (ZepId01)", texts);
            Assert.True(svg.Descendants().Count(e => e.Name.LocalName == "path") > 20);
            string[] meter = File.ReadAllLines(Path.Combine(outDir, "meter.csv"));
            Assert.Equal(s.Meters + 1, meter.Length);
            string[] hr = File.ReadAllLines(Path.Combine(outDir, "hr.csv"));
            Assert.Equal(s.HighRateCount + 1, hr.Length);
            Assert.Contains("problems: none", File.ReadAllText(Path.Combine(outDir, "report.txt")));
        }

        [Fact]
        public void Tool_exit_codes_tell_bad_arguments_missing_input_and_problems_apart()
        {
            string dir = TempDir();
            var (usage, usageOutput) = RunTool("--seconds", "soon", Path.Combine(dir, "x.log"));
            Assert.True(usage == 2, usageOutput);
            Assert.Contains("--seconds soon", usageOutput);

            var (none, noneOutput) = RunTool();
            Assert.True(none == 2, noneOutput);
            Assert.Contains("no input", noneOutput);

            var (missing, missingOutput) = RunTool(Path.Combine(dir, "absent.log"), "--plain");
            Assert.True(missing == 3, missingOutput);
            Assert.Contains("no such file", missingOutput);

            string bad = Path.Combine(dir, "bad.log");
            File.WriteAllBytes(bad, new StreamBuilder().Header().Line("[START] Connector 1: ID=A").Line("[METER] Conn1 7 Wh (reading #1)").ToArray());
            var (problems, problemsOutput) = RunTool(bad, "--plain");
            Assert.True(problems == 1, problemsOutput);
            Assert.Contains("line 6: malformed", problemsOutput);

            var (help, helpOutput) = RunTool("--help");
            Assert.Equal(0, help);
            Assert.Contains("EXIT CODES", helpOutput);
        }

        [Fact]
        public void Tool_follows_a_file_as_it_grows_until_the_summary()
        {
            string dir = TempDir();
            string input = Path.Combine(dir, "session.log");
            byte[] stream = TwoConnectorSession(timestamped: false, highRateHz: 0).ToArray();
            int half = stream.Length / 2;
            File.WriteAllBytes(input, stream.AsSpan(0, half).ToArray());

            using var tool = ToolProcess.Start(input, "--follow", "--until-summary", "--plain", "--seconds", "120");
            tool.WaitForOutput("lines");                 // it has read the first half and waits at the end
            using (var file = new FileStream(input, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
                file.Write(stream, half, stream.Length - half);
            (int code, string output) = tool.Wait(TimeSpan.FromMinutes(1));

            Assert.True(code == 0, output);
            Assert.Contains("ended: a summary was read (--until-summary)", output);
            Assert.Contains($"{stream.Length} bytes", output);
            Assert.Contains("problems: none", output);
        }

        [Fact]
        public void Tool_reads_a_tcp_socket_like_qemus_serial_chardev()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            byte[] stream = TwoConnectorSession(timestamped: true, highRateHz: 0).ToArray();
            try
            {
                using var tool = ToolProcess.Start($"tcp:127.0.0.1:{port}", "--plain", "--seconds", "120");
                using (TcpClient client = listener.AcceptTcpClient())
                {
                    NetworkStream net = client.GetStream();
                    for (int at = 0; at < stream.Length; at += 700)
                        net.Write(stream, at, Math.Min(700, stream.Length - at));
                }
                (int code, string output) = tool.Wait(TimeSpan.FromMinutes(1));

                Assert.True(code == 0, output);
                Assert.Contains("closed the connection", output);
                Assert.Contains($"{stream.Length} bytes", output);
                Assert.Contains("problems: none", output);
            }
            finally
            {
                listener.Stop();
            }
        }

        // ---- helpers ------------------------------------------------------------------------

        private static SessionCheck Check(byte[] data, int chunk = int.MaxValue)
        {
            var check = new SessionCheck();
            var splitter = new LineSplitter();
            for (int at = 0; at < data.Length; at += chunk)
                splitter.Write(data.AsSpan(at, Math.Min(chunk, data.Length - at)), l => check.Add(l));
            splitter.Flush(l => check.Add(l));
            check.Finish();
            return check;
        }

        private static byte[] Concat(byte[] a, byte[] b) => a.Concat(b).ToArray();

        // The seed's demo: both connectors authorized and charging, a reading on each every 2 s
        // (connector 1 at 3.6 kW, connector 2 at 7.2 kW), stopped a second apart; [HR] samples at
        // highRateHz per connector when it is not 0.
        private static StreamBuilder TwoConnectorSession(bool timestamped, int highRateHz, bool summary = true)
        {
            var s = new StreamBuilder { Timestamped = timestamped }.Header();
            s.Start(1, "ZepId00", 17.197).Auth(1, true, 1, 17.198);
            s.Start(2, "ZepId01", 17.255).Auth(2, true, 1, 17.256);
            int samples = 0;
            for (int i = 1; i <= 12; i++)
            {
                double t1 = 17.197 + 2 * i, t2 = 17.255 + 2 * i;
                if (highRateHz > 0)
                    for (int k = 0; k < 2 * highRateHz; k++, samples++)
                    {
                        long us1 = (long)Math.Round((t1 - 2) * 1e6) + k * (1_000_000L / highRateHz);
                        s.HighRate(1, us1, 230_000, 15_652, 3600, (i - 1) * 2000 + k);
                        s.HighRate(2, us1 + 58_000, 231_000, 31_169, 7200, (i - 1) * 4000 + 2 * k);
                    }
                s.Meter(1, 2 * i, t1).Meter(2, 4 * i, t2);
            }
            s.Stop(1, 42.0).Stop(2, 43.1);
            if (summary) s.Summary(highRate: highRateHz > 0 ? (samples * 2, highRateHz, 0) : null);
            return s;
        }

        private static string TempDir()
        {
            string dir = Path.Combine(Path.GetTempPath(), "logview-test-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            return dir;
        }

        private static readonly object BuildLock = new object();
        private static string toolDll;

        // Builds tools/logview once (incremental: quick when `make logview` has built it).
        private static string ToolDll()
        {
            lock (BuildLock)
            {
                if (toolDll != null) return toolDll;
                var (code, output) = Repo.Run("dotnet", new[] { "build", "tools/logview/Logview.csproj", "-c", "Release", "--nologo", "-v", "quiet" }, TimeSpan.FromMinutes(5));
                if (code != 0) throw new InvalidOperationException("building tools/logview failed:\n" + output);
                toolDll = Path.Combine(Repo.Root, "tools", "logview", "bin", "Release", "net10.0", "logview.dll");
                return toolDll;
            }
        }

        internal static (int ExitCode, string Output) RunTool(params string[] args) =>
            Repo.Run("dotnet", new[] { ToolDll() }.Concat(args), TimeSpan.FromMinutes(2));

        // The tool running beside the test (follow, socket), its output collected as it comes.
        private sealed class ToolProcess : IDisposable
        {
            private readonly Process process;
            private readonly StringBuilder output = new StringBuilder();

            private ToolProcess(Process process) { this.process = process; }

            public static ToolProcess Start(params string[] args)
            {
                var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Repo.Root };
                start.ArgumentList.Add(ToolDll());
                foreach (string a in args) start.ArgumentList.Add(a);
                var tool = new ToolProcess(Process.Start(start));
                tool.process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (tool.output) tool.output.AppendLine(e.Data); };
                tool.process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (tool.output) tool.output.AppendLine(e.Data); };
                tool.process.BeginOutputReadLine();
                tool.process.BeginErrorReadLine();
                return tool;
            }

            public void WaitForOutput(string text)
            {
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed < TimeSpan.FromMinutes(1))
                {
                    lock (output) if (output.ToString().Contains(text)) return;
                    if (process.HasExited) break;
                    System.Threading.Thread.Sleep(50);
                }
                lock (output) throw new InvalidOperationException($"no \"{text}\" from logview:\n{output}");
            }

            public (int, string) Wait(TimeSpan limit)
            {
                if (!process.WaitForExit((int)limit.TotalMilliseconds))
                {
                    process.Kill(entireProcessTree: true);
                    lock (output) throw new TimeoutException("logview did not finish:\n" + output);
                }
                process.WaitForExit();
                lock (output) return (process.ExitCode, output.ToString());
            }

            public void Dispose()
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                process.Dispose();
            }
        }

        // Writes a session stream line by line exactly as /tmp/notes/format.md fixes it, and knows
        // its true summary figures.
        private sealed class StreamBuilder
        {
            private readonly MemoryStream bytes = new MemoryStream();
            private int reading;
            private double? firstStart, lastStop;

            public bool Timestamped;
            public readonly List<string> Lines = new List<string>();
            public int Meters;
            public int HighRateCount;
            public int SummaryTitleLine;

            public StreamBuilder Line(string text) => Raw(text + "\r\n");

            public StreamBuilder Raw(string exact)
            {
                bytes.Write(Encoding.Latin1.GetBytes(exact));
                string[] parts = exact.Split('\n');
                for (int i = 0; i < parts.Length; i++)
                {
                    if (i == parts.Length - 1 && parts[i].Length == 0) break;   // it ended with \n
                    Lines.Add(parts[i].TrimEnd('\r'));
                }
                return this;
            }

            public StreamBuilder Header() =>
                Line("=== OCPP USB High-Speed Logger ===").Line("This showcases USB High-Speed (480 Mbps) data transfer")
                    .Line("Logging charging session data in real-time").Line("");

            public StreamBuilder Lost(long n) => Line($"[LOST] {n} bytes dropped while no host was connected");

            public StreamBuilder Start(int c, string idTag, double t)
            {
                firstStart ??= t;
                return Event(t, $"[START] Connector {c}: ID={idTag}");
            }

            public StreamBuilder Auth(int c, bool accepted, int status, double t) =>
                Event(t, $"[AUTH] Connector {c}: {(accepted ? "Authorized" : "Not authorized")} (status={status})");

            public StreamBuilder Meter(int c, long wh, double t)
            {
                Meters++;
                return Event(t, $"[METER] Conn{c}: {wh} Wh (reading #{++reading})");
            }

            public void SkipReadings(int n) => reading += n;

            public StreamBuilder Stop(int c, double t)
            {
                lastStop = t;
                return Event(t, $"[STOP] Connector {c}: Session ended");
            }

            public StreamBuilder HighRate(int c, long uptimeUs, long mv, long ma, long w, long mwh)
            {
                HighRateCount++;
                return Line($"[HR] {c} {uptimeUs} {mv} {ma} {w} {mwh}");
            }

            // N = readings sent (the counter's last value), bytes = everything so far, throughput =
            // bytes / whole seconds from the first START to the last STOP, at least 1.
            public (long Readings, long Bytes, long Seconds) TrueFigures()
            {
                long seconds = Math.Max(1, (long)Math.Floor((lastStop ?? 0) - (firstStart ?? 0)));
                return (reading, bytes.Length, seconds);
            }

            public StreamBuilder Summary(long? readings = null, long? bytes = null, long? throughput = null, (long n, long hz, long dropped)? highRate = null)
            {
                (long trueReadings, long trueBytes, long seconds) = TrueFigures();
                Line("");
                SummaryTitleLine = Lines.Count + 1;
                Line("=== Session Summary ===");
                Line($"Total meter readings: {readings ?? trueReadings}");
                Line($"USB data transferred: {bytes ?? trueBytes} bytes");
                Line($"Average throughput: ~{throughput ?? (bytes ?? trueBytes) / seconds} bytes/sec");
                if (highRate.HasValue) Line($"High-rate samples: {highRate.Value.n} at {highRate.Value.hz} Hz per connector, {highRate.Value.dropped} bytes dropped");
                return Line("USB High-Speed (480 Mbps) enables efficient data logging");
            }

            public byte[] ToArray() => bytes.ToArray();

            private StreamBuilder Event(double t, string text) => Line(Timestamped ? Stamp(t) + " " + text : text);

            // The console's format: [hh:mm:ss.mmm,uuu]
            private static string Stamp(double t)
            {
                long us = (long)Math.Round(t * 1e6);
                return string.Format(CultureInfo.InvariantCulture, "[{0:00}:{1:00}:{2:00}.{3:000},{4:000}]",
                    us / 3_600_000_000, us / 60_000_000 % 60, us / 1_000_000 % 60, us / 1000 % 1000, us % 1000);
            }
        }
    }
}
