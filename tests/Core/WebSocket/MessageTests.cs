using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ChargePoint.Core.Net;
using ChargePoint.Core.WebSocket;
using Xunit;

namespace ChargePoint.Tests.Core.WebSocket
{
    public class MessageTests
    {
        private readonly ClientBench _bench = new ClientBench();

        public MessageTests() { _bench.Open(); }

        private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

        [Fact]
        public void A_text_message_from_the_server_is_taken_once_and_is_gone_at_the_next_poll()
        {
            _bench.Server.SendText("[2,\"19223201\",\"BootNotification\",{}]");
            Assert.Equal("[2,\"19223201\",\"BootNotification\",{}]", _bench.Receive());
            Assert.False(_bench.Client.TryTakeMessage(out _));
            Assert.Equal(WebSocketEvents.None, _bench.Poll());
            Assert.False(_bench.Client.TryTakeMessage(out _));
        }

        [Fact]
        public void An_empty_and_a_multibyte_message_arrive_as_sent()
        {
            _bench.Server.SendText("");
            Assert.Equal("", _bench.Receive());
            _bench.Server.SendText("Zähler € 𝄞");
            Assert.Equal("Zähler € 𝄞", _bench.Receive());
        }

        [Fact]
        public void A_text_message_to_the_server_is_one_masked_frame_with_a_fresh_key_each_time()
        {
            for (int i = 0; i < 5; i++)
            {
                string message = "[2,\"" + i + "\",\"Heartbeat\",{}]";
                Assert.True(_bench.Client.SendText(Utf8(message)));
                ClientFrame frame = _bench.Server.ExpectFrame();
                Assert.True(frame.Fin);
                Assert.Equal(0, frame.Rsv);
                Assert.Equal(0x1, frame.Opcode);
                Assert.Equal(message, frame.Text);
            }
            Assert.Equal(5, _bench.Server.MaskKeys.Distinct().Count());
        }

        [Theory]
        [InlineData(125)]
        [InlineData(126)]
        [InlineData(4000)]
        public void Messages_both_ways_keep_every_byte_at_each_length_form(int length)
        {
            string message = new string(Enumerable.Range(0, length).Select(i => (char)('a' + i % 26)).ToArray());
            _bench.Server.SendText(message);
            Assert.Equal(message, _bench.Receive());
            Assert.True(_bench.Client.SendText(Utf8(message)));
            Assert.Equal(message, _bench.Server.ExpectFrame().Text);
        }

        [Fact]
        public void A_message_delivered_a_byte_at_a_time_arrives_once_whole()
        {
            byte[] frame = ScriptedServer.TextFrame(new string('x', 300));
            for (int i = 0; i < frame.Length - 1; i++)
            {
                _bench.Tcp.Deliver(frame.AsSpan(i, 1));
                Assert.Equal(WebSocketEvents.None, _bench.Poll());
            }
            _bench.Tcp.Deliver(frame.AsSpan(frame.Length - 1, 1));
            Assert.Equal(new string('x', 300), _bench.Receive());
        }

        [Fact]
        public void Several_messages_in_one_segment_come_one_per_poll_and_the_deadline_asks_for_the_next_poll_now()
        {
            _bench.Clock.AdvanceMilliseconds(500);
            _bench.Server.Deliver(ScriptedServer.TextFrame("one").Concat(ScriptedServer.TextFrame("two")).Concat(ScriptedServer.TextFrame("three")).ToArray());
            Assert.Equal("one", _bench.Receive());
            Assert.Equal(_bench.Now, _bench.Client.NextDeadline);
            Assert.Equal("two", _bench.Receive());
            Assert.Equal("three", _bench.Receive());
            Assert.Equal(long.MaxValue, _bench.Client.NextDeadline);
        }

