using System;
using System.Linq;
using System.Text;
using ChargePoint.Core.Config;
using ChargePoint.Core.Logging;
using Xunit;

namespace ChargePoint.Tests.Core
{
    // What the config tests share: a logger capturing lines, a target, board defaults, and blocks
    // built byte by byte.
    internal sealed class ConfigHarness
    {
        public const uint Address = 0x003ff000;

        public const string BoardDefaults =
            "# test board\n" +
            "ip=dhcp\n" +
            "dns=auto\n" +
            "sntp=pool.ntp.org\n" +
            "cs_url=ws://192.168.1.10:8180/steve/websocket/CentralSystemService\n" +
            "cp_id=CP1\n";

        public readonly FakeClock Clock = new FakeClock();
        public readonly CapturingSerial Serial = new CapturingSerial();
        public readonly Logger Log;
        public readonly Settings Settings = new Settings();
        public readonly ConfigBlock Block = new ConfigBlock();

        public ConfigHarness() { Log = new Logger(Clock, Serial, 256); }

        public ConfigSource Load(byte[] region, string defaults = BoardDefaults) =>
            Block.Load(region, Address, Encoding.UTF8.GetBytes(defaults), Settings, Log);

        // The log lines without their timestamps: "<err> config: ...".
        public string[] Lines =>
            Serial.Text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.Substring(l.IndexOf("] ") + 2)).ToArray();

