using System;
using System.Collections.Generic;
using System.Globalization;

namespace ChargePoint.Logview.Session
{
    // Everything read from one session stream, checked line by line as it arrives: the counts of
    // each kind, the problems (with their line numbers), each connector's session and readings,
    // the rows of the CSVs, and every summary's figures against what was read
    // (/tmp/notes/format.md: N = [METER] lines sent; bytes = bytes sent before the summary;
    // throughput = bytes / whole seconds from the first START to the last STOP, at least 1).
    public sealed class SessionCheck
    {
        public const int MaxProblemsKept = 10_000;

        private static readonly LineKind[] HeaderBlock = { LineKind.HeaderTitle, LineKind.HeaderUsb, LineKind.HeaderLogging, LineKind.Blank };
        private static readonly LineKind[] SummaryBlock =
        {
            LineKind.SummaryTitle, LineKind.SummaryReadings, LineKind.SummaryBytes, LineKind.SummaryThroughput,
            LineKind.SummaryHighRate, LineKind.SummaryClosing,
        };

        public readonly int[] Counts = new int[Enum.GetValues<LineKind>().Length];
        public readonly List<Problem> Problems = new List<Problem>();
        public int ProblemCount;                  // all of them, also past MaxProblemsKept
        public readonly List<string> Notes = new List<string>();
        public readonly SortedDictionary<int, ConnectorStats> Connectors = new SortedDictionary<int, ConnectorStats>();
        public readonly List<MeterRow> MeterRows = new List<MeterRow>();
        public readonly List<HighRateSample> HighRateSamples = new List<HighRateSample>();
        public readonly List<SummaryResult> Summaries = new List<SummaryResult>();

        public int Lines;
        public long Bytes;
        public bool StartedAtHeader;              // the first line read was the header's title
        public int LostLines;
        public long LostBytes;
        public int TimestampedEvents;
        public int UntimedEvents;
        public long LastReading;
        public int HeaderBytes;                   // of the last complete header

        public bool HasTimestamps => TimestampedEvents > 0;
        public bool HasHighRate => HighRateSamples.Count > 0;

        // Whether everything the logger sent can have been read: from the header on, nothing lost.
        public bool SeenFromStart => StartedAtHeader && LostLines == 0 && !readingGap;

        private LineKind[] block;                 // the header or summary being read, or null
        private int blockIndex;
        private int blockLine;
        private int headerBytesSoFar;
        private StreamLine pendingBlank;          // a blank line outside the header: the summary's opener?
        private long bytesBeforeBlank;
        private SummaryResult summary;
        private long summaryMark;                 // bytes read before the summary's blank line
        private int headerEndLine;                // the last line of the last complete header
        private bool readingGap;
        private bool lostSinceReading;
        private double? lastEventTime;
        private int lastEventTimeLine;
        private bool? timestampMode;
        private readonly Dictionary<int, MeterRow> lastRowInSession = new Dictionary<int, MeterRow>();

        // The session the next summary is about: first START and last STOP since the last summary.
        private StreamLine groupFirstStart;
        private StreamLine groupLastStop;
        private int groupMeters, groupHighRate;

        public int Count(LineKind kind) => Counts[(int)kind];

