using System.Collections.Generic;
using ChargePoint.Core.Scheduling;
using Xunit;

namespace ChargePoint.Tests.Core
{
    public class SchedulerTests
    {
        private readonly FakeClock _clock = new FakeClock();

        private sealed class RecordingTask : ITask
        {
            private readonly byte[] _name;
            public RecordingTask(string name = "task") { _name = System.Text.Encoding.ASCII.GetBytes(name); }
            public System.ReadOnlySpan<byte> Name => _name;
            public readonly List<long> RunTimes = new List<long>();
            public System.Action<long> OnRun;
            public void Run(long nowMilliseconds)
            {
                RunTimes.Add(nowMilliseconds);
                OnRun?.Invoke(nowMilliseconds);
            }
        }

        [Fact]
        public void A_periodic_task_runs_once_per_period_from_its_first_delay()
        {
            var scheduler = new Scheduler(_clock, 4);
            var task = new RecordingTask();
            int id = scheduler.Add(task);
            scheduler.Every(id, 1000, 500);

            for (int ms = 0; ms <= 3600; ms += 100)
            {
                _clock.UptimeMicroseconds = ms * 1000L;
                scheduler.RunDue();
            }
            Assert.Equal(new long[] { 500, 1500, 2500, 3500 }, task.RunTimes);
        }

        [Fact]
        public void A_late_run_does_not_shift_the_rhythm()
        {
            var scheduler = new Scheduler(_clock, 4);
            var task = new RecordingTask();
            int id = scheduler.Add(task);
            scheduler.Every(id, 1000, 1000);

            _clock.UptimeMicroseconds = 1300 * 1000L; // 300 ms late
            scheduler.RunDue();
            _clock.UptimeMicroseconds = 1999 * 1000L;
            Assert.Equal(0, scheduler.RunDue());
            _clock.UptimeMicroseconds = 2000 * 1000L;
            Assert.Equal(1, scheduler.RunDue());
            Assert.Equal(new long[] { 1300, 2000 }, task.RunTimes);
        }

        [Fact]
        public void A_task_that_fell_several_periods_behind_runs_once_not_in_a_burst()
        {
            var scheduler = new Scheduler(_clock, 4);
            var task = new RecordingTask();
            int id = scheduler.Add(task);
            scheduler.Every(id, 100, 100);

            _clock.UptimeMicroseconds = 1050 * 1000L;
            scheduler.RunDue();
            scheduler.RunDue();
            Assert.Single(task.RunTimes);
            Assert.Equal(100, scheduler.MillisecondsUntilNextWake());
        }

        [Fact]
        public void A_one_shot_wake_runs_once()
        {
            var scheduler = new Scheduler(_clock, 4);
            var task = new RecordingTask();
            int id = scheduler.Add(task);
            scheduler.WakeAfter(id, 250);

            _clock.AdvanceMilliseconds(249);
            Assert.Equal(0, scheduler.RunDue());
            _clock.AdvanceMilliseconds(1);
            Assert.Equal(1, scheduler.RunDue());
            _clock.AdvanceMilliseconds(10000);
            Assert.Equal(0, scheduler.RunDue());
            Assert.Equal(Scheduler.Never, scheduler.MillisecondsUntilNextWake());
        }

        [Fact]
        public void A_signal_runs_the_task_at_the_next_pass_and_only_once()
        {
            var scheduler = new Scheduler(_clock, 4);
            var task = new RecordingTask();
            int id = scheduler.Add(task);

            Assert.Equal(Scheduler.Never, scheduler.MillisecondsUntilNextWake());
            scheduler.Signal(id);
            Assert.Equal(0, scheduler.MillisecondsUntilNextWake());
            Assert.Equal(1, scheduler.RunDue());
            Assert.Equal(0, scheduler.RunDue());
        }

