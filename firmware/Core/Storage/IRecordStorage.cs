using System;

namespace ChargePoint.Core.Storage
{
    // One erasable region of non-volatile memory, with NOR flash rules: Erase sets every byte to
    // 0xFF, and a Write may only program bytes that are still erased (writing over a programmed
    // byte fails, and nothing of that write is programmed). Writes go in whole 32-bit words: the
    // offset and the length are multiples of 4 (the STM32F7's x32 programming unit; a word is
    // never programmed twice). Every call is bounded and reports failure instead of throwing.
    // Implementations: RamRecordStorage (RAM, QEMU for now), Stm32Flash (a flash sector).
    public interface IRecordStorage
    {
        int Size { get; }

        // False (and `destination` unspecified) when the range is outside the region.
        bool Read(int offset, Span<byte> destination);

        // False when the range is outside the region or not whole words, when any target byte
        // is not erased (nothing is written then), or when the memory refused the programming.
        bool Write(int offset, ReadOnlySpan<byte> data);

        // The whole region back to 0xFF. False when the memory did not erase it.
        bool Erase();
    }
}
