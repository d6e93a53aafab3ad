using System;
using System.Text.RegularExpressions;
using Xunit;

namespace ChargePoint.Tests.Emulator
{
    // Bytes typed into QEMU's UART0 go through the C# receive interrupt handler into a ring; the
    // shell task drains it and answers. Runs on the normal image.
    [Trait("Category", "Emulator")]
    public class ShellTests
    {
        // Types a command and waits for the whole answer line, not its first bytes: the console
        // text is read while the answer still arrives.
        private static string Ask(QemuRun qemu, string command, string answerLine)
        {
            qemu.Type(command + "\r");
            return qemu.WaitFor(console => Regex.IsMatch(console, answerLine), $"/{answerLine}/ after \"{command}\"");
        }

        [Fact]
        public void Console_commands_answer_through_the_receive_interrupt()
        {
            using var qemu = new QemuRun(Repo.Image("mps2-an500"));
            qemu.WaitFor("Console ready: type help");

            string console = Ask(qemu, "uptime", @"uptime 00:[^\r\n]*\r\n");
            Assert.Matches(@"uptime\r\nuptime 00:00:\d{2}\.\d{3} \(\d+ ms\)\r\n", console);

            console = Ask(qemu, "mem", @"free of[^\r\n]*\r\n");
            Match m = Regex.Match(console, @"heap (\d+) bytes used, (\d+) free of (\d+), sealed\r\n");
            Assert.True(m.Success, console);
            Assert.Equal(long.Parse(m.Groups[3].Value), long.Parse(m.Groups[1].Value) + long.Parse(m.Groups[2].Value));

            console = Ask(qemu, "tasks", @"(?s)^(?=.*  status: [^\r\n]*\r\n)(?=.*  shell: [^\r\n]*\r\n)");
            Assert.Contains("9 of 10 tasks\r\n", console);
            Assert.Matches(@"  status: \d+ runs, next in \d+ ms\r\n", console);
            // Nothing polls the console: the shell runs only when its receive interrupt signals it.
            Assert.Matches(@"  shell: \d+ runs, waits for a signal\r\n", console);
            Match runs = Regex.Match(console, @"  shell: (\d+) runs");
            Assert.InRange(long.Parse(runs.Groups[1].Value), 1, 200);

            console = Ask(qemu, "reboot now", @"unknown command[^\r\n]*\r\n");
            Assert.Contains("error: unknown command \"reboot\", type help\r\n", console);

            console = Ask(qemu, "help", @"\r\n  ocpp [^\r\n]*\r\n");
            foreach (string name in new[] { "help", "uptime", "mem", "tasks", "net", "config", "ocpp" })
                Assert.Matches($@"\r\n  {name} +\S", console);
        }

        [Fact]
        public void A_byte_typed_before_the_console_is_ready_does_not_block_it()
        {
            // The UART holds a byte that arrived before its interrupt was enabled; the firmware must
            // still read it, or QEMU keeps every later byte waiting.
            using var qemu = new QemuRun(Repo.Image("mps2-an500"));
            qemu.Type("x");
            qemu.WaitFor("Console ready");
            qemu.Type("\ruptime\r");
            string console = qemu.WaitFor("uptime 00:");
            Assert.Contains("error: unknown command \"x\", type help", console);
        }

        [Fact]
        public void Typing_is_echoed_and_backspace_erases()
        {
            using var qemu = new QemuRun(Repo.Image("mps2-an500"));
            qemu.WaitFor("Console ready");
            qemu.Type("memx\b\r");
            string console = qemu.WaitFor("free of");
            Assert.Contains("memx\b \b\r\n", console);
            Assert.DoesNotContain("unknown command", console);
        }
    }
}
