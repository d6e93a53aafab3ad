using System;
using ChargePoint.Core.Buffers;
using Xunit;

namespace ChargePoint.Tests.Core
{
    public class ByteRingTests
    {
        [Fact]
        public void An_empty_ring_reads_nothing()
        {
            var ring = new ByteRing(8);
            Assert.True(ring.IsEmpty);
            Assert.False(ring.TryRead(out _));
            Assert.Equal(0, ring.Read(new byte[4]));
        }

        [Fact]
        public void Bytes_come_out_in_the_order_they_went_in_across_the_wrap()
        {
            var ring = new ByteRing(8);
            var output = new byte[8];
            byte next = 0, expected = 0;
            for (int round = 0; round < 50; round++)
            {
                for (int i = 0; i < 5; i++) Assert.True(ring.TryWrite(next++));
                int read = ring.Read(output.AsSpan(0, 5));
                Assert.Equal(5, read);
                for (int i = 0; i < read; i++) Assert.Equal(expected++, output[i]);
            }
            Assert.Equal(0, ring.Dropped);
        }

        [Fact]
        public void A_full_ring_drops_new_bytes_counts_them_and_keeps_the_old_ones()
        {
            var ring = new ByteRing(4);
            Assert.Equal(4, ring.Write(new byte[] { 1, 2, 3, 4 }));
            Assert.False(ring.TryWrite(5));
            Assert.Equal(0, ring.Write(new byte[] { 6, 7 }));
            Assert.Equal(3, ring.Dropped);
            Assert.Equal(0, ring.FreeSpace);

            var output = new byte[8];
            Assert.Equal(4, ring.Read(output));
            Assert.Equal(new byte[] { 1, 2, 3, 4 }, output.AsSpan(0, 4).ToArray());
        }

        [Fact]
        public void A_partial_write_takes_what_fits()
        {
            var ring = new ByteRing(4);
            ring.TryWrite(9);
            Assert.Equal(3, ring.Write(new byte[] { 1, 2, 3, 4, 5 }));
            Assert.Equal(2, ring.Dropped);
            Assert.Equal(4, ring.Count);
        }

        [Fact]
        public void Counters_survive_the_int_wraparound_of_the_positions()
        {
            // Free-running positions overflow after 2^31 bytes; Count must stay right across it.
            var ring = new ByteRing(16);
            var field = typeof(ByteRing).GetField("_head", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance);
            var tail = typeof(ByteRing).GetField("_tail", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance);
            field.SetValue(ring, int.MaxValue - 2);
            tail.SetValue(ring, int.MaxValue - 2);
            for (byte i = 0; i < 10; i++) Assert.True(ring.TryWrite(i));
            Assert.Equal(10, ring.Count);
            for (byte i = 0; i < 10; i++)
            {
                Assert.True(ring.TryRead(out byte value));
                Assert.Equal(i, value);
            }
            Assert.True(ring.IsEmpty);
        }

        [Theory]
        [InlineData(0, 2)]
        [InlineData(2, 2)]
        [InlineData(3, 4)]
        [InlineData(100, 128)]
        [InlineData(256, 256)]
        public void The_capacity_is_rounded_up_to_a_power_of_two(int asked, int capacity)
        {
            var ring = new ByteRing(asked);
            Assert.Equal(capacity, ring.Capacity);
            Assert.Equal(capacity, ring.Write(new byte[capacity + 5]));
        }
    }
}
