using System;
using ChargePoint.Core.Json;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Ocpp.Configuration;
using ChargePoint.Core.Ocpp.Rpc;
using ChargePoint.Core.Time;

namespace ChargePoint.Core.Ocpp
{
    // The answers: to the charge point's own CALLs (IRpcResultHandler), and to the central
    // system's (IRpcCallHandler). Every payload is checked against its OCPP 1.6 JSON schema:
    // property names (required, known, not repeated), types, enum values and lengths.
    public sealed partial class OcppChargePoint
    {
        // ---- answers to our CALLs ----------------------------------------------------------------
        public void OnCallResult(ReadOnlySpan<byte> action, JsonElement payload)
        {
            MessagesAnswered++;
            long now = Now;
            if (action.SequenceEqual("BootNotification"u8)) OnBootConf(payload, now);
            else if (action.SequenceEqual("Heartbeat"u8)) OnHeartbeatConf(payload, now);
            else if (action.SequenceEqual("StatusNotification"u8)) _statusInFlight = -1;
            else if (action.SequenceEqual("Authorize"u8)) OnAuthorizeConf(payload);
            else if (action.SequenceEqual("DataTransfer"u8)) OnDataTransferConf(payload);
            else if (_headInFlight && IsTransactionAction(action)) OnTransactionConf(action, payload, now);
        }

        public void OnCallError(ReadOnlySpan<byte> action, RpcErrorCode code, ReadOnlySpan<byte> description) => Failed(action, true);

        public void OnCallFailed(ReadOnlySpan<byte> action, bool timedOut) => Failed(action, timedOut);

        // `counts`: the central system saw the CALL and refused it, or did not answer in time; a CALL
        // lost with the link is sent again without counting as an attempt (and the link is down:
        // RpcEndpoint reports a lost CALL only from OnDisconnected).
        private void Failed(ReadOnlySpan<byte> action, bool counts)
        {
            MessagesFailed++;
            long now = Now;
            if (action.SequenceEqual("BootNotification"u8))
            {
                _bootDue = now + _timings.BootRetryMilliseconds;
            }
            else if (action.SequenceEqual("Heartbeat"u8))
            {
                ScheduleHeartbeat(now);
            }
            else if (action.SequenceEqual("StatusNotification"u8))
            {
                if (_statusInFlight >= 0)
                {
                    // Whether the central system saw it is unknown: it is sent again.
                    _connectors[_statusInFlight].StatusToReport = true;
                    _connectors[_statusInFlight].HasReported = false;
                }
                _statusInFlight = -1;
            }
            else if (action.SequenceEqual("Authorize"u8))
            {
                int id = _authorizeInFlight;
                _authorizeInFlight = 0;
                if (id > 0)
                {
                    if (counts) DecideFailed(id);
                    else _authorizePending[id] = true; // waiting again: decided offline below
                }
            }
            else if (action.SequenceEqual("DataTransfer"u8))
            {
                DataTransferFailed();
            }
            else if (_headInFlight && IsTransactionAction(action))
            {
                _headInFlight = false;
                if (counts) TransactionAttemptFailed(now);
            }
            if (!counts) OnDisconnected();
        }

        private static bool IsTransactionAction(ReadOnlySpan<byte> action) =>
            action.SequenceEqual("StartTransaction"u8) || action.SequenceEqual("StopTransaction"u8) || action.SequenceEqual("MeterValues"u8);

        // OCPP 1.6 4.10 / 9.1.41-42: retried TransactionMessageAttempts times, the n-th retry
        // TransactionMessageRetryInterval * n later; then dropped, with a log line.
        private void TransactionAttemptFailed(long now)
        {
            ref TransactionMessage head = ref _queue.Head;
            head.Attempts++;
            int attempts = Math.Max(1, _config.GetInt(ConfigurationKey.TransactionMessageAttempts));
            if (head.Attempts >= attempts)
            {
                TransactionMessagesDropped++;
                _log.Begin(LogLevel.Error, "ocpp"u8).Append("transaction message for connector "u8).Append(head.ConnectorId)
                    .Append(" dropped after "u8).Append(head.Attempts).Append(" attempts"u8).End();
                _queue.CompleteHead();
                _transactionRetryAt = now;
                return;
            }
            _transactionRetryAt = now + (long)_config.GetInt(ConfigurationKey.TransactionMessageRetryInterval) * 1000 * head.Attempts;
        }

