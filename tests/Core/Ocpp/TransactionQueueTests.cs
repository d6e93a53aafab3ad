using System;
using ChargePoint.Core.Ocpp;
using Xunit;

namespace ChargePoint.Tests.Core.Ocpp
{
    public class TransactionQueueTests
    {
        private static TransactionMessage Message(TransactionMessageKind kind, int local, long wh) =>
            new TransactionMessage { Kind = kind, ConnectorId = 1, LocalTransactionId = local, MeterWh = wh, TimestampSeconds = 1707890823 + wh, TimestampKnown = true };

        [Fact]
        public void Messages_leave_in_order_and_only_when_completed()
        {
            var queue = new TransactionQueue(8);
            Assert.True(queue.TryEnqueue(Message(TransactionMessageKind.StartTransaction, 1, 7), "ZepId00"u8));
            Assert.True(queue.TryEnqueue(Message(TransactionMessageKind.MeterValues, 1, 8), default));
            Assert.True(queue.TryEnqueue(Message(TransactionMessageKind.StopTransaction, 1, 9), "ZepId00"u8));
            Assert.Equal(TransactionMessageKind.StartTransaction, queue.Head.Kind);
            Assert.Equal("ZepId00"u8.ToArray(), queue.HeadIdTag.ToArray());
            queue.Head.Attempts++;
            Assert.Equal(TransactionMessageKind.StartTransaction, queue.Head.Kind); // peeking does not remove
            Assert.Equal(1, queue.Head.Attempts);
            queue.CompleteHead();
            Assert.Equal(TransactionMessageKind.MeterValues, queue.Head.Kind);
            queue.CompleteHead();
            Assert.Equal(9, queue.Head.MeterWh);
            queue.CompleteHead();
            Assert.True(queue.IsEmpty);
        }

        [Fact]
        public void A_full_queue_drops_the_oldest_intermediate_meter_value_never_a_start_or_stop()
        {
            var queue = new TransactionQueue(4);
            queue.TryEnqueue(Message(TransactionMessageKind.StartTransaction, 1, 7), "A"u8);
            queue.TryEnqueue(Message(TransactionMessageKind.MeterValues, 1, 8), default);
            queue.TryEnqueue(Message(TransactionMessageKind.MeterValues, 1, 9), default);
            queue.TryEnqueue(Message(TransactionMessageKind.MeterValues, 1, 10), default);
            Assert.True(queue.TryEnqueue(Message(TransactionMessageKind.StopTransaction, 1, 11), "A"u8));
            Assert.Equal(1, queue.MeterValuesDropped);
            long[] left = new long[4];
            for (int i = 0; i < 4; i++) { left[i] = queue.Head.MeterWh; queue.CompleteHead(); }
            Assert.Equal(new long[] { 7, 9, 10, 11 }, left);
        }

        // A long outage: readings every 10 s for 20 minutes into a queue of 16. What is left spans
        // the whole outage at a coarser, even interval; the Start and the Stop are all there.
        [Fact]
        public void Thinning_keeps_readings_spread_over_the_whole_outage()
        {
            var queue = new TransactionQueue(16);
            queue.TryEnqueue(Message(TransactionMessageKind.StartTransaction, 1, 0), "A"u8);
            for (int t = 10; t <= 1200; t += 10)
                Assert.True(queue.TryEnqueue(Message(TransactionMessageKind.MeterValues, 1, t), default));
            Assert.True(queue.TryEnqueue(Message(TransactionMessageKind.StopTransaction, 1, 1205), "A"u8));
            Assert.Equal(16, queue.Count);
            Assert.Equal(120 + 2 - 16, queue.MeterValuesDropped);
            var kept = new System.Collections.Generic.List<long>();
            var kinds = new System.Collections.Generic.List<TransactionMessageKind>();
            while (!queue.IsEmpty) { kept.Add(queue.Head.MeterWh); kinds.Add(queue.Head.Kind); queue.CompleteHead(); }
            Assert.Equal(TransactionMessageKind.StartTransaction, kinds[0]);
            Assert.Equal(TransactionMessageKind.StopTransaction, kinds[^1]);
            for (int i = 1; i < kept.Count; i++) Assert.True(kept[i] > kept[i - 1], "in order");
            // Spread: readings from the first and the last fifth of the outage survive, and no gap
            // between kept readings is more than twice the even spacing (1200 s / 14 readings).
            Assert.Contains(kept, wh => wh > 0 && wh <= 240);
            Assert.Contains(kept, wh => wh >= 960 && wh <= 1200);
            for (int i = 1; i < kept.Count; i++) Assert.True(kept[i] - kept[i - 1] <= 2 * 1200 / 14 + 10, $"gap {kept[i - 1]}..{kept[i]}");
        }

        [Fact]
        public void A_queue_full_of_starts_and_stops_refuses_more_rather_than_drop_one()
        {
            var queue = new TransactionQueue(2);
            queue.TryEnqueue(Message(TransactionMessageKind.StartTransaction, 1, 7), "A"u8);
            queue.TryEnqueue(Message(TransactionMessageKind.StopTransaction, 1, 8), "A"u8);
            Assert.False(queue.TryEnqueue(Message(TransactionMessageKind.StartTransaction, 2, 9), "B"u8));
            Assert.Equal(2, queue.Count);
        }

        [Fact]
        public void The_central_systems_transaction_id_is_found_by_the_local_id()
        {
            var queue = new TransactionQueue(4);
            Assert.False(queue.TryGetCentralId(3, out _));
            queue.MapTransactionId(3, 1041);
            queue.MapTransactionId(4, 1042);
            Assert.True(queue.TryGetCentralId(3, out int central));
            Assert.Equal(1041, central);
            queue.MapTransactionId(3, 2000);
            queue.TryGetCentralId(3, out central);
            Assert.Equal(2000, central);
        }

        [Fact]
        public void The_ring_wraps_without_losing_order_or_id_tags()
        {
            var queue = new TransactionQueue(3);
            for (int i = 0; i < 20; i++)
            {
                queue.TryEnqueue(Message(TransactionMessageKind.StartTransaction, i + 1, i), new[] { (byte)('a' + i) });
                Assert.Equal(i, queue.Head.MeterWh);
                Assert.Equal((byte)('a' + i), queue.HeadIdTag[0]);
                queue.CompleteHead();
            }
        }
    }
}
