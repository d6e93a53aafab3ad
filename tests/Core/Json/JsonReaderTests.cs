using System;
using System.Collections.Generic;
using System.Text;
using ChargePoint.Core.Json;
using Xunit;

namespace ChargePoint.Tests.Core.Json
{
    public class JsonReaderTests
    {
        public static IEnumerable<object[]> ValidCorpus()
        {
            foreach (string message in OcppSamples.Messages) yield return new object[] { message };
            foreach (string text in OcppSamples.StrangeButValid) yield return new object[] { text };
        }

        private static (JsonError Error, int Position) ReadToEnd(byte[] json, int maxDepth = 64)
        {
            var reader = new JsonReader(json, maxDepth);
            int tokens = 0;
            while (reader.Read())
            {
                tokens++;
                Assert.True(tokens <= json.Length, "more tokens than bytes");
            }
            Assert.Equal(JsonTokenType.None, reader.TokenType);
            Assert.False(reader.Read(), "Read after the end must stay false");
            return (reader.Error, reader.ErrorPosition);
        }

        [Theory]
        [MemberData(nameof(ValidCorpus))]
        public void Every_valid_document_reads_to_the_end_without_an_error(string text)
        {
            Assert.Equal((JsonError.None, 0), ReadToEnd(OcppSamples.Utf8(text)));
        }

        [Theory]
        [MemberData(nameof(ValidCorpus))]
        public void Every_valid_document_gives_the_tokens_System_Text_Json_gives(string text)
        {
            JsonOracle.AssertSameTokens(OcppSamples.Utf8(text), 64);
        }

        [Fact]
        public void A_call_frame_reads_as_the_expected_tokens()
        {
            var reader = new JsonReader(OcppSamples.Utf8(OcppSamples.StartTransactionConf), 8);
            var seen = new StringBuilder();
            while (reader.Read())
            {
                seen.Append(reader.TokenType).Append('@').Append(reader.Depth);
                if (reader.TokenType == JsonTokenType.PropertyName || reader.TokenType == JsonTokenType.String ||
                    reader.TokenType == JsonTokenType.Number)
                    seen.Append('=').Append(Encoding.UTF8.GetString(reader.ValueSpan));
                seen.Append(' ');
            }
            Assert.Equal(JsonError.None, reader.Error);
            Assert.Equal(
                "StartArray@0 Number@1=3 String@1=b7e2 StartObject@1 PropertyName@2=idTagInfo StartObject@2 " +
                "PropertyName@3=status String@3=ConcurrentTx EndObject@2 PropertyName@2=transactionId Number@2=1193 " +
                "EndObject@1 EndArray@0 ", seen.ToString());
        }

        [Fact]
        public void Escaped_text_compares_and_copies_unescaped()
        {
            var reader = new JsonReader(OcppSamples.Utf8("{\"\\u0069dTag\":\"A\\u00e9\\n\\uD83D\\uDE00\\\"\"}"), 4);
            Assert.True(reader.Read());
            Assert.True(reader.Read());
            Assert.Equal(JsonTokenType.PropertyName, reader.TokenType);
            Assert.True(reader.ValueIsEscaped);
            Assert.True(reader.ValueTextEquals("idTag"u8));
            Assert.False(reader.ValueTextEquals("idTa"u8));
            Assert.False(reader.ValueTextEquals("idTagX"u8));
            Assert.True(reader.Read());
            Assert.Equal("A\\u00e9\\n\\uD83D\\uDE00\\\"", Encoding.UTF8.GetString(reader.ValueSpan));
            byte[] expected = OcppSamples.Utf8("A\u00e9\n\U0001F600\"");
            var buffer = new byte[expected.Length];
            Assert.Equal(expected.Length, reader.CopyString(buffer));
            Assert.Equal(expected, buffer);
            Assert.Equal(-1, reader.CopyString(new byte[expected.Length - 1]));
            Assert.Equal(expected.Length, reader.GetStringLength());
            Assert.Equal(5, reader.GetStringCodePointCount());
            Assert.True(reader.ValueTextEquals(expected));
        }

