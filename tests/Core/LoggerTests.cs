using ChargePoint.Core.Logging;
using Xunit;

namespace ChargePoint.Tests.Core
{
    public class LoggerTests
    {
        private readonly FakeClock _clock = new FakeClock();
        private readonly CapturingSerial _out = new CapturingSerial();

        [Fact]
        public void Info_line_is_the_zephyr_line_with_crlf()
        {
            var log = new Logger(_clock, _out, 128);
            _clock.UptimeMicroseconds = 2642000;
            log.Info("main", "Your address: 192.168.1.101");
            Assert.Equal("[00:00:02.642,000] <inf> main: Your address: 192.168.1.101\r\n", _out.Text);
        }

        [Fact]
        public void Values_are_appended_in_order_and_the_line_is_written_once()
        {
            var log = new Logger(_clock, _out, 128);
            _clock.UptimeMicroseconds = 7011000;
            log.Begin(LogLevel.Info, "main").Append("cs server ").Append(122).Append(".165.245.213 ").Append(8180).End();
            Assert.Equal("[00:00:07.011,000] <inf> main: cs server 122.165.245.213 8180\r\n", _out.Text);
            Assert.Equal(1, _out.Writes);
        }

        [Fact]
        public void Hex_values_are_zero_padded_lower_case()
        {
            var log = new Logger(_clock, _out, 128);
            log.Begin(LogLevel.Error, "os").Append("pc ").AppendHex(0x2AB6).End();
            Assert.EndsWith("<err> os: pc 0x00002ab6\r\n", _out.Text);
        }

        [Fact]
        public void Debug_lines_are_dropped_below_the_threshold_and_kept_when_enabled()
        {
            var log = new Logger(_clock, _out, 128);
            log.Debug("main", "hidden");
            Assert.Equal("", _out.Text);
            Assert.Equal(0, log.LinesWritten);

            log.Threshold = LogLevel.Debug;
            log.Debug("main", "shown");
            Assert.EndsWith("<dbg> main: shown\r\n", _out.Text);
        }

        [Fact]
        public void An_overlong_line_is_cut_marked_with_dots_and_still_ends_the_line()
        {
            var log = new Logger(_clock, _out, 48);
            log.Info("main", new string('x', 100));
            string text = _out.Text;
            Assert.Equal(48, text.Length);
            Assert.EndsWith("xxx...\r\n", text);
        }

        [Fact]
        public void A_prefix_longer_than_the_line_leaves_room_for_the_line_end()
        {
            // A 36-byte module makes a 63-byte prefix: it fits 64 bytes but not the 62 left before CR LF.
            var log = new Logger(_clock, _out, 64);
            log.Info(System.Text.Encoding.ASCII.GetBytes(new string('m', 36)), "text"u8);
            Assert.EndsWith("\r\n", _out.Text);
            Assert.True(_out.Bytes.Length <= 64);
        }

        [Fact]
        public void Truncation_does_not_cut_a_utf8_character()
        {
            var log = new Logger(_clock, _out, 40);
            log.Info("m", "ab" + new string('é', 40));
            byte[] line = _out.Bytes;
            Assert.Equal("...\r\n", System.Text.Encoding.ASCII.GetString(line, line.Length - 5, 5));
            // Every byte before the dots decodes: no lone lead byte.
            string text = System.Text.Encoding.UTF8.GetString(line, 0, line.Length - 5);
            Assert.DoesNotContain('\uFFFD', text);
        }

        [Fact]
        public void Non_ascii_text_is_written_as_utf8()
        {
            var log = new Logger(_clock, _out, 128);
            log.Info("main", "Zähler 5 kWh €");
            Assert.EndsWith("main: Zähler 5 kWh €\r\n", _out.Text);
        }

        [Fact]
        public void A_truncated_multibyte_character_is_left_out_whole()
        {
            var buffer = new byte[4];
            int written = Utf8.Encode("ab€", buffer); // € takes 3 bytes: only "ab" fits
            Assert.Equal(2, written);
            Assert.Equal(5, Utf8.EncodedLength("ab€"));
        }

        [Fact]
        public void Unpaired_surrogate_becomes_a_question_mark()
        {
            var buffer = new byte[8];
            int written = Utf8.Encode("a\uD800b", buffer);
            Assert.Equal("a?b", System.Text.Encoding.ASCII.GetString(buffer, 0, written));
        }
    }
}
