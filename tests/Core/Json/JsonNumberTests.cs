using System;
using System.Globalization;
using System.Text;
using ChargePoint.Core.Json;
using Xunit;

namespace ChargePoint.Tests.Core.Json
{
    public class JsonNumberTests
    {
        private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

        [Theory]
        [InlineData("0", 0L, 0)]
        [InlineData("-0", 0L, 0)]
        [InlineData("-0.0e-0", 0L, 0)]
        [InlineData("0e999999999999", 0L, 0)]
        [InlineData("7", 7L, 0)]
        [InlineData("12.5", 125L, -1)]
        [InlineData("12.50", 125L, -1)]
        [InlineData("300", 3L, 2)]
        [InlineData("3.0e2", 3L, 2)]
        [InlineData("0.000125", 125L, -6)]
        [InlineData("1E+10", 1L, 10)]
        [InlineData("1e10", 1L, 10)]
        [InlineData("-1.5E-3", -15L, -4)]
        [InlineData("100e-2", 1L, 0)]
        [InlineData("1e007", 1L, 7)]
        [InlineData("9223372036854775807", long.MaxValue, 0)]
        [InlineData("-9223372036854775808", long.MinValue, 0)]
        [InlineData("92233720368547758070e-1", long.MaxValue, 0)]
        [InlineData("123456789012345678900000000000", 1234567890123456789L, 11)]
        [InlineData("1e999999999", 1L, 999999999)]
        [InlineData("0.1e-999999999", 1L, -1000000000)]
        public void A_number_parses_to_an_exact_mantissa_and_power_of_ten(string text, long mantissa, int exponent)
        {
            Assert.True(JsonNumber.TryParse(Ascii(text), out long m, out int e));
            Assert.Equal((mantissa, exponent), (m, e));
        }

        [Theory]
        [InlineData("")]
        [InlineData("-")]
        [InlineData("01")]
        [InlineData("-01")]
        [InlineData("1.")]
        [InlineData(".5")]
        [InlineData("+1")]
        [InlineData("1e")]
        [InlineData("1e+")]
        [InlineData(" 1")]
        [InlineData("1 ")]
        [InlineData("0x10")]
        [InlineData("NaN")]
        [InlineData("1,5")]
        [InlineData("\"12.5\"")]
        [InlineData("9223372036854775808")]
        [InlineData("-9223372036854775809")]
        [InlineData("12345678901234567891")]
        [InlineData("1.2345678901234567891")]
        [InlineData("1e1000000001")]
        [InlineData("1e-1000000001")]
        public void What_is_not_a_number_or_does_not_fit_is_refused(string text)
        {
            Assert.False(JsonNumber.TryParse(Ascii(text), out _, out _));
        }

        [Theory]
        [InlineData(125L, -1, 1, 125L)]
        [InlineData(125L, -1, 3, 12500L)]
        [InlineData(3L, 2, 0, 300L)]
        [InlineData(1L, 18, 0, 1000000000000000000L)]
        [InlineData(-9L, 18, 0, -9000000000000000000L)]
        [InlineData(0L, 5000, 0, 0L)]
        [InlineData(0L, -5000, 0, 0L)]
        [InlineData(long.MinValue, 0, 0, long.MinValue)]
        [InlineData(1500L, -2, 0, 15L)]
        [InlineData(-5L, -2, 2, -5L)]
        public void Scaling_gives_the_whole_number_of_units(long mantissa, int exponent, int decimals, long expected)
        {
            Assert.True(JsonNumber.TryScale(mantissa, exponent, decimals, out long value));
            Assert.Equal(expected, value);
        }

        [Theory]
        [InlineData(125L, -1, 0)]
        [InlineData(15L, -1, -1)]
        [InlineData(1L, 19, 0)]
        [InlineData(-10L, 18, 0)]
        [InlineData(long.MaxValue, 1, 0)]
        [InlineData(1L, -20, 0)]
        [InlineData(1L, int.MaxValue, 1)]
        public void Scaling_refuses_fractions_and_overflow_rather_than_rounding(long mantissa, int exponent, int decimals)
        {
            Assert.False(JsonNumber.TryScale(mantissa, exponent, decimals, out _));
        }

