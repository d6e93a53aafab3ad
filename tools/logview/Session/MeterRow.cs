namespace ChargePoint.Logview.Session
{
    // One [METER] line, with the power derived from the previous reading of the same connector in
    // the same session: delta Wh over delta t. Without timestamps there is no time base, so PowerW
    // stays null and only DeltaWh is known.
    public sealed class MeterRow
    {
        public int Line;
        public int Order;            // 1 for the first [METER] line read, 2 for the next, ...
        public double? TimeS;        // from the timestamp prefix
        public int Connector;
        public long Reading;         // the stream's own reading number
        public long EnergyWh;
        public long? DeltaWh;        // since the previous reading of this connector's session
        public double? PowerW;       // DeltaWh * 3600 / (TimeS - previous TimeS)
    }
}
