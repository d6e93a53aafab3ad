using System;
using System.Text;
using ChargePoint.Core.Logging;
using Xunit;

namespace ChargePoint.Tests.Core
{
    public class LogFormatTests
    {
        private static string Prefix(long micros, LogLevel level, string module)
        {
            var buffer = new byte[64];
            int length = LogFormat.WritePrefix(buffer, micros, level, Encoding.ASCII.GetBytes(module));
            return Encoding.ASCII.GetString(buffer, 0, length);
        }

        [Fact]
        public void Prefix_matches_the_zephyr_sample_byte_for_byte()
        {
            Assert.Equal("[00:00:02.642,000] <inf> main: ", Prefix(2642000, LogLevel.Info, "main"));
            Assert.Equal("[00:00:07.024,000] <inf> ocpp: ", Prefix(7024000, LogLevel.Info, "ocpp"));
            Assert.Equal("[00:01:07.064,000] <inf> main: ", Prefix(67064000, LogLevel.Info, "main"));
        }

        [Fact]
        public void Timestamp_splits_hours_minutes_seconds_millis_and_micros()
        {
            long micros = ((((3L * 60) + 25) * 60 + 9) * 1000 + 87) * 1000 + 654;
            Assert.Equal("[03:25:09.087,654] <wrn> net: ", Prefix(micros, LogLevel.Warning, "net"));
        }

        [Fact]
        public void Hours_grow_past_two_digits_instead_of_wrapping()
        {
            long micros = 123L * 3600 * 1000000 + 1;
            Assert.Equal("[123:00:00.000,001] <err> main: ", Prefix(micros, LogLevel.Error, "main"));
        }

        [Theory]
        [InlineData(LogLevel.Error, "err")]
        [InlineData(LogLevel.Warning, "wrn")]
        [InlineData(LogLevel.Info, "inf")]
        [InlineData(LogLevel.Debug, "dbg")]
        public void Each_level_has_its_zephyr_tag(LogLevel level, string tag)
        {
            Assert.Equal(tag, Encoding.ASCII.GetString(LogFormat.LevelTag(level)));
        }

        [Fact]
        public void Negative_time_is_shown_as_boot()
        {
            Assert.Equal("[00:00:00.000,000] <inf> main: ", Prefix(-5, LogLevel.Info, "main"));
        }

        [Fact]
        public void Prefix_that_does_not_fit_writes_nothing()
        {
            var buffer = new byte[10];
            Assert.Equal(0, LogFormat.WritePrefix(buffer, 0, LogLevel.Info, "main"u8));
            Assert.All(buffer, b => Assert.Equal(0, b));
        }

        [Theory]
        [InlineData(0L, "0")]
        [InlineData(7L, "7")]
        [InlineData(-42L, "-42")]
        [InlineData(86400L, "86400")]
        [InlineData(long.MaxValue, "9223372036854775807")]
        [InlineData(long.MinValue, "-9223372036854775808")]
        public void Decimal_text_matches_dotnet_formatting(long value, string expected)
        {
            Span<byte> buffer = stackalloc byte[20];
            int length = DecimalText.Write(value, buffer);
            Assert.Equal(expected, Encoding.ASCII.GetString(buffer.Slice(0, length)));
        }
    }
}
