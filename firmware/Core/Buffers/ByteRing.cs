using System;

namespace ChargePoint.Core.Buffers
{
    // Single-producer/single-consumer byte ring over a buffer sized at boot. The producer (an
    // interrupt handler, say) only moves _head and the consumer only moves _tail, so neither
    // needs a lock. The producer never blocks: when the ring is full, new bytes are dropped and
    // counted, so an overrun is visible instead of silent.
    public sealed class ByteRing
    {
        private readonly byte[] _buffer;
        private readonly int _mask;
        private volatile int _head; // next write position, free-running
        private volatile int _tail; // next read position, free-running
        private int _dropped;

        // The capacity is rounded up to a power of two (at least 2), so positions wrap with a mask.
        public ByteRing(int capacity)
        {
            int size = 2;
            while (size < capacity && size < (1 << 30)) size <<= 1;
            _buffer = new byte[size];
            _mask = size - 1;
        }

        public int Capacity => _buffer.Length;
        public int Count => _head - _tail;
        public int FreeSpace => _buffer.Length - Count;
        public bool IsEmpty => _head == _tail;
        public int Dropped => _dropped;

        // Producer side. Returns false (and counts the byte as dropped) when full.
        public bool TryWrite(byte value)
        {
            int head = _head;
            if (head - _tail == _buffer.Length)
            {
                _dropped++;
                return false;
            }
            _buffer[head & _mask] = value;
            _head = head + 1;
            return true;
        }

        // Producer side. Writes what fits, drops the rest, returns the number written.
        public int Write(ReadOnlySpan<byte> data)
        {
            int head = _head;
            int room = _buffer.Length - (head - _tail);
            int count = data.Length < room ? data.Length : room;
            for (int i = 0; i < count; i++) _buffer[(head + i) & _mask] = data[i];
            _head = head + count;
            _dropped += data.Length - count;
            return count;
        }

        // Consumer side.
        public bool TryRead(out byte value)
        {
            int tail = _tail;
            if (tail == _head)
            {
                value = 0;
                return false;
            }
            value = _buffer[tail & _mask];
            _tail = tail + 1;
            return true;
        }

        // Consumer side: copies up to destination.Length bytes out, returns the count.
        public int Read(Span<byte> destination)
        {
            int tail = _tail;
            int available = _head - tail;
            int count = destination.Length < available ? destination.Length : available;
            for (int i = 0; i < count; i++) destination[i] = _buffer[(tail + i) & _mask];
            _tail = tail + count;
            return count;
        }
    }
}
