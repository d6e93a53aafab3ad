using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ChargePoint.Core.Storage;
using Xunit;

namespace ChargePoint.Tests.Core.Storage
{
    public class RecordLogTests
    {
        private const int RegionBytes = 1024;
        private const int MaxPayload = 64;

        // The live set a compaction asks for: whatever the test says the current state is.
        private sealed class ListSource : IRecordSource
        {
            public List<byte[]> Live = new List<byte[]>();
            public bool Refuse;
            public int Calls;

            public bool WriteLiveRecords(RecordLog log)
            {
                Calls++;
                if (Refuse) return false;
                foreach (byte[] record in Live)
                    if (!log.Append(record, null)) return false;
                return true;
            }
        }

        private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

        private static RecordLog Log(TestRegion first, TestRegion second) => new RecordLog(first, second, MaxPayload);

        // A reboot: a new log over the same bytes, opened.
        private static RecordLog Reopen(TestRegion first, TestRegion second)
        {
            RecordLog log = Log(first, second);
            log.Open();
            return log;
        }

        private static List<string> ReadAll(RecordLog log)
        {
            var records = new List<string>();
            RecordCursor cursor = log.Start();
            while (log.ReadNext(ref cursor, out ReadOnlySpan<byte> payload))
                records.Add(Encoding.UTF8.GetString(payload));
            return records;
        }

        private static void Append(RecordLog log, params string[] records)
        {
            foreach (string record in records) Assert.True(log.Append(Bytes(record), null), record);
        }

        [Fact]
        public void An_erased_storage_opens_empty_and_the_first_append_formats_a_region()
        {
            var first = new TestRegion(RegionBytes);
            var second = new TestRegion(RegionBytes);
            RecordLog log = Log(first, second);
            Assert.False(log.Open());
            Assert.False(log.HasState);
            Assert.Empty(ReadAll(log));

            Append(log, "a=1");
            Assert.True(log.HasState);
            Assert.Equal(1u, log.Generation);
            Assert.Equal(1, first.Erases);
            Assert.Equal(0, second.Erases);
            Assert.Equal(new[] { "a=1" }, ReadAll(Reopen(first, second)));
        }

        [Fact]
        public void Appended_records_read_back_in_order_after_a_reboot_with_rising_sequence_numbers()
        {
            var first = new TestRegion(RegionBytes);
            var second = new TestRegion(RegionBytes);
            RecordLog log = Log(first, second);
            log.Open();
            Append(log, "HeartbeatInterval=30", "", "x", "MeterValueSampleInterval=5");

            RecordLog reopened = Reopen(first, second);
            Assert.Equal(new[] { "HeartbeatInterval=30", "", "x", "MeterValueSampleInterval=5" }, ReadAll(reopened));
            Assert.Equal(4, reopened.Records);
            Assert.Equal(0, reopened.CorruptRecords);
            // 12-byte region header, then 12-byte record headers with payloads padded to words.
            Assert.Equal(12 + (12 + 20) + 12 + (12 + 4) + (12 + 28), reopened.UsedBytes);

            var sequences = new List<uint>();
            RecordCursor cursor = reopened.Start();
            while (reopened.ReadNext(ref cursor, out _)) sequences.Add(cursor.Sequence);
            Assert.Equal(new uint[] { 1, 2, 3, 4 }, sequences);
        }

        [Fact]
        public void Appends_after_a_reboot_go_after_the_last_record_and_reading_stops_at_erased_space()
        {
            var first = new TestRegion(RegionBytes);
            var second = new TestRegion(RegionBytes);
            RecordLog log = Log(first, second);
            log.Open();
            Append(log, "one", "two");

            RecordLog again = Reopen(first, second);
            Append(again, "three");
            Assert.Equal(new[] { "one", "two", "three" }, ReadAll(Reopen(first, second)));
            Assert.Equal(1, first.Erases); // the format only
        }

        [Fact]
        public void A_full_region_compacts_into_the_other_one_with_the_live_set_then_the_new_record()
        {
            var first = new TestRegion(RegionBytes);
            var second = new TestRegion(RegionBytes);
            var source = new ListSource();
            RecordLog log = Log(first, second);
            log.Open();
            int appended = 0;
            while (log.Compactions == 0)
            {
                source.Live = new List<byte[]> { Bytes("k=" + appended) };
                Assert.True(log.Append(Bytes("k=" + appended), source));
                appended++;
            }
            Assert.Equal(1, source.Calls);
            Assert.Equal(2u, log.Generation);
            Assert.Equal(1, second.Erases);
            string last = "k=" + (appended - 1);
            // The live set already says it; the record that did not fit follows it (later wins).
            Assert.Equal(new[] { last, last }, ReadAll(log));

            RecordLog reopened = Reopen(first, second);
            Assert.Equal(new[] { last, last }, ReadAll(reopened));
            Assert.Equal(2u, reopened.Generation);
            Assert.Equal(2, reopened.Records);
        }

