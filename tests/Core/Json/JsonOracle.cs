using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ChargePoint.Core.Json;
using Xunit;
using Stj = System.Text.Json;

namespace ChargePoint.Tests.Core.Json
{
    // System.Text.Json as the reference, in the tests only. Its Utf8JsonReader checks the grammar; it
    // checks UTF-8 and surrogate pairs only when a string is decoded, so the oracle decodes every one.
    internal static class JsonOracle
    {
        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, true);

        public static bool IsValid(byte[] json, int maxDepth)
        {
            try
            {
                var reader = new Stj.Utf8JsonReader(json, new Stj.JsonReaderOptions { MaxDepth = maxDepth });
                while (reader.Read())
                    if (reader.TokenType == Stj.JsonTokenType.String || reader.TokenType == Stj.JsonTokenType.PropertyName)
                        reader.GetString();
                return true;
            }
            catch (Stj.JsonException)
            {
                return false;
            }
            catch (InvalidOperationException)
            {
                return false; // GetString: invalid UTF-8 or a lone surrogate
            }
        }

        // Ours and System.Text.Json's token by token, for a document both accept.
        public static void AssertSameTokens(byte[] json, int maxDepth)
        {
            var theirs = new Stj.Utf8JsonReader(json, new Stj.JsonReaderOptions { MaxDepth = maxDepth });
            var ours = new JsonReader(json, maxDepth);
            var unescaped = new byte[json.Length];
            int count = 0;
            while (theirs.Read())
            {
                Assert.True(ours.Read(), $"token {count}: ours ended early ({ours.Error} at {ours.ErrorPosition})");
                Assert.Equal(theirs.TokenType.ToString(), ours.TokenType.ToString());
                Assert.Equal(theirs.CurrentDepth, ours.Depth);
                Assert.Equal((int)theirs.TokenStartIndex, ours.TokenStartIndex);
                Assert.Equal(theirs.ValueIsEscaped, ours.ValueIsEscaped);
                if (theirs.TokenType != Stj.JsonTokenType.StartObject && theirs.TokenType != Stj.JsonTokenType.StartArray &&
                    theirs.TokenType != Stj.JsonTokenType.EndObject && theirs.TokenType != Stj.JsonTokenType.EndArray)
                    Assert.Equal(theirs.ValueSpan.ToArray(), ours.ValueSpan.ToArray());
                if (theirs.TokenType == Stj.JsonTokenType.String || theirs.TokenType == Stj.JsonTokenType.PropertyName)
                {
                    byte[] expected = Encoding.UTF8.GetBytes(theirs.GetString());
                    int length = ours.CopyString(unescaped);
                    Assert.Equal(expected, unescaped.AsSpan(0, length).ToArray());
                    Assert.True(ours.ValueTextEquals(expected));
                    Assert.Equal(expected.Length, ours.GetStringLength());
                    Assert.Equal(theirs.GetString().EnumerateRunes().Count(), ours.GetStringCodePointCount());
                }
                if (theirs.TokenType == Stj.JsonTokenType.Number)
                {
                    if (theirs.TryGetInt64(out long wide))
                    {
                        Assert.True(ours.TryGetInt64(out long mine));
                        Assert.Equal(wide, mine);
                    }
                    if (theirs.TryGetInt32(out int narrow))
                    {
                        Assert.True(ours.TryGetInt32(out int mine));
                        Assert.Equal(narrow, mine);
                    }
                    if (ours.TryGetDouble(out double value))
                        Assert.Equal(BitConverter.DoubleToInt64Bits(theirs.GetDouble()), BitConverter.DoubleToInt64Bits(value));
                }
                count++;
            }
            Assert.False(ours.Read(), "ours has tokens after the end");
            Assert.Equal(JsonError.None, ours.Error);
        }

        // Our JsonElement tree and System.Text.Json's JsonDocument, value by value.
        public static void AssertSameTree(byte[] json, int maxDepth)
        {
            Assert.True(JsonElement.TryParse(json, maxDepth, out JsonElement root, out JsonError error, out int position),
                $"{error} at {position}");
            using var document = Stj.JsonDocument.Parse(json, new Stj.JsonDocumentOptions { MaxDepth = maxDepth });
            AssertSame(document.RootElement, root);
        }

        private static void AssertSame(Stj.JsonElement theirs, JsonElement ours)
        {
            Assert.Equal(theirs.ValueKind.ToString(), ours.ValueKind.ToString());
            Assert.Equal(theirs.GetRawText(), Encoding.UTF8.GetString(ours.RawJson));
            switch (theirs.ValueKind)
            {
                case Stj.JsonValueKind.Object:
                    var names = new List<string>();
                    int index = 0;
                    using (var expected = theirs.EnumerateObject().GetEnumerator())
                    {
                        foreach (JsonProperty property in ours.EnumerateObject())
                        {
                            Assert.True(expected.MoveNext());
                            byte[] name = Encoding.UTF8.GetBytes(expected.Current.Name);
                            Assert.True(property.NameEquals(name));
                            var copy = new byte[name.Length];
                            Assert.Equal(name.Length, property.CopyName(copy));
                            AssertSame(expected.Current.Value, property.Value);
                            if (!names.Contains(expected.Current.Name))
                            {
                                // The first of equal names is the one found (System.Text.Json finds the last).
                                Assert.True(ours.TryGetProperty(name, out JsonElement found));
                                Assert.Equal(Encoding.UTF8.GetString(property.Value.RawJson), Encoding.UTF8.GetString(found.RawJson));
                            }
                            names.Add(expected.Current.Name);
                            index++;
                        }
                        Assert.False(expected.MoveNext());
                    }
                    Assert.Equal(index, ours.GetPropertyCount());
                    break;
                case Stj.JsonValueKind.Array:
                    int length = theirs.GetArrayLength();
                    Assert.Equal(length, ours.GetArrayLength());
                    for (int i = 0; i < length; i++) AssertSame(theirs[i], ours[i]);
                    Assert.Equal(JsonValueKind.Undefined, ours[length].ValueKind);
                    break;
                case Stj.JsonValueKind.String:
                    byte[] text = Encoding.UTF8.GetBytes(theirs.GetString());
                    Assert.True(ours.ValueEquals(text));
                    var buffer = new byte[text.Length];
                    Assert.Equal(text.Length, ours.CopyString(buffer));
                    Assert.Equal(text, buffer);
                    Assert.Equal(text.Length, ours.GetStringLength());
                    break;
                case Stj.JsonValueKind.Number:
                    if (theirs.TryGetInt64(out long wide))
                    {
                        Assert.True(ours.TryGetInt64(out long mine));
                        Assert.Equal(wide, mine);
                    }
                    if (theirs.TryGetDecimal(out decimal exact) && ours.TryGetDecimal(out long mantissa, out int exponent) && exponent >= -18 && exponent <= 9)
                        Assert.Equal(exact, Decimal(mantissa, exponent));
                    break;
            }
        }

        // mantissa × 10^exponent as a System.Decimal, for exponents it can hold.
        public static decimal Decimal(long mantissa, int exponent)
        {
            decimal value = mantissa;
            for (int i = 0; i < exponent; i++) value *= 10;
            for (int i = 0; i > exponent; i--) value /= 10;
            return value;
        }

        public static string Show(byte[] json)
        {
            var text = new StringBuilder();
            foreach (byte b in json)
                text.Append(b >= 0x20 && b < 0x7F && b != '\\' ? ((char)b).ToString() : $"\\x{b:X2}");
            return text.ToString();
        }
    }
}
