using System.Globalization;
using ChargePoint.Logview.Inputs;

namespace ChargePoint.Logview
{
    // The command line (see Help).
    public sealed class Options
    {
        public const int ExitOk = 0;
        public const int ExitProblems = 1;
        public const int ExitUsage = 2;
        public const int ExitInput = 3;
        public const int ExitOutput = 4;

        public const string Help =
@"logview: reads the charging-session stream of SharpCharge (its USB CDC-ACM port, or UART1
under QEMU), checks every line against the stream's format, shows it live and writes a plot
and CSVs.

usage: logview INPUT [--out DIR] [--follow] [--seconds N] [--until-summary] [--plain]
                     [--baud N] [--max-problems N]
       logview --help

INPUT
  PATH                 a file, read to its end (QEMU's -serial file:PATH; make run writes
                       build/mps2-an500/session.log)
  /dev/ttyACM0, COM5   a serial device (the board's CDC-ACM port: DTR is set, which opens it;
                       serial:PATH forces this reading of PATH)
  /dev/pts/N           a pty (QEMU's -serial pty prints which; pty:PATH forces it)
  tcp:HOST:PORT        a TCP socket, e.g. tcp:127.0.0.1:5556 for QEMU's
                       -serial tcp:127.0.0.1:5556,server,nowait
  -                    standard input
  file:PATH            PATH as a file whatever its name

OPTIONS
  --out DIR            write into DIR: meter.csv (one row per [METER] line: line, order,
                       time_s, connector, reading, energy_wh, delta_wh, power_w), hr.csv (one
                       row per [HR] sample, when there are any), session.png and session.svg
                       (energy and power per connector), report.txt (the report below).
                       Without --out nothing is written.
  -f, --follow         keep reading at the end, like tail -F: wait for a file to appear, start
                       again when it is truncated (a new QEMU run); try a device or a socket
                       again when it is missing, refuses or goes away. Stop with Ctrl-C (the
                       outputs are written then).
  --seconds N          stop after N seconds of reading (N > 0; decimals allowed)
  --until-summary      stop once a session summary has been read
  --plain              plain text lines even on a terminal (they are the default on a pipe;
                       a terminal gets a live Spectre.Console table)
  --baud N             a serial port's speed (default 115200; CDC-ACM ignores it)
  --max-problems N     problems listed in the report (default 50; report.txt has them all)
  -h, --help           this text

CHECKS
  Each line must be one of the format's: the header (and [LOST] right after it), [START],
  [AUTH], [METER], [STOP] (each with the optional timestamp prefix [hh:mm:ss.mmm,uuu], all or
  none of them), [HR] samples, the summary; lines end with \r\n. Unknown and malformed lines,
  lines out of place, readings missing or out of order, START/STOP that do not pair up are
  reported with their line numbers. Each summary is checked against what was read:
  Total meter readings = the [METER] lines read and the last reading #; USB data transferred =
  the bytes read before the summary's blank line, header included (plus the bytes a [LOST]
  line reports); Average throughput = those bytes / whole seconds from the first START to the
  last STOP, which needs timestamps; High-rate samples = the [HR] lines read, at the rate their
  uptimes show. A stream read from its middle (not from the header) is checked as far as it can
  be, and the report says what could not be.

PLOTS
  Power is derived from the readings: delta Wh / delta t between two readings of one session.
  That needs the timestamp prefix (the firmware's configuration, off by default): it is the
  recommended mode for plots. Without it the x axis is the readings' order and the lower
  panel shows Wh per reading instead of W, labelled so. [HR] samples get their own panel
  (power over their uptime). The font is loaded from a file (DejaVu Sans from Debian's
  fonts-dejavu-core; LOGVIEW_FONT=path.ttf for another): no display or fontconfig is needed.

EXIT CODES
  0  every line follows the format and every summary figure checks out
  1  problems were found (listed in the report)
  2  bad command line
  3  the input could not be opened or read
  4  the outputs could not be written";

        public InputSpec Input;
        public string OutDir;
        public bool Follow;
        public double? Seconds;
        public bool UntilSummary;
        public bool Plain;
        public int Baud = 115200;
        public int MaxProblems = 50;
        public bool ShowHelp;

        public static bool TryParse(string[] args, out Options options, out string error)
        {
            options = new Options();
            error = null;
            string input = null;
            for (int i = 0; i < args.Length; i++)
            {
                string a = args[i];
                switch (a)
                {
                    case "-h":
                    case "--help":
                        options.ShowHelp = true;
                        return true;
                    case "-f":
                    case "--follow":
                        options.Follow = true;
                        continue;
                    case "--until-summary":
                        options.UntilSummary = true;
                        continue;
                    case "--plain":
                        options.Plain = true;
                        continue;
                    case "--out":
                        if (!Value(args, ref i, out options.OutDir, out error)) return false;
                        continue;
                    case "--seconds":
                        if (!Value(args, ref i, out string seconds, out error)) return false;
                        if (!double.TryParse(seconds, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double s) || s <= 0)
                        {
                            error = $"--seconds {seconds}: expected a number of seconds above 0";
                            return false;
                        }
                        options.Seconds = s;
                        continue;
                    case "--baud":
                        if (!Value(args, ref i, out string baud, out error)) return false;
                        if (!int.TryParse(baud, NumberStyles.None, CultureInfo.InvariantCulture, out options.Baud) || options.Baud <= 0)
                        {
                            error = $"--baud {baud}: expected a positive whole number";
                            return false;
                        }
                        continue;
                    case "--max-problems":
                        if (!Value(args, ref i, out string max, out error)) return false;
                        if (!int.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out options.MaxProblems))
                        {
                            error = $"--max-problems {max}: expected a whole number";
                            return false;
                        }
                        continue;
                }
                if (a.StartsWith("-", System.StringComparison.Ordinal) && a != "-")
                {
                    error = $"unknown option {a}";
                    return false;
                }
                if (input != null)
                {
                    error = $"one input only: '{input}' and '{a}'";
                    return false;
                }
                input = a;
            }
            if (input == null)
            {
                error = "no input: give a file, a device (/dev/ttyACM0), a pty or tcp:HOST:PORT";
                return false;
            }
            if (!InputSpec.TryParse(input, out options.Input, out error)) return false;
            if (options.OutDir != null && options.OutDir.Length == 0)
            {
                error = "--out: the folder's name is empty";
                return false;
            }
            return true;
        }

        private static bool Value(string[] args, ref int i, out string value, out string error)
        {
            error = null;
            value = null;
            if (i + 1 >= args.Length || (args[i + 1].StartsWith("--", System.StringComparison.Ordinal)))
            {
                error = $"{args[i]} needs a value";
                return false;
            }
            value = args[++i];
            return true;
        }
    }
}
