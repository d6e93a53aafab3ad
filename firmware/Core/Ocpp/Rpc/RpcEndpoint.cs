using System;
using ChargePoint.Core.Json;
using ChargePoint.Core.Logging;

namespace ChargePoint.Core.Ocpp.Rpc
{
    // OCPP-J RPC (OCPP-J 1.6 section 4): CALL [2,id,action,payload], CALLRESULT [3,id,payload],
    // CALLERROR [4,id,code,description,details]. The charge point has at most one CALL of its own
    // outstanding, with a response timeout; every CALL from the central system gets exactly one
    // CALLRESULT or CALLERROR. Frames that are not OCPP-J get the answer the specification names
    // when their message id can be read, and are logged and dropped when it cannot. Buffers are
    // made at boot; nothing allocates.
    public sealed class RpcEndpoint
    {
        public const int MaxMessageIdLength = 36;  // OCPP-J 4.1.4: characters (up to 4 bytes of UTF-8 each)
        public const int MaxMessageIdBytes = 4 * MaxMessageIdLength;
        public const int MaxActionLength = 40;     // longer than any OCPP 1.6 action: such a CALL is NotImplemented
        public const int MaxDepth = 12;            // OCPP 1.6 payloads nest 5 deep at most

        private readonly IMessageChannel _channel;
        private readonly Logger _log;
        private readonly IRpcCallHandler _calls;
        private readonly IRpcResultHandler _results;
        private readonly JsonWriter _callWriter;
        private readonly byte[] _callBuffer;
        private readonly JsonWriter _replyWriter;
        private readonly byte[] _replyBuffer;
        private readonly JsonWriter _resultWriter;
        private readonly byte[] _resultBuffer;
        private readonly JsonWriter _errorWriter;
        private readonly byte[] _errorBuffer;
        private readonly RpcDescription _description = new RpcDescription();
        private readonly byte[] _idPrefix = new byte[9];    // 8 hex digits and '-', random per boot
        private readonly byte[] _pendingId = new byte[MaxMessageIdLength];
        private int _pendingIdLength;
        private readonly byte[] _pendingAction = new byte[MaxActionLength];
        private int _pendingActionLength;
        private readonly byte[] _incomingId = new byte[MaxMessageIdBytes];
        private readonly byte[] _incomingAction = new byte[MaxActionLength];
        private uint _sequence;
        private bool _callPending;
        private long _deadline = long.MaxValue;
        private bool _replyWaiting;       // an answer that the channel had no room for yet
        private int _replyActionLength;
        private readonly byte[] _replyAction = new byte[MaxActionLength];

        public long CallsSent, ResultsReceived, ErrorsReceived, Timeouts, CallsReceived, ErrorsSent, Ignored;

