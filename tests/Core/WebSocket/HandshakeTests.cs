using System;
using System.Linq;
using System.Text;
using ChargePoint.Core;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Net;
using ChargePoint.Core.WebSocket;
using ChargePoint.Tests.Core.Net;
using Xunit;

namespace ChargePoint.Tests.Core.WebSocket
{
    public class HandshakeTests
    {
        private readonly ClientBench _bench = new ClientBench();

        private void ExpectHandshakeFailure(WebSocketFailure failure, string logLine)
        {
            WebSocketEvents events = _bench.Poll();
            Assert.Equal(WebSocketEvents.Closed | WebSocketEvents.Failed, events);
            Assert.Equal(WebSocketState.Closed, _bench.Client.State);
            Assert.Equal(failure, _bench.Client.Failure);
            Assert.Equal(TcpState.Closed, _bench.Tcp.State);
            Assert.Contains(logLine + "\r\n", _bench.Text);
        }

        [Fact]
        public void The_request_is_an_http_upgrade_with_exactly_the_rfc_6455_headers()
        {
            _bench.Connect();
            Assert.Equal("10.0.2.2", _bench.Tcp.Host);
            Assert.Equal(8180, _bench.Tcp.Port);
            Assert.Equal(10000, _bench.Tcp.TimeoutMilliseconds);
            _bench.Server.ReadHandshake();
            ScriptedServer server = _bench.Server;
            Assert.Equal("GET /steve/websocket/CentralSystemService/CP001 HTTP/1.1", server.RequestLine);
            Assert.Equal(new[] { "Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Protocol" },
                server.RequestHeaders.Select(h => h.Key).ToArray());
            Assert.Equal("10.0.2.2:8180", server.Header("Host"));
            Assert.Equal("websocket", server.Header("Upgrade"));
            Assert.Equal("Upgrade", server.Header("Connection"));
            Assert.Equal("13", server.Header("Sec-WebSocket-Version"));
            Assert.Equal("ocpp1.6", server.Header("Sec-WebSocket-Protocol"));
            // RFC 6455 4.1 item 7: 16 random bytes, base64.
            Assert.Equal(16, Convert.FromBase64String(server.Header("Sec-WebSocket-Key")).Length);
            Assert.Equal(0, server.Pending); // nothing after the blank line
            Assert.Contains("<inf> websocket: connecting to 10.0.2.2:8180/steve/websocket/CentralSystemService/CP001\r\n", _bench.Text);
        }

        [Fact]
        public void A_password_adds_basic_credentials_of_the_charge_point_id()
        {
            _bench.Connect(password: "0123456789abcdef");
            _bench.Server.ReadHandshake();
            Assert.Equal("Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("CP001:0123456789abcdef")),
                _bench.Server.Header("Authorization"));
            Assert.Equal("Authorization", _bench.Server.RequestHeaders.Last().Key);
        }

