using System;
using ChargePoint.Core.Storage;

namespace ChargePoint.Tests.Core.Storage
{
    // What the power cuts of a test draw on: every programmed or erased byte takes one unit,
    // and when none is left nothing more reaches the storage (the code goes on running, as it
    // would for the microseconds before the supply collapses, but nothing it writes lands).
    public sealed class PowerSupply
    {
        public long Remaining = long.MaxValue;

        public bool IsCut => Remaining <= 0;

        public bool Take()
        {
            if (Remaining <= 0) return false;
            Remaining--;
            return true;
        }
    }

    // A region of test flash: the IRecordStorage rules (NOR, whole words), its bytes open to the
    // test, and a power supply that can fail in the middle of a write (a torn record: a prefix
    // programmed, the rest still erased) or of an erase (from the end backwards, so a region
    // header can outlive half of its records).
    public sealed class TestRegion : IRecordStorage
    {
        public readonly byte[] Bytes;
        public PowerSupply Power;
        public int Erases;
        public int Writes;

        public TestRegion(int size, PowerSupply power = null)
        {
            Bytes = new byte[size];
            Bytes.AsSpan().Fill(0xFF);
            Power = power ?? new PowerSupply();
        }

        public int Size => Bytes.Length;

        public bool Read(int offset, Span<byte> destination)
        {
            if (offset < 0 || offset > Bytes.Length - destination.Length) return false;
            Bytes.AsSpan(offset, destination.Length).CopyTo(destination);
            return true;
        }

        public bool Write(int offset, ReadOnlySpan<byte> data)
        {
            if (offset < 0 || offset > Bytes.Length - data.Length || offset % 4 != 0 || data.Length % 4 != 0) return false;
            for (int i = 0; i < data.Length; i++)
                if (Bytes[offset + i] != 0xFF) return false;
            Writes++;
            for (int i = 0; i < data.Length; i++)
            {
                if (!Power.Take()) return false;
                Bytes[offset + i] = data[i];
            }
            return true;
        }

        public bool Erase()
        {
            Erases++;
            for (int i = Bytes.Length - 1; i >= 0; i--)
            {
                if (!Power.Take()) return false;
                Bytes[i] = 0xFF;
            }
            return true;
        }

        public TestRegion Copy(PowerSupply power)
        {
            var copy = new TestRegion(Bytes.Length, power);
            Bytes.CopyTo(copy.Bytes, 0);
            return copy;
        }
    }
}
