using System;
using System.Text;
using ChargePoint.Core.Meter;
using ChargePoint.Core.SessionLog;
using Xunit;

namespace ChargePoint.Tests.Core.SessionLog
{
    // Each line kind byte for byte against the Zephyr sample's USB log (its origin document's
    // "USB CDC ACM Output") and the stream format's additions ([LOST], [HR], the timestamp prefix).
    public class SessionLineTests
    {
        private readonly byte[] _buffer = new byte[SessionLine.MaxSummaryBytes];

        private string Text(int length)
        {
            Assert.True(length > 0, "the line did not fit");
            return Encoding.UTF8.GetString(_buffer, 0, length);
        }

        private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

        [Fact]
        public void The_header_is_the_seeds_three_lines_and_a_blank_line()
        {
            Assert.Equal("=== OCPP USB High-Speed Logger ===\r\n" +
                         "This showcases USB High-Speed (480 Mbps) data transfer\r\n" +
                         "Logging charging session data in real-time\r\n" +
                         "\r\n", Encoding.ASCII.GetString(SessionLine.Header));
        }

        [Fact]
        public void Event_lines_match_the_seed_byte_for_byte()
        {
            long none = SessionLine.NoTimestamp;
            Assert.Equal("[START] Connector 1: ID=ZepId00\r\n", Text(SessionLine.Start(_buffer, none, 1, Ascii("ZepId00"))));
            Assert.Equal("[AUTH] Connector 1: Authorized (status=1)\r\n", Text(SessionLine.Authorization(_buffer, none, 1, true, 1)));
            Assert.Equal("[METER] Conn1: 7 Wh (reading #1)\r\n", Text(SessionLine.MeterReading(_buffer, none, 1, 7, 1)));
            Assert.Equal("[METER] Conn2: 9 Wh (reading #3)\r\n", Text(SessionLine.MeterReading(_buffer, none, 2, 9, 3)));
            Assert.Equal("[STOP] Connector 2: Session ended\r\n", Text(SessionLine.Stop(_buffer, none, 2)));
        }

        [Fact]
        public void A_refused_authorization_says_not_authorized_with_zephyrs_number()
        {
            Assert.Equal("[AUTH] Connector 2: Not authorized (status=2)\r\n",
                Text(SessionLine.Authorization(_buffer, SessionLine.NoTimestamp, 2, false, 2)));
            Assert.Equal("[AUTH] Connector 1: Not authorized (status=0)\r\n",
                Text(SessionLine.Authorization(_buffer, SessionLine.NoTimestamp, 1, false, 0)));
        }

        [Fact]
        public void The_timestamp_prefix_is_the_consoles_with_a_space()
        {
            long at = 17197000;
            Assert.Equal("[00:00:17.197,000] [START] Connector 1: ID=ZepId00\r\n", Text(SessionLine.Start(_buffer, at, 1, Ascii("ZepId00"))));
            Assert.Equal("[00:00:17.197,000] [AUTH] Connector 1: Authorized (status=1)\r\n", Text(SessionLine.Authorization(_buffer, at, 1, true, 1)));
            Assert.Equal("[00:01:07.064,321] [METER] Conn1: 57 Wh (reading #120)\r\n", Text(SessionLine.MeterReading(_buffer, 67064321, 1, 57, 120)));
            Assert.Equal("[123:00:00.000,001] [STOP] Connector 1: Session ended\r\n", Text(SessionLine.Stop(_buffer, 123L * 3600 * 1000000 + 1, 1)));
            Assert.Equal("[00:00:00.000,000] [STOP] Connector 1: Session ended\r\n", Text(SessionLine.Stop(_buffer, 0, 1)));
        }

        [Fact]
        public void A_high_rate_sample_is_integers_only()
        {
            var reading = new MeterReading
            {
                UptimeMicroseconds = 17197000,
                VoltageMillivolts = 230000,
                CurrentMilliamperes = 15652,
                PowerW = 3600,
                EnergyMilliwattHours = 7000,
            };
            Assert.Equal("[HR] 1 17197000 230000 15652 3600 7000\r\n", Text(SessionLine.HighRate(_buffer, 1, reading)));
        }

        [Fact]
        public void The_lost_line_counts_the_bytes()
        {
            Assert.Equal("[LOST] 812 bytes dropped while no host was connected\r\n", Text(SessionLine.Lost(_buffer, 812)));
            Assert.Equal(SessionLine.MaxLostBytes, SessionLine.Lost(_buffer, long.MaxValue) + 1); // 19 digits; room for 20
        }