        [Fact]
        public void A_fragmented_message_is_reassembled_with_a_ping_in_the_middle_answered()
        {
            _bench.Server.SendText("[2,\"1\",", fin: false);
            Assert.Equal(WebSocketEvents.None, _bench.Poll());
            _bench.Server.SendFrame(0x9, Utf8("are you there"));
            Assert.Equal(WebSocketEvents.None, _bench.Poll());
            ClientFrame pong = _bench.Server.ExpectFrame();
            Assert.Equal(0xA, pong.Opcode);
            Assert.Equal("are you there", pong.Text);
            _bench.Server.SendFrame(0x0, Utf8("\"Heartbeat\""), fin: false);
            _bench.Server.SendFrame(0xA, Utf8("unsolicited"));
            _bench.Server.SendFrame(0x0, Utf8(",{}]"));
            Assert.Equal("[2,\"1\",\"Heartbeat\",{}]", _bench.Receive());
            Assert.Null(_bench.Server.ReadFrame()); // the unsolicited pong is not answered
        }

        [Fact]
        public void A_character_split_between_fragments_is_valid_utf8()
        {
            byte[] euro = Utf8("€");
            _bench.Server.SendFrame(0x1, euro.Take(1).ToArray(), fin: false);
            _bench.Server.SendFrame(0x0, euro.Skip(1).Take(1).ToArray(), fin: false);
            _bench.Server.SendFrame(0x0, euro.Skip(2).ToArray());
            Assert.Equal("€", _bench.Receive());
        }

        [Fact]
        public void A_fragmented_message_followed_by_a_whole_one_in_the_same_segment_gives_both()
        {
            _bench.Server.Deliver(ScriptedServer.TextFrame("ab", fin: false).Concat(ScriptedServer.Frame(0, Utf8("cd")))
                .Concat(ScriptedServer.TextFrame("ef")).ToArray());
            Assert.Equal("abcd", _bench.Receive());
            Assert.Equal("ef", _bench.Receive());
        }

        [Fact]
        public void A_message_of_exactly_the_maximum_size_is_taken_in_one_frame_or_many()
        {
            var bench = new ClientBench(maxMessage: 1000);
            bench.Open();
            Assert.Equal(1000, bench.Client.MaxMessageLength);
            bench.Server.SendText(new string('a', 1000));
            Assert.Equal(1000, bench.Receive().Length);
            for (int i = 0; i < 10; i++) bench.Server.SendFrame(i == 0 ? 1 : 0, Utf8(new string('b', 100)), fin: i == 9);
            bench.Server.SendFrame(0x9, new byte[125]); // a control frame right behind a full message
            Assert.Equal(new string('b', 1000), bench.Receive());
            Assert.Equal(WebSocketEvents.None, bench.Poll() & ~WebSocketEvents.Writable);
            Assert.Equal(0xA, bench.Server.ExpectFrame().Opcode);
        }

        [Fact]
        public void A_ping_between_fragments_of_a_full_size_message_still_fits_the_receive_buffer()
        {
            var bench = new ClientBench(maxMessage: 1000);
            bench.Open();
            bench.Server.SendFrame(0x1, Utf8(new string('c', 999)), fin: false);
            Assert.Equal(WebSocketEvents.None, bench.Poll());
            bench.Server.SendFrame(0x9, new byte[125]);
            bench.Server.SendFrame(0x0, Utf8("d"));
            Assert.Equal(new string('c', 999) + "d", bench.Receive());
            Assert.Equal(0xA, bench.Server.ExpectFrame().Opcode);
        }

        [Fact]
        public void A_message_over_the_maximum_closes_with_1009_as_soon_as_its_header_says_so()
        {
            var bench = new ClientBench(maxMessage: 1000);
            bench.Open();
            bench.Tcp.Deliver(ScriptedServer.TextFrame(new string('a', 1001)).AsSpan(0, 10)); // the header and a few bytes
            bench.Poll();
            Assert.Contains("<err> websocket: message of 1001 bytes is over the maximum of 1000, closing with 1009\r\n", bench.Text);
            bench.ExpectFailedWith(1009, WebSocketFailure.MessageTooBig);
        }

        [Fact]
        public void A_fragmented_message_that_grows_over_the_maximum_closes_with_1009()
        {
            var bench = new ClientBench(maxMessage: 1000);
            bench.Open();
            bench.Server.SendFrame(0x1, new byte[600], fin: false);
            bench.Server.SendFrame(0x0, new byte[401], fin: true);
            bench.Poll();
            Assert.Contains("<err> websocket: message of at least 1001 bytes is over the maximum of 1000, closing with 1009\r\n", bench.Text);
            bench.ExpectFailedWith(1009, WebSocketFailure.MessageTooBig);
        }