        [Fact]
        public void Enum_values_are_found_by_their_index_in_the_list()
        {
            var reader = new JsonReader(OcppSamples.Utf8("[\"Accepted\",\"Rejected\",\"\\u0052ejected\",\"accepted\",\"Accept\",7]"), 4);
            reader.Read();
            var found = new List<int>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                found.Add(reader.GetEnumIndex("Accepted|Rejected"u8));
            Assert.Equal(new[] { 0, 1, 1, -1, -1, -1 }, found);
        }

        [Fact]
        public void Numbers_give_integers_decimals_and_scaled_values_exactly()
        {
            var reader = new JsonReader(OcppSamples.Utf8("[300, 3.0e2, 12.5, -0.05, 1.5e1, 1e-1, 2147483648]"), 4);
            reader.Read();
            reader.Read();
            Assert.True(reader.TryGetInt32(out int interval));
            Assert.Equal(300, interval);
            reader.Read();
            Assert.True(reader.TryGetInt32(out interval));
            Assert.Equal(300, interval);
            Assert.True(reader.TryGetDecimal(out long mantissa, out int exponent));
            Assert.Equal((3L, 2), (mantissa, exponent));
            reader.Read();
            Assert.False(reader.TryGetInt32(out _));
            Assert.True(reader.TryGetScaled(1, out long tenths));
            Assert.Equal(125, tenths);
            Assert.True(reader.TryGetScaled(3, out long wattHours));
            Assert.Equal(12500, wattHours);
            Assert.False(reader.TryGetScaled(0, out _));
            reader.Read();
            Assert.True(reader.TryGetDecimal(out mantissa, out exponent));
            Assert.Equal((-5L, -2), (mantissa, exponent));
            Assert.True(reader.TryGetDouble(out double value));
            Assert.Equal(-0.05, value);
            reader.Read();
            Assert.True(reader.TryGetInt64(out long fifteen));
            Assert.Equal(15, fifteen);
            reader.Read();
            Assert.False(reader.TryGetInt64(out _));
            reader.Read();
            Assert.False(reader.TryGetInt32(out _));
            Assert.True(reader.TryGetInt64(out long big));
            Assert.Equal(2147483648L, big);
        }

        [Fact]
        public void Getters_refuse_tokens_of_another_type()
        {
            var reader = new JsonReader(OcppSamples.Utf8("[\"1\",true,null,{}]"), 4);
            reader.Read(); // [
            Assert.Equal(-1, reader.GetStringLength());
            Assert.Equal(-1, reader.CopyString(new byte[8]));
            Assert.False(reader.ValueTextEquals("["u8));
            reader.Read(); // "1"
            Assert.False(reader.TryGetInt32(out _));
            Assert.False(reader.TryGetBoolean(out _));
            Assert.Equal(1, reader.CopyString(new byte[8]));
            reader.Read(); // true
            Assert.False(reader.TryGetInt64(out _));
            Assert.False(reader.TryGetDecimal(out _, out _));
            Assert.True(reader.TryGetBoolean(out bool flag));
            Assert.True(flag);
            Assert.Equal(-1, reader.GetEnumIndex("true"u8));
            Assert.False(reader.ValueTextEquals("true"u8));
            reader.Read(); // null
            Assert.False(reader.TryGetBoolean(out _));
            Assert.Equal(-1, reader.GetStringCodePointCount());
            reader.Read(); // {
            Assert.False(reader.TryGetDouble(out _));
            Assert.False(reader.TryGetScaled(2, out _));
        }