        [Fact]
        public void A_task_can_rearm_itself_from_inside_its_run()
        {
            var scheduler = new Scheduler(_clock, 4);
            var task = new RecordingTask();
            int id = scheduler.Add(task);
            long delay = 100;
            task.OnRun = now => { delay *= 2; scheduler.WakeAfter(id, delay); };
            scheduler.WakeAfter(id, 100);

            for (int ms = 0; ms <= 1500; ms += 10)
            {
                _clock.UptimeMicroseconds = ms * 1000L;
                scheduler.RunDue();
            }
            Assert.Equal(new long[] { 100, 300, 700, 1500 }, task.RunTimes);
        }

        [Fact]
        public void A_huge_delay_saturates_instead_of_wrapping_into_now()
        {
            var scheduler = new Scheduler(_clock, 4);
            var task = new RecordingTask();
            int id = scheduler.Add(task);
            _clock.AdvanceMilliseconds(5000);
            scheduler.WakeAfter(id, Scheduler.Never);
            Assert.Equal(0, scheduler.RunDue());
            scheduler.Every(id, long.MaxValue, long.MaxValue - 10);
            Assert.Equal(0, scheduler.RunDue());
            Assert.Equal(Scheduler.Never, scheduler.MillisecondsUntilNextWake());
            Assert.Empty(task.RunTimes);
        }

        [Fact]
        public void Cancel_stops_the_timer_and_its_period()
        {
            var scheduler = new Scheduler(_clock, 4);
            var task = new RecordingTask();
            int id = scheduler.Add(task);
            scheduler.Every(id, 100, 100);
            _clock.AdvanceMilliseconds(100);
            scheduler.RunDue();
            scheduler.Cancel(id);
            _clock.AdvanceMilliseconds(1000);
            Assert.Equal(0, scheduler.RunDue());
            Assert.Single(task.RunTimes);
        }

        [Fact]
        public void Tasks_run_in_table_order()
        {
            var scheduler = new Scheduler(_clock, 4);
            var order = new List<string>();
            var a = new RecordingTask { OnRun = _ => order.Add("a") };
            var b = new RecordingTask { OnRun = _ => order.Add("b") };
            int ia = scheduler.Add(a);
            int ib = scheduler.Add(b);
            scheduler.Signal(ib);
            scheduler.Signal(ia);
            scheduler.RunDue();
            Assert.Equal(new[] { "a", "b" }, order);
        }

        [Fact]
        public void The_table_is_fixed_full_or_started_refuses_new_tasks()
        {
            var scheduler = new Scheduler(_clock, 2);
            Assert.Equal(0, scheduler.Add(new RecordingTask("a")));
            Assert.Equal(1, scheduler.Add(new RecordingTask("b")));
            Assert.Equal(-1, scheduler.Add(new RecordingTask("c")));

            var started = new Scheduler(_clock, 2);
            started.Start();
            Assert.Equal(-1, started.Add(new RecordingTask("late")));
            Assert.Equal(0, started.Count);
        }

        [Fact]
        public void Run_counts_and_names_are_kept_per_task()
        {
            var scheduler = new Scheduler(_clock, 2);
            int id = scheduler.Add(new RecordingTask("status"));
            scheduler.Signal(id);
            scheduler.RunDue();
            scheduler.Signal(id);
            scheduler.RunDue();
            Assert.Equal("status", System.Text.Encoding.ASCII.GetString(scheduler.NameOf(id)));
            Assert.Equal(2, scheduler.RunsOf(id));
        }

        [Fact]
        public void Time_until_next_wake_is_what_the_main_loop_may_sleep()
        {
            var scheduler = new Scheduler(_clock, 4);
            scheduler.WakeAfter(scheduler.Add(new RecordingTask("a")), 700);
            scheduler.WakeAfter(scheduler.Add(new RecordingTask("b")), 300);
            _clock.AdvanceMilliseconds(100);
            Assert.Equal(200, scheduler.MillisecondsUntilNextWake());
        }
    }
}
