using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using ChargePoint.Tests.Emulator.Services;
using Xunit;
using Xunit.Abstractions;

namespace ChargePoint.Tests.Emulator
{
    // The image on QEMU's UDP socket netdev: the test is the other end of the Ethernet cable
    // (Services/EthernetWire) and plays 10.0.3.1 (router, DNS, SNTP) with a MAC of its own. The
    // board gets a static address from a configuration block, so nothing but ARP, ICMP and what
    // the firmware itself sends crosses the wire. (QEMU's user network cannot carry this: slirp
    // does not pass the host's pings to the guest.)
    [Trait("Category", "Emulator")]
    public class PingTests : IDisposable
    {
        private static readonly IPAddress Board = IPAddress.Parse("10.0.3.15");
        private static readonly IPAddress Host = IPAddress.Parse("10.0.3.1");
        private static readonly PhysicalAddress HostMac = new PhysicalAddress(new byte[] { 0x02, 0x00, 0x00, 0x00, 0x03, 0x01 });
        private const ushort PingId = 0x5343;   // "SC"

        private readonly ITestOutputHelper _output;
        private readonly string _folder = Directory.CreateTempSubdirectory("sharpcharge-ping-").FullName;

        public PingTests(ITestOutputHelper output) { _output = output; }

        public void Dispose() => Directory.Delete(_folder, recursive: true);

        // Boots with the static address on `wire`; returns once the console shows it.
        private QemuRun Boot(EthernetWire wire)
        {
            string block = ConfigBlockFile.Write(Path.Combine(_folder, "config.bin"),
                ("ip", "10.0.3.15"), ("netmask", "255.255.255.0"), ("gateway", "10.0.3.1"),
                ("dns", "10.0.3.1"), ("sntp", "10.0.3.1"), ("sntp_port", "9"));
            wire.AnswerArp(Host, HostMac);
            var qemu = new QemuRun(Repo.Image("mps2-an500"), new QemuOptions { SocketNetwork = wire.Ports, ConfigBlock = block });
            try
            {
                string console = qemu.WaitFor("<inf> main: Your address: 10.0.3.15");
                console = qemu.WaitFor("<inf> main: Router: ");
                Assert.Contains("<inf> main: Subnet: 255.255.255.0\r\n", console);
                Assert.Contains("<inf> main: Router: 10.0.3.1\r\n", console);
                Assert.DoesNotContain("net_dhcpv4", console);
                Assert.DoesNotContain("Lease time", console);
                return qemu;
            }
            catch
            {
                qemu.Dispose();
                throw;
            }
        }

        // The guest's MAC: the source of its ARP request for the router (answered by the wire).
        private static PhysicalAddress LearnBoardMac(EthernetWire wire)
        {
            byte[] frame = wire.Expect(f => ArpPacket.Parse(f) is { } arp && arp.IsRequestFor(Host) && arp.SenderIp.Equals(Board),
                "ARP request for 10.0.3.1 from 10.0.3.15");
            ArpPacket request = ArpPacket.Parse(frame);
            Assert.Equal(Frames.Broadcast, request.FrameDestination);
            Assert.Equal(request.FrameSource, request.SenderMac);
            byte[] mac = request.SenderMac.GetAddressBytes();
            Assert.True((mac[0] & 1) == 0 && mac.Any(b => b != 0), $"not a unicast MAC: {Frames.Format(request.SenderMac)}");
            return request.SenderMac;
        }

        private static byte[] PingData(ushort sequence) =>
            Enumerable.Range(0, 56).Select(i => (byte)(i + sequence * 7)).ToArray();

        private static string Show(EthernetWire wire) => "frames seen:\n  " + string.Join("\n  ", wire.Seen.TakeLast(20));