        [Theory]
        [InlineData("2147483647", 2147483647)]
        [InlineData("-2147483648", -2147483648)]
        [InlineData("1e9", 1000000000)]
        [InlineData("3.0e2", 300)]
        [InlineData("0.0", 0)]
        [InlineData("-0", 0)]
        [InlineData("10e-1", 1)]
        [InlineData("1.5e1", 15)]
        public void Integral_values_are_integers_however_they_are_written(string text, int expected)
        {
            Assert.True(JsonNumber.TryGetInt32(Ascii(text), out int value));
            Assert.Equal(expected, value);
            Assert.True(JsonNumber.TryGetInt64(Ascii(text), out long wide));
            Assert.Equal(expected, wide);
        }

        [Theory]
        [InlineData("2147483648")]
        [InlineData("-2147483649")]
        [InlineData("1.5")]
        [InlineData("1e-1")]
        [InlineData("1e10")]
        [InlineData("0.0000001")]
        public void Fractions_and_values_out_of_range_are_not_Int32(string text)
        {
            Assert.False(JsonNumber.TryGetInt32(Ascii(text), out _));
        }

        [Fact]
        public void Int64_covers_its_whole_range_exactly()
        {
            Assert.True(JsonNumber.TryGetInt64(Ascii("9223372036854775807"), out long max));
            Assert.Equal(long.MaxValue, max);
            Assert.True(JsonNumber.TryGetInt64(Ascii("-9223372036854775808"), out long min));
            Assert.Equal(long.MinValue, min);
            Assert.True(JsonNumber.TryGetInt64(Ascii("9.223372036854775807e18"), out max));
            Assert.Equal(long.MaxValue, max);
            Assert.False(JsonNumber.TryGetInt64(Ascii("9.223372036854775808e18"), out _));
            Assert.False(JsonNumber.TryGetInt64(Ascii("1e19"), out _));
        }

        [Fact]
        public void Doubles_are_those_double_Parse_gives_or_refused()
        {
            var random = new Random(2024_02_14);
            int converted = 0;
            for (int i = 0; i < 100_000; i++)
            {
                var text = new StringBuilder();
                if (random.Next(2) == 0) text.Append('-');
                int digits = 1 + random.Next(18);
                string mantissa = (1 + random.Next(9)).ToString(CultureInfo.InvariantCulture);
                for (int d = 1; d < digits; d++) mantissa += (char)('0' + random.Next(10));
                int point = random.Next(digits + 1);
                text.Append(point == 0 ? mantissa : point == digits ? mantissa : mantissa.Substring(0, point) + "." + mantissa.Substring(point));
                if (random.Next(2) == 0) text.Append('e').Append(random.Next(-40, 40));
                string number = text.ToString();
                if (!JsonNumber.TryGetDouble(Ascii(number), out double value)) continue;
                double expected = double.Parse(number, CultureInfo.InvariantCulture);
                Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(value), $"{number}: {value:R}, expected {expected:R}");
                converted++;
            }
            Assert.True(converted > 40_000, $"only {converted} converted");
        }

        [Theory]
        [InlineData("0.1", 0.1)]
        [InlineData("-0.05", -0.05)]
        [InlineData("1.5E-3", 0.0015)]
        [InlineData("1e22", 1e22)]
        [InlineData("123e30", 123e30)]
        [InlineData("9007199254740992", 9007199254740992.0)]
        [InlineData("230.4", 230.4)]
        public void Short_decimals_convert_to_the_nearest_double(string text, double expected)
        {
            Assert.True(JsonNumber.TryGetDouble(Ascii(text), out double value));
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(value));
        }

        [Fact]
        public void Minus_zero_is_a_negative_zero_double()
        {
            Assert.True(JsonNumber.TryGetDouble(Ascii("-0"), out double value));
            Assert.True(double.IsNegative(value) && value == 0);
        }

        [Theory]
        [InlineData("1e400")]
        [InlineData("1e-30")]
        [InlineData("9007199254740993")]
        [InlineData("0.12345678901234567891")]
        [InlineData("abc")]
        public void Doubles_that_need_more_than_one_exact_operation_are_refused(string text)
        {
            Assert.False(JsonNumber.TryGetDouble(Ascii(text), out _));
        }
    }
}
