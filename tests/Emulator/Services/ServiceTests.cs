using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using Xunit;

namespace ChargePoint.Tests.Emulator.Services
{
    // The emulator tests' services, checked over loopback with .NET's own sockets (no QEMU).
    [Trait("Category", "Services")]
    public class ServiceTests
    {
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
        private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);
        private const long ChosenTime = 1707890823;   // 2024-02-14 06:07:03 UTC

        // Sends one datagram to 127.0.0.1:port; the answer, or null if none came within `limit`.
        private static byte[] Exchange(int port, byte[] request, TimeSpan limit)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            client.Connect(IPAddress.Loopback, port);
            client.Send(request);
            if (!client.Poll((int)(limit.TotalMilliseconds * 1000), SelectMode.SelectRead)) return null;
            var buffer = new byte[1500];
            int read = client.Receive(buffer);
            return buffer.AsSpan(0, read).ToArray();
        }

        // ---- SNTP ----

        private static byte[] SntpRequest(int version, ulong transmit)
        {
            var request = new byte[48];
            request[0] = (byte)((version << 3) | 3);   // LI 0, client
            request[2] = 6;                             // poll 2^6 s
            BinaryPrimitives.WriteUInt64BigEndian(request.AsSpan(40), transmit);
            return request;
        }

        [Theory]
        [InlineData(4)]
        [InlineData(3)]
        public void Sntp_responder_answers_a_client_request_with_a_stratum_1_server_reply_at_the_chosen_time(int version)
        {
            using var sntp = new SntpResponder(ChosenTime);
            const ulong transmit = 0xE9770D2B_12345678;
            byte[] reply = Exchange(sntp.Port, SntpRequest(version, transmit), Wait);

            Assert.NotNull(reply);
            Assert.Equal(48, reply.Length);
            Assert.Equal(0, reply[0] >> 6);                      // leap indicator
            Assert.Equal(version, (reply[0] >> 3) & 7);           // the request's version
            Assert.Equal(4, reply[0] & 7);                        // server
            Assert.Equal(1, reply[1]);                            // stratum
            Assert.Equal("LOCL", Encoding.ASCII.GetString(reply, 12, 4));
            Assert.Equal(transmit, BinaryPrimitives.ReadUInt64BigEndian(reply.AsSpan(24)));   // originate
            ulong chosen = (ulong)(ChosenTime + 2208988800) << 32;
            Assert.Equal(chosen, BinaryPrimitives.ReadUInt64BigEndian(reply.AsSpan(32)));     // receive
            Assert.Equal(chosen, BinaryPrimitives.ReadUInt64BigEndian(reply.AsSpan(40)));     // transmit
            Assert.True(sntp.WaitForRequests(1, Wait));
            Assert.Equal(1, sntp.Requests);
            Assert.Equal(SntpRequest(version, transmit), sntp.LastRequest);
        }

        [Fact]
        public void Silent_sntp_responder_counts_the_request_and_answers_nothing()
        {
            using var sntp = new SntpResponder(ChosenTime, silent: true);
            Assert.Null(Exchange(sntp.Port, SntpRequest(4, 1), Quiet));
            Assert.True(sntp.WaitForRequests(1, Wait));

            sntp.Silent = false;
            Assert.NotNull(Exchange(sntp.Port, SntpRequest(4, 2), Wait));
            Assert.Equal(2, sntp.Requests);
        }

        [Fact]
        public void Sntp_responder_ignores_what_is_not_a_48_byte_client_request()
        {
            using var sntp = new SntpResponder(ChosenTime);
            byte[] serverMode = SntpRequest(4, 1);
            serverMode[0] = (4 << 3) | 4;
            Assert.Null(Exchange(sntp.Port, serverMode, Quiet));
            Assert.Null(Exchange(sntp.Port, SntpRequest(4, 1).AsSpan(0, 47).ToArray(), Quiet));
            Assert.Equal(0, sntp.Requests);

            Assert.NotNull(Exchange(sntp.Port, SntpRequest(4, 1), Wait));   // and is still there
        }

        [Fact]
        public void Sntp_timestamps_count_seconds_from_1900_and_wrap_into_the_next_era()
        {
            Assert.Equal(3916879623UL << 32, SntpResponder.NtpTimestamp(ChosenTime));
            Assert.Equal(0UL, SntpResponder.NtpTimestamp(2085978496));   // 2036-02-07 06:28:16 UTC: era 1 begins
        }

        // ---- DNS ----

        private static byte[] Name(string name)
        {
            var bytes = new List<byte>();
            foreach (string label in name.Split('.'))
            {
                bytes.Add((byte)label.Length);
                bytes.AddRange(Encoding.ASCII.GetBytes(label));
            }
            bytes.Add(0);
            return bytes.ToArray();
        }

        private static byte[] DnsQuery(ushort id, string name, ushort type = 1, ushort questions = 1)
        {
            var query = new List<byte> { (byte)(id >> 8), (byte)id, 0x01, 0x00, (byte)(questions >> 8), (byte)questions, 0, 0, 0, 0, 0, 0 };
            query.AddRange(Name(name));
            query.AddRange(new byte[] { (byte)(type >> 8), (byte)type, 0, 1 });
            return query.ToArray();
        }

        private static ushort U16(byte[] m, int at) => BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(at));

        [Fact]
        public void Dns_responder_answers_a_registered_name_with_one_a_record_with_ttl_60()
        {
            using var dns = new DnsResponder();
            dns.Add("cs.example.test", "10.0.2.2");
            byte[] query = DnsQuery(0x1234, "cs.example.test");
            byte[] reply = Exchange(dns.Port, query, Wait);

            Assert.NotNull(reply);
            Assert.Equal(0x1234, U16(reply, 0));
            Assert.True((reply[2] & 0x80) != 0, "QR: a response");
            Assert.Equal(0, (reply[2] >> 3) & 0x0F);              // opcode QUERY
            Assert.True((reply[2] & 0x04) != 0, "AA");
            Assert.True((reply[2] & 0x01) != 0, "RD copied");
            Assert.Equal(0, reply[3] & 0x0F);                     // NOERROR
            Assert.Equal(1, U16(reply, 4));                       // one question
            Assert.Equal(1, U16(reply, 6));                       // one answer
            Assert.Equal(0, U16(reply, 8));
            Assert.Equal(0, U16(reply, 10));
            int question = query.Length - 12;
            Assert.Equal(query.AsSpan(12).ToArray(), reply.AsSpan(12, question).ToArray());   // question echoed

            int at = 12 + question;
            Assert.Equal(0xC00C, U16(reply, at));                 // name: the question's
            Assert.Equal(1, U16(reply, at + 2));                  // A
            Assert.Equal(1, U16(reply, at + 4));                  // IN
            Assert.Equal(60u, BinaryPrimitives.ReadUInt32BigEndian(reply.AsSpan(at + 6)));
            Assert.Equal(4, U16(reply, at + 10));
            Assert.Equal(new byte[] { 10, 0, 2, 2 }, reply.AsSpan(at + 12, 4).ToArray());
            Assert.Equal(at + 16, reply.Length);
            Assert.Equal(new[] { "cs.example.test" }, dns.Queries);
        }

        [Fact]
        public void Dns_responder_matches_names_regardless_of_case_and_echoes_the_question_as_asked()
        {
            using var dns = new DnsResponder();
            dns.Add("cs.example.test.", "192.0.2.7");
            byte[] query = DnsQuery(7, "CS.Example.TEST");
            byte[] reply = Exchange(dns.Port, query, Wait);

            Assert.Equal(0, reply[3] & 0x0F);
            Assert.Equal(1, U16(reply, 6));
            Assert.Equal(query.AsSpan(12).ToArray(), reply.AsSpan(12, query.Length - 12).ToArray());
            Assert.Equal(new byte[] { 192, 0, 2, 7 }, reply.AsSpan(reply.Length - 4).ToArray());
            Assert.True(dns.WaitForQuery("cs.example.test", Wait));
            Assert.Equal(new[] { "CS.Example.TEST" }, dns.Queries);
        }

        [Fact]
        public void Dns_responder_answers_an_unknown_name_with_nxdomain_and_no_records()
        {
            using var dns = new DnsResponder();
            dns.Add("cs.example.test", "10.0.2.2");
            byte[] reply = Exchange(dns.Port, DnsQuery(0xBEEF, "other.example.test"), Wait);

            Assert.Equal(0xBEEF, U16(reply, 0));
            Assert.Equal(3, reply[3] & 0x0F);                     // NXDOMAIN
            Assert.Equal(1, U16(reply, 4));
            Assert.Equal(0, U16(reply, 6));
            Assert.Equal(new[] { "other.example.test" }, dns.Queries);
        }

        [Fact]
        public void Dns_responder_answers_a_registered_name_asked_for_aaaa_with_no_data()
        {
            using var dns = new DnsResponder();
            dns.Add("cs.example.test", "10.0.2.2");
            byte[] reply = Exchange(dns.Port, DnsQuery(9, "cs.example.test", type: 28), Wait);

            Assert.Equal(0, reply[3] & 0x0F);
            Assert.Equal(0, U16(reply, 6));
        }

        [Fact]
        public void Dns_responder_follows_a_compression_pointer_in_the_question()
        {
            using var dns = new DnsResponder();
            dns.Add("cs.example.test", "10.0.2.2");
            // Question name = pointer to offset 18, where the name follows the type and class.
            var query = new List<byte> { 0, 5, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 18, 0, 1, 0, 1 };
            query.AddRange(Name("cs.example.test"));
            byte[] reply = Exchange(dns.Port, query.ToArray(), Wait);

            Assert.Equal(0, reply[3] & 0x0F);
            Assert.Equal(1, U16(reply, 6));
            Assert.Equal(new byte[] { 10, 0, 2, 2 }, reply.AsSpan(reply.Length - 4).ToArray());
            Assert.Equal(new[] { "cs.example.test" }, dns.Queries);
        }

        public static IEnumerable<object[]> Garbage()
        {
            byte[] header = { 0xAB, 0xCD, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
            yield return new object[] { "a label past the end", header.Concat(new byte[] { 20, (byte)'c', (byte)'s' }).ToArray() };
            yield return new object[] { "no terminating label", header.Concat(new byte[] { 2, (byte)'c', (byte)'s' }).ToArray() };
            yield return new object[] { "no type and class", header.Concat(Name("cs.example.test")).ToArray() };
            yield return new object[] { "a reserved label type", header.Concat(new byte[] { 0x80, 0, 0, 1, 0, 1 }).ToArray() };
            yield return new object[] { "a pointer loop", header.Concat(new byte[] { 0xC0, 12, 0, 1, 0, 1 }).ToArray() };
            yield return new object[] { "no question", DnsQuery(0xABCD, "cs.example.test", questions: 0) };
            yield return new object[] { "two questions", DnsQuery(0xABCD, "cs.example.test", questions: 2) };
            yield return new object[] { "a name over 255 bytes", DnsQuery(0xABCD, string.Join(".", Enumerable.Repeat(new string('a', 63), 5))) };
        }

        [Theory]
        [MemberData(nameof(Garbage))]
        public void Dns_responder_answers_garbage_with_formerr(string what, byte[] query)
        {
            using var dns = new DnsResponder();
            dns.Add("cs.example.test", "10.0.2.2");
            byte[] reply = Exchange(dns.Port, query, Wait);

            Assert.True(reply != null, what);
            Assert.Equal(0xABCD, U16(reply, 0));
            Assert.True((reply[2] & 0x80) != 0, what);
            Assert.Equal(1, reply[3] & 0x0F);                     // FORMERR
            Assert.Equal(12, reply.Length);
            Assert.Empty(dns.Queries);
        }

        [Fact]
        public void Dns_responder_ignores_responses_and_runts_and_answers_other_opcodes_with_notimp()
        {
            using var dns = new DnsResponder();
            byte[] response = DnsQuery(1, "cs.example.test");
            response[2] |= 0x80;
            Assert.Null(Exchange(dns.Port, response, Quiet));
            Assert.Null(Exchange(dns.Port, new byte[] { 1, 2, 3 }, Quiet));

            byte[] status = DnsQuery(2, "cs.example.test");
            status[2] = 2 << 3;                                  // opcode STATUS
            byte[] reply = Exchange(dns.Port, status, Wait);
            Assert.Equal(4, reply[3] & 0x0F);                     // NOTIMP
            Assert.Equal(2, (reply[2] >> 3) & 0x0F);
        }

        [Fact]
        public void Silent_dns_responder_records_the_question_and_answers_nothing()
        {
            using var dns = new DnsResponder(silent: true);
            dns.Add("cs.example.test", "10.0.2.2");
            Assert.Null(Exchange(dns.Port, DnsQuery(3, "cs.example.test"), Quiet));
            Assert.True(dns.WaitForQueries(1, Wait));
        }

        // ---- TCP ----

        private static TcpClient Connect(int port)
        {
            var client = new TcpClient(AddressFamily.InterNetwork) { ReceiveTimeout = 5000, SendTimeout = 5000 };
            client.Connect(IPAddress.Loopback, port);
            return client;
        }

        [Fact]
        public void Tcp_echo_server_sends_back_64_KiB_byte_for_byte()
        {
            using var server = new TcpEchoServer();
            using var client = Connect(server.Port);
            var data = new byte[64 * 1024];
            new Random(1707890823).NextBytes(data);
            NetworkStream stream = client.GetStream();

            Exception sendError = null;
            var send = new Thread(() =>
            {
                try { stream.Write(data, 0, data.Length); }
                catch (Exception e) { sendError = e; }
            }) { IsBackground = true };
            send.Start();
            var echoed = new byte[data.Length];
            int got = 0;
            while (got < echoed.Length)
            {
                int read = stream.Read(echoed, got, echoed.Length - got);
                Assert.True(read > 0, $"the echo ended after {got} bytes");
                got += read;
            }
            Assert.True(send.Join(Wait), "the send did not finish");
            Assert.Null(sendError);
            for (int i = 0; i < data.Length; i++)
                if (echoed[i] != data[i]) Assert.Fail($"byte {i}: sent 0x{data[i]:X2}, echoed 0x{echoed[i]:X2}");

            Assert.Equal(1, server.Connections);
            Assert.True(server.WaitForBytes(data.Length, Wait));
            Assert.Equal(data.Length, server.BytesReceived);
            Assert.Equal(data.Length, server.BytesSent);
        }

        [Fact]
        public void Tcp_echo_server_closes_its_side_when_the_client_does_and_counts_every_connection()
        {
            using var server = new TcpEchoServer();
            using (var first = Connect(server.Port))
            {
                first.GetStream().Write(new byte[] { 1, 2, 3 });
                Assert.Equal(1, first.GetStream().ReadByte());
            }
            using var second = Connect(server.Port);
            Assert.True(server.WaitForConnections(2, Wait));
            Assert.Equal(2, server.Connections);
            Assert.True(server.WaitForOpenConnections(1, Wait), $"{server.OpenConnections} open");
        }

        [Fact]
        public void Holding_server_reads_and_counts_but_echoes_nothing()
        {
            using var server = new TcpEchoServer(echo: false);
            using var client = Connect(server.Port);
            Assert.True(server.WaitForConnection(Wait));
            client.GetStream().Write(new byte[100]);

            Assert.True(server.WaitForBytes(100, Wait));
            Assert.False(client.Client.Poll((int)(Quiet.TotalMilliseconds * 1000), SelectMode.SelectRead), "something came back");
            Assert.Equal(0, server.BytesSent);
        }

        [Fact]
        public void Abort_resets_every_held_connection()
        {
            using var server = new TcpEchoServer(echo: false);
            using var one = Connect(server.Port);
            using var two = Connect(server.Port);
            Assert.True(server.WaitForConnections(2, Wait));

            Assert.True(server.Abort());
            Assert.Equal(0, server.OpenConnections);
            foreach (var client in new[] { one, two })
            {
                var e = Assert.Throws<IOException>(() => client.GetStream().Read(new byte[16], 0, 16));
                Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(e.InnerException).SocketErrorCode);
            }
        }

        [Fact]
        public void Close_all_ends_every_held_connection_in_order_with_a_zero_byte_read()
        {
            using var server = new TcpEchoServer(echo: false);
            using var client = Connect(server.Port);
            Assert.True(server.WaitForConnection(Wait));

            Assert.True(server.CloseAll());
            Assert.Equal(0, client.GetStream().Read(new byte[16], 0, 16));
            client.Close();
            Assert.True(server.WaitForNoOpenConnections(Wait));
        }

        [Fact]
        public void Stopped_server_refuses_connections_and_started_again_accepts_on_the_same_port()
        {
            using var server = new TcpEchoServer();
            int port = server.Port;
            using (var before = Connect(port))
            {
                before.GetStream().WriteByte(42);
                Assert.Equal(42, before.GetStream().ReadByte());
                Assert.True(server.CloseAll());             // the server closes first: its port sits in TIME_WAIT
                Assert.Equal(-1, before.GetStream().ReadByte());
            }
            Assert.True(server.WaitForNoOpenConnections(Wait));

            server.Stop();
            Assert.False(server.IsListening);
            var refused = Assert.Throws<SocketException>(() => Connect(port).Dispose());
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

            server.Start();
            Assert.Equal(port, server.Port);
            using var after = Connect(port);
            after.GetStream().WriteByte(7);
            Assert.Equal(7, after.GetStream().ReadByte());
            Assert.Equal(2, server.Connections);
        }

        [Fact]
        public void Every_service_binds_its_own_port_on_loopback()
        {
            using var sntp = new SntpResponder(ChosenTime);
            using var dns = new DnsResponder();
            using var tcp = new TcpEchoServer();
            using var tcp2 = new TcpEchoServer();
            Assert.All(new[] { sntp.Port, dns.Port, tcp.Port, tcp2.Port }, port => Assert.InRange(port, 1, 65535));
            Assert.NotEqual(tcp.Port, tcp2.Port);
        }
    }
}
