using System;

namespace ChargePoint.Core.Storage
{
    // IRecordStorage in RAM, with the same NOR rules as the flash (so what works here works on the
    // board): a byte array (host tests), or memory the image keeps across a reset (QEMU: the
    // .noinit RAM of native/persist.c, so the records survive a Reset until QEMU is quit).
    public sealed unsafe class RamRecordStorage : IRecordStorage
    {
        private const int WordBytes = 4;
        private readonly byte[] _array;
        private readonly byte* _memory;
        private readonly int _size;

        // Boot only. `size` a multiple of 4; starts erased, like a new flash sector.
        public RamRecordStorage(int size)
        {
            _array = new byte[size & ~(WordBytes - 1)];
            _size = _array.Length;
            Bytes.Fill(0xFF);
        }

        // Over memory that outlives this object (and the boot): kept as it is, whatever it holds
        // (the record log recognises what is not its own).
        public RamRecordStorage(byte* memory, int size)
        {
            _memory = memory;
            _size = size & ~(WordBytes - 1);
        }

        private Span<byte> Bytes => _array != null ? new Span<byte>(_array) : new Span<byte>(_memory, _size);

        public int Size => _size;

        public int Erases { get; private set; }

        public bool Read(int offset, Span<byte> destination)
        {
            if (!InRange(offset, destination.Length)) return false;
            Bytes.Slice(offset, destination.Length).CopyTo(destination);
            return true;
        }

        public bool Write(int offset, ReadOnlySpan<byte> data)
        {
            if (!InRange(offset, data.Length) || (offset & (WordBytes - 1)) != 0 || (data.Length & (WordBytes - 1)) != 0)
                return false;
            Span<byte> target = Bytes.Slice(offset, data.Length);
            for (int i = 0; i < data.Length; i++)
                if (target[i] != 0xFF) return false;
            data.CopyTo(target);
            return true;
        }

        public bool Erase()
        {
            Bytes.Fill(0xFF);
            Erases++;
            return true;
        }

        private bool InRange(int offset, int length) =>
            offset >= 0 && length >= 0 && offset <= _size - length;
    }
}
