using System;
using ChargePoint.Core.Json;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Ocpp.Configuration;
using ChargePoint.Core.Ocpp.Rpc;
using ChargePoint.Core.Time;

namespace ChargePoint.Core.Ocpp
{
    // The charge point's OCPP 1.6 logic (the Core profile and TriggerMessage): what it sends and
    // when (BootNotification once per power cycle until accepted, StatusNotification for every
    // connector after it and on every change, Authorize, DataTransfer, the transaction messages
    // through TransactionQueue, MeterValues at MeterValueSampleInterval, Heartbeat at the interval
    // Boot returned), local authorization (AuthorizationCache and the offline keys: the
    // Authorization partial), and its answers to the central system's CALLs (the Answers and
    // Operations partials). One CALL of its own at a time, chosen by priority in Run.
    public sealed partial class OcppChargePoint : IRpcCallHandler, IRpcResultHandler, IConfigurationObserver
    {
        public const int ConnectorCount = 2;
        private const int PayloadDepth = 8;

        // OCPP 1.6 5.14 Reset: the restart waits until the transaction queue has been sent (the
        // StopTransaction.req of every transaction the reset stopped), at most this long; and
        // never comes sooner than this after Reset.conf went out, so the answer leaves the
        // WebSocket's send buffer before the image restarts.
        public const long ResetDrainLimitMilliseconds = 30000;
        public const long ResetGraceMilliseconds = 1000;

        private readonly ChargePointIdentity _identity;
        private readonly ConfigurationStore _config;
        private readonly Connector[] _connectors; // [0] is the charge point itself
        private readonly TransactionQueue _queue;
        private readonly WallClock _wallClock;
        private readonly IClock _clock;
        private readonly Logger _log;
        private readonly OcppTimings _timings;
        private RpcEndpoint _rpc;

        private RegistrationStatus _registration;
        private long _bootDue;               // uptime ms
        private long _heartbeatIntervalSeconds;
        private long _nextHeartbeat = long.MaxValue;
        private long _transactionRetryAt;    // uptime ms: the queue's head waits until then after a failure
        private int _nextLocalTransactionId = 1;
        private readonly long[] _nextSample = new long[ConnectorCount + 1];
        private readonly bool[] _authorizePending = new bool[ConnectorCount + 1];
        private readonly AuthorizeOutcome[] _authorizeOutcome = new AuthorizeOutcome[ConnectorCount + 1];
        private readonly AuthorizationStatus[] _authorizeStatus = new AuthorizationStatus[ConnectorCount + 1];
        private int _authorizeInFlight;       // connector of the Authorize sent, 0 none
        private int _statusInFlight = -1;     // connector of the StatusNotification sent
        private bool _headInFlight;           // the queue's head was sent and is awaiting its answer
        private bool _linkUp;                 // a WebSocket to the central system is open (OnConnected .. OnDisconnected)

        // Reset.req (OCPP 1.6 5.14): accepted, then (once the answer is out) under way.
        private ISystemReset _systemReset;
        private bool _resetAnswered, _resetAnsweredHard;
        private bool _resetRequested, _resetHard;
        private long _resetSince;             // uptime ms: when the reset began

        // TriggerMessage: what the central system asked for, sent once the trigger's answer is out.
        private bool _triggerBoot, _triggerHeartbeat;
        private readonly bool[] _triggerStatus = new bool[ConnectorCount + 1];
        private readonly bool[] _triggerMeter = new bool[ConnectorCount + 1];
        private TriggerKind _triggerPendingKind;
        private int _triggerPendingConnector = -1;

        private readonly byte[] _timestamp = new byte[Iso8601.Length];
        private readonly byte[] _text = new byte[64];
        private readonly byte[] _keyName = new byte[4 * 50]; // ChangeConfiguration.req key: CiString50, 50 characters of UTF-8
        private readonly byte[] _keyValue = new byte[4 * 500]; // value: CiString500

        public long MessagesSent, MessagesAnswered, MessagesFailed, TransactionMessagesDropped, Restarts;

