using System;
using ChargePoint.Core.Meter;
using ChargePoint.Core.Scheduling;
using ChargePoint.Core.SessionLog;

namespace ChargePoint.Tests.Core.SessionLog
{
    // The session stream wired as firmware/Program.cs wires it (a ring, the sampler and the pump on
    // the scheduler, two simulated meters) on a fake clock and a fake port; the test plays the
    // charge point through the observer calls and moves time a millisecond at a time, running the
    // scheduler as the main loop does.
    public sealed class StreamBench
    {
        public readonly FakeClock Clock = new FakeClock();
        public readonly FakeStreamPort Port = new FakeStreamPort();
        public readonly Scheduler Scheduler;
        public readonly MeterSimulator[] Meters;
        public readonly LogRing Ring;
        public readonly SessionStream Stream;
        public readonly LogPump Pump;

        public StreamBench(SessionStreamOptions options = null, int ringBytes = 16384, long startWh1 = 7, long startWh2 = 7,
            int powerW = MeterSimulator.DefaultPowerW, bool portOpen = true, long bootMicroseconds = 0)
        {
            Clock.UptimeMicroseconds = bootMicroseconds;
            Port.IsOpen = portOpen;
            Scheduler = new Scheduler(Clock, 4);
            Meters = new[] { null, new MeterSimulator(Clock, startWh1, powerW), new MeterSimulator(Clock, startWh2, powerW) };
            Ring = new LogRing(ringBytes);
            Stream = new SessionStream(Clock, Ring, Port, new IMeter[] { null, Meters[1], Meters[2] }, options ?? new SessionStreamOptions());
            Pump = new LogPump(Stream, Scheduler);
            Stream.Attach(Scheduler, Scheduler.Add(Stream), Pump.Start(Scheduler.Add(Pump)));
            Scheduler.Start();
            Scheduler.RunDue();
        }

        public string Text => Port.Text;

        // Runs the loop for `milliseconds` of fake time, one millisecond per step.
        public void Advance(long milliseconds)
        {
            for (long i = 0; i < milliseconds; i++)
            {
                Clock.AdvanceMilliseconds(1);
                Scheduler.RunDue();
            }
            Scheduler.RunDue();
        }

        // The charge point's side: a session as the demo runs it (what OcppChargePoint calls).
        public void Authorize(int connector, string idTag, bool accepted = true)
        {
            Stream.AuthorizationRequested(connector, System.Text.Encoding.ASCII.GetBytes(idTag));
            Stream.Authorized(connector, accepted ? ChargePoint.Core.Ocpp.AuthorizationStatus.Accepted : ChargePoint.Core.Ocpp.AuthorizationStatus.Blocked);
        }

        public void StartCharging(int connector, string idTag)
        {
            Meters[connector].Connect();
            Stream.TransactionStarted(connector, System.Text.Encoding.ASCII.GetBytes(idTag));
        }

        public void StopCharging(int connector)
        {
            Stream.TransactionStopping(connector);
            Meters[connector].Disconnect();
        }
    }
}