        [Fact]
        public void Compactions_take_the_regions_in_turn_so_each_is_erased_half_the_time()
        {
            var first = new TestRegion(RegionBytes);
            var second = new TestRegion(RegionBytes);
            var source = new ListSource { Live = { Bytes("a=1"), Bytes("b=2") } };
            RecordLog log = Log(first, second);
            log.Open();
            for (int i = 0; i < 1000; i++) Assert.True(log.Append(Bytes("b=" + i), source));

            Assert.True(log.Compactions >= 10, $"{log.Compactions} compactions");
            Assert.InRange(first.Erases - second.Erases, 0, 1); // region 0 was also formatted once
            Assert.Equal(log.Compactions + 1, first.Erases + second.Erases);
            List<string> records = ReadAll(Reopen(first, second));
            Assert.Equal("b=999", records.Last());
        }

        [Fact]
        public void A_record_with_a_bad_CRC_is_skipped_and_counted_and_the_records_after_it_still_read()
        {
            var first = new TestRegion(RegionBytes);
            var second = new TestRegion(RegionBytes);
            RecordLog log = Log(first, second);
            log.Open();
            Append(log, "first=1", "second=2", "third=3");

            // A bit of the second record's payload cleared (12 region + 20 first + 12 header).
            first.Bytes[12 + 20 + 12 + 3] &= 0xFE;
            RecordLog reopened = Reopen(first, second);
            Assert.Equal(new[] { "first=1", "third=3" }, ReadAll(reopened));
            Assert.Equal(2, reopened.Records);
            Assert.Equal(1, reopened.CorruptRecords);
        }

        [Fact]
        public void A_write_torn_at_any_byte_is_skipped_and_the_next_append_goes_after_it()
        {
            var reference = new TestRegion(RegionBytes);
            RecordLog setup = Log(reference, null);
            setup.Open();
            Append(setup, "before=1");
            const string torn = "torn=this record is cut short";
            int recordBytes = 12 + 32;

            for (int cut = 0; cut <= recordBytes; cut++)
            {
                var power = new PowerSupply();
                TestRegion region = reference.Copy(power);
                RecordLog log = Reopen(region, null);
                power.Remaining = cut;
                bool appended = log.Append(Bytes(torn), null);
                Assert.Equal(cut == recordBytes, appended);
                // Only the padding missing: erased bytes, the record is whole anyway.
                bool whole = cut >= 12 + torn.Length;

                region.Power = new PowerSupply(); // the reboot
                RecordLog reopened = Reopen(region, null);
                List<string> records = ReadAll(reopened);
                if (whole) Assert.Equal(new[] { "before=1", torn }, records);
                else Assert.Equal(new[] { "before=1" }, records);
                Assert.Equal(cut == 0 || whole ? 0 : 1, reopened.CorruptRecords);

                Append(reopened, "after=2");
                List<string> later = ReadAll(Reopen(region, null));
                Assert.Equal("after=2", later.Last());
                Assert.Equal("before=1", later.First());
            }
        }

        [Fact]
        public void A_record_header_torn_in_its_first_word_is_stepped_over_a_word_at_a_time()
        {
            var region = new TestRegion(RegionBytes);
            RecordLog log = Log(region, null);
            log.Open();
            Append(log, "ok=1");
            // Magic and the low byte of the length: the length reads 0xFF05, more than MaxPayload.
            int at = log.UsedBytes;
            region.Bytes[at] = 0x52;
            region.Bytes[at + 1] = 0x63;
            region.Bytes[at + 2] = 0x05;

            RecordLog reopened = Reopen(region, null);
            Assert.Equal(new[] { "ok=1" }, ReadAll(reopened));
            Assert.Equal(1, reopened.CorruptRecords);
            Assert.Equal(at + 4, reopened.UsedBytes);
            Append(reopened, "next=2");
            RecordLog again = Reopen(region, null);
            Assert.Equal(new[] { "ok=1", "next=2" }, ReadAll(again));
            Assert.Equal(1, again.CorruptRecords);
        }

