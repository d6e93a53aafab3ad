using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace ChargePoint.Tests.Emulator
{
    // Writes a configuration block file for a test with tools/configblock.py (run from the
    // repository root), to boot with:
    //   string block = ConfigBlockFile.Write(path, ("cs.host", "10.0.2.2"), ("sntp.port", "12345"));
    //   using var qemu = new QemuRun(elf, new QemuOptions { Network = true, ConfigBlock = block });
    // The script's interface: -o FILE, --raw-key KEY=VALUE (repeatable), --corrupt-crc, --version N.
    public static class ConfigBlockFile
    {
        public const string Script = "tools/configblock.py";
        public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

        // Writes `path` holding `keys` (in order); returns the full path.
        public static string Write(string path, params (string Key, string Value)[] keys) =>
            Write(path, version: null, corruptCrc: false, keys);

        // The same, with a format version other than the script's default and/or a CRC made wrong
        // on purpose (to exercise the firmware's checks).
        public static string Write(string path, int? version, bool corruptCrc, params (string Key, string Value)[] keys)
        {
            var arguments = Arguments(path, version, corruptCrc, keys);
            string full = arguments[2];
            if (!File.Exists(Path.Combine(Repo.Root, Script)))
                throw new FileNotFoundException("the configuration block tool is missing", Path.Combine(Repo.Root, Script));
            var (code, output) = RunPython(arguments);
            if (code != 0)
                throw new InvalidOperationException($"python3 {string.Join(' ', arguments)} failed ({code}):\n{output}");
            if (!File.Exists(full))
                throw new InvalidOperationException($"python3 {string.Join(' ', arguments)} succeeded but wrote no {full}:\n{output}");
            return full;
        }

        // python3's arguments for a block (the script, -o with the full path, then the options).
        public static List<string> Arguments(string path, int? version, bool corruptCrc, params (string Key, string Value)[] keys)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            ArgumentNullException.ThrowIfNull(keys);
            var arguments = new List<string> { Script, "-o", Path.GetFullPath(path) };
            foreach (var (key, value) in keys)
            {
                if (string.IsNullOrEmpty(key) || key.Contains('=')) throw new ArgumentException($"bad key \"{key}\": empty or with '='", nameof(keys));
                if (value == null) throw new ArgumentException($"key \"{key}\" has no value", nameof(keys));
                arguments.Add("--raw-key");
                arguments.Add(key + "=" + value);
            }
            if (corruptCrc) arguments.Add("--corrupt-crc");
            if (version.HasValue)
            {
                arguments.Add("--version");
                arguments.Add(version.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            return arguments;
        }

        private static (int ExitCode, string Output) RunPython(List<string> arguments) => Repo.Run("python3", arguments, Limit);
    }
}
