using System.Collections.Generic;
using System.Text;

namespace ChargePoint.Logview.Session
{
    // The text report printed at the end (and written to report.txt): counts, connectors, summary
    // figures checked, problems with their line numbers.
    public static class SessionReport
    {
        public static string Counts(SessionCheck c) =>
            $"header {c.Count(LineKind.HeaderTitle)}, LOST {c.Count(LineKind.Lost)}, START {c.Count(LineKind.Start)}, AUTH {c.Count(LineKind.Auth)}, "
            + $"METER {c.Count(LineKind.Meter)}, STOP {c.Count(LineKind.Stop)}, HR {c.Count(LineKind.HighRate)}, summary {c.Count(LineKind.SummaryTitle)}, "
            + $"unknown {c.Count(LineKind.Unknown)}, malformed {c.Count(LineKind.Malformed)}";

        public static string Connector(ConnectorStats s)
        {
            var text = new StringBuilder();
            text.Append("connector ").Append(s.Connector).Append(": ");
            if (s.IdTag != null) text.Append("ID=").Append(s.IdTag).Append(s.Authorized == true ? " authorized" : s.Authorized == false ? " not authorized" : "").Append(", ");
            text.Append(s.Charging ? "charging" : s.Sessions > 0 ? "stopped" : "no START read").Append(", ");
            text.Append(s.Meters).Append(" readings");
            if (s.LastWh.HasValue) text.Append(", last ").Append(s.LastWh.Value).Append(" Wh");
            if (s.LastPowerW.HasValue) text.Append(", ").Append(SessionCheck.Fixed(s.LastPowerW.Value, 0)).Append(" W");
            if (s.HighRate > 0) text.Append(", ").Append(s.HighRate).Append(" HR samples (last ").Append(s.LastHighRatePowerW).Append(" W)");
            text.Append("; ").Append(s.Lines).Append(" lines, ").Append(s.Bytes).Append(" bytes");
            if (s.TryRates(out double lines, out double bytes, out string clock))
                text.Append(", ").Append(SessionCheck.Fixed(lines, 2)).Append(" lines/s, ").Append(SessionCheck.Fixed(bytes, 1)).Append(" bytes/s (").Append(clock).Append(" clock)");
            return text.ToString();
        }

        public static List<string> Lines(SessionCheck c, string source, int maxProblems)
        {
            var lines = new List<string>
            {
                $"logview: {source}: {c.Lines} lines, {c.Bytes} bytes" + (c.HasTimestamps ? ", timestamped" : ", no timestamp prefix") + (c.StartedAtHeader || c.Lines == 0 ? "" : ", not from the header on"),
                "lines: " + Counts(c),
            };
            foreach (ConnectorStats s in c.Connectors.Values) lines.Add(Connector(s));
            foreach (SummaryResult s in c.Summaries)
            {
                lines.Add($"summary at line {s.TitleLine}" + (s.Complete ? ":" : " (cut short):"));
                foreach (FigureCheck check in s.Checks) lines.Add("  " + check);
            }
            foreach (string note in c.Notes) lines.Add("note: " + note);
            lines.Add(c.ProblemCount == 0 ? "problems: none" : $"problems: {c.ProblemCount}");
            int shown = System.Math.Min(maxProblems, c.Problems.Count);
            for (int i = 0; i < shown; i++) lines.Add("  " + c.Problems[i]);
            if (c.ProblemCount > shown) lines.Add($"  ... and {c.ProblemCount - shown} more");
            return lines;
        }
    }
}
