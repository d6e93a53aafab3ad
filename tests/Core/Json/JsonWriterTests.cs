using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using ChargePoint.Core.Json;
using Xunit;
using Stj = System.Text.Json;

namespace ChargePoint.Tests.Core.Json
{
    public class JsonWriterTests
    {
        private static string Text(JsonWriter writer) => Encoding.UTF8.GetString(writer.Written);

        private static void WriteBootNotification(JsonWriter w)
        {
            w.StartArray();
            w.Number(2);
            w.String("19223201"u8);
            w.String("BootNotification"u8);
            w.StartObject();
            w.String("chargePointVendor"u8, "SharpCharge"u8);
            w.String("chargePointModel"u8, "SC-1"u8);
            w.EndObject();
            w.EndArray();
        }

        private const string BootNotification =
            "[2,\"19223201\",\"BootNotification\",{\"chargePointVendor\":\"SharpCharge\",\"chargePointModel\":\"SC-1\"}]";

        [Fact]
        public void A_call_frame_is_written_compact_with_commas_and_colons_in_place()
        {
            var w = new JsonWriter(256);
            WriteBootNotification(w);
            Assert.Equal(BootNotification, Text(w));
            Assert.True(w.IsComplete);
            Assert.False(w.Overflowed);
            Assert.False(w.Misused);
            Assert.Equal(BootNotification.Length, w.Length);
            Assert.Equal(0, w.Depth);
        }

        [Fact]
        public void Every_kind_of_value_is_written_as_OCPP_expects()
        {
            var w = new JsonWriter(512);
            w.StartObject();
            w.Number("connectorId"u8, 1);
            w.Number("meterStart"u8, -1250);
            w.Number("limit"u8, 160, 1);
            w.NumberAsString("value"u8, 12500, 3);
            w.Bool("readonly"u8, true);
            w.Bool("other"u8, false);
            w.Null("nothing"u8);
            w.StartArray("sampledValue"u8);
            w.StartObject();
            w.EndObject();
            w.StartArray();
            w.EndArray();
            w.Number(7);
            w.NumberAsString(5, 0);
            w.RawValue("{\"kept\": [1, 2]}"u8);
            w.EndArray();
            w.StartObject("idTagInfo"u8);
            w.RawValue("status"u8, "\"Accepted\""u8);
            w.EndObject();
            w.EndObject();
            Assert.True(w.IsComplete);
            Assert.Equal(
                "{\"connectorId\":1,\"meterStart\":-1250,\"limit\":16.0,\"value\":\"12.500\",\"readonly\":true,\"other\":false," +
                "\"nothing\":null,\"sampledValue\":[{},[],7,\"5\",{\"kept\": [1, 2]}],\"idTagInfo\":{\"status\":\"Accepted\"}}", Text(w));
        }

        [Theory]
        [InlineData(1234L, 1, "123.4")]
        [InlineData(-1234L, 1, "-123.4")]
        [InlineData(-5L, 2, "-0.05")]
        [InlineData(7L, 0, "7")]
        [InlineData(0L, 0, "0")]
        [InlineData(0L, 2, "0.00")]
        [InlineData(0L, -2, "0")]
        [InlineData(5L, -2, "500")]
        [InlineData(12L, 2, "0.12")]
        [InlineData(100L, 2, "1.00")]
        [InlineData(1L, 18, "0.000000000000000001")]
        [InlineData(-9L, -18, "-9000000000000000000")]
        [InlineData(long.MinValue, 0, "-9223372036854775808")]
        [InlineData(long.MaxValue, 0, "9223372036854775807")]
        [InlineData(long.MaxValue, 18, "9.223372036854775807")]
        [InlineData(long.MinValue, 18, "-9.223372036854775808")]
        public void Decimals_are_written_with_exactly_the_digits_asked_for(long mantissa, int decimals, string expected)
        {
            var w = new JsonWriter(64);
            w.Number(mantissa, decimals);
            Assert.Equal(expected, Text(w));
            Assert.True(JsonElement.TryParse(w.Written, 4, out JsonElement read, out _, out _));
            Assert.True(read.TryGetDecimal(out long m, out int e));
            Assert.Equal(JsonOracle.Decimal(mantissa, -decimals), JsonOracle.Decimal(m, e));
            w.Reset();
            w.NumberAsString(mantissa, decimals);
            Assert.Equal("\"" + expected + "\"", Text(w));
        }