        // arrivalS: when the line arrived on the host's clock (seconds; NaN when not known).
        public void Add(StreamLine line, double arrivalS = double.NaN)
        {
            if (Lines == 0) StartedAtHeader = line.Kind == LineKind.HeaderTitle;
            Lines++;
            long bytesBefore = Bytes;
            Bytes += line.ByteLength;
            Counts[(int)line.Kind]++;
            if (line.EndError != null) Report(line.Number, ProblemKind.LineEnd, line.EndError);

            bool afterBlank = false;
            if (pendingBlank != null)
            {
                StreamLine blank = pendingBlank;
                pendingBlank = null;
                if (line.Kind != LineKind.SummaryTitle)
                    Report(blank.Number, ProblemKind.OutOfPlace, "a blank line outside the header's end and the summary's start");
                else
                {
                    summaryMark = bytesBeforeBlank;
                    afterBlank = true;
                }
            }

            if (block != null && !ContinueBlock(line)) return;

            switch (line.Kind)
            {
                case LineKind.Unknown:
                    Report(line.Number, ProblemKind.Unknown, Quote(line.Text));
                    break;
                case LineKind.Malformed:
                    Report(line.Number, ProblemKind.Malformed, line.Error + ": " + Quote(line.Text));
                    break;
                case LineKind.HeaderTitle:
                    BeginBlock(HeaderBlock, line);
                    headerBytesSoFar = line.ByteLength;
                    break;
                case LineKind.Blank:
                    pendingBlank = line;
                    bytesBeforeBlank = bytesBefore;
                    break;
                case LineKind.SummaryTitle:
                    if (!afterBlank)
                    {
                        Report(line.Number, ProblemKind.OutOfPlace, "no blank line before the summary's title");
                        summaryMark = bytesBefore;
                    }
                    BeginBlock(SummaryBlock, line);
                    summary = new SummaryResult { TitleLine = line.Number };
                    break;
                case LineKind.HeaderUsb:
                case LineKind.HeaderLogging:
                    Report(line.Number, ProblemKind.OutOfPlace, "a header line outside a header");
                    break;
                case LineKind.SummaryReadings:
                case LineKind.SummaryBytes:
                case LineKind.SummaryThroughput:
                case LineKind.SummaryHighRate:
                case LineKind.SummaryClosing:
                    Report(line.Number, ProblemKind.OutOfPlace, "a summary line outside a summary");
                    break;
                case LineKind.Lost:
                    LostLines++;
                    LostBytes += line.Value;
                    lostSinceReading = true;
                    if (headerEndLine != line.Number - 1 || headerEndLine == 0)
                        Report(line.Number, ProblemKind.OutOfPlace, "[LOST] comes right after the header only");
                    break;
                default:
                    Event(line, arrivalS);
                    break;
            }
        }

        private void BeginBlock(LineKind[] which, StreamLine line)
        {
            block = which;
            blockIndex = 1;
            blockLine = line.Number;
        }

        // Returns false when the line was taken as the block's next line (nothing else to do).
        private bool ContinueBlock(StreamLine line)
        {
            LineKind expected = block[blockIndex];
            bool isSummary = block == SummaryBlock;
            if (isSummary && expected == LineKind.SummaryHighRate && line.Kind == LineKind.SummaryClosing)
                expected = block[++blockIndex];     // high-rate mode only
            if (line.Kind != expected)
            {
                Report(line.Number, ProblemKind.OutOfPlace, $"{Describe(expected)} expected here, to go on with the {(isSummary ? "summary" : "header")} that began at line {blockLine}");
                block = null;
                if (isSummary) EndSummary(complete: false);
                return true;
            }
            blockIndex++;
            if (!isSummary)
            {
                headerBytesSoFar += line.ByteLength;
                if (blockIndex == block.Length)
                {
                    block = null;
                    HeaderBytes = headerBytesSoFar;
                    headerEndLine = line.Number;
                }
                return false;
            }
            switch (line.Kind)
            {
                case LineKind.SummaryReadings: summary.Readings = line.Value; break;
                case LineKind.SummaryBytes: summary.Bytes = line.Value; break;
                case LineKind.SummaryThroughput: summary.Throughput = line.Value; break;
                case LineKind.SummaryHighRate:
                    summary.HighRateSamples = line.Value;
                    summary.HighRateHz = line.RateHz;
                    summary.HighRateDropped = line.DroppedBytes;
                    break;
                case LineKind.SummaryClosing:
                    block = null;
                    EndSummary(complete: true);
                    break;
            }
            return false;
        }