        [Fact]
        public void A_static_address_from_the_configuration_block_comes_up_without_dhcp_and_the_board_arps_for_its_router()
        {
            using var wire = new EthernetWire();
            using var qemu = Boot(wire);
            PhysicalAddress board = LearnBoardMac(wire);
            _output.WriteLine($"board MAC {Frames.Format(board)}");
            Assert.True(wire.ArpAnswersSent >= 1);
            // Nothing on the wire asks for a lease: no DHCP (UDP 68 > 67) among what the board sent.
            Assert.DoesNotContain(wire.Seen, line => line.Contains("UDP 68 > 67", StringComparison.Ordinal));
        }

        [Fact]
        public void The_board_answers_ping_at_its_static_address()
        {
            using var wire = new EthernetWire();
            using var qemu = Boot(wire);
            PhysicalAddress board = LearnBoardMac(wire);

            foreach (ushort sequence in new ushort[] { 1, 2, 3 })
            {
                byte[] data = PingData(sequence);
                byte[] request = Frames.EchoRequest(HostMac, Host, board, Board, PingId, sequence, data);
                Assert.Equal(0, Frames.InternetChecksum(request.AsSpan(14, 20)));    // our own header checksum holds
                Assert.Equal(0, Frames.InternetChecksum(request.AsSpan(34)));        // and our ICMP checksum
                wire.Send(request);

                byte[] frame = wire.Expect(f => IcmpMessage.Parse(f) is { Type: IcmpMessage.EchoReply } icmp && icmp.Sequence == sequence,
                    $"ICMP echo reply with seq {sequence}");
                Ipv4Packet ip = Ipv4Packet.Parse(frame);
                IcmpMessage reply = IcmpMessage.Parse(ip);
                string context = $"seq {sequence}: {Frames.Describe(frame)}\n{Show(wire)}";
                Assert.True(ip.FrameDestination.Equals(HostMac), context);
                Assert.True(ip.FrameSource.Equals(board), context);
                Assert.True(ip.HeaderChecksumValid, context);
                Assert.Equal(Board, ip.Source);
                Assert.Equal(Host, ip.Destination);
                Assert.True(ip.Ttl > 0, context);
                Assert.Equal(0, reply.Code);
                Assert.True(reply.ChecksumValid, context);
                Assert.Equal(PingId, reply.Identifier);
                Assert.Equal(sequence, reply.Sequence);
                Assert.Equal(data, reply.Data);
            }
            _output.WriteLine($"3 echo replies; {wire.FramesReceived} frames from the board, {wire.ArpAnswersSent} ARP answers sent");
        }

        [Fact]
        public void The_board_answers_an_arp_request_for_its_static_address()
        {
            using var wire = new EthernetWire();
            using var qemu = Boot(wire);
            PhysicalAddress board = LearnBoardMac(wire);

            wire.Send(Frames.ArpRequest(HostMac, Host, Board));
            byte[] frame = wire.Expect(f => ArpPacket.Parse(f) is { Operation: ArpPacket.Reply } arp && arp.SenderIp.Equals(Board),
                "ARP reply for 10.0.3.15");
            ArpPacket reply = ArpPacket.Parse(frame);
            string context = $"{Frames.Describe(frame)}\n{Show(wire)}";
            Assert.True(reply.FrameDestination.Equals(HostMac), context);
            Assert.True(reply.FrameSource.Equals(board), context);
            Assert.True(reply.SenderMac.Equals(board), context);
            Assert.True(reply.TargetMac.Equals(HostMac), context);
            Assert.Equal(Host, reply.TargetIp);
        }
    }

    // The wire's frame building and parsing, checked without QEMU.
    [Trait("Category", "Services")]
    public class EthernetWireTests
    {
        private static readonly PhysicalAddress A = new PhysicalAddress(new byte[] { 0x02, 0, 0, 0, 3, 1 });
        private static readonly PhysicalAddress B = new PhysicalAddress(new byte[] { 0x52, 0x54, 0, 0x12, 0x34, 0x56 });

