using System;
using ChargePoint.Core.Storage;

namespace ChargePoint.Core.Ocpp.Configuration
{
    // Keeps the configuration keys a central system changed (OCPP 1.6 5.3 ChangeConfiguration,
    // and the firmware's own TrySet) across a reboot, as records "name=value" in a RecordLog.
    //
    // Restore (boot, before anything reads the configuration) walks the log; for every key only
    // its latest record counts, and goes back through ConfigurationStore.TryRestore, checked like
    // a ChangeConfiguration: a latest record that no longer validates (the firmware narrowed a
    // range, dropped a key) is skipped and counted, and that key keeps its default rather than
    // an older value the central system had replaced. SaveIfChanged (scheduler context, never an
    // interrupt) appends a record for each key whose value differs from what the log already
    // restores, and only when ConfigurationStore.Version moved. A key changed back to its
    // default gets a record too (the log must stop restoring the old value); when the log
    // compacts, keys at their default are left out.
    //
    // Values are written as FormatStoredValue spells them, write-only keys included: the
    // AuthorizationKey (the basic-auth password) is in the log in clear, like the configuration
    // block's password. Nothing allocates after the constructor.
    public sealed class ConfigurationPersistence : IRecordSource
    {
        // "-2147483648" and "false" are the longest integer and boolean values.
        private const int LongestNumber = 11;
        private const byte Separator = (byte)'=';

        private readonly ConfigurationStore _store;
        private readonly RecordLog _log;
        // Records are composed in one buffer for SaveIfChanged and another for the compaction it
        // may start (see IRecordSource).
        private readonly byte[] _record;
        private readonly byte[] _liveRecord;
        // What the log restores for each key: its value as FormatStoredValue wrote it.
        private readonly byte[] _saved;
        private readonly int[] _savedStart;
        private readonly int[] _savedLength;
        // Restore: the ordinal of each key's latest record.
        private readonly int[] _latest;

        private int _savedVersion;
        private int _failedVersion = -1;
        private bool _restored; // before Restore the log is not open: saving would format it

        // Boot only. The log's MaxPayload should be at least RecordBytes(store); a key whose
        // record does not fit is never saved (and counted in SaveFailures).
        public ConfigurationPersistence(ConfigurationStore store, RecordLog log)
        {
            _store = store;
            _log = log;
            _record = new byte[log.MaxPayload];
            _liveRecord = new byte[log.MaxPayload];
            _savedStart = new int[store.Count];
            _savedLength = new int[store.Count];
            _latest = new int[store.Count];
            int bytes = 0;
            for (int i = 0; i < store.Count; i++)
            {
                _savedStart[i] = bytes;
                bytes += ValueCapacity(store, i);
            }
            _saved = new byte[bytes];
            Remember();
        }

        // The longest record any key of `store` needs: size the RecordLog's MaxPayload with it.
        public static int RecordBytes(ConfigurationStore store)
        {
            int longest = 0;
            for (int i = 0; i < store.Count; i++)
                longest = Math.Max(longest, store.NameOf(i).Length + 1 + ValueCapacity(store, i));
            return longest;
        }

        // Restore's counts: keys given back their saved value; latest records that were refused
        // (no such key any more, read-only, a value that no longer validates, no '='); and what
        // the log itself skipped (bad CRC, torn writes).
        public int Restored { get; private set; }
        public int Rejected { get; private set; }
        public int Corrupt => _log.CorruptRecords;

        // SaveIfChanged's counts: records written since boot, and saves that failed (retried
        // at the next change of the configuration, not before: a failing flash is not hammered).
        public int RecordsSaved { get; private set; }
        public int SaveFailures { get; private set; }

        public RecordLog Log => _log;

        // Boot, once, before the store is used: returns how many keys got their saved value back.
        public int Restore()
        {
            Restored = 0;
            Rejected = 0;
            _log.Open();
            for (int i = 0; i < _latest.Length; i++) _latest[i] = -1;

            RecordCursor cursor = _log.Start();
            for (int ordinal = 0; _log.ReadNext(ref cursor, out ReadOnlySpan<byte> record); ordinal++)
            {
                if (Split(record, out ReadOnlySpan<byte> name, out _) && _store.TryFind(name, out int index))
                    _latest[index] = ordinal;
            }

            cursor = _log.Start();
            for (int ordinal = 0; _log.ReadNext(ref cursor, out ReadOnlySpan<byte> record); ordinal++)
            {
                if (!Split(record, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value))
                {
                    Rejected++;
                    continue;
                }
                if (_store.TryFind(name, out int index) && _latest[index] != ordinal) continue; // superseded
                if (_store.TryRestore(name, value) == ConfigurationStatus.Accepted) Restored++;
                else Rejected++;
            }
            Remember();
            _restored = true;
            return Restored;
        }

