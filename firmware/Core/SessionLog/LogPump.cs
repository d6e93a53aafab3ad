using System;
using ChargePoint.Core.Scheduling;

namespace ChargePoint.Core.SessionLog
{
    // The task that moves the session stream's ring to its port (SessionStream.Pump): woken by
    // every new line, again a millisecond later while the port takes less than it is offered, and
    // every few milliseconds while the port is closed (to see a host open it).
    public sealed class LogPump : ITask
    {
        private readonly SessionStream _stream;
        private readonly Scheduler _scheduler;
        private int _id = -1;

        public LogPump(SessionStream stream, Scheduler scheduler)
        {
            _stream = stream;
            _scheduler = scheduler;
        }

        public ReadOnlySpan<byte> Name => "pump"u8;

        // Boot: its task id; the first run (the header, on a port that is open at boot) comes at once.
        public int Start(int id)
        {
            _id = id;
            if (id >= 0) _scheduler.Signal(id);
            return id;
        }

        public void Run(long nowMilliseconds)
        {
            long wait = _stream.Pump();
            if (wait == Scheduler.Never) _scheduler.Cancel(_id);
            else _scheduler.WakeAfter(_id, wait);
        }
    }
}