        public OcppChargePoint(ChargePointIdentity identity, ConfigurationStore config, Connector[] connectors, TransactionQueue queue,
            WallClock wallClock, IClock clock, Logger log, OcppTimings timings)
        {
            _identity = identity;
            _config = config;
            _connectors = connectors;
            _queue = queue;
            _wallClock = wallClock;
            _clock = clock;
            _log = log;
            _timings = timings;
            for (int id = 0; id <= ConnectorCount; id++) _preparingSince[id] = -1;
            config.AddObserver(this);
        }

        // Boot: how this image restarts (OCPP 1.6 5.14 Reset). Without one, Reset.req is Rejected.
        public void UseSystemReset(ISystemReset reset) => _systemReset = reset;

        // Boot: who is told of each charging session's steps (the session stream). Optional.
        public void UseSessionObserver(IChargingSessionObserver observer) => _sessionObserver = observer;

        private IChargingSessionObserver _sessionObserver;

        private Scheduling.Scheduler _scheduler;
        private int _owner = -1;

        // Boot: the RPC endpoint this charge point speaks through (made after it: each needs the
        // other), and the task that runs it, woken whenever something local needs sending.
        public void Attach(RpcEndpoint rpc, Scheduling.Scheduler scheduler, int ownerTask)
        {
            _rpc = rpc;
            _scheduler = scheduler;
            _owner = ownerTask;
        }

        private void Wake()
        {
            if (_owner >= 0) _scheduler.Signal(_owner);
        }

        public RegistrationStatus Registration => _registration;
        public Connector ConnectorAt(int id) => _connectors[id];
        public TransactionQueue Queue => _queue;
        public long HeartbeatIntervalSeconds => _heartbeatIntervalSeconds;
        public bool IsConnected => _linkUp;
        public bool ResetPending => _resetRequested;

        private long Now => _clock.UptimeMicroseconds / 1000;

        // ---- the link ----------------------------------------------------------------------------
        // A new WebSocket connection. OCPP 1.6 4.2: "The Charge Point SHALL send a
        // BootNotification.req PDU each time it boots or reboots", not on every connection: so only
        // until a BootNotification of this power cycle was accepted (after that, only when the
        // central system asks with TriggerMessage). What changed while offline follows: a
        // StatusNotification for each connector whose status changed (4.9, the StatusToReport
        // flags), then the transaction queue.
        public void OnConnected()
        {
            _linkUp = true;
            // A retry interval that began before the link went away (a timeout on the dying link)
            // is not waited out again: the queue drains as soon as the statuses are out.
            _transactionRetryAt = Now;
            if (_registration == RegistrationStatus.Accepted) return;
            _registration = RegistrationStatus.NotBooted;
            _bootDue = Now;
            _nextHeartbeat = long.MaxValue;
        }

        // The WebSocket closed (or never opened): the charge point is offline (OCPP 1.6 3.5) and
        // decides the authorizations that were waiting for the central system locally.
        public void OnDisconnected()
        {
            if (!_linkUp) return;
            _linkUp = false;
            DecideWaitingAuthorizationsOffline();
            DataTransferLinkLost();
        }

        // Offline as OCPP 1.6 3.5 means it: no link to the central system. While the link is up
        // but the central system has not accepted this charge point yet (no answer, Pending,
        // Rejected: 4.2), a question waits for the acceptance instead; if the link goes down
        // first, it is decided offline then.
        private bool IsOffline => !_linkUp || _rpc == null;