        [Fact]
        public void The_summary_matches_the_seeds_with_its_figures()
        {
            var figures = new SessionFigures { MeterReadings = 120, Bytes = 8450, DurationMicroseconds = 32_500_000 };
            Assert.Equal("\r\n=== Session Summary ===\r\n" +
                         "Total meter readings: 120\r\n" +
                         "USB data transferred: 8450 bytes\r\n" +
                         "Average throughput: ~264 bytes/sec\r\n" +
                         "USB High-Speed (480 Mbps) enables efficient data logging\r\n",
                Text(SessionLine.Summary(_buffer, figures)));
        }

        [Fact]
        public void The_high_rate_summary_line_comes_only_in_high_rate_mode()
        {
            var figures = new SessionFigures
            {
                MeterReadings = 10, Bytes = 250000, DurationMicroseconds = 5_999_999, HighRateHz = 1000, HighRateSamples = 10002, DroppedBytes = 0,
            };
            Assert.Equal("\r\n=== Session Summary ===\r\n" +
                         "Total meter readings: 10\r\n" +
                         "USB data transferred: 250000 bytes\r\n" +
                         "Average throughput: ~50000 bytes/sec\r\n" +
                         "High-rate samples: 10002 at 1000 Hz per connector, 0 bytes dropped\r\n" +
                         "USB High-Speed (480 Mbps) enables efficient data logging\r\n",
                Text(SessionLine.Summary(_buffer, figures)));
        }

        [Fact]
        public void A_session_shorter_than_a_second_counts_as_one_second()
        {
            var figures = new SessionFigures { MeterReadings = 1, Bytes = 300, DurationMicroseconds = 400_000 };
            Assert.Contains("Average throughput: ~300 bytes/sec\r\n", Text(SessionLine.Summary(_buffer, figures)));
        }

        [Fact]
        public void A_line_that_does_not_fit_is_nothing_not_a_part()
        {
            var small = new byte[20];
            Assert.Equal(0, SessionLine.Start(small, SessionLine.NoTimestamp, 1, Ascii("ZepId00")));
            Assert.Equal(0, SessionLine.Stop(small, 17197000, 1));
            Assert.Equal(0, SessionLine.Summary(new byte[100], new SessionFigures()));
            var exact = new byte["[STOP] Connector 1: Session ended\r\n".Length];
            Assert.Equal(0, SessionLine.Stop(exact, SessionLine.NoTimestamp, 1)); // a number asks for 20 bytes of room
            Assert.True(SessionLine.Stop(new byte[SessionLine.MaxLineBytes], SessionLine.NoTimestamp, 1) > 0);
        }

        [Fact]
        public void The_longest_lines_fit_their_limits()
        {
            var line = new byte[SessionLine.MaxLineBytes];
            var reading = new MeterReading
            {
                UptimeMicroseconds = long.MinValue, VoltageMillivolts = int.MinValue, CurrentMilliamperes = int.MinValue,
                PowerW = int.MinValue, EnergyMilliwattHours = long.MinValue,
            };
            int hr = SessionLine.HighRate(line, int.MinValue, reading);
            Assert.True(hr > 0 && hr <= SessionLine.MaxHighRateBytes, $"{hr} bytes");
            Assert.True(SessionLine.Start(line, long.MaxValue, int.MaxValue, Ascii("12345678901234567890")) > 0);
            var figures = new SessionFigures
            {
                MeterReadings = long.MinValue, Bytes = long.MinValue, DurationMicroseconds = 1, HighRateHz = int.MinValue,
                HighRateSamples = long.MinValue, DroppedBytes = long.MinValue,
            };
            figures.HighRateHz = int.MaxValue;
            Assert.True(SessionLine.Summary(_buffer, figures) > 0, "the longest summary fits MaxSummaryBytes");
        }

        [Theory]
        [InlineData("[METER] Conn1: 7 Wh (reading #1)\r\n", true, false)]
        [InlineData("[00:00:17.197,000] [METER] Conn1: 7 Wh (reading #1)\r\n", true, false)]
        [InlineData("[123:00:00.000,001] [METER] Conn1", true, false)]
        [InlineData("[HR] 1 17197000 230000 15652 3600 7000\r\n", false, true)]
        [InlineData("[START] Connector 1: ID=[METER] \r\n", false, false)]
        [InlineData("[00:00:17.197,000] [START] Connector 1: ID=ZepId00\r\n", false, false)]
        [InlineData("Total meter readings: 3\r\n", false, false)]
        [InlineData("\r\n", false, false)]
        public void A_line_start_tells_a_meter_reading_and_a_high_rate_sample(string line, bool meter, bool highRate)
        {
            byte[] start = Ascii(line.Length > 40 ? line.Substring(0, 40) : line);
            Assert.Equal(meter, SessionLine.IsMeterReading(start));
            Assert.Equal(highRate, SessionLine.IsHighRateSample(start));
        }
    }
}
