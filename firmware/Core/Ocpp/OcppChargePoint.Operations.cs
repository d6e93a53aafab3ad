using System;
using ChargePoint.Core.Json;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Ocpp.Configuration;
using ChargePoint.Core.Ocpp.Rpc;

namespace ChargePoint.Core.Ocpp
{
    // The central system's Core profile operations beyond configuration (OCPP 1.6 section 5):
    // ChangeAvailability, ClearCache, RemoteStartTransaction, RemoteStopTransaction, Reset and
    // UnlockConnector (DataTransfer: the DataTransfer partial). Each payload is checked against its
    // schema (section 6) the way the configuration handlers check theirs.
    public sealed partial class OcppChargePoint
    {
        // An integer property (JSON Schema "integer"): a number without a fraction. One beyond
        // int's range is still an integer: it comes back as int.MinValue / int.MaxValue, which
        // names no connector or transaction.
        private static RpcErrorCode IntegerProperty(JsonElement value, ReadOnlySpan<byte> name, out int number, RpcDescription description)
        {
            number = 0;
            if (value.ValueKind == JsonValueKind.Number)
            {
                if (value.TryGetInt32(out number)) return RpcErrorCode.None;
                if (value.TryGetInt64(out long wide))
                {
                    number = wide < 0 ? int.MinValue : int.MaxValue;
                    return RpcErrorCode.None;
                }
            }
            description.Append(name).Append(" must be an integer"u8);
            return RpcErrorCode.TypeConstraintViolation;
        }

        // A string property that must be one of `values` ("A|B"u8): its index.
        private static RpcErrorCode EnumProperty(JsonElement value, ReadOnlySpan<byte> name, ReadOnlySpan<byte> values, out int index, RpcDescription description)
        {
            index = -1;
            if (value.ValueKind != JsonValueKind.String)
            {
                description.Append(name).Append(" must be a string"u8);
                return RpcErrorCode.TypeConstraintViolation;
            }
            index = value.GetEnumIndex(values);
            if (index >= 0) return RpcErrorCode.None;
            description.Append(name).Append(" is not one of "u8).Append(values);
            return RpcErrorCode.PropertyConstraintViolation;
        }

        private static void StatusResult(JsonWriter result, ReadOnlySpan<byte> status)
        {
            result.StartObject();
            result.String("status"u8, status);
            result.EndObject();
        }

        // ---- ChangeAvailability (5.2, 6.3) ---------------------------------------------------------
        // Accepted when the change is made (or nothing had to change), Scheduled when a transaction
        // runs on the connector (applied when it ends), Rejected for a connector that does not
        // exist. Connector 0: the charge point and every connector. The new status (Unavailable,
        // or back to Available) goes out as a StatusNotification. Kept in RAM: 5.2's "shall persist
        // a reboot" needs the persistence layer (see Connector.Operative).
        private RpcErrorCode ChangeAvailability(JsonElement payload, JsonWriter result, RpcDescription description)
        {
            RpcErrorCode code = PropertyProblem(payload.CheckProperties("connectorId|type"u8, default), description);
            int connector = 0, type = -1;
            if (code == RpcErrorCode.None) code = IntegerProperty(payload.GetProperty("connectorId"u8), "connectorId"u8, out connector, description);
            if (code == RpcErrorCode.None) code = EnumProperty(payload.GetProperty("type"u8), "type"u8, "Inoperative|Operative"u8, out type, description);
            if (code != RpcErrorCode.None) return code;
            bool operative = type == 1;
            ReadOnlySpan<byte> status;
            if (connector < 0 || connector > ConnectorCount)
            {
                status = "Rejected"u8;
            }
            else if (connector > 0)
            {
                status = RequestAvailability(connector, operative) ? "Scheduled"u8 : "Accepted"u8;
            }
            else
            {
                bool scheduled = false;
                for (int id = 1; id <= ConnectorCount; id++)
                    if (RequestAvailability(id, operative)) scheduled = true;
                Connector charger = _connectors[0];
                if (charger.Operative == operative) charger.HasScheduledAvailability = false;
                else if (scheduled)
                {
                    charger.HasScheduledAvailability = true;
                    charger.ScheduledOperative = operative;
                }
                else SetAvailability(charger, operative);
                status = scheduled ? "Scheduled"u8 : "Accepted"u8;
            }
            _log.Begin(LogLevel.Info, "ocpp"u8).Append("ChangeAvailability connector "u8).Append(connector)
                .Append(operative ? " Operative: "u8 : " Inoperative: "u8).Append(status).End();
            StatusResult(result, status);
            return RpcErrorCode.None;
        }

        // ---- ClearCache (5.4, 6.11) ----------------------------------------------------------------
        private RpcErrorCode ClearCache(JsonElement payload, JsonWriter result, RpcDescription description)
        {
            RpcErrorCode code = PropertyProblem(payload.CheckProperties(default, default), description);
            if (code != RpcErrorCode.None) return code;
            _cache.Clear();
            StatusResult(result, "Accepted"u8);
            return RpcErrorCode.None;
        }