        // ---- local operations (the demo, a user) ----------------------------------------------------
        // Starts a transaction for the connector's authorized idTag: the meter runs from now and
        // StartTransaction is queued (OCPP 1.6 4.8). False when one runs already, or the connector
        // cannot charge (Unavailable, Faulted), or a reset is under way.
        public bool StartTransaction(int connector)
        {
            if (connector < 1 || connector > ConnectorCount) return false;
            Connector c = _connectors[connector];
            if (c.HasTransaction || !c.Operative || c.Fault != ChargePointErrorCode.NoError || _resetRequested) return false;
            int local = _nextLocalTransactionId++;
            c.Meter.Connect();
            c.BeginTransaction(local, c.Meter.EnergyWh);
            _sessionObserver?.TransactionStarted(connector, c.IdTag);
            Refresh(c);
            var message = new TransactionMessage
            {
                Kind = TransactionMessageKind.StartTransaction,
                ConnectorId = connector,
                LocalTransactionId = local,
                MeterWh = c.MeterStartWh,
            };
            Stamp(ref message);
            Enqueue(message, c.IdTag);
            _nextSample[connector] = Now + SampleIntervalMilliseconds;
            return true;
        }

        // Ends the connector's transaction (OCPP 1.6 4.10): the meter stops, StopTransaction with
        // the final register and the reason is queued. A ChangeAvailability scheduled for the
        // connector takes effect now (5.2).
        public bool StopTransaction(int connector, StopReason reason)
        {
            if (connector < 1 || connector > ConnectorCount) return false;
            Connector c = _connectors[connector];
            if (!c.HasTransaction) return false;
            _sessionObserver?.TransactionStopping(connector);
            c.Meter.Disconnect();
            var message = new TransactionMessage
            {
                Kind = TransactionMessageKind.StopTransaction,
                ConnectorId = connector,
                LocalTransactionId = c.LocalTransactionId,
                MeterWh = c.Meter.EnergyWh,
                Reason = reason,
            };
            Stamp(ref message);
            Enqueue(message, c.IdTag);
            c.EndTransaction();
            c.RequestedStatus = ChargePointStatus.Finishing;
            if (c.HasScheduledAvailability) SetAvailability(c, c.ScheduledOperative);
            else Refresh(c);
            ApplyScheduledChargePointAvailability();
            _authorizeOutcome[connector] = AuthorizeOutcome.None;
            _authorizeSource[connector] = AuthorizationSource.None;
            return true;
        }

        private void Enqueue(in TransactionMessage message, ReadOnlySpan<byte> idTag)
        {
            Wake();
            int thinned = _queue.MeterValuesDropped;
            if (_queue.TryEnqueue(message, idTag))
            {
                if (_queue.MeterValuesDropped != thinned)
                    _log.Begin(LogLevel.Warning, "ocpp"u8).Append("transaction queue full ("u8).Append(_queue.Capacity)
                        .Append(" messages): a queued meter value dropped to make room, "u8).Append(_queue.MeterValuesDropped).Append(" so far"u8).End();
                return;
            }
            TransactionMessagesDropped++;
            _log.Begin(LogLevel.Error, "ocpp"u8).Append("transaction queue full ("u8).Append(_queue.Capacity)
                .Append(" messages of starts and stops): message for connector "u8).Append(message.ConnectorId).Append(" not queued"u8).End();
        }

        private void Stamp(ref TransactionMessage message)
        {
            message.TimestampKnown = _wallClock.TryGetUtc(out long seconds, out int micro);
            message.TimestampSeconds = seconds;
            message.TimestampMilliseconds = micro / 1000;
        }

        // The connector's status as its parts now give it (Connector.DerivedStatus); a change is
        // stamped with the moment it happened and reported.
        private void Refresh(Connector c)
        {
            _wallClock.TryGetUtc(out long seconds, out int micro);
            if (!c.SetStatus(c.DerivedStatus, c.Fault, seconds, micro / 1000)) return;
            _statusChangedAt[c.Id] = Now;
            Wake();
        }

        private long SampleIntervalMilliseconds
        {
            get
            {
                long seconds = _config.GetInt(ConfigurationKey.MeterValueSampleInterval);
                return seconds > 0 ? seconds * 1000 : long.MaxValue / 4;
            }
        }

        // ---- the scheduler's call ------------------------------------------------------------------
        // Samples the meters, and sends the next CALL when none is outstanding. Returns the uptime
        // (ms) by which it wants to run again.
        // It may be called while offline too: the meters are sampled (OCPP 1.6 3.7: queued as if
        // online) and a reset waiting for the queue still ends after ResetDrainLimitMilliseconds.
        public long Run(long now)
        {
            SampleMeters(now);
            CheckConnectionTimeouts(now);
            if (_rpc != null && _rpc.CanCall) SendNext(now);
            CheckReset(now);
            return NextWake(now);
        }

