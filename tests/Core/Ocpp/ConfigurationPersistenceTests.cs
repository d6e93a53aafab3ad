using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ChargePoint.Core.Ocpp.Configuration;
using ChargePoint.Core.Storage;
using ChargePoint.Tests.Core.Storage;
using Xunit;

namespace ChargePoint.Tests.Core.Ocpp
{
    public class ConfigurationPersistenceTests
    {
        private const int Connectors = 2;

        // The flash that outlives the reboots of a test: two regions.
        private readonly TestRegion _first;
        private readonly TestRegion _second;

        public ConfigurationPersistenceTests() : this(4096) { }

        private ConfigurationPersistenceTests(int regionBytes)
        {
            _first = new TestRegion(regionBytes);
            _second = new TestRegion(regionBytes);
        }

        // One boot of the charge point: a new store and persistence over the same flash.
        private sealed class Boot
        {
            public readonly ConfigurationStore Store = new ConfigurationStore(Connectors);
            public readonly RecordLog Log;
            public readonly ConfigurationPersistence Persistence;
            public readonly int Restored;

            public Boot(IRecordStorage first, IRecordStorage second)
            {
                Log = new RecordLog(first, second, ConfigurationPersistence.RecordBytes(Store));
                Persistence = new ConfigurationPersistence(Store, Log);
                Restored = Persistence.Restore();
            }

            public ConfigurationStatus Change(string name, string value) => Store.TryChange(Bytes(name), Bytes(value));

            public string Value(string name)
            {
                Assert.True(Store.TryFind(Bytes(name), out int index), name);
                var value = new byte[ConfigurationStore.MaxValueLength];
                int length = Store.FormatStoredValue(index, value);
                return Encoding.UTF8.GetString(value, 0, length);
            }

            public List<string> Records()
            {
                var records = new List<string>();
                Log.Open();
                RecordCursor cursor = Log.Start();
                while (Log.ReadNext(ref cursor, out ReadOnlySpan<byte> payload)) records.Add(Encoding.UTF8.GetString(payload));
                return records;
            }
        }

        private Boot Reboot() => new Boot(_first, _second);

        private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

        [Fact]
        public void Changed_keys_come_back_after_a_reboot()
        {
            Boot boot = Reboot();
            Assert.Equal(0, boot.Restored);
            Assert.Equal(ConfigurationStatus.Accepted, boot.Change("HeartbeatInterval", "300"));
            Assert.Equal(ConfigurationStatus.Accepted, boot.Change("LocalPreAuthorize", "TRUE"));
            Assert.Equal(ConfigurationStatus.Accepted, boot.Change("MeterValuesSampledData", "voltage, Energy.Active.Import.Register"));
            Assert.Equal(ConfigurationStatus.Accepted, boot.Change("AuthorizationKey", "0123456789abcdef0123456789abcdef"));
            boot.Persistence.SaveIfChanged();
            Assert.Equal(4, boot.Persistence.RecordsSaved);

            Boot after = Reboot();
            Assert.Equal(4, after.Restored);
            Assert.Equal(0, after.Persistence.Rejected);
            Assert.Equal(0, after.Persistence.Corrupt);
            Assert.Equal("300", after.Value("HeartbeatInterval"));
            Assert.Equal("true", after.Value("LocalPreAuthorize"));
            Assert.Equal("Voltage,Energy.Active.Import.Register", after.Value("MeterValuesSampledData"));
            Assert.Equal("0123456789abcdef0123456789abcdef", after.Value("AuthorizationKey"));
            Assert.Equal(0, after.Store.Version); // a restore is not a change
            Assert.Equal("60", after.Value("WebSocketPingInterval"));
        }

        [Fact]
        public void Only_keys_whose_value_moved_are_written_and_nothing_when_nothing_changed()
        {
            Boot boot = Reboot();
            boot.Persistence.SaveIfChanged();
            Assert.Equal(0, _first.Writes + _second.Writes);
            Assert.Equal(0, _first.Erases + _second.Erases);

            boot.Change("HeartbeatInterval", "120");
            boot.Persistence.SaveIfChanged();
            boot.Persistence.SaveIfChanged();
            Assert.Equal(new[] { "HeartbeatInterval=120" }, boot.Records());

            boot.Change("HeartbeatInterval", "120"); // the same value: no change
            boot.Change("ResetRetries", "5");
            boot.Persistence.SaveIfChanged();
            Assert.Equal(new[] { "HeartbeatInterval=120", "ResetRetries=5" }, boot.Records());

            // After a reboot the restored values are what the log holds: nothing to write.
            Boot after = Reboot();
            int writes = _first.Writes + _second.Writes;
            after.Change("HeartbeatInterval", "120");
            after.Persistence.SaveIfChanged();
            Assert.Equal(writes, _first.Writes + _second.Writes);
        }

