using System;

namespace ChargePoint.Core.Json
{
    // One property of an object, as JsonObjectEnumerator gives it (System.Text.Json.JsonProperty).
    public readonly ref struct JsonProperty
    {
        private readonly ReadOnlySpan<byte> _name;
        private readonly bool _nameIsEscaped;
        private readonly JsonElement _value;

        internal JsonProperty(ReadOnlySpan<byte> name, bool nameIsEscaped, JsonElement value)
        {
            _name = name;
            _nameIsEscaped = nameIsEscaped;
            _value = value;
        }

        // The name's bytes between the quotes, still escaped.
        public ReadOnlySpan<byte> NameSpan => _name;
        public bool NameIsEscaped => _nameIsEscaped;
        public JsonElement Value => _value;

        public bool NameEquals(ReadOnlySpan<byte> utf8) =>
            _nameIsEscaped ? JsonString.UnescapedEquals(_name, utf8) : _name.SequenceEqual(utf8);

        // The unescaped name: its byte count, or -1 when it does not fit.
        public int CopyName(Span<byte> destination)
        {
            if (_nameIsEscaped) return JsonString.Unescape(_name, destination);
            return _name.TryCopyTo(destination) ? _name.Length : -1;
        }
    }
}