        private void SampleMeters(long now)
        {
            for (int id = 1; id <= ConnectorCount; id++)
            {
                Connector c = _connectors[id];
                if (!c.HasTransaction || now < _nextSample[id]) continue;
                _nextSample[id] = now + SampleIntervalMilliseconds;
                var message = new TransactionMessage
                {
                    Kind = TransactionMessageKind.MeterValues,
                    ConnectorId = id,
                    LocalTransactionId = c.LocalTransactionId,
                    MeterWh = c.Meter.EnergyWh,
                    PowerW = c.Meter.PowerW,
                };
                Stamp(ref message);
                Enqueue(message, default);
            }
        }

        // What can go out only when no CALL is outstanding (and the link is open) counts only then:
        // while a CALL waits, its answer or its deadline brings the task back.
        private long NextWake(long now)
        {
            long wake = long.MaxValue;
            if (_rpc != null)
            {
                if (_rpc.CanCall)
                {
                    if (HasWorkNow(now)) return now;
                    if (_registration != RegistrationStatus.Accepted) wake = _bootDue;
                    else
                    {
                        wake = _nextHeartbeat;
                        if (!_queue.IsEmpty) wake = Math.Min(wake, _transactionRetryAt);
                    }
                }
                wake = Math.Min(wake, _rpc.Deadline);
            }
            for (int id = 1; id <= ConnectorCount; id++)
                if (_connectors[id].HasTransaction) wake = Math.Min(wake, _nextSample[id]);
            for (int id = 0; id <= ConnectorCount; id++)
                if (_connectors[id].StatusToReport && StatusStableAt(id) > now) wake = Math.Min(wake, StatusStableAt(id));
            wake = Math.Min(wake, NextConnectionTimeout());
            if (_resetRequested) wake = Math.Min(wake, ResetDue);
            return wake;
        }

        // Something that is sent as soon as no CALL is outstanding.
        private bool HasWorkNow(long now)
        {
            if (_rpc == null || !_rpc.CanCall) return false;
            if (_registration != RegistrationStatus.Accepted)
            {
                if (_triggerBoot) return true;
                if (_registration != RegistrationStatus.Pending) return false;
                if (_triggerHeartbeat) return true;
                for (int id = 0; id <= ConnectorCount; id++)
                    if (_triggerStatus[id] || _triggerMeter[id]) return true;
                return false;
            }
            if (_triggerBoot || _triggerHeartbeat || _dataTransferPending) return true;
            for (int id = 0; id <= ConnectorCount; id++)
                if ((_connectors[id].StatusToReport && StatusStableAt(id) <= now) || _triggerStatus[id] || _triggerMeter[id] || _authorizePending[id]) return true;
            return false;
        }

        private void SendNext(long now)
        {
            if (_registration != RegistrationStatus.Accepted)
            {
                if (now >= _bootDue || _triggerBoot) SendBootNotification(now);
                // OCPP 1.6 4.2: nothing else before the central system accepted us, except, while
                // Pending, what it asked for with TriggerMessage.
                else if (_registration == RegistrationStatus.Pending) SendTriggered(now);
                return;
            }
            if (_triggerBoot) { SendBootNotification(now); return; }
            int status = NextStatusToReport(now);
            if (status >= 0)
            {
                SendStatusNotification(status, now);
                return;
            }
            for (int id = 1; id <= ConnectorCount; id++)
            {
                if (_triggerMeter[id])
                {
                    SendTriggeredMeterValues(id, now);
                    return;
                }
            }
            for (int id = 1; id <= ConnectorCount; id++)
            {
                if (_authorizePending[id])
                {
                    SendAuthorize(id, now);
                    return;
                }
            }
            if (_dataTransferPending)
            {
                SendDataTransfer(now);
                return;
            }
            DropStopsWithoutTransactionId();
            if (!_queue.IsEmpty && now >= _transactionRetryAt)
            {
                SendTransactionHead(now);
                return;
            }
            if (now >= _nextHeartbeat || _triggerHeartbeat) SendHeartbeat(now);
        }