        [Fact]
        public void Strings_escape_quotes_backslashes_and_control_characters_and_keep_other_UTF_8()
        {
            var w = new JsonWriter(256);
            w.String(OcppSamples.Utf8("a\"b\\c/\b\f\n\r\t\u0001\u001f\u007f\u00e9\u20ac\U0001F600"));
            Assert.Equal("\"a\\\"b\\\\c/\\b\\f\\n\\r\\t\\u0001\\u001F\u007f\u00e9\u20ac\U0001F600\"", Text(w));
        }

        [Fact]
        public void Property_names_are_escaped_like_strings()
        {
            var w = new JsonWriter(64);
            w.StartObject();
            w.Null(OcppSamples.Utf8("a\"\n"));
            w.EndObject();
            Assert.Equal("{\"a\\\"\\n\":null}", Text(w));
        }

        [Theory]
        [InlineData("\u00C3\u0028")]
        [InlineData("\u00FF")]
        [InlineData("ab\u00E2\u0082")]
        [InlineData("\u00ED\u00A0\u0080")]
        [InlineData("\u00F0\u009F\u0098x")]
        [InlineData("\u00C0\u00AF")]
        [InlineData("\u00F4\u0090\u0080\u0080")]
        [InlineData("\u0080\u0080ok")]
        public void Bytes_that_are_not_UTF_8_become_replacement_characters_as_NET_decodes_them(string latin1)
        {
            byte[] input = OcppSamples.Latin1(latin1);
            var w = new JsonWriter(64);
            w.String(input);
            Assert.True(w.IsComplete);
            Assert.True(JsonReader.Validate(w.Written, 4, out _, out _));
            using var document = Stj.JsonDocument.Parse(w.Written.ToArray());
            Assert.Equal(Encoding.UTF8.GetString(input), document.RootElement.GetString());
        }

        [Fact]
        public void A_buffer_too_small_keeps_whole_values_only_and_stops_writing()
        {
            var full = new JsonWriter(256);
            WriteBootNotification(full);
            string expected = Text(full);
            for (int size = 0; size <= expected.Length + 1; size++)
            {
                var w = new JsonWriter(new byte[size]);
                WriteBootNotification(w);
                string written = Text(w);
                Assert.StartsWith(written, expected);
                Assert.Equal(size < expected.Length, w.Overflowed);
                Assert.Equal(size >= expected.Length, w.IsComplete);
                if (w.Overflowed)
                {
                    int length = w.Length;
                    w.Null();
                    w.EndArray();
                    Assert.Equal(length, w.Length);
                }
            }
        }

        [Fact]
        public void A_string_that_does_not_fit_writes_none_of_itself()
        {
            var w = new JsonWriter(new byte[10]);
            w.StartArray();
            w.String("twelve bytes"u8);
            Assert.True(w.Overflowed);
            Assert.Equal("[", Text(w));
            w.String("x"u8);
            Assert.Equal("[", Text(w));
        }

        [Fact]
        public void A_writer_without_a_buffer_overflows_at_once()
        {
            var w = new JsonWriter();
            w.Null();
            Assert.True(w.Overflowed);
            Assert.Equal(0, w.Length);
            Assert.True(w.Written.IsEmpty);
        }

        [Fact]
        public void Reset_starts_a_new_document_in_the_same_buffer()
        {
            var w = new JsonWriter(new byte[4]);
            w.StartArray();
            w.String("too long"u8);
            Assert.True(w.Overflowed);
            w.Reset();
            Assert.False(w.Overflowed);
            Assert.Equal(0, w.Length);
            w.Bool(true);
            Assert.Equal("true", Text(w));
            Assert.True(w.IsComplete);
            Assert.Equal(4, w.Capacity);
        }

        [Fact]
        public void Writing_into_part_of_a_buffer_leaves_the_rest_alone()
        {
            var buffer = new byte[16];
            buffer.AsSpan().Fill((byte)'#');
            var w = new JsonWriter();
            w.Reset(buffer, 4, 9);
            w.StartArray();
            w.Number(12);
            w.Bool(true);
            w.EndArray();
            Assert.True(w.IsComplete);
            Assert.Equal("####[12,true]###", Encoding.ASCII.GetString(buffer));
            w.Reset();
            w.Null();
            Assert.Equal("null", Text(w));
            Assert.Equal("####nulltrue]###", Encoding.ASCII.GetString(buffer));
        }

        [Fact]
        public void A_region_outside_the_buffer_is_misuse()
        {
            var w = new JsonWriter();
            w.Reset(new byte[8], 4, 5);
            Assert.True(w.Misused);
            w.Null();
            Assert.Equal(0, w.Length);
            w.Reset(null);
            Assert.True(w.Misused);
        }

