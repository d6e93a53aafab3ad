using System;

namespace ChargePoint.Drivers
{
    // What a DMA-capable driver needs of the machine: its registers, and RAM it shares with a bus
    // master, both by 32-bit bus address. On the device this is plain volatile memory access
    // (MmioBus); host tests hand the driver a register-level fake of the peripheral instead, so
    // a driver written against this interface runs unchanged on both.
    public interface IRegisterBus
    {
        uint Read32(uint address);
        void Write32(uint address, uint value);

        // Boot only: `bytes` of RAM that a DMA master can reach, aligned to `alignment` (a power of
        // two), zeroed; returns its bus address.
        uint AllocateDma(int bytes, int alignment);

        // CPU copies between a span and memory at a bus address (frame buffers).
        void CopyIn(uint address, ReadOnlySpan<byte> data);
        void CopyOut(uint address, Span<byte> destination);

        // DMB: what was written before is observed before what follows (descriptor fields before
        // the ownership bit, the ownership bit before the DMA poll demand).
        void MemoryBarrier();
    }
}
