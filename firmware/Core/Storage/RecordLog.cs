using System;
using ChargePoint.Core.Config;

namespace ChargePoint.Core.Storage
{
    // An append-only log of checksummed records over one or two IRecordStorage regions, made so
    // that a power cut at any moment leaves a state that can be read back, and so that flash is
    // erased only when a region is full.
    //
    // A region begins with a region header, then records, each one aligned to a 32-bit word:
    //
    //   region header (12 bytes): magic "SCLG", generation (u32), CRC-32 of those 8 bytes
    //   record header (12 bytes): magic 0x6352 (u16), payload length (u16), sequence (u32),
    //                             CRC-32 of the payload (ChargePoint.Core.Config.Crc32)
    //   payload, then 0xFF up to the next multiple of 4 (erased bytes: programming them is a no-op)
    //
    // Every integer is little-endian. Append writes one record, in one Write, after the last
    // record. When a record does not fit, the log compacts: it erases the region that is not the
    // current one, asks the IRecordSource for the live set, and writes the region header last,
    // with the next generation. At Open the valid region with the highest generation is the
    // current one; so a compaction cut short (erase half done, live set half written, header torn)
    // leaves the old region current, and the new one counts only once its header is whole: either
    // the old or the new state, never a mixture. A torn Append is one bad record at the end.
    // Regions are used in turn, so each is erased once every second compaction.
    //
    // With one region the compaction has to erase the only copy: a power cut between that erase
    // and the new region header loses every record (the owner starts from its defaults), and a
    // failed compaction leaves the log empty. Two regions cost twice the space and nothing else.
    //
    // Reading walks the records from the region header: a record whose CRC does not match
    // (flipped bits, or a write torn by a power cut) is skipped by its length and counted; bytes
    // that do not start a sane record (a torn header) are stepped over a word at a time and
    // counted once per run; twelve erased bytes where a header would be are the end. The walk
    // depends only on bytes before the append point, which never change, so every boot finds
    // the same records and the same append point.
    //
    // Nothing allocates after the constructor. Not for interrupt context: a compaction erases
    // flash, which on the STM32 stalls the CPU for a second or two.
    public sealed class RecordLog
    {
        public const int WordBytes = 4;
        public const int RegionHeaderBytes = 12;
        public const int RecordHeaderBytes = 12;
        // The record header's length field is 16 bits.
        public const int LongestPayload = 0xFFFF;

        private const uint RegionMagic = 0x474C4353; // "SCLG" in memory order
        private const int RecordMagic = 0x6352;      // "Rc" in memory order
        private const int NoRegion = -1;

        private enum Step { End, Record, BadRecord, Garbage }

        private readonly IRecordStorage _first;
        private readonly IRecordStorage _second; // null: one region
        private readonly int _maxPayload;
        // A record header and payload as written or read: Append builds records here and
        // ReadNext hands out payloads from here.
        private readonly byte[] _buffer;

        private int _current = NoRegion;
        private uint _generation;
        private int _appendAt;
        private uint _sequence;

        // While a compaction runs, Append writes here instead.
        private bool _compacting;
        private int _target = NoRegion;
        private int _targetAt;
        private int _targetRecords;

        // `second` may be null (one region, see above). Regions smaller than a region header and
        // one record are unusable (every Append fails). Boot only: allocates the record buffer.
        public RecordLog(IRecordStorage first, IRecordStorage second, int maxPayload)
        {
            _first = first;
            _second = second;
            _maxPayload = Math.Clamp(maxPayload, 0, LongestPayload);
            _buffer = new byte[Align(RecordHeaderBytes + _maxPayload)];
        }

        public int MaxPayload => _maxPayload;
        public int RegionCount => _second == null ? 1 : 2;

        // False until Open found a valid region or the first Append made one.
        public bool HasState => _current != NoRegion;
        public uint Generation => _generation;

        // Records in the current region (live and superseded alike), and the bytes they and the
        // region header take, of Capacity.
        public int Records { get; private set; }
        public int UsedBytes => _current == NoRegion ? 0 : _appendAt;
        public int Capacity => _current == NoRegion ? Region(0).Size : Region(_current).Size;

        // Found by Open: bad records and runs of unreadable bytes that were skipped.
        public int CorruptRecords { get; private set; }

        public int Compactions { get; private set; }
        public int CompactionFailures { get; private set; }
        public int WriteFailures { get; private set; }

