namespace ChargePoint.Core.Meter
{
    // A simulated meter: the register starts near the seed's 7 Wh and rises at a constant power
    // while energy is delivered, computed from the clock when read (no task, no drift).
    public sealed class MeterSimulator : IMeter
    {
        public const long DefaultStartWh = 7;
        public const int DefaultPowerW = 3600; // 1 Wh a second: the seed's readings climb by about 1 Wh
        public const int DefaultVoltageV = 230;

        private readonly IClock _clock;
        private readonly int _powerW;
        private readonly int _voltageV;
        private long _milliwattHoursBefore; // energy of earlier deliveries, in mWh
        private long _deliveringSince = -1; // uptime µs, -1 while not delivering
        private long _switchedAt;           // uptime µs of the last Connect or Disconnect

        public MeterSimulator(IClock clock, long startWh = DefaultStartWh, int powerW = DefaultPowerW, int voltageV = DefaultVoltageV)
        {
            _clock = clock;
            _powerW = powerW;
            _voltageV = voltageV;
            _milliwattHoursBefore = startWh * 1000;
        }

        public bool IsDelivering => _deliveringSince >= 0;

        public long EnergyWh => MilliwattHours / 1000;

        public long MilliwattHours => MilliwattHoursAt(_clock.UptimeMicroseconds);

        private long MilliwattHoursAt(long uptimeMicroseconds)
        {
            if (_deliveringSince < 0 || uptimeMicroseconds <= _deliveringSince) return _milliwattHoursBefore;
            long micros = uptimeMicroseconds - _deliveringSince;
            // W * µs / 3600 000 = mWh (split to stay far from overflow)
            return _milliwattHoursBefore + (long)_powerW * (micros / 1000) / 3600;
        }

        public int PowerW => IsDelivering ? _powerW : 0;
        public int VoltageV => _voltageV;
        public int CurrentDeciAmperes => IsDelivering && _voltageV > 0 ? _powerW * 10 / _voltageV : 0;

        // Between the last switch and now the power is constant (the simulator's, or 0), so any
        // instant of that span is computed exactly. The current follows from the power and the
        // voltage: I = P / U, in mA = W * 1000 / V.
        public void ReadAt(long uptimeMicroseconds, out MeterReading reading)
        {
            long now = _clock.UptimeMicroseconds;
            long at = uptimeMicroseconds < _switchedAt ? _switchedAt : uptimeMicroseconds > now ? now : uptimeMicroseconds;
            bool delivering = _deliveringSince >= 0;
            reading.UptimeMicroseconds = at;
            reading.VoltageMillivolts = _voltageV * 1000;
            reading.PowerW = delivering ? _powerW : 0;
            reading.CurrentMilliamperes = delivering && _voltageV > 0 ? (int)((long)_powerW * 1000 / _voltageV) : 0;
            reading.EnergyMilliwattHours = MilliwattHoursAt(at);
        }

        public void Connect()
        {
            if (_deliveringSince >= 0) return;
            _deliveringSince = _clock.UptimeMicroseconds;
            _switchedAt = _deliveringSince;
        }

        public void Disconnect()
        {
            if (_deliveringSince < 0) return;
            _milliwattHoursBefore = MilliwattHours;
            _deliveringSince = -1;
            _switchedAt = _clock.UptimeMicroseconds;
        }
    }
}
