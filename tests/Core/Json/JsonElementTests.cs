using System;
using System.Collections.Generic;
using System.Text;
using ChargePoint.Core.Json;
using Xunit;

namespace ChargePoint.Tests.Core.Json
{
    // What an OCPP message parser does with a frame: check the framing, find properties, check
    // their types, enum values and required names, walk nested objects and arrays of objects.
    public class JsonElementTests
    {
        private static JsonElement Parse(string text)
        {
            Assert.True(JsonElement.TryParse(OcppSamples.Utf8(text), 8, out JsonElement root, out JsonError error, out int position),
                $"{error} at {position}");
            return root;
        }

        private static string Text(JsonElement element)
        {
            var buffer = new byte[256];
            int length = element.CopyString(buffer);
            Assert.True(length >= 0, "not a string");
            return Encoding.UTF8.GetString(buffer, 0, length);
        }

        [Theory]
        [MemberData(nameof(JsonReaderTests.ValidCorpus), MemberType = typeof(JsonReaderTests))]
        public void Every_valid_document_gives_the_tree_System_Text_Json_gives(string text)
        {
            JsonOracle.AssertSameTree(OcppSamples.Utf8(text), 64);
        }

        [Fact]
        public void A_call_frame_gives_its_type_id_action_and_payload()
        {
            JsonElement frame = Parse(OcppSamples.BootNotificationReq);
            Assert.Equal(JsonValueKind.Array, frame.ValueKind);
            Assert.Equal(4, frame.GetArrayLength());
            Assert.True(frame[0].TryGetInt32(out int type));
            Assert.Equal(2, type);
            Assert.True(frame[1].ValueEquals("19223201"u8));
            Assert.Equal("BootNotification", Text(frame[2]));
            JsonElement payload = frame[3];
            Assert.Equal(JsonValueKind.Object, payload.ValueKind);
            Assert.True(payload.CheckProperties("chargePointVendor|chargePointModel"u8,
                "chargePointSerialNumber|chargeBoxSerialNumber|firmwareVersion|iccid|imsi|meterType|meterSerialNumber"u8).IsValid);
            Assert.Equal("SharpCharge", Text(payload.GetProperty("chargePointVendor"u8)));
            Assert.Equal(0, payload.GetProperty("iccid"u8).GetStringLength());
            Assert.Equal(JsonValueKind.Undefined, frame[4].ValueKind);
            Assert.Equal(JsonValueKind.Undefined, frame[-1].ValueKind);
        }

        [Fact]
        public void A_call_result_gives_enum_values_times_and_integers_written_in_any_form()
        {
            JsonElement payload = Parse(OcppSamples.BootNotificationConfPending)[2];
            Assert.True(payload.CheckProperties("status|currentTime|interval"u8, ""u8).IsValid);
            Assert.Equal(1, payload.GetProperty("status"u8).GetEnumIndex("Accepted|Pending|Rejected"u8));
            Assert.True(payload.GetProperty("interval"u8).TryGetInt32(out int interval));
            Assert.Equal(300, interval);
            Assert.Equal("2024-02-14T06:07:03Z", Text(payload.GetProperty("currentTime"u8)));
        }

        [Fact]
        public void A_nested_object_is_reached_through_its_parent()
        {
            JsonElement payload = Parse(OcppSamples.StartTransactionConf)[2];
            JsonElement info = payload.GetProperty("idTagInfo"u8);
            Assert.Equal(JsonValueKind.Object, info.ValueKind);
            Assert.True(info.CheckProperties("status"u8, "expiryDate|parentIdTag"u8).IsValid);
            Assert.Equal(4, info.GetProperty("status"u8).GetEnumIndex("Accepted|Blocked|Expired|Invalid|ConcurrentTx"u8));
            Assert.True(payload.GetProperty("transactionId"u8).TryGetInt32(out int transaction));
            Assert.Equal(1193, transaction);
        }