        [Fact]
        public void A_receive_buffer_smaller_than_the_maximum_plus_overhead_lowers_the_maximum()
        {
            var bench = new ClientBench(maxMessage: 4096, receiveBuffer: 2048);
            Assert.Equal(2048 - WebSocketClient.ReceiveOverhead, bench.Client.MaxMessageLength);
        }

        public static TheoryData<string, byte[], string> BrokenFrames => new TheoryData<string, byte[], string>
        {
            { "RSV1 without an extension", ScriptedServer.Frame(0x1, Utf8("x"), rsv: 4), "reserved bits set without an extension" },
            { "reserved data opcode", ScriptedServer.Frame(0x3, Utf8("x")), "reserved opcode 3" },
            { "reserved control opcode", ScriptedServer.Frame(0xB, Utf8("x")), "reserved opcode 11" },
            { "masked server frame", ScriptedServer.Frame(0x1, Utf8("x"), masked: true), "masked frame from the server" },
            { "ping over 125 bytes", ScriptedServer.Frame(0x9, new byte[126]), "control frame longer than 125 bytes" },
            { "fragmented ping", ScriptedServer.Frame(0x9, Utf8("x"), fin: false), "fragmented control frame" },
            { "fragmented close", ScriptedServer.Frame(0x8, new byte[] { 3, 232 }, fin: false), "fragmented control frame" },
            { "64-bit length with the top bit", new byte[] { 0x81, 127, 0x80, 0, 0, 0, 0, 0, 0, 1, 0 }, "64-bit length with the high bit set" },
            { "continuation without a message", ScriptedServer.Frame(0x0, Utf8("x")), "continuation frame without a message" },
            { "text inside a fragmented message", ScriptedServer.TextFrame("a", fin: false).Concat(ScriptedServer.TextFrame("b")).ToArray(),
                "new data frame inside a fragmented message" },
            { "binary inside a fragmented message", ScriptedServer.TextFrame("a", fin: false).Concat(ScriptedServer.Frame(0x2, Utf8("b"))).ToArray(),
                "new data frame inside a fragmented message" },
            { "close with one byte", ScriptedServer.Frame(0x8, new byte[] { 3 }), "close frame with a 1-byte payload" },
            { "close with code 1005", ScriptedServer.CloseFrame(1005), "invalid close code 1005" },
            { "close with code 999", ScriptedServer.CloseFrame(999), "invalid close code 999" },
            { "close with code 2000", ScriptedServer.CloseFrame(2000), "invalid close code 2000" },
        };

        [Theory]
        [MemberData(nameof(BrokenFrames))]
        public void Every_broken_frame_closes_with_1002_and_a_line_naming_what_was_wrong(string what, byte[] frames, string logged)
        {
            _bench.Server.Deliver(frames);
            _bench.Poll();
            Assert.True(_bench.Text.Contains("<err> websocket: protocol error: " + logged + ", closing with 1002\r\n"), what + ":\n" + _bench.Text);
            _bench.ExpectFailedWith(1002, WebSocketFailure.ProtocolError);
            Assert.Null(_bench.Server.ReadFrame()); // nothing after the close frame
        }

        [Fact]
        public void Bytes_after_a_broken_frame_are_not_read()
        {
            _bench.Server.Deliver(ScriptedServer.Frame(0x1, Utf8("x"), rsv: 2).Concat(ScriptedServer.TextFrame("never")).ToArray());
            Assert.Equal(0, (int)(_bench.Poll() & WebSocketEvents.MessageReceived));
            _bench.ExpectFailedWith(1002, WebSocketFailure.ProtocolError);
        }

