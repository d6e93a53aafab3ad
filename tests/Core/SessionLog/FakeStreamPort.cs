using System;
using System.Text;
using ChargePoint.Core.SessionLog;

namespace ChargePoint.Tests.Core.SessionLog
{
    // An IStreamPort a test opens and closes, that takes at most TakeLimit bytes per Write
    // (a host that reads slowly; 0: takes nothing) and keeps what it took, in room reserved up front
    // (the zero-allocation tests write into it too).
    public sealed class FakeStreamPort : IStreamPort
    {
        private readonly byte[] _bytes;
        private int _length;

        public FakeStreamPort(int capacity = 1 << 22) { _bytes = new byte[capacity]; }

        public bool IsOpen { get; set; } = true;
        public int TakeLimit { get; set; } = int.MaxValue;
        public int Writes { get; private set; }

        public int Write(ReadOnlySpan<byte> data)
        {
            Writes++;
            if (!IsOpen) return 0;
            int count = Math.Min(Math.Min(data.Length, TakeLimit), _bytes.Length - _length);
            data.Slice(0, count).CopyTo(_bytes.AsSpan(_length));
            _length += count;
            return count;
        }

        public int Length => _length;
        public void Clear() => _length = 0;
        public string Text => Encoding.UTF8.GetString(_bytes, 0, _length);
    }
}
