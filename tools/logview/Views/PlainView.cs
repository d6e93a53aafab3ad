using System;
using System.Text;
using ChargePoint.Logview.Session;

namespace ChargePoint.Logview.Views
{
    // For a pipe or CI: one status line a second while a live input brings data, nothing for a
    // file read at once (the report follows in both cases). Messages from the input as they come.
    public sealed class PlainView : ILiveView
    {
        private double lastPrintS = double.NegativeInfinity;
        private long lastBytes;
        private string lastStatus = "";

        public void Run(Action body) => body();

        public void Show(ViewState state)
        {
            if (state.Status != lastStatus)
            {
                lastStatus = state.Status;
                // A file read at once has nothing to say before the report.
                if (state.Status.Length > 0 && state.Live) Console.WriteLine("logview: " + state.Status);
            }
            if (state.Final || !state.Live) return;
            SessionCheck c = state.Check;
            if (c.Bytes == lastBytes || c.Bytes == 0 || state.ElapsedS - lastPrintS < 1.0) return;
            lastBytes = c.Bytes;
            lastPrintS = state.ElapsedS;
            var line = new StringBuilder();
            line.Append('[').Append(SessionCheck.Fixed(state.ElapsedS, 1).PadLeft(6)).Append(" s] ");
            line.Append(c.Lines).Append(" lines ").Append(c.Bytes).Append(" bytes: ");
            line.Append("START ").Append(c.Count(LineKind.Start)).Append(" AUTH ").Append(c.Count(LineKind.Auth));
            line.Append(" METER ").Append(c.Count(LineKind.Meter)).Append(" STOP ").Append(c.Count(LineKind.Stop));
            line.Append(" HR ").Append(c.Count(LineKind.HighRate)).Append(" | problems ").Append(c.ProblemCount);
            foreach (ConnectorStats s in c.Connectors.Values)
            {
                line.Append(" | c").Append(s.Connector).Append(' ');
                line.Append(s.LastWh.HasValue ? s.LastWh.Value + " Wh" : "- Wh");
                if (s.LastPowerW.HasValue) line.Append(' ').Append(SessionCheck.Fixed(s.LastPowerW.Value, 0)).Append(" W");
                if (s.TryRates(out double lps, out double bps, out _))
                    line.Append(' ').Append(SessionCheck.Fixed(lps, 1)).Append(" lines/s ").Append(SessionCheck.Fixed(bps, 0)).Append(" B/s");
            }
            Console.WriteLine(line.ToString());
        }
    }
}
