using System;
using ChargePoint.Core.Json;

namespace ChargePoint.Core.Ocpp.Rpc
{
    // Hears how the charge point's own CALL ended: exactly one of these per CALL sent.
    public interface IRpcResultHandler
    {
        // A CALLRESULT: `payload` is valid JSON, but not yet checked against the action's schema.
        void OnCallResult(ReadOnlySpan<byte> action, JsonElement payload);

        // A CALLERROR from the central system.
        void OnCallError(ReadOnlySpan<byte> action, RpcErrorCode code, ReadOnlySpan<byte> description);

        // No answer within the response timeout, or the link went down while waiting: the CALL
        // may or may not have reached the central system.
        void OnCallFailed(ReadOnlySpan<byte> action, bool timedOut);
    }
}
