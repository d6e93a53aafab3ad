using System;
using System.Text;
using ChargePoint.Core.Buffers;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Shell;
using Xunit;

namespace ChargePoint.Tests.Core
{
    public class ShellTests
    {
        private readonly FakeClock _clock = new FakeClock();
        private readonly CapturingSerial _out = new CapturingSerial();
        private readonly ByteRing _input = new ByteRing(256);
        private readonly Shell _shell;
        private readonly EchoCommand _echo = new EchoCommand();

        private sealed class EchoCommand : IShellCommand
        {
            private readonly byte[] _last = new byte[128]; // kept without allocating
            private int _lastLength;
            public int Runs;
            public string LastArguments => Encoding.ASCII.GetString(_last, 0, _lastLength);
            public ReadOnlySpan<byte> Name => "echo"u8;
            public ReadOnlySpan<byte> Help => "repeat the arguments"u8;
            public void Run(ReadOnlySpan<byte> arguments, Logger reply)
            {
                Runs++;
                arguments.CopyTo(_last);
                _lastLength = arguments.Length;
                reply.BeginText().Append("said ").Append(arguments).End();
            }
        }

        public ShellTests()
        {
            var log = new Logger(_clock, _out, 128);
            _shell = new Shell(_input, _out, log, 4);
            _shell.Add(_echo);
            _shell.Add(new UptimeCommand(_clock));
        }

        private string Type(string text)
        {
            _out.Clear();
            _input.Write(Encoding.ASCII.GetBytes(text));
            _shell.Run(0);
            return _out.Text;
        }

        [Fact]
        public void A_command_runs_with_its_arguments_trimmed()
        {
            string output = Type("echo   hello world  \r");
            Assert.Equal("hello world", _echo.LastArguments);
            Assert.EndsWith("said hello world\r\n", output);
        }

        [Fact]
        public void Typed_characters_are_echoed_and_enter_becomes_crlf()
        {
            Assert.StartsWith("echo x\r\n", Type("echo x\r"));
        }

        [Fact]
        public void Command_names_match_whole_words_only()
        {
            string output = Type("ech\r");
            Assert.Equal(0, _echo.Runs);
            Assert.EndsWith("error: unknown command \"ech\", type help\r\n", output);

            output = Type("echoes\r");
            Assert.Equal(0, _echo.Runs);
            Assert.Contains("unknown command \"echoes\"", output);
        }

        [Fact]
        public void Help_lists_every_command_with_its_text()
        {
            string output = Type("help\r");
            Assert.Contains("  help      list the commands\r\n", output);
            Assert.Contains("  echo      repeat the arguments\r\n", output);
            Assert.Contains("  uptime    time since boot\r\n", output);
        }

        [Fact]
        public void Backspace_and_delete_erase_the_last_character()
        {
            string output = Type("echo ab\bc\x7f\x7fz\r");
            Assert.Equal("z", _echo.LastArguments);
            Assert.Contains("\b \b", output);
        }

        [Fact]
        public void Backspace_on_an_empty_line_does_nothing()
        {
            Assert.Equal("", Type("\b\b"));
        }

        [Fact]
        public void Crlf_from_a_terminal_is_one_enter()
        {
            Type("echo a\r\n");
            Type("echo b\n\r");
            Assert.Equal(2, _echo.Runs);
        }

        [Fact]
        public void Cr_alone_twice_is_two_enters_as_screen_sends_them()
        {
            Type("echo a\r");
            string output = Type("\r\r");
            Assert.Equal("\r\n\r\n", output);
            Type("echo b\r");
            Assert.Equal(2, _echo.Runs);
        }

        [Fact]
        public void An_empty_line_runs_nothing()
        {
            string output = Type("   \r");
            Assert.Equal(0, _echo.Runs);
            Assert.DoesNotContain("error", output);
        }

        [Fact]
        public void An_overlong_line_is_refused_whole_and_the_next_line_works()
        {
            string output = Type("echo " + new string('x', 200) + "\r");
            Assert.Equal(0, _echo.Runs);
            Assert.Contains($"error: line longer than {Shell.MaxLineLength} characters, ignored\r\n", output);

            Type("echo ok\r");
            Assert.Equal("ok", _echo.LastArguments);
        }

        [Fact]
        public void Control_characters_are_ignored()
        {
            Type("ec\x01ho\x1b ok\r");
            Assert.Equal("ok", _echo.LastArguments);
        }

        [Fact]
        public void A_line_split_across_runs_is_kept()
        {
            Type("ec");
            Type("ho split\r");
            Assert.Equal("split", _echo.LastArguments);
        }

        [Fact]
        public void Uptime_prints_the_log_timestamp_and_milliseconds()
        {
            _clock.UptimeMicroseconds = ((1L * 3600 + 2 * 60 + 3) * 1000 + 456) * 1000 + 789;
            Assert.EndsWith("uptime 01:02:03.456 (3723456 ms)\r\n", Type("uptime\r"));
        }

        [Fact]
        public void The_command_table_is_fixed()
        {
            var shell = new Shell(_input, _out, new Logger(_clock, _out, 64), 1);
            Assert.True(shell.Add(_echo));
            Assert.False(shell.Add(_echo));
        }

        [Fact]
        public void Answering_commands_allocates_nothing()
        {
            Type("echo warm\r");
            Type("uptime\r");
            Type("nosuch\r");
            byte[] line = Encoding.ASCII.GetBytes("echo steady state\ruptime\rnosuch\rhelp\r");
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 50; i++)
            {
                _out.Clear();
                _input.Write(line);
                _shell.Run(0);
            }
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}