        [Fact]
        public void Invalid_utf8_in_a_text_message_closes_with_1007()
        {
            _bench.Server.SendFrame(0x1, new byte[] { (byte)'o', (byte)'k', 0xC0, 0xAF });
            Assert.Equal(0, (int)(_bench.Poll() & WebSocketEvents.MessageReceived));
            Assert.Contains("<err> websocket: invalid UTF-8 in a text message, closing with 1007\r\n", _bench.Text);
            _bench.ExpectFailedWith(1007, WebSocketFailure.InvalidUtf8);
        }

        [Fact]
        public void A_character_cut_at_the_end_of_a_fragmented_message_closes_with_1007()
        {
            _bench.Server.SendFrame(0x1, Utf8("ok"), fin: false);
            _bench.Server.SendFrame(0x0, new byte[] { 0xE2, 0x82 });
            _bench.Poll();
            _bench.ExpectFailedWith(1007, WebSocketFailure.InvalidUtf8);
        }

        [Fact]
        public void Invalid_utf8_in_a_close_reason_closes_with_1007()
        {
            _bench.Server.SendFrame(0x8, new byte[] { 3, 232, 0xFF });
            _bench.Poll();
            Assert.Contains("<err> websocket: invalid UTF-8 in the close reason, closing with 1007\r\n", _bench.Text);
            _bench.ExpectFailedWith(1007, WebSocketFailure.InvalidUtf8);
        }

        [Fact]
        public void A_binary_message_closes_with_1003()
        {
            _bench.Server.SendFrame(0x2, new byte[] { 1, 2, 3 });
            _bench.Poll();
            Assert.Contains("<err> websocket: binary message received, only text is accepted, closing with 1003\r\n", _bench.Text);
            _bench.ExpectFailedWith(1003, WebSocketFailure.UnsupportedData);
        }

        [Fact]
        public void A_failing_client_closes_tcp_after_the_close_timeout_even_if_the_server_never_takes_the_close_frame()
        {
            _bench.Server.Deliver(ScriptedServer.Frame(0x3, new byte[0]));
            _bench.Poll();
            Assert.Equal(WebSocketState.Closing, _bench.Client.State);
            Assert.Equal(_bench.Now + 5000, _bench.Client.NextDeadline);
            _bench.Clock.AdvanceMilliseconds(5000);
            Assert.Equal(WebSocketEvents.Closed | WebSocketEvents.Failed, _bench.Poll());
            Assert.Equal(WebSocketFailure.ProtocolError, _bench.Client.Failure);
        }

        [Fact]
        public void A_ping_is_answered_with_a_pong_carrying_the_same_payload()
        {
            byte[] payload = Enumerable.Range(0, 125).Select(i => (byte)i).ToArray();
            _bench.Server.SendFrame(0x9, payload);
            _bench.Server.SendFrame(0x9, new byte[0]);
            Assert.Equal(WebSocketEvents.None, _bench.Poll());
            ClientFrame pong = _bench.Server.ExpectFrame();
            Assert.Equal(0xA, pong.Opcode);
            Assert.Equal(payload, pong.Payload);
            ClientFrame empty = _bench.Server.ExpectFrame();
            Assert.Equal(0xA, empty.Opcode);
            Assert.Empty(empty.Payload);
        }

        [Fact]
        public void SendPing_sends_a_ping_and_its_pong_records_the_time_while_other_pongs_do_not()
        {
            _bench.Clock.AdvanceMilliseconds(1000);
            Assert.Equal(-1, _bench.Client.LastPongMilliseconds);
            Assert.True(_bench.Client.SendPing());
            Assert.True(_bench.Client.PingOutstanding);
            Assert.Equal(1000, _bench.Client.LastPingMilliseconds);
            ClientFrame ping = _bench.Server.ExpectFrame();
            Assert.Equal(0x9, ping.Opcode);
            _bench.Clock.AdvanceMilliseconds(40);
            _bench.Server.SendFrame(0xA, Utf8("heartbeat")); // unsolicited: ignored
            Assert.Equal(WebSocketEvents.None, _bench.Poll());
            Assert.Equal(-1, _bench.Client.LastPongMilliseconds);
            _bench.Clock.AdvanceMilliseconds(10);
            _bench.Server.SendFrame(0xA, ping.Payload);
            Assert.Equal(WebSocketEvents.PongReceived, _bench.Poll());
            Assert.Equal(1050, _bench.Client.LastPongMilliseconds);
            Assert.False(_bench.Client.PingOutstanding);
            Assert.Null(_bench.Server.ReadFrame());

            Assert.True(_bench.Client.SendPing());
            Assert.NotEqual(ping.Payload, _bench.Server.ExpectFrame().Payload);
            _bench.Server.SendFrame(0xA, ping.Payload); // the old ping's pong does not answer the new one
            Assert.Equal(WebSocketEvents.None, _bench.Poll());
            Assert.True(_bench.Client.PingOutstanding);
        }

