using System;
using System.Linq;
using System.Text;
using ChargePoint.Core.WebSocket;
using Xunit;

namespace ChargePoint.Tests.Core.WebSocket
{
    public class FrameCodecTests
    {
        private static FrameParseStatus Parse(byte[] bytes, out FrameHeader header, out FrameError error) =>
            FrameParser.ParseHeader(bytes, out header, out error);

        [Theory]
        [InlineData(0, 7, 2)]
        [InlineData(125, 7, 2)]
        [InlineData(126, 16, 4)]
        [InlineData(65535, 16, 4)]
        [InlineData(65536, 64, 10)]
        [InlineData(3, 16, 4)]   // a longer form than needed is still read
        [InlineData(3, 64, 10)]
        public void A_server_frame_header_gives_its_length_in_every_length_form(int length, int form, int headerLength)
        {
            byte[] frame = ScriptedServer.Frame(0x1, new byte[length], lengthForm: form);
            Assert.Equal(FrameParseStatus.Complete, Parse(frame, out FrameHeader header, out FrameError error));
            Assert.Equal(FrameError.None, error);
            Assert.True(header.Fin);
            Assert.Equal(WebSocketOpcode.Text, header.Opcode);
            Assert.False(header.Masked);
            Assert.Equal(headerLength, header.HeaderLength);
            Assert.Equal(length, header.PayloadLength);
        }

        [Fact]
        public void A_header_cut_anywhere_asks_for_more_bytes()
        {
            foreach (int length in new[] { 5, 300, 70000 })
            {
                byte[] frame = ScriptedServer.Frame(0x2, new byte[length], fin: false);
                FrameParser.ParseHeader(frame, out FrameHeader whole, out _);
                for (int cut = 0; cut < whole.HeaderLength; cut++)
                    Assert.Equal(FrameParseStatus.NeedMore, FrameParser.ParseHeader(frame.AsSpan(0, cut), out _, out _));
                Assert.Equal(FrameParseStatus.Complete, FrameParser.ParseHeader(frame.AsSpan(0, whole.HeaderLength), out FrameHeader header, out _));
                Assert.False(header.Fin);
                Assert.Equal(WebSocketOpcode.Binary, header.Opcode);
            }
        }

        [Fact]
        public void Control_frames_are_recognised_by_their_opcode()
        {
            foreach (int opcode in new[] { 0x8, 0x9, 0xA })
            {
                Assert.Equal(FrameParseStatus.Complete, Parse(ScriptedServer.Frame(opcode, new byte[125]), out FrameHeader header, out _));
                Assert.True(header.IsControl);
                Assert.Equal((WebSocketOpcode)opcode, header.Opcode);
            }
            Parse(ScriptedServer.Frame(0x0, new byte[1], fin: false), out FrameHeader continuation, out _);
            Assert.False(continuation.IsControl);
            Assert.Equal(WebSocketOpcode.Continuation, continuation.Opcode);
        }

        public static TheoryData<string, byte[], FrameError> BrokenFrames => new TheoryData<string, byte[], FrameError>
        {
            { "RSV1", ScriptedServer.Frame(0x1, new byte[2], rsv: 4), FrameError.ReservedBits },
            { "RSV2", ScriptedServer.Frame(0x1, new byte[2], rsv: 2), FrameError.ReservedBits },
            { "RSV3", ScriptedServer.Frame(0x9, new byte[2], rsv: 1), FrameError.ReservedBits },
            { "opcode 3", ScriptedServer.Frame(0x3, new byte[2]), FrameError.ReservedOpcode },
            { "opcode 7", ScriptedServer.Frame(0x7, new byte[2]), FrameError.ReservedOpcode },
            { "opcode B", ScriptedServer.Frame(0xB, new byte[2]), FrameError.ReservedOpcode },
            { "opcode F", ScriptedServer.Frame(0xF, new byte[2]), FrameError.ReservedOpcode },
            { "masked", ScriptedServer.Frame(0x1, new byte[2], masked: true), FrameError.MaskedFrame },
            { "long ping", ScriptedServer.Frame(0x9, new byte[126]), FrameError.ControlFrameTooLong },
            { "long close", ScriptedServer.Frame(0x8, new byte[200]), FrameError.ControlFrameTooLong },
            { "fragmented ping", ScriptedServer.Frame(0x9, new byte[2], fin: false), FrameError.FragmentedControlFrame },
            { "high length bit", new byte[] { 0x81, 127, 0x80, 0, 0, 0, 0, 0, 0, 1 }, FrameError.LengthOutOfRange },
        };