        // ---- RemoteStartTransaction (5.11, 6.33) ---------------------------------------------------
        // Accepted when it will try to start: with AuthorizeRemoteTxRequests it authorizes the idTag
        // first "as if in response to a local action" (cache, LocalPreAuthorize, Authorize.req) and
        // starts once that says Accepted; without, it starts at once. Rejected while the central
        // system has not accepted this charge point (4.2: not allowed while Pending), during a
        // reset, for a connector that does not exist, and for one that cannot take a transaction
        // (one runs or is being authorized, Unavailable, Faulted). Without connectorId the first
        // connector that can is taken. A chargingProfile is ignored: this charge point has no Smart
        // Charging (5.11: "this parameter SHOULD be ignored"); only its being an object is checked.
        private RpcErrorCode RemoteStartTransaction(JsonElement payload, JsonWriter result, RpcDescription description)
        {
            RpcErrorCode code = PropertyProblem(payload.CheckProperties("idTag"u8, "connectorId|chargingProfile"u8), description);
            if (code == RpcErrorCode.None) code = StringProperty(payload.GetProperty("idTag"u8), "idTag"u8, 20, description);
            int connector = 0;
            bool named = payload.TryGetProperty("connectorId"u8, out JsonElement connectorElement);
            if (code == RpcErrorCode.None && named) code = IntegerProperty(connectorElement, "connectorId"u8, out connector, description);
            if (code == RpcErrorCode.None && payload.TryGetProperty("chargingProfile"u8, out JsonElement profile) && profile.ValueKind != JsonValueKind.Object)
            {
                description.Append("chargingProfile must be an object"u8);
                code = RpcErrorCode.TypeConstraintViolation;
            }
            if (code != RpcErrorCode.None) return code;
            Span<byte> idTag = stackalloc byte[TransactionQueue.IdTagBytes * 4];
            int idTagLength = payload.GetProperty("idTag"u8).CopyString(idTag);

            bool accepted = false;
            if (_registration == RegistrationStatus.Accepted && !_resetRequested && idTagLength > 0 && idTagLength <= TransactionQueue.IdTagBytes)
            {
                if (!named) connector = FirstFreeConnector();
                if (connector >= 1 && connector <= ConnectorCount && IsFree(connector))
                {
                    ReadOnlySpan<byte> tag = idTag.Slice(0, idTagLength);
                    if (_config.GetBool(ConfigurationKey.AuthorizeRemoteTxRequests)) accepted = BeginAuthorize(connector, tag, true);
                    else
                    {
                        _connectors[connector].SetIdTag(tag);
                        accepted = StartTransaction(connector);
                    }
                }
            }
            _log.Begin(LogLevel.Info, "ocpp"u8).Append("RemoteStartTransaction for "u8).Append(idTag.Slice(0, Math.Max(0, idTagLength)))
                .Append(" on connector "u8).Append(connector).Append(accepted ? ": Accepted"u8 : ": Rejected"u8).End();
            StatusResult(result, accepted ? "Accepted"u8 : "Rejected"u8);
            return RpcErrorCode.None;
        }

        private bool IsFree(int id)
        {
            Connector c = _connectors[id];
            return c.Operative && c.Fault == ChargePointErrorCode.NoError && !c.HasTransaction && !IsAuthorizing(id)
                && c.Status != ChargePointStatus.Reserved;
        }

        private int FirstFreeConnector()
        {
            for (int id = 1; id <= ConnectorCount; id++)
                if (IsFree(id)) return id;
            return 0;
        }

        // ---- RemoteStopTransaction (5.12, 6.35) ----------------------------------------------------
        // transactionId is the central system's (StartTransaction.conf): Accepted and stopped with
        // reason Remote when a running transaction has it; Rejected otherwise (also while Pending,
        // 4.2, and for a transaction whose StartTransaction is still unanswered: no id to match).
        private RpcErrorCode RemoteStopTransaction(JsonElement payload, JsonWriter result, RpcDescription description)
        {
            RpcErrorCode code = PropertyProblem(payload.CheckProperties("transactionId"u8, default), description);
            int transactionId = 0;
            if (code == RpcErrorCode.None) code = IntegerProperty(payload.GetProperty("transactionId"u8), "transactionId"u8, out transactionId, description);
            if (code != RpcErrorCode.None) return code;
            int connector = 0;
            if (_registration == RegistrationStatus.Accepted)
            {
                for (int id = 1; id <= ConnectorCount && connector == 0; id++)
                {
                    Connector c = _connectors[id];
                    if (c.HasTransaction && _queue.TryGetCentralId(c.LocalTransactionId, out int central) && central == transactionId) connector = id;
                }
            }
            if (connector > 0) StopTransaction(connector, StopReason.Remote);
            _log.Begin(LogLevel.Info, "ocpp"u8).Append("RemoteStopTransaction "u8).Append(transactionId)
                .Append(connector > 0 ? ": Accepted"u8 : ": Rejected, no such transaction"u8).End();
            StatusResult(result, connector > 0 ? "Accepted"u8 : "Rejected"u8);
            return RpcErrorCode.None;
        }

