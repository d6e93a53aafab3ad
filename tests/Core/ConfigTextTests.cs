using System;
using System.Text;
using ChargePoint.Core.Config;
using Xunit;

namespace ChargePoint.Tests.Core
{
    public class ConfigTextTests
    {
        private readonly Settings _settings = new Settings();
        private readonly ConfigError _error = new ConfigError();

        private int Apply(string text) => ConfigText.Apply(Encoding.UTF8.GetBytes(text), _settings, _error);

        // The error line for text that must be refused.
        private string Error(string text)
        {
            Assert.Equal(-1, Apply(text));
            return Encoding.UTF8.GetString(_error.Message);
        }

        private static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes);

        [Fact]
        public void Every_key_is_read_into_its_setting_and_the_key_count_returned()
        {
            string text =
                "ip=192.168.1.101\nnetmask=255.255.255.0\ngateway=192.168.1.1\ndns=192.168.1.2\ndns_port=5353\n" +
                "sntp=time.example.org\nsntp_port=1123\ncs_url=ws://cs.example.org/ocpp16\ncp_id=CP-7\n" +
                "password=correct-horse-42\n";
            Assert.Equal(10, Apply(text));
            Assert.Equal(0, _error.Length);
            Assert.False(_settings.UseDhcp);
            Assert.Equal(0xC0A80165u, _settings.Address);
            Assert.Equal(0xFFFFFF00u, _settings.Netmask);
            Assert.Equal(0xC0A80101u, _settings.Gateway);
            Assert.False(_settings.DnsFromDhcp);
            Assert.Equal(0xC0A80102u, _settings.DnsServer);
            Assert.Equal(5353, _settings.DnsPort);
            Assert.Equal("time.example.org", Ascii(_settings.SntpServer));
            Assert.Equal(1123, _settings.SntpPort);
            Assert.Equal("ws://cs.example.org/ocpp16", Ascii(_settings.CsUrl));
            Assert.Equal("cs.example.org", Ascii(_settings.CsHost));
            Assert.Equal(80, _settings.CsPort);
            Assert.Equal("/ocpp16", Ascii(_settings.CsPath));
            Assert.Equal("CP-7", Ascii(_settings.ChargePointId));
            Assert.Equal("correct-horse-42", Ascii(_settings.Password));
        }

        [Fact]
        public void Unset_keys_start_from_dhcp_auto_dns_and_the_standard_ports()
        {
            Assert.Equal(1, Apply("cp_id=CP1"));
            Assert.True(_settings.UseDhcp);
            Assert.True(_settings.DnsFromDhcp);
            Assert.Equal(53, _settings.DnsPort);
            Assert.Equal(123, _settings.SntpPort);
            Assert.True(_settings.SntpServer.IsEmpty);
            Assert.True(_settings.CsUrl.IsEmpty);
            Assert.True(_settings.CsHost.IsEmpty);
            Assert.True(_settings.CsPath.IsEmpty);
        }

        [Fact]
        public void Dhcp_and_auto_undo_a_static_address_and_dns_server()
        {
            Assert.Equal(4, Apply("ip=10.0.0.5\nnetmask=255.0.0.0\ngateway=10.0.0.1\ndns=10.0.0.1"));
            Assert.Equal(2, Apply("ip=dhcp\ndns=auto"));
            Assert.True(_settings.UseDhcp);
            Assert.Equal(0u, _settings.Address);
            Assert.True(_settings.DnsFromDhcp);
            Assert.Equal(0u, _settings.DnsServer);
        }

        [Fact]
        public void Blank_lines_comments_crlf_and_a_missing_last_newline_are_accepted()
        {
            Assert.Equal(2, Apply("# defaults\r\n\r\n\t \ncp_id=CP1\r\n#sntp_port=1\nsntp_port=1123"));
            Assert.Equal("CP1", Ascii(_settings.ChargePointId));
            Assert.Equal(1123, _settings.SntpPort);
        }

        [Fact]
        public void The_demo_keys_turn_the_session_off_and_shorten_it()
        {
            Assert.True(_settings.DemoEnabled);
            Assert.Equal(3, Apply("demo=off\ndemo_auth_s=0\ndemo_charge_s=8"));
            Assert.False(_settings.DemoEnabled);
            Assert.Equal(0, _settings.DemoAuthorizeSeconds);
            Assert.Equal(8, _settings.DemoChargeSeconds);
        }

