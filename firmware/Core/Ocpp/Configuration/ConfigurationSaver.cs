using System;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Scheduling;

namespace ChargePoint.Core.Ocpp.Configuration
{
    // Writes changed configuration keys to storage from a task of its own, a moment after the
    // change (never inside the ChangeConfiguration answer: a compaction erases flash, which stalls
    // the CPU for a second or two on the STM32).
    public sealed class ConfigurationSaver : ITask, IConfigurationObserver
    {
        public const long DelayMilliseconds = 200;

        private readonly ConfigurationPersistence _persistence;
        private readonly Scheduler _scheduler;
        private readonly Logger _log;
        private int _id = -1;
        private int _failuresLogged;

        public ConfigurationSaver(ConfigurationPersistence persistence, ConfigurationStore store, Scheduler scheduler, Logger log)
        {
            _persistence = persistence;
            _scheduler = scheduler;
            _log = log;
            store.AddObserver(this);
        }

        public ReadOnlySpan<byte> Name => "cfgsave"u8;

        public void Start(int id) => _id = id;

        public void OnChanged(ConfigurationKey key)
        {
            if (_id >= 0) _scheduler.WakeAfter(_id, DelayMilliseconds);
        }

        public void Run(long nowMilliseconds)
        {
            _persistence.SaveIfChanged();
            if (_persistence.SaveFailures == _failuresLogged) return;
            _failuresLogged = _persistence.SaveFailures;
            _log.Begin(LogLevel.Error, "config"u8).Append("saving the OCPP configuration failed ("u8).Append(_failuresLogged)
                .Append(" times): changes last until the next reset"u8).End();
        }
    }
}
