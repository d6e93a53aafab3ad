using System;
using ChargePoint.Core.Json;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Ocpp.Rpc;

namespace ChargePoint.Core.Ocpp
{
    // DataTransfer both ways (OCPP 1.6 3.12, 4.3, 5.6): the central system's DataTransfer.req goes
    // to the IDataTransferHandler registered for its vendorId (UnknownVendorId without one, and then
    // no data: 4.3); the charge point's own goes out through RequestDataTransfer, its answer read
    // back like Authorize's (DataTransferResult). Buffers made at boot.
    public sealed partial class OcppChargePoint
    {
        public const int DataTransferHandlerCapacity = 4;
        public const int DataTransferBytes = 1024;        // data either way (4.3: "undefined" length; this one's limit)
        private const int VendorIdBytes = 255;            // CiString255Type, ASCII (reversed DNS: 4.3)
        private const int MessageIdBytes = 50;            // CiString50Type, ASCII

        private readonly IDataTransferHandler[] _dataTransferHandlers = new IDataTransferHandler[DataTransferHandlerCapacity];
        private int _dataTransferHandlerCount;
        private readonly byte[] _dataIn = new byte[DataTransferBytes];
        private readonly byte[] _dataOut = new byte[DataTransferBytes];

        // The charge point's own DataTransfer.req: what to send, and the answer.
        private readonly byte[] _transferVendor = new byte[VendorIdBytes];
        private readonly byte[] _transferMessage = new byte[MessageIdBytes];
        private readonly byte[] _transferData = new byte[DataTransferBytes];
        private readonly byte[] _transferReply = new byte[DataTransferBytes];
        private int _transferVendorLength, _transferMessageLength, _transferDataLength, _transferReplyLength;
        private bool _dataTransferPending, _dataTransferInFlight;
        private AuthorizeOutcome _dataTransferOutcome;
        private DataTransferStatus _dataTransferStatus;

        // Boot only. False when the table is full.
        public bool AddDataTransferHandler(IDataTransferHandler handler)
        {
            if (handler == null || _dataTransferHandlerCount == _dataTransferHandlers.Length) return false;
            _dataTransferHandlers[_dataTransferHandlerCount++] = handler;
            return true;
        }

        // Sends DataTransfer.req (OCPP 1.6 4.3): `messageId` and `data` may be empty (then left
        // out). False while another one is under way or a part is too long (vendorId 255 bytes,
        // messageId 50, data DataTransferBytes). Offline it fails at once: DataTransfer is not a
        // transaction message, so it is not queued (3.7).
        public bool RequestDataTransfer(ReadOnlySpan<byte> vendorId, ReadOnlySpan<byte> messageId, ReadOnlySpan<byte> data)
        {
            if (_dataTransferPending || _dataTransferInFlight || vendorId.IsEmpty || vendorId.Length > VendorIdBytes
                || messageId.Length > MessageIdBytes || data.Length > DataTransferBytes)
                return false;
            vendorId.CopyTo(_transferVendor);
            _transferVendorLength = vendorId.Length;
            messageId.CopyTo(_transferMessage);
            _transferMessageLength = messageId.Length;
            data.CopyTo(_transferData);
            _transferDataLength = data.Length;
            _transferReplyLength = 0;
            _dataTransferOutcome = AuthorizeOutcome.Pending;
            if (IsOffline)
            {
                _dataTransferOutcome = AuthorizeOutcome.Failed;
                return true;
            }
            _dataTransferPending = true;
            Wake();
            return true;
        }

        // Answered: `status` and `data` (empty when the answer had none) are the central system's.
        public AuthorizeOutcome DataTransferResult(out DataTransferStatus status, out ReadOnlySpan<byte> data)
        {
            status = _dataTransferStatus;
            data = new ReadOnlySpan<byte>(_transferReply, 0, _transferReplyLength);
            return _dataTransferOutcome;
        }

        private void SendDataTransfer(long now)
        {
            JsonWriter w = _rpc.BeginCall("DataTransfer"u8);
            if (w == null) return;
            w.StartObject();
            w.String("vendorId"u8, new ReadOnlySpan<byte>(_transferVendor, 0, _transferVendorLength));
            if (_transferMessageLength > 0) w.String("messageId"u8, new ReadOnlySpan<byte>(_transferMessage, 0, _transferMessageLength));
            if (_transferDataLength > 0) w.String("data"u8, new ReadOnlySpan<byte>(_transferData, 0, _transferDataLength));
            w.EndObject();
            if (Finish(now))
            {
                _dataTransferPending = false;
                _dataTransferInFlight = true;
            }
        }

        // OCPP 1.6 6.18 DataTransfer.conf: status required, data optional (a string).
        private void OnDataTransferConf(JsonElement conf)
        {
            if (!_dataTransferInFlight) return;
            _dataTransferInFlight = false;
            int status = conf.GetProperty("status"u8).GetEnumIndex("Accepted|Rejected|UnknownMessageId|UnknownVendorId"u8);
            bool hasData = conf.TryGetProperty("data"u8, out JsonElement data);
            if (!conf.CheckProperties("status"u8, "data"u8).IsValid || status < 0 || (hasData && data.ValueKind != JsonValueKind.String))
            {
                _log.Error("ocpp"u8, "DataTransfer.conf does not match its schema"u8);
                _dataTransferOutcome = AuthorizeOutcome.Failed;
                return;
            }
            _transferReplyLength = 0;
            if (hasData)
            {
                int length = data.CopyString(_transferReply);
                if (length >= 0) _transferReplyLength = length;
                else _log.Begin(LogLevel.Warning, "ocpp"u8).Append("DataTransfer.conf data is longer than "u8).Append(DataTransferBytes)
                    .Append(" bytes: left out"u8).End();
            }
            _dataTransferStatus = (DataTransferStatus)status;
            _dataTransferOutcome = AuthorizeOutcome.Answered;
        }

