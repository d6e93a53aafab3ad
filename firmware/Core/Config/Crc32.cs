using System;

namespace ChargePoint.Core.Config
{
    // CRC-32 of IEEE 802.3, as zlib's crc32() and Python's zlib.crc32() compute it: reflected,
    // polynomial 0xEDB88320, initial value and final xor 0xFFFFFFFF. Bit by bit: the configuration
    // block is checked once at boot, so a 1 KiB table would cost flash for nothing.
    public static class Crc32
    {
        public static uint Compute(ReadOnlySpan<byte> data)
        {
            uint crc = 0xFFFFFFFF;
            for (int i = 0; i < data.Length; i++)
            {
                crc ^= data[i];
                for (int bit = 0; bit < 8; bit++)
                    crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
            return crc ^ 0xFFFFFFFF;
        }
    }
}
