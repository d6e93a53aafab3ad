using System;
using System.Globalization;
using ChargePoint.Logview.Session;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ChargePoint.Logview.Views
{
    // On a terminal: a live table (Spectre.Console) of the line kinds, each connector's session,
    // readings and rates, and the latest problems, redrawn as data arrives.
    public sealed class SpectreView : ILiveView
    {
        private const int ProblemsShown = 6;
        private LiveDisplayContext context;

        public void Run(Action body)
        {
            AnsiConsole.Live(new Text("logview: starting"))
                .AutoClear(false)
                .Overflow(VerticalOverflow.Ellipsis)
                .Start(ctx =>
                {
                    context = ctx;
                    body();
                });
        }

        public void Show(ViewState state)
        {
            if (context == null) return;
            context.UpdateTarget(Render(state));
            context.Refresh();
        }

        private static IRenderable Render(ViewState state)
        {
            SessionCheck c = state.Check;
            var title = new Markup($"[bold]logview[/] {Markup.Escape(state.Source)}  [grey]{F(state.ElapsedS, 1)} s[/]  "
                + $"{c.Lines} lines, {c.Bytes} bytes{(c.HasTimestamps ? ", timestamped" : "")}"
                + (state.Status.Length > 0 ? $"  [yellow]{Markup.Escape(state.Status)}[/]" : ""));

            var kinds = new Table().Border(TableBorder.Rounded).Title("lines");
            string[] names = { "header", "LOST", "START", "AUTH", "METER", "STOP", "HR", "summary", "unknown", "malformed", "problems" };
            foreach (string name in names) kinds.AddColumn(new TableColumn(name).RightAligned());
            kinds.AddRow(
                N(c.Count(LineKind.HeaderTitle)), N(c.Count(LineKind.Lost)), N(c.Count(LineKind.Start)), N(c.Count(LineKind.Auth)),
                N(c.Count(LineKind.Meter)), N(c.Count(LineKind.Stop)), N(c.Count(LineKind.HighRate)), N(c.Count(LineKind.SummaryTitle)),
                Bad(c.Count(LineKind.Unknown)), Bad(c.Count(LineKind.Malformed)), Bad(c.ProblemCount));

            var connectors = new Table().Border(TableBorder.Rounded).Title("connectors")
                .Caption("rates on the stream's clock; * on the host's, as the lines arrived (no timestamps)");
            foreach (string name in new[] { "conn", "session", "idTag", "readings", "energy Wh", "power W", "HR W", "lines", "bytes", "lines/s", "bytes/s" })
                connectors.AddColumn(new TableColumn(name).RightAligned());
            foreach (ConnectorStats s in c.Connectors.Values)
            {
                bool rates = s.TryRates(out double lps, out double bps, out string clock);
                connectors.AddRow(
                    N(s.Connector),
                    s.Charging ? "[green]charging[/]" : s.Sessions > 0 ? "stopped" : "[grey]-[/]",
                    Markup.Escape(s.IdTag ?? "-") + (s.Authorized == false ? " [red](refused)[/]" : ""),
                    N(s.Meters),
                    s.LastWh.HasValue ? N(s.LastWh.Value) : "-",
                    s.LastPowerW.HasValue ? F(s.LastPowerW.Value, 0) : "-",
                    s.LastHighRatePowerW.HasValue ? N(s.LastHighRatePowerW.Value) : "-",
                    N(s.Lines), N(s.Bytes),
                    rates ? F(lps, 2) + (clock == "host" ? "*" : "") : "-",
                    rates ? F(bps, 1) + (clock == "host" ? "*" : "") : "-");
            }
            if (c.Connectors.Count == 0) connectors.AddRow("[grey]no connector yet[/]");

            if (c.Problems.Count == 0) return new Rows(title, kinds, connectors, new Markup(state.Final ? "[green]no problem[/]" : "[green]no problem so far[/]"));
            var problems = new Table().Border(TableBorder.Rounded).Title($"latest problems ({c.ProblemCount})").AddColumn("line").AddColumn("what");
            for (int i = Math.Max(0, c.Problems.Count - ProblemsShown); i < c.Problems.Count; i++)
            {
                Problem p = c.Problems[i];
                problems.AddRow(p.Line > 0 ? N(p.Line) : "-", Markup.Escape(Problem.KindName(p.Kind) + ": " + p.Message));
            }
            return new Rows(title, kinds, connectors, problems);
        }

        private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
        private static string Bad(long value) => value == 0 ? "0" : $"[red]{value.ToString(CultureInfo.InvariantCulture)}[/]";
        private static string F(double value, int decimals) => SessionCheck.Fixed(value, decimals);
    }
}