        [Fact]
        public void TrySkip_steps_over_a_whole_value_and_gives_its_text()
        {
            byte[] json = OcppSamples.Utf8(OcppSamples.MeterValuesReq);
            var reader = new JsonReader(json, 8);
            reader.Read(); // [
            reader.Read(); // 2
            reader.Read(); // id
            reader.Read(); // action
            reader.Read(); // {
            Assert.Equal(JsonTokenType.StartObject, reader.TokenType);
            Assert.True(reader.TrySkip(out ReadOnlySpan<byte> payload));
            Assert.Equal(JsonTokenType.EndObject, reader.TokenType);
            Assert.Equal(1, reader.Depth);
            string text = OcppSamples.MeterValuesReq;
            int start = text.IndexOf('{');
            Assert.Equal(text.Substring(start, text.Length - 1 - start), Encoding.UTF8.GetString(payload));
            Assert.True(reader.Read());
            Assert.Equal(JsonTokenType.EndArray, reader.TokenType);
            Assert.False(reader.Read());
            Assert.Equal(JsonError.None, reader.Error);
        }

        [Fact]
        public void TrySkip_on_a_property_name_skips_its_value_and_on_a_scalar_stays()
        {
            var reader = new JsonReader(OcppSamples.Utf8("{\"a\":{\"b\":[1,2]},\"c\":5}"), 8);
            reader.Read();
            reader.Read();
            Assert.True(reader.TrySkip(out ReadOnlySpan<byte> value));
            Assert.Equal("{\"b\":[1,2]}", Encoding.UTF8.GetString(value));
            reader.Read();
            Assert.True(reader.ValueTextEquals("c"u8));
            reader.Read();
            Assert.True(reader.TrySkip(out value));
            Assert.Equal("5", Encoding.UTF8.GetString(value));
            Assert.Equal(JsonTokenType.Number, reader.TokenType);
        }

        [Fact]
        public void TrySkip_fails_on_an_error_inside_what_it_skips()
        {
            var reader = new JsonReader(OcppSamples.Utf8("[{\"a\":[1,]}]"), 8);
            reader.Read();
            reader.Read();
            Assert.False(reader.TrySkip());
            Assert.Equal(JsonError.UnexpectedCharacter, reader.Error);
            Assert.Equal(9, reader.ErrorPosition);
        }

        [Fact]
        public void Nesting_is_allowed_up_to_the_depth_limit_and_no_further()
        {
            Assert.Equal((JsonError.None, 0), ReadToEnd(OcppSamples.Utf8(OcppSamples.Nest(64)), 64));
            Assert.Equal((JsonError.TooDeep, 64), ReadToEnd(OcppSamples.Utf8(OcppSamples.Nest(65)), 64));
            Assert.Equal((JsonError.None, 0), ReadToEnd(OcppSamples.Utf8(OcppSamples.Nest(8)), 8));
            Assert.Equal((JsonError.TooDeep, 8), ReadToEnd(OcppSamples.Utf8(OcppSamples.Nest(9)), 8));
            // 0 and values above 64 mean the most the reader supports, 64.
            Assert.Equal((JsonError.TooDeep, 64), ReadToEnd(OcppSamples.Utf8(OcppSamples.Nest(65)), 0));
            Assert.Equal((JsonError.TooDeep, 64), ReadToEnd(OcppSamples.Utf8(OcppSamples.Nest(65)), 1000));
        }

        [Theory]
        [InlineData("[[1]]", 1, 1)]
        [InlineData("{\"a\":{\"b\":[1]}}", 2, 10)]
        [InlineData("[{},[],{\"a\":[[]]}]", 3, 13)]
        public void Too_deep_points_at_the_bracket_that_opens_one_level_too_many(string text, int maxDepth, int position)
        {
            Assert.Equal((JsonError.TooDeep, position), ReadToEnd(OcppSamples.Utf8(text), maxDepth));
        }

