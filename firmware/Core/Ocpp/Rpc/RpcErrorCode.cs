namespace ChargePoint.Core.Ocpp.Rpc
{
    // OCPP-J 1.6 section 4.2.3 CallError codes, with the 1.6 spelling (OccurenceConstraintViolation).
    // None: not an error (the call succeeded).
    public enum RpcErrorCode
    {
        None,
        NotImplemented,               // the action is not known
        NotSupported,                 // known, but not supported
        InternalError,                // something went wrong inside that nothing better names
        ProtocolError,                // the frame is not a valid CALL
        SecurityError,
        FormationViolation,           // the payload is not valid JSON, not an object, or not the PDU's structure
        PropertyConstraintViolation,  // a field holds a value out of its constraints (enum, length, range)
        OccurenceConstraintViolation, // a required field is missing (or repeated)
        TypeConstraintViolation,      // a field has the wrong type ("somestring": 12)
        GenericError,
    }
}
