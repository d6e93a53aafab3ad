using System;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Ocpp.Configuration;

namespace ChargePoint.Core.Ocpp
{
    // The cable between the EV and a connector, and the keys about it and about statuses:
    // ConnectionTimeOut (9.1.6: Preparing without a transaction for that long: back to
    // Available), StopTransactionOnEVSideDisconnect (9.1.23: unplugging on the EV side stops the
    // transaction with reason EVDisconnected, or, when false, suspends it: SuspendedEV until the
    // cable is back), MinimumStatusDuration (9.1.20: a status is reported only once it has held
    // that long; one that changes back in the meantime is not reported at all).
    public sealed partial class OcppChargePoint
    {
        private readonly long[] _preparingSince = new long[ConnectorCount + 1]; // uptime ms, -1: not Preparing
        private readonly long[] _statusChangedAt = new long[ConnectorCount + 1]; // uptime ms of the last change

        // The EV's cable went into the connector: Preparing without a transaction (the
        // ConnectionTimeOut runs from now); a transaction suspended by an unplug resumes.
        public bool PlugIn(int connector)
        {
            if (connector < 1 || connector > ConnectorCount) return false;
            Connector c = _connectors[connector];
            if (c.HasTransaction)
            {
                if (!c.EvSuspended) return true;
                return SetEvSuspended(connector, false);
            }
            c.RequestedStatus = ChargePointStatus.Preparing;
            Refresh(c);
            return true;
        }

        // The cable came out on the EV's side.
        public bool Unplug(int connector)
        {
            if (connector < 1 || connector > ConnectorCount) return false;
            Connector c = _connectors[connector];
            if (c.HasTransaction)
            {
                if (!_config.GetBool(ConfigurationKey.StopTransactionOnEVSideDisconnect))
                {
                    _log.Begin(LogLevel.Info, "ocpp"u8).Append("connector "u8).Append(connector)
                        .Append(": EV unplugged, transaction suspended (StopTransactionOnEVSideDisconnect false)"u8).End();
                    return SetEvSuspended(connector, true);
                }
                StopTransaction(connector, StopReason.EVDisconnected);
            }
            c.RequestedStatus = ChargePointStatus.Available;
            Refresh(c);
            return true;
        }

        // From Run: a connector that has been Preparing without a transaction for ConnectionTimeOut
        // seconds gives up the incipient transaction (its authorization too) and is Available.
        private void CheckConnectionTimeouts(long now)
        {
            long timeout = _config.GetInt(ConfigurationKey.ConnectionTimeOut) * 1000L;
            for (int id = 1; id <= ConnectorCount; id++)
            {
                Connector c = _connectors[id];
                if (c.HasTransaction || c.Status != ChargePointStatus.Preparing)
                {
                    _preparingSince[id] = -1;
                    continue;
                }
                if (_preparingSince[id] < 0) _preparingSince[id] = now;
                if (timeout <= 0 || now - _preparingSince[id] < timeout) continue;
                _preparingSince[id] = -1;
                _authorizeOutcome[id] = AuthorizeOutcome.None;
                _authorizeSource[id] = AuthorizationSource.None;
                c.RequestedStatus = ChargePointStatus.Available;
                Refresh(c);
                _log.Begin(LogLevel.Info, "ocpp"u8).Append("connector "u8).Append(id).Append(": no transaction within ConnectionTimeOut ("u8)
                    .Append(timeout / 1000).Append(" s), Available again"u8).End();
            }
        }

        private long NextConnectionTimeout()
        {
            long timeout = _config.GetInt(ConfigurationKey.ConnectionTimeOut) * 1000L;
            long wake = long.MaxValue;
            if (timeout <= 0) return wake;
            for (int id = 1; id <= ConnectorCount; id++)
                if (_preparingSince[id] >= 0) wake = Math.Min(wake, _preparingSince[id] + timeout);
            return wake;
        }

        // MinimumStatusDuration: when the connector's current status may be reported (uptime ms).
        private long StatusStableAt(int id) => _statusChangedAt[id] + _config.GetInt(ConfigurationKey.MinimumStatusDuration) * 1000L;
    }
}
