using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;

namespace ChargePoint.Tests.Emulator.Services
{
    // The test's end of an Ethernet cable to the guest: QEMU's UDP socket netdev
    // (-nic socket,model=lan9118,udp=127.0.0.1:TestPort,localaddr=127.0.0.1:QemuPort; see
    // QemuOptions.SocketNetwork). Every frame is one datagram, Ethernet header first, no FCS:
    // QEMU sends what the guest transmits from QemuPort to TestPort, and hands every datagram it
    // receives on QemuPort to the NIC as a received frame. Nothing else is on the wire, so the
    // test plays every other host (ARP included: AnswerArp).
    //
    //   using var wire = new EthernetWire();
    //   wire.AnswerArp(router, routerMac);
    //   using var qemu = new QemuRun(elf, new QemuOptions { SocketNetwork = wire.Ports, ConfigBlock = block });
    //   byte[] frame = wire.Expect(f => ArpPacket.Parse(f)?.IsRequestFor(router) == true, "an ARP request");
    //
    // Only the calling thread touches the socket; every wait is bounded.
    public sealed class EthernetWire : IDisposable
    {
        public const int MinimumFrame = 60;     // 802.3 minimum without the FCS: shorter frames are padded
        public const int MaximumFrame = 1514;   // 1500 bytes of payload plus the 14-byte header
        public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

        private readonly Socket _socket;
        private readonly IPEndPoint _qemu;
        private readonly List<string> _seen = new List<string>();
        private readonly Dictionary<uint, PhysicalAddress> _arpAnswers = new Dictionary<uint, PhysicalAddress>();
        private bool _disposed;

        // Binds TestPort (OS-chosen) and picks a free QemuPort for QEMU to bind: a port the OS
        // handed out and this side released at once (another process could take it meanwhile;
        // QEMU then fails to start with "Address already in use" on its stderr).
        public EthernetWire()
        {
            _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                _socket.ReceiveBufferSize = 1 << 20;   // frames queue here while the test reads the console
                _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                TestPort = ((IPEndPoint)_socket.LocalEndPoint).Port;
                using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
                {
                    probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                    QemuPort = ((IPEndPoint)probe.LocalEndPoint).Port;
                }
                _qemu = new IPEndPoint(IPAddress.Loopback, QemuPort);
            }
            catch
            {
                _socket.Dispose();
                throw;
            }
        }

        public int TestPort { get; }
        public int QemuPort { get; }

        // For QemuOptions.SocketNetwork.
        public (int TestPort, int QemuPort) Ports => (TestPort, QemuPort);

        public int FramesSent { get; private set; }
        public int FramesReceived { get; private set; }
        public int ArpAnswersSent { get; private set; }

        // One line per frame received so far (for failure messages).
        public IReadOnlyList<string> Seen => _seen.ToArray();

        // From now on, every ARP request for `ip` that Receive or Expect reads is answered with an
        // ARP reply saying `ip` is at `mac` (the frame is still returned or matched as usual).
        public void AnswerArp(IPAddress ip, PhysicalAddress mac) => _arpAnswers[Frames.ToUInt32(ip)] = mac;

        // Sends one frame to the guest, padded with zeros to MinimumFrame.
        public void Send(ReadOnlySpan<byte> frame)
        {
            if (frame.Length < 14 || frame.Length > MaximumFrame)
                throw new ArgumentException($"an Ethernet frame is 14..{MaximumFrame} bytes, not {frame.Length}", nameof(frame));
            byte[] datagram = new byte[Math.Max(MinimumFrame, frame.Length)];
            frame.CopyTo(datagram);
            _socket.SendTo(datagram, _qemu);
            FramesSent++;
        }

