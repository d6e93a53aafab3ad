using System;

namespace ChargePoint.Core.Json
{
    // foreach (JsonElement item in element.EnumerateArray()): the elements in order. Empty for an
    // element that is not an array.
    public ref struct JsonArrayEnumerator
    {
        private JsonReader _reader;
        private JsonElement _current;

        internal JsonArrayEnumerator(ReadOnlySpan<byte> arrayJson)
        {
            _reader = new JsonReader(arrayJson, JsonReader.MaxSupportedDepth);
            _current = default;
            _reader.Read(); // StartArray; an empty span fails here and the enumeration is empty
        }

        public JsonArrayEnumerator GetEnumerator() => this;
        public JsonElement Current => _current;

        public bool MoveNext()
        {
            if (!_reader.Read() || _reader.TokenType == JsonTokenType.EndArray || !_reader.TrySkip(out ReadOnlySpan<byte> item))
            {
                _current = default;
                return false;
            }
            _current = new JsonElement(item);
            return true;
        }
    }
}