        // The StatusNotification to send next: one the central system triggered first; then the
        // changed statuses in the order the changes happened (OCPP 1.6 4.9 rule 4), leaving out a
        // status that is back to what the central system was last told (rule 3: it changed while
        // offline and returned, nothing to tell) and one that has not held MinimumStatusDuration
        // yet. -1: none.
        private int NextStatusToReport(long now)
        {
            for (int id = 0; id <= ConnectorCount; id++)
                if (_triggerStatus[id]) return id;
            int next = -1;
            for (int id = 0; id <= ConnectorCount; id++)
            {
                Connector c = _connectors[id];
                if (!c.StatusToReport) continue;
                if (c.HasReported && c.ReportedStatus == c.Status && c.ReportedErrorCode == c.ErrorCode)
                {
                    c.StatusToReport = false;
                    continue;
                }
                if (StatusStableAt(id) > now) continue; // MinimumStatusDuration: not yet held long enough
                if (next < 0) { next = id; continue; }
                Connector earliest = _connectors[next];
                if (c.StatusChangedSeconds < earliest.StatusChangedSeconds
                    || (c.StatusChangedSeconds == earliest.StatusChangedSeconds && c.StatusChangedMilliseconds < earliest.StatusChangedMilliseconds))
                    next = id;
            }
            return next;
        }

        private void SendTriggered(long now)
        {
            for (int id = 0; id <= ConnectorCount; id++)
                if (_triggerStatus[id]) { SendStatusNotification(id, now); return; }
            for (int id = 1; id <= ConnectorCount; id++)
                if (_triggerMeter[id]) { SendTriggeredMeterValues(id, now); return; }
            if (_triggerHeartbeat) SendHeartbeat(now);
        }

        private bool Finish(long now)
        {
            if (!_rpc.EndCall(now, _timings.ResponseTimeoutMilliseconds)) return false;
            MessagesSent++;
            return true;
        }

        private ReadOnlySpan<byte> Timestamp(long seconds, int milliseconds) =>
            new ReadOnlySpan<byte>(_timestamp, 0, Iso8601.Write(seconds, milliseconds, _timestamp));

        private ReadOnlySpan<byte> NowTimestamp()
        {
            _wallClock.TryGetUtc(out long seconds, out int micro);
            return Timestamp(seconds, micro / 1000);
        }

        // ---- the messages, OCPP 1.6 section 6 ----------------------------------------------------------
        private void SendBootNotification(long now)
        {
            JsonWriter w = _rpc.BeginCall("BootNotification"u8);
            if (w == null) return;
            w.StartObject();
            w.String("chargePointVendor"u8, _identity.Vendor);
            w.String("chargePointModel"u8, _identity.Model);
            if (_identity.SerialNumber.Length > 0) w.String("chargePointSerialNumber"u8, _identity.SerialNumber);
            w.String("firmwareVersion"u8, _identity.FirmwareVersion);
            w.EndObject();
            if (Finish(now))
            {
                _triggerBoot = false;
                _bootDue = long.MaxValue; // the answer (or its failure) sets the next one
            }
        }

        private void SendHeartbeat(long now)
        {
            JsonWriter w = _rpc.BeginCall("Heartbeat"u8);
            if (w == null) return;
            w.StartObject();
            w.EndObject();
            if (Finish(now))
            {
                _triggerHeartbeat = false;
                _nextHeartbeat = long.MaxValue;
            }
        }