        // A CALLERROR or no answer in time (a lost one, too: a DataTransfer is not sent twice,
        // since its effect at the central system is unknown).
        private void DataTransferFailed()
        {
            if (!_dataTransferInFlight) return;
            _dataTransferInFlight = false;
            _dataTransferOutcome = AuthorizeOutcome.Failed;
        }

        // Offline, one not yet sent cannot be: it fails.
        private void DataTransferLinkLost()
        {
            if (!_dataTransferPending) return;
            _dataTransferPending = false;
            _dataTransferOutcome = AuthorizeOutcome.Failed;
        }

        // OCPP 1.6 5.6 / 6.17 DataTransfer.req from the central system.
        private RpcErrorCode DataTransfer(JsonElement payload, JsonWriter result, RpcDescription description)
        {
            RpcErrorCode code = PropertyProblem(payload.CheckProperties("vendorId"u8, "messageId|data"u8), description);
            if (code == RpcErrorCode.None) code = StringProperty(payload.GetProperty("vendorId"u8), "vendorId"u8, 255, description);
            bool hasMessage = payload.TryGetProperty("messageId"u8, out JsonElement messageElement);
            if (code == RpcErrorCode.None && hasMessage) code = StringProperty(messageElement, "messageId"u8, 50, description);
            bool hasData = payload.TryGetProperty("data"u8, out JsonElement dataElement);
            if (code == RpcErrorCode.None && hasData && dataElement.ValueKind != JsonValueKind.String)
            {
                description.Append("data must be a string"u8);
                code = RpcErrorCode.TypeConstraintViolation;
            }
            if (code != RpcErrorCode.None) return code;

            IDataTransferHandler handler = FindDataTransferHandler(payload.GetProperty("vendorId"u8));
            DataTransferStatus status = DataTransferStatus.UnknownVendorId;
            int replyLength = 0;
            if (handler != null)
            {
                int messageLength = hasMessage ? messageElement.CopyString(_keyName) : 0;
                int dataLength = hasData ? dataElement.CopyString(_dataIn) : 0;
                if (messageLength < 0 || dataLength < 0)
                {
                    // Longer than this charge point can take: refused, as a vendor's own limit.
                    _log.Begin(LogLevel.Warning, "ocpp"u8).Append("DataTransfer.req data longer than "u8).Append(DataTransferBytes)
                        .Append(" bytes: Rejected"u8).End();
                    status = DataTransferStatus.Rejected;
                }
                else
                {
                    status = handler.Handle(new ReadOnlySpan<byte>(_keyName, 0, messageLength), new ReadOnlySpan<byte>(_dataIn, 0, dataLength),
                        _dataOut, out replyLength);
                    if (replyLength < 0 || replyLength > _dataOut.Length) replyLength = 0;
                }
            }
            result.StartObject();
            result.String("status"u8, DataTransferStatusText(status));
            // OCPP 1.6 4.3: with UnknownVendorId "the data element SHALL not be present".
            if (status != DataTransferStatus.UnknownVendorId && replyLength > 0)
                result.String("data"u8, new ReadOnlySpan<byte>(_dataOut, 0, replyLength));
            result.EndObject();
            return RpcErrorCode.None;
        }

        // vendorId is a CiString255Type: matched without regard to ASCII case.
        private IDataTransferHandler FindDataTransferHandler(JsonElement vendorId)
        {
            if (_dataTransferHandlerCount == 0) return null;
            int length = vendorId.CopyString(_keyValue);
            if (length <= 0) return null;
            ReadOnlySpan<byte> wanted = new ReadOnlySpan<byte>(_keyValue, 0, length);
            for (int i = 0; i < _dataTransferHandlerCount; i++)
            {
                ReadOnlySpan<byte> known = _dataTransferHandlers[i].VendorId;
                if (known.Length != wanted.Length) continue;
                bool same = true;
                for (int j = 0; j < known.Length && same; j++)
                {
                    int x = known[j] >= 'A' && known[j] <= 'Z' ? known[j] | 0x20 : known[j];
                    int y = wanted[j] >= 'A' && wanted[j] <= 'Z' ? wanted[j] | 0x20 : wanted[j];
                    same = x == y;
                }
                if (same) return _dataTransferHandlers[i];
            }
            return null;
        }

        private static ReadOnlySpan<byte> DataTransferStatusText(DataTransferStatus status)
        {
            switch (status)
            {
                case DataTransferStatus.Accepted: return "Accepted"u8;
                case DataTransferStatus.Rejected: return "Rejected"u8;
                case DataTransferStatus.UnknownMessageId: return "UnknownMessageId"u8;
                default: return "UnknownVendorId"u8;
            }
        }
    }
}