        public static IEnumerable<object[]> Misuses()
        {
            yield return new object[] { "a value in an object without a name", (Action<JsonWriter>)(w => { w.StartObject(); w.Number(1); }) };
            yield return new object[] { "a name in an array", (Action<JsonWriter>)(w => { w.StartArray(); w.PropertyName("a"u8); }) };
            yield return new object[] { "a name at the top", (Action<JsonWriter>)(w => w.PropertyName("a"u8)) };
            yield return new object[] { "two names in a row", (Action<JsonWriter>)(w => { w.StartObject(); w.PropertyName("a"u8); w.PropertyName("b"u8); }) };
            yield return new object[] { "an object closed after its name", (Action<JsonWriter>)(w => { w.StartObject(); w.PropertyName("a"u8); w.EndObject(); }) };
            yield return new object[] { "an array closed as an object", (Action<JsonWriter>)(w => { w.StartArray(); w.EndObject(); }) };
            yield return new object[] { "an object closed as an array", (Action<JsonWriter>)(w => { w.StartObject(); w.EndArray(); }) };
            yield return new object[] { "a close with nothing open", (Action<JsonWriter>)(w => w.EndArray()) };
            yield return new object[] { "a second document value", (Action<JsonWriter>)(w => { w.Null(); w.Null(); }) };
            yield return new object[] { "a value after the document closed", (Action<JsonWriter>)(w => { w.StartArray(); w.EndArray(); w.StartObject(); }) };
            yield return new object[] { "invalid raw JSON", (Action<JsonWriter>)(w => { w.StartArray(); w.RawValue("[1,]"u8); }) };
            yield return new object[] { "two raw values at once", (Action<JsonWriter>)(w => { w.StartArray(); w.RawValue("1 2"u8); }) };
            yield return new object[] { "empty raw JSON", (Action<JsonWriter>)(w => { w.StartArray(); w.RawValue(""u8); }) };
            yield return new object[] { "too many decimals", (Action<JsonWriter>)(w => w.Number(1, 19)) };
            yield return new object[] { "too few decimals", (Action<JsonWriter>)(w => w.Number(1, -19)) };
            yield return new object[] { "65 levels", (Action<JsonWriter>)(w => { for (int i = 0; i < 65; i++) w.StartArray(); }) };
            yield return new object[] { "raw JSON nested past 64 levels", (Action<JsonWriter>)(w => { for (int i = 0; i < 64; i++) w.StartArray(); w.RawValue("[]"u8); }) };
        }

        [Theory]
        [MemberData(nameof(Misuses))]
        public void Calls_out_of_order_set_Misused_and_stop_the_writer(string what, Action<JsonWriter> misuse)
        {
            var w = new JsonWriter(1024);
            misuse(w);
            Assert.True(w.Misused, what);
            Assert.False(w.IsComplete);
            Assert.False(w.Overflowed);
            int length = w.Length;
            w.StartArray();
            w.String("more"u8);
            w.EndArray();
            Assert.Equal(length, w.Length);
            Assert.True(w.Written.IndexOf((byte)'m') < 0);
            w.Reset();
            Assert.False(w.Misused);
            w.Null();
            Assert.True(w.IsComplete);
        }

        [Fact]
        public void Sixty_four_levels_and_a_raw_scalar_at_the_bottom_are_fine()
        {
            var w = new JsonWriter(1024);
            for (int i = 0; i < 64; i++) w.StartArray();
            w.RawValue(" 5 "u8);
            for (int i = 0; i < 64; i++) w.EndArray();
            Assert.True(w.IsComplete);
            Assert.True(JsonReader.Validate(w.Written, 64, out _, out _));
        }

        [Fact]
        public void An_unfinished_document_is_not_complete()
        {
            var w = new JsonWriter(64);
            Assert.False(w.IsComplete);
            w.StartObject();
            w.PropertyName("a"u8);
            Assert.False(w.IsComplete);
            Assert.Equal(1, w.Depth);
        }

        // ---- round trips ---------------------------------------------------------------------

