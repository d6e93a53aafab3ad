using System;

namespace ChargePoint.Core.Scheduling
{
    // A fixed table of cooperative tasks made at boot. Each entry has a wake-up time (or none),
    // an optional period and a pending signal. RunDue runs, in table order, every task that is
    // signalled or whose time has come; nothing runs concurrently and nothing is preempted.
    public sealed class Scheduler
    {
        public const long Never = long.MaxValue;

        private readonly IClock _clock;
        private readonly ITask[] _tasks;
        private readonly long[] _wakeAt;
        private readonly long[] _period;
        private readonly bool[] _signalled;
        private readonly long[] _runs;
        private int _count;
        private bool _started;

        public Scheduler(IClock clock, int capacity)
        {
            _clock = clock;
            _tasks = new ITask[capacity];
            _wakeAt = new long[capacity];
            _period = new long[capacity];
            _signalled = new bool[capacity];
            _runs = new long[capacity];
        }

        public int Count => _count;
        public int Capacity => _tasks.Length;
        public bool IsStarted => _started;

        public long NowMilliseconds => _clock.UptimeMicroseconds / 1000;

        // Boot only: returns the task's id, or -1 when the table is full or the scheduler started.
        public int Add(ITask task)
        {
            if (_started || _count == _tasks.Length || task == null) return -1;
            int id = _count++;
            _tasks[id] = task;
            _wakeAt[id] = Never;
            return id;
        }

        public void Start() => _started = true;

        public ReadOnlySpan<byte> NameOf(int id) => _tasks[id].Name;
        public long RunsOf(int id) => _runs[id];
        public long WakeTimeOf(int id) => _signalled[id] ? NowMilliseconds : _wakeAt[id];

        // Run every `periodMilliseconds`, the first time `firstDelayMilliseconds` from now.
        // Later runs are counted from the due time, not from when the task actually ran, so a
        // late run does not shift the rhythm.
        public void Every(int id, long periodMilliseconds, long firstDelayMilliseconds)
        {
            _period[id] = periodMilliseconds > 0 ? periodMilliseconds : 0;
            _wakeAt[id] = Later(NowMilliseconds, firstDelayMilliseconds);
        }

        public void WakeAfter(int id, long delayMilliseconds) => _wakeAt[id] = Later(NowMilliseconds, delayMilliseconds);

        // time + delay, saturating at Never (a huge delay must not wrap into "now").
        private static long Later(long time, long delay)
        {
            if (delay <= 0) return time;
            return delay >= Never - time ? Never : time + delay;
        }

        public void WakeAt(int id, long uptimeMilliseconds) => _wakeAt[id] = uptimeMilliseconds;

        // Stop the timer of a task (and its period); a signal still runs it.
        public void Cancel(int id)
        {
            _wakeAt[id] = Never;
            _period[id] = 0;
        }

        // Run the task at the next RunDue, whatever its timer says (an event arrived).
        public void Signal(int id) => _signalled[id] = true;

        // Runs the tasks that are due now and returns how many ran.
        public int RunDue()
        {
            int ran = 0;
            for (int id = 0; id < _count; id++)
            {
                long now = NowMilliseconds;
                bool timerDue = _wakeAt[id] <= now;
                if (!timerDue && !_signalled[id]) continue;
                _signalled[id] = false;
                if (timerDue)
                {
                    if (_period[id] > 0)
                    {
                        long next = Later(_wakeAt[id], _period[id]);
                        // A task that fell more than a period behind skips the missed runs.
                        _wakeAt[id] = next > now ? next : Later(now, _period[id]);
                    }
                    else
                    {
                        _wakeAt[id] = Never;
                    }
                }
                _runs[id]++;
                _tasks[id].Run(now);
                ran++;
            }
            return ran;
        }

        // Milliseconds until the next timer falls due (0 when a task is due or signalled now,
        // Never when no timer is armed): how long the main loop may sleep.
        public long MillisecondsUntilNextWake()
        {
            long now = NowMilliseconds;
            long soonest = Never;
            for (int id = 0; id < _count; id++)
            {
                if (_signalled[id]) return 0;
                if (_wakeAt[id] < soonest) soonest = _wakeAt[id];
            }
            if (soonest == Never) return Never;
            return soonest <= now ? 0 : soonest - now;
        }
    }
}