        // Scheduler context, after a ChangeConfiguration (cheap when nothing changed: one
        // comparison). May compact the log, which on the STM32 erases a flash sector. Does
        // nothing before Restore.
        public void SaveIfChanged()
        {
            int version = _store.Version;
            if (!_restored || version == _savedVersion || version == _failedVersion) return;
            for (int i = 0; i < _store.Count; i++)
            {
                if (_store.IsReadOnly(i)) continue;
                int length = Compose(_record, i, out int valueAt);
                if (length < 0)
                {
                    SaveFailures++;
                    continue;
                }
                ReadOnlySpan<byte> value = new ReadOnlySpan<byte>(_record, valueAt, length - valueAt);
                if (value.SequenceEqual(Saved(i))) continue;

                int compactions = _log.Compactions;
                if (!_log.Append(new ReadOnlySpan<byte>(_record, 0, length), this))
                {
                    SaveFailures++;
                    _failedVersion = version;
                    return;
                }
                RecordsSaved++;
                // A compaction wrote every key's current value: the log now holds them all.
                if (_log.Compactions != compactions) Remember();
                else Keep(i, value);
            }
            _savedVersion = version;
        }

        // IRecordSource: the live set is every writable key that is not at its default.
        public bool WriteLiveRecords(RecordLog log)
        {
            for (int i = 0; i < _store.Count; i++)
            {
                if (_store.IsReadOnly(i) || _store.IsDefault(i)) continue;
                int length = Compose(_liveRecord, i, out _);
                if (length < 0) continue; // never fits: SaveIfChanged counts it
                if (!log.Append(new ReadOnlySpan<byte>(_liveRecord, 0, length), null)) return false;
                RecordsSaved++;
            }
            return true;
        }

        // "name=value" into `record`; returns its length (the value starts at `valueAt`), or -1
        // when it does not fit.
        private int Compose(byte[] record, int index, out int valueAt)
        {
            ReadOnlySpan<byte> name = _store.NameOf(index);
            valueAt = name.Length + 1;
            if (valueAt > record.Length) return -1;
            name.CopyTo(record);
            record[name.Length] = Separator;
            int length = _store.FormatStoredValue(index, new Span<byte>(record, valueAt, record.Length - valueAt));
            return length < 0 ? -1 : valueAt + length;
        }

        private static bool Split(ReadOnlySpan<byte> record, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
        {
            int separator = record.IndexOf(Separator);
            name = separator > 0 ? record.Slice(0, separator) : ReadOnlySpan<byte>.Empty;
            value = separator > 0 ? record.Slice(separator + 1) : ReadOnlySpan<byte>.Empty;
            return separator > 0;
        }

        private ReadOnlySpan<byte> Saved(int index) => new ReadOnlySpan<byte>(_saved, _savedStart[index], _savedLength[index]);

        private void Keep(int index, ReadOnlySpan<byte> value)
        {
            int capacity = ValueCapacity(_store, index);
            int length = Math.Min(value.Length, capacity);
            value.Slice(0, length).CopyTo(new Span<byte>(_saved, _savedStart[index], capacity));
            _savedLength[index] = length;
        }

        // Every key's current value is what the log restores (after Restore, or a compaction).
        private void Remember()
        {
            for (int i = 0; i < _store.Count; i++)
            {
                Span<byte> slot = new Span<byte>(_saved, _savedStart[i], ValueCapacity(_store, i));
                int length = _store.FormatStoredValue(i, slot);
                _savedLength[i] = Math.Max(length, 0);
            }
            _savedVersion = _store.Version;
        }

        private static int ValueCapacity(ConfigurationStore store, int index) =>
            Math.Max(store.InfoOf(index).MaxLength, LongestNumber);
    }
}
