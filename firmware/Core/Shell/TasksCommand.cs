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

        public ReadOnlySpan<byte> Name => "tasks"u8;
        public ReadOnlySpan<byte> Help => "the scheduler's tasks, runs and next wake-up"u8;

        public void Run(ReadOnlySpan<byte> arguments, Logger reply)
        {
            reply.BeginText().Append(_scheduler.Count).Append(" of "u8).Append(_scheduler.Capacity).Append(" tasks"u8).End();
            long now = _scheduler.NowMilliseconds;
            for (int id = 0; id < _scheduler.Count; id++)
            {
                LogLine line = reply.BeginText().Append("  "u8).Append(_scheduler.NameOf(id)).Append(": "u8)
                    .Append(_scheduler.RunsOf(id)).Append(" runs, "u8);
                long wake = _scheduler.WakeTimeOf(id);
                if (wake == Scheduler.Never) line.Append("waits for a signal"u8).End();
                else line.Append("next in "u8).Append(wake > now ? wake - now : 0).Append(" ms"u8).End();
            }
        }
    }
}