        [Theory]
        [InlineData("demo=yes", "demo: \"yes\" is not on or off")]
        [InlineData("demo_auth_s=3601", "demo_auth_s: \"3601\" is not a whole number of seconds in 0..3600")]
        [InlineData("demo_charge_s=0", "demo_charge_s: \"0\" is not a whole number of seconds in 1..86400")]
        [InlineData("demo_charge_s=1.5", "demo_charge_s: \"1.5\" is not a whole number of seconds in 1..86400")]
        public void Bad_demo_values_are_refused(string text, string error) => Assert.Equal(error, Error(text));

        [Fact]
        public void The_session_stream_starts_without_timestamps_or_high_rate_samples_and_a_reading_a_second()
        {
            Assert.Equal(1, Apply("cp_id=CP1"));
            Assert.False(_settings.UsbLogTimestamps);
            Assert.Equal(0, _settings.UsbLogHighRateHz);
            Assert.Equal(1, _settings.UsbLogMeterSeconds);
        }

        [Fact]
        public void The_usblog_keys_set_timestamps_the_high_rate_and_the_reading_interval()
        {
            Assert.Equal(3, Apply("usblog_ts=on\nusblog_hz=1000\nusblog_meter_s=3600"));
            Assert.True(_settings.UsbLogTimestamps);
            Assert.Equal(1000, _settings.UsbLogHighRateHz);
            Assert.Equal(3600, _settings.UsbLogMeterSeconds);
            Assert.Equal(3, Apply("usblog_ts=off\nusblog_hz=0\nusblog_meter_s=1"));
            Assert.False(_settings.UsbLogTimestamps);
            Assert.Equal(0, _settings.UsbLogHighRateHz);
            Assert.Equal(1, _settings.UsbLogMeterSeconds);

            var copy = new Settings();
            Apply("usblog_ts=on\nusblog_hz=250\nusblog_meter_s=7");
            copy.CopyFrom(_settings);
            Assert.True(copy.UsbLogTimestamps);
            Assert.Equal(250, copy.UsbLogHighRateHz);
            Assert.Equal(7, copy.UsbLogMeterSeconds);
        }

        [Theory]
        [InlineData("usblog_ts=1", "usblog_ts: \"1\" is not on or off")]
        [InlineData("usblog_ts=", "usblog_ts: \"\" is not on or off")]
        [InlineData("usblog_hz=1001", "usblog_hz: \"1001\" is not a whole number of samples per second in 0..1000")]
        [InlineData("usblog_hz=-1", "usblog_hz: \"-1\" is not a whole number of samples per second in 0..1000")]
        [InlineData("usblog_hz=1e3", "usblog_hz: \"1e3\" is not a whole number of samples per second in 0..1000")]
        [InlineData("usblog_meter_s=0", "usblog_meter_s: \"0\" is not a whole number of seconds in 1..3600")]
        [InlineData("usblog_meter_s=3601", "usblog_meter_s: \"3601\" is not a whole number of seconds in 1..3600")]
        [InlineData("usblog_hz=5\nusblog_hz=6", "usblog_hz: repeated key (line 2)")]
        public void Bad_usblog_values_are_refused(string text, string error) => Assert.Equal(error, Error(text));

        [Fact]
        public void Empty_text_applies_no_keys()
        {
            Assert.Equal(0, Apply(""));
        }

        [Theory]
        [InlineData("colour=blue", "unknown key \"colour\"")]
        [InlineData("CP_ID=CP1", "unknown key \"CP_ID\"")]
        [InlineData("cp_id =CP1", "unknown key \"cp_id \"")]
        [InlineData("cp_id=CP1\nsntp_port=1\ncp_id=CP2", "cp_id: repeated key (line 3)")]
        [InlineData("cp_id=CP1\nno equals sign here", "line 2: \"no equals sign here\" has no \"=\" (expected key=value)")]
        [InlineData("cp_id=CP1\r\nbad\r", "line 2: \"bad\" has no \"=\" (expected key=value)")]
        [InlineData("=CP1", "line 1: no key before \"=\"")]
        [InlineData("cp_id=CP1\x01\n", "cp_id: character 0x01 not allowed (printable ASCII without space, /, ? or #)")]
        [InlineData("bad\x01line", "line 1: \"bad\\x01line\" has no \"=\" (expected key=value)")]
        public void Malformed_lines_name_the_key_or_the_line(string text, string error)
        {
            Assert.Equal(error, Error(text));
        }

