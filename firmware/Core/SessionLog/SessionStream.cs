using System;
using ChargePoint.Core.Meter;
using ChargePoint.Core.Ocpp;
using ChargePoint.Core.Scheduling;

namespace ChargePoint.Core.SessionLog
{
    // The charging-session stream (the Zephyr sample's USB CDC ACM log): the charge point's session
    // events as they happen (IChargingSessionObserver), a meter reading of each charging connector
    // every MeterReadingSeconds (the first at its start), high-rate samples in high-rate mode, and
    // the summary when the last running session ends; all as SessionLine's lines into the LogRing,
    // which the pump (LogPump) moves to the port.
    //
    // A session runs on a connector from its START (an idTag presented, or a transaction started
    // without one) to its STOP (its transaction ended, or its authorization refused). Sessions
    // overlap; the summary comes when none runs any more and covers, since boot: the [METER] lines
    // the stream carried, every byte it carried before the summary (headers included; bytes
    // overwritten while no host listened were never sent and do not count), and the bytes per
    // second from the first START of the sessions it ends to their last STOP.
    //
    // Meter readings: every MeterReadingSeconds (usblog_meter_s, 1 s by default, like the seed's
    // log: its readings climb by about 1 Wh at 3600 W) per charging connector, the first when its
    // transaction starts, each the register as read when the line is written (so its timestamp
    // is the reading's time); one that falls more than an interval behind is not made up. This
    // is the stream's own rate, apart from OCPP's MeterValueSampleInterval.
    //
    // High-rate samples are taken on a fixed grid from the transaction's start (start + k / rate)
    // with IMeter.ReadAt, so a late run of this task catches up on the same instants instead of
    // leaving a gap; while the ring has no room for a sample it waits for the pump (up to
    // BacklogLimitMicroseconds behind, then it is written anyway and counted if refused).
    public sealed class SessionStream : IChargingSessionObserver, ITask
    {
        public const long BacklogLimitMicroseconds = 1000000;
        // How often the pump looks whether a host opened the port while it is closed.
        public const long ClosedPortPollMilliseconds = 10;

        private readonly IClock _clock;
        private readonly LogRing _ring;
        private readonly IStreamPort _port;
        private readonly IMeter[] _meters; // by connector; [0] unused
        private readonly bool _timestamps;
        private readonly int _highRateHz;
        private readonly long _readingInterval; // µs
        private readonly byte[] _line = new byte[SessionLine.MaxSummaryBytes];
        private readonly byte[] _lostLine = new byte[SessionLine.MaxLineBytes];
        private readonly bool[] _session;
        private readonly bool[] _charging;
        private readonly long[] _nextReading;    // uptime µs
        private readonly long[] _highRateStart;  // uptime µs of sample 0
        private readonly long[] _highRateIndex;  // the next sample's number
        private long _readings;                  // [METER] lines put in (the reading number)
        private long _highRateLines;             // [HR] lines put in
        private int _running;
        private long _firstStart;
        private bool _portOpen;
        private Scheduler _scheduler;
        private int _samplerTask = -1;
        private int _pumpTask = -1;

        public SessionStream(IClock clock, LogRing ring, IStreamPort port, IMeter[] meters, SessionStreamOptions options)
        {
            _clock = clock;
            _ring = ring;
            _port = port;
            _meters = meters;
            _timestamps = options.Timestamps;
            _highRateHz = options.HighRateHz < 0 ? 0
                : options.HighRateHz > SessionStreamOptions.MaxHighRateHz ? SessionStreamOptions.MaxHighRateHz : options.HighRateHz;
            int seconds = options.MeterReadingSeconds < 1 ? 1 : options.MeterReadingSeconds;
            _readingInterval = seconds * 1000000L;
            int connectors = meters.Length;
            _session = new bool[connectors];
            _charging = new bool[connectors];
            _nextReading = new long[connectors];
            _highRateStart = new long[connectors];
            _highRateIndex = new long[connectors];
            ring.Overwrite = true; // until the port is seen open
        }