        [Fact]
        public void Garbage_in_a_region_is_counted_once_per_run_and_the_walk_finds_the_next_record()
        {
            var region = new TestRegion(RegionBytes);
            RecordLog log = Log(region, null);
            log.Open();
            Append(log, "a=1", "b=2", "c=3");
            // Clobber the whole "b=2" record (16 bytes) with bytes that start no record.
            for (int i = 0; i < 16; i++) region.Bytes[12 + 16 + i] = 0x00;

            RecordLog reopened = Reopen(region, null);
            Assert.Equal(new[] { "a=1", "c=3" }, ReadAll(reopened));
            Assert.Equal(1, reopened.CorruptRecords);
        }

        [Fact]
        public void A_power_cut_at_any_point_of_a_compaction_leaves_the_old_or_the_new_state()
        {
            // Old state: the region nearly full of records; new state: the live set, then the
            // record whose append started the compaction.
            var first = new TestRegion(256);
            var second = new TestRegion(256);
            RecordLog setup = Log(first, second);
            setup.Open();
            // A first compaction, so that the target region holds a stale but valid region
            // header (an older generation) that a cut erase can leave behind.
            var source = new ListSource();
            int n = 0;
            while (setup.Compactions == 0) Assert.True(setup.Append(Bytes("old=" + n++), source));
            while (setup.UsedBytes + 16 <= 256) Assert.True(setup.Append(Bytes("old=" + n++), source));
            List<string> oldState = ReadAll(setup);
            var live = new[] { "x=1", "y=22", "z=333" };
            const string trigger = "y=4444";
            var newState = live.Append(trigger).ToList();
            var newStateWithoutTrigger = live.ToList();

            int outcomesOld = 0, outcomesNew = 0, outcomesNewTorn = 0;
            for (long cut = 0; ; cut++)
            {
                var power = new PowerSupply();
                TestRegion a = first.Copy(power), b = second.Copy(power);
                RecordLog log = Reopen(a, b);
                Assert.Equal(oldState, ReadAll(log));
                var liveSource = new ListSource { Live = live.Select(Bytes).ToList() };
                power.Remaining = cut;
                bool appended = log.Append(Bytes(trigger), liveSource);

                a.Power = b.Power = new PowerSupply();
                RecordLog reopened = Reopen(a, b);
                List<string> state = ReadAll(reopened);
                if (state.SequenceEqual(oldState)) outcomesOld++;
                else if (state.SequenceEqual(newState)) outcomesNew++;
                else if (state.SequenceEqual(newStateWithoutTrigger)) outcomesNewTorn++;
                else Assert.Fail($"cut after {cut} units: [{string.Join(", ", state)}]");

                // And the log goes on working from whatever it found.
                Assert.True(reopened.Append(Bytes("after=1"), new ListSource { Live = { Bytes("x=1") } }));
                Assert.Equal("after=1", ReadAll(Reopen(a, b)).Last());
                if (appended)
                {
                    Assert.Equal(newState, state);
                    break;
                }
            }
            Assert.True(outcomesOld > 256, "cuts during the erase and the live set keep the old state");
            Assert.True(outcomesNewTorn > 0, "cuts during the last append keep the new live set");
            Assert.True(outcomesNew >= 1);
        }

        [Fact]
        public void With_one_region_a_power_cut_inside_a_compaction_loses_some_or_all_of_the_records()
        {
            var reference = new TestRegion(256);
            RecordLog setup = Log(reference, null);
            setup.Open();
            int n = 0;
            while (setup.UsedBytes + 16 <= 256) Append(setup, "old=" + n++);
            List<string> oldState = ReadAll(setup);

            var outcomes = new HashSet<string>();
            for (long cut = 0; ; cut++)
            {
                var power = new PowerSupply();
                TestRegion region = reference.Copy(power);
                RecordLog log = Reopen(region, null);
                power.Remaining = cut;
                bool appended = log.Append(Bytes("new=1"), new ListSource { Live = { Bytes("live=1") } });

                region.Power = new PowerSupply();
                List<string> state = ReadAll(Reopen(region, null));
                string outcome = string.Join(",", state);
                bool oldPrefix = state.Count <= oldState.Count && state.SequenceEqual(oldState.Take(state.Count));
                Assert.True(oldPrefix || outcome == "live=1" || outcome == "live=1,new=1", $"cut after {cut}: {outcome}");
                outcomes.Add(state.Count == oldState.Count && oldPrefix ? "old" : oldPrefix && state.Count > 0 ? "part of old" : outcome);
                if (appended) break;
            }
            // The erase does not clear the sector at once: a cut during it leaves part of the old
            // records (the newest go first here), and a cut before the new region header leaves
            // none. Both are what one region costs.
            Assert.Contains("old", outcomes);         // cut before anything was erased
            Assert.Contains("part of old", outcomes);
            Assert.Contains("", outcomes);
            Assert.Contains("live=1,new=1", outcomes);
        }

