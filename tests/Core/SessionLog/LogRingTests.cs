using System;
using System.Collections.Generic;
using System.Text;
using ChargePoint.Core.SessionLog;
using Xunit;

namespace ChargePoint.Tests.Core.SessionLog
{
    public class LogRingTests
    {
        private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

        // Everything the consumer can take now, taken.
        private static string Drain(LogRing ring, int chunk = int.MaxValue)
        {
            var text = new StringBuilder();
            while (!ring.IsEmpty)
            {
                ReadOnlySpan<byte> piece = ring.Peek();
                int count = Math.Min(chunk, piece.Length);
                text.Append(Encoding.ASCII.GetString(piece.Slice(0, count)));
                ring.Consume(count);
            }
            return text.ToString();
        }

        [Fact]
        public void The_capacity_is_a_power_of_two_of_at_least_256()
        {
            Assert.Equal(256, new LogRing(1).Capacity);
            Assert.Equal(16384, new LogRing(16384).Capacity);
            Assert.Equal(32768, new LogRing(16385).Capacity);
        }

        [Fact]
        public void Lines_come_out_in_order_across_the_wrap()
        {
            var ring = new LogRing(256) { Overwrite = false };
            var expected = new StringBuilder();
            var seen = new StringBuilder();
            for (int i = 0; i < 100; i++)
            {
                string line = $"[METER] Conn1: {i} Wh (reading #{i + 1})\r\n";
                Assert.True(ring.TryWrite(Ascii(line)));
                expected.Append(line);
                // Taken in small pieces, so the read position crosses the end of the buffer mid-line.
                if (i % 3 == 2) seen.Append(Drain(ring, 7));
            }
            seen.Append(Drain(ring, 5));
            Assert.Equal(expected.ToString(), seen.ToString());
            Assert.Equal(expected.Length, ring.AcceptedBytes);
            Assert.Equal(0, ring.LostBytes);
            Assert.Equal(0, ring.RefusedBytes);
        }

        [Fact]
        public void Peek_stops_at_the_end_of_the_buffer_and_gives_the_rest_after_it()
        {
            var ring = new LogRing(256) { Overwrite = false };
            ring.TryWrite(new byte[200]);
            ring.Consume(200);
            ring.TryWrite(Ascii(new string('x', 99) + "\n"));
            Assert.Equal(56, ring.Peek().Length);
            ring.Consume(56);
            Assert.Equal(44, ring.Peek().Length);
        }

        [Fact]
        public void While_the_port_is_open_a_line_that_does_not_fit_is_refused_whole_and_counted()
        {
            var ring = new LogRing(256) { Overwrite = false };
            string line = new string('a', 99) + "\n";
            Assert.True(ring.TryWrite(Ascii(line)));
            Assert.True(ring.TryWrite(Ascii(line)));
            Assert.False(ring.TryWrite(Ascii(line))); // 56 free
            Assert.Equal(100, ring.RefusedBytes);
            Assert.Equal(200, ring.Count);
            Assert.True(ring.TryWrite(Ascii(new string('b', 55) + "\n")));
            Assert.Equal(0, ring.Free);
            Assert.Equal(line + line + new string('b', 55) + "\n", Drain(ring));
            Assert.Equal(0, ring.LostBytes);
        }

        [Fact]
        public void A_line_longer_than_the_ring_is_refused_even_while_overwriting()
        {
            var ring = new LogRing(256);
            Assert.True(ring.TryWrite(Ascii("kept\n")));
            Assert.False(ring.TryWrite(new byte[257]));
            Assert.Equal(257, ring.RefusedBytes);
            Assert.Equal("kept\n", Drain(ring));
        }

