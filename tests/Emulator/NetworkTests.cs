using System;
using System.IO;
using System.Text.RegularExpressions;
using ChargePoint.Tests.Emulator.Services;
using Xunit;
using Xunit.Abstractions;

namespace ChargePoint.Tests.Emulator
{
    // The image on QEMU's user network (slirp): DHCP from QEMU, everything else from services this
    // test starts on 127.0.0.1 (the guest reaches them as 10.0.2.2) on ports the OS chose, named to
    // the firmware by a configuration block.
    [Trait("Category", "Emulator")]
    public class NetworkTests : IDisposable
    {
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
        private readonly ITestOutputHelper _output;
        private readonly string _folder = Directory.CreateTempSubdirectory("sharpcharge-net-").FullName;

        public NetworkTests(ITestOutputHelper output) { _output = output; }

        public void Dispose() => Directory.Delete(_folder, recursive: true);

        private QemuRun Boot(params (string Key, string Value)[] keys)
        {
            string block = ConfigBlockFile.Write(Path.Combine(_folder, "config.bin"), keys);
            return new QemuRun(Repo.Image("mps2-an500"), new QemuOptions { Network = true, ConfigBlock = block });
        }

        private static int IndexOf(string console, string text)
        {
            int at = console.IndexOf(text, StringComparison.Ordinal);
            Assert.True(at >= 0, $"console lacks \"{text}\":\n{console}");
            return at;
        }

        [Fact]
        public void Boot_takes_a_dhcp_lease_names_the_central_system_and_sets_the_clock_by_sntp_as_the_seed_prints_it()
        {
            using var sntp = new SntpResponder(1707890823);
            using var qemu = Boot(("sntp", "10.0.2.2"), ("sntp_port", sntp.Port.ToString()));
            string console = qemu.WaitFor("sntp succ since Epoch");

            // The seed's lines, in the seed's order, from the real lease.
            string[] expected =
            {
                "<inf> net_dhcpv4: Received: 10.0.2.15\r\n",
                "<inf> main: net mgr cb\r\n",
                "<inf> main: Your address: 10.0.2.15\r\n",
                "<inf> main: Lease time: 86400 seconds\r\n",
                "<inf> main: Subnet: 255.255.255.0\r\n",
                "<inf> main: Router: 10.0.2.2\r\n",
                "<inf> main: cs server 10.0.2.2 8180\r\n",
                "<inf> main: IPv4 Address 10.0.2.2\r\n",
                "<inf> main: sntp succ since Epoch: ",
            };
            int previous = -1;
            foreach (string line in expected)
            {
                int at = IndexOf(console, line);
                Assert.True(at > previous, $"\"{line.Trim()}\" out of order:\n{console}");
                previous = at;
            }
            Match m = Regex.Match(console, @"sntp succ since Epoch: (\d+)\r\n");
            Assert.True(m.Success, console);
            // What the responder sent (a second later at most: the request may cross a second).
            Assert.InRange(long.Parse(m.Groups[1].Value), 1707890823, 1707890824);
            Assert.True(sntp.Requests >= 1);
        }

        [Fact]
        public void An_sntp_server_that_does_not_answer_gives_a_warning_and_the_firmware_goes_on()
        {
            using var sntp = new SntpResponder(1707890823, silent: true);
            using var qemu = Boot(("sntp", "10.0.2.2"), ("sntp_port", sntp.Port.ToString()));
            string console = qemu.WaitFor("<wrn> main: sntp");
            Assert.Contains($"<wrn> main: sntp: no answer from 10.0.2.2:{sntp.Port} within 5 s, going on without wall-clock time", console);
            Assert.DoesNotContain("sntp succ", console);
            Assert.True(sntp.Requests >= 1, "the firmware asked");
            qemu.Type("uptime\r");
            qemu.WaitFor("uptime 00:");
        }

        [Fact]
        public void The_central_systems_host_name_is_resolved_through_the_configured_dns_server()
        {
            using var dns = new DnsResponder();
            dns.Add("csms.example.test", "10.0.2.2");
            using var qemu = Boot(("dns", "10.0.2.2"), ("dns_port", dns.Port.ToString()),
                ("cs_url", "ws://csms.example.test:9123/steve/websocket/CentralSystemService/CP7"), ("cp_id", "CP7"));
            string console = qemu.WaitFor("IPv4 Address");
            Assert.Contains("<inf> main: cs server 10.0.2.2 9123\r\n", console);
            Assert.Contains("csms.example.test", string.Join(",", dns.Queries));
        }

        [Fact]
        public void A_name_the_dns_server_does_not_know_is_an_error_line_and_a_retry()
        {
            using var dns = new DnsResponder();
            using var qemu = Boot(("dns", "10.0.2.2"), ("dns_port", dns.Port.ToString()),
                ("cs_url", "ws://nowhere.example.test/ocpp/CP1"), ("cp_id", "CP1"));
            string console = qemu.WaitFor("not found, retrying");
            Assert.Contains("<err> main: cs server nowhere.example.test not found, retrying in 10 s", console);
        }