        [Fact]
        public void A_refused_compaction_keeps_the_old_state_and_the_append_fails()
        {
            var first = new TestRegion(256);
            var second = new TestRegion(256);
            RecordLog log = Log(first, second);
            log.Open();
            int n = 0;
            while (log.UsedBytes + 16 <= 256) Append(log, "old=" + n++);
            List<string> before = ReadAll(log);

            Assert.False(log.Append(Bytes("new=1"), new ListSource { Refuse = true }));
            Assert.Equal(1, log.CompactionFailures);
            Assert.Equal(before, ReadAll(log));
            Assert.Equal(before, ReadAll(Reopen(first, second)));
        }

        [Fact]
        public void A_full_log_without_a_source_refuses_the_append_and_an_oversized_payload_is_refused()
        {
            var region = new TestRegion(64);
            RecordLog log = Log(region, null);
            log.Open();
            Append(log, "0123456789"); // region header 12, record 12 + 12: 28 bytes left
            Assert.False(log.Append(Bytes("this is twenty-one b"), null));
            Assert.False(log.Append(new byte[MaxPayload + 1], null));
            Assert.Equal(new[] { "0123456789" }, ReadAll(log));
        }

        [Fact]
        public void RamRecordStorage_keeps_the_NOR_rules()
        {
            var storage = new RamRecordStorage(64);
            Assert.Equal(64, storage.Size);
            var word = new byte[] { 1, 2, 3, 4 };
            Assert.True(storage.Write(8, word));
            Assert.False(storage.Write(8, new byte[] { 0, 0, 0, 0 }));  // over programmed bytes, even 1 -> 0
            Assert.False(storage.Write(4, new byte[8]));                // overlaps the programmed word
            Assert.False(storage.Write(2, word));                       // not on a word boundary
            Assert.False(storage.Write(12, new byte[] { 1, 2 }));       // not whole words
            Assert.False(storage.Write(62, word));                      // past the end
            Assert.False(storage.Write(-4, word));
            var read = new byte[12];
            Assert.True(storage.Read(0, read));
            Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4 }, read);
            Assert.False(storage.Read(60, new byte[8]));

            Assert.True(storage.Erase());
            Assert.Equal(1, storage.Erases);
            Assert.True(storage.Read(0, read));
            Assert.All(read, b => Assert.Equal(0xFF, b));
            Assert.True(storage.Write(8, word));
        }

        [Fact]
        public void The_log_over_RamRecordStorage_survives_a_reopen()
        {
            var first = new RamRecordStorage(512);
            var second = new RamRecordStorage(512);
            var log = new RecordLog(first, second, MaxPayload);
            log.Open();
            var source = new ListSource { Live = { Bytes("live=1") } };
            for (int i = 0; i < 100; i++) Assert.True(log.Append(Bytes("k=" + i), source));
            var again = new RecordLog(first, second, MaxPayload);
            Assert.True(again.Open());
            Assert.Equal(ReadAll(log), ReadAll(again));
            Assert.Equal("k=99", ReadAll(again).Last());
        }

        [Fact]
        public void Opening_appending_reading_and_compacting_allocate_nothing()
        {
            var first = new TestRegion(512);
            var second = new TestRegion(512);
            var source = new ListSource { Live = { Bytes("live=1"), Bytes("live=2") } };
            var log = Log(first, second);
            byte[] payload = Bytes("HeartbeatInterval=300");
            void Work()
            {
                log.Open();
                for (int i = 0; i < 100; i++) log.Append(payload, source);
                RecordCursor cursor = log.Start();
                while (log.ReadNext(ref cursor, out _)) { }
            }
            Work();
            long before = GC.GetAllocatedBytesForCurrentThread();
            Work();
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.True(log.Compactions > 0);
        }
    }
}
