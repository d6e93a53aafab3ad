using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace ChargePoint.Tests.Emulator.Services
{
    // A DNS server (RFC 1035) on 127.0.0.1 at an OS-chosen port, authoritative for the names the
    // test adds. A standard query (opcode 0) with one question:
    //   - a registered name, type A (or ANY), class IN: NOERROR, AA, one A record (TTL 60);
    //   - a registered name, another type: NOERROR with no answer (no data of that type);
    //   - any other name: NXDOMAIN;
    // each with the question echoed. A query it cannot parse (no/several questions, a label or
    // pointer past the end, a reserved label type, a name over 255 bytes) gets FORMERR; another
    // opcode gets NOTIMP; responses and datagrams shorter than a header are ignored. Questions may
    // use compression pointers. Names match case-insensitively; the question goes back as asked.
    //
    //   using var dns = new DnsResponder();
    //   dns.Add("cs.example.test", "10.0.2.2");
    public sealed class DnsResponder : UdpService
    {
        public const int Ttl = 60;
        public const int HeaderLength = 12;
        public const ushort TypeA = 1, TypeAny = 255, ClassIn = 1;
        public const int NoError = 0, FormErr = 1, NxDomain = 3, NotImp = 4;

        private readonly Dictionary<string, byte[]> _records = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        private readonly List<string> _queries = new List<string>();

        public DnsResponder(bool silent = false) : base("dns")
        {
            Silent = silent;
            Start();
        }

        // Registers (or replaces) `name` -> the IPv4 `address`. A trailing dot is optional.
        public void Add(string name, string address)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("a name is required", nameof(name));
            var ip = IPAddress.Parse(address);
            if (ip.AddressFamily != AddressFamily.InterNetwork) throw new ArgumentException($"{address} is not an IPv4 address", nameof(address));
            lock (Gate) _records[Normalize(name)] = ip.GetAddressBytes();
        }

        // The names asked so far (as asked, without the trailing dot), in order, repeats included.
        public IReadOnlyList<string> Queries
        {
            get { lock (Gate) return _queries.ToArray(); }
        }

        // Waits until `name` has been asked (case-insensitive); false if the timeout passed first.
        public bool WaitForQuery(string name, TimeSpan timeout)
        {
            string wanted = Normalize(name);
            return WaitUntil(() => _queries.Exists(q => string.Equals(q, wanted, StringComparison.OrdinalIgnoreCase)), timeout);
        }

        // Waits until at least `count` questions were asked; false if the timeout passed first.
        public bool WaitForQueries(int count, TimeSpan timeout) => WaitUntil(() => _queries.Count >= count, timeout);

        private static string Normalize(string name) => name.EndsWith('.') ? name.Substring(0, name.Length - 1) : name;

        protected override byte[] Answer(ReadOnlySpan<byte> query)
        {
            if (query.Length < HeaderLength) return null;
            if ((query[2] & 0x80) != 0) return null;   // QR set: a response, not ours to answer
            ushort id = BinaryPrimitives.ReadUInt16BigEndian(query);
            int opcode = (query[2] >> 3) & 0x0F;
            bool recursionDesired = (query[2] & 0x01) != 0;
            if (opcode != 0) return Reply(id, opcode, recursionDesired, NotImp, null, 0, 0, null);

            int questions = BinaryPrimitives.ReadUInt16BigEndian(query.Slice(4));
            if (questions != 1 || !TryReadName(query, HeaderLength, out var labels, out int end) || end + 4 > query.Length)
                return Reply(id, opcode, recursionDesired, FormErr, null, 0, 0, null);
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(query.Slice(end));
            ushort klass = BinaryPrimitives.ReadUInt16BigEndian(query.Slice(end + 2));

            var name = new StringBuilder();
            foreach (byte[] label in labels)
            {
                if (name.Length > 0) name.Append('.');
                name.Append(Encoding.Latin1.GetString(label));
            }
            byte[] address;
            lock (Gate)
            {
                _queries.Add(name.ToString());
                Monitor.PulseAll(Gate);
                _records.TryGetValue(name.ToString(), out address);
            }
            if (address == null) return Reply(id, opcode, recursionDesired, NxDomain, labels, type, klass, null);
            bool matches = (type == TypeA || type == TypeAny) && klass == ClassIn;
            return Reply(id, opcode, recursionDesired, NoError, labels, type, klass, matches ? address : null);
        }

        // Reads a (possibly compressed) name at `offset`; `end` is just past it in the message
        // (past the first pointer, if any). False for anything malformed.
        private static bool TryReadName(ReadOnlySpan<byte> message, int offset, out List<byte[]> labels, out int end)
        {
            labels = new List<byte[]>();
            end = -1;
            int at = offset, jumps = 0, length = 1;
            while (true)
            {
                if (at >= message.Length) return false;
                byte b = message[at];
                if ((b & 0xC0) == 0xC0)
                {
                    if (at + 1 >= message.Length || ++jumps > 16) return false;
                    if (end < 0) end = at + 2;
                    at = ((b & 0x3F) << 8) | message[at + 1];
                    continue;
                }
                if ((b & 0xC0) != 0) return false;   // 0x40/0x80: reserved label types
                if (b == 0)
                {
                    if (end < 0) end = at + 1;
                    return true;
                }
                if (at + 1 + b > message.Length) return false;
                length += b + 1;
                if (length > 255) return false;
                labels.Add(message.Slice(at + 1, b).ToArray());
                at += 1 + b;
            }
        }

        private static byte[] Reply(ushort id, int opcode, bool recursionDesired, int rcode,
            List<byte[]> labels, ushort type, ushort klass, byte[] address)
        {
            var reply = new List<byte>(64);
            void U16(int value) { reply.Add((byte)(value >> 8)); reply.Add((byte)value); }

            U16(id);
            // QR=1, opcode, AA=1 (authoritative for its names), TC=0, RD as asked; RA=1, Z=0, rcode.
            reply.Add((byte)(0x80 | (opcode << 3) | 0x04 | (recursionDesired ? 0x01 : 0)));
            reply.Add((byte)(0x80 | rcode));
            U16(labels != null ? 1 : 0);     // QDCOUNT
            U16(address != null ? 1 : 0);    // ANCOUNT
            U16(0);                          // NSCOUNT
            U16(0);                          // ARCOUNT
            if (labels != null)
            {
                foreach (byte[] label in labels)
                {
                    reply.Add((byte)label.Length);
                    reply.AddRange(label);
                }
                reply.Add(0);
                U16(type);
                U16(klass);
            }
            if (address != null)
            {
                U16(0xC000 | HeaderLength);  // the question's name
                U16(TypeA);
                U16(ClassIn);
                U16(Ttl >> 16);
                U16(Ttl & 0xFFFF);
                U16(address.Length);
                reply.AddRange(address);
            }
            return reply.ToArray();
        }
    }
}
