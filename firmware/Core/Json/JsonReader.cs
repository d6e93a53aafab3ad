using System;

namespace ChargePoint.Core.Json
{
    // A forward-only reader of one UTF-8 JSON document (RFC 8259) held in a span, modelled on
    // System.Text.Json's Utf8JsonReader: Read() steps from token to token, validating as it goes, and
    // never allocates. It is strict: no comments, no trailing commas, no BOM, well-formed UTF-8 only,
    // \u escapes with paired surrogates only. Read() returns false at the end of the document or on
    // the first error; then Error and ErrorPosition tell why and where (see JsonError). A document is
    // whole and well-formed only when Read() has returned false with Error == None. Message parsers
    // that look properties up by name want JsonElement, which validates first and then navigates.
    public ref struct JsonReader
    {
        // The open containers are 64 bits: bit d set when the container at depth d + 1 is an object.
        public const int MaxSupportedDepth = 64;

        private enum Expect : byte
        {
            Value,      // the document's value, an array element after ',' or a property's value
            ValueOrEnd, // after '['
            NameOrEnd,  // after '{'
            Name,       // after ',' in an object
            Separator,  // after a value inside a container: ',' or the closing bracket
            End,        // after the document's value: only whitespace
            Finished,   // the end was reached or an error was found
        }

        private readonly ReadOnlySpan<byte> _json;
        private readonly int _maxDepth;
        private int _position;
        private int _depth;
        private JsonBits _objects;
        private Expect _expect;
        private JsonTokenType _tokenType;
        private int _tokenStart;
        private int _valueStart;
        private int _valueLength;
        private int _tokenEnd;
        private bool _escaped;
        private JsonError _error;
        private int _errorPosition;

        // maxDepth: how many objects and arrays may be open at once (1 allows [1] but not [[1]]);
        // 0 or less, or more than MaxSupportedDepth, means MaxSupportedDepth.
        public JsonReader(ReadOnlySpan<byte> utf8, int maxDepth)
        {
            _json = utf8;
            _maxDepth = maxDepth <= 0 || maxDepth > MaxSupportedDepth ? MaxSupportedDepth : maxDepth;
            _position = 0;
            _depth = 0;
            _objects = default;
            _expect = Expect.Value;
            _tokenType = JsonTokenType.None;
            _tokenStart = 0;
            _valueStart = 0;
            _valueLength = 0;
            _tokenEnd = 0;
            _escaped = false;
            _error = JsonError.None;
            _errorPosition = 0;
        }

        public JsonTokenType TokenType => _tokenType;
        public JsonError Error => _error;
        public int ErrorPosition => _errorPosition;

        // As Utf8JsonReader.CurrentDepth: 0 for the document's value (and its own Start/End tokens),
        // 1 for what is directly inside it, and so on.
        public int Depth => _tokenType == JsonTokenType.StartObject || _tokenType == JsonTokenType.StartArray ? _depth - 1 : _depth;

        // The token's bytes: a string's or a property name's between the quotes and still escaped,
        // a number's text, a literal, or the one bracket.
        public ReadOnlySpan<byte> ValueSpan => _json.Slice(_valueStart, _valueLength);
        public bool ValueIsEscaped => _escaped;

        // Where the token starts (a string's opening quote), and how far the reader has read (past
        // a property name's ':').
        public int TokenStartIndex => _tokenStart;
        public int BytesConsumed => _position;

        private bool InObject => _depth > 0 && _objects[_depth - 1];

        // Reads `utf8` to its end: true when it is one well-formed JSON document within maxDepth.
        public static bool Validate(ReadOnlySpan<byte> utf8, int maxDepth, out JsonError error, out int errorPosition)
        {
            var reader = new JsonReader(utf8, maxDepth);
            while (reader.Read()) { }
            error = reader._error;
            errorPosition = reader._errorPosition;
            return error == JsonError.None;
        }

        public bool Read()
        {
            if (_expect == Expect.Finished) return false;
            SkipWhitespace();
            if (_position >= _json.Length)
            {
                if (_expect != Expect.End) return Fail(JsonError.UnexpectedEnd, _json.Length);
                _expect = Expect.Finished;
                _tokenType = JsonTokenType.None;
                return false;
            }
            byte b = _json[_position];
            switch (_expect)
            {
                case Expect.Value:
                    return ReadValue(b);
                case Expect.ValueOrEnd:
                    return b == ']' ? Close(false) : ReadValue(b);
                case Expect.NameOrEnd:
                    return b == '}' ? Close(true) : ReadName(b);
                case Expect.Name:
                    return ReadName(b);
                case Expect.Separator:
                    bool inObject = InObject;
                    if (b == ',')
                    {
                        _position++;
                        SkipWhitespace();
                        if (_position >= _json.Length) return Fail(JsonError.UnexpectedEnd, _json.Length);
                        b = _json[_position];
                        return inObject ? ReadName(b) : ReadValue(b);
                    }
                    if (b == (inObject ? '}' : ']')) return Close(inObject);
                    return Fail(JsonError.UnexpectedCharacter, _position);
                default: // Expect.End
                    return Fail(JsonError.TrailingData, _position);
            }
        }

        // Skips the current value: for a property name its value, for StartObject or StartArray
        // everything up to the matching end token (where the reader then stands), validating it all.
        // Any other token is its own value. False on an error in what was skipped, or when there is
        // no current token (before the first Read, after the last).
        public bool TrySkip()
        {
            if (_tokenType == JsonTokenType.PropertyName && !Read()) return false;
            if (_tokenType == JsonTokenType.StartObject || _tokenType == JsonTokenType.StartArray)
            {
                int depth = _depth - 1;
                while (Read())
                    if ((_tokenType == JsonTokenType.EndObject || _tokenType == JsonTokenType.EndArray) && _depth == depth) return true;
                return false;
            }
            return _error == JsonError.None && _tokenType != JsonTokenType.None;
        }

        // TrySkip that also gives the skipped value's JSON text, e.g. a CALL's payload object.
        public bool TrySkip(out ReadOnlySpan<byte> rawJson)
        {
            rawJson = default;
            if (_tokenType == JsonTokenType.PropertyName && !Read()) return false;
            int start = _tokenStart;
            if (!TrySkip()) return false;
            rawJson = _json.Slice(start, _tokenEnd - start);
            return true;
        }

        // Compares the unescaped string or property name with `utf8`; false for other tokens.
        public bool ValueTextEquals(scoped ReadOnlySpan<byte> utf8)
        {
            if (!IsText) return false;
            return _escaped ? JsonString.UnescapedEquals(ValueSpan, utf8) : ValueSpan.SequenceEqual(utf8);
        }

        // The index of the unescaped string in `values` ("Accepted|Rejected"u8), or -1 (also for a
        // token that is not a string).
        public int GetEnumIndex(scoped ReadOnlySpan<byte> values) =>
            _tokenType == JsonTokenType.String ? JsonNameList.IndexOf(values, ValueSpan, _escaped) : -1;

        // The unescaped UTF-8 of a string or property name: the byte count, or -1 when it does not
        // fit or the token is not text.
        public int CopyString(scoped Span<byte> destination)
        {
            if (!IsText) return -1;
            if (_escaped) return JsonString.Unescape(ValueSpan, destination);
            return ValueSpan.TryCopyTo(destination) ? _valueLength : -1;
        }

        // The unescaped length in UTF-8 bytes, or -1 for a token that is not text.
        public int GetStringLength()
        {
            if (!IsText) return -1;
            return _escaped ? JsonString.UnescapedLength(ValueSpan) : _valueLength;
        }

        // Unicode code points, what JSON Schema's maxLength counts; -1 for a token that is not text.
        public int GetStringCodePointCount() => IsText ? JsonString.CodePointCount(ValueSpan) : -1;

        private bool IsText => _tokenType == JsonTokenType.String || _tokenType == JsonTokenType.PropertyName;

        // Numbers: exact, never rounded. TryGetInt32/64 accept any integral value (3.0e2 is 300) and
        // refuse fractions and overflow. See JsonNumber.
        public bool TryGetInt32(out int value)
        {
            value = 0;
            return _tokenType == JsonTokenType.Number && JsonNumber.TryGetInt32(ValueSpan, out value);
        }

        public bool TryGetInt64(out long value)
        {
            value = 0;
            return _tokenType == JsonTokenType.Number && JsonNumber.TryGetInt64(ValueSpan, out value);
        }

        public bool TryGetDecimal(out long mantissa, out int exponent)
        {
            mantissa = 0;
            exponent = 0;
            return _tokenType == JsonTokenType.Number && JsonNumber.TryParse(ValueSpan, out mantissa, out exponent);
        }

        // The number × 10^decimals when that is whole: 12.5 with decimals 1 is 125.
        public bool TryGetScaled(int decimals, out long value)
        {
            value = 0;
            return TryGetDecimal(out long mantissa, out int exponent) && JsonNumber.TryScale(mantissa, exponent, decimals, out value);
        }

        public bool TryGetDouble(out double value)
        {
            value = 0;
            return _tokenType == JsonTokenType.Number && JsonNumber.TryGetDouble(ValueSpan, out value);
        }

        public bool TryGetBoolean(out bool value)
        {
            value = _tokenType == JsonTokenType.True;
            return _tokenType == JsonTokenType.True || _tokenType == JsonTokenType.False;
        }

        private bool Fail(JsonError error, int position)
        {
            _error = error;
            _errorPosition = position;
            _expect = Expect.Finished;
            _tokenType = JsonTokenType.None;
            _valueStart = 0;
            _valueLength = 0;
            _escaped = false;
            return false;
        }

        private void SkipWhitespace()
        {
            while (_position < _json.Length)
            {
                byte b = _json[_position];
                if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return;
                _position++;
            }
        }

        // What may follow a number or a literal directly.
        private static bool IsDelimiter(byte b) =>
            b == ',' || b == ']' || b == '}' || b == ' ' || b == '\n' || b == '\r' || b == '\t';

        private void Token(JsonTokenType type, int start, int valueStart, int valueLength, int end)
        {
            _tokenType = type;
            _tokenStart = start;
            _valueStart = valueStart;
            _valueLength = valueLength;
            _tokenEnd = end;
        }

        private void AfterValue() => _expect = _depth == 0 ? Expect.End : Expect.Separator;

        private bool ReadValue(byte b)
        {
            _escaped = false;
            int start = _position;
            switch (b)
            {
                case (byte)'{': return Open(true);
                case (byte)'[': return Open(false);
                case (byte)'"':
                    if (!ScanString()) return false;
                    Token(JsonTokenType.String, start, start + 1, _position - start - 2, _position);
                    AfterValue();
                    return true;
                case (byte)'t': return ReadLiteral("true"u8, JsonTokenType.True);
                case (byte)'f': return ReadLiteral("false"u8, JsonTokenType.False);
                case (byte)'n': return ReadLiteral("null"u8, JsonTokenType.Null);
                default:
                    if (b == '-' || (b >= '0' && b <= '9')) return ReadNumber();
                    return Fail(JsonError.UnexpectedCharacter, _position);
            }
        }

        private bool ReadName(byte b)
        {
            if (b != '"') return Fail(JsonError.UnexpectedCharacter, _position);
            _escaped = false;
            int start = _position;
            if (!ScanString()) return false;
            int end = _position;
            SkipWhitespace();
            if (_position >= _json.Length) return Fail(JsonError.UnexpectedEnd, _json.Length);
            if (_json[_position] != ':') return Fail(JsonError.UnexpectedCharacter, _position);
            _position++;
            Token(JsonTokenType.PropertyName, start, start + 1, end - start - 2, end);
            _expect = Expect.Value;
            return true;
        }

        private bool Open(bool isObject)
        {
            if (_depth >= _maxDepth) return Fail(JsonError.TooDeep, _position);
            _objects.Set(_depth, isObject);
            _depth++;
            Token(isObject ? JsonTokenType.StartObject : JsonTokenType.StartArray, _position, _position, 1, _position + 1);
            _position++;
            _expect = isObject ? Expect.NameOrEnd : Expect.ValueOrEnd;
            return true;
        }

        private bool Close(bool isObject)
        {
            _depth--;
            _escaped = false;
            Token(isObject ? JsonTokenType.EndObject : JsonTokenType.EndArray, _position, _position, 1, _position + 1);
            _position++;
            AfterValue();
            return true;
        }

        private bool ReadLiteral(ReadOnlySpan<byte> literal, JsonTokenType type)
        {
            int start = _position;
            for (int k = 0; k < literal.Length; k++)
            {
                int at = start + k;
                if (at >= _json.Length) return Fail(JsonError.UnexpectedEnd, _json.Length);
                if (_json[at] != literal[k]) return Fail(JsonError.InvalidLiteral, at);
            }
            int end = start + literal.Length;
            if (end < _json.Length && !IsDelimiter(_json[end])) return Fail(JsonError.InvalidLiteral, end);
            Token(type, start, start, literal.Length, end);
            _position = end;
            AfterValue();
            return true;
        }

        // RFC 8259 6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
        private bool ReadNumber()
        {
            int start = _position;
            int i = start;
            int n = _json.Length;
            if (_json[i] == '-') i++;
            if (i >= n) return Fail(JsonError.UnexpectedEnd, n);
            if (_json[i] == '0') i++;
            else if (IsDigit(_json[i])) while (i < n && IsDigit(_json[i])) i++;
            else return Fail(JsonError.InvalidNumber, i);
            if (i < n && _json[i] == '.')
            {
                i++;
                if (i >= n) return Fail(JsonError.UnexpectedEnd, n);
                if (!IsDigit(_json[i])) return Fail(JsonError.InvalidNumber, i);
                while (i < n && IsDigit(_json[i])) i++;
            }
            if (i < n && (_json[i] == 'e' || _json[i] == 'E'))
            {
                i++;
                if (i < n && (_json[i] == '+' || _json[i] == '-')) i++;
                if (i >= n) return Fail(JsonError.UnexpectedEnd, n);
                if (!IsDigit(_json[i])) return Fail(JsonError.InvalidNumber, i);
                while (i < n && IsDigit(_json[i])) i++;
            }
            if (i < n && !IsDelimiter(_json[i])) return Fail(JsonError.InvalidNumber, i);
            Token(JsonTokenType.Number, start, start, i - start, i);
            _position = i;
            AfterValue();
            return true;
        }

        private static bool IsDigit(byte b) => b >= '0' && b <= '9';

        // From the opening quote at _position to just past the closing one.
        private bool ScanString()
        {
            int i = _position + 1;
            int n = _json.Length;
            while (true)
            {
                if (i >= n) return Fail(JsonError.UnexpectedEnd, n);
                byte b = _json[i];
                if (b == '"') break;
                if (b == '\\')
                {
                    _escaped = true;
                    i = ScanEscape(i);
                    if (i < 0) return false;
                }
                else if (b < 0x20)
                {
                    return Fail(JsonError.ControlCharacter, i);
                }
                else if (b < 0x80)
                {
                    i++;
                }
                else
                {
                    int length = JsonUtf8.Check(_json, i);
                    if (length <= 0)
                    {
                        int bad = i - length;
                        return bad >= n ? Fail(JsonError.UnexpectedEnd, n) : Fail(JsonError.InvalidUtf8, bad);
                    }
                    i += length;
                }
            }
            _position = i + 1;
            return true;
        }

        // The escape whose backslash is at `i`: the index just past it, or -1 after Fail.
        private int ScanEscape(int i)
        {
            int n = _json.Length;
            if (i + 1 >= n) return FailedAt(JsonError.UnexpectedEnd, n);
            byte kind = _json[i + 1];
            switch (kind)
            {
                case (byte)'"':
                case (byte)'\\':
                case (byte)'/':
                case (byte)'b':
                case (byte)'f':
                case (byte)'n':
                case (byte)'r':
                case (byte)'t':
                    return i + 2;
                case (byte)'u':
                    break;
                default:
                    return FailedAt(JsonError.InvalidEscape, i + 1);
            }
            int codePoint = ScanHex4(i, false);
            if (codePoint < 0) return -1;
            if (codePoint < 0xD800 || codePoint > 0xDBFF) return i + 6;
            // RFC 8259 7: a code point above U+FFFF is a high surrogate escape, then a low one.
            int low = i + 6;
            if (low >= n) return FailedAt(JsonError.UnexpectedEnd, n);
            if (_json[low] != '\\') return FailedAt(JsonError.InvalidUnicode, low);
            if (low + 1 >= n) return FailedAt(JsonError.UnexpectedEnd, n);
            if (_json[low + 1] != 'u') return FailedAt(JsonError.InvalidUnicode, low + 1);
            if (ScanHex4(low, true) < 0) return -1;
            return low + 6;
        }

        // The four hex digits of the \u escape whose backslash is at `i`, or -1 after Fail. A low
        // surrogate (DC00..DFFF) is what `low` asks for, and nothing else is: the first digit that
        // decides otherwise is the error's position.
        private int ScanHex4(int i, bool low)
        {
            int value = 0;
            for (int k = 0; k < 4; k++)
            {
                int at = i + 2 + k;
                if (at >= _json.Length) return FailedAt(JsonError.UnexpectedEnd, _json.Length);
                int digit = JsonString.HexDigit(_json[at]);
                if (digit < 0) return FailedAt(JsonError.InvalidEscape, at);
                if (k == 0 && low && digit != 0xD) return FailedAt(JsonError.InvalidUnicode, at);
                if (k == 1 && (value == 0xD && digit >= 0xC) != low) return FailedAt(JsonError.InvalidUnicode, at);
                value = value << 4 | digit;
            }
            return value;
        }

        private int FailedAt(JsonError error, int position)
        {
            Fail(error, position);
            return -1;
        }
    }
}