        private static void Write(JsonWriter w, JsonGenerator.Node node)
        {
            switch (node)
            {
                case JsonGenerator.ObjectNode obj:
                    w.StartObject();
                    foreach (var property in obj.Properties)
                    {
                        w.PropertyName(property.Key);
                        Write(w, property.Value);
                    }
                    w.EndObject();
                    break;
                case JsonGenerator.ArrayNode array:
                    w.StartArray();
                    foreach (var item in array.Items) Write(w, item);
                    w.EndArray();
                    break;
                case JsonGenerator.StringNode text:
                    w.String(text.Utf8);
                    break;
                case JsonGenerator.NumberNode number:
                    if (number.AsString) w.NumberAsString(number.Mantissa, number.Decimals);
                    else w.Number(number.Mantissa, number.Decimals);
                    break;
                case JsonGenerator.LiteralNode literal:
                    if (literal.Value == null) w.Null();
                    else w.Bool(literal.Value.Value);
                    break;
            }
        }

        private static string DecimalText(long mantissa, int decimals)
        {
            if (decimals <= 0)
                return mantissa == 0 ? "0" : mantissa.ToString(CultureInfo.InvariantCulture) + new string('0', -decimals);
            decimal value = JsonOracle.Decimal(mantissa, -decimals);
            return value.ToString("F" + decimals, CultureInfo.InvariantCulture);
        }

        private static void AssertSame(JsonGenerator.Node node, Stj.JsonElement element)
        {
            switch (node)
            {
                case JsonGenerator.ObjectNode obj:
                    Assert.Equal(Stj.JsonValueKind.Object, element.ValueKind);
                    int i = 0;
                    foreach (Stj.JsonProperty property in element.EnumerateObject())
                    {
                        Assert.Equal(Encoding.UTF8.GetString(obj.Properties[i].Key), property.Name);
                        AssertSame(obj.Properties[i].Value, property.Value);
                        i++;
                    }
                    Assert.Equal(obj.Properties.Count, i);
                    break;
                case JsonGenerator.ArrayNode array:
                    Assert.Equal(array.Items.Count, element.GetArrayLength());
                    for (int k = 0; k < array.Items.Count; k++) AssertSame(array.Items[k], element[k]);
                    break;
                case JsonGenerator.StringNode text:
                    Assert.Equal(Encoding.UTF8.GetString(text.Utf8), element.GetString());
                    break;
                case JsonGenerator.NumberNode number:
                    string expected = DecimalText(number.Mantissa, number.Decimals);
                    Assert.Equal(expected, number.AsString ? element.GetString() : element.GetRawText());
                    break;
                case JsonGenerator.LiteralNode literal:
                    Assert.Equal(literal.Value == null ? Stj.JsonValueKind.Null : literal.Value.Value ? Stj.JsonValueKind.True : Stj.JsonValueKind.False,
                        element.ValueKind);
                    break;
            }
        }

        [Fact]
        public void Random_documents_written_read_back_the_same_with_both_readers()
        {
            var random = new Random(1_6_5);
            var w = new JsonWriter(1 << 16);
            for (int i = 0; i < 3_000; i++)
            {
                JsonGenerator.Node tree = JsonGenerator.Tree(random, random.Next(7));
                w.Reset();
                Write(w, tree);
                Assert.True(w.IsComplete, "incomplete");
                byte[] json = w.Written.ToArray();
                AssertCompact(json);
                using (var document = Stj.JsonDocument.Parse(json, new Stj.JsonDocumentOptions { MaxDepth = 64 }))
                    AssertSame(tree, document.RootElement);
                JsonOracle.AssertSameTokens(json, 64);
                JsonOracle.AssertSameTree(json, 64);
            }
        }

        // No whitespace outside strings: OCPP-J frames are compact.
        private static void AssertCompact(byte[] json)
        {
            bool inString = false;
            for (int i = 0; i < json.Length; i++)
            {
                byte b = json[i];
                if (inString)
                {
                    if (b == '\\') i++;
                    else if (b == '"') inString = false;
                }
                else if (b == '"') inString = true;
                else Assert.False(b == ' ' || b == '\n' || b == '\r' || b == '\t', $"whitespace at {i}: {JsonOracle.Show(json)}");
            }
        }

        [Fact]
        public void A_kept_payload_is_copied_verbatim_as_a_raw_value()
        {
            var w = new JsonWriter(4096);
            Assert.True(JsonElement.TryParse(OcppSamples.Utf8(OcppSamples.RemoteStartTransactionReq), 16, out JsonElement root, out _, out _));
            w.StartArray();
            w.Number(2);
            w.String("r3"u8);
            w.String("RemoteStartTransaction"u8);
            w.RawValue(root[3].RawJson);
            w.EndArray();
            Assert.Equal(OcppSamples.RemoteStartTransactionReq, Text(w));
        }
    }
}
