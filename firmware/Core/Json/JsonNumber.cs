using System;

namespace ChargePoint.Core.Json
{
    // JSON numbers (RFC 8259 6) as exact decimals: mantissa × 10^exponent, no floating point and no
    // double parsing. OCPP's numbers are integers and decimals ("interval": 3.0e2, a meter's 12.5);
    // OCPP 1.6 even sends meter values as strings ("value": "12.5"), which these parse too.
    public static class JsonNumber
    {
        private const ulong Int64Magnitude = 9223372036854775807UL;
        private const ulong MinInt64Magnitude = 9223372036854775808UL;
        private const int ExponentCeiling = 1000000000;
        private const ulong TwoTo53 = 1UL << 53;

        // `text` (exactly one JSON number, no whitespace) as mantissa × 10^exponent, exactly, with
        // trailing zeros moved into the exponent: 12.50 is (125, -1), 3.0e2 is (3, 2), -0 is (0, 0).
        // False when `text` is not a JSON number, its significant digits do not fit a long, or its
        // exponent does not fit an int.
        public static bool TryParse(ReadOnlySpan<byte> text, out long mantissa, out int exponent)
        {
            mantissa = 0;
            exponent = 0;
            int n = text.Length;
            int i = 0;
            bool negative = i < n && text[i] == '-';
            if (negative) i++;
            if (i >= n) return false;

            ulong limit = negative ? MinInt64Magnitude : Int64Magnitude;
            ulong magnitude = 0;
            int trailingZeros = 0; // zeros after the last non-zero digit, not yet in `magnitude`
            long fractionDigits = 0;
            bool overflow = false;

            if (text[i] == '0') i++;
            else if (IsDigit(text[i]))
                for (; i < n && IsDigit(text[i]); i++) Accumulate(text[i], limit, ref magnitude, ref trailingZeros, ref overflow);
            else return false;

            if (i < n && text[i] == '.')
            {
                i++;
                if (i >= n || !IsDigit(text[i])) return false;
                for (; i < n && IsDigit(text[i]); i++)
                {
                    Accumulate(text[i], limit, ref magnitude, ref trailingZeros, ref overflow);
                    fractionDigits++;
                }
            }

            long power = 0;
            bool powerTooLarge = false;
            if (i < n && (text[i] == 'e' || text[i] == 'E'))
            {
                i++;
                bool negativePower = i < n && text[i] == '-';
                if (i < n && (text[i] == '-' || text[i] == '+')) i++;
                if (i >= n || !IsDigit(text[i])) return false;
                for (; i < n && IsDigit(text[i]); i++)
                {
                    power = power * 10 + (text[i] - '0');
                    if (power > ExponentCeiling)
                    {
                        powerTooLarge = true;
                        power = ExponentCeiling;
                    }
                }
                if (negativePower) power = -power;
            }

            if (i != n || overflow) return false;
            if (magnitude == 0) return true; // zero, whatever its exponent
            if (powerTooLarge) return false;
            long total = power - fractionDigits + trailingZeros;
            if (total > int.MaxValue || total < int.MinValue) return false;
            mantissa = negative ? (long)(0UL - magnitude) : (long)magnitude;
            exponent = (int)total;
            return true;
        }

        private static void Accumulate(byte digit, ulong limit, ref ulong magnitude, ref int trailingZeros, ref bool overflow)
        {
            if (overflow) return;
            int d = digit - '0';
            if (d == 0)
            {
                if (magnitude != 0) trailingZeros++;
                return;
            }
            for (; trailingZeros > 0; trailingZeros--)
            {
                if (magnitude > limit / 10) { overflow = true; return; }
                magnitude *= 10;
            }
            if (magnitude > (limit - (ulong)d) / 10) { overflow = true; return; }
            magnitude = magnitude * 10 + (ulong)d;
        }

        private static bool IsDigit(byte b) => b >= '0' && b <= '9';

        // mantissa × 10^(exponent + decimals) when that is a whole number that fits a long: with
        // decimals 3, 12.5 (125, -1) is 12500 (Wh from kWh). False rather than rounding.
        public static bool TryScale(long mantissa, int exponent, int decimals, out long value)
        {
            value = 0;
            if (mantissa == 0) return true;
            long shift = (long)exponent + decimals;
            long m = mantissa;
            if (shift >= 0)
            {
                if (shift > 19) return false;
                for (long k = 0; k < shift; k++)
                {
                    if (m > long.MaxValue / 10 || m < long.MinValue / 10) return false;
                    m *= 10;
                }
            }
            else
            {
                if (shift < -19) return false; // |m| < 10^19: only zero divides by that
                for (long k = 0; k < -shift; k++)
                {
                    if (m % 10 != 0) return false;
                    m /= 10;
                }
            }
            value = m;
            return true;
        }

        public static bool TryGetInt64(ReadOnlySpan<byte> text, out long value)
        {
            value = 0;
            return TryParse(text, out long mantissa, out int exponent) && TryScale(mantissa, exponent, 0, out value);
        }

        public static bool TryGetInt32(ReadOnlySpan<byte> text, out int value)
        {
            value = 0;
            if (!TryGetInt64(text, out long wide) || wide > int.MaxValue || wide < int.MinValue) return false;
            value = (int)wide;
            return true;
        }

        // The double nearest to `text`, as double.Parse gives it, when that can be had with one
        // exact IEEE operation (Clinger's fast path): at most 2^53 for the significant digits and a
        // power of ten within 10^±22 after moving what fits into the mantissa. False otherwise
        // (e.g. 20 significant digits, 1e-30, 1e400): no guessing. OCPP needs TryParse, not this.
        public static bool TryGetDouble(ReadOnlySpan<byte> text, out double value)
        {
            value = 0;
            if (!TryParse(text, out long mantissa, out int exponent)) return false;
            if (mantissa == 0)
            {
                value = text[0] == '-' ? -0.0 : 0.0;
                return true;
            }
            ulong magnitude = mantissa < 0 ? 0UL - (ulong)mantissa : (ulong)mantissa;
            if (magnitude > TwoTo53) return false;
            while (exponent > 22 && magnitude <= TwoTo53 / 10)
            {
                magnitude *= 10;
                exponent--;
            }
            if (exponent > 22 || exponent < -22) return false;
            // Both operands exact, so the one rounding is IEEE's: correctly rounded.
            double exact = (double)(uint)(magnitude >> 32) * 4294967296.0 + (double)(uint)magnitude;
            double power = 1.0;
            int count = exponent < 0 ? -exponent : exponent;
            for (int k = 0; k < count; k++) power *= 10.0;
            double result = exponent < 0 ? exact / power : exact * power;
            value = mantissa < 0 ? -result : result;
            return true;
        }
    }
}