        private void OnBootConf(JsonElement conf, long now)
        {
            int status = conf.GetProperty("status"u8).GetEnumIndex("Accepted|Pending|Rejected"u8);
            bool intervalOk = conf.GetProperty("interval"u8).TryGetInt32(out int interval) && interval >= 0;
            bool timeOk = TryGetTime(conf.GetProperty("currentTime"u8), out long seconds, out int milliseconds);
            if (!conf.CheckProperties("currentTime|interval|status"u8, default).IsValid || status < 0 || !intervalOk || !timeOk)
            {
                _log.Error("ocpp"u8, "BootNotification.conf does not match its schema: retrying"u8);
                _bootDue = now + _timings.BootRetryMilliseconds;
                return;
            }
            // OCPP 1.6 4.2: adopt the central system's time (unless SNTP gave it already).
            if (!_wallClock.IsSet || _wallClock.SetBy == WallClock.Source.CentralSystem)
                _wallClock.Set(seconds, milliseconds * 1000, WallClock.Source.CentralSystem);
            if (status == 0)
            {
                _registration = RegistrationStatus.Accepted;
                if (interval > 0) _config.TrySet(ConfigurationKey.HeartbeatInterval, interval);
                ScheduleHeartbeat(now);
                _transactionRetryAt = now;
                _log.Info("ocpp"u8, "ocpp init success"u8);
                return;
            }
            _registration = status == 1 ? RegistrationStatus.Pending : RegistrationStatus.Rejected;
            long retry = interval > 0 ? interval * 1000L : _timings.BootRetryMilliseconds;
            _bootDue = now + retry;
            _log.Begin(LogLevel.Warning, "ocpp"u8).Append("BootNotification "u8).Append(status == 1 ? "Pending"u8 : "Rejected"u8)
                .Append(", again in "u8).Append(retry / 1000).Append(" s"u8).End();
        }

        private void OnHeartbeatConf(JsonElement conf, long now)
        {
            if (conf.CheckProperties("currentTime"u8, default).IsValid && TryGetTime(conf.GetProperty("currentTime"u8), out long seconds, out int ms)
                && (!_wallClock.IsSet || _wallClock.SetBy == WallClock.Source.CentralSystem))
                _wallClock.Set(seconds, ms * 1000, WallClock.Source.CentralSystem);
            ScheduleHeartbeat(now);
        }

        private void ScheduleHeartbeat(long now)
        {
            long interval = _config.GetInt(ConfigurationKey.HeartbeatInterval);
            _heartbeatIntervalSeconds = interval;
            _nextHeartbeat = interval > 0 ? now + interval * 1000 : long.MaxValue;
        }

        private static bool TryGetTime(JsonElement element, out long seconds, out int milliseconds)
        {
            Span<byte> text = stackalloc byte[40];
            int length = element.CopyString(text);
            seconds = 0;
            milliseconds = 0;
            return length > 0 && Iso8601.TryParse(text.Slice(0, length), out seconds, out milliseconds);
        }

        // idTagInfo (OCPP 1.6 7.24): status required; expiryDate (a date-time), parentIdTag (an
        // IdToken, CiString20) optional.
        private static bool TryReadIdTagInfo(JsonElement element, out IdTagInfo info)
        {
            info = default;
            info.Status = AuthorizationStatus.Invalid;
            if (!element.CheckProperties("status"u8, "expiryDate|parentIdTag"u8).IsValid) return false;
            int index = element.GetProperty("status"u8).GetEnumIndex("Accepted|Blocked|Expired|Invalid|ConcurrentTx"u8);
            if (index < 0) return false;
            if (element.TryGetProperty("expiryDate"u8, out JsonElement expiry))
            {
                if (!TryGetTime(expiry, out info.ExpirySeconds, out info.ExpiryMilliseconds)) return false;
                info.Expires = true;
            }
            if (element.TryGetProperty("parentIdTag"u8, out JsonElement parent)
                && (parent.ValueKind != JsonValueKind.String || parent.GetStringCodePointCount() > 20))
                return false;
            info.Status = (AuthorizationStatus)index;
            return true;
        }

