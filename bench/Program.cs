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
    // `make bench` (tools/bench.sh): checks that both codecs agree, runs JsonCodecBenchmarks with a
    // short job, then prints one line per message after BenchmarkDotNet's summary:
    //   bench <message> parse <ratio>x write <ratio>x alloc <bytes> B
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
            return Report(summary) ? 0 : 1;
        }

        private static bool Report(Summary summary)
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
            var lines = new List<string>();
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
            Console.WriteLine();
            foreach (string line in lines) Console.WriteLine(line);
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