        [Fact]
        public void The_server_closing_is_answered_with_the_same_code_and_tcp_closes_when_the_server_closes_its_side()
        {
            _bench.Server.SendClose(1001, "going down");
            Assert.Equal(WebSocketEvents.None, _bench.Poll());
            Assert.Equal(WebSocketState.Closing, _bench.Client.State);
            Assert.Contains("<inf> websocket: server closed with 1001 going down\r\n", _bench.Text);
            ClientFrame close = _bench.Server.ExpectFrame();
            Assert.Equal(0x8, close.Opcode);
            Assert.Equal(1001, close.CloseCode);
            Assert.Equal("going down", close.CloseReason);
            Assert.False(_bench.Client.SendText(Utf8("too late")));
            _bench.Tcp.PeerClose();
            Assert.Equal(WebSocketEvents.Closed, _bench.Poll());
            Assert.Equal(WebSocketState.Closed, _bench.Client.State);
            Assert.Equal(WebSocketFailure.None, _bench.Client.Failure);
            Assert.Equal(1001, _bench.Client.CloseCode);
            Assert.Equal("going down", Encoding.UTF8.GetString(_bench.Client.CloseReason));
            Assert.Equal(TcpState.Closed, _bench.Tcp.State);
        }

        [Fact]
        public void A_server_close_without_a_code_is_answered_without_one_and_reads_as_1005()
        {
            _bench.Server.SendFrame(0x8, new byte[0]);
            _bench.Poll();
            ClientFrame close = _bench.Server.ExpectFrame();
            Assert.Empty(close.Payload);
            Assert.Equal(1005, _bench.Client.CloseCode);
        }

        [Fact]
        public void A_server_that_closes_and_never_drops_tcp_is_dropped_after_the_close_timeout()
        {
            _bench.Server.SendClose(1000);
            _bench.Poll();
            _bench.Clock.AdvanceMilliseconds(4999);
            Assert.Equal(WebSocketEvents.None, _bench.Poll());
            _bench.Clock.AdvanceMilliseconds(1);
            Assert.Equal(WebSocketEvents.Closed, _bench.Poll());
            Assert.Equal(WebSocketFailure.None, _bench.Client.Failure);
        }

        [Fact]
        public void Close_sends_a_close_frame_waits_for_the_servers_and_then_for_tcp()
        {
            Assert.True(_bench.Client.Close(1000, Utf8("bye")));
            Assert.False(_bench.Client.Close(1000, default));
            Assert.Equal(WebSocketState.Closing, _bench.Client.State);
            Assert.Contains("<inf> websocket: closing with 1000 bye\r\n", _bench.Text);
            ClientFrame close = _bench.Server.ExpectFrame();
            Assert.Equal(0x8, close.Opcode);
            Assert.Equal(1000, close.CloseCode);
            Assert.Equal("bye", close.CloseReason);
            Assert.False(_bench.Client.SendText(Utf8("x")));
            Assert.False(_bench.Client.SendPing());

            _bench.Server.SendText("a message still in flight");   // read and dropped
            _bench.Server.SendFrame(0x9, Utf8("p"));                 // not answered after our close
            Assert.Equal(WebSocketEvents.None, _bench.Poll());
            Assert.Null(_bench.Server.ReadFrame());
            _bench.Server.SendClose(1000);
            Assert.Equal(WebSocketEvents.None, _bench.Poll());
            _bench.Tcp.PeerClose();
            Assert.Equal(WebSocketEvents.Closed, _bench.Poll());
            Assert.Equal(WebSocketFailure.None, _bench.Client.Failure);
            Assert.Equal(1000, _bench.Client.CloseCode);
            Assert.Null(_bench.Server.ReadFrame());
        }

