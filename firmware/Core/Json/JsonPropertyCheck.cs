using System;

namespace ChargePoint.Core.Json
{
    // The answer of JsonElement.CheckProperties: the first problem and the property it is about, for
    // a CALLERROR's description. Name is the list's entry for Missing and the document's raw (still
    // escaped) name for Unknown and Duplicate.
    public readonly ref struct JsonPropertyCheck
    {
        private readonly JsonPropertyProblem _problem;
        private readonly ReadOnlySpan<byte> _name;

        internal JsonPropertyCheck(JsonPropertyProblem problem, ReadOnlySpan<byte> name)
        {
            _problem = problem;
            _name = name;
        }

        public JsonPropertyProblem Problem => _problem;
        public ReadOnlySpan<byte> Name => _name;
        public bool IsValid => _problem == JsonPropertyProblem.None;
    }
}
