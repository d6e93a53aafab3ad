using System;
using System.IO;
using System.Text;
using ChargePoint.Core.Config;
using ChargePoint.Tests.Emulator;
using Xunit;

namespace ChargePoint.Tests.Core
{
    // tools/configblock.py writes what ConfigBlock.Load reads: the round trip checks the layout and
    // the CRC (zlib's) from an independent implementation.
    public sealed class ConfigBlockToolTests : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "configblock-" + Guid.NewGuid().ToString("N"));
        private readonly ConfigHarness _h = new ConfigHarness();

        public void Dispose()
        {
            if (Directory.Exists(_folder)) Directory.Delete(_folder, true);
        }

        private string Output => Path.Combine(_folder, "config.bin");

        private (int ExitCode, string Output) Tool(string arguments) =>
            Repo.Run("python3", $"tools/configblock.py -o \"{Output}\" {arguments}", TimeSpan.FromMinutes(1));

        private byte[] Written(string arguments)
        {
            var (code, output) = Tool(arguments);
            Assert.True(code == 0, output);
            return File.ReadAllBytes(Output);
        }

        private static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes);

        [Fact]
        public void A_block_written_by_the_tool_is_applied_by_the_firmware()
        {
            var (code, output) = Tool("--cs-url ws://10.0.2.2:8180/steve/websocket/CentralSystemService --cp-id CP7 " +
                "--password 0123456789abcdef --ip dhcp --dns 10.0.2.2 --dns-port 5353 --sntp 10.0.2.2 --sntp-port 1123");
            Assert.Equal(0, code);
            Assert.StartsWith($"configblock: wrote {Output}: 8 keys, ", output);
            byte[] region = File.ReadAllBytes(Output);
            Assert.Equal(ConfigBlock.RegionSize, region.Length);

            Assert.Equal(ConfigSource.Block, _h.Load(region));
            Assert.Equal(new[] { "<inf> config: block at 0x003ff000 applied (8 keys)" }, _h.Lines);
            Settings s = _h.Settings;
            Assert.Equal("10.0.2.2", Ascii(s.CsHost));
            Assert.Equal(8180, s.CsPort);
            Assert.Equal("/steve/websocket/CentralSystemService", Ascii(s.CsPath));
            Assert.Equal("CP7", Ascii(s.ChargePointId));
            Assert.Equal("0123456789abcdef", Ascii(s.Password));
            Assert.True(s.UseDhcp);
            Assert.Equal(0x0A000202u, s.DnsServer);
            Assert.Equal(5353, s.DnsPort);
            Assert.Equal("10.0.2.2", Ascii(s.SntpServer));
            Assert.Equal(1123, s.SntpPort);
        }

        [Fact]
        public void Only_the_given_keys_go_into_the_block()
        {
            byte[] region = Written("--cp-id CP9");
            Assert.Equal("cp_id=CP9\n", Ascii(region.AsSpan(16, region[6])));
            _h.Load(region);
            Assert.Equal("pool.ntp.org", Ascii(_h.Settings.SntpServer));
        }

        [Fact]
        public void A_static_address_round_trips()
        {
            _h.Load(Written("--ip 192.168.7.20 --netmask 255.255.255.0 --gateway 192.168.7.1 --dns 192.168.7.1"));
            Assert.Equal(ConfigSource.Block, _h.Settings.Source);
            Assert.False(_h.Settings.UseDhcp);
            Assert.Equal(0xC0A80714u, _h.Settings.Address);
        }

        [Fact]
        public void A_corrupt_crc_from_the_tool_is_caught()
        {
            _h.Load(Written("--cp-id CP7 --corrupt-crc"));
            Assert.StartsWith("<err> config: checksum mismatch (block 0x", Assert.Single(_h.Lines));
        }

        [Fact]
        public void A_version_from_the_tool_is_checked()
        {
            _h.Load(Written("--cp-id CP7 --version 7"));
            Assert.Equal(new[] { "<err> config: version 7 not supported (expected 1), using board defaults" }, _h.Lines);
        }

        [Fact]
        public void A_raw_key_is_written_unchecked_for_the_firmware_to_refuse()
        {
            _h.Load(Written("--cp-id CP7 --raw-key cp_id=CP8"));
            Assert.Equal(new[] { "<err> config: cp_id: repeated key (line 2), using board defaults" }, _h.Lines);
            _h.Serial.Clear();
            _h.Load(Written("--raw-key \"cs_url=wss://cs/ocpp\""));
            Assert.Equal(new[] { "<err> config: cs_url: wss:// needs TLS, which is not supported yet: use ws://, using board defaults" }, _h.Lines);
        }

        [Fact]
        public void The_session_stream_keys_round_trip()
        {
            byte[] region = Written("--usblog-ts on --usblog-hz 1000 --usblog-meter-s 5");
            Assert.Equal("usblog_ts=on\nusblog_hz=1000\nusblog_meter_s=5\n", Ascii(region.AsSpan(16, region[6])));
            Assert.Equal(ConfigSource.Block, _h.Load(region));
            Assert.True(_h.Settings.UsbLogTimestamps);
            Assert.Equal(1000, _h.Settings.UsbLogHighRateHz);
            Assert.Equal(5, _h.Settings.UsbLogMeterSeconds);
        }

        [Theory]
        [InlineData("--cs-url wss://cs/ocpp", "--cs-url 'wss://cs/ocpp': wss:// needs TLS, which is not supported yet: use ws://")]
        [InlineData("--cs-url ws://cs:0/ocpp", "--cs-url 'ws://cs:0/ocpp': port 0 out of range 1..65535")]
        [InlineData("--cp-id CP/7", "--cp-id 'CP/7': character '/' not allowed")]
        [InlineData("--netmask 255.0.255.0", "is not contiguous ones")]
        [InlineData("--ip 10.0.0.5", "--ip 10.0.0.5 needs --netmask and --gateway")]
        [InlineData("--password secret", "--password: 6 characters: must be 16..20, or 32..40 hex digits")]
        [InlineData("--sntp-port 70000", "70000 out of range 1..65535")]
        [InlineData("", "no keys given")]
        [InlineData("--usblog-ts yes", "--usblog-ts 'yes': is not on or off")]
        [InlineData("--usblog-hz 1001", "--usblog-hz '1001': is not a whole number of samples per second in 0..1000")]
        [InlineData("--usblog-meter-s 0", "--usblog-meter-s '0': is not a whole number of seconds in 1..3600")]
        public void The_tool_refuses_bad_input_with_a_message_and_writes_nothing(string arguments, string message)
        {
            var (code, output) = Tool(arguments);
            Assert.NotEqual(0, code);
            Assert.Contains(message, output);
            Assert.False(File.Exists(Output));
        }
    }
}
