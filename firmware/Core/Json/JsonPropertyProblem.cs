namespace ChargePoint.Core.Json
{
    // What JsonElement.CheckProperties found wrong with an object's property names. In OCPP-J terms
    // (1.6 section 4.2.3): Missing and Duplicate are an OccurenceConstraintViolation, Unknown a
    // FormationViolation (the schemas say additionalProperties: false), NotAnObject a
    // TypeConstraintViolation or FormationViolation; the RPC layer chooses.
    public enum JsonPropertyProblem
    {
        None,
        NotAnObject,
        Missing,
        Unknown,
        Duplicate,
    }
}
