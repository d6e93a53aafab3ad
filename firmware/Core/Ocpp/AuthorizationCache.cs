using System;

namespace ChargePoint.Core.Ocpp
{
    // The Authorization Cache (OCPP 1.6 3.5.1): the latest IdTagInfo the central system gave for
    // each idTag it was asked about (Authorize.conf, StartTransaction.conf, StopTransaction.conf),
    // valid and not valid alike, with its expiryDate. A fixed number of entries made at boot; when
    // full, a new idTag takes the place of the oldest not-valid entry, or else of the oldest valid
    // one (3.5.1: "remove any NOT-valid entries, and then, if necessary, the oldest valid
    // entries"; one entry is removed per new idTag, so as much as possible stays known). An
    // entry whose expiryDate has passed is changed to Expired when it is looked up (3.5.1). Kept
    // in RAM: it does not survive a reboot (3.5.1 SHOULD persist it; part 2's journal may).
    public sealed class AuthorizationCache
    {
        public const int DefaultCapacity = 16;

        private readonly byte[] _idTags;
        private readonly int[] _idTagLengths;
        private readonly AuthorizationStatus[] _status;
        private readonly bool[] _expires;
        private readonly long[] _expirySeconds;
        private readonly int[] _expiryMilliseconds;
        private readonly long[] _updated;   // the update counter's value at the entry's last update
        private long _updates;
        private int _count;

        public AuthorizationCache(int capacity = DefaultCapacity)
        {
            _idTags = new byte[capacity * TransactionQueue.IdTagBytes];
            _idTagLengths = new int[capacity];
            _status = new AuthorizationStatus[capacity];
            _expires = new bool[capacity];
            _expirySeconds = new long[capacity];
            _expiryMilliseconds = new int[capacity];
            _updated = new long[capacity];
        }

        public int Capacity => _idTagLengths.Length;
        public int Count => _count;

        // OCPP 1.6 3.5.1: "When an IdTagInfo is received for an identifier in the Cache, it SHALL
        // be updated"; a new identifier is added. `expires` false: no expiryDate was given.
        public void Update(ReadOnlySpan<byte> idTag, AuthorizationStatus status, bool expires, long expirySeconds, int expiryMilliseconds)
        {
            if (idTag.IsEmpty || idTag.Length > TransactionQueue.IdTagBytes) return;
            int slot = IndexOf(idTag);
            if (slot < 0)
            {
                if (_count < Capacity) slot = _count++;
                else slot = Victim();
                idTag.CopyTo(new Span<byte>(_idTags, slot * TransactionQueue.IdTagBytes, TransactionQueue.IdTagBytes));
                _idTagLengths[slot] = idTag.Length;
            }
            _status[slot] = status;
            _expires[slot] = expires;
            _expirySeconds[slot] = expirySeconds;
            _expiryMilliseconds[slot] = expiryMilliseconds;
            _updated[slot] = ++_updates;
        }

        // The cached status of `idTag`, Expired once its expiryDate has passed. `clockSet` false:
        // the time is unknown, so an entry with an expiryDate cannot be shown valid and reads as
        // Expired (without being changed).
        public bool TryGet(ReadOnlySpan<byte> idTag, bool clockSet, long nowSeconds, int nowMilliseconds, out AuthorizationStatus status)
        {
            int slot = IndexOf(idTag);
            if (slot < 0)
            {
                status = AuthorizationStatus.Invalid;
                return false;
            }
            status = _status[slot];
            if (_expires[slot] && status != AuthorizationStatus.Expired)
            {
                if (!clockSet) status = AuthorizationStatus.Expired;
                else if (_expirySeconds[slot] < nowSeconds || (_expirySeconds[slot] == nowSeconds && _expiryMilliseconds[slot] <= nowMilliseconds))
                    status = _status[slot] = AuthorizationStatus.Expired;
            }
            return true;
        }

        // ClearCache.req (OCPP 1.6 5.4).
        public void Clear()
        {
            _count = 0;
        }

        // IdToken is a CiString20Type (OCPP 1.6 section 7): compared without regard to ASCII case.
        private int IndexOf(ReadOnlySpan<byte> idTag)
        {
            for (int i = 0; i < _count; i++)
            {
                if (_idTagLengths[i] != idTag.Length) continue;
                ReadOnlySpan<byte> cached = new ReadOnlySpan<byte>(_idTags, i * TransactionQueue.IdTagBytes, _idTagLengths[i]);
                if (EqualsIgnoringCase(cached, idTag)) return i;
            }
            return -1;
        }

        // The entry a new idTag replaces in a full cache: the oldest not valid one, else the oldest.
        private int Victim()
        {
            int oldestInvalid = -1, oldest = 0;
            for (int i = 0; i < _count; i++)
            {
                if (_updated[i] < _updated[oldest]) oldest = i;
                if (!IsValid(_status[i]) && (oldestInvalid < 0 || _updated[i] < _updated[oldestInvalid])) oldestInvalid = i;
            }
            return oldestInvalid >= 0 ? oldestInvalid : oldest;
        }

        // Valid as 3.5.2 names it: Accepted (and ConcurrentTx, an accepted id already in use).
        private static bool IsValid(AuthorizationStatus status) =>
            status == AuthorizationStatus.Accepted || status == AuthorizationStatus.ConcurrentTx;

        private static bool EqualsIgnoringCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
        {
            for (int i = 0; i < a.Length; i++)
            {
                int x = a[i] >= 'A' && a[i] <= 'Z' ? a[i] | 0x20 : a[i];
                int y = b[i] >= 'A' && b[i] <= 'Z' ? b[i] | 0x20 : b[i];
                if (x != y) return false;
            }
            return true;
        }
    }
}
