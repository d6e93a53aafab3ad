namespace ChargePoint.Core.Ocpp.Configuration
{
    // Told after a key's stored value changed (through ChangeConfiguration or ConfigurationStore.TrySet),
    // so that what depends on it can follow at once: the heartbeat is rescheduled when
    // HeartbeatInterval changes, not after the old interval ran out. Called synchronously from
    // the change; it must not change the configuration itself.
    public interface IConfigurationObserver
    {
        void OnChanged(ConfigurationKey key);
    }
}