        [Fact]
        public void While_the_port_is_closed_the_oldest_whole_lines_give_way_and_are_counted()
        {
            var ring = new LogRing(256); // Overwrite: the port is not open yet
            var lines = new List<string>();
            for (int i = 0; i < 40; i++)
            {
                string line = $"[METER] Conn1: {i} Wh (reading #{i + 1})\r\n";
                lines.Add(line);
                Assert.True(ring.TryWrite(Ascii(line)));
            }
            string held = Drain(ring);
            // What is left is whole lines, the newest ones, and everything else was counted lost.
            Assert.EndsWith(lines[39], held);
            Assert.StartsWith("[METER] ", held);
            int total = 0;
            foreach (string line in lines) total += line.Length;
            Assert.Equal(total, ring.AcceptedBytes);
            Assert.Equal(total - held.Length, ring.LostBytes);
            Assert.Equal(0, ring.RefusedBytes);
            int kept = held.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length;
            Assert.Equal(40 - kept, ring.LostMeterLines);
            Assert.Equal(0, ring.LostHighRateLines);
            Assert.Equal(total - held.Length, ring.TakeUnreportedLoss());
            Assert.Equal(0, ring.TakeUnreportedLoss());
        }

        [Fact]
        public void An_overwritten_line_is_counted_by_its_kind()
        {
            var ring = new LogRing(256);
            ring.TryWrite(Ascii("[00:00:17.197,000] [METER] Conn1: 7 Wh (reading #1)\r\n"));
            ring.TryWrite(Ascii("[HR] 1 17197000 230000 15652 3600 7000\r\n"));
            ring.TryWrite(Ascii("[00:00:17.197,000] [START] Connector 1: ID=ZepId00\r\n"));
            ring.TryWrite(Ascii("[HR] 1 17198000 230000 15652 3600 7001\r\n"));
            ring.TryWrite(new byte[255 - 46]); // unterminated filler; what came before must go
            ring.TryWrite(Ascii(new string('z', 200) + "\n"));
            Assert.Equal(1, ring.LostMeterLines);
            Assert.Equal(2, ring.LostHighRateLines);
        }

        [Fact]
        public void Prepended_bytes_are_read_first()
        {
            var ring = new LogRing(256) { Overwrite = false };
            ring.TryWrite(Ascii("[START] Connector 1: ID=ZepId00\r\n"));
            Assert.True(ring.TryPrepend(Ascii("[LOST] 5 bytes dropped while no host was connected\r\n")));
            Assert.True(ring.TryPrepend(Ascii("header\r\n")));
            Assert.Equal("header\r\n[LOST] 5 bytes dropped while no host was connected\r\n[START] Connector 1: ID=ZepId00\r\n", Drain(ring));
            Assert.False(ring.TryPrepend(new byte[257]));
        }

        [Fact]
        public void Make_room_frees_whole_lines_whatever_the_mode()
        {
            var ring = new LogRing(256) { Overwrite = false };
            for (int i = 0; i < 5; i++) ring.TryWrite(Ascii(new string((char)('a' + i), 49) + "\n")); // 250 bytes
            ring.MakeRoom(60);
            Assert.Equal(150, ring.Count);
            Assert.Equal(100, ring.LostBytes);
            Assert.StartsWith("ccc", Drain(ring));
        }

        [Fact]
        public void The_rest_of_a_half_sent_line_is_discarded_when_the_port_closes()
        {
            var ring = new LogRing(256) { Overwrite = false };
            ring.TryWrite(Ascii("[STOP] Connector 1: Session ended\r\n[STOP] Connector 2: Session ended\r\n"));
            Assert.Equal(0, ring.DiscardRestOfLine()); // nothing taken yet: on a line start
            ring.Consume(10);
            Assert.Equal(25, ring.DiscardRestOfLine());
            Assert.Equal(25, ring.LostBytes);
            Assert.Equal("[STOP] Connector 2: Session ended\r\n", Drain(ring));
            Assert.Equal(0, ring.DiscardRestOfLine());
        }

        [Fact]
        public void The_producer_never_waits_a_thousand_lines_into_a_ring_nobody_reads()
        {
            var ring = new LogRing(1024) { Overwrite = false };
            byte[] line = Ascii("[HR] 1 17197000 230000 15652 3600 7000\r\n");
            int written = 0;
            for (int i = 0; i < 1000; i++)
                if (ring.TryWrite(line)) written++;
            Assert.Equal(1024 / line.Length, written);
            Assert.Equal((1000 - written) * (long)line.Length, ring.RefusedBytes);

            ring.Overwrite = true;
            for (int i = 0; i < 1000; i++) Assert.True(ring.TryWrite(line));
            Assert.Equal(written, ring.Count / line.Length);
        }
    }
}