        private void Event(StreamLine line, double arrivalS)
        {
            ConnectorStats stats = Stats(line.Connector);
            double? streamS = line.Kind == LineKind.HighRate ? line.UptimeUs / 1e6 : line.Timestamp;
            stats.Saw(line, streamS, arrivalS);
            if (line.Kind == LineKind.HighRate)
            {
                HighRateLine(line, stats);
                return;
            }

            // Timestamps: all event lines have the prefix, or none (it is one configuration switch).
            if (line.Timestamp.HasValue) TimestampedEvents++; else UntimedEvents++;
            if (!timestampMode.HasValue) timestampMode = line.Timestamp.HasValue;
            else if (timestampMode.Value != line.Timestamp.HasValue)
                Report(line.Number, ProblemKind.OutOfPlace, timestampMode.Value ? "no timestamp prefix, and the lines before have one" : "a timestamp prefix, and the lines before have none");
            if (line.Timestamp.HasValue)
            {
                if (lastEventTime.HasValue && line.Timestamp.Value < lastEventTime.Value)
                    Report(line.Number, ProblemKind.Sequence, $"the timestamp goes back in time from line {lastEventTimeLine}'s");
                lastEventTime = line.Timestamp;
                lastEventTimeLine = line.Number;
            }

            // Pairing of START and STOP is only known when the stream was read from its start.
            bool knowsSessions = SeenFromStart;
            switch (line.Kind)
            {
                case LineKind.Start:
                    if (stats.Charging)
                        Report(line.Number, ProblemKind.Sequence, $"START on connector {line.Connector}, whose session from line {stats.SessionStartLine} has not stopped");
                    stats.Charging = true;
                    stats.SessionStartLine = line.Number;
                    stats.Sessions++;
                    stats.IdTag = line.IdTag;
                    stats.Authorized = null;
                    stats.FirstWh = null;
                    lastRowInSession.Remove(line.Connector);
                    if (groupFirstStart == null) groupFirstStart = line;
                    break;
                case LineKind.Auth:
                    stats.Authorized = line.Authorized;
                    break;
                case LineKind.Meter:
                    MeterLine(line, stats, knowsSessions);
                    break;
                case LineKind.Stop:
                    if (!stats.Charging && knowsSessions)
                        Report(line.Number, ProblemKind.Sequence, $"STOP on connector {line.Connector}, which has no session running");
                    stats.Charging = false;
                    lastRowInSession.Remove(line.Connector);
                    groupLastStop = line;
                    break;
            }
        }

        private void MeterLine(StreamLine line, ConnectorStats stats, bool knowsSessions)
        {
            if (!stats.Charging && knowsSessions)
                Report(line.Number, ProblemKind.Sequence, $"a reading on connector {line.Connector}, which has no session running");
            if (LastReading == 0)
            {
                if (line.Reading != 1 && StartedAtHeader && LostLines == 0)
                {
                    Report(line.Number, ProblemKind.Sequence, $"the first reading is #{line.Reading}: readings count from #1");
                    readingGap = true;
                }
            }
            else if (line.Reading != LastReading + 1)
            {
                if (lostSinceReading && line.Reading > LastReading)
                    Note(line.Number, $"readings #{LastReading + 1} to #{line.Reading - 1} were not read (bytes were lost, see [LOST])");
                else
                {
                    Report(line.Number, ProblemKind.Sequence, line.Reading > LastReading
                        ? $"reading #{line.Reading} after #{LastReading}: {line.Reading - LastReading - 1} missing"
                        : $"reading #{line.Reading} after #{LastReading}: the counter went back");
                    readingGap = true;
                }
            }
            LastReading = line.Reading;
            lostSinceReading = false;

            lastRowInSession.TryGetValue(line.Connector, out MeterRow previous);
            var row = new MeterRow
            {
                Line = line.Number,
                Order = MeterRows.Count + 1,
                TimeS = line.Timestamp,
                Connector = line.Connector,
                Reading = line.Reading,
                EnergyWh = line.EnergyWh,
            };
            if (previous != null)
            {
                row.DeltaWh = row.EnergyWh - previous.EnergyWh;
                if (row.DeltaWh < 0)
                    Report(line.Number, ProblemKind.Sequence, $"connector {line.Connector}'s energy went down from {previous.EnergyWh} Wh (line {previous.Line}) within one session");
                if (row.TimeS.HasValue && previous.TimeS.HasValue && row.TimeS.Value > previous.TimeS.Value)
                    row.PowerW = row.DeltaWh.Value * 3600.0 / (row.TimeS.Value - previous.TimeS.Value);
            }
            MeterRows.Add(row);
            if (stats.Charging) lastRowInSession[line.Connector] = row;
            stats.Meters++;
            stats.LastWh = line.EnergyWh;
            if (!stats.FirstWh.HasValue) stats.FirstWh = line.EnergyWh;
            if (row.PowerW.HasValue) stats.LastPowerW = row.PowerW;
            groupMeters++;
        }

