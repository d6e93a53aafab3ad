namespace ChargePoint.Core.Json
{
    // What a JsonElement holds; the names and meaning of System.Text.Json.JsonValueKind. Undefined
    // is no value at all: a property that is not there, an index past the end.
    public enum JsonValueKind
    {
        Undefined,
        Object,
        Array,
        String,
        Number,
        True,
        False,
        Null,
    }
}
