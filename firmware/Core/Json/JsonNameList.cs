using System;

namespace ChargePoint.Core.Json
{
    // Property names and enum values given as one "a|b|c"u8 literal: a fixed table in flash, looked
    // up without allocating. An empty list has no names; "a|" has two, "a" and "".
    internal static class JsonNameList
    {
        // The name at `start` (0 for the first), moving `start` to the next one.
        public static bool Next(ReadOnlySpan<byte> names, scoped ref int start, out ReadOnlySpan<byte> name)
        {
            if (names.IsEmpty || start > names.Length)
            {
                name = default;
                return false;
            }
            int end = start;
            while (end < names.Length && names[end] != '|') end++;
            name = names.Slice(start, end - start);
            start = end + 1;
            return true;
        }

        // The index in `names` of the unescaped string `escapedValue`, or -1.
        public static int IndexOf(ReadOnlySpan<byte> names, ReadOnlySpan<byte> escapedValue, bool isEscaped)
        {
            int start = 0;
            int index = 0;
            while (Next(names, ref start, out ReadOnlySpan<byte> name))
            {
                if (isEscaped ? JsonString.UnescapedEquals(escapedValue, name) : escapedValue.SequenceEqual(name)) return index;
                index++;
            }
            return -1;
        }
    }
}