        public ReadOnlySpan<byte> Name => "session"u8;
        public LogRing Ring => _ring;
        public int HighRateHz => _highRateHz;
        public int RunningSessions => _running;
        public bool PortOpen => _portOpen;

        // Since boot, what the stream carried (put in and not overwritten).
        public long MeterLines => _readings - _ring.LostMeterLines;
        public long HighRateLines => _highRateLines - _ring.LostHighRateLines;
        public long StreamBytes => _ring.AcceptedBytes - _ring.LostBytes;
        public long DroppedBytes => _ring.LostBytes + _ring.RefusedBytes;

        // Boot: this object's task (the sampler) and the pump's, which every new line signals.
        public void Attach(Scheduler scheduler, int samplerTask, int pumpTask)
        {
            _scheduler = scheduler;
            _samplerTask = samplerTask;
            _pumpTask = pumpTask;
        }

        // ---- the charge point's events ---------------------------------------------------------------
        public void AuthorizationRequested(int connector, ReadOnlySpan<byte> idTag)
        {
            if (!IsConnector(connector)) return;
            long now = _clock.UptimeMicroseconds;
            if (_session[connector])
            {
                if (_charging[connector]) return; // a question while charging: not a new session
                // Authorized before but never started: that session ends, this one begins.
                EndSession(connector, now, false);
            }
            BeginSession(connector, idTag, now);
        }

        public void Authorized(int connector, AuthorizationStatus status)
        {
            if (!IsConnector(connector) || !_session[connector]) return;
            long now = _clock.UptimeMicroseconds;
            bool accepted = status == AuthorizationStatus.Accepted;
            Emit(SessionLine.Authorization(_line, Stamp(now), connector, accepted, OcppChargePoint.ZephyrStatus(status)));
            if (!accepted && !_charging[connector]) EndSession(connector, now, true);
        }

        public void TransactionStarted(int connector, ReadOnlySpan<byte> idTag)
        {
            if (!IsConnector(connector) || _charging[connector]) return;
            long now = _clock.UptimeMicroseconds;
            if (!_session[connector]) BeginSession(connector, idTag, now);
            _charging[connector] = true;
            _nextReading[connector] = now;
            _highRateStart[connector] = now;
            _highRateIndex[connector] = 0;
            Sample(connector, now, true);
            Reschedule(false);
        }

        public void TransactionStopping(int connector)
        {
            if (!IsConnector(connector) || !_session[connector]) return;
            long now = _clock.UptimeMicroseconds;
            if (_charging[connector])
            {
                Sample(connector, now, true); // the samples due up to this instant, while the meter still runs
                _charging[connector] = false;
            }
            EndSession(connector, now, true);
            Reschedule(false);
        }

        // ---- the sampler task ------------------------------------------------------------------------
        public void Run(long nowMilliseconds)
        {
            long now = _clock.UptimeMicroseconds;
            bool waiting = false;
            for (int c = 1; c < _meters.Length; c++)
                if (_charging[c] && !Sample(c, now, false)) waiting = true;
            Reschedule(waiting);
        }

        // Writes what is due for a charging connector up to `now`: its meter reading, then its
        // high-rate samples. False when a sample waits for room (`force`: write anyway).
        private bool Sample(int c, long now, bool force)
        {
            IMeter meter = _meters[c];
            if (_nextReading[c] <= now)
            {
                int length = SessionLine.MeterReading(_line, Stamp(now), c, meter.EnergyWh, _readings + 1);
                if (Emit(length)) _readings++;
                _nextReading[c] += _readingInterval;
                if (_nextReading[c] <= now) _nextReading[c] = now + _readingInterval; // missed ones are not made up
            }
            if (_highRateHz == 0) return true;
            while (true)
            {
                long at = HighRateInstant(c, _highRateIndex[c]);
                if (at > now) return true;
                if (!force && !_ring.Overwrite && _ring.Free < SessionLine.MaxHighRateBytes && now - at < BacklogLimitMicroseconds)
                    return false;
                meter.ReadAt(at, out MeterReading reading);
                if (Emit(SessionLine.HighRate(_line, c, reading))) _highRateLines++;
                _highRateIndex[c]++;
            }
        }

