using System;
using ChargePoint.Core.Meter;

namespace ChargePoint.Core.Ocpp
{
    // One connector (OCPP 1.6 3.6 "Connector"): its status as the central system knows it, its
    // meter, and the transaction running on it. Connector 0 is the charge point as a whole.
    public sealed class Connector
    {
        private readonly byte[] _idTag = new byte[TransactionQueue.IdTagBytes];
        private int _idTagLength;

        public Connector(int id, IMeter meter)
        {
            Id = id;
            Meter = meter;
            Status = ChargePointStatus.Available;
            StatusToReport = true; // every connector's status goes out after BootNotification
        }

        public int Id { get; }
        public IMeter Meter { get; }
        public ChargePointStatus Status { get; private set; }
        public bool StatusToReport { get; set; }
        public long StatusChangedSeconds { get; private set; }
        public int StatusChangedMilliseconds { get; private set; }

        public bool HasTransaction => LocalTransactionId != 0;
        public int LocalTransactionId { get; private set; }
        public long MeterStartWh { get; private set; }
        public ReadOnlySpan<byte> IdTag => new ReadOnlySpan<byte>(_idTag, 0, _idTagLength);

        // True when the status changed (a StatusNotification is then due).
        public bool SetStatus(ChargePointStatus status, long utcSeconds, int milliseconds)
        {
            if (status == Status) return false;
            Status = status;
            StatusToReport = true;
            StatusChangedSeconds = utcSeconds;
            StatusChangedMilliseconds = milliseconds;
            return true;
        }

        public void SetIdTag(ReadOnlySpan<byte> idTag)
        {
            _idTagLength = Math.Min(idTag.Length, _idTag.Length);
            idTag.Slice(0, _idTagLength).CopyTo(_idTag);
        }

        public void BeginTransaction(int localTransactionId, long meterStartWh)
        {
            LocalTransactionId = localTransactionId;
            MeterStartWh = meterStartWh;
        }

        public void EndTransaction()
        {
            LocalTransactionId = 0;
            _idTagLength = 0;
        }
    }
}
