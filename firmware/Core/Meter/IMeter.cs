namespace ChargePoint.Core.Meter
{
    // One connector's energy meter, as the charge point reads it: the register (OCPP measurand
    // Energy.Active.Import.Register, in Wh, never going back), and the instantaneous values.
    // A real board puts a meter driver behind this; the demo uses MeterSimulator.
    public interface IMeter
    {
        long EnergyWh { get; }
        int PowerW { get; }
        int VoltageV { get; }
        int CurrentDeciAmperes { get; }

        // Energy flows between Connect and Disconnect (the contactor is closed).
        void Connect();
        void Disconnect();
        bool IsDelivering { get; }
    }
}
