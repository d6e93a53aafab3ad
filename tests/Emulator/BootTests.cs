using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace ChargePoint.Tests.Emulator
{
    [Trait("Category", "Emulator")]
    public class BootTests
    {
        private static readonly Regex LogLine = new Regex(@"^\[(\d{2,}):(\d{2}):(\d{2})\.(\d{3}),(\d{3})\] <(inf|wrn|err|dbg)> [a-z0-9_]+: \S.*$");

        private static string[] Lines(string console) =>
            console.Replace("\r\n", "\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);

        private static long Micros(Match m) =>
            ((long.Parse(m.Groups[1].Value) * 60 + long.Parse(m.Groups[2].Value)) * 60 + long.Parse(m.Groups[3].Value)) * 1000000
            + long.Parse(m.Groups[4].Value) * 1000 + long.Parse(m.Groups[5].Value);

        [Fact]
        public void Image_boots_with_the_banner_then_zephyr_style_log_lines()
        {
            using var qemu = new QemuRun(Repo.Image("mps2-an500"));
            string console = qemu.WaitFor("Console ready");
            string[] lines = Lines(console);

            Assert.Equal("*** Booting SharpCharge v0.1.0 ***", lines[0]);
            Assert.Equal("OCPP sample mps2-an500", lines[1]);
            Assert.True(lines.Length >= 5, console);
            long previous = -1;
            foreach (string line in lines.Skip(2))
            {
                Match m = LogLine.Match(line);
                Assert.True(m.Success, $"not a Zephyr log line: \"{line}\"");
                Assert.True(Micros(m) >= previous, $"time went backwards at \"{line}\"");
                previous = Micros(m);
            }
            Assert.Contains("<inf> main: Board mps2-an500, core clock 25000000 Hz", console);
            Assert.Contains("<inf> main: Scheduler started: 9 of 10 tasks", console);
            Assert.True(console.Contains("\r\n"), "lines end in CR LF like Zephyr's UART console");
        }

        [Fact]
        public void Heap_is_sealed_before_the_scheduler_starts_and_reports_what_boot_used()
        {
            using var qemu = new QemuRun(Repo.Image("mps2-an500"));
            string console = qemu.WaitFor("Scheduler started");
            Match m = Regex.Match(console, @"<inf> main: Heap sealed: (\d+) of (\d+) bytes used");
            Assert.True(m.Success, console);
            long used = long.Parse(m.Groups[1].Value), size = long.Parse(m.Groups[2].Value);
            Assert.InRange(used, 1, size - 1);
            Assert.True(console.IndexOf("Heap sealed", StringComparison.Ordinal) < console.IndexOf("Scheduler started", StringComparison.Ordinal));
        }
    }
}