        [Fact]
        public void A_mebibyte_echoed_through_tcp_comes_back_byte_for_byte()
        {
            using var echo = new TcpEchoServer();
            using var qemu = Boot(("sntp_port", "9")); // nothing answers: no wait for SNTP matters here
            qemu.WaitFor("IPv4 Address");
            qemu.Type($"net tcp 10.0.2.2 {echo.Port} 1048576\r");
            var result = new Regex(@"(bytes echoed and checked|<err> net: tcp).*\r\n");
            string console = qemu.WaitFor(c => result.IsMatch(c), "the echo result");
            Match m = Regex.Match(console, @"<inf> net: tcp: 1048576 bytes echoed and checked in (\d+) ms \((\d+) KiB/s\)");
            Assert.True(m.Success, console);
            _output.WriteLine($"TCP echo, 1 MiB each way through QEMU's user network: {m.Groups[1].Value} ms, {m.Groups[2].Value} KiB/s");
            Assert.Equal(1048576, echo.BytesReceived);
            qemu.Type("net\r");
            console = qemu.WaitFor("PBUF_POOL");
            Assert.Matches(@"tcp bytes sent 1048576, received 1048576", console);
            // The sealed heap would have panicked at the first allocation; and it did not grow.
            string sealedAt = Regex.Match(console, @"Heap sealed: (\d+) of").Groups[1].Value;
            qemu.Type("mem\r");
            console = qemu.WaitFor("free of");
            Assert.Contains($"heap {sealedAt} bytes used,", console);
        }

        // Boots, connects `net tcp` to a server that holds the connection, and hands it over.
        private QemuRun HoldConnection(TcpEchoServer server)
        {
            QemuRun qemu = Boot(("sntp_port", "9"));
            qemu.WaitFor("IPv4 Address");
            qemu.Type($"net tcp 10.0.2.2 {server.Port} 0\r");
            qemu.WaitFor("tcp: connected to 10.0.2.2");
            Assert.True(server.WaitForConnection(Wait));
            return qemu;
        }

        [Fact]
        public void A_peer_that_resets_mid_connection_gives_the_core_a_reset_event_not_a_hang()
        {
            using var server = new TcpEchoServer(echo: false);
            using var qemu = HoldConnection(server);
            Assert.True(server.Abort());
            var end = new Regex(@"(<err> net: tcp:|closed by peer).*\r\n");
            string console = qemu.WaitFor(c => end.IsMatch(c), "the connection's end");
            Assert.True(console.Contains("<err> net: tcp: connection reset by peer") || console.Contains("<inf> net: tcp: closed by peer"), console);
        }

        [Fact]
        public void A_peer_that_closes_mid_connection_gives_the_core_a_closed_event()
        {
            using var server = new TcpEchoServer(echo: false);
            using var qemu = HoldConnection(server);
            Assert.True(server.CloseAll());
            string console = qemu.WaitFor("closed by peer");
            Assert.Contains("<inf> net: tcp: closed by peer after 0 of 0 bytes", console);
            qemu.Type("net\r");
            qemu.WaitFor("PBUF_POOL"); // still answering
        }

        [Fact]
        public void A_host_that_refuses_the_connection_is_reported()
        {
            using var server = new TcpEchoServer();
            int port = server.Port;
            server.Stop(); // nothing listens there any more
            using var qemu = Boot(("sntp_port", "9"));
            qemu.WaitFor("IPv4 Address");
            qemu.Type($"net tcp 10.0.2.2 {port} 100\r");
            string console = qemu.WaitFor("<err> net: tcp:");
            Assert.Matches(@"<err> net: tcp: (connection refused|connection reset by peer) after 0 of 100 bytes", console);
        }

        [Fact]
        public void A_block_with_a_bad_checksum_is_reported_and_the_board_defaults_are_used()
        {
            string block = ConfigBlockFile.Write(Path.Combine(_folder, "bad.bin"), null, true, ("cs_url", "ws://10.0.2.2:7777/x"));
            using var qemu = new QemuRun(Repo.Image("mps2-an500"), new QemuOptions { Network = true, ConfigBlock = block });
            string console = qemu.WaitFor("Console ready");
            Assert.Matches(@"<err> config: checksum mismatch \(block 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\), using board defaults", console);
            qemu.Type("config\r");
            console = qemu.WaitFor("password=");
            Assert.Contains("cs_url=ws://10.0.2.2:8180/steve/websocket/CentralSystemService/CP001", console);
            Assert.DoesNotContain("7777", console);
        }

        [Fact]
        public void A_block_with_a_bad_url_is_reported_naming_the_field_and_the_board_defaults_are_used()
        {
            using var qemu = Boot(("cs_url", "http://10.0.2.2:8180/ocpp"), ("cp_id", "CP9"));
            string console = qemu.WaitFor("Console ready");
            Assert.Matches(@"<err> config: cs_url: .*using board defaults", console);
            console = qemu.WaitFor("cs server");
            Assert.Contains("<inf> main: cs server 10.0.2.2 8180", console);
            qemu.Type("config\r");
            console = qemu.WaitFor("password=");
            Assert.Contains("cp_id=CP001", console);
        }
    }
}
