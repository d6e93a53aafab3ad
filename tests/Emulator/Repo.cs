using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace ChargePoint.Tests.Emulator
{
    // Where the repository is, and the images `make` builds in it.
    public static class Repo
    {
        private static readonly object BuildLock = new object();
        private static readonly HashSet<string> Built = new HashSet<string>();

        public static string Root { get; } = FindRoot();

        private static string FindRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Makefile")) && Directory.Exists(Path.Combine(dir.FullName, "firmware")))
                    return dir.FullName;
            throw new InvalidOperationException("repository root (with Makefile and firmware/) not found above " + AppContext.BaseDirectory);
        }

        // Builds (incrementally: `make test` has usually built it already) and returns the ELF path.
        public static string Image(string board, string variant = "")
        {
            string dir = board + (variant.Length > 0 ? "-" + variant : "");
            lock (BuildLock)
            {
                if (Built.Add(dir))
                {
                    string args = $"--no-print-directory -s BOARD={board}" + (variant.Length > 0 ? $" VARIANT={variant}" : "");
                    var (code, output) = Run("make", args, TimeSpan.FromMinutes(10));
                    if (code != 0) throw new InvalidOperationException($"make {args} failed ({code}):\n{output}");
                }
            }
            return Path.Combine(Root, "build", dir, "sharpcharge.elf");
        }

        public static (int ExitCode, string Output) Run(string file, string arguments, TimeSpan limit) =>
            Run(new ProcessStartInfo(file, arguments), limit);

        // The same with one element per argument, unquoted.
        public static (int ExitCode, string Output) Run(string file, IEnumerable<string> arguments, TimeSpan limit)
        {
            var start = new ProcessStartInfo(file);
            foreach (string argument in arguments) start.ArgumentList.Add(argument);
            return Run(start, limit);
        }

        private static (int ExitCode, string Output) Run(ProcessStartInfo start, TimeSpan limit)
        {
            start.WorkingDirectory = Root;
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            start.UseShellExecute = false;
            string what = start.FileName + " " + (start.ArgumentList.Count > 0 ? string.Join(' ', start.ArgumentList) : start.Arguments);
            using var process = Process.Start(start);
            var output = new StringBuilder();
            process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit((int)limit.TotalMilliseconds))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{what} did not finish within {limit}");
            }
            process.WaitForExit();
            lock (output) return (process.ExitCode, output.ToString());
        }

        // Symbol name -> (start, end) from the ELF, ends taken from the next symbol's address.
        public static Dictionary<string, (uint Start, uint End)> Symbols(string elf)
        {
            var (code, output) = Run("arm-none-eabi-nm", $"-n --defined-only \"{elf}\"", TimeSpan.FromMinutes(1));
            if (code != 0) throw new InvalidOperationException("arm-none-eabi-nm failed:\n" + output);
            var rows = new List<(uint Address, string Name)>();
            foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] parts = line.Trim().Split(' ');
                if (parts.Length == 3) rows.Add((Convert.ToUInt32(parts[0], 16), parts[2]));
            }
            var symbols = new Dictionary<string, (uint, uint)>();
            for (int i = 0; i < rows.Count; i++)
            {
                uint end = rows[i].Address;
                for (int j = i + 1; j < rows.Count && end == rows[i].Address; j++) end = rows[j].Address;
                symbols[rows[i].Name] = (rows[i].Address, end);
            }
            return symbols;
        }
    }
}