        [Fact]
        public void The_latest_record_of_a_key_wins()
        {
            Boot boot = Reboot();
            foreach (string value in new[] { "30", "45", "90" })
            {
                boot.Change("HeartbeatInterval", value);
                boot.Persistence.SaveIfChanged();
            }
            Assert.Equal(3, boot.Records().Count);
            Boot after = Reboot();
            Assert.Equal("90", after.Value("HeartbeatInterval"));
            Assert.Equal(1, after.Restored);
        }

        [Fact]
        public void A_key_changed_back_to_its_default_stays_at_its_default()
        {
            Boot boot = Reboot();
            boot.Change("ConnectionTimeOut", "90");
            boot.Persistence.SaveIfChanged();
            boot.Change("ConnectionTimeOut", "60");
            boot.Persistence.SaveIfChanged();
            Assert.Equal(new[] { "ConnectionTimeOut=90", "ConnectionTimeOut=60" }, boot.Records());
            Assert.Equal("60", Reboot().Value("ConnectionTimeOut"));
        }

        [Fact]
        public void A_corrupt_record_is_skipped_and_counted()
        {
            Boot boot = Reboot();
            boot.Change("HeartbeatInterval", "300");
            boot.Persistence.SaveIfChanged();
            boot.Change("BlinkRepeat", "7");
            boot.Persistence.SaveIfChanged();
            // A bit of "HeartbeatInterval=300" cleared: region header 12, record header 12.
            _first.Bytes[12 + 12 + 5] &= 0xFD; // 'b' becomes '`'

            Boot after = Reboot();
            Assert.Equal(1, after.Restored);
            Assert.Equal(1, after.Persistence.Corrupt);
            Assert.Equal("60", after.Value("HeartbeatInterval"));
            Assert.Equal("7", after.Value("BlinkRepeat"));
        }

        [Fact]
        public void A_latest_record_that_no_longer_validates_is_skipped_and_the_key_keeps_its_default()
        {
            Boot boot = Reboot();
            boot.Change("HeartbeatInterval", "300");
            boot.Persistence.SaveIfChanged();
            // What an older firmware with other limits, or other keys, could have left.
            foreach (string record in new[]
            {
                "HeartbeatInterval=0",          // below this firmware's minimum of 1
                "BlinkRepeat=lots",             // not an integer
                "NumberOfConnectors=8",         // read-only
                "RetiredKey=1",                 // no such key
                "no separator",
                "=5",
                "LightIntensity=50",
            })
                Assert.True(boot.Log.Append(Bytes(record), null), record);

            Boot after = Reboot();
            Assert.Equal(1, after.Restored);
            Assert.Equal(6, after.Persistence.Rejected);
            // The newest record said 0: an older value is not brought back in its place.
            Assert.Equal("60", after.Value("HeartbeatInterval"));
            Assert.Equal("3", after.Value("BlinkRepeat"));
            Assert.Equal("2", after.Value("NumberOfConnectors"));
            Assert.Equal("50", after.Value("LightIntensity"));
        }

        [Fact]
        public void A_full_log_compacts_to_the_keys_that_are_not_at_their_default()
        {
            var test = new ConfigurationPersistenceTests(1024);
            Boot boot = test.Reboot();
            boot.Change("LocalPreAuthorize", "true");
            boot.Change("StopTxnSampledData", "Voltage,Current.Import");
            boot.Persistence.SaveIfChanged();
            for (int i = 1; i <= 100; i++)
            {
                boot.Change("MeterValueSampleInterval", i.ToString());
                boot.Change("ResetRetries", (i % 2 == 0 ? 3 : 4).ToString()); // back to its default half the time
                boot.Persistence.SaveIfChanged();
            }
            Assert.True(boot.Log.Compactions > 0);
            Assert.Equal(0, boot.Persistence.SaveFailures);

            Boot after = test.Reboot();
            Assert.Equal("true", after.Value("LocalPreAuthorize"));
            Assert.Equal("Voltage,Current.Import", after.Value("StopTxnSampledData"));
            Assert.Equal("100", after.Value("MeterValueSampleInterval"));
            Assert.Equal("3", after.Value("ResetRetries"));
            Assert.Equal(0, after.Persistence.Corrupt);

            // A compaction writes the keys away from their default, in table order, and no others.
            Assert.True(after.Log.Compact(after.Persistence));
            Assert.Equal(new[] { "LocalPreAuthorize=true", "MeterValueSampleInterval=100", "StopTxnSampledData=Voltage,Current.Import" },
                after.Records());
        }