        // Zephyr's numbering of an authorization status in "ocpp auth 0> idcon N status S" (and in
        // the session stream's [AUTH] line).
        internal static int ZephyrStatus(AuthorizationStatus status) =>
            status == AuthorizationStatus.Accepted ? 1 : status == AuthorizationStatus.Blocked ? 2
            : status == AuthorizationStatus.Expired ? 3 : status == AuthorizationStatus.ConcurrentTx ? 4 : 0;

        private void OnAuthorizeConf(JsonElement conf)
        {
            int id = _authorizeInFlight;
            _authorizeInFlight = 0;
            if (id == 0) return;
            if (!conf.CheckProperties("idTagInfo"u8, default).IsValid || !TryReadIdTagInfo(conf.GetProperty("idTagInfo"u8), out IdTagInfo info))
            {
                _log.Error("ocpp"u8, "Authorize.conf does not match its schema"u8);
                DecideFailed(id);
                return;
            }
            Remember(_connectors[id].IdTag, info);
            _log.Begin(LogLevel.Info, "main"u8).Append("ocpp auth 0> idcon "u8).Append(id).Append(" status "u8).Append(ZephyrStatus(info.Status)).End();
            Decide(id, info.Status, AuthorizationSource.CentralSystem);
        }

        private void OnTransactionConf(ReadOnlySpan<byte> action, JsonElement conf, long now)
        {
            ref TransactionMessage head = ref _queue.Head;
            bool valid;
            int deauthorize = 0;
            if (head.Kind == TransactionMessageKind.StartTransaction)
            {
                valid = conf.CheckProperties("idTagInfo|transactionId"u8, default).IsValid
                    && TryReadIdTagInfo(conf.GetProperty("idTagInfo"u8), out IdTagInfo info)
                    && conf.GetProperty("transactionId"u8).TryGetInt32(out int transactionId);
                if (valid)
                {
                    TryReadIdTagInfo(conf.GetProperty("idTagInfo"u8), out info);
                    conf.GetProperty("transactionId"u8).TryGetInt32(out transactionId);
                    AuthorizationStatus status = info.Status;
                    _queue.MapTransactionId(head.LocalTransactionId, transactionId);
                    Remember(_queue.HeadIdTag, info);
                    Connector c = _connectors[head.ConnectorId];
                    if (c.LocalTransactionId == head.LocalTransactionId)
                    {
                        c.ChargingStarted = true;
                        Refresh(c);
                    }
                    if (status == AuthorizationStatus.Accepted)
                        _log.Begin(LogLevel.Info, "main"u8).Append("ocpp start charging connector id "u8).Append(head.ConnectorId).End();
                    else
                    {
                        _log.Begin(LogLevel.Warning, "ocpp"u8).Append("StartTransaction on connector "u8).Append(head.ConnectorId)
                            .Append(": idTag "u8).Append(AuthorizationStatusText.Of(status)).End();
                        // OCPP 1.6 4.8, 9.1.24: with StopTransactionOnInvalidId, stop it as DeAuthorized.
                        deauthorize = _config.GetBool(ConfigurationKey.StopTransactionOnInvalidId) && c.LocalTransactionId == head.LocalTransactionId
                            ? head.ConnectorId : 0;
                    }
                }
            }
            else if (head.Kind == TransactionMessageKind.StopTransaction)
            {
                valid = conf.CheckProperties(default, "idTagInfo"u8).IsValid
                    && (!conf.TryGetProperty("idTagInfo"u8, out JsonElement element) || TryReadIdTagInfo(element, out _));
                // OCPP 1.6 4.10: the idTagInfo is about the idTag that stopped the transaction.
                if (valid && conf.TryGetProperty("idTagInfo"u8, out element) && TryReadIdTagInfo(element, out IdTagInfo info))
                    Remember(_queue.HeadIdTag, info);
            }
            else
            {
                valid = conf.CheckProperties(default, default).IsValid;
            }
            _headInFlight = false;
            if (!valid)
            {
                // A malformed answer is a failed attempt (retried like a CALLERROR).
                _log.Begin(LogLevel.Error, "ocpp"u8).Append(action).Append(".conf does not match its schema"u8).End();
                TransactionAttemptFailed(now);
                return;
            }
            _queue.CompleteHead();
            _transactionRetryAt = now;
            if (deauthorize > 0) StopTransaction(deauthorize, StopReason.DeAuthorized);
        }

