using System;
using System.Text.Json;
using ChargePoint.Core.Json;

namespace ChargePoint.Bench
{
    // The parse benchmark's work, the same for both readers: read every token of the document,
    // copy every string and property name out unescaped into `text`, parse every number as an
    // Int64 and read every boolean. The result folds all of it into one checksum, so that nothing
    // can be skipped, and so that the check before the run can compare the two readers.
    internal static class Walkers
    {
        public static long Walk(ReadOnlySpan<byte> json, Span<byte> text)
        {
            var reader = new JsonReader(json, 0);
            long sum = 0;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case Core.Json.JsonTokenType.PropertyName:
                    case Core.Json.JsonTokenType.String:
                        sum += Fold(text, reader.CopyString(text));
                        break;
                    case Core.Json.JsonTokenType.Number:
                        if (!reader.TryGetInt64(out long number)) throw new InvalidOperationException("not an Int64");
                        sum += number;
                        break;
                    case Core.Json.JsonTokenType.True:
                    case Core.Json.JsonTokenType.False:
                        reader.TryGetBoolean(out bool value);
                        sum += value ? 3 : 5;
                        break;
                    default: // a bracket or null
                        sum++;
                        break;
                }
            }
            if (reader.Error != JsonError.None) throw new InvalidOperationException("JsonReader: " + reader.Error + " at " + reader.ErrorPosition);
            return sum;
        }

        public static long Walk(ReadOnlySpan<byte> json, Span<byte> text, JsonReaderOptions options)
        {
            var reader = new Utf8JsonReader(json, options);
            long sum = 0;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case System.Text.Json.JsonTokenType.PropertyName:
                    case System.Text.Json.JsonTokenType.String:
                        sum += Fold(text, reader.CopyString(text));
                        break;
                    case System.Text.Json.JsonTokenType.Number:
                        if (!reader.TryGetInt64(out long number)) throw new InvalidOperationException("not an Int64");
                        sum += number;
                        break;
                    case System.Text.Json.JsonTokenType.True:
                    case System.Text.Json.JsonTokenType.False:
                        sum += reader.GetBoolean() ? 3 : 5;
                        break;
                    default: // a bracket or null
                        sum++;
                        break;
                }
            }
            return sum;
        }

        // The copied text's length and its last byte: every copy has to have happened.
        private static long Fold(Span<byte> text, int length)
        {
            if (length < 0) throw new InvalidOperationException("string does not fit");
            return length == 0 ? 1 : length * 256L + text[length - 1];
        }
    }
}