        // Boot: picks the current region and walks it (Records, CorruptRecords, the append point).
        // False when no region holds a valid header: the log is empty and the first Append
        // formats one.
        public bool Open()
        {
            _current = NoRegion;
            _generation = 0;
            _sequence = 0;
            Records = 0;
            CorruptRecords = 0;
            for (int i = 0; i < RegionCount; i++)
            {
                if (!TryReadRegionHeader(Region(i), out uint generation)) continue;
                // Newer by serial-number arithmetic, so the generation may wrap.
                if (_current == NoRegion || (int)(generation - _generation) > 0)
                {
                    _current = i;
                    _generation = generation;
                }
            }
            if (_current == NoRegion) return false;

            IRecordStorage region = Region(_current);
            int offset = RegionHeaderBytes;
            bool inGarbage = false;
            while (true)
            {
                Step step = Next(region, ref offset, out _, out uint sequence);
                if (step == Step.End) break;
                if (step == Step.Record)
                {
                    Records++;
                    _sequence = sequence;
                }
                else if (step == Step.BadRecord || !inGarbage)
                {
                    CorruptRecords++;
                }
                inGarbage = step == Step.Garbage;
            }
            _appendAt = offset;
            return true;
        }

        public RecordCursor Start() => new RecordCursor { Offset = RegionHeaderBytes };

        // The next good record of the current region, in the order written; false at the end.
        // `payload` lives in the log's buffer: good until the next call on the log.
        public bool ReadNext(ref RecordCursor cursor, out ReadOnlySpan<byte> payload)
        {
            payload = ReadOnlySpan<byte>.Empty;
            if (_current == NoRegion) return false;
            IRecordStorage region = Region(_current);
            int offset = cursor.Offset;
            while (true)
            {
                Step step = Next(region, ref offset, out int length, out uint sequence);
                if (step == Step.End)
                {
                    cursor.Offset = offset;
                    return false;
                }
                if (step != Step.Record) continue;
                cursor.Offset = offset;
                cursor.Sequence = sequence;
                payload = new ReadOnlySpan<byte>(_buffer, RecordHeaderBytes, length);
                return true;
            }
        }

        // Writes `payload` as the newest record. When it does not fit, compacts first (if a
        // source is given) and then writes it after the live set. False when the payload is
        // longer than MaxPayload, when it does not fit even then, or when the write failed (the
        // space it may have touched is not used again). Inside a compaction the record goes into
        // the new region and `source` is ignored.
        public bool Append(ReadOnlySpan<byte> payload, IRecordSource source)
        {
            if (payload.Length > _maxPayload) return false;
            int bytes = Align(RecordHeaderBytes + payload.Length);
            if (_compacting) return WriteRecord(Region(_target), ref _targetAt, ref _targetRecords, payload, bytes);

            if (_current == NoRegion && !Format()) return false;
            if (_appendAt + bytes > Region(_current).Size)
            {
                if (source == null || !Compact(source)) return false;
                if (_appendAt + bytes > Region(_current).Size) return false;
            }
            int records = Records;
            bool written = WriteRecord(Region(_current), ref _appendAt, ref records, payload, bytes);
            Records = records;
            return written;
        }

        // Rewrites the live set into a freshly erased region (the other one when there are two)
        // and makes it the current one. False when the erase, the source or a write failed:
        // with two regions the old state then stays current.
        public bool Compact(IRecordSource source)
        {
            if (_compacting || source == null) return false;
            int target = RegionCount == 2 && _current != NoRegion ? 1 - _current : 0;
            if (RegionCount == 1)
            {
                _current = NoRegion; // the erase below destroys the only copy
                Records = 0;
            }

            _compacting = true;
            _target = target;
            _targetAt = RegionHeaderBytes;
            _targetRecords = 0;
            bool done = Region(target).Erase()
                && source.WriteLiveRecords(this)
                && WriteRegionHeader(Region(target), _generation + 1);
            _compacting = false;

            if (!done)
            {
                CompactionFailures++;
                return false;
            }
            _current = target;
            _generation++;
            _appendAt = _targetAt;
            Records = _targetRecords;
            Compactions++;
            return true;
        }

        // No valid region yet (a new device, or a one-region log whose compaction was cut short):
        // an empty one in region 0.
        private bool Format()
        {
            if (!Region(0).Erase() || !WriteRegionHeader(Region(0), _generation + 1)) return false;
            _current = 0;
            _generation++;
            _appendAt = RegionHeaderBytes;
            Records = 0;
            return true;
        }

