using System;
using System.Collections.Generic;
using System.IO;
using ChargePoint.Logview.Session;
using ScottPlot;
using SkiaSharp;

namespace ChargePoint.Logview.Plots
{
    // The plot: energy (Wh) and power (W) per connector over time, stacked, as PNG and SVG, and a
    // third panel with the [HR] samples' power when there are any. Power is what the readings
    // give: delta Wh / delta t between two readings of one session, drawn as a step over that
    // interval. Without a timestamp prefix there is no time: the x axis is the readings' order and
    // the lower panel shows Wh per reading, both labelled so.
    //
    // It draws with no display and no fontconfig (SkiaSharp's NoDependencies native library): the
    // font is loaded from its file, so a bare machine needs only a TrueType font on disk
    // (Debian's fonts-dejavu-core, which tools/deps.sh installs, or LOGVIEW_FONT=path.ttf).
    public static class SessionPlot
    {
        public const int Width = 1200;
        private const string FontName = "LogviewSans";
        private const int MaxHighRatePoints = 4000;   // per connector: every k-th sample beyond that

        private static readonly string[] FontCandidates =
        {
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/TTF/DejaVuSans.ttf",
            "/usr/share/fonts/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
        };

        private static string fontFile;
        private static bool fontTried;

        // Writes session.png and session.svg into dir; returns their paths. A warning (no font
        // found: the text would not show) goes to warn.
        public static string[] Write(SessionCheck check, string dir, string title, Action<string> warn)
        {
            string font = LoadFont(warn);
            bool timed = check.HasTimestamps;
            var multiplot = new Multiplot();         // it comes with one plot
            Plot energy = multiplot.Count() > 0 ? multiplot.GetPlot(0) : multiplot.AddPlot();
            Plot power = multiplot.AddPlot();
            Plot highRate = check.HasHighRate ? multiplot.AddPlot() : null;

            string xLabel = timed ? "time (s, the stream's timestamp prefix)" : "reading # (order in the stream: no timestamp prefix, so no time axis)";
            energy.Title(title, 16);
            energy.YLabel("energy (Wh)");
            energy.XLabel(xLabel);
            power.YLabel(timed ? "power (W) = ΔWh / Δt" : "ΔWh since the connector's previous reading");
            power.XLabel(xLabel);
            if (!timed) power.Title("no timestamps: power needs a time base (turn the timestamp prefix on)", 12);

            var palette = new ScottPlot.Palettes.Category10();
            int index = 0;
            foreach (ConnectorStats stats in check.Connectors.Values)
            {
                Color color = palette.GetColor(index++);
                string name = "connector " + stats.Connector + (stats.IdTag != null ? " (" + stats.IdTag + ")" : "");
                AddMeterSeries(check, stats.Connector, name, energy, power, color, timed);
                if (highRate != null) AddHighRateSeries(check, stats.Connector, name, highRate, color);
            }
            // Power from 0 up: the steps of whole-Wh readings look like what they are.
            power.Axes.AutoScaleY();
            AxisLimits limits = power.Axes.GetLimits();
            if (limits.Bottom >= 0 && limits.Top > 0) power.Axes.SetLimitsY(0, limits.Top * 1.08);
            if (check.MeterRows.Count == 0)
            {
                var note = energy.Add.Annotation("no [METER] lines in the stream", Alignment.MiddleCenter);
                if (font != null) note.LabelFontName = font;
            }

            if (highRate != null)
            {
                highRate.Title("high-rate samples ([HR] lines)", 12);
                highRate.YLabel("power (W)");
                highRate.XLabel("uptime (s, from the samples)");
                // From 0 up as above: a steady power is a flat line, not ticks a milliwatt apart.
                highRate.Axes.AutoScaleY();
                AxisLimits hr = highRate.Axes.GetLimits();
                if (hr.Bottom >= 0 && hr.Top > 0) highRate.Axes.SetLimitsY(0, hr.Top * 1.08);
            }

            foreach (Plot plot in multiplot.GetPlots())
            {
                if (font != null) plot.Font.Set(font);
                if (plot.GetPlottables().GetEnumerator().MoveNext()) plot.ShowLegend(plot == highRate ? Alignment.LowerRight : Alignment.UpperLeft);
            }
            // The timestamp prefix and the samples' uptime are the same clock (the firmware's uptime).
            Plot[] shared = highRate != null && timed ? new[] { energy, power, highRate } : new[] { energy, power };
            double left = double.PositiveInfinity, right = double.NegativeInfinity;
            foreach (Plot plot in shared)
            {
                plot.Axes.AutoScaleX();
                AxisLimits x = plot.Axes.GetLimits();
                left = Math.Min(left, x.Left);
                right = Math.Max(right, x.Right);
            }
            if (left < right)
                foreach (Plot plot in shared) plot.Axes.SetLimitsX(left, right);

            int height = highRate != null ? 1150 : 820;
            Directory.CreateDirectory(dir);
            string png = Path.Combine(dir, "session.png");
            string svg = Path.Combine(dir, "session.svg");
            multiplot.SavePng(png, Width, height);
            using (FileStream stream = File.Create(svg))
            {
                using (SKCanvas canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, height), stream))
                    multiplot.Render(canvas, new PixelRect(new PixelSize(Width, height)));
            }
            return new[] { png, svg };
        }

        private static void AddMeterSeries(SessionCheck check, int connector, string name, Plot energy, Plot power, Color color, bool timed)
        {
            // One line per session: a row with no DeltaWh opens a session.
            var xs = new List<double>();
            var ys = new List<double>();
            var px = new List<double>();
            var py = new List<double>();
            bool labelled = false, powerLabelled = false;
            foreach (MeterRow row in check.MeterRows)
            {
                if (row.Connector != connector) continue;
                if (!row.DeltaWh.HasValue && xs.Count > 0)
                {
                    Flush(energy, power, name, color, xs, ys, px, py, ref labelled, ref powerLabelled);
                }
                double x = timed && row.TimeS.HasValue ? row.TimeS.Value : row.Order;
                xs.Add(x);
                ys.Add(row.EnergyWh);
                if (timed ? row.PowerW.HasValue : row.DeltaWh.HasValue)
                {
                    if (px.Count == 0 && row.DeltaWh.HasValue && xs.Count >= 2)
                    {
                        // The step starts where the first interval starts.
                        px.Add(xs[xs.Count - 2]);
                        py.Add(timed ? row.PowerW.Value : row.DeltaWh.Value);
                    }
                    px.Add(x);
                    py.Add(timed ? row.PowerW.Value : row.DeltaWh.Value);
                }
            }
            if (xs.Count > 0) Flush(energy, power, name, color, xs, ys, px, py, ref labelled, ref powerLabelled);
        }

        private static void Flush(Plot energy, Plot power, string name, Color color, List<double> xs, List<double> ys,
            List<double> px, List<double> py, ref bool labelled, ref bool powerLabelled)
        {
            var line = energy.Add.Scatter(xs.ToArray(), ys.ToArray(), color);
            line.MarkerSize = xs.Count > 200 ? 0 : 4;
            if (!labelled) { line.LegendText = name; labelled = true; }
            if (px.Count > 0)
            {
                var step = power.Add.Scatter(px.ToArray(), py.ToArray(), color);
                step.ConnectStyle = ConnectStyle.StepVertical;
                step.MarkerSize = 0;
                step.LineWidth = 2;
                if (!powerLabelled) { step.LegendText = name; powerLabelled = true; }
            }
            xs.Clear(); ys.Clear(); px.Clear(); py.Clear();
        }

        private static void AddHighRateSeries(SessionCheck check, int connector, string name, Plot plot, Color color)
        {
            int total = 0;
            foreach (HighRateSample s in check.HighRateSamples) if (s.Connector == connector) total++;
            if (total == 0) return;
            int every = Math.Max(1, (total + MaxHighRatePoints - 1) / MaxHighRatePoints);
            var xs = new List<double>();
            var ys = new List<double>();
            int i = 0;
            foreach (HighRateSample s in check.HighRateSamples)
            {
                if (s.Connector != connector || i++ % every != 0) continue;
                xs.Add(s.UptimeUs / 1e6);
                ys.Add(s.PowerW);
            }
            var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray(), color);
            line.LegendText = name + (every > 1 ? $" (1 in {every} of {total} samples drawn)" : $" ({total} samples)");
        }

        private static string LoadFont(Action<string> warn)
        {
            if (fontTried) return fontFile != null ? FontName : null;
            fontTried = true;
            var candidates = new List<string>();
            string chosen = Environment.GetEnvironmentVariable("LOGVIEW_FONT");
            if (!string.IsNullOrEmpty(chosen)) candidates.Add(chosen);
            candidates.AddRange(FontCandidates);
            foreach (string path in candidates)
            {
                if (!File.Exists(path)) continue;
                Fonts.AddFontFile(FontName, path, bold: false, italic: false);
                fontFile = path;
                return FontName;
            }
            // Windows and macOS have their own font managers in SkiaSharp; Linux without fontconfig does not.
            if (OperatingSystem.IsLinux())
                warn("no TrueType font found (install fonts-dejavu-core, or set LOGVIEW_FONT=/path/to/font.ttf): the plot's text may be missing");
            return null;
        }
    }
}