        // The input is one byte per char (Latin-1), so that bytes which are not UTF-8 can be written.
        [Theory]
        // truncated
        [InlineData("", JsonError.UnexpectedEnd, 0)]
        [InlineData("   ", JsonError.UnexpectedEnd, 3)]
        [InlineData("{", JsonError.UnexpectedEnd, 1)]
        [InlineData("[", JsonError.UnexpectedEnd, 1)]
        [InlineData("{\"a\"", JsonError.UnexpectedEnd, 4)]
        [InlineData("{\"a\" ", JsonError.UnexpectedEnd, 5)]
        [InlineData("{\"a\":", JsonError.UnexpectedEnd, 5)]
        [InlineData("{\"a\":1", JsonError.UnexpectedEnd, 6)]
        [InlineData("{\"a\":1,", JsonError.UnexpectedEnd, 7)]
        [InlineData("[1,", JsonError.UnexpectedEnd, 3)]
        [InlineData("[[[]]", JsonError.UnexpectedEnd, 5)]
        [InlineData("\"abc", JsonError.UnexpectedEnd, 4)]
        [InlineData("\"a\\", JsonError.UnexpectedEnd, 3)]
        [InlineData("\"\\u12", JsonError.UnexpectedEnd, 5)]
        [InlineData("\"\\uD83D", JsonError.UnexpectedEnd, 7)]
        [InlineData("\"\\uD83D\\", JsonError.UnexpectedEnd, 8)]
        [InlineData("\"\\uD83D\\uDE", JsonError.UnexpectedEnd, 11)]
        [InlineData("\"\u00E2\u0082", JsonError.UnexpectedEnd, 3)]
        [InlineData("tru", JsonError.UnexpectedEnd, 3)]
        [InlineData("n", JsonError.UnexpectedEnd, 1)]
        [InlineData("-", JsonError.UnexpectedEnd, 1)]
        [InlineData("1.", JsonError.UnexpectedEnd, 2)]
        [InlineData("1e", JsonError.UnexpectedEnd, 2)]
        [InlineData("1e+", JsonError.UnexpectedEnd, 3)]
        [InlineData("[2,\"19223201\",\"BootNotification\",{\"chargePointVendor\":\"Sharp", JsonError.UnexpectedEnd, 60)]
        // escapes
        [InlineData("\"\\x\"", JsonError.InvalidEscape, 2)]
        [InlineData("\"\\U0041\"", JsonError.InvalidEscape, 2)]
        [InlineData("\"\\'\"", JsonError.InvalidEscape, 2)]
        [InlineData("\"\\0\"", JsonError.InvalidEscape, 2)]
        [InlineData("\"\\u12G4\"", JsonError.InvalidEscape, 5)]
        [InlineData("\"\\u 123\"", JsonError.InvalidEscape, 3)]
        [InlineData("\"\\u123\"", JsonError.InvalidEscape, 6)]
        [InlineData("\"\\uD800\\uDC0G\"", JsonError.InvalidEscape, 12)]
        // lone surrogates
        [InlineData("\"\\uD800\"", JsonError.InvalidUnicode, 7)]
        [InlineData("\"\\uDBFFx\"", JsonError.InvalidUnicode, 7)]
        [InlineData("\"\\uD800\\n\"", JsonError.InvalidUnicode, 8)]
        [InlineData("\"\\uD800\\u0041\"", JsonError.InvalidUnicode, 9)]
        [InlineData("\"\\uD800\\uD800\"", JsonError.InvalidUnicode, 10)]
        [InlineData("\"\\uDC00\"", JsonError.InvalidUnicode, 4)]
        [InlineData("\"\\udfff\"", JsonError.InvalidUnicode, 4)]
        [InlineData("\"a\\uDE00\\uD83D\"", JsonError.InvalidUnicode, 5)]
        // numbers
        [InlineData("01", JsonError.InvalidNumber, 1)]
        [InlineData("00", JsonError.InvalidNumber, 1)]
        [InlineData("-01", JsonError.InvalidNumber, 2)]
        [InlineData("[1.]", JsonError.InvalidNumber, 3)]
        [InlineData("1.e5", JsonError.InvalidNumber, 2)]
        [InlineData("1e+x", JsonError.InvalidNumber, 3)]
        [InlineData("1x", JsonError.InvalidNumber, 1)]
        [InlineData("1.5.3", JsonError.InvalidNumber, 3)]
        [InlineData("-a", JsonError.InvalidNumber, 1)]
        [InlineData("-Infinity", JsonError.InvalidNumber, 1)]
        [InlineData("0x1F", JsonError.InvalidNumber, 1)]
        [InlineData("1_000", JsonError.InvalidNumber, 1)]
        [InlineData("{\"interval\":300s}", JsonError.InvalidNumber, 15)]
        [InlineData(".5", JsonError.UnexpectedCharacter, 0)]
        [InlineData("+1", JsonError.UnexpectedCharacter, 0)]
        [InlineData("NaN", JsonError.UnexpectedCharacter, 0)]
        [InlineData("Infinity", JsonError.UnexpectedCharacter, 0)]
        [InlineData("[-]", JsonError.InvalidNumber, 2)]
        // literals
        [InlineData("True", JsonError.UnexpectedCharacter, 0)]
        [InlineData("nil", JsonError.InvalidLiteral, 1)]
        [InlineData("nulx", JsonError.InvalidLiteral, 3)]
        [InlineData("truex", JsonError.InvalidLiteral, 4)]
        [InlineData("[tru]", JsonError.InvalidLiteral, 4)]
        [InlineData("falsy", JsonError.InvalidLiteral, 4)]
        [InlineData("[null1]", JsonError.InvalidLiteral, 5)]
        // structure
        [InlineData("[1,]", JsonError.UnexpectedCharacter, 3)]
        [InlineData("{\"a\":1,}", JsonError.UnexpectedCharacter, 7)]
        [InlineData("[,1]", JsonError.UnexpectedCharacter, 1)]
        [InlineData("{,}", JsonError.UnexpectedCharacter, 1)]
        [InlineData("[1,,2]", JsonError.UnexpectedCharacter, 3)]
        [InlineData("{'a':1}", JsonError.UnexpectedCharacter, 1)]
        [InlineData("['a']", JsonError.UnexpectedCharacter, 1)]
        [InlineData("{\"a\" 1}", JsonError.UnexpectedCharacter, 5)]
        [InlineData("{\"a\"::1}", JsonError.UnexpectedCharacter, 5)]
        [InlineData("{\"a\":}", JsonError.UnexpectedCharacter, 5)]
        [InlineData("{1:2}", JsonError.UnexpectedCharacter, 1)]
        [InlineData("{a:1}", JsonError.UnexpectedCharacter, 1)]
        [InlineData("[1}", JsonError.UnexpectedCharacter, 2)]
        [InlineData("{\"a\":1]", JsonError.UnexpectedCharacter, 6)]
        [InlineData("{\"a\":1 \"b\":2}", JsonError.UnexpectedCharacter, 7)]
        [InlineData("[\"a\" \"b\"]", JsonError.UnexpectedCharacter, 5)]
        [InlineData("[\"a\":1]", JsonError.UnexpectedCharacter, 4)]
        [InlineData("]", JsonError.UnexpectedCharacter, 0)]
        [InlineData("}", JsonError.UnexpectedCharacter, 0)]
        [InlineData(",", JsonError.UnexpectedCharacter, 0)]
        [InlineData("// c\n1", JsonError.UnexpectedCharacter, 0)]
        [InlineData("[1/*c*/]", JsonError.InvalidNumber, 2)]
        [InlineData("\u00C3\u00A9", JsonError.UnexpectedCharacter, 0)]
        [InlineData("\u00EF\u00BB\u00BF{}", JsonError.UnexpectedCharacter, 0)]
        [InlineData("\u00A0[]", JsonError.UnexpectedCharacter, 0)]
        [InlineData("\u000B[]", JsonError.UnexpectedCharacter, 0)]
        // control characters in strings
        [InlineData("\"a\u0001b\"", JsonError.ControlCharacter, 2)]
        [InlineData("\"\t\"", JsonError.ControlCharacter, 1)]
        [InlineData("\"\n\"", JsonError.ControlCharacter, 1)]
        [InlineData("\"\r\"", JsonError.ControlCharacter, 1)]
        [InlineData("\"\u0000\"", JsonError.ControlCharacter, 1)]
        [InlineData("\"\u001F\"", JsonError.ControlCharacter, 1)]
        [InlineData("{\"id\u0000Tag\":1}", JsonError.ControlCharacter, 4)]
        // bytes that are not UTF-8
        [InlineData("\"\u00C3\u0028\"", JsonError.InvalidUtf8, 2)]
        [InlineData("\"\u00C0\u00AF\"", JsonError.InvalidUtf8, 1)]
        [InlineData("\"\u00C1\u00BF\"", JsonError.InvalidUtf8, 1)]
        [InlineData("\"\u00E0\u0080\u0080\"", JsonError.InvalidUtf8, 2)]
        [InlineData("\"\u00ED\u00A0\u0080\"", JsonError.InvalidUtf8, 2)]
        [InlineData("\"\u00F0\u0080\u0080\u0080\"", JsonError.InvalidUtf8, 2)]
        [InlineData("\"\u00F4\u0090\u0080\u0080\"", JsonError.InvalidUtf8, 2)]
        [InlineData("\"\u00F5\u0080\u0080\u0080\"", JsonError.InvalidUtf8, 1)]
        [InlineData("\"\u00FF\"", JsonError.InvalidUtf8, 1)]
        [InlineData("\"\u0080\"", JsonError.InvalidUtf8, 1)]
        [InlineData("\"\u00E2\u0082\u0028\"", JsonError.InvalidUtf8, 3)]
        [InlineData("\"\u00F0\u009F\u0098\"", JsonError.InvalidUtf8, 4)]
        [InlineData("{\"\u00FF\":1}", JsonError.InvalidUtf8, 2)]
        // after the value
        [InlineData("1 2", JsonError.TrailingData, 2)]
        [InlineData("{} {}", JsonError.TrailingData, 3)]
        [InlineData("[]]", JsonError.TrailingData, 2)]
        [InlineData("{},", JsonError.TrailingData, 2)]
        [InlineData("\"a\"\"b\"", JsonError.TrailingData, 3)]
        [InlineData("null\u0000", JsonError.InvalidLiteral, 4)]
        [InlineData("null \u0000", JsonError.TrailingData, 5)]
        [InlineData("[1]/*c*/", JsonError.TrailingData, 3)]
        [InlineData("[2,\"1\",\"Heartbeat\",{}]\n[", JsonError.TrailingData, 23)]
        public void Malformed_input_is_refused_with_the_reason_and_the_position_of_the_first_bad_byte(string latin1, JsonError error, int position)
        {
            byte[] json = OcppSamples.Latin1(latin1);
            Assert.Equal((error, position), ReadToEnd(json));
            Assert.False(JsonOracle.IsValid(json, 64), "System.Text.Json accepts it");
            Assert.False(JsonReader.Validate(json, 64, out JsonError validateError, out int validatePosition));
            Assert.Equal((error, position), (validateError, validatePosition));
        }