        [Fact]
        public void Internet_checksum_is_the_rfc_1071_example_and_zero_over_checked_data()
        {
            // RFC 1071 section 3: the sum of 00 01 f2 03 f4 f5 f6 f7 is ddf2, so the checksum is 220d.
            byte[] data = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
            Assert.Equal(0x220d, Frames.InternetChecksum(data));
            Assert.Equal(0x220d, Frames.InternetChecksum(new byte[] { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7, 0x00 }));
            Assert.Equal(Frames.InternetChecksum(new byte[] { 0xab, 0x00 }), Frames.InternetChecksum(new byte[] { 0xab }));
            // A well-known header: 45 00 00 73 00 00 40 00 40 11 b8 61 c0 a8 00 01 c0 a8 00 c7.
            byte[] header = Convert.FromHexString("450000730000400040110000c0a80001c0a800c7");
            Assert.Equal(0xb861, Frames.InternetChecksum(header));
            header[10] = 0xb8; header[11] = 0x61;
            Assert.Equal(0, Frames.InternetChecksum(header));
        }

        [Fact]
        public void An_echo_request_frame_parses_back_to_its_fields_with_valid_checksums()
        {
            byte[] data = Enumerable.Range(0, 56).Select(i => (byte)i).ToArray();
            byte[] frame = Frames.EchoRequest(A, IPAddress.Parse("10.0.3.1"), B, IPAddress.Parse("10.0.3.15"), 0x1234, 7, data);
            Assert.Equal(14 + 20 + 8 + 56, frame.Length);
            Ipv4Packet ip = Ipv4Packet.Parse(frame);
            Assert.NotNull(ip);
            Assert.Equal(B, ip.FrameDestination);
            Assert.Equal(A, ip.FrameSource);
            Assert.True(ip.HeaderChecksumValid);
            Assert.Equal(IPAddress.Parse("10.0.3.1"), ip.Source);
            Assert.Equal(IPAddress.Parse("10.0.3.15"), ip.Destination);
            Assert.Equal(1, ip.Protocol);
            IcmpMessage icmp = IcmpMessage.Parse(ip);
            Assert.Equal(IcmpMessage.EchoRequest, icmp.Type);
            Assert.True(icmp.ChecksumValid);
            Assert.Equal(0x1234, icmp.Identifier);
            Assert.Equal(7, icmp.Sequence);
            Assert.Equal(data, icmp.Data);

            frame[^1] ^= 0xFF;   // one payload byte wrong: the ICMP checksum no longer holds
            Assert.False(IcmpMessage.Parse(frame).ChecksumValid);
            frame[14 + 8] = 1;   // the TTL: the header checksum no longer holds
            Assert.False(Ipv4Packet.Parse(frame).HeaderChecksumValid);
        }

        [Fact]
        public void Padding_after_the_ipv4_total_length_is_not_payload()
        {
            byte[] frame = Frames.Ethernet(A, B, Frames.EtherTypeIpv4, Frames.Ipv4(IPAddress.Loopback, IPAddress.Loopback, 17, 1, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }));
            Array.Resize(ref frame, EthernetWire.MinimumFrame);
            Assert.Equal(8, Ipv4Packet.Parse(frame).Payload.Length);
        }

        [Fact]
        public void Arp_request_and_reply_parse_back_to_their_addresses()
        {
            ArpPacket request = ArpPacket.Parse(Frames.ArpRequest(A, IPAddress.Parse("10.0.3.1"), IPAddress.Parse("10.0.3.15")));
            Assert.Equal(ArpPacket.Request, request.Operation);
            Assert.Equal(Frames.Broadcast, request.FrameDestination);
            Assert.Equal(A, request.SenderMac);
            Assert.True(request.IsRequestFor(IPAddress.Parse("10.0.3.15")));

            ArpPacket reply = ArpPacket.Parse(Frames.ArpReply(B, IPAddress.Parse("10.0.3.15"), A, IPAddress.Parse("10.0.3.1")));
            Assert.Equal(ArpPacket.Reply, reply.Operation);
            Assert.Equal(A, reply.FrameDestination);
            Assert.Equal(B, reply.FrameSource);
            Assert.Equal(IPAddress.Parse("10.0.3.15"), reply.SenderIp);
            Assert.Equal(A, reply.TargetMac);
            Assert.False(reply.IsRequestFor(IPAddress.Parse("10.0.3.1")));
        }

