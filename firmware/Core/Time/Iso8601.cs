using System;

namespace ChargePoint.Core.Time
{
    // OCPP's dateTime (OCPP-J 4.1.5: ISO 8601, UTC recommended): written as
    // "2024-02-14T06:07:03.123Z"; read from that form, without the fraction, with any number of
    // fraction digits, and with a "+hh:mm"/"-hh:mm" offset instead of Z. Civil-date arithmetic
    // after H. Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
    public static class Iso8601
    {
        public const int Length = 24; // yyyy-mm-ddThh:mm:ss.fffZ

        // Writes Length bytes; returns Length (0 if `destination` is too small or the year is not 0..9999).
        public static int Write(long unixSeconds, int milliseconds, Span<byte> destination)
        {
            if (destination.Length < Length) return 0;
            long days = FloorDiv(unixSeconds, 86400);
            long secondOfDay = unixSeconds - days * 86400;
            CivilFromDays(days, out long year, out int month, out int day);
            if (year < 0 || year > 9999) return 0;
            Digits(destination, 0, year, 4);
            destination[4] = (byte)'-';
            Digits(destination, 5, month, 2);
            destination[7] = (byte)'-';
            Digits(destination, 8, day, 2);
            destination[10] = (byte)'T';
            Digits(destination, 11, secondOfDay / 3600, 2);
            destination[13] = (byte)':';
            Digits(destination, 14, secondOfDay / 60 % 60, 2);
            destination[16] = (byte)':';
            Digits(destination, 17, secondOfDay % 60, 2);
            destination[19] = (byte)'.';
            Digits(destination, 20, milliseconds, 3);
            destination[23] = (byte)'Z';
            return Length;
        }

        // Parses a dateTime into UTC seconds since 1970 and milliseconds. False for anything that
        // is not a valid date and time (month 13, February 30, hour 24, ...).
        public static bool TryParse(ReadOnlySpan<byte> text, out long unixSeconds, out int milliseconds)
        {
            unixSeconds = 0;
            milliseconds = 0;
            if (text.Length < 20) return false;
            if (!Number(text, 0, 4, out int year) || text[4] != (byte)'-' || !Number(text, 5, 2, out int month) || text[7] != (byte)'-'
                || !Number(text, 8, 2, out int day) || (text[10] != (byte)'T' && text[10] != (byte)'t')
                || !Number(text, 11, 2, out int hour) || text[13] != (byte)':' || !Number(text, 14, 2, out int minute)
                || text[16] != (byte)':' || !Number(text, 17, 2, out int second))
                return false;
            if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 60)
                return false;
            int at = 19;
            if (at < text.Length && text[at] == (byte)'.')
            {
                at++;
                int start = at, scale = 100;
                while (at < text.Length && text[at] >= (byte)'0' && text[at] <= (byte)'9')
                {
                    milliseconds += (text[at] - '0') * scale;
                    scale /= 10;
                    at++;
                }
                if (at == start) return false;
            }
            long offsetSeconds;
            if (at == text.Length - 1 && (text[at] == (byte)'Z' || text[at] == (byte)'z'))
            {
                offsetSeconds = 0;
            }
            else if (at == text.Length - 6 && (text[at] == (byte)'+' || text[at] == (byte)'-') && text[at + 3] == (byte)':'
                && Number(text, at + 1, 2, out int offsetHours) && Number(text, at + 4, 2, out int offsetMinutes)
                && offsetHours < 24 && offsetMinutes < 60)
            {
                offsetSeconds = (offsetHours * 60 + offsetMinutes) * 60 * (text[at] == (byte)'-' ? -1 : 1);
            }
            else
            {
                return false;
            }
            if (second == 60) second = 59; // a leap second: the moment before the next minute
            unixSeconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
            return true;
        }

        public static long DaysFromCivil(long year, int month, int day)
        {
            year -= month <= 2 ? 1 : 0;
            long era = FloorDiv(year, 400);
            long yearOfEra = year - era * 400;
            long dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
            long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
            return era * 146097 + dayOfEra - 719468;
        }

        public static void CivilFromDays(long days, out long year, out int month, out int day)
        {
            days += 719468;
            long era = FloorDiv(days, 146097);
            long dayOfEra = days - era * 146097;
            long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
            long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
            long mp = (5 * dayOfYear + 2) / 153;
            day = (int)(dayOfYear - (153 * mp + 2) / 5 + 1);
            month = (int)(mp < 10 ? mp + 3 : mp - 9);
            year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        }

        private static int DaysInMonth(int year, int month)
        {
            if (month == 2) return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28;
            return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
        }

        private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

        private static void Digits(Span<byte> destination, int at, long value, int count)
        {
            for (int i = count - 1; i >= 0; i--)
            {
                destination[at + i] = (byte)('0' + value % 10);
                value /= 10;
            }
        }

        private static bool Number(ReadOnlySpan<byte> text, int at, int count, out int value)
        {
            value = 0;
            for (int i = 0; i < count; i++)
            {
                byte c = text[at + i];
                if (c < (byte)'0' || c > (byte)'9') return false;
                value = value * 10 + (c - '0');
            }
            return true;
        }
    }
}
