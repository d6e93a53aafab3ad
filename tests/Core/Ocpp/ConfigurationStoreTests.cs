using System;
using System.Collections.Generic;
using System.Text;
using ChargePoint.Core.Ocpp.Configuration;
using Xunit;

namespace ChargePoint.Tests.Core.Ocpp
{
    public class ConfigurationStoreTests
    {
        private const ConfigurationAccess R = ConfigurationAccess.ReadOnly;
        private const ConfigurationAccess RW = ConfigurationAccess.ReadWrite;
        private const ConfigurationAccess W = ConfigurationAccess.WriteOnly;
        private const ConfigurationValueType Int = ConfigurationValueType.Integer;
        private const ConfigurationValueType Bool = ConfigurationValueType.Boolean;
        private const ConfigurationValueType Measurands = ConfigurationValueType.MeasurandList;

        private readonly ConfigurationStore _store = new ConfigurationStore(2);

        private sealed class RecordingObserver : IConfigurationObserver
        {
            public readonly List<ConfigurationKey> Changes = new List<ConfigurationKey>();
            public int Calls;
            public void OnChanged(ConfigurationKey key) { Calls++; if (Changes.Count < 100) Changes.Add(key); }
        }

        // Counts only: a List<T>.Add could allocate inside the measured pass.
        private sealed class CountingObserver : IConfigurationObserver
        {
            public int Calls;
            public void OnChanged(ConfigurationKey key) => Calls++;
        }

        private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

        private ConfigurationStatus Change(string name, string value) => _store.TryChange(Bytes(name), Bytes(value));

        private static int IndexOf(ConfigurationStore store, string name)
        {
            Assert.True(store.TryFind(Bytes(name), out int index), name + " is not in the table");
            return index;
        }

        // The value as GetConfiguration would send it; null when the store refuses to show it.
        private static string Value(ConfigurationStore store, string name)
        {
            var destination = new byte[ConfigurationStore.MaxValueLength];
            int length = store.FormatValue(IndexOf(store, name), destination);
            return length < 0 ? null : Encoding.UTF8.GetString(destination, 0, length);
        }

        private string Value(string name) => Value(_store, name);

