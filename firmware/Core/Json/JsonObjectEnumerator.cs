using System;

namespace ChargePoint.Core.Json
{
    // foreach (JsonProperty p in element.EnumerateObject()): the properties in document order. Empty
    // for an element that is not an object.
    public ref struct JsonObjectEnumerator
    {
        private JsonReader _reader;
        private JsonProperty _current;

        internal JsonObjectEnumerator(ReadOnlySpan<byte> objectJson)
        {
            _reader = new JsonReader(objectJson, JsonReader.MaxSupportedDepth);
            _current = default;
            _reader.Read(); // StartObject; an empty span fails here and the enumeration is empty
        }

        public JsonObjectEnumerator GetEnumerator() => this;
        public JsonProperty Current => _current;

        public bool MoveNext()
        {
            if (!_reader.Read() || _reader.TokenType != JsonTokenType.PropertyName)
            {
                _current = default;
                return false;
            }
            ReadOnlySpan<byte> name = _reader.ValueSpan;
            bool escaped = _reader.ValueIsEscaped;
            _reader.TrySkip(out ReadOnlySpan<byte> value);
            _current = new JsonProperty(name, escaped, new JsonElement(value));
            return true;
        }
    }
}
