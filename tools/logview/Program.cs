using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using ChargePoint.Logview.Inputs;
using ChargePoint.Logview.Plots;
using ChargePoint.Logview.Session;
using ChargePoint.Logview.Views;

namespace ChargePoint.Logview
{
    // logview INPUT [--out DIR] [--follow] [--seconds N] ...: see Options.Help.
    public static class Program
    {
        private const int RefreshMs = 250;

        public static int Main(string[] args)
        {
            if (!Options.TryParse(args, out Options options, out string error))
            {
                Console.Error.WriteLine("logview: " + error);
                Console.Error.WriteLine("usage: logview INPUT [--out DIR] [--follow] [--seconds N] [--until-summary] [--plain]  (logview --help)");
                return Options.ExitUsage;
            }
            if (options.ShowHelp)
            {
                Console.WriteLine(Options.Help);
                return Options.ExitOk;
            }
            return Run(options);
        }

        private static int Run(Options options)
        {
            var reader = new InputReader(options.Input, options.Follow, options.Baud);
            using var interrupted = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;        // finish: write the outputs, print the report
                interrupted.Cancel();
            };

            ILiveView view = options.Plain || Console.IsOutputRedirected ? new PlainView() : new SpectreView();
            var state = new ViewState { Source = options.Input.ToString(), Live = reader.IsLive, Check = new SessionCheck() };
            var splitter = new LineSplitter();
            var earlierStreams = new List<string>();
            int earlierProblems = 0;
            bool inputEnded = false;
            var clock = Stopwatch.StartNew();
            string failure = null;
            string endedBy = null;
            int streams = 1;

            reader.Start();
            view.Run(() =>
            {
                long lastShow = -RefreshMs;
                bool summaryRead = false;
                while (true)
                {
                    if (interrupted.IsCancellationRequested) { endedBy = "interrupted"; break; }
                    if (options.Seconds.HasValue && clock.Elapsed.TotalSeconds >= options.Seconds.Value)
                    {
                        endedBy = $"stopped after {options.Seconds.Value} s (--seconds)";
                        break;
                    }
                    InputEvent e = reader.Next(RefreshMs / 2, interrupted.Token);
                    if (e != null)
                    {
                        if (e.Message != null && !e.End) state.Status = e.Message;
                        if (e.NewStream)
                        {
                            splitter.Flush(line => state.Check.Add(line));
                            state.Check.Finish();
                            SessionCheck done = state.Check;
                            earlierStreams.Add($"stream {streams} (left out of the outputs): {done.Lines} lines, {done.Bytes} bytes, "
                                + $"summaries {done.Summaries.Count}, problems {done.ProblemCount}" + (done.Problems.Count > 0 ? ", the first: " + done.Problems[0] : ""));
                            earlierProblems += done.ProblemCount;
                            streams++;
                            state.Check = new SessionCheck();
                            splitter = new LineSplitter();
                            summaryRead = false;
                        }
                        if (e.Data != null)
                        {
                            double arrival = clock.Elapsed.TotalSeconds;
                            SessionCheck check = state.Check;
                            splitter.Write(e.Data, line =>
                            {
                                check.Add(line, arrival);
                                if (line.Kind == LineKind.SummaryClosing) summaryRead = true;
                            });
                        }
                        if (e.End)
                        {
                            inputEnded = true;
                            if (e.Failed) failure = e.Message;
                            endedBy = e.Message;
                            break;
                        }
                        if (summaryRead && options.UntilSummary) { endedBy = "a summary was read (--until-summary)"; break; }
                    }
                    if (clock.ElapsedMilliseconds - lastShow >= RefreshMs)
                    {
                        lastShow = clock.ElapsedMilliseconds;
                        state.ElapsedS = clock.Elapsed.TotalSeconds;
                        view.Show(state);
                    }
                }
                reader.Stop();
                // A line cut off by the end of the input is reported; one still arriving when reading
                // was stopped (Ctrl-C, --seconds, --until-summary) is only noted.
                if (inputEnded) splitter.Flush(line => state.Check.Add(line, clock.Elapsed.TotalSeconds));
                else if (splitter.PendingBytes > 0) state.Check.Notes.Add($"reading stopped with {splitter.PendingBytes} bytes of line {splitter.LinesRead + 1} still to come: left out");
                state.Check.Finish();
                state.ElapsedS = clock.Elapsed.TotalSeconds;
                state.Final = true;
                view.Show(state);
            });

            SessionCheck result = state.Check;
            if (failure != null && result.Lines == 0)
            {
                Console.Error.WriteLine("logview: " + failure);
                return Options.ExitInput;
            }

            List<string> report = SessionReport.Lines(result, options.Input.ToString(), options.MaxProblems);
            if (endedBy != null) report.Insert(1, "ended: " + endedBy);
            report.InsertRange(endedBy != null ? 2 : 1, earlierStreams);
            foreach (string line in report) Console.WriteLine(line);

            int exit = failure != null ? Options.ExitInput : result.ProblemCount + earlierProblems > 0 ? Options.ExitProblems : Options.ExitOk;
            if (options.OutDir != null)
            {
                try
                {
                    foreach (string written in WriteOutputs(result, options, report))
                        Console.WriteLine("wrote " + written);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"logview: cannot write into {options.OutDir}: {e.Message}");
                    return Options.ExitOutput;
                }
            }
            return exit;
        }

        private static List<string> WriteOutputs(SessionCheck check, Options options, List<string> report)
        {
            string dir = options.OutDir;
            Directory.CreateDirectory(dir);
            var written = new List<string>();
            var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

            string meter = Path.Combine(dir, "meter.csv");
            using (var writer = new StreamWriter(meter, false, utf8)) CsvExport.WriteMeter(check, writer);
            written.Add($"{meter} ({check.MeterRows.Count} rows)");

            string hr = Path.Combine(dir, "hr.csv");
            if (check.HasHighRate)
            {
                using (var writer = new StreamWriter(hr, false, utf8)) CsvExport.WriteHighRate(check, writer);
                written.Add($"{hr} ({check.HighRateSamples.Count} rows)");
            }
            else if (File.Exists(hr)) File.Delete(hr);     // not left over from an earlier run

            string title = "Charging session: energy and power per connector  (" + Path.GetFileName(options.Input.ToString()) + ")";
            foreach (string plot in SessionPlot.Write(check, dir, title, warning => Console.Error.WriteLine("logview: " + warning)))
                written.Add(plot);

            string text = Path.Combine(dir, "report.txt");
            var all = new List<string>(report);
            int listed = Math.Min(options.MaxProblems, check.Problems.Count);
            if (check.Problems.Count > listed)
            {
                all.Add("all problems:");
                foreach (Problem p in check.Problems) all.Add("  " + p);
            }
            File.WriteAllText(text, string.Join("\n", all) + "\n", utf8);
            written.Add(text);
            return written;
        }
    }
}
