using System;

namespace ChargePoint.Core.WebSocket
{
    // SHA-1 (FIPS 180-4 6.1), fed in pieces, in buffers made at construction. The WebSocket client
    // needs it for one check only, Sec-WebSocket-Accept (RFC 6455 4.1, 4.2.2): not for security.
    public sealed class Sha1
    {
        public const int DigestLength = 20;
        private const int BlockLength = 64;

        private readonly byte[] _block = new byte[BlockLength];
        private readonly uint[] _schedule = new uint[16];
        private uint _h0, _h1, _h2, _h3, _h4;
        private int _blockLength;
        private long _messageLength;

        public Sha1() { Reset(); }

        // FIPS 180-4 5.3.1: the initial hash value.
        public void Reset()
        {
            _h0 = 0x67452301;
            _h1 = 0xEFCDAB89;
            _h2 = 0x98BADCFE;
            _h3 = 0x10325476;
            _h4 = 0xC3D2E1F0;
            _blockLength = 0;
            _messageLength = 0;
        }

        public void Append(ReadOnlySpan<byte> data)
        {
            _messageLength += data.Length;
            int at = 0;
            while (at < data.Length)
            {
                if (_blockLength == 0 && data.Length - at >= BlockLength)
                {
                    Compress(data.Slice(at, BlockLength));
                    at += BlockLength;
                    continue;
                }
                int count = Math.Min(BlockLength - _blockLength, data.Length - at);
                data.Slice(at, count).CopyTo(new Span<byte>(_block, _blockLength, count));
                _blockLength += count;
                at += count;
                if (_blockLength == BlockLength)
                {
                    Compress(_block);
                    _blockLength = 0;
                }
            }
        }

        // Pads (FIPS 180-4 5.1.1), writes the 20-byte digest and starts over.
        public void Finish(Span<byte> digest)
        {
            ulong bits = (ulong)_messageLength << 3;
            _block[_blockLength++] = 0x80;
            if (_blockLength > BlockLength - 8)
            {
                new Span<byte>(_block, _blockLength, BlockLength - _blockLength).Clear();
                Compress(_block);
                _blockLength = 0;
            }
            new Span<byte>(_block, _blockLength, BlockLength - 8 - _blockLength).Clear();
            // Constant shifts only: a variable 64-bit shift is a runtime helper on ARM32.
            uint high = (uint)(bits >> 32), low = (uint)bits;
            WriteBigEndian(high, new Span<byte>(_block, 56, 4));
            WriteBigEndian(low, new Span<byte>(_block, 60, 4));
            Compress(_block);
            WriteBigEndian(_h0, digest.Slice(0, 4));
            WriteBigEndian(_h1, digest.Slice(4, 4));
            WriteBigEndian(_h2, digest.Slice(8, 4));
            WriteBigEndian(_h3, digest.Slice(12, 4));
            WriteBigEndian(_h4, digest.Slice(16, 4));
            Reset();
        }

        // FIPS 180-4 6.1.2, with the message schedule kept in 16 words (6.1.3's alternative method).
        private void Compress(ReadOnlySpan<byte> block)
        {
            uint[] w = _schedule;
            for (int t = 0; t < 16; t++)
                w[t] = (uint)block[4 * t] << 24 | (uint)block[4 * t + 1] << 16 | (uint)block[4 * t + 2] << 8 | block[4 * t + 3];
            uint a = _h0, b = _h1, c = _h2, d = _h3, e = _h4;
            for (int t = 0; t < 80; t++)
            {
                int s = t & 15;
                if (t >= 16)
                {
                    uint x = w[(s + 13) & 15] ^ w[(s + 8) & 15] ^ w[(s + 2) & 15] ^ w[s];
                    w[s] = x << 1 | x >> 31;
                }
                uint f, k;
                if (t < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
                else if (t < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
                else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
                else { f = b ^ c ^ d; k = 0xCA62C1D6; }
                uint temp = (a << 5 | a >> 27) + f + e + k + w[s];
                e = d;
                d = c;
                c = b << 30 | b >> 2;
                b = a;
                a = temp;
            }
            _h0 += a;
            _h1 += b;
            _h2 += c;
            _h3 += d;
            _h4 += e;
        }

        private static void WriteBigEndian(uint value, Span<byte> destination)
        {
            destination[0] = (byte)(value >> 24);
            destination[1] = (byte)(value >> 16);
            destination[2] = (byte)(value >> 8);
            destination[3] = (byte)value;
        }
    }
}