        private void HighRateLine(StreamLine line, ConnectorStats stats)
        {
            HighRateSamples.Add(new HighRateSample
            {
                Line = line.Number,
                Connector = line.Connector,
                UptimeUs = line.UptimeUs,
                VoltageMv = line.VoltageMv,
                CurrentMa = line.CurrentMa,
                PowerW = line.PowerW,
                EnergyMwh = line.EnergyMwh,
            });
            stats.HighRate++;
            stats.LastHighRatePowerW = line.PowerW;
            groupHighRate++;
        }

        // The input ended (or reading stopped): close what is still open.
        public void Finish()
        {
            if (pendingBlank != null)
            {
                Note(pendingBlank.Number, "the stream ends with a blank line: a summary that did not come?");
                pendingBlank = null;
            }
            if (block != null)
            {
                bool isSummary = block == SummaryBlock;
                Report(Lines, ProblemKind.OutOfPlace, $"the stream ends inside the {(isSummary ? "summary" : "header")} that began at line {blockLine}");
                block = null;
                if (isSummary) EndSummary(complete: false);
            }
            if (Lines == 0) Notes.Add("nothing was read");
            else if (Summaries.Count == 0) Notes.Add("no session summary was read");
        }

        private void EndSummary(bool complete)
        {
            SummaryResult s = summary;
            summary = null;
            s.Complete = complete;
            Summaries.Add(s);
            CheckReadings(s);
            CheckBytes(s);
            CheckThroughput(s);
            CheckHighRate(s);
            foreach (FigureCheck check in s.Checks)
                if (check.Status == FigureStatus.Mismatch) Report(s.TitleLine, ProblemKind.Mismatch, check.Label + ": " + check.Detail);
            groupFirstStart = groupLastStop = null;
            groupMeters = groupHighRate = 0;
        }

        private void CheckReadings(SummaryResult s)
        {
            if (!s.Readings.HasValue) return;
            long n = s.Readings.Value;
            var check = new FigureCheck { Label = $"Total meter readings: {n}" };
            int read = MeterRows.Count;
            if (LastReading != 0 && LastReading != n)
            {
                check.Status = FigureStatus.Mismatch;
                check.Detail = $"the last reading read is #{LastReading}" + (SeenFromStart ? $", and {read} [METER] lines were read" : "");
            }
            else if (SeenFromStart && read != n)
            {
                check.Status = FigureStatus.Mismatch;
                check.Detail = $"{read} [METER] lines were read";
            }
            else if (SeenFromStart)
            {
                check.Status = FigureStatus.Ok;
                check.Detail = $"{read} [METER] lines read" + (LastReading != 0 ? $", the last is reading #{LastReading}" : "");
            }
            else if (LastReading != 0)
            {
                check.Status = FigureStatus.Ok;
                check.Detail = $"the last reading read is #{LastReading}; {read} [METER] lines read of a stream not read whole ({WhyNotWhole()})";
            }
            else
            {
                check.Status = FigureStatus.Unchecked;
                check.Detail = $"no [METER] line read, in a stream not read whole ({WhyNotWhole()})";
            }
            s.Checks.Add(check);
        }

