using System;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Shell;

namespace ChargePoint.Core.Ocpp
{
    // ocpp: the connection, the registration, each connector's status and transaction, the queue
    // and the message counts. `ocpp plug N` / `ocpp unplug N` move the simulated EV cable of
    // connector N; `ocpp fault N` / `ocpp clear N` raise and clear a fault (OtherError) on it
    // (0: the charge point), to see Preparing, SuspendedEV, Faulted and what the keys about them do.
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
        public ReadOnlySpan<byte> Help => "connection, registration, connectors, queue, counts; ocpp plug|unplug|fault|clear N"u8;

        public void Run(ReadOnlySpan<byte> arguments, Logger reply)
        {
            if (!arguments.IsEmpty)
            {
                Act(arguments, reply);
                return;
            }
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

        private void Act(ReadOnlySpan<byte> arguments, Logger reply)
        {
            int space = arguments.Length - 1;
            while (space >= 0 && arguments[space] != (byte)' ') space--;
            ReadOnlySpan<byte> verb = space < 0 ? arguments : Shell.Shell.Trim(arguments.Slice(0, space));
            ReadOnlySpan<byte> number = space < 0 ? default : Shell.Shell.Trim(arguments.Slice(space + 1));
            int connector = number.Length == 1 && number[0] >= (byte)'0' && number[0] <= (byte)'9' ? number[0] - '0' : -1;
            bool done;
            if (verb.SequenceEqual("plug"u8)) done = _chargePoint.PlugIn(connector);
            else if (verb.SequenceEqual("unplug"u8)) done = _chargePoint.Unplug(connector);
            else if (verb.SequenceEqual("fault"u8)) done = _chargePoint.ReportFault(connector, ChargePointErrorCode.OtherError);
            else if (verb.SequenceEqual("clear"u8)) done = _chargePoint.ClearFault(connector);
            else
            {
                reply.BeginText().Append("usage: ocpp [plug|unplug|fault|clear <connector>]"u8).End();
                return;
            }
            if (!done)
            {
                reply.BeginText().Append("ocpp "u8).Append(verb).Append(": no connector "u8).Append(number).End();
                return;
            }
            Connector c = _chargePoint.ConnectorAt(connector);
            reply.BeginText().Append("connector "u8).Append(connector).Append(": "u8).Append(ChargePointStatusText.Of(c.Status)).End();
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
