namespace ChargePoint.Core.Meter
{
    // One reading of a meter at an instant, in the integer units of the session stream's [HR]
    // samples (mV, mA, W, mWh): no floating point, no rounding beyond the integer division of the
    // current.
    public struct MeterReading
    {
        public long UptimeMicroseconds;
        public int VoltageMillivolts;
        public int CurrentMilliamperes;
        public int PowerW;
        public long EnergyMilliwattHours;
    }
}