        private void SendStatusNotification(int id, long now)
        {
            Connector c = _connectors[id];
            JsonWriter w = _rpc.BeginCall("StatusNotification"u8);
            if (w == null) return;
            w.StartObject();
            w.Number("connectorId"u8, id);
            w.String("errorCode"u8, ChargePointErrorCodeText.Of(c.ErrorCode));
            w.String("status"u8, ChargePointStatusText.Of(c.Status));
            // OCPP 1.6 6.48: the time the status is reported for, the moment it changed (or now,
            // when it changed before the clock was set, or nothing changed: a trigger).
            if (c.StatusChangedSeconds > 0 && !_triggerStatus[id]) w.String("timestamp"u8, Timestamp(c.StatusChangedSeconds, c.StatusChangedMilliseconds));
            else if (_wallClock.IsSet) w.String("timestamp"u8, NowTimestamp());
            w.EndObject();
            if (Finish(now))
            {
                c.StatusToReport = false;
                _triggerStatus[id] = false;
                _statusInFlight = id;
                c.HasReported = true;
                c.ReportedStatus = c.Status;
                c.ReportedErrorCode = c.ErrorCode;
            }
        }

        private void SendAuthorize(int id, long now)
        {
            JsonWriter w = _rpc.BeginCall("Authorize"u8);
            if (w == null) return;
            w.StartObject();
            w.String("idTag"u8, _connectors[id].IdTag);
            w.EndObject();
            if (Finish(now))
            {
                _authorizePending[id] = false;
                _authorizeInFlight = id;
            }
        }

        private void SendTriggeredMeterValues(int id, long now)
        {
            Connector c = _connectors[id];
            JsonWriter w = _rpc.BeginCall("MeterValues"u8);
            if (w == null) return;
            w.StartObject();
            w.Number("connectorId"u8, id);
            if (c.HasTransaction && _queue.TryGetCentralId(c.LocalTransactionId, out int central)) w.Number("transactionId"u8, central);
            w.StartArray("meterValue"u8);
            _wallClock.TryGetUtc(out long seconds, out int micro);
            WriteMeterValue(w, seconds, micro / 1000, c.Meter.EnergyWh, c.Meter.PowerW, "Trigger"u8, ConfigurationKey.MeterValuesSampledData, c);
            w.EndArray();
            w.EndObject();
            if (Finish(now)) _triggerMeter[id] = false;
        }

        private void SendTransactionHead(long now)
        {
            ref TransactionMessage head = ref _queue.Head;
            ReadOnlySpan<byte> action = head.Kind == TransactionMessageKind.StartTransaction ? "StartTransaction"u8
                : head.Kind == TransactionMessageKind.StopTransaction ? "StopTransaction"u8 : "MeterValues"u8;
            JsonWriter w = _rpc.BeginCall(action);
            if (w == null) return;
            w.StartObject();
            int central;
            bool known = _queue.TryGetCentralId(head.LocalTransactionId, out central);
            switch (head.Kind)
            {
                case TransactionMessageKind.StartTransaction:
                    w.Number("connectorId"u8, head.ConnectorId);
                    w.String("idTag"u8, _queue.HeadIdTag);
                    w.Number("meterStart"u8, head.MeterWh);
                    w.String("timestamp"u8, Timestamp(head.TimestampSeconds, head.TimestampMilliseconds));
                    break;
                case TransactionMessageKind.MeterValues:
                    w.Number("connectorId"u8, head.ConnectorId);
                    if (known) w.Number("transactionId"u8, central);
                    w.StartArray("meterValue"u8);
                    WriteMeterValue(w, head.TimestampSeconds, head.TimestampMilliseconds, head.MeterWh, head.PowerW,
                        "Sample.Periodic"u8, ConfigurationKey.MeterValuesSampledData, _connectors[head.ConnectorId]);
                    w.EndArray();
                    break;
                default:
                    if (_queue.HeadIdTag.Length > 0) w.String("idTag"u8, _queue.HeadIdTag);
                    w.Number("meterStop"u8, head.MeterWh);
                    w.String("timestamp"u8, Timestamp(head.TimestampSeconds, head.TimestampMilliseconds));
                    w.Number("transactionId"u8, central); // known: DropStopsWithoutTransactionId left no other
                    w.String("reason"u8, StopReasonText.Of(head.Reason));
                    w.StartArray("transactionData"u8);
                    WriteEnergyOnly(w, head.TimestampSeconds, head.TimestampMilliseconds, head.MeterWh, "Transaction.End"u8);
                    w.EndArray();
                    break;
            }
            w.EndObject();
            if (Finish(now)) _headInFlight = true;
        }

