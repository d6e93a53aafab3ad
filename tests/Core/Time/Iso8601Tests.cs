using System;
using System.Text;
using ChargePoint.Core.Time;
using Xunit;

namespace ChargePoint.Tests.Core.Time
{
    public class Iso8601Tests
    {
        private static string Write(long seconds, int ms)
        {
            var buffer = new byte[Iso8601.Length];
            Assert.Equal(Iso8601.Length, Iso8601.Write(seconds, ms, buffer));
            return Encoding.ASCII.GetString(buffer);
        }

        [Theory]
        [InlineData(0, 0, "1970-01-01T00:00:00.000Z")]
        [InlineData(1707890823, 24, "2024-02-14T06:07:03.024Z")]
        [InlineData(951782400, 999, "2000-02-29T00:00:00.999Z")]
        [InlineData(4102444799, 5, "2099-12-31T23:59:59.005Z")]
        public void Writes_utc_with_milliseconds_and_its_Z(long seconds, int ms, string expected) => Assert.Equal(expected, Write(seconds, ms));

        [Fact]
        public void Agrees_with_dotnet_over_a_century_of_dates()
        {
            var random = new Random(1234);
            for (int i = 0; i < 20000; i++)
            {
                long seconds = random.NextInt64(0, 4102444800);
                int ms = random.Next(1000);
                string expected = DateTimeOffset.FromUnixTimeMilliseconds(seconds * 1000 + ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
                string written = Write(seconds, ms);
                Assert.Equal(expected, written);
                Assert.True(Iso8601.TryParse(Encoding.ASCII.GetBytes(written), out long back, out int backMs));
                Assert.Equal(seconds, back);
                Assert.Equal(ms, backMs);
            }
        }

        [Theory]
        [InlineData("2024-02-14T06:07:03Z", 1707890823, 0)]
        [InlineData("2024-02-14T06:07:03.5Z", 1707890823, 500)]
        [InlineData("2024-02-14T06:07:03.123456Z", 1707890823, 123)]
        [InlineData("2024-02-14T07:07:03+01:00", 1707890823, 0)]
        [InlineData("2024-02-14T01:37:03.000-04:30", 1707890823, 0)]
        public void Reads_the_forms_central_systems_send(string text, long seconds, int ms)
        {
            Assert.True(Iso8601.TryParse(Encoding.ASCII.GetBytes(text), out long s, out int m));
            Assert.Equal(seconds, s);
            Assert.Equal(ms, m);
        }

        [Theory]
        [InlineData("2024-02-30T00:00:00Z")]
        [InlineData("2023-02-29T00:00:00Z")]
        [InlineData("2024-13-01T00:00:00Z")]
        [InlineData("2024-02-14T24:00:00Z")]
        [InlineData("2024-02-14T06:07:03")]
        [InlineData("2024-02-14 06:07:03Z")]
        [InlineData("2024-02-14T06:07:03.Z")]
        [InlineData("2024-02-14T06:07:03+0100")]
        [InlineData("24-02-14T06:07:03Z")]
        [InlineData("")]
        public void Rejects_what_is_not_a_valid_date_time(string text) =>
            Assert.False(Iso8601.TryParse(Encoding.ASCII.GetBytes(text), out _, out _));
    }
}
