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

        // The meter as it read at `uptimeMicroseconds`: an instant between the meter's last switch
        // (Connect or Disconnect) and now, as a sampling meter keeps its recent samples (the
        // simulator computes it). An instant before the last switch reads as the switch's, one
        // after now as now's. The session stream's high-rate samples are taken this way, on a
        // fixed grid of instants, so that a late task does not leave gaps.
        void ReadAt(long uptimeMicroseconds, out MeterReading reading);

        // Energy flows between Connect and Disconnect (the contactor is closed).
        void Connect();
        void Disconnect();
        bool IsDelivering { get; }
    }
}