        private void CheckBytes(SummaryResult s)
        {
            if (!s.Bytes.HasValue) return;
            long reported = s.Bytes.Value;
            var check = new FigureCheck { Label = $"USB data transferred: {reported} bytes" };
            long read = summaryMark;
            if (!StartedAtHeader)
            {
                check.Status = FigureStatus.Unchecked;
                check.Detail = $"{read} bytes read before the summary, from the middle of the stream (its first line is not the header)";
            }
            else if (reported == read)
            {
                check.Status = FigureStatus.Ok;
                check.Detail = $"{read} bytes read before the summary's blank line, header included";
            }
            else if (LostBytes > 0 && reported == read + LostBytes)
            {
                check.Status = FigureStatus.Ok;
                check.Detail = $"{read} bytes read before the summary's blank line and {LostBytes} bytes reported [LOST]";
            }
            else
            {
                check.Status = FigureStatus.Mismatch;
                long diff = reported - read;
                check.Detail = $"{read} bytes were read before the summary's blank line, header included ({(diff > 0 ? "+" : "")}{diff}"
                    + (HeaderBytes > 0 ? $"; the header is {HeaderBytes} bytes" : "") + (LostBytes > 0 ? $"; {LostBytes} bytes reported [LOST]" : "") + ")";
            }
            s.Checks.Add(check);
        }

        private void CheckThroughput(SummaryResult s)
        {
            if (!s.Throughput.HasValue) return;
            long reported = s.Throughput.Value;
            var check = new FigureCheck { Label = $"Average throughput: ~{reported} bytes/sec" };
            long bytes = s.Bytes ?? summaryMark;
            if (reported > bytes)
            {
                check.Status = FigureStatus.Mismatch;
                check.Detail = $"more than the {bytes} bytes in one second (the duration is at least 1 s)";
            }
            else if (groupFirstStart == null || groupLastStop == null)
            {
                check.Status = FigureStatus.Unchecked;
                check.Detail = "no START and STOP before the summary";
            }
            else if (!groupFirstStart.Timestamp.HasValue || !groupLastStop.Timestamp.HasValue)
            {
                check.Status = FigureStatus.Unchecked;
                check.Detail = "no timestamp prefix on START and STOP"
                    + (reported > 0 ? $"; the figures imply a session of about {Fixed(bytes / (double)reported, 1)} s" : "");
            }
            else
            {
                // The firmware counts whole seconds from its own clock: accept the second either side.
                double span = groupLastStop.Timestamp.Value - groupFirstStart.Timestamp.Value;
                long low = Math.Max(1, (long)Math.Floor(span)), high = Math.Max(1, (long)Math.Ceiling(span));
                string where = $"{bytes} bytes / {Fixed(span, 3)} s from START at line {groupFirstStart.Number} to STOP at line {groupLastStop.Number}";
                if (reported == bytes / low || reported == bytes / high)
                {
                    check.Status = FigureStatus.Ok;
                    check.Detail = where;
                }
                else
                {
                    check.Status = FigureStatus.Mismatch;
                    check.Detail = where + $" gives {bytes / low}" + (high != low ? $" or {bytes / high}" : "");
                }
            }
            s.Checks.Add(check);
        }