        // ---- the central system's CALLs ----------------------------------------------------------
        public RpcErrorCode HandleCall(ReadOnlySpan<byte> action, JsonElement payload, JsonWriter result, RpcDescription description)
        {
            if (action.SequenceEqual("GetConfiguration"u8)) return GetConfiguration(payload, result, description);
            if (action.SequenceEqual("ChangeConfiguration"u8)) return ChangeConfiguration(payload, result, description);
            if (action.SequenceEqual("TriggerMessage"u8)) return TriggerMessage(payload, result, description);
            if (action.SequenceEqual("ChangeAvailability"u8)) return ChangeAvailability(payload, result, description);
            if (action.SequenceEqual("ClearCache"u8)) return ClearCache(payload, result, description);
            if (action.SequenceEqual("DataTransfer"u8)) return DataTransfer(payload, result, description);
            if (action.SequenceEqual("RemoteStartTransaction"u8)) return RemoteStartTransaction(payload, result, description);
            if (action.SequenceEqual("RemoteStopTransaction"u8)) return RemoteStopTransaction(payload, result, description);
            if (action.SequenceEqual("Reset"u8)) return Reset(payload, result, description);
            if (action.SequenceEqual("UnlockConnector"u8)) return UnlockConnector(payload, result, description);
            // OCPP-J 1.6 4.2.3: NotSupported for an action that is known but not supported (the
            // OCPP 1.6 profiles this charge point does not have), NotImplemented for one not known.
            if (JsonNameList.IndexOf(OtherProfileActions, action, false) >= 0)
            {
                description.Append("action "u8).Append(action).Append(" is not supported: SupportedFeatureProfiles is Core"u8);
                return RpcErrorCode.NotSupported;
            }
            description.Append("action "u8).Append(action).Append(" is not implemented"u8);
            return RpcErrorCode.NotImplemented;
        }

        // The central system's CALLs of the OCPP 1.6 profiles other than Core and Remote Trigger:
        // Firmware Management, Local Auth List Management, Reservation, Smart Charging (section 5).
        private static ReadOnlySpan<byte> OtherProfileActions =>
            "CancelReservation|ClearChargingProfile|GetCompositeSchedule|GetDiagnostics|GetLocalListVersion|ReserveNow|SendLocalList|SetChargingProfile|UpdateFirmware"u8;

        public void AfterResult(ReadOnlySpan<byte> action)
        {
            if (action.SequenceEqual("Reset"u8))
            {
                if (_resetAnswered) BeginReset(_resetAnsweredHard);
                _resetAnswered = false;
                return;
            }
            if (!action.SequenceEqual("TriggerMessage"u8) || _triggerPendingKind == TriggerKind.None) return;
            int connector = _triggerPendingConnector;
            switch (_triggerPendingKind)
            {
                case TriggerKind.BootNotification: _triggerBoot = true; break;
                case TriggerKind.Heartbeat: _triggerHeartbeat = true; break;
                case TriggerKind.StatusNotification:
                    for (int id = 0; id <= ConnectorCount; id++)
                        if (connector < 0 || connector == id) _triggerStatus[id] = true;
                    break;
                case TriggerKind.MeterValues:
                    for (int id = 1; id <= ConnectorCount; id++)
                        if (connector <= 0 || connector == id) _triggerMeter[id] = true;
                    break;
            }
            _triggerPendingKind = TriggerKind.None;
            Wake();
        }