        // The next frame from the guest, or null if none came within `timeout`. Datagrams from
        // anywhere but QEMU's port are dropped. ARP requests AnswerArp knows are answered.
        public byte[] Receive(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            var buffer = new byte[65536];
            while (true)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) return null;
                if (!_socket.Poll((int)Math.Min(100_000, Math.Max(1, left.TotalMilliseconds * 1000)), SelectMode.SelectRead)) continue;
                EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                int read;
                try
                {
                    read = _socket.ReceiveFrom(buffer, ref from);
                }
                catch (SocketException)
                {
                    continue;   // ICMP port unreachable from an earlier send before QEMU bound: next one
                }
                if (!from.Equals(_qemu) || read < 14) continue;
                byte[] frame = buffer.AsSpan(0, read).ToArray();
                FramesReceived++;
                _seen.Add(Frames.Describe(frame));
                AnswerIfArp(frame);
                return frame;
            }
        }

        // Reads frames until one satisfies `wanted` and returns it; frames before it are skipped
        // (and kept in Seen). Throws TimeoutException naming `what` and listing the frames seen
        // if none did within `timeout` (default Wait).
        public byte[] Expect(Func<byte[], bool> wanted, string what, TimeSpan? timeout = null)
        {
            var limit = timeout ?? Wait;
            var deadline = DateTime.UtcNow + limit;
            int firstSeen = _seen.Count;
            while (true)
            {
                var left = deadline - DateTime.UtcNow;
                byte[] frame = left > TimeSpan.Zero ? Receive(left) : null;
                if (frame == null)
                {
                    var lines = _seen.Skip(firstSeen).ToList();
                    string list = lines.Count == 0 ? " none" : "\n  " + string.Join("\n  ", lines.TakeLast(40));
                    throw new TimeoutException($"no {what} from the guest within {limit}; frames seen meanwhile ({lines.Count}):{list}");
                }
                if (wanted(frame)) return frame;
            }
        }

        private void AnswerIfArp(byte[] frame)
        {
            ArpPacket arp = ArpPacket.Parse(frame);
            if (arp == null || arp.Operation != ArpPacket.Request) return;
            if (!_arpAnswers.TryGetValue(Frames.ToUInt32(arp.TargetIp), out PhysicalAddress mac)) return;
            Send(Frames.ArpReply(mac, arp.TargetIp, arp.SenderMac, arp.SenderIp));
            ArpAnswersSent++;
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _socket.Dispose();
        }
    }

    // Building the frames the test sends, and the checksum both ends use.
    public static class Frames
    {
        public const ushort EtherTypeIpv4 = 0x0800;
        public const ushort EtherTypeArp = 0x0806;
        public const byte ProtocolIcmp = 1;
        public const int EthernetHeader = 14;

        public static readonly PhysicalAddress Broadcast = new PhysicalAddress(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF });

        // RFC 1071: the 16-bit one's complement of the one's complement sum (an odd last byte is
        // the high byte of a word padded with zero). Over data whose checksum field holds the
        // right value, the result is 0.
        public static ushort InternetChecksum(ReadOnlySpan<byte> data)
        {
            uint sum = 0;
            int i = 0;
            for (; i + 1 < data.Length; i += 2) sum += (uint)(data[i] << 8 | data[i + 1]);
            if (i < data.Length) sum += (uint)data[i] << 8;
            while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >> 16);
            return (ushort)~sum;
        }

        public static uint ToUInt32(IPAddress ip)
        {
            byte[] bytes = ip.GetAddressBytes();
            if (bytes.Length != 4) throw new ArgumentException($"{ip} is not an IPv4 address", nameof(ip));
            return BinaryPrimitives.ReadUInt32BigEndian(bytes);
        }

        // Destination, source, EtherType, payload (not padded: EthernetWire.Send pads).
        public static byte[] Ethernet(PhysicalAddress destination, PhysicalAddress source, ushort etherType, ReadOnlySpan<byte> payload)
        {
            var frame = new byte[EthernetHeader + payload.Length];
            Mac(destination).CopyTo(frame, 0);
            Mac(source).CopyTo(frame, 6);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), etherType);
            payload.CopyTo(frame.AsSpan(EthernetHeader));
            return frame;
        }

        // RFC 826 over Ethernet/IPv4: a broadcast "who has target? tell sender".
        public static byte[] ArpRequest(PhysicalAddress senderMac, IPAddress senderIp, IPAddress targetIp) =>
            Ethernet(Broadcast, senderMac, EtherTypeArp,
                Arp(ArpPacket.Request, senderMac, senderIp, new PhysicalAddress(new byte[6]), targetIp));

        // The answer to a request from target: "sender IP is at sender MAC", sent to target's MAC.
        public static byte[] ArpReply(PhysicalAddress senderMac, IPAddress senderIp, PhysicalAddress targetMac, IPAddress targetIp) =>
            Ethernet(targetMac, senderMac, EtherTypeArp, Arp(ArpPacket.Reply, senderMac, senderIp, targetMac, targetIp));

        private static byte[] Arp(ushort operation, PhysicalAddress senderMac, IPAddress senderIp, PhysicalAddress targetMac, IPAddress targetIp)
        {
            var arp = new byte[ArpPacket.Length];
            BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(0), 1);              // hardware: Ethernet
            BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(2), EtherTypeIpv4); // protocol: IPv4
            arp[4] = 6;
            arp[5] = 4;
            BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(6), operation);
            Mac(senderMac).CopyTo(arp, 8);
            Ip(senderIp).CopyTo(arp, 14);
            Mac(targetMac).CopyTo(arp, 18);
            Ip(targetIp).CopyTo(arp, 24);
            return arp;
        }

        // An IPv4 header (20 bytes, no options, DF clear, header checksum set) and the payload.
        public static byte[] Ipv4(IPAddress source, IPAddress destination, byte protocol, ushort identification, ReadOnlySpan<byte> payload, byte ttl = 64)
        {
            var packet = new byte[20 + payload.Length];
            packet[0] = 0x45;   // version 4, IHL 5 words
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), identification);
            packet[8] = ttl;
            packet[9] = protocol;
            Ip(source).CopyTo(packet, 12);
            Ip(destination).CopyTo(packet, 16);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), InternetChecksum(packet.AsSpan(0, 20)));
            payload.CopyTo(packet.AsSpan(20));
            return packet;
        }

        // An ICMP echo request (type 8) or reply (type 0), checksum set (RFC 792).
        public static byte[] IcmpEcho(byte type, ushort identifier, ushort sequence, ReadOnlySpan<byte> data)
        {
            var message = new byte[8 + data.Length];
            message[0] = type;
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(4), identifier);
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(6), sequence);
            data.CopyTo(message.AsSpan(8));
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), InternetChecksum(message));
            return message;
        }

        // A whole ping frame: Ethernet, IPv4 (identification = sequence), ICMP echo request.
        public static byte[] EchoRequest(PhysicalAddress sourceMac, IPAddress sourceIp, PhysicalAddress destinationMac, IPAddress destinationIp,
            ushort identifier, ushort sequence, ReadOnlySpan<byte> data) =>
            Ethernet(destinationMac, sourceMac, EtherTypeIpv4,
                Ipv4(sourceIp, destinationIp, ProtocolIcmp, sequence, IcmpEcho(IcmpMessage.EchoRequest, identifier, sequence, data)));

        public static string Format(PhysicalAddress mac) =>
            string.Join(":", mac.GetAddressBytes().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

        // One line about a frame: addresses, and what it carries as far as it is understood.
        public static string Describe(byte[] frame)
        {
            var text = new StringBuilder();
            EthernetFrame ethernet = EthernetFrame.Parse(frame);
            if (ethernet == null) return $"{frame.Length} bytes, not Ethernet";
            text.Append(CultureInfo.InvariantCulture, $"{Format(ethernet.Source)} > {Format(ethernet.Destination)} type 0x{ethernet.EtherType:x4}, {frame.Length} bytes: ");
            ArpPacket arp = ArpPacket.Parse(frame);
            Ipv4Packet ip = Ipv4Packet.Parse(frame);
            if (arp != null)
            {
                text.Append(arp.Operation == ArpPacket.Request
                    ? $"ARP who has {arp.TargetIp}? tell {arp.SenderIp} ({Format(arp.SenderMac)})"
                    : $"ARP {arp.SenderIp} is at {Format(arp.SenderMac)} (op {arp.Operation})");
            }
            else if (ip != null)
            {
                text.Append(CultureInfo.InvariantCulture, $"IPv4 {ip.Source} > {ip.Destination} protocol {ip.Protocol}, {ip.Payload.Length} bytes");
                if (!ip.HeaderChecksumValid) text.Append(" (bad header checksum)");
                IcmpMessage icmp = IcmpMessage.Parse(ip);
                if (icmp != null)
                    text.Append(CultureInfo.InvariantCulture, $", ICMP type {icmp.Type} code {icmp.Code} id {icmp.Identifier} seq {icmp.Sequence}{(icmp.ChecksumValid ? "" : " (bad checksum)")}");
                else if (ip.Protocol is 6 or 17 && ip.Payload.Length >= 4)
                    text.Append(CultureInfo.InvariantCulture,
                        $", {(ip.Protocol == 6 ? "TCP" : "UDP")} {BinaryPrimitives.ReadUInt16BigEndian(ip.Payload)} > {BinaryPrimitives.ReadUInt16BigEndian(ip.Payload.AsSpan(2))}");
            }
            else
            {
                text.Append("not parsed");
            }
            return text.ToString();
        }

        internal static byte[] Mac(PhysicalAddress mac)
        {
            byte[] bytes = mac.GetAddressBytes();
            if (bytes.Length != 6) throw new ArgumentException($"{mac} is not a 48-bit MAC address", nameof(mac));
            return bytes;
        }

        internal static byte[] Ip(IPAddress ip)
        {
            byte[] bytes = ip.GetAddressBytes();
            if (bytes.Length != 4) throw new ArgumentException($"{ip} is not an IPv4 address", nameof(ip));
            return bytes;
        }
    }

    // An Ethernet II header and what follows it (padding included: the upper layer knows its length).
    public sealed record EthernetFrame(PhysicalAddress Destination, PhysicalAddress Source, ushort EtherType, byte[] Payload)
    {
        public static EthernetFrame Parse(byte[] frame)
        {
            if (frame == null || frame.Length < Frames.EthernetHeader) return null;
            return new EthernetFrame(
                new PhysicalAddress(frame.AsSpan(0, 6).ToArray()),
                new PhysicalAddress(frame.AsSpan(6, 6).ToArray()),
                BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)),
                frame.AsSpan(Frames.EthernetHeader).ToArray());
        }
    }

    // An RFC 826 packet for Ethernet and IPv4 (hardware type 1, protocol 0x0800, lengths 6 and 4),
    // with the Ethernet header's addresses it came in.
    public sealed record ArpPacket(PhysicalAddress FrameSource, PhysicalAddress FrameDestination, ushort Operation,
        PhysicalAddress SenderMac, IPAddress SenderIp, PhysicalAddress TargetMac, IPAddress TargetIp)
    {
        public const ushort Request = 1, Reply = 2;
        public const int Length = 28;

        // Null unless `frame` is an Ethernet/IPv4 ARP packet.
        public static ArpPacket Parse(byte[] frame)
        {
            EthernetFrame ethernet = EthernetFrame.Parse(frame);
            if (ethernet == null || ethernet.EtherType != Frames.EtherTypeArp || ethernet.Payload.Length < Length) return null;
            ReadOnlySpan<byte> p = ethernet.Payload;
            if (BinaryPrimitives.ReadUInt16BigEndian(p) != 1 || BinaryPrimitives.ReadUInt16BigEndian(p.Slice(2)) != Frames.EtherTypeIpv4
                || p[4] != 6 || p[5] != 4) return null;
            return new ArpPacket(ethernet.Source, ethernet.Destination, BinaryPrimitives.ReadUInt16BigEndian(p.Slice(6)),
                new PhysicalAddress(p.Slice(8, 6).ToArray()), new IPAddress(p.Slice(14, 4)),
                new PhysicalAddress(p.Slice(18, 6).ToArray()), new IPAddress(p.Slice(24, 4)));
        }

        public bool IsRequestFor(IPAddress ip) => Operation == Request && TargetIp.Equals(ip);
    }

    // An IPv4 packet (RFC 791): the header's fields, whether its checksum holds, and the payload
    // cut to the total length (without Ethernet padding).
    public sealed record Ipv4Packet(PhysicalAddress FrameSource, PhysicalAddress FrameDestination, int HeaderLength, int TotalLength,
        ushort Identification, byte Ttl, byte Protocol, bool HeaderChecksumValid, bool Fragment, IPAddress Source, IPAddress Destination, byte[] Payload)
    {
        // Null unless `frame` carries a whole IPv4 packet (version 4, sane lengths).
        public static Ipv4Packet Parse(byte[] frame)
        {
            EthernetFrame ethernet = EthernetFrame.Parse(frame);
            if (ethernet == null || ethernet.EtherType != Frames.EtherTypeIpv4 || ethernet.Payload.Length < 20) return null;
            byte[] p = ethernet.Payload;
            int headerLength = (p[0] & 0x0F) * 4;
            int totalLength = BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2));
            if (p[0] >> 4 != 4 || headerLength < 20 || totalLength < headerLength || totalLength > p.Length) return null;
            ushort flagsAndOffset = BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(6));
            bool fragment = (flagsAndOffset & 0x2000) != 0 || (flagsAndOffset & 0x1FFF) != 0;   // MF or an offset
            return new Ipv4Packet(ethernet.Source, ethernet.Destination, headerLength, totalLength,
                BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(4)), p[8], p[9],
                Frames.InternetChecksum(p.AsSpan(0, headerLength)) == 0, fragment,
                new IPAddress(p.AsSpan(12, 4)), new IPAddress(p.AsSpan(16, 4)),
                p.AsSpan(headerLength, totalLength - headerLength).ToArray());
        }
    }

    // An ICMP message (RFC 792) with the echo fields (identifier and sequence are the 4 bytes after
    // the checksum; meaningful for types 0 and 8).
    public sealed record IcmpMessage(byte Type, byte Code, bool ChecksumValid, ushort Identifier, ushort Sequence, byte[] Data)
    {
        public const byte EchoReply = 0, EchoRequest = 8;

        // Null unless `packet` is an unfragmented ICMP packet of at least 8 bytes.
        public static IcmpMessage Parse(Ipv4Packet packet)
        {
            if (packet == null || packet.Protocol != Frames.ProtocolIcmp || packet.Fragment || packet.Payload.Length < 8) return null;
            byte[] m = packet.Payload;
            return new IcmpMessage(m[0], m[1], Frames.InternetChecksum(m) == 0,
                BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(4)), BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(6)),
                m.AsSpan(8).ToArray());
        }

        public static IcmpMessage Parse(byte[] frame) => Parse(Ipv4Packet.Parse(frame));
    }
}
