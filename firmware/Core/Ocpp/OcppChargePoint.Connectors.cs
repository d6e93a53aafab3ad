using System;

namespace ChargePoint.Core.Ocpp
{
    // What the connectors can be besides charging: Unavailable (ChangeAvailability, OCPP 1.6 5.2),
    // Faulted (a fault the hardware or the simulation reports, 4.9), SuspendedEV / SuspendedEVSE
    // (4.9 C4, C5). Each change goes out as a StatusNotification (Refresh).
    public sealed partial class OcppChargePoint
    {
        // A fault on `connector` (0: the charge point itself) that prevents charging: the status
        // is Faulted with `errorCode` (OCPP 1.6 4.9 A9 ... I8) and energy stops flowing; a running
        // transaction is not stopped by it (that is the simulation's or the operator's call).
        // NoError clears the fault: the status returns to what it would be without it (4.9 I1-I8).
        public bool ReportFault(int connector, ChargePointErrorCode errorCode)
        {
            if (connector < 0 || connector > ConnectorCount) return false;
            Connector c = _connectors[connector];
            c.Fault = errorCode;
            UpdateEnergyFlow(c);
            Refresh(c);
            return true;
        }

        public bool ClearFault(int connector) => ReportFault(connector, ChargePointErrorCode.NoError);

        // The EV stops taking energy, or takes it again (OCPP 1.6 4.9 C4 / D3): SuspendedEV during
        // the transaction. False without a transaction.
        public bool SetEvSuspended(int connector, bool suspended)
        {
            if (connector < 1 || connector > ConnectorCount || !_connectors[connector].HasTransaction) return false;
            Connector c = _connectors[connector];
            c.EvSuspended = suspended;
            UpdateEnergyFlow(c);
            Refresh(c);
            return true;
        }

        // The charge point stops offering energy, or offers it again (OCPP 1.6 4.9 C5 / E3):
        // SuspendedEVSE, which wins over SuspendedEV. False without a transaction.
        public bool SetEvseSuspended(int connector, bool suspended)
        {
            if (connector < 1 || connector > ConnectorCount || !_connectors[connector].HasTransaction) return false;
            Connector c = _connectors[connector];
            c.EvseSuspended = suspended;
            UpdateEnergyFlow(c);
            Refresh(c);
            return true;
        }

        // The contactor: closed while a transaction runs that nothing suspends and no fault stops.
        private static void UpdateEnergyFlow(Connector c)
        {
            if (c.Meter == null) return;
            if (c.HasTransaction && c.Fault == ChargePointErrorCode.NoError && !c.EvSuspended && !c.EvseSuspended) c.Meter.Connect();
            else c.Meter.Disconnect();
        }

        // OCPP 1.6 5.2 for one connector (> 0): true when the change is Scheduled (a transaction
        // runs: Inoperative waits for its end), false when it took effect now or nothing had to
        // change ("a status it is already in": Accepted, and a change scheduled earlier is dropped).
        private bool RequestAvailability(int id, bool operative)
        {
            Connector c = _connectors[id];
            if (c.Operative == operative)
            {
                c.HasScheduledAvailability = false;
                return false;
            }
            if (!operative && c.HasTransaction)
            {
                c.HasScheduledAvailability = true;
                c.ScheduledOperative = false;
                return true;
            }
            SetAvailability(c, operative);
            return false;
        }

        private void SetAvailability(Connector c, bool operative)
        {
            c.Operative = operative;
            c.HasScheduledAvailability = false;
            Refresh(c);
        }

        // ChangeAvailability for connector 0 applies to the charge point and all connectors (5.2);
        // the charge point's own part waits until no connector has a change scheduled.
        private void ApplyScheduledChargePointAvailability()
        {
            Connector charger = _connectors[0];
            if (!charger.HasScheduledAvailability) return;
            for (int id = 1; id <= ConnectorCount; id++)
                if (_connectors[id].HasScheduledAvailability) return;
            SetAvailability(charger, charger.ScheduledOperative);
        }
    }
}