        // The effective settings as the config command prints them, without the source line.
        public string Printed()
        {
            var serial = new CapturingSerial();
            ConfigPrinter.Print(Settings, new Logger(Clock, serial, 256));
            return string.Join("\n", serial.Text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1));
        }

        public static string PrintedDefaults(string defaults = BoardDefaults)
        {
            var harness = new ConfigHarness();
            harness.Load(new byte[ConfigBlock.RegionSize], defaults);
            return harness.Printed();
        }

        public static byte[] Region(string payload, int version = 1, int? length = null, uint? crc = null, uint reserved = 0, int size = ConfigBlock.RegionSize)
        {
            byte[] text = Encoding.UTF8.GetBytes(payload);
            var region = new byte[size];
            region.AsSpan().Fill(0xFF);
            Encoding.ASCII.GetBytes("SCCF").CopyTo(region, 0);
            BitConverter.TryWriteBytes(region.AsSpan(4), (ushort)version);
            BitConverter.TryWriteBytes(region.AsSpan(6), (ushort)(length ?? text.Length));
            BitConverter.TryWriteBytes(region.AsSpan(8), crc ?? Crc32.Compute(text));
            BitConverter.TryWriteBytes(region.AsSpan(12), reserved);
            text.AsSpan(0, Math.Min(text.Length, size - 16)).CopyTo(region.AsSpan(16));
            return region;
        }
    }

    public class ConfigBlockTests
    {
        private readonly ConfigHarness _h = new ConfigHarness();

        private static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes);

        [Fact]
        public void Memory_of_zeros_holds_no_block_and_the_board_defaults_apply_with_an_info_line()
        {
            Assert.Equal(ConfigSource.Defaults, _h.Load(new byte[1024]));
            Assert.Equal(new[] { "<inf> config: no block at 0x003ff000, board defaults" }, _h.Lines);
            Assert.Equal(ConfigSource.Defaults, _h.Settings.Source);
            Assert.True(_h.Settings.UseDhcp);
            Assert.True(_h.Settings.DnsFromDhcp);
            Assert.Equal(53, _h.Settings.DnsPort);
            Assert.Equal("pool.ntp.org", Ascii(_h.Settings.SntpServer));
            Assert.Equal(123, _h.Settings.SntpPort);
            Assert.Equal("192.168.1.10", Ascii(_h.Settings.CsHost));
            Assert.Equal(8180, _h.Settings.CsPort);
            Assert.Equal("/steve/websocket/CentralSystemService", Ascii(_h.Settings.CsPath));
            Assert.Equal("CP1", Ascii(_h.Settings.ChargePointId));
            Assert.True(_h.Settings.Password.IsEmpty);
        }

        [Fact]
        public void Erased_flash_of_0xFF_holds_no_block_either()
        {
            var region = new byte[1024];
            region.AsSpan().Fill(0xFF);
            Assert.Equal(ConfigSource.Defaults, _h.Load(region));
            Assert.Equal(new[] { "<inf> config: no block at 0x003ff000, board defaults" }, _h.Lines);
        }

        [Fact]
        public void A_good_block_overrides_its_keys_and_the_rest_keep_the_board_defaults()
        {
            string payload = "cp_id=CP7\ndns=10.0.2.2\ndns_port=5353\nsntp=10.0.2.2\nsntp_port=1123\n";
            Assert.Equal(ConfigSource.Block, _h.Load(ConfigHarness.Region(payload)));
            Assert.Equal(new[] { "<inf> config: block at 0x003ff000 applied (5 keys)" }, _h.Lines);
            Settings s = _h.Settings;
            Assert.Equal(ConfigSource.Block, s.Source);
            Assert.Equal("CP7", Ascii(s.ChargePointId));
            Assert.False(s.DnsFromDhcp);
            Assert.Equal(0x0A000202u, s.DnsServer);
            Assert.Equal(5353, s.DnsPort);
            Assert.Equal("10.0.2.2", Ascii(s.SntpServer));
            Assert.Equal(1123, s.SntpPort);
            Assert.True(s.UseDhcp);
            Assert.Equal("ws://192.168.1.10:8180/steve/websocket/CentralSystemService", Ascii(s.CsUrl));
        }

        [Fact]
        public void A_block_of_one_key_says_key_not_keys()
        {
            _h.Load(ConfigHarness.Region("cp_id=CP7"));
            Assert.Equal(new[] { "<inf> config: block at 0x003ff000 applied (1 key)" }, _h.Lines);
        }

        [Fact]
        public void A_block_of_only_comments_is_applied_with_no_keys()
        {
            Assert.Equal(ConfigSource.Block, _h.Load(ConfigHarness.Region("# nothing to change\n")));
            Assert.Equal(new[] { "<inf> config: block at 0x003ff000 applied (0 keys)" }, _h.Lines);
            Assert.Equal(ConfigHarness.PrintedDefaults(), _h.Printed());
        }

        [Fact]
        public void Crlf_line_ends_blank_lines_and_comments_are_accepted_in_a_block()
        {
            Assert.Equal(ConfigSource.Block, _h.Load(ConfigHarness.Region("# written by hand\r\n\r\ncp_id=CP9\r\n   \r\nsntp_port=1123")));
            Assert.Equal("CP9", Ascii(_h.Settings.ChargePointId));
            Assert.Equal(1123, _h.Settings.SntpPort);
        }

        [Fact]
        public void A_bad_magic_is_an_error_naming_it()
        {
            byte[] region = ConfigHarness.Region("cp_id=CP7");
            Encoding.ASCII.GetBytes("SCCX").CopyTo(region, 0);
            Assert.Equal(ConfigSource.DefaultsAfterError, _h.Load(region));
            Assert.Equal(new[] { "<err> config: bad magic 0x53434358 (expected 0x53434346, \"SCCF\"), using board defaults" }, _h.Lines);
            Assert.Equal("CP1", Ascii(_h.Settings.ChargePointId));
        }

        [Fact]
        public void A_region_with_only_some_zero_bytes_first_is_a_bad_magic_not_an_empty_region()
        {
            var region = new byte[1024];
            region[3] = 0x01;
            Assert.Equal(ConfigSource.DefaultsAfterError, _h.Load(region));
            Assert.Equal(new[] { "<err> config: bad magic 0x00000001 (expected 0x53434346, \"SCCF\"), using board defaults" }, _h.Lines);
        }

        [Fact]
        public void A_wrong_version_is_an_error_naming_it()
        {
            Assert.Equal(ConfigSource.DefaultsAfterError, _h.Load(ConfigHarness.Region("cp_id=CP7", version: 7)));
            Assert.Equal(new[] { "<err> config: version 7 not supported (expected 1), using board defaults" }, _h.Lines);
            Assert.Equal("CP1", Ascii(_h.Settings.ChargePointId));
        }

        [Theory]
        [InlineData(0, "<err> config: payload length 0 out of range 1..1008, using board defaults")]
        [InlineData(1009, "<err> config: payload length 1009 out of range 1..1008, using board defaults")]
        [InlineData(65535, "<err> config: payload length 65535 out of range 1..1008, using board defaults")]
        public void A_payload_length_out_of_range_is_an_error(int length, string line)
        {
            Assert.Equal(ConfigSource.DefaultsAfterError, _h.Load(ConfigHarness.Region("cp_id=CP7", length: length)));
            Assert.Equal(new[] { line }, _h.Lines);
        }

        [Fact]
        public void A_payload_length_past_the_end_of_the_region_is_an_error()
        {
            byte[] region = ConfigHarness.Region("cp_id=CP7", length: 200, size: 100);
            Assert.Equal(ConfigSource.DefaultsAfterError, _h.Load(region));
            Assert.Equal(new[] { "<err> config: payload length 200 runs past the 100-byte region, using board defaults" }, _h.Lines);
        }

        [Fact]
        public void A_region_shorter_than_the_header_is_an_error()
        {
            Assert.Equal(ConfigSource.DefaultsAfterError, _h.Load(Encoding.ASCII.GetBytes("SCCF\x01\x00")));
            Assert.Equal(new[] { "<err> config: region of 6 bytes is shorter than the 16-byte header, using board defaults" }, _h.Lines);
        }

        [Fact]
        public void A_checksum_mismatch_is_an_error_showing_both_values()
        {
            uint good = Crc32.Compute(Encoding.ASCII.GetBytes("cp_id=CP7\n"));
            Assert.Equal(ConfigSource.DefaultsAfterError, _h.Load(ConfigHarness.Region("cp_id=CP7\n", crc: 0x1234abcd)));
            Assert.Equal(new[] { $"<err> config: checksum mismatch (block 0x1234abcd, computed 0x{good:x8}), using board defaults" }, _h.Lines);
            Assert.Equal("CP1", Ascii(_h.Settings.ChargePointId));
        }

        [Fact]
        public void A_payload_byte_changed_after_the_checksum_was_taken_is_caught()
        {
            byte[] region = ConfigHarness.Region("cp_id=CP7\n");
            region[16 + 8] = (byte)'8';
            Assert.Equal(ConfigSource.DefaultsAfterError, _h.Load(region));
            Assert.StartsWith("<err> config: checksum mismatch (block 0x", _h.Lines.Single());
        }

        [Fact]
        public void A_nonzero_reserved_word_is_an_error()
        {
            Assert.Equal(ConfigSource.DefaultsAfterError, _h.Load(ConfigHarness.Region("cp_id=CP7", reserved: 1)));
            Assert.Equal(new[] { "<err> config: reserved word 0x00000001 is not 0, using board defaults" }, _h.Lines);
        }

        [Theory]
        [InlineData("cs_url=ws://cs.example:99999/ocpp", "cs_url: port 99999 out of range 1..65535")]
        [InlineData("cs_url=wss://cs.example/ocpp", "cs_url: wss:// needs TLS, which is not supported yet: use ws://")]
        [InlineData("cs_url=cs.example/ocpp", "cs_url: no scheme in \"cs.example/ocpp\" (expected ws://host[:port]/path)")]
        [InlineData("colour=blue", "unknown key \"colour\"")]
        [InlineData("cp_id=CP7\ncp_id=CP8", "cp_id: repeated key (line 2)")]
        [InlineData("cp_id=CP7\njunk", "line 2: \"junk\" has no \"=\" (expected key=value)")]
        [InlineData("ip=10.0.0.5\ngateway=10.0.0.1", "ip: static address 10.0.0.5 needs netmask and gateway")]
        [InlineData("ip=10.0.0.5\nnetmask=255.0.255.0\ngateway=10.0.0.1", "netmask: 255.0.255.0 is not contiguous ones (like 255.255.255.0)")]
        [InlineData("cp_id=0123456789012345678901234567890123456789012345678", "cp_id: 49 bytes, longer than 48")]
        [InlineData("cp_id=CP/7", "cp_id: character \"/\" not allowed (printable ASCII without space, /, ? or #)")]
        [InlineData("password=short", "password: 5 characters: must be 16..20, or 32..40 hex digits (OCPP 1.6 security whitepaper)")]
        [InlineData("sntp=time_server", "sntp: character \"_\" not allowed (letters, digits, - and .)")]
        [InlineData("dns_port=0", "dns_port: 0 out of range 1..65535")]
        public void A_bad_block_is_one_error_line_naming_the_field(string payload, string message)
        {
            Assert.Equal(ConfigSource.DefaultsAfterError, _h.Load(ConfigHarness.Region(payload)));
            Assert.Equal(new[] { "<err> config: " + message + ", using board defaults" }, _h.Lines);
        }

        [Fact]
        public void A_bad_key_late_in_a_block_leaves_every_board_default_in_place()
        {
            string payload =
                "ip=10.0.0.5\nnetmask=255.255.255.0\ngateway=10.0.0.1\ndns=10.0.0.1\ndns_port=5353\n" +
                "sntp=10.0.0.1\nsntp_port=1123\ncp_id=CP7\npassword=0123456789abcdef\n" +
                "cs_url=ws://10.0.0.1:99999/ocpp\n";
            Assert.Equal(ConfigSource.DefaultsAfterError, _h.Load(ConfigHarness.Region(payload)));
            Assert.Equal(ConfigHarness.PrintedDefaults(), _h.Printed());
            Assert.Equal(ConfigSource.DefaultsAfterError, _h.Settings.Source);
            Assert.True(_h.Settings.UseDhcp);
            Assert.Equal(0u, _h.Settings.Address);
        }

        [Fact]
        public void A_rejected_block_also_undoes_settings_loaded_before_into_the_same_target()
        {
            _h.Load(ConfigHarness.Region("cp_id=CP7\nsntp_port=1123"));
            Assert.Equal("CP7", Ascii(_h.Settings.ChargePointId));
            _h.Load(ConfigHarness.Region("cp_id=CP8\nsntp_port=70000"));
            Assert.Equal(ConfigHarness.PrintedDefaults(), _h.Printed());
        }

        [Fact]
        public void A_block_can_rely_on_static_network_settings_from_the_board_defaults()
        {
            string defaults = "ip=10.0.0.5\nnetmask=255.255.255.0\ngateway=10.0.0.1\ndns=10.0.0.1\ncp_id=CP1\n";
            Assert.Equal(ConfigSource.Block, _h.Load(ConfigHarness.Region("ip=10.0.0.9"), defaults));
            Assert.Equal(0x0A000009u, _h.Settings.Address);
            Assert.Equal(0xFFFFFF00u, _h.Settings.Netmask);
            Assert.Equal(0x0A000001u, _h.Settings.Gateway);
        }

        [Fact]
        public void Broken_board_defaults_are_reported_as_a_firmware_bug_and_a_block_still_applies()
        {
            Assert.Equal(ConfigSource.Block, _h.Load(ConfigHarness.Region("cp_id=CP7"), "cp_id=CP1\ncolour=blue\n"));
            Assert.Equal(new[]
            {
                "<err> config: *** board defaults invalid (firmware bug): unknown key \"colour\"",
                "<inf> config: block at 0x003ff000 applied (1 key)",
            }, _h.Lines);
            Assert.Equal("CP7", Ascii(_h.Settings.ChargePointId));
        }

        [Fact]
        public void Broken_board_defaults_without_a_block_leave_the_blank_settings_and_say_so()
        {
            Assert.Equal(ConfigSource.DefaultsAfterError, _h.Load(new byte[1024], "cp_id=CP1\nsntp_port=0\n"));
            Assert.Equal(new[]
            {
                "<err> config: *** board defaults invalid (firmware bug): sntp_port: 0 out of range 1..65535",
                "<inf> config: no block at 0x003ff000, board defaults",
            }, _h.Lines);
            Assert.True(_h.Settings.ChargePointId.IsEmpty);
            Assert.Equal(123, _h.Settings.SntpPort);
        }

        [Fact]
        public void Crc32_of_123456789_is_the_standard_check_value()
        {
            Assert.Equal(0xCBF43926u, Crc32.Compute(Encoding.ASCII.GetBytes("123456789")));
        }

        [Fact]
        public void Crc32_matches_zlib_for_empty_input_and_a_sentence()
        {
            Assert.Equal(0u, Crc32.Compute(ReadOnlySpan<byte>.Empty));
            Assert.Equal(0x414FA339u, Crc32.Compute(Encoding.ASCII.GetBytes("The quick brown fox jumps over the lazy dog")));
        }

        [Fact]
        public void Loading_allocates_nothing_once_the_objects_exist()
        {
            byte[] good = ConfigHarness.Region("cp_id=CP7\ncs_url=ws://10.0.2.2:8180/ocpp\npassword=0123456789abcdef0123456789abcdef\n");
            byte[] bad = ConfigHarness.Region("cp_id=CP7\nsntp=10.0.0.256\n");
            byte[] erased = new byte[1024];
            byte[] defaults = Encoding.UTF8.GetBytes(ConfigHarness.BoardDefaults);
            var log = new Logger(_h.Clock, new CapturingSerial(1 << 20), 256);
            void LoadEach()
            {
                _h.Block.Load(good, ConfigHarness.Address, defaults, _h.Settings, log);
                _h.Block.Load(bad, ConfigHarness.Address, defaults, _h.Settings, log);
                _h.Block.Load(erased, ConfigHarness.Address, defaults, _h.Settings, log);
                ConfigPrinter.Print(_h.Settings, log);
            }
            LoadEach(); // warm-up: JIT, statics
            long before = GC.GetAllocatedBytesForCurrentThread();
            LoadEach();
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}