        [Fact]
        public void A_server_that_does_not_answer_our_close_is_dropped_after_the_close_timeout()
        {
            _bench.Clock.AdvanceMilliseconds(100);
            _bench.Client.Close(1001, default);
            Assert.Equal(5100, _bench.Client.NextDeadline);
            _bench.Clock.AdvanceMilliseconds(5000);
            Assert.Equal(WebSocketEvents.Closed | WebSocketEvents.Failed, _bench.Poll());
            Assert.Equal(WebSocketFailure.CloseTimeout, _bench.Client.Failure);
            Assert.Contains("<wrn> websocket: server did not answer the close within 5000 ms\r\n", _bench.Text);
            Assert.Equal(TcpState.Closed, _bench.Tcp.State);
        }

        [Fact]
        public void Close_refuses_codes_that_must_not_be_sent_and_cuts_a_long_reason_at_a_character()
        {
            Assert.False(_bench.Client.Close(1005, default));
            Assert.False(_bench.Client.Close(1006, default));
            Assert.Equal(WebSocketState.Open, _bench.Client.State);
            Assert.True(_bench.Client.Close(4000, Utf8(new string('a', 122) + "€")));
            ClientFrame close = _bench.Server.ExpectFrame();
            Assert.Equal(4000, close.CloseCode);
            Assert.Equal(new string('a', 122), close.CloseReason);
        }

        [Fact]
        public void Tcp_closed_by_the_server_without_a_close_frame_is_closed_1006_with_a_reason()
        {
            _bench.Server.SendText("last words");
            _bench.Tcp.PeerClose();
            Assert.Equal("last words", _bench.Receive());
            Assert.Equal(_bench.Now, _bench.Client.NextDeadline);
            Assert.Equal(WebSocketEvents.Closed | WebSocketEvents.Failed, _bench.Poll());
            Assert.Equal(WebSocketFailure.ConnectionLost, _bench.Client.Failure);
            Assert.Equal(1006, _bench.Client.CloseCode);
            Assert.Equal("connection closed without a close frame", Encoding.UTF8.GetString(_bench.Client.CloseReason));
            Assert.Contains("<err> websocket: server closed TCP without a close frame\r\n", _bench.Text);
        }

        [Fact]
        public void A_tcp_reset_is_closed_1006_with_the_tcp_error()
        {
            _bench.Tcp.Fail(TcpError.Reset);
            Assert.Equal(WebSocketEvents.Closed | WebSocketEvents.Failed, _bench.Poll());
            Assert.Equal(WebSocketFailure.ConnectionError, _bench.Client.Failure);
            Assert.Equal(TcpError.Reset, _bench.Client.TcpError);
            Assert.Equal(1006, _bench.Client.CloseCode);
            Assert.Contains("<err> websocket: connection failed: connection reset by peer\r\n", _bench.Text);
            Assert.Equal(TcpState.Closed, _bench.Tcp.State);
        }

        [Fact]
        public void A_closed_client_opens_again_for_a_reconnect()
        {
            _bench.Tcp.Fail(TcpError.Reset);
            _bench.Poll();
            _bench.Connect();
            _bench.Server.Accept();
            Assert.Equal(WebSocketEvents.Opened, _bench.Poll());
            Assert.Equal(WebSocketFailure.None, _bench.Client.Failure);
            Assert.Equal(0, _bench.Client.CloseCode);
            _bench.Server.SendText("again");
            Assert.Equal("again", _bench.Receive());
        }

        [Fact]
        public void Nothing_is_sent_or_polled_out_of_a_closed_client()
        {
            var bench = new ClientBench();
            Assert.False(bench.Client.SendText(Utf8("x")));
            Assert.False(bench.Client.CanSend(1));
            Assert.False(bench.Client.SendPing());
            Assert.False(bench.Client.Close(1000, default));
            Assert.Equal(WebSocketEvents.None, bench.Poll());
            Assert.Equal(long.MaxValue, bench.Client.NextDeadline);
        }
    }
}