        private bool WriteRecord(IRecordStorage region, ref int offset, ref int records, ReadOnlySpan<byte> payload, int bytes)
        {
            if (offset + bytes > region.Size) return false;
            uint sequence = _sequence + 1;
            Span<byte> record = new Span<byte>(_buffer, 0, bytes);
            PutUInt16(record, 0, RecordMagic);
            PutUInt16(record, 2, payload.Length);
            PutUInt32(record, 4, sequence);
            PutUInt32(record, 8, Crc32.Compute(payload));
            payload.CopyTo(record.Slice(RecordHeaderBytes));
            record.Slice(RecordHeaderBytes + payload.Length).Fill(0xFF);
            bool written = region.Write(offset, record);
            // A failed write may have programmed part of the record: never write there again.
            offset += bytes;
            if (!written)
            {
                WriteFailures++;
                return false;
            }
            _sequence = sequence;
            records++;
            return true;
        }

        private bool WriteRegionHeader(IRecordStorage region, uint generation)
        {
            Span<byte> header = new Span<byte>(_buffer, 0, RegionHeaderBytes);
            PutUInt32(header, 0, RegionMagic);
            PutUInt32(header, 4, generation);
            PutUInt32(header, 8, Crc32.Compute(header.Slice(0, 8)));
            if (region.Write(0, header)) return true;
            WriteFailures++;
            // A write reported as failed may still have left a whole header, and a whole header
            // makes the region current at the next boot: then it is current now too.
            return TryReadRegionHeader(region, out uint written) && written == generation;
        }

        private bool TryReadRegionHeader(IRecordStorage region, out uint generation)
        {
            generation = 0;
            if (region.Size < RegionHeaderBytes) return false;
            Span<byte> header = new Span<byte>(_buffer, 0, RegionHeaderBytes);
            if (!region.Read(0, header)) return false;
            if (GetUInt32(header, 0) != RegionMagic || GetUInt32(header, 8) != Crc32.Compute(header.Slice(0, 8)))
                return false;
            generation = GetUInt32(header, 4);
            return true;
        }

        // One step of the walk from `offset` (a word boundary), which it advances.
        private Step Next(IRecordStorage region, ref int offset, out int length, out uint sequence)
        {
            length = 0;
            sequence = 0;
            if (offset > region.Size - RecordHeaderBytes) return Step.End;
            Span<byte> header = new Span<byte>(_buffer, 0, RecordHeaderBytes);
            if (!region.Read(offset, header)) return Step.End;
            if (IsErased(header)) return Step.End;

            // Decided by the first word alone, so that a record appended right after a torn
            // header cannot change how the torn one is read.
            length = GetUInt16(header, 2);
            int bytes = Align(RecordHeaderBytes + length);
            if (GetUInt16(header, 0) != RecordMagic || length > _maxPayload || bytes > region.Size - offset)
            {
                offset += WordBytes;
                return Step.Garbage;
            }
            sequence = GetUInt32(header, 4);
            uint crc = GetUInt32(header, 8);
            Span<byte> payload = new Span<byte>(_buffer, RecordHeaderBytes, length);
            bool good = region.Read(offset + RecordHeaderBytes, payload) && Crc32.Compute(payload) == crc;
            offset += bytes;
            return good ? Step.Record : Step.BadRecord;
        }

        private IRecordStorage Region(int index) => index == 0 ? _first : _second;

        private static int Align(int bytes) => (bytes + WordBytes - 1) & ~(WordBytes - 1);

        private static bool IsErased(ReadOnlySpan<byte> bytes)
        {
            for (int i = 0; i < bytes.Length; i++)
                if (bytes[i] != 0xFF) return false;
            return true;
        }

        private static int GetUInt16(ReadOnlySpan<byte> bytes, int at) => bytes[at] | bytes[at + 1] << 8;

        private static uint GetUInt32(ReadOnlySpan<byte> bytes, int at) =>
            bytes[at] | (uint)bytes[at + 1] << 8 | (uint)bytes[at + 2] << 16 | (uint)bytes[at + 3] << 24;

        private static void PutUInt16(Span<byte> bytes, int at, int value)
        {
            bytes[at] = (byte)value;
            bytes[at + 1] = (byte)(value >> 8);
        }

        private static void PutUInt32(Span<byte> bytes, int at, uint value)
        {
            bytes[at] = (byte)value;
            bytes[at + 1] = (byte)(value >> 8);
            bytes[at + 2] = (byte)(value >> 16);
            bytes[at + 3] = (byte)(value >> 24);
        }
    }
}
