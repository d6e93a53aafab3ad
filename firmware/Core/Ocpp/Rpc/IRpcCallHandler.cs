using System;
using ChargePoint.Core.Json;

namespace ChargePoint.Core.Ocpp.Rpc
{
    // Answers the central system's CALLs.
    public interface IRpcCallHandler
    {
        // `payload` is the CALL's payload, a validated JSON object. Either write the CALLRESULT's
        // payload (one whole object) into `result` and return None, or return the CALLERROR code
        // and (optionally) a short description into `description` (what was written to `result`
        // is then discarded). Called once per CALL: exactly one answer goes back.
        RpcErrorCode HandleCall(ReadOnlySpan<byte> action, JsonElement payload, JsonWriter result, RpcDescription description);

        // After the CALLRESULT for `action` went out (TriggerMessage sends its message only then).
        void AfterResult(ReadOnlySpan<byte> action);
    }
}
