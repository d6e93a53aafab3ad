using System;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;

namespace ChargePoint.Logview.Inputs
{
    public enum InputKind { File, Serial, Pty, Tcp, StandardInput }

    // The input argument: "-" (standard input), tcp:HOST:PORT, serial:DEVICE, pty:DEVICE,
    // file:PATH, or a bare path: /dev/pts/N is a pty, another /dev/... node or COMn a serial port,
    // anything else a file.
    public sealed class InputSpec
    {
        public InputKind Kind;
        public string Path;          // file, device
        public string Host;          // tcp
        public int Port;             // tcp

        public override string ToString() => Kind switch
        {
            InputKind.Tcp => $"tcp:{Host}:{Port}",
            InputKind.StandardInput => "standard input",
            InputKind.Serial => "serial:" + Path,
            InputKind.Pty => "pty:" + Path,
            _ => Path,
        };

        public static bool TryParse(string text, out InputSpec spec, out string error)
        {
            spec = null;
            error = null;
            if (string.IsNullOrEmpty(text)) { error = "the input is empty"; return false; }
            if (text == "-") { spec = new InputSpec { Kind = InputKind.StandardInput }; return true; }
            if (text.StartsWith("tcp:", StringComparison.Ordinal))
            {
                string rest = text.Substring(4);
                int colon = rest.LastIndexOf(':');
                if (colon <= 0 || !int.TryParse(rest.Substring(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port < 1 || port > 65535)
                {
                    error = $"'{text}': expected tcp:HOST:PORT with a port from 1 to 65535 (e.g. tcp:127.0.0.1:5556)";
                    return false;
                }
                string host = rest.Substring(0, colon).Trim('[', ']');
                spec = new InputSpec { Kind = InputKind.Tcp, Host = host, Port = port };
                return true;
            }
            InputKind? forced = null;
            string path = text;
            foreach ((string prefix, InputKind kind) in new[] { ("serial:", InputKind.Serial), ("pty:", InputKind.Pty), ("file:", InputKind.File) })
            {
                if (!text.StartsWith(prefix, StringComparison.Ordinal)) continue;
                forced = kind;
                path = text.Substring(prefix.Length);
                if (path.Length == 0) { error = $"'{text}': no path after {prefix}"; return false; }
            }
            spec = new InputSpec { Kind = forced ?? Guess(path), Path = path };
            return true;
        }

        private static InputKind Guess(string path)
        {
            if (Regex.IsMatch(path, @"^COM\d+$", RegexOptions.IgnoreCase)) return InputKind.Serial;
            if (!path.StartsWith("/dev/", StringComparison.Ordinal)) return InputKind.File;
            string target = path;
            try
            {
                // /dev/serial/by-id/... are links to /dev/ttyACMn; a link may also point at a pty.
                FileSystemInfo link = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
                if (link != null) target = link.FullName;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            return target.StartsWith("/dev/pts/", StringComparison.Ordinal) ? InputKind.Pty : InputKind.Serial;
        }
    }
}
