namespace ChargePoint.Core.Json
{
    // What JsonReader.Read() stopped on; the names and meaning of System.Text.Json.JsonTokenType.
    public enum JsonTokenType
    {
        None,
        StartObject,
        EndObject,
        StartArray,
        EndArray,
        PropertyName,
        String,
        Number,
        True,
        False,
        Null,
    }
}
