using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ChargePoint.Bench
{
    // `make bench` (tools/bench.sh): checks that both codecs agree (and the session stream's C and
    // C# lines), runs JsonCodecBenchmarks and SessionLogBenchmarks with a short job, then prints
    // one line per message after BenchmarkDotNet's summaries, and the session stream's two last:
    //   bench <message> parse <ratio>x write <ratio>x alloc <bytes> B
    //   bench usblog lines/s ours <n> C <n>, bytes/s ours <n> C <n>
    //   bench usblog format <ratio>x alloc <bytes> B
    // ratio = System.Text.Json's mean time / ours (above 1: ours is faster), alloc = the bytes our
    // parse + write allocated per operation (MemoryDiagnoser).
    //
    // Arguments: --artifacts DIR (default build/bench/BenchmarkDotNet.Artifacts in the repository),
    // --show (print the messages and stop).
    public static class Program
    {
        public static int Main(string[] args)
        {
            string artifacts = null;
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i] == "--artifacts" && i + 1 < args.Length) artifacts = args[++i];
                else if (args[i] == "--show")
                {
                    foreach (OcppMessage message in Enum.GetValues<OcppMessage>()) Console.WriteLine(message + ": " + Check.Show(message));
                    return 0;
                }
                else
                {
                    Console.Error.WriteLine("usage: ChargePoint.Bench [--artifacts DIR] [--show]");
                    return 2;
                }
            }
            artifacts = Path.GetFullPath(artifacts ?? Path.Combine(RepositoryRoot(), "build", "bench", "BenchmarkDotNet.Artifacts"));

            if (!Check.Run())
            {
                Console.WriteLine("bench: the codecs disagree, nothing measured");
                return 1;
            }
            if (!Check.RunSessionLog())
            {
                Console.WriteLine("bench: the session stream's C and C# lines disagree, nothing measured");
                return 1;
            }

            // A short run: 1 launch, 3 warmup and 10 measured iterations of 250 ms per benchmark
            // (12 benchmarks: about a minute and a half on 2 cores, with the runner's build).
            Job job = Job.ShortRun
                .WithIterationCount(10)
                .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250))
                .WithId("Short");
            IConfig config = ManualConfig.Create(DefaultConfig.Instance)
                .AddJob(job)
                .WithArtifactsPath(artifacts);
            Summary summary = BenchmarkRunner.Run<JsonCodecBenchmarks>(config);
            Summary usblog = BenchmarkRunner.Run<SessionLogBenchmarks>(config);
            var lines = new List<string>();
            bool ok = Report(summary, lines);
            ok &= ReportSessionLog(usblog, lines);
            Console.WriteLine();
            foreach (string line in lines) Console.WriteLine(line);
            return ok ? 0 : 1;
        }

        // The session stream's lines (bench/usblog_format.c against SessionLine + LogRing):
        //   bench usblog lines/s ours <n> C <n>, bytes/s ours <n> C <n>
        //   bench usblog format <ratio>x alloc <bytes> B
        // ratio = the C mean time / ours (above 1: ours is faster), alloc = ours per operation.
        private static bool ReportSessionLog(Summary summary, List<string> lines)
        {
            double ours = 0, c = 0;
            long? allocated = null;
            foreach (BenchmarkReport report in summary.Reports)
            {
                if (report.ResultStatistics == null) continue;
                string name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
                if (name == nameof(SessionLogBenchmarks.Ours))
                {
                    ours = report.ResultStatistics.Mean;
                    allocated = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
                }
                else if (name == nameof(SessionLogBenchmarks.C))
                {
                    c = report.ResultStatistics.Mean;
                }
            }
            if (ours <= 0 || c <= 0 || !allocated.HasValue)
            {
                Console.WriteLine("bench usblog: missing results (a benchmark failed?)");
                return false;
            }
            long bytes = SessionLogBenchmarks.OursBytes().Length;
            double perSecondOurs = 1e9 / ours, perSecondC = 1e9 / c; // means are in nanoseconds
            lines.Add(string.Format(CultureInfo.InvariantCulture, "bench usblog lines/s ours {0:F0} C {1:F0}, bytes/s ours {2:F0} C {3:F0}",
                SessionLogBenchmarks.Lines * perSecondOurs, SessionLogBenchmarks.Lines * perSecondC, bytes * perSecondOurs, bytes * perSecondC));
            lines.Add(string.Format(CultureInfo.InvariantCulture, "bench usblog format {0:F2}x alloc {1} B", c / ours, allocated.Value));
            return true;
        }

        private static bool Report(Summary summary, List<string> lines)
        {
            var mean = new Dictionary<string, double>();
            var allocated = new Dictionary<string, long>();
            foreach (BenchmarkReport report in summary.Reports)
            {
                if (report.ResultStatistics == null) continue;
                string key = report.BenchmarkCase.Parameters["Message"] + "/" + report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
                mean[key] = report.ResultStatistics.Mean;
                long? bytes = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
                if (bytes.HasValue) allocated[key] = bytes.Value;
            }
            bool ok = true;
            foreach (OcppMessage message in Enum.GetValues<OcppMessage>())
            {
                string m = message.ToString();
                if (!mean.TryGetValue(m + "/OursParse", out double oursParse) || !mean.TryGetValue(m + "/StjParse", out double stjParse)
                    || !mean.TryGetValue(m + "/OursWrite", out double oursWrite) || !mean.TryGetValue(m + "/StjWrite", out double stjWrite)
                    || !allocated.TryGetValue(m + "/OursParse", out long parseBytes) || !allocated.TryGetValue(m + "/OursWrite", out long writeBytes))
                {
                    Console.WriteLine($"bench {m}: missing results (a benchmark failed?)");
                    ok = false;
                    continue;
                }
                lines.Add(string.Format(CultureInfo.InvariantCulture, "bench {0} parse {1:F2}x write {2:F2}x alloc {3} B",
                    m, stjParse / oursParse, stjWrite / oursWrite, parseBytes + writeBytes));
            }
            return ok;
        }

        // The folder above bench/ that holds firmware/Core: where build/ is.
        private static string RepositoryRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (Directory.Exists(Path.Combine(dir.FullName, "firmware", "Core"))) return dir.FullName;
            return Directory.GetCurrentDirectory();
        }
    }
}