        [Fact]
        public void Socket_network_boot_adds_a_udp_socket_lan9118_nic_between_the_two_ports()
        {
            var arguments = QemuRun.BuildArguments("a.elf", new QemuOptions { SocketNetwork = (40001, 40002) });
            int at = arguments.ToList().IndexOf("-nic");
            Assert.True(at > 0, string.Join(' ', arguments));
            Assert.Equal("socket,model=lan9118,udp=127.0.0.1:40001,localaddr=127.0.0.1:40002", arguments[at + 1]);
            Assert.Equal("-kernel", arguments[^2]);

            arguments = QemuRun.BuildArguments("a.elf", new QemuOptions { SocketNetwork = (40001, 40002), NetworkOptions = new[] { "mac=02:00:00:00:00:01" } });
            Assert.Contains("socket,model=lan9118,udp=127.0.0.1:40001,localaddr=127.0.0.1:40002,mac=02:00:00:00:00:01", arguments);

            Assert.Throws<ArgumentException>(() => QemuRun.BuildArguments("a.elf", new QemuOptions { Network = true, SocketNetwork = (40001, 40002) }));
            Assert.Throws<ArgumentException>(() => QemuRun.BuildArguments("a.elf", new QemuOptions { SocketNetwork = (40001, 40001) }));
            Assert.Throws<ArgumentException>(() => QemuRun.BuildArguments("a.elf", new QemuOptions { SocketNetwork = (0, 40001) }));
        }

        [Fact]
        public void Frames_sent_on_the_wire_arrive_padded_to_60_bytes_at_qemus_port_and_replies_come_back()
        {
            using var wire = new EthernetWire();
            using var qemu = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
            qemu.Bind(new IPEndPoint(IPAddress.Loopback, wire.QemuPort));   // plays QEMU's end
            wire.AnswerArp(IPAddress.Parse("10.0.3.1"), A);

            wire.Send(Frames.ArpRequest(A, IPAddress.Parse("10.0.3.1"), IPAddress.Parse("10.0.3.15")));
            Assert.True(qemu.Poll(5_000_000, System.Net.Sockets.SelectMode.SelectRead));
            var buffer = new byte[2048];
            Assert.Equal(EthernetWire.MinimumFrame, qemu.Receive(buffer));

            // The "guest" asks for 10.0.3.1: Expect hands the request over and the wire answers it.
            var wireEnd = new IPEndPoint(IPAddress.Loopback, wire.TestPort);
            qemu.SendTo(Frames.ArpRequest(B, IPAddress.Parse("10.0.3.15"), IPAddress.Parse("10.0.3.1")), wireEnd);
            byte[] seen = wire.Expect(f => ArpPacket.Parse(f)?.IsRequestFor(IPAddress.Parse("10.0.3.1")) == true, "ARP request", TimeSpan.FromSeconds(5));
            Assert.Equal(B, ArpPacket.Parse(seen).SenderMac);
            Assert.True(qemu.Poll(5_000_000, System.Net.Sockets.SelectMode.SelectRead));
            int read = qemu.Receive(buffer);
            ArpPacket answer = ArpPacket.Parse(buffer.AsSpan(0, read).ToArray());
            Assert.Equal(ArpPacket.Reply, answer.Operation);
            Assert.Equal(A, answer.SenderMac);
            Assert.Equal(B, answer.FrameDestination);
            Assert.Equal(1, wire.ArpAnswersSent);

            // Silence is a bounded wait that names what was awaited.
            var error = Assert.Throws<TimeoutException>(() => wire.Expect(_ => true, "anything", TimeSpan.FromMilliseconds(200)));
            Assert.Contains("no anything from the guest", error.Message);
        }
    }
}