        [Theory]
        [MemberData(nameof(BrokenFrames))]
        public void Each_broken_header_is_malformed_with_its_reason(string what, byte[] frame, FrameError expected)
        {
            Assert.True(FrameParseStatus.Malformed == Parse(frame, out _, out FrameError error), what);
            Assert.Equal(expected, error);
        }

        private static byte[] Unmask(byte[] frame, int headerLength, int payloadLength)
        {
            byte[] key = frame.Skip(headerLength - 4).Take(4).ToArray();
            return frame.Skip(headerLength).Take(payloadLength).Select((b, i) => (byte)(b ^ key[i % 4])).ToArray();
        }

        [Theory]
        [InlineData(0, 6)]
        [InlineData(125, 6)]
        [InlineData(126, 8)]
        [InlineData(65535, 8)]
        [InlineData(65536, 14)]
        public void A_client_frame_is_masked_with_the_shortest_length_form_and_unmasks_to_the_payload(int length, int headerLength)
        {
            byte[] payload = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
            var frame = new byte[FrameWriter.FrameLength(length)];
            Assert.Equal(headerLength + length, frame.Length);
            Assert.Equal(frame.Length, FrameWriter.Write(frame, WebSocketOpcode.Text, true, payload, 0xA1B2C3D4));
            Assert.Equal(0x81, frame[0]);
            Assert.Equal(0x80, frame[1] & 0x80);
            Assert.Equal(new byte[] { 0xA1, 0xB2, 0xC3, 0xD4 }, frame.Skip(headerLength - 4).Take(4).ToArray());
            Assert.Equal(payload, Unmask(frame, headerLength, length));
            int encoded = frame[1] & 0x7F;
            Assert.Equal(length < 126 ? length : length <= 0xFFFF ? 126 : 127, encoded);
        }

        [Fact]
        public void A_frame_that_does_not_fit_is_not_written()
        {
            var frame = new byte[10];
            Assert.Equal(-1, FrameWriter.Write(frame, WebSocketOpcode.Text, true, new byte[5], 1));
            Assert.All(frame, b => Assert.Equal(0, b));
        }

        [Fact]
        public void A_close_frame_carries_the_code_in_network_order_then_the_reason()
        {
            var frame = new byte[64];
            int length = FrameWriter.WriteClose(frame, 1001, "bye"u8, 0x01020304);
            Assert.Equal(6 + 5, length);
            Assert.Equal(0x88, frame[0]);
            Assert.Equal(0x80 | 5, frame[1]);
            byte[] payload = Unmask(frame, 6, 5);
            Assert.Equal(1001, payload[0] << 8 | payload[1]);
            Assert.Equal("bye", Encoding.ASCII.GetString(payload, 2, 3));
            Assert.Equal(6, FrameWriter.WriteClose(frame, 0, default, 5));
            Assert.Equal(0x80, frame[1]);
        }

        [Theory]
        [InlineData(1000, true)]
        [InlineData(1003, true)]
        [InlineData(1004, false)]
        [InlineData(1005, false)]
        [InlineData(1006, false)]
        [InlineData(1007, true)]
        [InlineData(1011, true)]
        [InlineData(1015, false)]
        [InlineData(999, false)]
        [InlineData(2000, false)]
        [InlineData(3000, true)]
        [InlineData(4999, true)]
        [InlineData(5000, false)]
        public void Close_codes_on_the_wire_follow_rfc_6455_7_4(int code, bool allowed)
        {
            Assert.Equal(allowed, WebSocketCloseCode.IsAllowedOnTheWire(code));
        }
    }
}