        // ---- UnlockConnector (5.18, 6.53) ----------------------------------------------------------
        // The simulated connectors have no cable lock: NotSupported (7.46 UnlockStatus: "Charge
        // Point has no connector lock, or ConnectorId is unknown"). 5.18: "If there was a
        // transaction in progress on the specific connector, then Charge Point SHALL finish the
        // transaction first": that is done (reason UnlockCommand, 7.45) whether or not there is a
        // lock to open afterwards, so the central system sees the same transaction behaviour from
        // every charge point; the answer then says that no lock was opened.
        private RpcErrorCode UnlockConnector(JsonElement payload, JsonWriter result, RpcDescription description)
        {
            RpcErrorCode code = PropertyProblem(payload.CheckProperties("connectorId"u8, default), description);
            int connector = 0;
            if (code == RpcErrorCode.None) code = IntegerProperty(payload.GetProperty("connectorId"u8), "connectorId"u8, out connector, description);
            if (code != RpcErrorCode.None) return code;
            if (connector >= 1 && connector <= ConnectorCount && _connectors[connector].HasTransaction)
                StopTransaction(connector, StopReason.UnlockCommand);
            StatusResult(result, "NotSupported"u8);
            return RpcErrorCode.None;
        }

        // ---- Reset (5.14, 6.43) --------------------------------------------------------------------
        // Accepted when this image can restart (UseSystemReset), else Rejected. Once the answer is
        // out (AfterResult): every running transaction is stopped with reason SoftReset or
        // HardReset (5.14: "SHALL send a StopTransaction.req for any ongoing transaction before
        // performing the reset"; for Hard the spec allows skipping that, but the queue is in RAM
        // and would be lost), new transactions are refused, and once the transaction queue is sent
        // (at most ResetDrainLimitMilliseconds) the image restarts through ISystemReset. The next
        // power cycle boots again (BootNotification).
        private RpcErrorCode Reset(JsonElement payload, JsonWriter result, RpcDescription description)
        {
            RpcErrorCode code = PropertyProblem(payload.CheckProperties("type"u8, default), description);
            int type = -1;
            if (code == RpcErrorCode.None) code = EnumProperty(payload.GetProperty("type"u8), "type"u8, "Hard|Soft"u8, out type, description);
            if (code != RpcErrorCode.None) return code;
            bool hard = type == 0;
            bool accepted = _systemReset != null;
            if (accepted)
            {
                _resetAnswered = true;
                _resetAnsweredHard = hard;
            }
            else
            {
                _log.Begin(LogLevel.Warning, "ocpp"u8).Append(hard ? "Reset Hard"u8 : "Reset Soft"u8)
                    .Append(" Rejected: this image has no way to restart"u8).End();
            }
            StatusResult(result, accepted ? "Accepted"u8 : "Rejected"u8);
            return RpcErrorCode.None;
        }

        private void BeginReset(bool hard)
        {
            if (_resetRequested)
            {
                _resetHard |= hard;
                return;
            }
            _resetRequested = true;
            _resetHard = hard;
            _resetSince = Now;
            _log.Begin(LogLevel.Info, "ocpp"u8).Append(hard ? "Reset Hard"u8 : "Reset Soft"u8)
                .Append(" requested: stopping transactions, restarting once the transaction queue is sent"u8).End();
            for (int id = 1; id <= ConnectorCount; id++)
                if (_connectors[id].HasTransaction) StopTransaction(id, hard ? StopReason.HardReset : StopReason.SoftReset);
            Wake();
        }

        private bool ResetQueueSent => _queue.IsEmpty && !_headInFlight;

        private long ResetDue => ResetQueueSent ? _resetSince + ResetGraceMilliseconds : _resetSince + ResetDrainLimitMilliseconds;

        private void CheckReset(long now)
        {
            if (!_resetRequested || now < ResetDue) return;
            LogLine line = _log.Begin(ResetQueueSent ? LogLevel.Info : LogLevel.Warning, "ocpp"u8).Append(_resetHard ? "Reset Hard: "u8 : "Reset Soft: "u8);
            if (ResetQueueSent) line = line.Append("transaction queue sent, restarting"u8);
            else line = line.Append(_queue.Count).Append(" transaction messages still queued after "u8)
                .Append(ResetDrainLimitMilliseconds / 1000).Append(" s, restarting anyway"u8);
            line.End();
            _resetRequested = false;
            Restarts++;
            _systemReset.Restart(_resetHard);
        }
    }
}