        [Theory]
        [InlineData("ip=10.0.0.5", "ip: static address 10.0.0.5 needs netmask and gateway")]
        [InlineData("ip=10.0.0.5\nnetmask=255.255.255.0", "ip: static address 10.0.0.5 needs netmask and gateway")]
        [InlineData("ip=10.0.0.5\ngateway=10.0.0.1", "ip: static address 10.0.0.5 needs netmask and gateway")]
        [InlineData("ip=10.0.0.5\nnetmask=255.0.255.0\ngateway=10.0.0.1", "netmask: 255.0.255.0 is not contiguous ones (like 255.255.255.0)")]
        [InlineData("netmask=0.0.0.0", "netmask: 0.0.0.0 has no network bits")]
        [InlineData("netmask=/24", "netmask: \"/24\" is not a dotted IPv4 address")]
        [InlineData("ip=10.0.0.5\nnetmask=255.255.255.0\ngateway=10.0.1.1", "gateway: 10.0.1.1 is outside 10.0.0.0/255.255.255.0")]
        [InlineData("ip=static", "ip: \"static\" is not dhcp or a dotted IPv4 address")]
        [InlineData("ip=10.0.0.256", "ip: \"10.0.0.256\" is not dhcp or a dotted IPv4 address")]
        [InlineData("ip=0.0.0.0", "ip: 0.0.0.0 is not a unicast host address")]
        [InlineData("ip=127.0.0.1", "ip: 127.0.0.1 is not a unicast host address")]
        [InlineData("ip=224.0.0.1", "ip: 224.0.0.1 is not a unicast host address")]
        [InlineData("gateway=255.255.255.255", "gateway: 255.255.255.255 is not a unicast host address")]
        [InlineData("dns=dhcp", "dns: \"dhcp\" is not auto or a dotted IPv4 address")]
        [InlineData("dns=", "dns: \"\" is not auto or a dotted IPv4 address")]
        public void Bad_network_settings_are_refused(string text, string error)
        {
            Assert.Equal(error, Error(text));
        }

        [Theory]
        [InlineData("dns_port=0", "dns_port: 0 out of range 1..65535")]
        [InlineData("dns_port=65536", "dns_port: 65536 out of range 1..65535")]
        [InlineData("sntp_port=99999999999999999999999", "sntp_port: 99999999999999999999... out of range 1..65535")]
        [InlineData("sntp_port=abc", "sntp_port: \"abc\" is not a number")]
        [InlineData("sntp_port=-1", "sntp_port: \"-1\" is not a number")]
        [InlineData("sntp_port=", "sntp_port: empty (expected 1..65535)")]
        public void Ports_must_be_1_to_65535(string text, string error)
        {
            Assert.Equal(error, Error(text));
        }

        [Fact]
        public void Ports_at_both_ends_of_the_range_are_accepted()
        {
            Assert.Equal(2, Apply("dns_port=1\nsntp_port=65535"));
            Assert.Equal(1, _settings.DnsPort);
            Assert.Equal(65535, _settings.SntpPort);
        }

        [Theory]
        [InlineData("pool.ntp.org")]
        [InlineData("10.0.2.2")]
        [InlineData("ntp-1.Example.COM")]
        [InlineData("localhost")]
        public void The_sntp_server_is_a_host_name_or_an_address(string host)
        {
            Assert.Equal(1, Apply("sntp=" + host));
            Assert.Equal(host, Ascii(_settings.SntpServer));
        }

        [Theory]
        [InlineData("sntp=", "sntp: empty")]
        [InlineData("sntp=time_server", "sntp: character \"_\" not allowed (letters, digits, - and .)")]
        [InlineData("sntp=time server", "sntp: character \" \" not allowed (letters, digits, - and .)")]
        [InlineData("sntp=a..b", "sntp: \"a..b\" has an empty label")]
        [InlineData("sntp=.example", "sntp: \".example\" has an empty label")]
        [InlineData("sntp=10.0.0.256", "sntp: \"10.0.0.256\" is not a valid IPv4 address")]
        [InlineData("sntp=10.0.2", "sntp: \"10.0.2\" is not a valid IPv4 address")]
        public void Bad_sntp_servers_are_refused(string text, string error)
        {
            Assert.Equal(error, Error(text));
        }

        [Fact]
        public void An_sntp_name_may_be_63_bytes_but_not_64()
        {
            Assert.Equal(1, Apply("sntp=" + new string('a', 63)));
            Assert.Equal("sntp: 64 bytes, longer than 63", Error("sntp=" + new string('a', 64)));
        }

        [Fact]
        public void A_cp_id_may_be_48_bytes_of_printable_ascii()
        {
            string id = "!\"$%&'()*+,-.0123456789:;<=>@ABCXYZ[\\]^_`abc{|}~";
            Assert.Equal(48, id.Length);
            Assert.Equal(1, Apply("cp_id=" + id));
            Assert.Equal(id, Ascii(_settings.ChargePointId));
        }