        private static RpcErrorCode PropertyProblem(JsonPropertyCheck check, RpcDescription description)
        {
            if (check.IsValid) return RpcErrorCode.None;
            switch (check.Problem)
            {
                case JsonPropertyProblem.Missing:
                    description.Append("required property "u8).Append(check.Name).Append(" is missing"u8);
                    return RpcErrorCode.OccurenceConstraintViolation;
                case JsonPropertyProblem.Duplicate:
                    description.Append("property "u8).Append(check.Name).Append(" appears twice"u8);
                    return RpcErrorCode.OccurenceConstraintViolation;
                case JsonPropertyProblem.Unknown:
                    description.Append("property "u8).Append(check.Name).Append(" is not in the schema"u8);
                    return RpcErrorCode.FormationViolation;
                default:
                    description.Append("the payload is not an object"u8);
                    return RpcErrorCode.FormationViolation;
            }
        }

        // A string property of at most `maxLength` characters (CiStringNType).
        private static RpcErrorCode StringProperty(JsonElement value, ReadOnlySpan<byte> name, int maxLength, RpcDescription description)
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                description.Append(name).Append(" must be a string"u8);
                return RpcErrorCode.TypeConstraintViolation;
            }
            if (value.GetStringCodePointCount() > maxLength)
            {
                description.Append(name).Append(" is longer than "u8).Append(maxLength).Append(" characters"u8);
                return RpcErrorCode.PropertyConstraintViolation;
            }
            return RpcErrorCode.None;
        }

        // OCPP 1.6 6.13 / 5.8 GetConfiguration: the keys asked for (all when none), unknown ones in
        // unknownKey. The write-only AuthorizationKey is listed without its value (security
        // whitepaper: it must not be read back).
        private RpcErrorCode GetConfiguration(JsonElement payload, JsonWriter result, RpcDescription description)
        {
            RpcErrorCode code = PropertyProblem(payload.CheckProperties(default, "key"u8), description);
            if (code != RpcErrorCode.None) return code;
            bool listed = payload.TryGetProperty("key"u8, out JsonElement keys);
            if (listed)
            {
                if (keys.ValueKind != JsonValueKind.Array)
                {
                    description.Append("key must be an array"u8);
                    return RpcErrorCode.TypeConstraintViolation;
                }
                foreach (JsonElement key in keys.EnumerateArray())
                {
                    code = StringProperty(key, "key[]"u8, 50, description);
                    if (code != RpcErrorCode.None) return code;
                }
            }
            result.StartObject();
            result.StartArray("configurationKey"u8);
            if (!listed || keys.GetArrayLength() == 0)
            {
                for (int index = 0; index < _config.Count; index++) WriteKey(result, index);
            }
            else
            {
                foreach (JsonElement key in keys.EnumerateArray())
                {
                    int length = key.CopyString(_keyName);
                    if (length > 0 && _config.TryFind(new ReadOnlySpan<byte>(_keyName, 0, length), out int index))
                        WriteKey(result, index);
                }
            }
            result.EndArray();
            if (listed && keys.GetArrayLength() > 0)
            {
                bool any = false;
                foreach (JsonElement key in keys.EnumerateArray())
                {
                    int length = key.CopyString(_keyName);
                    ReadOnlySpan<byte> name = new ReadOnlySpan<byte>(_keyName, 0, Math.Max(0, length));
                    if (_config.TryFind(name, out _)) continue;
                    if (!any) result.StartArray("unknownKey"u8);
                    any = true;
                    result.String(name);
                }
                if (any) result.EndArray();
            }
            result.EndObject();
            return RpcErrorCode.None;
        }

        private void WriteKey(JsonWriter result, int index)
        {
            result.StartObject();
            result.String("key"u8, _config.NameOf(index));
            result.Bool("readonly"u8, _config.IsReadOnly(index));
            int length = _config.FormatValue(index, _keyValue);
            if (length >= 0) result.String("value"u8, new ReadOnlySpan<byte>(_keyValue, 0, length));
            result.EndObject();
        }

        // OCPP 1.6 6.7 / 5.3 ChangeConfiguration.
        private RpcErrorCode ChangeConfiguration(JsonElement payload, JsonWriter result, RpcDescription description)
        {
            RpcErrorCode code = PropertyProblem(payload.CheckProperties("key|value"u8, default), description);
            if (code == RpcErrorCode.None) code = StringProperty(payload.GetProperty("key"u8), "key"u8, 50, description);
            if (code == RpcErrorCode.None) code = StringProperty(payload.GetProperty("value"u8), "value"u8, 500, description);
            if (code != RpcErrorCode.None) return code;
            int keyLength = payload.GetProperty("key"u8).CopyString(_keyName);
            int valueLength = payload.GetProperty("value"u8).CopyString(_keyValue);
            if (keyLength < 0 || valueLength < 0)
            {
                description.Append("key or value too long"u8);
                return RpcErrorCode.PropertyConstraintViolation;
            }
            ConfigurationStatus status = _config.TryChange(new ReadOnlySpan<byte>(_keyName, 0, keyLength), new ReadOnlySpan<byte>(_keyValue, 0, valueLength));
            result.StartObject();
            result.String("status"u8, status == ConfigurationStatus.Accepted ? "Accepted"u8
                : status == ConfigurationStatus.RebootRequired ? "RebootRequired"u8
                : status == ConfigurationStatus.NotSupported ? "NotSupported"u8 : "Rejected"u8);
            result.EndObject();
            return RpcErrorCode.None;
        }

        // OCPP 1.6 6.51 / 5.17 TriggerMessage: the message goes out after this answer.
        private RpcErrorCode TriggerMessage(JsonElement payload, JsonWriter result, RpcDescription description)
        {
            RpcErrorCode code = PropertyProblem(payload.CheckProperties("requestedMessage"u8, "connectorId"u8), description);
            if (code != RpcErrorCode.None) return code;
            JsonElement requested = payload.GetProperty("requestedMessage"u8);
            if (requested.ValueKind != JsonValueKind.String)
            {
                description.Append("requestedMessage must be a string"u8);
                return RpcErrorCode.TypeConstraintViolation;
            }
            int kind = requested.GetEnumIndex("BootNotification|DiagnosticsStatusNotification|FirmwareStatusNotification|Heartbeat|MeterValues|StatusNotification"u8);
            if (kind < 0)
            {
                description.Append("requestedMessage is not a MessageTrigger value"u8);
                return RpcErrorCode.PropertyConstraintViolation;
            }
            int connector = -1;
            if (payload.TryGetProperty("connectorId"u8, out JsonElement connectorElement))
            {
                if (connectorElement.ValueKind != JsonValueKind.Number || !connectorElement.TryGetInt32(out connector))
                {
                    description.Append("connectorId must be an integer"u8);
                    return RpcErrorCode.TypeConstraintViolation;
                }
            }
            TriggerKind trigger = (TriggerKind)(kind + 1);
            ReadOnlySpan<byte> status;
            if (trigger == TriggerKind.DiagnosticsStatusNotification || trigger == TriggerKind.FirmwareStatusNotification)
                status = "NotImplemented"u8;
            else if (connector > ConnectorCount || (connector < 0 && payload.TryGetProperty("connectorId"u8, out _)))
                status = "Rejected"u8;
            else
            {
                status = "Accepted"u8;
                _triggerPendingKind = trigger;
                _triggerPendingConnector = connector;
            }
            result.StartObject();
            result.String("status"u8, status);
            result.EndObject();
            return RpcErrorCode.None;
        }

        // ---- configuration changes take effect at once ---------------------------------------------
        public void OnChanged(ConfigurationKey key)
        {
            long now = Now;
            if (key == ConfigurationKey.AuthorizationCacheEnabled && !_config.GetBool(key)) _cache.Clear();
            if (key == ConfigurationKey.HeartbeatInterval && _registration == RegistrationStatus.Accepted) ScheduleHeartbeat(now);
            if (key == ConfigurationKey.MeterValueSampleInterval)
                for (int id = 1; id <= ConnectorCount; id++) _nextSample[id] = now + SampleIntervalMilliseconds;
        }

        // The demo or a real plug: what the user side did outside a transaction (Available when the
        // cable is out, Finishing, Preparing). It shows while the connector is operative, not
        // faulted and has no transaction (Connector.DerivedStatus).
        public void SetConnectorStatus(int connector, ChargePointStatus status)
        {
            if (connector < 0 || connector > ConnectorCount) return;
            Connector c = _connectors[connector];
            c.RequestedStatus = status;
            Refresh(c);
        }
    }
}
