using System.Globalization;
using System.IO;
using System.Text;

namespace ChargePoint.Logview.Session
{
    // The CSVs: one row per [METER] line (meter.csv) and one per [HR] sample (hr.csv). Invariant
    // culture, "\n" line ends, empty cells where a value is not known (no timestamp, first reading).
    public static class CsvExport
    {
        public const string MeterHeader = "line,order,time_s,connector,reading,energy_wh,delta_wh,power_w";
        public const string HighRateHeader = "line,connector,uptime_us,voltage_mv,current_ma,power_w,energy_mwh";

        public static void WriteMeter(SessionCheck check, TextWriter writer)
        {
            writer.Write(MeterHeader + "\n");
            var row = new StringBuilder();
            foreach (MeterRow r in check.MeterRows)
            {
                row.Clear();
                row.Append(r.Line).Append(',').Append(r.Order).Append(',');
                if (r.TimeS.HasValue) row.Append(r.TimeS.Value.ToString("0.000###", CultureInfo.InvariantCulture));
                row.Append(',').Append(r.Connector).Append(',').Append(r.Reading).Append(',').Append(r.EnergyWh).Append(',');
                if (r.DeltaWh.HasValue) row.Append(r.DeltaWh.Value);
                row.Append(',');
                if (r.PowerW.HasValue) row.Append(r.PowerW.Value.ToString("0.###", CultureInfo.InvariantCulture));
                writer.Write(row.Append('\n').ToString());
            }
        }

        public static void WriteHighRate(SessionCheck check, TextWriter writer)
        {
            writer.Write(HighRateHeader + "\n");
            foreach (HighRateSample s in check.HighRateSamples)
                writer.Write(string.Join(',', s.Line, s.Connector, s.UptimeUs, s.VoltageMv, s.CurrentMa, s.PowerW, s.EnergyMwh) + "\n");
        }
    }
}
