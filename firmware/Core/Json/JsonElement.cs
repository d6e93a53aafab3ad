using System;

namespace ChargePoint.Core.Json
{
    // One value of a validated document, for message parsers: System.Text.Json's JsonElement without
    // the JsonDocument behind it. It is only a span over the value's JSON text: every lookup walks
    // that text again (OCPP payloads are a few hundred bytes) and nothing is copied or allocated.
    // Made by TryParse, which validates the whole document first, so no lookup can meet an error.
    //
    //   if (!JsonElement.TryParse(payload, 8, out JsonElement conf, out JsonError error, out int at)) ...
    //   JsonPropertyCheck check = conf.CheckProperties("idTagInfo"u8, "transactionId"u8);
    //   JsonElement info = conf.GetProperty("idTagInfo"u8);
    //   int status = info.GetProperty("status"u8).GetEnumIndex("Accepted|Blocked|Expired|Invalid|ConcurrentTx"u8);
    //   foreach (JsonElement meterValue in request.GetProperty("meterValue"u8).EnumerateArray()) ...
    //
    // A missing property or an index past the end gives an Undefined element, on which every
    // further lookup gives Undefined again and every TryGet fails: chains need no checks between.
    public readonly ref struct JsonElement
    {
        private readonly ReadOnlySpan<byte> _json;

        internal JsonElement(ReadOnlySpan<byte> json)
        {
            _json = json;
        }

        // Validates all of `utf8` (one JSON value, whitespace around it allowed) within maxDepth
        // (see JsonReader) and gives its value; on failure the error and its position as
        // JsonReader reports them.
        public static bool TryParse(ReadOnlySpan<byte> utf8, int maxDepth, out JsonElement root, out JsonError error, out int errorPosition)
        {
            root = default;
            var reader = new JsonReader(utf8, maxDepth);
            ReadOnlySpan<byte> value = default;
            if (reader.Read() && reader.TrySkip(out value)) reader.Read(); // the last Read checks what follows
            error = reader.Error;
            errorPosition = reader.ErrorPosition;
            if (error != JsonError.None) return false;
            root = new JsonElement(value);
            return true;
        }

        public JsonValueKind ValueKind
        {
            get
            {
                if (_json.IsEmpty) return JsonValueKind.Undefined;
                switch (_json[0])
                {
                    case (byte)'{': return JsonValueKind.Object;
                    case (byte)'[': return JsonValueKind.Array;
                    case (byte)'"': return JsonValueKind.String;
                    case (byte)'t': return JsonValueKind.True;
                    case (byte)'f': return JsonValueKind.False;
                    case (byte)'n': return JsonValueKind.Null;
                    default: return JsonValueKind.Number;
                }
            }
        }

        // The value's JSON text exactly as in the document (empty for Undefined).
        public ReadOnlySpan<byte> RawJson => _json;

        // ---- objects -------------------------------------------------------------------------

        // The first property called `name` (compared unescaped); false when there is none or this
        // is not an object.
        public bool TryGetProperty(scoped ReadOnlySpan<byte> name, out JsonElement value)
        {
            foreach (JsonProperty property in EnumerateObject())
            {
                if (property.NameEquals(name))
                {
                    value = property.Value;
                    return true;
                }
            }
            value = default;
            return false;
        }

        // The property called `name`, or Undefined.
        public JsonElement GetProperty(scoped ReadOnlySpan<byte> name)
        {
            TryGetProperty(name, out JsonElement value);
            return value;
        }

        public JsonObjectEnumerator EnumerateObject() =>
            new JsonObjectEnumerator(ValueKind == JsonValueKind.Object ? _json : default);

        // -1 when this is not an object.
        public int GetPropertyCount()
        {
            if (ValueKind != JsonValueKind.Object) return -1;
            int count = 0;
            foreach (JsonProperty property in EnumerateObject()) count++;
            return count;
        }

        // Checks an object's property names against its message's schema: every name in `required`
        // present, every property named in `required` or `optional`, none twice. Both lists are
        // "a|b|c"u8. Reports the first problem in document order, then the first missing name.
        // Repeats are found among the first 64 listed names (OCPP objects have a dozen at most).
        public JsonPropertyCheck CheckProperties(ReadOnlySpan<byte> required, scoped ReadOnlySpan<byte> optional)
        {
            if (ValueKind != JsonValueKind.Object) return new JsonPropertyCheck(JsonPropertyProblem.NotAnObject, default);
            int requiredCount = 0;
            for (int start = 0; JsonNameList.Next(required, ref start, out _);) requiredCount++;

            var seen = default(JsonBits);
            foreach (JsonProperty property in EnumerateObject())
            {
                int index = JsonNameList.IndexOf(required, property.NameSpan, property.NameIsEscaped);
                if (index < 0)
                {
                    int optionalIndex = JsonNameList.IndexOf(optional, property.NameSpan, property.NameIsEscaped);
                    if (optionalIndex < 0) return new JsonPropertyCheck(JsonPropertyProblem.Unknown, property.NameSpan);
                    index = requiredCount + optionalIndex;
                }
                if (index < 64)
                {
                    if (seen[index]) return new JsonPropertyCheck(JsonPropertyProblem.Duplicate, property.NameSpan);
                    seen.Set(index, true);
                }
            }

            int at = 0;
            int i = 0;
            while (JsonNameList.Next(required, ref at, out ReadOnlySpan<byte> name))
            {
                bool present = i < 64 ? seen[i] : TryGetProperty(name, out _);
                if (!present) return new JsonPropertyCheck(JsonPropertyProblem.Missing, name);
                i++;
            }
            return new JsonPropertyCheck(JsonPropertyProblem.None, default);
        }

        // ---- arrays --------------------------------------------------------------------------

        public JsonArrayEnumerator EnumerateArray() =>
            new JsonArrayEnumerator(ValueKind == JsonValueKind.Array ? _json : default);

        // -1 when this is not an array.
        public int GetArrayLength()
        {
            if (ValueKind != JsonValueKind.Array) return -1;
            int count = 0;
            foreach (JsonElement item in EnumerateArray()) count++;
            return count;
        }

        // The array's element at `index`, or Undefined: an OCPP-J frame is root[0] to root[3].
        public JsonElement this[int index]
        {
            get
            {
                if (index >= 0)
                {
                    int i = 0;
                    foreach (JsonElement item in EnumerateArray())
                        if (i++ == index) return item;
                }
                return default;
            }
        }

        // ---- strings -------------------------------------------------------------------------

        private bool IsString => ValueKind == JsonValueKind.String;

        // Between the quotes, still escaped.
        private ReadOnlySpan<byte> StringContent => _json.Slice(1, _json.Length - 2);

        private bool StringIsEscaped => StringContent.IndexOf((byte)'\\') >= 0;

        // Compares the unescaped string with `utf8`; false when this is not a string.
        public bool ValueEquals(ReadOnlySpan<byte> utf8)
        {
            if (!IsString) return false;
            return JsonString.UnescapedEquals(StringContent, utf8);
        }

        // The index of the unescaped string in `values` ("Accepted|Rejected"u8), or -1 (also when
        // this is not a string).
        public int GetEnumIndex(ReadOnlySpan<byte> values) =>
            IsString ? JsonNameList.IndexOf(values, StringContent, StringIsEscaped) : -1;

        // The unescaped UTF-8: the byte count, or -1 when it does not fit or this is not a string.
        public int CopyString(Span<byte> destination) =>
            IsString ? JsonString.Unescape(StringContent, destination) : -1;

        // In UTF-8 bytes unescaped, or -1 when this is not a string.
        public int GetStringLength() => IsString ? JsonString.UnescapedLength(StringContent) : -1;

        // Unicode code points, what JSON Schema's maxLength counts (CiString20Type: 20); -1 when
        // this is not a string.
        public int GetStringCodePointCount() => IsString ? JsonString.CodePointCount(StringContent) : -1;

        // ---- numbers and literals ------------------------------------------------------------

        private ReadOnlySpan<byte> NumberText => ValueKind == JsonValueKind.Number ? _json : default;

        // Exact, never rounded: see JsonNumber. False for what is not a number.
        public bool TryGetInt32(out int value) => JsonNumber.TryGetInt32(NumberText, out value);
        public bool TryGetInt64(out long value) => JsonNumber.TryGetInt64(NumberText, out value);
        public bool TryGetDecimal(out long mantissa, out int exponent) => JsonNumber.TryParse(NumberText, out mantissa, out exponent);
        public bool TryGetDouble(out double value) => JsonNumber.TryGetDouble(NumberText, out value);

        public bool TryGetScaled(int decimals, out long value)
        {
            value = 0;
            return TryGetDecimal(out long mantissa, out int exponent) && JsonNumber.TryScale(mantissa, exponent, decimals, out value);
        }

        public bool TryGetBoolean(out bool value)
        {
            JsonValueKind kind = ValueKind;
            value = kind == JsonValueKind.True;
            return kind == JsonValueKind.True || kind == JsonValueKind.False;
        }
    }
}
