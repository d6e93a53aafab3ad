using System;

namespace ChargePoint.Drivers
{
    // IRegisterBus on the real machine: volatile loads and stores (Mmio), DMA memory from the boot
    // heap. Nothing moves objects here, so an array's address is stable for the life of the image.
    public sealed unsafe class MmioBus : IRegisterBus
    {
        public uint Read32(uint address) => Mmio.Read32(address);
        public void Write32(uint address, uint value) => Mmio.Write32(address, value);

        public uint AllocateDma(int bytes, int alignment)
        {
            byte[] block = new byte[bytes + alignment];
            fixed (byte* start = block)
            {
                uint address = (uint)start;
                return (address + (uint)alignment - 1) & ~((uint)alignment - 1);
            }
        }

        public void CopyIn(uint address, ReadOnlySpan<byte> data) => data.CopyTo(new Span<byte>((void*)address, data.Length));
        public void CopyOut(uint address, Span<byte> destination) => new ReadOnlySpan<byte>((void*)address, destination.Length).CopyTo(destination);
        public void MemoryBarrier() => Barrier.DataMemory();
    }
}
