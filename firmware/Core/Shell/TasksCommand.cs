using System;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Scheduling;

namespace ChargePoint.Core.Shell
{
    // tasks: the scheduler's fixed table, with run counts and the next wake-up.
    public sealed class TasksCommand : IShellCommand
    {
        private readonly Scheduler _scheduler;

        public TasksCommand(Scheduler scheduler) { _scheduler = scheduler; }

        public string Name => "tasks";
        public string Help => "the scheduler's tasks, runs and next wake-up";

        public void Run(ReadOnlySpan<byte> arguments, Logger reply)
        {
            reply.BeginText().Append(_scheduler.Count).Append(" of ").Append(_scheduler.Capacity).Append(" tasks").End();
            long now = _scheduler.NowMilliseconds;
            for (int id = 0; id < _scheduler.Count; id++)
            {
                LogLine line = reply.BeginText().Append("  ").Append(_scheduler.NameOf(id)).Append(": ")
                    .Append(_scheduler.RunsOf(id)).Append(" runs, ");
                long wake = _scheduler.WakeTimeOf(id);
                if (wake == Scheduler.Never) line.Append("waits for a signal").End();
                else line.Append("next in ").Append(wake > now ? wake - now : 0).Append(" ms").End();
            }
        }
    }
}
