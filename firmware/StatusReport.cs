using System;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Scheduling;
using Internal.Runtime;

namespace ChargePoint
{
    // A periodic line that shows the firmware is alive and not leaking: uptime, heap, task runs.
    public sealed class StatusReport : ITask
    {
        private readonly Logger _log;
        private readonly Scheduler _scheduler;

        public StatusReport(Logger log, Scheduler scheduler)
        {
            _log = log;
            _scheduler = scheduler;
        }

        public ReadOnlySpan<byte> Name => "status"u8;

        public void Run(long nowMilliseconds)
        {
            _log.Begin(LogLevel.Info, "main"u8).Append("Uptime "u8).Append(nowMilliseconds / 1000)
                .Append(" s, heap "u8).Append(Heap.Used).Append(" of "u8).Append(Heap.Size)
                .Append(Heap.IsSealed ? " bytes (sealed), "u8 : " bytes, "u8).Append(TotalRuns()).Append(" task runs"u8).End();
        }

        private long TotalRuns()
        {
            long runs = 0;
            for (int id = 0; id < _scheduler.Count; id++) runs += _scheduler.RunsOf(id);
            return runs;
        }
    }
}
