using System;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Shell;

namespace ChargePoint.Core.Ocpp
{
    // ocpp: the connection, the registration, each connector's status and transaction, the queue
    // and the message counts.
    public sealed class OcppCommand : IShellCommand
    {
        private readonly OcppLifecycle _lifecycle;
        private readonly OcppChargePoint _chargePoint;

        public OcppCommand(OcppLifecycle lifecycle, OcppChargePoint chargePoint)
        {
            _lifecycle = lifecycle;
            _chargePoint = chargePoint;
        }

        public ReadOnlySpan<byte> Name => "ocpp"u8;
        public ReadOnlySpan<byte> Help => "connection, registration, connectors, transactions, message counts"u8;

        public void Run(ReadOnlySpan<byte> arguments, Logger reply)
        {
            reply.BeginText().Append("connection "u8).Append(PhaseText(_lifecycle.State)).Append(", "u8)
                .Append(_lifecycle.Connections).Append(" opened, "u8).Append(_lifecycle.Disconnections).Append(" closed, "u8)
                .Append(_lifecycle.DeadLinks).Append(" found dead; path "u8)
                .Append(_lifecycle.Path).End();
            reply.BeginText().Append("registration "u8).Append(RegistrationText(_chargePoint.Registration)).Append(", heartbeat "u8)
                .Append(_chargePoint.HeartbeatIntervalSeconds).Append(" s"u8).End();
            for (int id = 0; id <= OcppChargePoint.ConnectorCount; id++)
            {
                Connector c = _chargePoint.ConnectorAt(id);
                LogLine line = reply.BeginText().Append("connector "u8).Append(id).Append(": "u8).Append(ChargePointStatusText.Of(c.Status));
                if (id > 0) line = line.Append(", meter "u8).Append(c.Meter.EnergyWh).Append(" Wh"u8);
                if (c.HasTransaction)
                {
                    line = line.Append(", transaction "u8).Append(c.LocalTransactionId);
                    if (_chargePoint.Queue.TryGetCentralId(c.LocalTransactionId, out int central)) line = line.Append(" (central "u8).Append(central).Append(")"u8);
                    line = line.Append(" for "u8).Append(c.IdTag);
                }
                line.End();
            }
            reply.BeginText().Append("transaction queue "u8).Append(_chargePoint.Queue.Count).Append(" of "u8).Append(_chargePoint.Queue.Capacity)
                .Append(", meter values thinned "u8).Append(_chargePoint.Queue.MeterValuesDropped).Append(", dropped "u8)
                .Append(_chargePoint.TransactionMessagesDropped).End();
            var rpc = _lifecycle.Rpc;
            reply.BeginText().Append("calls sent "u8).Append(rpc.CallsSent).Append(", results "u8).Append(rpc.ResultsReceived)
                .Append(", errors "u8).Append(rpc.ErrorsReceived).Append(", timeouts "u8).Append(rpc.Timeouts)
                .Append("; calls received "u8).Append(rpc.CallsReceived).Append(", errors sent "u8).Append(rpc.ErrorsSent)
                .Append(", ignored "u8).Append(rpc.Ignored).End();
        }

        private static ReadOnlySpan<byte> PhaseText(OcppLifecycle.Phase phase)
        {
            switch (phase)
            {
                case OcppLifecycle.Phase.WaitingForNetwork: return "waiting for the network"u8;
                case OcppLifecycle.Phase.Connecting: return "connecting"u8;
                case OcppLifecycle.Phase.Connected: return "open"u8;
                default: return "closed, reconnecting"u8;
            }
        }

        private static ReadOnlySpan<byte> RegistrationText(RegistrationStatus status)
        {
            switch (status)
            {
                case RegistrationStatus.Accepted: return "Accepted"u8;
                case RegistrationStatus.Pending: return "Pending"u8;
                case RegistrationStatus.Rejected: return "Rejected"u8;
                default: return "not booted"u8;
            }
        }
    }
}