        public RpcEndpoint(IMessageChannel channel, IRandom random, Logger log, int messageBytes, IRpcCallHandler calls, IRpcResultHandler results)
        {
            _channel = channel;
            _log = log;
            _calls = calls;
            _results = results;
            _callBuffer = new byte[messageBytes];
            _callWriter = new JsonWriter();
            _replyBuffer = new byte[messageBytes];
            _replyWriter = new JsonWriter();
            _resultBuffer = new byte[messageBytes];
            _resultWriter = new JsonWriter();
            _errorBuffer = new byte[RpcDescription.Capacity + 6 * MaxMessageIdBytes + 64]; // an id written escaped: 6 bytes per byte at worst
            _errorWriter = new JsonWriter();
            uint prefix = random.NextUInt32();
            for (int i = 0; i < 8; i++)
            {
                int nibble = (int)(prefix >> (28 - 4 * i)) & 0xF;
                _idPrefix[i] = (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
            }
            _idPrefix[8] = (byte)'-';
        }

        public bool IsCallPending => _callPending;
        public ReadOnlySpan<byte> PendingAction => new ReadOnlySpan<byte>(_pendingAction, 0, _pendingActionLength);
        public ReadOnlySpan<byte> PendingMessageId => new ReadOnlySpan<byte>(_pendingId, 0, _pendingIdLength);
        public long Deadline => _callPending ? _deadline : long.MaxValue;
        public bool CanCall => !_callPending && !_replyWaiting && _channel.IsOpen;

        // ---- the charge point's CALLs ------------------------------------------------------------
        // Starts a CALL: returns the writer, ready for the payload (write one whole object), or null
        // when a CALL is still outstanding. EndCall sends it.
        public JsonWriter BeginCall(ReadOnlySpan<byte> action)
        {
            if (!CanCall || action.Length > MaxActionLength) return null;
            _pendingIdLength = NextMessageId(_pendingId);
            action.CopyTo(_pendingAction);
            _pendingActionLength = action.Length;
            _callWriter.Reset(_callBuffer);
            _callWriter.StartArray();
            _callWriter.Number(2);
            _callWriter.String(PendingMessageId);
            _callWriter.String(action);
            return _callWriter;
        }

        // False (nothing pending, nothing sent) when the payload did not fit or the link cannot
        // take the message now; the caller tries again later.
        public bool EndCall(long nowMilliseconds, long timeoutMilliseconds)
        {
            _callWriter.EndArray();
            if (!_callWriter.IsComplete)
            {
                _log.Begin(LogLevel.Error, "ocpp"u8).Append("call "u8).Append(PendingAction)
                    .Append(" does not fit the message buffer ("u8).Append(_callBuffer.Length).Append(" bytes), not sent"u8).End();
                return false;
            }
            if (!_channel.SendText(_callWriter.Written)) return false;
            _callPending = true;
            _deadline = nowMilliseconds + timeoutMilliseconds;
            CallsSent++;
            return true;
        }

        // Messages ids: the boot's random prefix and a counter, so ids never repeat within a boot
        // and are unlikely to meet those of an earlier boot.
        private int NextMessageId(Span<byte> destination)
        {
            new ReadOnlySpan<byte>(_idPrefix).CopyTo(destination);
            Span<byte> digits = stackalloc byte[20];
            int length = DecimalText.Write(++_sequence, digits);
            digits.Slice(0, length).CopyTo(destination.Slice(_idPrefix.Length));
            return _idPrefix.Length + length;
        }

        // The response timeout: the CALL counts as failed.
        public void CheckTimeout(long nowMilliseconds)
        {
            if (!_callPending || nowMilliseconds < _deadline) return;
            _callPending = false;
            Timeouts++;
            _log.Begin(LogLevel.Warning, "ocpp"u8).Append("no answer to "u8).Append(PendingAction).Append(" ("u8)
                .Append(PendingMessageId).Append(") in time"u8).End();
            _results.OnCallFailed(PendingAction, true);
        }

        // The link went down: an outstanding CALL will get no answer; an unsent reply is dropped
        // (the central system's CALL died with the link; it will ask again).
        public void OnDisconnected()
        {
            _replyWaiting = false;
            if (!_callPending) return;
            _callPending = false;
            _results.OnCallFailed(PendingAction, false);
        }

        // A reply the channel had no room for: try again (from the owner's Run).
        public void Flush()
        {
            if (!_replyWaiting || !_channel.SendText(_replyWriter.Written)) return;
            _replyWaiting = false;
            _calls.AfterResult(new ReadOnlySpan<byte>(_replyAction, 0, _replyActionLength));
        }

        // ---- frames from the central system ------------------------------------------------------
        public void OnMessage(ReadOnlySpan<byte> text)
        {
            if (!JsonElement.TryParse(text, MaxDepth, out JsonElement frame, out JsonError error, out int position))
            {
                // Not JSON. If the start still reads as [2,"id" the id is known: answer it.
                if (TryReadLeadingCall(text, out Span<byte> leadingId))
                {
                    _description.Clear();
                    _description.Append("invalid JSON at byte "u8).Append(position).Append(": "u8).Append(JsonErrorText.Of(error));
                    SendError(leadingId, RpcErrorCode.FormationViolation, _description.Text, default);
                    return;
                }
                Ignored++;
                _log.Begin(LogLevel.Error, "ocpp"u8).Append("frame is not JSON (byte "u8).Append(position).Append(": "u8)
                    .Append(JsonErrorText.Of(error)).Append("), ignored"u8).End();
                return;
            }
            if (frame.ValueKind != JsonValueKind.Array || !frame[0].TryGetInt32(out int type))
            {
                Ignored++;
                _log.Error("ocpp"u8, "frame is not an OCPP-J message (an array starting with a message type), ignored"u8);
                return;
            }
            JsonElement idElement = frame[1];
            int idLength = idElement.GetStringLength();
            int idCharacters = idElement.GetStringCodePointCount();
            if (idLength <= 0 || idCharacters > MaxMessageIdLength || idLength > MaxMessageIdBytes)
            {
                Ignored++;
                _log.Begin(LogLevel.Error, "ocpp"u8).Append("frame of type "u8).Append(type).Append(" without a valid message id, ignored"u8).End();
                return;
            }
            Span<byte> id = new Span<byte>(_incomingId, 0, idLength);
            idElement.CopyString(id);
            switch (type)
            {
                case 2: OnCall(frame, id); break;
                case 3: OnResult(frame, id); break;
                case 4: OnError(frame, id); break;
                default:
                    _description.Clear();
                    _description.Append("message type "u8).Append(type).Append(" is not 2, 3 or 4"u8);
                    SendError(id, RpcErrorCode.ProtocolError, _description.Text, default);
                    break;
            }
        }

        private void OnCall(JsonElement frame, ReadOnlySpan<byte> id)
        {
            CallsReceived++;
            JsonElement actionElement = frame[2];
            int actionLength = actionElement.GetStringLength();
            int count = frame.GetArrayLength();
            if (count != 4 || actionLength <= 0)
            {
                SendError(id, RpcErrorCode.ProtocolError, "a CALL is [2, id, action, payload]"u8, default);
                return;
            }
            if (actionLength > MaxActionLength)
            {
                // OCPP-J sets no limit on an action's name; no action this charge point knows is this long.
                SendError(id, RpcErrorCode.NotImplemented, "unknown action (longer than any OCPP 1.6 action)"u8, default);
                return;
            }
            Span<byte> action = new Span<byte>(_incomingAction, 0, actionLength);
            actionElement.CopyString(action);
            JsonElement payload = frame[3];
            if (payload.ValueKind != JsonValueKind.Object)
            {
                SendError(id, RpcErrorCode.FormationViolation, "the payload is not a JSON object"u8, action);
                return;
            }
            if (_replyWaiting)
            {
                // The central system asked again before our last answer went out (the link is
                // stalled): this one cannot be answered now either.
                SendError(id, RpcErrorCode.GenericError, "busy"u8, action);
                return;
            }

            _resultWriter.Reset(_resultBuffer);
            _description.Clear();
            RpcErrorCode code = _calls.HandleCall(action, payload, _resultWriter, _description);
            if (code == RpcErrorCode.None && !_resultWriter.IsComplete)
            {
                code = RpcErrorCode.InternalError;
                _description.Clear();
                _description.Append("the answer does not fit the message buffer"u8);
            }
            if (code != RpcErrorCode.None)
            {
                SendError(id, code, _description.Text, action);
                return;
            }
            _replyWriter.Reset(_replyBuffer);
            _replyWriter.StartArray();
            _replyWriter.Number(3);
            _replyWriter.String(id);
            _replyWriter.RawValue(_resultWriter.Written);
            _replyWriter.EndArray();
            if (!_replyWriter.IsComplete)
            {
                SendError(id, RpcErrorCode.InternalError, "the answer does not fit the message buffer"u8, action);
                return;
            }
            Send(action);
        }

        private void Send(ReadOnlySpan<byte> action)
        {
            if (_channel.SendText(_replyWriter.Written))
            {
                _calls.AfterResult(action);
                return;
            }
            // No room on the link now: the answer waits here (Flush sends it) and nothing else
            // may use the reply buffer until then.
            int length = Math.Min(action.Length, _replyAction.Length);
            action.Slice(0, length).CopyTo(_replyAction);
            _replyActionLength = length;
            _replyWaiting = true;
        }

        private void SendError(ReadOnlySpan<byte> id, RpcErrorCode code, ReadOnlySpan<byte> description, ReadOnlySpan<byte> action)
        {
            ErrorsSent++;
            _log.Begin(LogLevel.Warning, "ocpp"u8).Append("answering "u8).Append(action.IsEmpty ? "a frame"u8 : action)
                .Append(" ("u8).Append(id).Append(") with "u8).Append(RpcErrorCodeText.Of(code)).Append(": "u8).Append(description).End();
            _errorWriter.Reset(_errorBuffer);
            _errorWriter.StartArray();
            _errorWriter.Number(4);
            _errorWriter.String(id);
            _errorWriter.String(RpcErrorCodeText.Of(code));
            _errorWriter.String(description);
            _errorWriter.StartObject();
            _errorWriter.EndObject();
            _errorWriter.EndArray();
            if (!_errorWriter.IsComplete || _channel.SendText(_errorWriter.Written)) return;
            if (_replyWaiting)
            {
                // The link is stalled with an earlier answer still waiting: this one is lost (the
                // central system's CALL times out), and said so.
                _log.Begin(LogLevel.Error, "ocpp"u8).Append("no room to answer "u8).Append(id).Append(": dropped"u8).End();
                return;
            }
            _replyWriter.Reset(_replyBuffer);
            _replyWriter.RawValue(_errorWriter.Written);
            _replyActionLength = 0; // an error triggers nothing afterwards
            _replyWaiting = true;
        }

        private bool IsPendingId(ReadOnlySpan<byte> id) => _callPending && id.SequenceEqual(PendingMessageId);

        private void OnResult(JsonElement frame, ReadOnlySpan<byte> id)
        {
            if (!IsPendingId(id))
            {
                Ignored++;
                _log.Begin(LogLevel.Warning, "ocpp"u8).Append("CALLRESULT for unknown message id "u8).Append(id).Append(", ignored"u8).End();
                return;
            }
            _callPending = false;
            JsonElement payload = frame[2];
            if (frame.GetArrayLength() != 3 || payload.ValueKind != JsonValueKind.Object)
            {
                ErrorsReceived++;
                // A malformed answer counts as a failed attempt (the transaction layer retries).
                _log.Begin(LogLevel.Error, "ocpp"u8).Append("CALLRESULT for "u8).Append(PendingAction)
                    .Append(" is not [3, id, {payload}]"u8).End();
                _results.OnCallError(PendingAction, RpcErrorCode.FormationViolation, "malformed CALLRESULT"u8);
                return;
            }
            ResultsReceived++;
            _results.OnCallResult(PendingAction, payload);
        }

        private void OnError(JsonElement frame, ReadOnlySpan<byte> id)
        {
            if (!IsPendingId(id))
            {
                Ignored++;
                _log.Begin(LogLevel.Warning, "ocpp"u8).Append("CALLERROR for unknown message id "u8).Append(id).Append(", ignored"u8).End();
                return;
            }
            _callPending = false;
            ErrorsReceived++;
            Span<byte> code = stackalloc byte[RpcErrorCodeText.MaxLength];
            int codeLength = frame[2].CopyString(code);
            RpcErrorCode parsed = codeLength > 0 ? RpcErrorCodeText.Parse(code.Slice(0, codeLength)) : RpcErrorCode.GenericError;
            Span<byte> description = stackalloc byte[RpcDescription.Capacity];
            int descriptionLength = frame[3].CopyString(description);
            ReadOnlySpan<byte> text = descriptionLength > 0 ? description.Slice(0, descriptionLength) : default;
            _log.Begin(LogLevel.Warning, "ocpp"u8).Append(PendingAction).Append(" answered with CALLERROR "u8)
                .Append(RpcErrorCodeText.Of(parsed)).Append(": "u8).Append(text).End();
            _results.OnCallError(PendingAction, parsed, text);
        }

        // For a frame that is not valid JSON: does it begin `[2,"id"` (whitespace allowed)? The id,
        // unescaped, goes to the incoming id buffer.
        private bool TryReadLeadingCall(ReadOnlySpan<byte> text, out Span<byte> id)
        {
            id = default;
            var reader = new JsonReader(text, MaxDepth);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) return false;
            if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int type) || type != 2) return false;
            if (!reader.Read() || reader.TokenType != JsonTokenType.String) return false;
            int characters = reader.GetStringCodePointCount();
            if (characters <= 0 || characters > MaxMessageIdLength) return false;
            int length = reader.CopyString(_incomingId);
            if (length <= 0) return false;
            id = new Span<byte>(_incomingId, 0, length);
            return true;
        }
    }
}
