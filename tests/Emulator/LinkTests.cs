using System;
using System.IO;
using Xunit;
using Xunit.Abstractions;

namespace ChargePoint.Tests.Emulator
{
    // The cable taken out and put back, by QEMU's monitor (set_link): the firmware polls the
    // LAN9118's PHY once a second, logs the change, tells lwIP (which restarts DHCP on link up),
    // and its console answers throughout.
    [Trait("Category", "Emulator")]
    public class LinkTests
    {
        // The netdev's id on -nic (the NIC itself is lan9118.0); set_link takes either name and
        // changes both ends of the cable.
        private const string Netdev = "net0";

        private readonly ITestOutputHelper _output;

        public LinkTests(ITestOutputHelper output) { _output = output; }

        // Waits for the whole line holding `text` at or after `from`; returns where it starts.
        private static int WaitForLine(QemuRun qemu, string text, int from)
        {
            string console = qemu.WaitFor(c =>
            {
                int at = c.IndexOf(text, from, StringComparison.Ordinal);
                return at >= 0 && c.IndexOf("\r\n", at, StringComparison.Ordinal) > 0;
            }, $"a line with \"{text}\" after offset {from}");
            int found = console.IndexOf(text, from, StringComparison.Ordinal);
            Assert.True(found >= 0, $"console lacks \"{text}\" after offset {from} (QEMU exited?):\n{console}\n{qemu.Errors}");
            return found;
        }

        [Fact]
        public void Pulling_the_cable_is_logged_and_putting_it_back_brings_the_lease_back()
        {
            string socket;
            using (var qemu = new QemuRun(Repo.Image("mps2-an500"), new QemuOptions
            {
                Network = true,
                NetworkOptions = new[] { "id=" + Netdev },
                MonitorSocket = true,
            }))
            {
                socket = qemu.MonitorSocketPath;
                int lease = WaitForLine(qemu, "<inf> main: Your address: 10.0.2.15", 0);
                int firstUp = qemu.Console.IndexOf("<inf> net: link up", StringComparison.Ordinal);
                Assert.InRange(firstUp, 0, lease); // the link came up before the lease

                string network = qemu.Monitor("info network");
                Assert.Contains("lan9118.0: index=0,type=nic,model=lan9118", network);
                Assert.Contains($"{Netdev}: index=0,type=user", network);

                // Out.
                Assert.Equal("", qemu.Monitor($"set_link {Netdev} off"));
                int down = WaitForLine(qemu, "<wrn> net: link down", lease);
                int typed = qemu.Console.Length;
                qemu.Type("net\r");
                int status = WaitForLine(qemu, "link down, MAC 52:54:00:12:34:56", typed);
                Assert.True(status > down);

                // Back in.
                Assert.Equal("", qemu.Monitor($"set_link {Netdev} on"));
                int up = WaitForLine(qemu, "<inf> net: link up", down);
                typed = qemu.Console.Length;
                qemu.Type("net\r");
                WaitForLine(qemu, "link up, MAC 52:54:00:12:34:56", typed);
                int address = WaitForLine(qemu, "address 10.0.2.15 netmask 255.255.255.0 gateway 10.0.2.2 dns 10.0.2.3 (DHCP, lease 86400 s)", typed);
                WaitForLine(qemu, "PBUF_POOL", address); // the whole report: the console answers

                // lwIP asks for its address again on link up (DHCP REBOOTING: a REQUEST, then
                // BOUND with the same address). The firmware logs the lease lines only for a new
                // address (or a renewal), so the lines that follow link up are whatever came: they
                // are shown, and checked only if they did come.
                string console = qemu.Console;
                string after = console.Substring(up);
                _output.WriteLine("console after link up:\n" + after);
                int again = console.IndexOf("<inf> main: Your address: 10.0.2.15", up, StringComparison.Ordinal);
                if (again >= 0)
                    Assert.Contains("<inf> net_dhcpv4: Received: 10.0.2.15", after);
                Assert.DoesNotContain("lease lost", console);
                Assert.DoesNotContain("Error", qemu.Monitor("info network"));
            }
            Assert.False(File.Exists(socket), $"the monitor socket {socket} outlived QEMU");
        }
    }
}