        private static string Text(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

        private static long AllocatedBy(Action action)
        {
            action(); // warm-up: JIT, statics, first-call paths
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        // OCPP 1.6 edition 2, 9.1 (with the spec's Required/optional) and the security
        // whitepaper's AuthorizationKey, in the order GetConfiguration lists them.
        private static readonly (string Name, ConfigurationValueType Type, ConfigurationAccess Access, bool Required, string Default)[] Table =
        {
            ("AllowOfflineTxForUnknownId", Bool, RW, false, "false"),
            ("AuthorizationCacheEnabled", Bool, RW, false, "true"),
            ("AuthorizationKey", ConfigurationValueType.Text, W, false, null),
            ("AuthorizeRemoteTxRequests", Bool, RW, true, "true"),
            ("BlinkRepeat", Int, RW, false, "3"),
            ("ClockAlignedDataInterval", Int, RW, true, "0"),
            ("ConnectionTimeOut", Int, RW, true, "60"),
            ("ConnectorPhaseRotation", ConfigurationValueType.PhaseRotationList, RW, true, "1.NotApplicable,2.NotApplicable"),
            ("ConnectorPhaseRotationMaxLength", Int, R, false, "3"),
            ("GetConfigurationMaxKeys", Int, R, true, "33"),
            ("HeartbeatInterval", Int, RW, true, "60"),
            ("LightIntensity", Int, RW, false, "100"),
            ("LocalAuthorizeOffline", Bool, RW, true, "true"),
            ("LocalPreAuthorize", Bool, RW, true, "false"),
            ("MeterValuesAlignedData", Measurands, RW, true, "Energy.Active.Import.Register"),
            ("MeterValuesAlignedDataMaxLength", Int, R, false, "4"),
            ("MeterValuesSampledData", Measurands, RW, true, "Energy.Active.Import.Register"),
            ("MeterValuesSampledDataMaxLength", Int, R, false, "4"),
            ("MeterValueSampleInterval", Int, RW, true, "10"),
            ("MinimumStatusDuration", Int, RW, false, "0"),
            ("NumberOfConnectors", Int, R, true, "2"),
            ("ResetRetries", Int, RW, true, "3"),
            ("StopTransactionOnEVSideDisconnect", Bool, RW, true, "true"),
            ("StopTransactionOnInvalidId", Bool, RW, true, "true"),
            ("StopTxnAlignedData", Measurands, RW, true, ""),
            ("StopTxnAlignedDataMaxLength", Int, R, false, "4"),
            ("StopTxnSampledData", Measurands, RW, true, ""),
            ("StopTxnSampledDataMaxLength", Int, R, false, "4"),
            ("SupportedFeatureProfiles", ConfigurationValueType.FeatureProfileList, R, true, "Core"),
            ("TransactionMessageAttempts", Int, RW, true, "3"),
            ("TransactionMessageRetryInterval", Int, RW, true, "30"),
            ("UnlockConnectorOnEVSideDisconnect", Bool, RW, true, "true"),
            ("WebSocketPingInterval", Int, RW, false, "60"),
        };

        [Fact]
        public void Every_key_is_present_in_spec_order_with_its_type_access_and_default()
        {
            Assert.Equal(Table.Length, _store.Count);
            for (int i = 0; i < Table.Length; i++)
            {
                var expected = Table[i];
                Assert.Equal(expected.Name, Text(_store.NameOf(i)));
                Assert.True(_store.TryFind(Bytes(expected.Name), out int found));
                Assert.Equal(i, found);
                Assert.Equal(expected.Name, ((ConfigurationKey)i).ToString());
                ConfigurationKeyInfo info = _store.InfoOf(i);
                Assert.True(expected.Type == info.Type, expected.Name + " type");
                Assert.True(expected.Access == info.Access, expected.Name + " access");
                Assert.True(expected.Required == info.RequiredBySpec, expected.Name + " required");
                Assert.False(info.RebootRequired, expected.Name + " needs no reboot (9.1 asks it of no key)");
                Assert.Equal(expected.Access == R, _store.IsReadOnly(i));
                Assert.Equal(expected.Access != W, _store.IsReadable(i));
                Assert.True(_store.IsDefault(i), expected.Name + " starts at its default");
                Assert.True(expected.Default == Value(expected.Name), expected.Name + " default");
            }
        }

        [Theory]
        [InlineData("BlinkRepeat", 0, 100)]
        [InlineData("ClockAlignedDataInterval", 0, 86400)]
        [InlineData("ConnectionTimeOut", 1, 86400)]
        [InlineData("HeartbeatInterval", 1, 86400)]
        [InlineData("LightIntensity", 0, 100)]
        [InlineData("MeterValueSampleInterval", 0, 86400)]
        [InlineData("MinimumStatusDuration", 0, 86400)]
        [InlineData("ResetRetries", 0, 10)]
        [InlineData("TransactionMessageAttempts", 1, 10)]
        [InlineData("TransactionMessageRetryInterval", 0, 86400)]
        [InlineData("WebSocketPingInterval", 0, 86400)]
        public void An_integer_key_accepts_exactly_its_range(string name, int minimum, int maximum)
        {
            ConfigurationKeyInfo info = _store.InfoOf(IndexOf(_store, name));
            Assert.Equal(minimum, info.Minimum);
            Assert.Equal(maximum, info.Maximum);
            Assert.Equal(ConfigurationStatus.Rejected, Change(name, (minimum - 1).ToString()));
            Assert.Equal(ConfigurationStatus.Accepted, Change(name, minimum.ToString()));
            Assert.Equal(minimum.ToString(), Value(name));
            Assert.Equal(ConfigurationStatus.Accepted, Change(name, maximum.ToString()));
            Assert.Equal(maximum.ToString(), Value(name));
            Assert.Equal(ConfigurationStatus.Rejected, Change(name, (maximum + 1).ToString()));
            Assert.Equal(maximum.ToString(), Value(name));
        }

        [Theory]
        [InlineData("HeartbeatInterva")]      // a prefix of a key
        [InlineData("HeartbeatIntervalX")]    // a key is a prefix of it
        [InlineData("HeartbeatInterval ")]
        [InlineData(" HeartbeatInterval")]
        [InlineData("HeartbeatInterval\0")]
        [InlineData("")]
        public void A_name_is_found_only_whole_never_by_a_prefix(string name)
        {
            Assert.False(_store.TryFind(Bytes(name), out int index));
            Assert.Equal(-1, index);
            Assert.Equal(ConfigurationStatus.NotSupported, Change(name, "300"));
            Assert.Equal("60", Value("HeartbeatInterval"));
            Assert.Equal(0, _store.Version);
        }

        [Theory]
        [InlineData("heartbeatinterval")]
        [InlineData("HEARTBEATINTERVAL")]
        [InlineData("HeartBeatInterval")]     // OCPP 1.5's spelling
        public void A_name_is_found_in_any_letter_case_as_a_CiString50(string name)
        {
            Assert.True(_store.TryFind(Bytes(name), out int index));
            Assert.Equal("HeartbeatInterval", System.Text.Encoding.ASCII.GetString(_store.NameOf(index)));
            Assert.Equal(ConfigurationStatus.Accepted, Change(name, "300"));
            Assert.Equal("300", Value("HeartbeatInterval"));
        }

        [Fact]
        public void A_key_whose_name_starts_with_another_keys_name_is_a_key_of_its_own()
        {
            // Zephyr's table lookup compared only strlen(its key) bytes: this found MeterValuesSampledData.
            Assert.Equal(ConfigurationStatus.Rejected, Change("MeterValuesSampledDataMaxLength", "Voltage"));
            Assert.Equal("Energy.Active.Import.Register", Value("MeterValuesSampledData"));
            Assert.Equal("4", Value("MeterValuesSampledDataMaxLength"));
        }

        [Fact]
        public void An_unknown_key_is_NotSupported_and_changes_nothing()
        {
            Assert.Equal(ConfigurationStatus.NotSupported, Change("MaxEnergyOnInvalidId", "1000"));
            Assert.Equal(ConfigurationStatus.NotSupported, Change("LocalAuthListEnabled", "true"));
            Assert.Equal(0, _store.Version);
        }

        [Fact]
        public void A_valid_change_is_Accepted_stored_and_reported()
        {
            Assert.Equal(ConfigurationStatus.Accepted, Change("HeartbeatInterval", "300"));
            Assert.Equal("300", Value("HeartbeatInterval"));
            Assert.Equal(300, _store.GetInt(ConfigurationKey.HeartbeatInterval));
            Assert.False(_store.IsDefault((int)ConfigurationKey.HeartbeatInterval));
            Assert.Equal(1, _store.Version);
        }

        [Theory]
        [InlineData("ConnectorPhaseRotationMaxLength", "5")]
        [InlineData("GetConfigurationMaxKeys", "10")]
        [InlineData("MeterValuesAlignedDataMaxLength", "1")]
        [InlineData("MeterValuesSampledDataMaxLength", "1")]
        [InlineData("NumberOfConnectors", "3")]
        [InlineData("StopTxnAlignedDataMaxLength", "1")]
        [InlineData("StopTxnSampledDataMaxLength", "1")]
        [InlineData("SupportedFeatureProfiles", "Core,SmartCharging")]
        [InlineData("NumberOfConnectors", "2")] // even its own value
        public void A_read_only_key_is_Rejected_and_keeps_its_value(string name, string value)
        {
            string before = Value(name);
            Assert.Equal(ConfigurationStatus.Rejected, Change(name, value));
            Assert.Equal(ConfigurationStatus.Rejected, _store.TryRestore(Bytes(name), Bytes(value)));
            Assert.Equal(before, Value(name));
            Assert.Equal(0, _store.Version);
        }

        [Fact]
        public void A_key_marked_at_boot_answers_RebootRequired_and_keeps_the_new_value()
        {
            var observer = new RecordingObserver();
            _store.AddObserver(observer);
            _store.RequireRebootFor(ConfigurationKey.WebSocketPingInterval);
            Assert.True(_store.InfoOf((int)ConfigurationKey.WebSocketPingInterval).RebootRequired);
            Assert.Equal(ConfigurationStatus.RebootRequired, Change("WebSocketPingInterval", "15"));
            Assert.Equal("15", Value("WebSocketPingInterval"));
            Assert.Equal(1, _store.Version); // still saved, so the reboot finds it
            Assert.Equal(new[] { ConfigurationKey.WebSocketPingInterval }, observer.Changes);
            Assert.Equal(ConfigurationStatus.Rejected, Change("WebSocketPingInterval", "-15")); // a bad value stays Rejected
            Assert.Equal(ConfigurationStatus.Accepted, Change("HeartbeatInterval", "15"));       // other keys unaffected
        }

        [Theory]
        [InlineData("")]
        [InlineData("1.5")]
        [InlineData("-1")]
        [InlineData("99999999999")]
        [InlineData("2147483648")]
        [InlineData("-2147483649")]
        [InlineData("+60")]
        [InlineData(" 60")]
        [InlineData("60 ")]
        [InlineData("6O")]
        [InlineData("0x3C")]
        [InlineData("6e1")]
        [InlineData("-")]
        [InlineData("--1")]
        [InlineData("60s")]
        public void A_malformed_or_negative_integer_is_Rejected(string value)
        {
            Assert.Equal(ConfigurationStatus.Rejected, Change("MeterValueSampleInterval", value));
            Assert.Equal("10", Value("MeterValueSampleInterval"));
            Assert.Equal(0, _store.Version);
        }

        [Fact]
        public void Leading_zeros_are_read_as_the_number_and_reported_without_them()
        {
            Assert.Equal(ConfigurationStatus.Accepted, Change("HeartbeatInterval", "0300"));
            Assert.Equal("300", Value("HeartbeatInterval"));
        }

        [Fact]
        public void A_negative_WebSocketPingInterval_is_Rejected_and_zero_turns_pings_off()
        {
            // OCPP 1.6 9.1.34: "Negative values are not allowed. ChangeConfiguration is expected to return a REJECTED result."
            Assert.Equal(ConfigurationStatus.Rejected, Change("WebSocketPingInterval", "-30"));
            Assert.Equal(ConfigurationStatus.Accepted, Change("WebSocketPingInterval", "0"));
            Assert.Equal(0, _store.GetInt(ConfigurationKey.WebSocketPingInterval));
        }

        [Theory]
        [InlineData("true", true)]
        [InlineData("True", true)]
        [InlineData("TRUE", true)]
        [InlineData("false", false)]
        [InlineData("False", false)]
        [InlineData("FALSE", false)]
        public void A_boolean_is_true_or_false_in_any_letter_case_and_reported_in_lower_case(string value, bool expected)
        {
            Assert.Equal(ConfigurationStatus.Accepted, Change("LocalPreAuthorize", value));
            Assert.Equal(expected, _store.GetBool(ConfigurationKey.LocalPreAuthorize));
            Assert.Equal(expected ? "true" : "false", Value("LocalPreAuthorize"));
        }

        [Theory]
        [InlineData("1")]
        [InlineData("0")]
        [InlineData("yes")]
        [InlineData("")]
        [InlineData(" true")]
        [InlineData("true ")]
        [InlineData("tru")]
        [InlineData("truee")]
        [InlineData("\"true\"")]
        public void Any_other_boolean_spelling_is_Rejected(string value)
        {
            Assert.Equal(ConfigurationStatus.Rejected, Change("StopTransactionOnInvalidId", value));
            Assert.True(_store.GetBool(ConfigurationKey.StopTransactionOnInvalidId));
        }

        [Theory]
        [InlineData("Voltage,Current.Import", "Voltage,Current.Import")]
        [InlineData(" Voltage , Power.Active.Import ", "Voltage,Power.Active.Import")]
        [InlineData("voltage,ENERGY.ACTIVE.IMPORT.REGISTER", "Voltage,Energy.Active.Import.Register")]
        [InlineData("Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage",
            "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage")]
        [InlineData("", "")]
        [InlineData("  ", "")]
        public void A_measurand_list_is_stored_in_its_canonical_spelling_and_order(string value, string stored)
        {
            Assert.Equal(ConfigurationStatus.Accepted, Change("MeterValuesSampledData", value));
            Assert.Equal(stored, Value("MeterValuesSampledData"));
        }

        [Theory]
        [InlineData("Voltage,Voltage")]               // duplicate
        [InlineData("Voltage,voltage")]               // duplicate, other case
        [InlineData("Voltage,")]                      // empty item
        [InlineData(",Voltage")]
        [InlineData("Voltage,,Current.Import")]
        [InlineData(",")]
        [InlineData("SoC")]                           // a measurand our meter does not have
        [InlineData("Temperature")]
        [InlineData("Energy.Active.Export.Register")]
        [InlineData("Voltage.L1")]                    // a phase: the meter is single phase
        [InlineData("Voltage;Current.Import")]        // not comma-separated
        [InlineData("Current.Import,Power")]
        [InlineData("Energy.Active.Import")]          // a prefix of a measurand
        public void A_measurand_list_with_an_unsupported_repeated_or_empty_member_is_Rejected(string value)
        {
            Assert.Equal(ConfigurationStatus.Rejected, Change("MeterValuesSampledData", value));
            Assert.Equal(ConfigurationStatus.Rejected, Change("StopTxnSampledData", value));
            Assert.Equal("Energy.Active.Import.Register", Value("MeterValuesSampledData"));
            Assert.Equal("", Value("StopTxnSampledData"));
        }

        [Fact]
        public void Every_measurand_list_holds_at_most_the_four_measurands_its_MaxLength_key_names()
        {
            foreach (var name in new[] { "MeterValuesAlignedData", "MeterValuesSampledData", "StopTxnAlignedData", "StopTxnSampledData" })
            {
                Assert.Equal(4, _store.InfoOf(IndexOf(_store, name)).MaxItems);
                Assert.Equal("4", Value(name + "MaxLength"));
                Assert.Equal(ConfigurationStatus.Accepted, Change(name, "Current.Import,Voltage,Power.Active.Import,Energy.Active.Import.Register"));
            }
        }

        [Fact]
        public void The_list_readers_walk_the_stored_members()
        {
            Assert.Equal(ConfigurationStatus.Accepted, Change("MeterValuesSampledData", "Power.Active.Import, voltage"));
            Assert.Equal(2, _store.ListCount(ConfigurationKey.MeterValuesSampledData));
            Assert.Equal("Power.Active.Import", Text(_store.ListItem(ConfigurationKey.MeterValuesSampledData, 0)));
            Assert.Equal("Voltage", Text(_store.ListItem(ConfigurationKey.MeterValuesSampledData, 1)));
            Assert.True(_store.ListItem(ConfigurationKey.MeterValuesSampledData, 2).IsEmpty);
            Assert.True(_store.ListContains(ConfigurationKey.MeterValuesSampledData, "Voltage"u8));
            Assert.False(_store.ListContains(ConfigurationKey.MeterValuesSampledData, "Volt"u8));
            Assert.False(_store.ListContains(ConfigurationKey.MeterValuesSampledData, "Energy.Active.Import.Register"u8));
            Assert.Equal(0, _store.ListCount(ConfigurationKey.StopTxnSampledData));
            Assert.False(_store.ListContains(ConfigurationKey.StopTxnSampledData, ""u8));
            Assert.True(_store.ListContains(ConfigurationKey.SupportedFeatureProfiles, "Core"u8));
            Assert.Equal("Core", Text(_store.GetString(ConfigurationKey.SupportedFeatureProfiles)));
        }

        [Theory]
        [InlineData("0.RST, 1.RST, 2.RTS", "0.RST,1.RST,2.RTS")] // the spec's own example
        [InlineData("1.TSR", "1.TSR")]
        [InlineData("2.unknown,1.notapplicable", "2.Unknown,1.NotApplicable")]
        [InlineData("01.STR", "1.STR")]
        public void A_phase_rotation_list_names_each_connector_at_most_once(string value, string stored)
        {
            Assert.Equal(ConfigurationStatus.Accepted, Change("ConnectorPhaseRotation", value));
            Assert.Equal(stored, Value("ConnectorPhaseRotation"));
        }

        [Theory]
        [InlineData("3.RST")]           // this charge point has connectors 1 and 2 only
        [InlineData("1.RST,1.RTS")]
        [InlineData("RST")]
        [InlineData("1.XYZ")]
        [InlineData("1.RS")]
        [InlineData("-1.RST")]
        [InlineData("1.")]
        [InlineData(".RST")]
        [InlineData("1.RST,")]
        [InlineData("")]
        [InlineData("1 .RST")]
        [InlineData("0.RST,1.RST,2.RST,2.RST")]
        public void A_phase_rotation_list_that_is_malformed_or_names_a_missing_connector_is_Rejected(string value)
        {
            Assert.Equal(ConfigurationStatus.Rejected, Change("ConnectorPhaseRotation", value));
            Assert.Equal("1.NotApplicable,2.NotApplicable", Value("ConnectorPhaseRotation"));
        }

        [Fact]
        public void The_connector_count_given_at_boot_sizes_the_connector_keys()
        {
            var store = new ConfigurationStore(1);
            Assert.Equal("1", Value(store, "NumberOfConnectors"));
            Assert.Equal("2", Value(store, "ConnectorPhaseRotationMaxLength"));
            Assert.Equal("1.NotApplicable", Value(store, "ConnectorPhaseRotation"));
            Assert.Equal(ConfigurationStatus.Rejected, store.TryChange(Bytes("ConnectorPhaseRotation"), Bytes("2.RST")));
            Assert.Equal(ConfigurationStatus.Accepted, store.TryChange(Bytes("ConnectorPhaseRotation"), Bytes("0.RST,1.RST")));
        }

        [Fact]
        public void GetConfigurationMaxKeys_lets_a_central_system_ask_for_every_key_at_once()
        {
            Assert.Equal(_store.Count, _store.GetInt(ConfigurationKey.GetConfigurationMaxKeys));
        }

        [Fact]
        public void AuthorizationKey_can_be_written_but_never_read_back()
        {
            const string key = "0123456789abcdef0123456789ABCDEF01234567"; // 40 hex digits: a 20-byte password
            Assert.Equal(ConfigurationStatus.Accepted, Change("AuthorizationKey", key));
            int index = IndexOf(_store, "AuthorizationKey");
            Assert.False(_store.IsReadable(index));
            Assert.False(_store.IsReadOnly(index)); // GetConfiguration.conf readonly: false
            Assert.Null(Value("AuthorizationKey"));
            Assert.Equal(-1, _store.FormatValue(index, new byte[ConfigurationStore.MaxValueLength]));
            // The firmware and the persistence layer still see it.
            Assert.Equal(key, Text(_store.GetString(ConfigurationKey.AuthorizationKey)));
            var stored = new byte[64];
            Assert.Equal(key.Length, _store.FormatStoredValue(index, stored));
            Assert.False(_store.IsDefault(index));
            Assert.Equal(1, _store.Version);
        }

        [Theory]
        [InlineData("correct-horse-42", "correct-horse-42")]          // 16 printable characters: the password itself
        [InlineData("twenty-characters-20", "twenty-characters-20")]
        [InlineData("636f72726563742d686f7273652d3432", "correct-horse-42")] // 32 hex digits: 16 bytes
        public void An_AuthorizationKey_decodes_to_the_basic_auth_password(string value, string password)
        {
            Assert.Equal(ConfigurationStatus.Accepted, Change("AuthorizationKey", value));
            var decoded = new byte[AuthorizationKeyText.MaxPasswordLength];
            int length = AuthorizationKeyText.Decode(_store.GetString(ConfigurationKey.AuthorizationKey), decoded);
            Assert.Equal(password, Encoding.ASCII.GetString(decoded, 0, length));
        }

        [Theory]
        [InlineData("")]                                         // no password: lowering security is not for OCPP
        [InlineData("fifteen-chars15")]                          // 15: shorter than 16 bytes
        [InlineData("twenty-one-characters")]                    // 21..31: neither form
        [InlineData("0123456789abcdef0123456789abcde")]          // 31
        [InlineData("0123456789abcdef0123456789abcdef0")]        // 33 hex digits: odd
        [InlineData("0123456789abcdef0123456789abcdefg1")]       // 34, not all hex
        [InlineData("0123456789abcdef0123456789abcdef0123456789")] // 42 hex digits: more than 20 bytes
        [InlineData("correct-horse\u00e9-42")]                   // not ASCII
        [InlineData("correct-horse\t-42")]                       // a control character
        public void An_AuthorizationKey_that_is_no_valid_password_is_Rejected(string value)
        {
            Assert.Equal(ConfigurationStatus.Rejected, Change("AuthorizationKey", value));
            Assert.True(_store.GetString(ConfigurationKey.AuthorizationKey).IsEmpty);
            Assert.Equal(0, _store.Version);
        }

        [Fact]
        public void Every_observer_is_told_of_each_change_that_altered_a_value()
        {
            var first = new RecordingObserver();
            var second = new RecordingObserver();
            Assert.True(_store.AddObserver(first));
            Assert.True(_store.AddObserver(second));
            Assert.Equal(ConfigurationStatus.Accepted, Change("HeartbeatInterval", "120"));
            Assert.Equal(ConfigurationStatus.Accepted, Change("MeterValuesSampledData", "Voltage"));
            Assert.Equal(ConfigurationStatus.Rejected, Change("HeartbeatInterval", "0"));         // refused: nothing changed
            Assert.Equal(ConfigurationStatus.Accepted, Change("HeartbeatInterval", "120"));       // same value: nothing changed
            Assert.Equal(ConfigurationStatus.Accepted, Change("MeterValuesSampledData", "voltage")); // same canonical value
            Assert.Equal(ConfigurationStatus.NotSupported, Change("Heartbeat", "5"));
            var expected = new[] { ConfigurationKey.HeartbeatInterval, ConfigurationKey.MeterValuesSampledData };
            Assert.Equal(expected, first.Changes);
            Assert.Equal(expected, second.Changes);
            Assert.Equal(2, _store.Version);
        }

        [Fact]
        public void The_observer_sees_the_new_value_when_it_is_told()
        {
            int seen = 0;
            var observer = new ReadingObserver(() => seen = _store.GetInt(ConfigurationKey.HeartbeatInterval));
            _store.AddObserver(observer);
            Change("HeartbeatInterval", "900");
            Assert.Equal(900, seen);
        }

        private sealed class ReadingObserver : IConfigurationObserver
        {
            private readonly Action _read;
            public ReadingObserver(Action read) { _read = read; }
            public void OnChanged(ConfigurationKey key) => _read();
        }

        [Fact]
        public void The_observer_table_is_fixed_at_boot()
        {
            var store = new ConfigurationStore(2, observerCapacity: 1);
            Assert.True(store.AddObserver(new RecordingObserver()));
            Assert.False(store.AddObserver(new RecordingObserver()));
            Assert.False(_store.AddObserver(null));
        }

        [Fact]
        public void The_firmware_sets_the_heartbeat_from_BootNotification_through_the_same_checks()
        {
            var observer = new RecordingObserver();
            _store.AddObserver(observer);
            Assert.Equal(ConfigurationStatus.Accepted, _store.TrySet(ConfigurationKey.HeartbeatInterval, 14400));
            Assert.Equal("14400", Value("HeartbeatInterval"));
            Assert.Equal(new[] { ConfigurationKey.HeartbeatInterval }, observer.Changes);
            Assert.Equal(ConfigurationStatus.Rejected, _store.TrySet(ConfigurationKey.HeartbeatInterval, 0));
            Assert.Equal(ConfigurationStatus.Rejected, _store.TrySet(ConfigurationKey.HeartbeatInterval, 86401));
            Assert.Equal(ConfigurationStatus.Rejected, _store.TrySet(ConfigurationKey.NumberOfConnectors, 3));
            Assert.Equal(ConfigurationStatus.Rejected, _store.TrySet(ConfigurationKey.LocalPreAuthorize, 1));
            Assert.Equal(ConfigurationStatus.NotSupported, _store.TrySet((ConfigurationKey)999, 1));
            Assert.Equal(14400, _store.GetInt(ConfigurationKey.HeartbeatInterval));
            Assert.Equal(1, _store.Version);
        }

        [Fact]
        public void Changed_keys_saved_as_text_come_back_at_boot_through_TryRestore()
        {
            Assert.Equal(ConfigurationStatus.Accepted, Change("HeartbeatInterval", "300"));
            Assert.Equal(ConfigurationStatus.Accepted, Change("LocalPreAuthorize", "TRUE"));
            Assert.Equal(ConfigurationStatus.Accepted, Change("MeterValuesSampledData", "voltage, current.import"));
            Assert.Equal(ConfigurationStatus.Accepted, Change("ConnectorPhaseRotation", "1.RST"));
            Assert.Equal(ConfigurationStatus.Accepted, Change("StopTxnAlignedData", "Energy.Active.Import.Register"));
            Assert.Equal(ConfigurationStatus.Accepted, Change("AuthorizationKey", "correct-horse-42"));

            // What a persistence layer writes: the keys that differ from their defaults.
            var saved = new List<(string, string)>();
            var buffer = new byte[ConfigurationStore.MaxValueLength];
            for (int i = 0; i < _store.Count; i++)
            {
                if (_store.IsDefault(i)) continue;
                int length = _store.FormatStoredValue(i, buffer);
                saved.Add((Text(_store.NameOf(i)), Encoding.UTF8.GetString(buffer, 0, length)));
            }
            Assert.Equal(new[]
            {
                ("AuthorizationKey", "correct-horse-42"),
                ("ConnectorPhaseRotation", "1.RST"),
                ("HeartbeatInterval", "300"),
                ("LocalPreAuthorize", "true"),
                ("MeterValuesSampledData", "Voltage,Current.Import"),
                ("StopTxnAlignedData", "Energy.Active.Import.Register"),
            }, saved);

            var booted = new ConfigurationStore(2);
            var observer = new RecordingObserver();
            booted.AddObserver(observer);
            foreach (var (name, value) in saved)
                Assert.Equal(ConfigurationStatus.Accepted, booted.TryRestore(Bytes(name), Bytes(value)));
            for (int i = 0; i < _store.Count; i++)
            {
                int a = _store.FormatStoredValue(i, buffer);
                string expected = Encoding.UTF8.GetString(buffer, 0, a);
                int b = booted.FormatStoredValue(i, buffer);
                Assert.Equal(expected, Encoding.UTF8.GetString(buffer, 0, b));
            }
            Assert.Equal(0, booted.Version);     // restoring is not a change to save again
            Assert.Empty(observer.Changes);      // nothing to tell: the firmware reads the values after restoring
        }

        [Fact]
        public void TryRestore_drops_what_the_firmware_no_longer_accepts()
        {
            Assert.Equal(ConfigurationStatus.NotSupported, _store.TryRestore(Bytes("RetiredKey"), Bytes("1")));
            Assert.Equal(ConfigurationStatus.Rejected, _store.TryRestore(Bytes("HeartbeatInterval"), Bytes("-5")));
            Assert.Equal(ConfigurationStatus.Rejected, _store.TryRestore(Bytes("MeterValuesSampledData"), Bytes("SoC")));
            Assert.Equal(ConfigurationStatus.Rejected, _store.TryRestore(Bytes("NumberOfConnectors"), Bytes("4")));
            Assert.Equal("60", Value("HeartbeatInterval"));
            Assert.Equal("Energy.Active.Import.Register", Value("MeterValuesSampledData"));
        }

        [Fact]
        public void A_key_changed_back_to_its_default_is_no_longer_saved()
        {
            int index = (int)ConfigurationKey.MeterValuesSampledData;
            Change("MeterValuesSampledData", "Voltage");
            Assert.False(_store.IsDefault(index));
            Change("MeterValuesSampledData", "energy.active.import.register");
            Assert.True(_store.IsDefault(index));
        }

        [Fact]
        public void FormatValue_refuses_a_destination_too_small_and_an_index_out_of_range()
        {
            int index = (int)ConfigurationKey.MeterValuesSampledData;
            Assert.Equal(-1, _store.FormatValue(index, new byte[28]));
            Assert.Equal(29, _store.FormatValue(index, new byte[29]));
            Assert.Equal(-1, _store.FormatValue((int)ConfigurationKey.HeartbeatInterval, new byte[1]));
            Assert.Equal(-1, _store.FormatValue(_store.Count, new byte[64]));
            Assert.Equal(-1, _store.FormatValue(-1, new byte[64]));
            Assert.True(_store.NameOf(_store.Count).IsEmpty);
        }

        [Fact]
        public void Finding_formatting_and_changing_keys_allocates_nothing()
        {
            var observer = new CountingObserver();
            _store.AddObserver(observer);
            var destination = new byte[ConfigurationStore.MaxValueLength];
            int formatted = 0;
            long allocated = AllocatedBy(() =>
            {
                for (int round = 0; round < 50; round++)
                {
                    _store.TryFind("StopTransactionOnEVSideDisconnect"u8, out _);
                    _store.TryFind("NoSuchKey"u8, out _);
                    for (int i = 0; i < _store.Count; i++)
                        formatted += Math.Max(0, _store.FormatValue(i, destination));
                    _store.TryChange("HeartbeatInterval"u8, (round & 1) == 0 ? "300"u8 : "60"u8);
                    _store.TryChange("HeartbeatInterval"u8, "1.5"u8);
                    _store.TryChange("LocalPreAuthorize"u8, (round & 1) == 0 ? "True"u8 : "false"u8);
                    _store.TryChange("MeterValuesSampledData"u8, (round & 1) == 0 ? " Voltage , current.import"u8 : "Energy.Active.Import.Register"u8);
                    _store.TryChange("ConnectorPhaseRotation"u8, (round & 1) == 0 ? "0.RST, 1.RST, 2.RTS"u8 : "1.Unknown"u8);
                    _store.TryChange("AuthorizationKey"u8, (round & 1) == 0 ? "636f72726563742d686f7273652d3432"u8 : "correct-horse-42"u8);
                    _store.TryChange("NumberOfConnectors"u8, "3"u8);
                    _store.TryChange("Nope"u8, "1"u8);
                    _store.TrySet(ConfigurationKey.MeterValueSampleInterval, 30 + (round & 1));
                    _store.TryRestore("WebSocketPingInterval"u8, "45"u8);
                    _store.ListContains(ConfigurationKey.MeterValuesSampledData, "Voltage"u8);
                }
            });
            Assert.Equal(0, allocated);
            Assert.True(formatted > 0);
            Assert.Equal(2 * 50 * 6, observer.Calls); // six values alternate every round, in both passes
        }
    }
}