        [Fact]
        public void Meter_values_are_walked_as_arrays_of_objects_and_their_decimal_strings_scaled()
        {
            JsonElement payload = Parse(OcppSamples.MeterValuesReq)[3];
            var values = new List<long>();
            var units = new List<string>();
            var text = new byte[32];
            foreach (JsonElement meterValue in payload.GetProperty("meterValue"u8).EnumerateArray())
            {
                Assert.True(meterValue.CheckProperties("timestamp|sampledValue"u8, ""u8).IsValid);
                foreach (JsonElement sampled in meterValue.GetProperty("sampledValue"u8).EnumerateArray())
                {
                    // OCPP 1.6 SampledValue.value is a string holding a decimal.
                    int length = sampled.GetProperty("value"u8).CopyString(text);
                    Assert.True(JsonNumber.TryParse(text.AsSpan(0, length), out long mantissa, out int exponent));
                    Assert.True(JsonNumber.TryScale(mantissa, exponent, 3, out long milli));
                    values.Add(milli);
                    JsonElement unit = sampled.GetProperty("unit"u8);
                    units.Add(unit.ValueKind == JsonValueKind.Undefined ? "-" : Text(unit));
                }
            }
            Assert.Equal(new[] { 12500L, 230400L, 16000L, 12750L }, values);
            Assert.Equal(new[] { "kWh", "V", "A", "-" }, units);
        }

        [Fact]
        public void A_configuration_list_with_many_keys_is_counted_and_read()
        {
            JsonElement payload = Parse(OcppSamples.GetConfigurationConf)[2];
            JsonElement keys = payload.GetProperty("configurationKey"u8);
            Assert.Equal(20, keys.GetArrayLength());
            int readOnly = 0;
            foreach (JsonElement key in keys.EnumerateArray())
            {
                Assert.True(key.CheckProperties("key|readonly"u8, "value"u8).IsValid);
                Assert.True(key.GetProperty("readonly"u8).TryGetBoolean(out bool flag));
                if (flag) readOnly++;
                Assert.True(key.GetProperty("key"u8).GetStringCodePointCount() <= 50); // CiString50Type
            }
            Assert.Equal(3, readOnly);
            Assert.Equal("HeartbeatInterval", Text(keys[4].GetProperty("key"u8)));
            Assert.Equal(JsonValueKind.Undefined, keys[19].GetProperty("value"u8).ValueKind);
            Assert.Equal("AlsoMissing", Text(payload.GetProperty("unknownKey"u8)[1]));
        }

        [Fact]
        public void A_call_error_frame_has_five_elements()
        {
            JsonElement frame = Parse(OcppSamples.CallError);
            Assert.Equal(5, frame.GetArrayLength());
            Assert.True(frame[0].TryGetInt32(out int type));
            Assert.Equal(4, type);
            Assert.Equal(2, frame[2].GetEnumIndex("GenericError|NotSupported|NotImplemented"u8));
            Assert.Equal(0, frame[4].GetPropertyCount());
        }

        [Fact]
        public void A_string_holding_JSON_unescapes_to_a_document_of_its_own()
        {
            JsonElement data = Parse(OcppSamples.DataTransferReq)[3].GetProperty("data"u8);
            var inner = new byte[64];
            int length = data.CopyString(inner);
            Assert.True(JsonElement.TryParse(inner.AsSpan(0, length), 4, out JsonElement nested, out _, out _));
            Assert.Equal("json \u00e9", Text(nested.GetProperty("nested"u8)));
        }

        [Fact]
        public void Missing_required_properties_are_named()
        {
            JsonPropertyCheck check = Parse("{\"connectorId\":1,\"timestamp\":\"2024-02-14T06:07:03Z\"}")
                .CheckProperties("connectorId|idTag|meterStart|timestamp"u8, "reservationId"u8);
            Assert.Equal(JsonPropertyProblem.Missing, check.Problem);
            Assert.Equal("idTag", Encoding.UTF8.GetString(check.Name));
            Assert.False(check.IsValid);
        }

        [Fact]
        public void Unknown_properties_are_named()
        {
            JsonPropertyCheck check = Parse("{\"idTag\":\"A\",\"colour\":\"red\"}").CheckProperties("idTag"u8, ""u8);
            Assert.Equal(JsonPropertyProblem.Unknown, check.Problem);
            Assert.Equal("colour", Encoding.UTF8.GetString(check.Name));
        }

