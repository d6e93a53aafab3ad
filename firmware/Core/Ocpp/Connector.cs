using System;
using ChargePoint.Core.Meter;

namespace ChargePoint.Core.Ocpp
{
    // One connector (OCPP 1.6 3.6 "Connector"): its status as the central system knows it, its
    // meter, and the transaction running on it. Connector 0 is the charge point as a whole.
    //
    // The status it reports (Status, ErrorCode) follows from what it is doing: Faulted while a
    // fault is reported, else Unavailable while Inoperative (ChangeAvailability), else during a
    // transaction SuspendedEVSE / SuspendedEV / Charging (Preparing until the central system
    // answered StartTransaction), else what the user side last did (RequestedStatus: Available,
    // Finishing, ...). OcppChargePoint sets the parts and applies the result with SetStatus.
    public sealed class Connector
    {
        private readonly byte[] _idTag = new byte[TransactionQueue.IdTagBytes];
        private int _idTagLength;

        public Connector(int id, IMeter meter)
        {
            Id = id;
            Meter = meter;
            Status = ChargePointStatus.Available;
            RequestedStatus = ChargePointStatus.Available;
            Operative = true;
            StatusToReport = true; // every connector's status goes out after BootNotification
        }

        public int Id { get; }
        public IMeter Meter { get; }
        public ChargePointStatus Status { get; private set; }
        public ChargePointErrorCode ErrorCode { get; private set; }
        public bool StatusToReport { get; set; }
        public long StatusChangedSeconds { get; private set; }
        public int StatusChangedMilliseconds { get; private set; }

        // What the central system was last told (a StatusNotification sent, not failed): a status
        // that changed while offline and came back to it needs no report (OCPP 1.6 4.9 rule 3).
        public bool HasReported { get; set; }
        public ChargePointStatus ReportedStatus { get; set; }
        public ChargePointErrorCode ReportedErrorCode { get; set; }

        // The parts the status follows from (see the class comment).
        public ChargePointStatus RequestedStatus { get; set; }
        public bool Operative { get; set; }                 // OCPP 1.6 5.2 ChangeAvailability
        public bool HasScheduledAvailability { get; set; }  // 'Scheduled': applied when the transaction ends
        public bool ScheduledOperative { get; set; }
        public bool EvSuspended { get; set; }               // the EV does not take energy (4.9 C4)
        public bool EvseSuspended { get; set; }             // the charge point does not offer it (4.9 C5)
        public bool ChargingStarted { get; set; }           // StartTransaction.conf arrived for the running transaction
        public ChargePointErrorCode Fault { get; set; }     // NoError: no fault (else Faulted with this errorCode)

        public bool HasTransaction => LocalTransactionId != 0;
        public int LocalTransactionId { get; private set; }
        public long MeterStartWh { get; private set; }
        public ReadOnlySpan<byte> IdTag => new ReadOnlySpan<byte>(_idTag, 0, _idTagLength);

        // The status its parts give now.
        public ChargePointStatus DerivedStatus
        {
            get
            {
                if (Fault != ChargePointErrorCode.NoError) return ChargePointStatus.Faulted;
                if (!Operative) return ChargePointStatus.Unavailable;
                if (!HasTransaction) return RequestedStatus;
                // OCPP 1.6 4.9: "If charging is suspended both by the EV and the EVSE, status
                // SuspendedEVSE SHALL have precedence over status SuspendedEV."
                if (EvseSuspended) return ChargePointStatus.SuspendedEVSE;
                if (EvSuspended) return ChargePointStatus.SuspendedEV;
                return ChargingStarted ? ChargePointStatus.Charging : ChargePointStatus.Preparing;
            }
        }

        // True when the status changed (a StatusNotification is then due).
        public bool SetStatus(ChargePointStatus status, long utcSeconds, int milliseconds) =>
            SetStatus(status, ErrorCode, utcSeconds, milliseconds);

        public bool SetStatus(ChargePointStatus status, ChargePointErrorCode errorCode, long utcSeconds, int milliseconds)
        {
            if (status == Status && errorCode == ErrorCode) return false;
            Status = status;
            ErrorCode = errorCode;
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
            ChargingStarted = false;
            EvSuspended = EvseSuspended = false;
        }

        public void EndTransaction()
        {
            LocalTransactionId = 0;
            _idTagLength = 0;
            ChargingStarted = false;
            EvSuspended = EvseSuspended = false;
        }
    }
}