        private void CheckHighRate(SummaryResult s)
        {
            if (!s.HighRateSamples.HasValue)
            {
                if (groupHighRate > 0)
                    s.Checks.Add(new FigureCheck
                    {
                        Label = "High-rate samples",
                        Status = FigureStatus.Mismatch,
                        Detail = $"{groupHighRate} [HR] samples were read, and the summary has no High-rate line",
                    });
                return;
            }
            long n = s.HighRateSamples.Value, dropped = s.HighRateDropped.Value, hz = s.HighRateHz.Value;
            var count = new FigureCheck { Label = $"High-rate samples: {n}" };
            int read = HighRateSamples.Count;
            if (!SeenFromStart)
            {
                count.Status = read > n ? FigureStatus.Mismatch : FigureStatus.Unchecked;
                count.Detail = $"{read} [HR] samples read of a stream not read whole ({WhyNotWhole()})";
            }
            else if (dropped == 0)
            {
                count.Status = read == n ? FigureStatus.Ok : FigureStatus.Mismatch;
                count.Detail = $"{read} [HR] samples read, none dropped";
            }
            else
            {
                count.Status = read <= n ? FigureStatus.Ok : FigureStatus.Mismatch;
                count.Detail = $"{read} [HR] samples read, {dropped} bytes of samples dropped";
            }
            s.Checks.Add(count);

            var rate = new FigureCheck { Label = $"High-rate samples at {hz} Hz per connector" };
            double measured = MeasuredRateHz(out int connectors);
            if (connectors == 0)
            {
                rate.Status = FigureStatus.Unchecked;
                rate.Detail = "fewer than 2 samples on every connector";
            }
            else
            {
                // The samples' uptime is the firmware's own clock: the spacing is exact but for drops.
                rate.Status = hz > 0 && Math.Abs(measured - hz) <= hz * 0.02 ? FigureStatus.Ok : FigureStatus.Mismatch;
                rate.Detail = $"the samples' median spacing gives {Fixed(measured, 1)} Hz";
            }
            s.Checks.Add(rate);
        }

        // 1 / the median spacing of successive samples of one connector, over all connectors.
        public double MeasuredRateHz(out int connectors)
        {
            var gaps = new List<long>();
            var last = new Dictionary<int, long>();
            foreach (HighRateSample sample in HighRateSamples)
            {
                if (last.TryGetValue(sample.Connector, out long previous) && sample.UptimeUs > previous)
                    gaps.Add(sample.UptimeUs - previous);
                last[sample.Connector] = sample.UptimeUs;
            }
            connectors = gaps.Count > 0 ? last.Count : 0;
            if (gaps.Count == 0) return 0;
            gaps.Sort();
            return 1e6 / gaps[gaps.Count / 2];
        }

        private string WhyNotWhole()
        {
            if (!StartedAtHeader) return "it does not begin with the header";
            if (LostLines > 0) return $"{LostBytes} bytes were lost";
            return "readings are missing";
        }

        private ConnectorStats Stats(int connector)
        {
            if (!Connectors.TryGetValue(connector, out ConnectorStats stats))
            {
                stats = new ConnectorStats { Connector = connector };
                Connectors.Add(connector, stats);
            }
            return stats;
        }

        private void Report(int line, ProblemKind kind, string message)
        {
            ProblemCount++;
            if (Problems.Count < MaxProblemsKept) Problems.Add(new Problem { Line = line, Kind = kind, Message = message });
        }

        private void Note(int line, string message) => Notes.Add("line " + line + ": " + message);

        private static string Describe(LineKind kind) => kind switch
        {
            LineKind.HeaderUsb => "\"" + LineParser.HeaderUsbText + "\"",
            LineKind.HeaderLogging => "\"" + LineParser.HeaderLoggingText + "\"",
            LineKind.Blank => "the header's blank line",
            LineKind.SummaryReadings => "\"Total meter readings: <N>\"",
            LineKind.SummaryBytes => "\"USB data transferred: <bytes> bytes\"",
            LineKind.SummaryThroughput => "\"Average throughput: ~<bytes/s> bytes/sec\"",
            LineKind.SummaryHighRate => "\"High-rate samples: ...\" or \"" + LineParser.SummaryClosingText + "\"",
            LineKind.SummaryClosing => "\"" + LineParser.SummaryClosingText + "\"",
            _ => kind.ToString(),
        };

        private static string Quote(string text) => "\"" + (text.Length > 80 ? text.Substring(0, 80) + "..." : text) + "\"";

        public static string Fixed(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }
}