        [Fact]
        public void A_property_given_twice_is_named_even_when_escaped_differently()
        {
            JsonPropertyCheck check = Parse("{\"idTag\":\"A\",\"\\u0069dTag\":\"B\"}").CheckProperties("idTag"u8, ""u8);
            Assert.Equal(JsonPropertyProblem.Duplicate, check.Problem);
            Assert.Equal("\\u0069dTag", Encoding.UTF8.GetString(check.Name));
            Assert.Equal(JsonPropertyProblem.Duplicate,
                Parse("{\"reservationId\":1,\"idTag\":\"A\",\"reservationId\":2}").CheckProperties("idTag"u8, "reservationId"u8).Problem);
        }

        [Fact]
        public void Problems_are_reported_in_document_order_before_missing_names()
        {
            JsonPropertyCheck check = Parse("{\"b\":1,\"x\":2,\"b\":3}").CheckProperties("a|b"u8, "c"u8);
            Assert.Equal(JsonPropertyProblem.Unknown, check.Problem);
            Assert.Equal("x", Encoding.UTF8.GetString(check.Name));
        }

        [Fact]
        public void Only_an_object_has_properties_to_check()
        {
            Assert.Equal(JsonPropertyProblem.NotAnObject, Parse("[1]").CheckProperties("a"u8, ""u8).Problem);
            Assert.Equal(JsonPropertyProblem.NotAnObject, Parse("{}").GetProperty("a"u8).CheckProperties(""u8, ""u8).Problem);
            Assert.True(Parse("{}").CheckProperties(""u8, "a|b"u8).IsValid);
        }

        [Fact]
        public void Lists_of_more_than_64_names_still_find_missing_ones()
        {
            var names = new StringBuilder();
            var json = new StringBuilder("{");
            for (int i = 0; i < 70; i++)
            {
                if (i > 0) names.Append('|');
                names.Append("k").Append(i);
                if (i != 68)
                {
                    if (json.Length > 1) json.Append(',');
                    json.Append("\"k").Append(i).Append("\":").Append(i);
                }
            }
            json.Append('}');
            JsonPropertyCheck check = Parse(json.ToString()).CheckProperties(OcppSamples.Utf8(names.ToString()), ""u8);
            Assert.Equal(JsonPropertyProblem.Missing, check.Problem);
            Assert.Equal("k68", Encoding.UTF8.GetString(check.Name));
        }

        [Fact]
        public void An_empty_name_in_a_list_matches_an_empty_property_name()
        {
            Assert.True(Parse("{\"\":1,\"a\":2}").CheckProperties("a|"u8, ""u8).IsValid);
            Assert.Equal(1, Parse("\"\"").GetEnumIndex("a||b"u8));
            Assert.Equal(-1, Parse("\"\"").GetEnumIndex(""u8));
        }

        [Fact]
        public void Lookups_past_what_is_there_give_undefined_and_fail_quietly()
        {
            JsonElement root = Parse(OcppSamples.AuthorizeConf);
            JsonElement nothing = root.GetProperty("idTagInfo"u8)[7].GetProperty("status"u8);
            Assert.Equal(JsonValueKind.Undefined, nothing.ValueKind);
            Assert.False(nothing.TryGetInt32(out _));
            Assert.False(nothing.TryGetBoolean(out _));
            Assert.False(nothing.ValueEquals(""u8));
            Assert.Equal(-1, nothing.CopyString(new byte[4]));
            Assert.Equal(-1, nothing.GetEnumIndex("Accepted"u8));
            Assert.Equal(-1, nothing.GetArrayLength());
            Assert.Equal(-1, nothing.GetPropertyCount());
            Assert.True(nothing.RawJson.IsEmpty);
            foreach (JsonElement item in nothing.EnumerateArray()) Assert.Fail("an undefined element has no items");
            foreach (JsonProperty property in root.EnumerateObject()) Assert.Fail("an array has no properties");
            foreach (JsonElement item in root[2].EnumerateArray()) Assert.Fail("an object has no items");
        }

