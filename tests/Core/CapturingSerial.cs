using System;
using System.Collections.Generic;
using System.Text;
using ChargePoint.Core;

namespace ChargePoint.Tests.Core
{
    // An ISerialOut that keeps every byte written, with room reserved up front so that writing
    // into it does not allocate (the zero-allocation tests use it too).
    public sealed class CapturingSerial : ISerialOut
    {
        private readonly byte[] _bytes;
        private int _length;

        public CapturingSerial(int capacity = 1 << 16) { _bytes = new byte[capacity]; }

        public int Writes { get; private set; }

        public void Write(ReadOnlySpan<byte> data)
        {
            data.CopyTo(_bytes.AsSpan(_length));
            _length += data.Length;
            Writes++;
        }

        public void Clear() { _length = 0; Writes = 0; }

        public byte[] Bytes => _bytes.AsSpan(0, _length).ToArray();

        public string Text => Encoding.UTF8.GetString(_bytes, 0, _length);
    }
}