        [Theory]
        [InlineData("", "u")]
        [InlineData("a", "")]
        [InlineData("ab", "CP1")]
        [InlineData("abc", "CP12")]
        [InlineData("abcd", "0123456789abcdefghij")]
        public void Credentials_of_any_length_encode_like_dotnet(string user, string password)
        {
            var request = new byte[1024];
            int length = HandshakeRequest.Write(request, "h"u8, 80, "/"u8, "k"u8, default, Encoding.ASCII.GetBytes(user), Encoding.ASCII.GetBytes(password));
            string text = Encoding.ASCII.GetString(request, 0, length);
            if (password.Length == 0) Assert.DoesNotContain("Authorization", text);
            else Assert.Contains("\r\nAuthorization: Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes(user + ":" + password)) + "\r\n", text);
        }

        [Fact]
        public void Port_80_leaves_the_port_out_of_the_host_header_and_no_subprotocol_leaves_out_its_header()
        {
            Assert.True(_bench.Client.Open("csms.example.org"u8, 80, "/ocpp/CP7"u8, default, default, default));
            _bench.Tcp.Accept();
            _bench.Poll();
            _bench.Server.ReadHandshake();
            Assert.Equal("csms.example.org", _bench.Server.Header("Host"));
            Assert.Null(_bench.Server.Header("Sec-WebSocket-Protocol"));
            Assert.Null(_bench.Server.Header("Authorization"));
        }

        [Fact]
        public void Each_open_draws_a_new_key()
        {
            _bench.Open();
            string first = _bench.Server.Header("Sec-WebSocket-Key");
            _bench.Client.Close(1000, default);
            _bench.Server.ReadFrame();
            _bench.Server.SendClose(1000);
            _bench.Tcp.PeerClose();
            _bench.Poll();
            Assert.Equal(WebSocketState.Closed, _bench.Client.State);
            _bench.Connect();
            _bench.Server.ReadHandshake();
            Assert.NotEqual(first, _bench.Server.Header("Sec-WebSocket-Key"));
        }

        [Fact]
        public void A_101_with_the_right_accept_and_subprotocol_opens_the_connection()
        {
            _bench.Open();
            Assert.Equal(101, _bench.Client.HandshakeStatus);
            Assert.Contains("<inf> websocket: connected, subprotocol ocpp1.6\r\n", _bench.Text);
            Assert.Equal(long.MaxValue, _bench.Client.NextDeadline);
        }

        [Fact]
        public void Header_names_and_the_upgrade_tokens_are_matched_without_case()
        {
            _bench.Connect();
            _bench.Server.ReadHandshake();
            _bench.Server.Deliver("HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nCONNECTION: keep-alive, upgrade\r\n" +
                "sec-websocket-accept:   " + _bench.Server.ExpectedAccept + "  \r\nSEC-WEBSOCKET-PROTOCOL: ocpp1.6\r\nServer: test\r\n\r\n");
            Assert.Equal(WebSocketEvents.Opened, _bench.Poll());
        }

        [Fact]
        public void A_response_that_arrives_a_byte_at_a_time_still_opens_and_frames_right_behind_it_are_read()
        {
            _bench.Connect();
            _bench.Server.ReadHandshake();
            string response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + _bench.Server.ExpectedAccept + "\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n";
            byte[] bytes = Encoding.ASCII.GetBytes(response).Concat(ScriptedServer.TextFrame("[2,\"1\",\"Reset\",{}]")).ToArray();
            WebSocketEvents events = WebSocketEvents.None;
            for (int i = 0; i < bytes.Length; i++)
            {
                _bench.Tcp.Deliver(bytes.AsSpan(i, 1));
                events |= _bench.Poll();
                if (i < response.Length - 1) Assert.Equal(WebSocketState.Handshaking, _bench.Client.State);
            }
            Assert.Equal(WebSocketEvents.Opened | WebSocketEvents.MessageReceived, events);
            Assert.True(_bench.Client.TryTakeMessage(out ReadOnlySpan<byte> text));
            Assert.Equal("[2,\"1\",\"Reset\",{}]", Encoding.UTF8.GetString(text));
        }

        [Fact]
        public void A_message_in_the_same_segment_as_the_101_is_reported_with_opened()
        {
            _bench.Connect();
            _bench.Server.Accept(thenFrames: ScriptedServer.TextFrame("hello"));
            Assert.Equal(WebSocketEvents.Opened | WebSocketEvents.MessageReceived, _bench.Poll());
            Assert.True(_bench.Client.TryTakeMessage(out ReadOnlySpan<byte> text));
            Assert.Equal("hello", Encoding.UTF8.GetString(text));
        }

        [Fact]
        public void A_wrong_accept_fails_the_handshake()
        {
            _bench.Connect();
            _bench.Server.Accept(accept: ScriptedServer.AcceptFor("dGhlIHNhbXBsZSBub25jZQ=="));
            ExpectHandshakeFailure(WebSocketFailure.AcceptMismatch, "<err> websocket: handshake failed: wrong Sec-WebSocket-Accept");
        }

        [Fact]
        public void A_server_that_selects_no_subprotocol_fails_the_handshake()
        {
            _bench.Connect();
            _bench.Server.Accept(subprotocol: null);
            ExpectHandshakeFailure(WebSocketFailure.SubprotocolNotSelected, "<err> websocket: server did not select subprotocol ocpp1.6");
        }

        [Fact]
        public void A_server_that_selects_another_subprotocol_fails_the_handshake()
        {
            _bench.Connect();
            _bench.Server.Accept(subprotocol: "ocpp2.0.1");
            ExpectHandshakeFailure(WebSocketFailure.SubprotocolMismatch, "<err> websocket: server selected subprotocol ocpp2.0.1 instead of ocpp1.6");
        }

        [Fact]
        public void A_subprotocol_the_client_did_not_ask_for_fails_the_handshake()
        {
            Assert.True(_bench.Client.Open("10.0.2.2"u8, 8180, "/"u8, default, default, default));
            _bench.Tcp.Accept();
            _bench.Poll();
            _bench.Server.Accept(subprotocol: "ocpp1.6");
            ExpectHandshakeFailure(WebSocketFailure.SubprotocolMismatch, "<err> websocket: server selected subprotocol ocpp1.6, none was requested");
        }

        [Fact]
        public void An_extension_the_client_did_not_offer_fails_the_handshake()
        {
            _bench.Connect();
            _bench.Server.Accept(extraHeaders: "Sec-WebSocket-Extensions: permessage-deflate\r\n");
            ExpectHandshakeFailure(WebSocketFailure.ExtensionNotOffered, "<err> websocket: handshake failed: extension not offered");
        }

        [Theory]
        [InlineData("Upgrade: h2c\r\nConnection: Upgrade\r\n", WebSocketFailure.UpgradeMissing, "no Upgrade: websocket in the response")]
        [InlineData("Connection: Upgrade\r\n", WebSocketFailure.UpgradeMissing, "no Upgrade: websocket in the response")]
        [InlineData("Upgrade: websocket\r\nConnection: keep-alive\r\n", WebSocketFailure.ConnectionUpgradeMissing, "no Connection: Upgrade in the response")]
        public void A_101_without_the_upgrade_headers_fails_the_handshake(string headers, WebSocketFailure failure, string why)
        {
            _bench.Connect();
            _bench.Server.ReadHandshake();
            _bench.Server.Deliver("HTTP/1.1 101 Switching Protocols\r\n" + headers + "Sec-WebSocket-Accept: " + _bench.Server.ExpectedAccept
                + "\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n");
            ExpectHandshakeFailure(failure, "<err> websocket: handshake failed: " + why);
        }

        [Fact]
        public void A_401_is_a_failure_that_names_the_status()
        {
            _bench.Connect(password: "wrong-password-16");
            _bench.Server.ReadHandshake();
            _bench.Server.Deliver("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"ocpp\"\r\nContent-Length: 0\r\n\r\n");
            ExpectHandshakeFailure(WebSocketFailure.HandshakeRefused, "<err> websocket: handshake refused: HTTP 401 Unauthorized");
            Assert.Equal(401, _bench.Client.HandshakeStatus);
        }

        [Fact]
        public void A_404_that_then_closes_is_a_failure_that_names_the_status()
        {
            _bench.Connect();
            _bench.Server.ReadHandshake();
            _bench.Server.Deliver("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found");
            _bench.Tcp.PeerClose();
            ExpectHandshakeFailure(WebSocketFailure.HandshakeRefused, "<err> websocket: handshake refused: HTTP 404 Not Found");
        }

        [Theory]
        [InlineData("SSH-2.0-OpenSSH_9.6\r\n\r\n")]
        [InlineData("HTTP/1.1 10x Bad\r\n\r\n")]
        [InlineData("HTTP/1.1 101\r\nUpgrade websocket\r\n\r\n")]
        public void A_response_that_is_not_http_fails_the_handshake(string response)
        {
            _bench.Connect();
            _bench.Server.ReadHandshake();
            _bench.Server.Deliver(response);
            ExpectHandshakeFailure(WebSocketFailure.ResponseMalformed, "<err> websocket: handshake failed: malformed handshake response");
        }

        [Fact]
        public void A_response_header_over_the_limit_fails_the_handshake()
        {
            var bench = new ClientBench(maxResponse: 512);
            bench.Connect();
            bench.Server.ReadHandshake();
            bench.Server.Deliver("HTTP/1.1 101 Switching Protocols\r\nX-Padding: " + new string('x', 600) + "\r\n\r\n");
            Assert.Equal(WebSocketEvents.Closed | WebSocketEvents.Failed, bench.Poll());
            Assert.Equal(WebSocketFailure.ResponseTooLong, bench.Client.Failure);
            Assert.Contains("<err> websocket: handshake response header longer than 512 bytes\r\n", bench.Text);
        }

        [Fact]
        public void No_answer_within_the_handshake_timeout_fails_and_the_deadline_says_when()
        {
            var bench = new ClientBench(handshakeTimeout: 3000);
            bench.Clock.AdvanceMilliseconds(1000);
            bench.Connect();
            Assert.Equal(4000, bench.Client.NextDeadline);
            bench.Clock.AdvanceMilliseconds(2999);
            Assert.Equal(WebSocketEvents.None, bench.Poll());
            bench.Clock.AdvanceMilliseconds(1);
            Assert.Equal(WebSocketEvents.Closed | WebSocketEvents.Failed, bench.Poll());
            Assert.Equal(WebSocketFailure.HandshakeTimeout, bench.Client.Failure);
            Assert.Equal(TcpState.Closed, bench.Tcp.State);
            Assert.Contains("<err> websocket: handshake timed out after 3000 ms\r\n", bench.Text);
            Assert.Equal(long.MaxValue, bench.Client.NextDeadline);
        }

        [Fact]
        public void A_server_that_never_accepts_tcp_times_out_too()
        {
            Assert.True(_bench.Client.Open("10.0.2.2"u8, 8180, "/"u8, "ocpp1.6"u8, default, default));
            _bench.Clock.AdvanceMilliseconds(10000);
            Assert.Equal(WebSocketEvents.Closed | WebSocketEvents.Failed, _bench.Poll());
            Assert.Equal(WebSocketFailure.HandshakeTimeout, _bench.Client.Failure);
        }

        [Fact]
        public void A_refused_connection_is_a_connect_failure_with_the_tcp_error()
        {
            Assert.True(_bench.Client.Open("10.0.2.2"u8, 8180, "/"u8, "ocpp1.6"u8, default, default));
            _bench.Tcp.Fail(TcpError.Refused);
            Assert.Equal(WebSocketEvents.Closed | WebSocketEvents.Failed, _bench.Poll());
            Assert.Equal(WebSocketFailure.ConnectFailed, _bench.Client.Failure);
            Assert.Equal(TcpError.Refused, _bench.Client.TcpError);
            Assert.Contains("<err> websocket: connect failed: connection refused\r\n", _bench.Text);
        }

        [Fact]
        public void A_server_that_closes_before_answering_fails_the_handshake()
        {
            _bench.Connect();
            _bench.Tcp.PeerClose();
            ExpectHandshakeFailure(WebSocketFailure.ConnectionLost, "<err> websocket: server closed the connection during the handshake");
        }

        [Fact]
        public void Open_refuses_while_a_connection_is_in_progress_and_a_request_that_does_not_fit()
        {
            _bench.Connect();
            Assert.False(_bench.Client.Open("10.0.2.2"u8, 8180, "/"u8, "ocpp1.6"u8, default, default));
            Assert.Equal(1, _bench.Tcp.Connects);

            var output = new CapturingSerial();
            var log = new Logger(new FakeClock(), output, 200);
            var small = new WebSocketClient(new FakeTcpConnection(), new FakeClock(), new XorShiftRandom(1), log, 100, 300, 300);
            Assert.False(small.Open("10.0.2.2"u8, 8180, Encoding.ASCII.GetBytes("/" + new string('p', 400)), "ocpp1.6"u8, default, default));
            Assert.Equal(WebSocketFailure.RequestTooLong, small.Failure);
            Assert.Equal(WebSocketState.Closed, small.State);
            Assert.Contains("<err> websocket: handshake request longer than the send buffer of 300 bytes\r\n", output.Text);
        }

        [Fact]
        public void Close_while_handshaking_drops_the_connection()
        {
            _bench.Connect();
            Assert.True(_bench.Client.Close(1000, default));
            Assert.Equal(WebSocketState.Closed, _bench.Client.State);
            Assert.Equal(TcpState.Closed, _bench.Tcp.State);
            Assert.Equal(WebSocketEvents.Closed, _bench.Poll());
            Assert.Equal(WebSocketFailure.None, _bench.Client.Failure);
        }
    }
}