        // OCPP 1.6 6.49: StopTransaction.req's transactionId is required, and the central system's
        // id is the only one it may carry. A transaction whose StartTransaction was dropped after
        // TransactionMessageAttempts (3.7.1) never got one, so its StopTransaction cannot name it:
        // it is dropped here (counted, logged) instead of naming a transaction that does not exist.
        // Its Start went before it in the queue, so at the head its id is known or never will be.
        private void DropStopsWithoutTransactionId()
        {
            while (!_queue.IsEmpty && !_headInFlight)
            {
                ref TransactionMessage head = ref _queue.Head;
                if (head.Kind != TransactionMessageKind.StopTransaction || _queue.TryGetCentralId(head.LocalTransactionId, out _)) return;
                TransactionMessagesDropped++;
                _log.Begin(LogLevel.Error, "ocpp"u8).Append("StopTransaction for connector "u8).Append(head.ConnectorId)
                    .Append(" dropped: its StartTransaction got no transaction id"u8).End();
                _queue.CompleteHead();
            }
        }

        // One meterValue: {timestamp, sampledValue: [...]} with the measurands `key` lists that this
        // meter has (Energy.Active.Import.Register in Wh always, when nothing else is listed).
        private void WriteMeterValue(JsonWriter w, long seconds, int milliseconds, long energyWh, int powerW, ReadOnlySpan<byte> context,
            ConfigurationKey key, Connector connector)
        {
            w.StartObject();
            w.String("timestamp"u8, Timestamp(seconds, milliseconds));
            w.StartArray("sampledValue"u8);
            int listed = _config.ListCount(key);
            if (listed == 0) SampledValue(w, energyWh, 0, context, "Energy.Active.Import.Register"u8, "Wh"u8);
            for (int i = 0; i < listed; i++)
            {
                ReadOnlySpan<byte> measurand = _config.ListItem(key, i);
                if (measurand.SequenceEqual("Energy.Active.Import.Register"u8)) SampledValue(w, energyWh, 0, context, measurand, "Wh"u8);
                else if (measurand.SequenceEqual("Power.Active.Import"u8)) SampledValue(w, powerW, 0, context, measurand, "W"u8);
                else if (measurand.SequenceEqual("Current.Import"u8)) SampledValue(w, connector.Meter.CurrentDeciAmperes, 1, context, measurand, "A"u8);
                else if (measurand.SequenceEqual("Voltage"u8)) SampledValue(w, connector.Meter.VoltageV, 0, context, measurand, "V"u8);
            }
            w.EndArray();
            w.EndObject();
        }

        private static void WriteEnergyOnly(JsonWriter w, long seconds, int milliseconds, long energyWh, ReadOnlySpan<byte> context)
        {
            // Written without the instance's timestamp buffer use: the caller passed its own values.
            Span<byte> stamp = stackalloc byte[Iso8601.Length];
            w.StartObject();
            w.String("timestamp"u8, stamp.Slice(0, Iso8601.Write(seconds, milliseconds, stamp)));
            w.StartArray("sampledValue"u8);
            SampledValue(w, energyWh, 0, context, "Energy.Active.Import.Register"u8, "Wh"u8);
            w.EndArray();
            w.EndObject();
        }

        // OCPP 1.6 7.43 SampledValue: the value is a string.
        private static void SampledValue(JsonWriter w, long mantissa, int decimals, ReadOnlySpan<byte> context, ReadOnlySpan<byte> measurand, ReadOnlySpan<byte> unit)
        {
            w.StartObject();
            w.NumberAsString("value"u8, mantissa, decimals);
            w.String("context"u8, context);
            w.String("measurand"u8, measurand);
            w.String("unit"u8, unit);
            w.EndObject();
        }
    }
}
