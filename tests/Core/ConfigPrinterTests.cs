using System.Text;
using ChargePoint.Core.Config;
using ChargePoint.Core.Logging;
using Xunit;

namespace ChargePoint.Tests.Core
{
    public class ConfigPrinterTests
    {
        private readonly ConfigHarness _h = new ConfigHarness();

        private string Print()
        {
            _h.Serial.Clear();
            ConfigPrinter.Print(_h.Settings, _h.Log);
            return _h.Serial.Text;
        }

        [Fact]
        public void The_board_defaults_print_as_key_value_lines_with_the_source_first()
        {
            _h.Load(new byte[1024]);
            Assert.Equal(
                "# source: board defaults (no config block)\r\n" +
                "ip=dhcp\r\n" +
                "dns=auto\r\n" +
                "dns_port=53\r\n" +
                "sntp=pool.ntp.org\r\n" +
                "sntp_port=123\r\n" +
                "cs_url=ws://192.168.1.10:8180/steve/websocket/CentralSystemService\r\n" +
                "cp_id=CP1\r\n" +
                "password=(none)\r\n" +
                "demo=on\r\n" +
                "demo_auth_s=10\r\n" +
                "demo_charge_s=50\r\n" +
                "usblog_ts=off\r\n" +
                "usblog_hz=0\r\n" +
                "usblog_meter_s=1\r\n",
                Print());
        }

        [Fact]
        public void A_static_setup_from_a_block_prints_its_addresses_and_masks_the_password()
        {
            _h.Load(ConfigHarness.Region("ip=10.0.0.5\nnetmask=255.255.255.0\ngateway=10.0.0.1\ndns=10.0.0.53\ndns_port=5353\npassword=correct-horse-42\ndemo=off\ndemo_charge_s=8\nusblog_ts=on\nusblog_hz=1000\nusblog_meter_s=5"));
            string text = Print();
            Assert.StartsWith("# source: config block over the board defaults\r\nip=10.0.0.5\r\nnetmask=255.255.255.0\r\ngateway=10.0.0.1\r\ndns=10.0.0.53\r\ndns_port=5353\r\n", text);
            Assert.EndsWith("password=********\r\ndemo=off\r\ndemo_auth_s=10\r\ndemo_charge_s=8\r\nusblog_ts=on\r\nusblog_hz=1000\r\nusblog_meter_s=5\r\n", text);
            Assert.DoesNotContain("correct-horse", text);
        }

        [Fact]
        public void After_a_rejected_block_the_source_line_points_at_the_boot_log()
        {
            _h.Load(ConfigHarness.Region("cp_id=CP7", version: 2));
            Assert.StartsWith("# source: board defaults after an error (see the boot log)\r\n", Print());
        }

        [Fact]
        public void Unset_servers_and_identity_print_as_none()
        {
            _h.Load(new byte[1024], "ip=dhcp\n");
            string text = Print();
            Assert.Contains("sntp=(none)\r\n", text);
            Assert.Contains("cs_url=(none)\r\n", text);
            Assert.Contains("cp_id=(none)\r\n", text);
        }

        [Fact]
        public void Replies_are_plain_text_lines_without_a_log_prefix()
        {
            _h.Clock.UptimeMicroseconds = 5_000_000;
            _h.Load(new byte[1024]);
            foreach (string line in Print().Split("\r\n", System.StringSplitOptions.RemoveEmptyEntries))
                Assert.DoesNotContain("<inf>", line);
        }
    }
}
