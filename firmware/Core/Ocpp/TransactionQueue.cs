using System;

namespace ChargePoint.Core.Ocpp
{
    // Every StartTransaction, MeterValues and StopTransaction goes out through this one queue, in
    // order. A message leaves it only once the central system has answered it (CompleteHead), so a
    // message sent on a link that then died is sent again after the reconnect. When the queue is
    // full, an intermediate MeterValues makes room (counted; chosen so the readings thin out
    // evenly over the outage); a Start or Stop is never dropped to make room. Fixed capacity,
    // made at boot.
    public sealed class TransactionQueue
    {
        public const int IdTagBytes = 20; // OCPP 1.6 IdToken: CiString20

        private readonly TransactionMessage[] _messages;
        private readonly byte[] _idTags;
        private readonly int[] _idTagLengths;
        private int _head;
        private int _count;
        private int _meterValuesDropped;

        // Local transaction id -> the central system's, for the transactions still in the queue.
        private readonly int[] _localIds;
        private readonly int[] _centralIds;
        private int _mapNext;

        public TransactionQueue(int capacity)
        {
            _messages = new TransactionMessage[capacity];
            _idTags = new byte[capacity * IdTagBytes];
            _idTagLengths = new int[capacity];
            _localIds = new int[capacity];
            _centralIds = new int[capacity];
        }

        public int Capacity => _messages.Length;
        public int Count => _count;
        public bool IsEmpty => _count == 0;
        public int MeterValuesDropped => _meterValuesDropped;

        // False only when the queue is full of Starts and Stops (nothing may be dropped for it).
        public bool TryEnqueue(in TransactionMessage message, ReadOnlySpan<byte> idTag)
        {
            if (_count == _messages.Length && !DropOldestMeterValues()) return false;
            int slot = (_head + _count) % _messages.Length;
            _messages[slot] = message;
            _messages[slot].Attempts = 0;
            int length = Math.Min(idTag.Length, IdTagBytes);
            idTag.Slice(0, length).CopyTo(new Span<byte>(_idTags, slot * IdTagBytes, IdTagBytes));
            _idTagLengths[slot] = length;
            _count++;
            return true;
        }

        // The oldest message (the one to send next). Its Attempts may be changed through the ref.
        public ref TransactionMessage Head => ref _messages[_head];
        public ReadOnlySpan<byte> HeadIdTag => new ReadOnlySpan<byte>(_idTags, _head * IdTagBytes, _idTagLengths[_head]);

        public ref TransactionMessage At(int index, out ReadOnlySpan<byte> idTag)
        {
            int slot = (_head + index) % _messages.Length;
            idTag = new ReadOnlySpan<byte>(_idTags, slot * IdTagBytes, _idTagLengths[slot]);
            return ref _messages[slot];
        }

        // The central system answered the head: it leaves the queue.
        public void CompleteHead()
        {
            if (_count == 0) return;
            _head = (_head + 1) % _messages.Length;
            _count--;
        }

        // Thinning: of the MeterValues that may go (never the head, which may be in flight; never a
        // Start or Stop), the one whose neighbours in its own transaction lie closest together in
        // time, so that a long outage keeps readings spread over all of it at a coarser interval
        // (periodic samples are halved evenly, oldest first on a tie) instead of losing its start.
        // The newest reading of a transaction goes last: it has no later neighbour.
        private bool DropOldestMeterValues()
        {
            int victim = -1;
            long best = long.MaxValue;
            for (int i = 1; i < _count; i++)
            {
                ref TransactionMessage m = ref _messages[(_head + i) % _messages.Length];
                if (m.Kind != TransactionMessageKind.MeterValues) continue;
                int previous = Neighbour(i, m.LocalTransactionId, -1);
                int next = Neighbour(i, m.LocalTransactionId, +1);
                long gap = next < 0 ? long.MaxValue - 1 : Moment(next) - (previous < 0 ? Moment(i) : Moment(previous));
                if (gap < best)
                {
                    best = gap;
                    victim = i;
                }
            }
            if (victim < 0) return false;
            for (int j = victim; j < _count - 1; j++)
            {
                int to = (_head + j) % _messages.Length;
                int from = (_head + j + 1) % _messages.Length;
                _messages[to] = _messages[from];
                new ReadOnlySpan<byte>(_idTags, from * IdTagBytes, IdTagBytes).CopyTo(new Span<byte>(_idTags, to * IdTagBytes, IdTagBytes));
                _idTagLengths[to] = _idTagLengths[from];
            }
            _count--;
            _meterValuesDropped++;
            return true;
        }

        // The index of the nearest message of the same transaction before (-1) or after (+1) index i; -1: none.
        private int Neighbour(int i, int localTransactionId, int step)
        {
            for (int k = i + step; k >= 0 && k < _count; k += step)
                if (_messages[(_head + k) % _messages.Length].LocalTransactionId == localTransactionId) return k;
            return -1;
        }

        // When the message at index i was taken (ms); the queue's order where the wall clock was not set.
        private long Moment(int i)
        {
            ref TransactionMessage m = ref _messages[(_head + i) % _messages.Length];
            return m.TimestampKnown ? m.TimestampSeconds * 1000 + m.TimestampMilliseconds : i;
        }

        // ---- transaction ids ------------------------------------------------------------------
        public void MapTransactionId(int localId, int centralId)
        {
            for (int i = 0; i < _localIds.Length; i++)
            {
                if (_localIds[i] == localId)
                {
                    _centralIds[i] = centralId;
                    return;
                }
            }
            _localIds[_mapNext] = localId;
            _centralIds[_mapNext] = centralId;
            _mapNext = (_mapNext + 1) % _localIds.Length;
        }

        // The central system's id for a local one; false while StartTransaction is unanswered.
        public bool TryGetCentralId(int localId, out int centralId)
        {
            for (int i = 0; i < _localIds.Length; i++)
            {
                if (_localIds[i] == localId && localId != 0)
                {
                    centralId = _centralIds[i];
                    return true;
                }
            }
            centralId = 0;
            return false;
        }
    }
}