        [Fact]
        public void After_an_error_the_reader_stays_stopped_with_no_token()
        {
            var reader = new JsonReader(OcppSamples.Utf8("[1,]"), 4);
            Assert.True(reader.Read());
            Assert.True(reader.Read());
            Assert.False(reader.Read());
            Assert.Equal(JsonTokenType.None, reader.TokenType);
            Assert.True(reader.ValueSpan.IsEmpty);
            Assert.False(reader.Read());
            Assert.False(reader.TrySkip());
            Assert.Equal(JsonError.UnexpectedCharacter, reader.Error);
        }

        [Fact]
        public void A_default_reader_reads_nothing()
        {
            JsonReader reader = default;
            Assert.False(reader.Read());
            Assert.Equal(JsonError.UnexpectedEnd, reader.Error);
        }

        [Fact]
        public void Every_error_has_its_own_text_for_log_lines()
        {
            var texts = new HashSet<string>();
            foreach (JsonError error in Enum.GetValues<JsonError>())
            {
                string text = Encoding.UTF8.GetString(JsonErrorText.Of(error));
                Assert.False(string.IsNullOrEmpty(text));
                Assert.True(texts.Add(text), $"{error}: {text} twice");
            }
            Assert.Equal("unexpected end of data", Encoding.UTF8.GetString(JsonErrorText.Of(JsonError.UnexpectedEnd)));
        }
    }
}