        private long HighRateInstant(int c, long index) => _highRateStart[c] + index * 1000000 / _highRateHz;

        // The sampler runs when the next reading or sample of a charging connector is due (1 ms
        // from now while one waits for room), and not at all while nothing charges.
        private void Reschedule(bool waiting)
        {
            if (_scheduler == null || _samplerTask < 0) return;
            long next = long.MaxValue;
            for (int c = 1; c < _meters.Length; c++)
            {
                if (!_charging[c]) continue;
                if (_nextReading[c] < next) next = _nextReading[c];
                if (_highRateHz > 0)
                {
                    long at = HighRateInstant(c, _highRateIndex[c]);
                    if (at < next) next = at;
                }
            }
            if (next == long.MaxValue) _scheduler.Cancel(_samplerTask);
            else if (waiting) _scheduler.WakeAfter(_samplerTask, 1);
            else _scheduler.WakeAt(_samplerTask, (next + 999) / 1000);
        }

        // ---- sessions ----------------------------------------------------------------------------------
        private void BeginSession(int c, ReadOnlySpan<byte> idTag, long now)
        {
            if (_running == 0) _firstStart = now;
            _running++;
            _session[c] = true;
            Emit(SessionLine.Start(_line, Stamp(now), c, idTag));
        }

        private void EndSession(int c, long now, bool summarize)
        {
            _session[c] = false;
            _running--;
            Emit(SessionLine.Stop(_line, Stamp(now), c));
            if (_running > 0 || !summarize) return;
            var figures = new SessionFigures
            {
                MeterReadings = MeterLines,
                Bytes = StreamBytes,
                DurationMicroseconds = now - _firstStart,
                HighRateHz = _highRateHz,
                HighRateSamples = HighRateLines,
                DroppedBytes = DroppedBytes,
            };
            Emit(SessionLine.Summary(_line, figures));
        }

        private bool IsConnector(int connector) => connector >= 1 && connector < _meters.Length && _meters[connector] != null;

        private long Stamp(long now) => _timestamps ? now : SessionLine.NoTimestamp;

        // Into the ring, then the pump is woken. False when the ring refused the line.
        private bool Emit(int length)
        {
            if (length == 0) return false;
            SyncPort();
            bool written = _ring.TryWrite(new ReadOnlySpan<byte>(_line, 0, length));
            if (_scheduler != null && _pumpTask >= 0) _scheduler.Signal(_pumpTask);
            return written;
        }

        // ---- the port ------------------------------------------------------------------------------------
        // The pump's work: notes whether a host opened or closed the port, then hands the port as
        // much as it takes. Returns the milliseconds until it wants to run again (Scheduler.Never:
        // only when a new line wakes it).
        public long Pump()
        {
            SyncPort();
            if (!_portOpen) return ClosedPortPollMilliseconds;
            while (true)
            {
                ReadOnlySpan<byte> chunk = _ring.Peek();
                if (chunk.IsEmpty) return Scheduler.Never;
                int taken = _port.Write(chunk);
                if (taken <= 0) return 1; // the port is full: again in a millisecond
                _ring.Consume(taken);
                if (taken < chunk.Length) return 1;
            }
        }

        // A host opened the port: the stream starts with the header, then what was lost while
        // nobody listened; nothing is overwritten any more. It closed: old lines give way again,
        // and the rest of a line it took half of is dropped (the next host starts on a line).
        private void SyncPort()
        {
            bool open = _port.IsOpen;
            if (open == _portOpen) return;
            _portOpen = open;
            if (!open)
            {
                _ring.Overwrite = true;
                _ring.DiscardRestOfLine();
                return;
            }
            _ring.MakeRoom(SessionLine.Header.Length + SessionLine.MaxLostBytes);
            long lost = _ring.TakeUnreportedLoss();
            if (lost > 0) _ring.TryPrepend(new ReadOnlySpan<byte>(_lostLine, 0, SessionLine.Lost(_lostLine, lost)));
            _ring.TryPrepend(SessionLine.Header);
            _ring.Overwrite = false;
        }
    }
}