        [Theory]
        [InlineData("cp_id=", "cp_id: empty (expected 1..48 characters)")]
        [InlineData("cp_id=0123456789012345678901234567890123456789012345678", "cp_id: 49 bytes, longer than 48")]
        [InlineData("cp_id=CP 7", "cp_id: character \" \" not allowed (printable ASCII without space, /, ? or #)")]
        [InlineData("cp_id=CP/7", "cp_id: character \"/\" not allowed (printable ASCII without space, /, ? or #)")]
        [InlineData("cp_id=CP?7", "cp_id: character \"?\" not allowed (printable ASCII without space, /, ? or #)")]
        [InlineData("cp_id=CP#7", "cp_id: character \"#\" not allowed (printable ASCII without space, /, ? or #)")]
        [InlineData("cp_id=CP\u00e97", "cp_id: character 0xc3 not allowed (printable ASCII without space, /, ? or #)")]
        [InlineData("cp_id=CP\t7", "cp_id: character 0x09 not allowed (printable ASCII without space, /, ? or #)")]
        public void Bad_cp_ids_are_refused(string text, string error)
        {
            Assert.Equal(error, Error(text));
        }

        [Fact]
        public void A_cp_id_with_a_colon_is_refused_only_together_with_a_password()
        {
            Assert.Equal(1, Apply("cp_id=site:7"));
            Assert.Equal("cp_id: \":\" not allowed with a password (it is the basic-auth user name, RFC 7617 2)",
                Error("cp_id=site:7\npassword=0123456789abcdef"));
        }

        [Fact]
        public void The_cs_url_is_split_into_host_port_and_path()
        {
            Assert.Equal(1, Apply("cs_url=ws://10.0.2.2:8180/steve/websocket/CentralSystemService"));
            Assert.Equal("10.0.2.2", Ascii(_settings.CsHost));
            Assert.Equal(8180, _settings.CsPort);
            Assert.Equal("/steve/websocket/CentralSystemService", Ascii(_settings.CsPath));
        }

        [Fact]
        public void A_bad_cs_url_is_refused_naming_the_field()
        {
            Assert.Equal("cs_url: port 99999 out of range 1..65535", Error("cs_url=ws://cs.example:99999/ocpp"));
        }

        [Theory]
        [InlineData("")]
        [InlineData("sixteen-chars-ok")]
        [InlineData("twenty-characters-ok")]
        [InlineData("with space & $ymbols")]
        public void Passwords_of_16_to_20_characters_or_none_are_taken_as_they_are(string password)
        {
            Assert.Equal(1, Apply("password=" + password));
            Assert.Equal(password, Ascii(_settings.Password));
        }

        [Fact]
        public void A_password_of_32_to_40_hex_digits_is_decoded_to_its_bytes()
        {
            // "OCA_OCTT_admin_test" hex encoded, as the OCTT's TC_073 sends it.
            Assert.Equal(1, Apply("password=4F43415F4F4354545F61646D696E5F74657374"));
            Assert.Equal("OCA_OCTT_admin_test", Ascii(_settings.Password));
            Assert.Equal(1, Apply("password=00112233445566778899aabbccddeeff"));
            Assert.Equal(new byte[] { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF }, _settings.Password.ToArray());
        }

        [Theory]
        [InlineData("password=fifteen-chars-x", "password: 15 characters: must be 16..20, or 32..40 hex digits (OCPP 1.6 security whitepaper)")]
        [InlineData("password=twenty-one-characters", "password: 21 characters: must be 16..20, or 32..40 hex digits (OCPP 1.6 security whitepaper)")]
        [InlineData("password=0123456789abcdef0123456789abcdef0", "password: 33 characters: 32..40 must be an even count of hex digits (a 16..20-byte password, OCPP 1.6 security whitepaper)")]
        [InlineData("password=this-is-32-characters-not-hex!!!", "password: 32 characters: 32..40 must be an even count of hex digits (a 16..20-byte password, OCPP 1.6 security whitepaper)")]
        [InlineData("password=0123456789abcdef0123456789abcdef012345678", "password: 41 characters: must be 16..20, or 32..40 hex digits (OCPP 1.6 security whitepaper)")]
        [InlineData("password=sixteen-chars\x7fok", "password: character 14 is not printable ASCII")]
        public void Other_passwords_are_refused_without_showing_them(string text, string error)
        {
            Assert.Equal(error, Error(text));
            Assert.DoesNotContain(text.Substring("password=".Length), error);
        }
    }
}
