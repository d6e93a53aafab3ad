using System;
using ChargePoint.Core.Config;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Net;
using ChargePoint.Core.Shell;

namespace ChargePoint
{
    // net: the interface (link, MAC, addresses, lease), traffic counters, and lwIP's pools with
    // their high-water marks. `net tcp HOST PORT BYTES` runs the echo diagnostic (EchoProbe).
    public sealed unsafe class NetCommand : IShellCommand
    {
        private readonly LwipStack _stack;
        private readonly NetworkTask _network;
        private readonly EchoProbe _probe;
        private readonly byte[] _text = new byte[Ipv4.MaxTextLength];

        public NetCommand(LwipStack stack, NetworkTask network, EchoProbe probe)
        {
            _stack = stack;
            _network = network;
            _probe = probe;
        }

        public ReadOnlySpan<byte> Name => "net"u8;
        public ReadOnlySpan<byte> Help => "addresses, link, traffic, lwIP pools; net tcp HOST PORT BYTES: echo test"u8;

        public void Run(ReadOnlySpan<byte> arguments, Logger reply)
        {
            if (arguments.IsEmpty)
            {
                Status(reply);
                return;
            }
            if (arguments.Length >= 3 && arguments.Slice(0, 3).SequenceEqual("tcp"u8) && (arguments.Length == 3 || arguments[3] == (byte)' '))
            {
                Tcp(Shell.Trim(arguments.Slice(3)), reply);
                return;
            }
            reply.BeginText().Append("usage: net | net tcp HOST PORT BYTES | net tcp stop"u8).End();
        }

        private void Tcp(ReadOnlySpan<byte> arguments, Logger reply)
        {
            if (arguments.SequenceEqual("stop"u8))
            {
                _probe.Stop();
                return;
            }
            int space = arguments.IndexOf((byte)' ');
            if (space <= 0) { Usage(reply); return; }
            ReadOnlySpan<byte> host = arguments.Slice(0, space);
            ReadOnlySpan<byte> rest = Shell.Trim(arguments.Slice(space + 1));
            space = rest.IndexOf((byte)' ');
            if (space <= 0) { Usage(reply); return; }
            if (!TryNumber(rest.Slice(0, space), out long port) || port < 1 || port > 65535
                || !TryNumber(Shell.Trim(rest.Slice(space + 1)), out long bytes))
            {
                Usage(reply);
                return;
            }
            if (_network.State != NetworkTask.Phase.Ready && _network.State != NetworkTask.Phase.SettingTime)
            {
                reply.BeginText().Append("error: the network is not up yet"u8).End();
                return;
            }
            if (!_probe.Start(host, (ushort)port, bytes))
                reply.BeginText().Append("error: a tcp test is running (net tcp stop)"u8).End();
        }

        private static void Usage(Logger reply) => reply.BeginText().Append("usage: net tcp HOST PORT BYTES (BYTES 0: connect and watch)"u8).End();

        private static bool TryNumber(ReadOnlySpan<byte> text, out long value)
        {
            value = 0;
            if (text.IsEmpty || text.Length > 10) return false;
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] < (byte)'0' || text[i] > (byte)'9') return false;
                value = value * 10 + (text[i] - '0');
            }
            return true;
        }

        private ReadOnlySpan<byte> Ip(uint address) => new ReadOnlySpan<byte>(_text, 0, Ipv4.Format(address, _text));

        private void Status(Logger reply)
        {
            NetworkInfo info = _stack.Info;
            LogLine line = reply.BeginText().Append("link "u8).Append(info.LinkUp ? "up"u8 : "down"u8).Append(", MAC "u8);
            ReadOnlySpan<byte> mac = _stack.Link.MacAddress;
            for (int i = 0; i < mac.Length; i++)
            {
                if (i > 0) line = line.Append(":"u8);
                line = AppendHexByte(line, mac[i]);
            }
            line.End();
            line = reply.BeginText().Append("address "u8).Append(Ip(info.Address));
            line = line.Append(" netmask "u8).Append(Ip(info.Netmask));
            line = line.Append(" gateway "u8).Append(Ip(info.Gateway));
            line = line.Append(" dns "u8).Append(Ip(info.DnsServer));
            if (info.UsesDhcp) line = line.Append(" (DHCP, lease "u8).Append(info.LeaseSeconds).Append(" s)"u8);
            else line = line.Append(" (static)"u8);
            line.End();
            reply.BeginText().Append("frames in "u8).Append((long)_stack.FramesIn).Append(" ("u8).Append((long)_stack.BytesIn)
                .Append(" bytes), out "u8).Append((long)_stack.FramesOut).Append(" ("u8).Append((long)_stack.BytesOut).Append(" bytes)"u8).End();
            Lwip.Info raw = _stack.ReadInfo();
            reply.BeginText().Append("drops: driver rx "u8).Append(_stack.Link.ReceiveDrops).Append(", stack rx "u8).Append(raw.RxDrops)
                .Append(", tx busy "u8).Append(_stack.TransmitBusy).End();
            reply.BeginText().Append("tcp bytes sent "u8).Append((long)_stack.TcpBytesSent).Append(", received "u8)
                .Append((long)_stack.TcpBytesReceived).End();
            reply.BeginText().Append("lwip pool         used   max    of  errors"u8).End();
            for (int index = 0; _stack.ReadPool(index, out byte* name, out uint used, out uint max, out uint available, out uint errors); index++)
            {
                int length = 0;
                while (name[length] != 0 && length < 16) length++;
                line = reply.BeginText().Append("  "u8).Append(new ReadOnlySpan<byte>(name, length));
                for (int pad = length; pad < 16; pad++) line = line.Append(" "u8);
                line = Column(line, used, 5);
                line = Column(line, max, 6);
                line = Column(line, available, 6);
                Column(line, errors, 8).End();
            }
        }

        private static LogLine Column(LogLine line, uint value, int width)
        {
            int digits = 1;
            for (uint v = value; v >= 10; v /= 10) digits++;
            for (int pad = digits; pad < width; pad++) line = line.Append(" "u8);
            return line.Append(value);
        }

        private static LogLine AppendHexByte(LogLine line, byte value)
        {
            Span<byte> two = stackalloc byte[2];
            two[0] = Hex(value >> 4);
            two[1] = Hex(value & 0xF);
            return line.Append(two);
        }

        private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
    }
}
