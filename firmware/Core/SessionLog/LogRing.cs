using System;

namespace ChargePoint.Core.SessionLog
{
    // The session stream's bytes on their way from the charge point's side (the producer,
    // SessionStream) to the port (the consumer, the pump), in one buffer made at boot. Only whole
    // lines go in, so the stream stays made of whole lines whatever happens to it:
    //
    //   port open (Overwrite false)  a line that does not fit is refused and counted (RefusedBytes):
    //                                the producer never waits
    //   port closed (Overwrite true) the oldest whole lines make room and are counted as lost
    //                                (LostBytes; the [LOST] line reports them when a host opens it)
    //
    // Single producer, single consumer, both on the scheduler (never in an interrupt): the
    // overwriting producer moves the read position, which is safe only because nothing reads
    // while the port is closed and nothing preempts either side.
    public sealed class LogRing
    {
        // How much of a line's start tells its kind (SessionLine.IsMeterReading): a timestamp
        // prefix and "[METER] " fit.
        private const int KindBytes = 40;

        private readonly byte[] _buffer;
        private readonly int _mask;
        private int _head; // next write position, free-running
        private int _tail; // next read position, free-running
        private bool _midLine; // the consumer took part of a line
        private long _accepted, _lost, _refused, _unreported, _lostMeterLines, _lostHighRateLines;

        // The capacity is rounded up to a power of two (at least 256), so positions wrap with a mask.
        public LogRing(int capacity)
        {
            int size = 256;
            while (size < capacity && size < (1 << 30)) size <<= 1;
            _buffer = new byte[size];
            _mask = size - 1;
            Overwrite = true;
        }

        public int Capacity => _buffer.Length;
        public int Count => _head - _tail;
        public int Free => _buffer.Length - (_head - _tail);
        public bool IsEmpty => _head == _tail;

        // True while no host has the port open: old lines give way to new ones.
        public bool Overwrite { get; set; }

        // Since boot: bytes put in (lines and prepended blocks), bytes taken out unread (overwritten,
        // or the rest of a line a closing port cut), and bytes refused for want of room.
        public long AcceptedBytes => _accepted;
        public long LostBytes => _lost;
        public long RefusedBytes => _refused;
        public long LostMeterLines => _lostMeterLines;
        public long LostHighRateLines => _lostHighRateLines;

        // Producer: one or more whole lines (each ending in '\n'), all or nothing.
        public bool TryWrite(ReadOnlySpan<byte> lines)
        {
            if (lines.Length > _buffer.Length || (Free < lines.Length && !Overwrite))
            {
                _refused += lines.Length;
                return false;
            }
            MakeRoom(lines.Length);
            Copy(lines, _head);
            _head += lines.Length;
            _accepted += lines.Length;
            return true;
        }

        // Drops the oldest whole lines until `bytes` are free (counted as lost), whatever Overwrite says.
        public void MakeRoom(int bytes)
        {
            if (bytes > _buffer.Length) bytes = _buffer.Length;
            if (Free >= bytes) return;
            Span<byte> start = stackalloc byte[KindBytes];
            while (Free < bytes && !IsEmpty)
            {
                int first = CopyOldest(start);
                int length = LineLengthAt(_tail);
                if (!_midLine)
                {
                    if (SessionLine.IsMeterReading(start.Slice(0, first))) _lostMeterLines++;
                    else if (SessionLine.IsHighRateSample(start.Slice(0, first))) _lostHighRateLines++;
                }
                Drop(length);
            }
        }

        // Puts `bytes` before the oldest byte held, so that the consumer reads them first (the
        // header when a host opens the port). False when there is no room (MakeRoom first).
        public bool TryPrepend(ReadOnlySpan<byte> bytes)
        {
            if (Free < bytes.Length) return false;
            _tail -= bytes.Length;
            Copy(bytes, _tail);
            _accepted += bytes.Length;
            return true;
        }

        // Consumer: the oldest bytes held, as far as they lie in one piece (empty when none).
        public ReadOnlySpan<byte> Peek()
        {
            int count = _head - _tail;
            int at = _tail & _mask;
            int contiguous = _buffer.Length - at;
            return new ReadOnlySpan<byte>(_buffer, at, count < contiguous ? count : contiguous);
        }

        // Consumer: `count` bytes of Peek's were sent.
        public void Consume(int count)
        {
            if (count <= 0) return;
            if (count > _head - _tail) count = _head - _tail;
            _midLine = _buffer[(_tail + count - 1) & _mask] != (byte)'\n';
            _tail += count;
        }

        // Consumer: the port closed after taking part of a line; its rest is dropped (counted as
        // lost) so that the next host's stream starts on a line. Returns the bytes dropped.
        public int DiscardRestOfLine()
        {
            if (!_midLine) return 0;
            int length = LineLengthAt(_tail);
            Drop(length);
            return length;
        }

        // The bytes lost since the last call: what the [LOST] line reports.
        public long TakeUnreportedLoss()
        {
            long lost = _unreported;
            _unreported = 0;
            return lost;
        }

        private void Drop(int length)
        {
            _tail += length;
            _lost += length;
            _unreported += length;
            _midLine = false;
        }

        // Bytes from `position` through the next '\n' (or up to the head when there is none).
        private int LineLengthAt(int position)
        {
            int end = _head;
            for (int p = position; p != end; p++)
                if (_buffer[p & _mask] == (byte)'\n') return p + 1 - position;
            return end - position;
        }

        // Copies up to destination.Length of the oldest bytes without consuming them.
        private int CopyOldest(Span<byte> destination)
        {
            int count = _head - _tail;
            if (count > destination.Length) count = destination.Length;
            for (int i = 0; i < count; i++) destination[i] = _buffer[(_tail + i) & _mask];
            return count;
        }

        private void Copy(ReadOnlySpan<byte> source, int position)
        {
            int at = position & _mask;
            int first = _buffer.Length - at;
            if (first >= source.Length)
            {
                source.CopyTo(new Span<byte>(_buffer, at, source.Length));
                return;
            }
            source.Slice(0, first).CopyTo(new Span<byte>(_buffer, at, first));
            source.Slice(first).CopyTo(new Span<byte>(_buffer, 0, source.Length - first));
        }
    }
}