        [Fact]
        public void A_power_cut_during_a_save_leaves_the_old_or_the_new_value()
        {
            Boot setup = Reboot();
            setup.Change("HeartbeatInterval", "300");
            setup.Persistence.SaveIfChanged();
            byte[] first = (byte[])_first.Bytes.Clone(), second = (byte[])_second.Bytes.Clone();

            for (long cut = 0; cut < 40; cut++)
            {
                first.CopyTo(_first.Bytes, 0);
                second.CopyTo(_second.Bytes, 0);
                var power = new PowerSupply();
                _first.Power = _second.Power = power;
                Boot boot = Reboot();
                boot.Change("HeartbeatInterval", "900");
                power.Remaining = cut;
                boot.Persistence.SaveIfChanged();

                _first.Power = _second.Power = new PowerSupply();
                string value = Reboot().Value("HeartbeatInterval");
                Assert.True(value == "300" || value == "900", $"cut after {cut}: {value}");
                if (cut == 39) Assert.Equal("900", value);
            }
        }

        [Fact]
        public void A_failed_save_is_counted_and_tried_again_only_after_the_next_change()
        {
            // A region too small for a second record, and no room to compact into.
            var first = new TestRegion(48);
            var second = new TestRegion(48);
            var boot = new Boot(first, second);
            boot.Change("HeartbeatInterval", "300");
            boot.Persistence.SaveIfChanged();
            boot.Change("BlinkRepeat", "9");
            boot.Persistence.SaveIfChanged();
            Assert.Equal(1, boot.Persistence.SaveFailures);
            int erases = first.Erases + second.Erases;
            boot.Persistence.SaveIfChanged();
            boot.Persistence.SaveIfChanged();
            Assert.Equal(1, boot.Persistence.SaveFailures);
            Assert.Equal(erases, first.Erases + second.Erases);

            boot.Change("BlinkRepeat", "8");
            boot.Persistence.SaveIfChanged();
            Assert.Equal(2, boot.Persistence.SaveFailures);
        }

        [Fact]
        public void Nothing_is_saved_before_Restore_has_opened_the_log()
        {
            Boot boot = Reboot();
            boot.Change("HeartbeatInterval", "300");
            boot.Persistence.SaveIfChanged();

            var store = new ConfigurationStore(Connectors);
            var early = new ConfigurationPersistence(store, new RecordLog(_first, _second, ConfigurationPersistence.RecordBytes(store)));
            store.TryChange(Bytes("BlinkRepeat"), Bytes("9"));
            early.SaveIfChanged(); // must not format the log over the saved records
            Assert.Equal(0, early.RecordsSaved);
            Assert.Equal(1, early.Restore());
            Assert.Equal("300", Reboot().Value("HeartbeatInterval"));
        }

        [Fact]
        public void The_records_fit_the_size_RecordBytes_gives()
        {
            var store = new ConfigurationStore(Connectors);
            int bytes = ConfigurationPersistence.RecordBytes(store);
            Assert.InRange(bytes, "MeterValuesSampledData=".Length + 4 * 30 - 1, 600);
        }

        [Fact]
        public void SaveIfChanged_and_Restore_allocate_nothing_after_construction()
        {
            var boot = new Boot(new TestRegion(512), new TestRegion(512)); // small: compactions too
            int round = 0;
            void Work()
            {
                for (int i = 0; i < 20; i++)
                {
                    round++;
                    boot.Store.TrySet(ConfigurationKey.HeartbeatInterval, 30 + round % 500);
                    boot.Persistence.SaveIfChanged();
                }
                boot.Persistence.Restore();
            }
            Work();
            int compactions = boot.Log.Compactions;
            long before = GC.GetAllocatedBytesForCurrentThread();
            Work();
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.True(boot.Log.Compactions > compactions, "the measured pass compacted too");
            Assert.Equal(0, boot.Persistence.SaveFailures);
        }
    }
}
