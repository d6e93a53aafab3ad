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

        public void Run(long nowMilliseconds)
        {
            _log.Begin(LogLevel.Info, "main").Append("Uptime ").Append(nowMilliseconds / 1000)
                .Append(" s, heap ").Append(Heap.Used).Append(" of ").Append(Heap.Size)
                .Append(Heap.IsSealed ? " bytes (sealed), " : " bytes, ").Append(TotalRuns()).Append(" task runs").End();
        }

        private long TotalRuns()
        {
            long runs = 0;
            for (int id = 0; id < _scheduler.Count; id++) runs += _scheduler.RunsOf(id);
            return runs;
        }
    }
}