        [Fact]
        public void Types_are_told_apart_for_type_constraint_violations()
        {
            JsonElement payload = Parse("{\"connectorId\":\"1\",\"meterStart\":1.5,\"idTag\":7,\"flag\":null}");
            Assert.False(payload.GetProperty("connectorId"u8).TryGetInt32(out _));
            Assert.Equal(JsonValueKind.String, payload.GetProperty("connectorId"u8).ValueKind);
            Assert.False(payload.GetProperty("meterStart"u8).TryGetInt32(out _));
            Assert.True(payload.GetProperty("meterStart"u8).TryGetScaled(1, out long tenths));
            Assert.Equal(15, tenths);
            Assert.True(payload.GetProperty("meterStart"u8).TryGetDecimal(out long mantissa, out int exponent));
            Assert.Equal((15L, -1), (mantissa, exponent));
            Assert.True(payload.GetProperty("meterStart"u8).TryGetDouble(out double value));
            Assert.Equal(1.5, value);
            Assert.Equal(-1, payload.GetProperty("idTag"u8).GetEnumIndex("7"u8));
            Assert.Equal(-1, payload.GetProperty("idTag"u8).GetStringLength());
            Assert.Equal(JsonValueKind.Null, payload.GetProperty("flag"u8).ValueKind);
            Assert.False(payload.GetProperty("flag"u8).TryGetBoolean(out _));
        }

        [Fact]
        public void String_lengths_count_bytes_and_code_points_for_schema_limits()
        {
            JsonElement tag = Parse("\"\u00e9\u00e9\\u00e9\\uD83D\\uDE00x\"");
            Assert.Equal(2 + 2 + 2 + 4 + 1, tag.GetStringLength());
            Assert.Equal(5, tag.GetStringCodePointCount());
            Assert.Equal(-1, tag.CopyString(new byte[10]));
            Assert.Equal(11, tag.CopyString(new byte[11]));
        }

        [Fact]
        public void The_first_of_repeated_properties_is_the_one_found()
        {
            Assert.True(Parse("{\"a\":1,\"a\":2}").GetProperty("a"u8).TryGetInt32(out int value));
            Assert.Equal(1, value);
        }

        [Fact]
        public void The_raw_text_of_a_value_is_exactly_its_bytes_in_the_document()
        {
            JsonElement root = Parse(" [ 2 , \"id\" , { \"a\" : [ 1 , 2 ] } ] ");
            Assert.Equal("[ 2 , \"id\" , { \"a\" : [ 1 , 2 ] } ]", Encoding.UTF8.GetString(root.RawJson));
            Assert.Equal("{ \"a\" : [ 1 , 2 ] }", Encoding.UTF8.GetString(root[2].RawJson));
            Assert.Equal("[ 1 , 2 ]", Encoding.UTF8.GetString(root[2].GetProperty("a"u8).RawJson));
            Assert.Equal("\"id\"", Encoding.UTF8.GetString(root[1].RawJson));
        }

        [Theory]
        [InlineData("[2,\"1\",\"Heartbeat\",{}", JsonError.UnexpectedEnd, 21)]
        [InlineData("[2,\"1\",\"Heartbeat\",{}] x", JsonError.TrailingData, 23)]
        [InlineData("[2,\"1\",\"Heartbeat\",{,}]", JsonError.UnexpectedCharacter, 20)]
        [InlineData("[[[[[[[[[1]]]]]]]]]", JsonError.TooDeep, 8)]
        [InlineData("", JsonError.UnexpectedEnd, 0)]
        public void A_document_that_is_not_valid_gives_no_element_and_says_why(string text, JsonError error, int position)
        {
            Assert.False(JsonElement.TryParse(OcppSamples.Utf8(text), 8, out JsonElement root, out JsonError actual, out int at));
            Assert.Equal((error, position), (actual, at));
            Assert.Equal(JsonValueKind.Undefined, root.ValueKind);
        }

        [Fact]
        public void Property_names_are_given_raw_and_compared_unescaped()
        {
            JsonElement root = Parse("{\"plain\":1,\"\\u0041\\n\":2}");
            var names = new List<string>();
            var buffer = new byte[16];
            foreach (JsonProperty property in root.EnumerateObject())
            {
                names.Add(Encoding.UTF8.GetString(property.NameSpan) + "/" + property.NameIsEscaped + "/" +
                          Encoding.UTF8.GetString(buffer, 0, property.CopyName(buffer)));
            }
            Assert.Equal(new[] { "plain/False/plain", "\\u0041\\n/True/A\n" }, names);
            Assert.True(root.TryGetProperty("A\n"u8, out JsonElement value));
            Assert.True(value.TryGetInt64(out long two));
            Assert.Equal(2, two);
            foreach (JsonProperty property in root.EnumerateObject())
                Assert.Equal(-1, property.CopyName(new byte[1]));
        }
    }
}
