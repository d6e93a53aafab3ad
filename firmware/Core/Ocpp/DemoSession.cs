using System;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Scheduling;

namespace ChargePoint.Core.Ocpp
{
    // The Zephyr sample's demo: once the central system accepted the charge point, authorize
    // ZepId00 on connector 1 and ZepId01 on connector 2, start both transactions, and stop them
    // about 50 s later (connector 2 a second after connector 1), with the seed's console lines.
    // Runs once per boot; its timings are settings so tests can shorten them.
    public sealed class DemoSession : ITask
    {
        public sealed class Timings
        {
            public long AuthorizeAfterBootMilliseconds = 10000;
            public long StopAfterStartMilliseconds = 50000;
            public long StaggerMilliseconds = 1000;    // connector 2 stops this much after connector 1
            public long UnplugAfterStopMilliseconds = 1000; // Finishing -> Available
        }

        private enum Step { WaitingForBoot, WaitingToAuthorize, Authorizing, Charging, Stopped, Done }

        private readonly OcppChargePoint _chargePoint;
        private readonly Logger _log;
        private readonly Scheduler _scheduler;
        private readonly Timings _timings;
        private readonly Step[] _step = new Step[OcppChargePoint.ConnectorCount + 1];
        private readonly long[] _due = new long[OcppChargePoint.ConnectorCount + 1];
        private int _id = -1;

        public DemoSession(OcppChargePoint chargePoint, Scheduler scheduler, Logger log, Timings timings)
        {
            _chargePoint = chargePoint;
            _scheduler = scheduler;
            _log = log;
            _timings = timings;
        }

        public ReadOnlySpan<byte> Name => "demo"u8;
        public bool IsDone => _step[1] == Step.Done && _step[2] == Step.Done;

        public void Start(int id)
        {
            _id = id;
            _scheduler.Every(id, 100, 100); // the demo's steps are seconds apart: a 100 ms look is plenty
        }

        private static ReadOnlySpan<byte> IdTag(int connector) => connector == 1 ? "ZepId00"u8 : "ZepId01"u8;

        public void Run(long now)
        {
            for (int c = 1; c <= OcppChargePoint.ConnectorCount; c++) Advance(c, now);
            if (IsDone) _scheduler.Cancel(_id);
        }

        private void Advance(int connector, long now)
        {
            switch (_step[connector])
            {
                case Step.WaitingForBoot:
                    if (_chargePoint.Registration != RegistrationStatus.Accepted) return;
                    _step[connector] = Step.WaitingToAuthorize;
                    _due[connector] = now + _timings.AuthorizeAfterBootMilliseconds;
                    return;
                case Step.WaitingToAuthorize:
                    if (now < _due[connector]) return;
                    if (_chargePoint.RequestAuthorize(connector, IdTag(connector))) _step[connector] = Step.Authorizing;
                    return;
                case Step.Authorizing:
                    AuthorizeOutcome outcome = _chargePoint.AuthorizeResult(connector, out AuthorizationStatus status);
                    if (outcome == AuthorizeOutcome.Pending) return;
                    if (outcome == AuthorizeOutcome.Answered && status == AuthorizationStatus.Accepted)
                    {
                        _chargePoint.StartTransaction(connector);
                        _step[connector] = Step.Charging;
                        _due[connector] = now + _timings.StopAfterStartMilliseconds + (connector - 1) * _timings.StaggerMilliseconds;
                        return;
                    }
                    _log.Begin(LogLevel.Warning, "main"u8).Append("ocpp auth failed on connector "u8).Append(connector)
                        .Append(": no charging"u8).End();
                    _step[connector] = Step.Done;
                    return;
                case Step.Charging:
                    if (now < _due[connector]) return;
                    _log.Begin(LogLevel.Info, "main"u8).Append("ocpp stop charging connector id "u8).Append(connector).End();
                    _chargePoint.StopTransaction(connector, StopReason.Local);
                    _step[connector] = Step.Stopped;
                    _due[connector] = now + _timings.UnplugAfterStopMilliseconds;
                    return;
                case Step.Stopped:
                    if (now < _due[connector]) return;
                    _chargePoint.SetConnectorStatus(connector, ChargePointStatus.Available); // the cable is out
                    _step[connector] = Step.Done;
                    return;
            }
        }
    }
}
