using System;
using System.Linq;
using System.Text;
using ChargePoint.Core.WebSocket;
using Xunit;

namespace ChargePoint.Tests.Core.WebSocket
{
    public class BackPressureTests
    {
        [Fact]
        public void A_message_larger_than_the_tcp_send_window_arrives_whole_and_in_order_after_writable_events()
        {
            var bench = new ClientBench(maxMessage: 8192, sendBuffer: 16384, sendWindow: 100);
            bench.Open();
            byte[] first = Enumerable.Range(0, 3000).Select(i => (byte)('a' + i % 26)).ToArray();
            byte[] second = Enumerable.Range(0, 2000).Select(i => (byte)('0' + i % 10)).ToArray();
            Assert.True(bench.Client.SendText(first));
            Assert.True(bench.Client.SendText(second));
            Assert.Equal(100, bench.Tcp.Unacknowledged);
            var frames = new System.Collections.Generic.List<ClientFrame>();
            int writables = 0;
            for (int round = 0; round < 200 && frames.Count < 2; round++)
            {
                ClientFrame frame = bench.Server.ReadFrame(); // takes the window's bytes: the fake raises Writable
                if (frame != null) frames.Add(frame);
                if ((bench.Poll() & WebSocketEvents.Writable) != 0) writables++;
                Assert.True(bench.Tcp.Unacknowledged <= 100);
            }
            Assert.Equal(2, frames.Count);
            Assert.Equal(first, frames[0].Payload);
            Assert.Equal(second, frames[1].Payload);
            Assert.True(writables > 0);
        }

        [Fact]
        public void SendText_queues_nothing_when_the_message_does_not_fit_now_and_CanSend_says_so()
        {
            var bench = new ClientBench(maxMessage: 4096, sendBuffer: 2000, sendWindow: 10);
            bench.Open();
            bench.Server.Pump();
            int fits = 2000 - WebSocketClient.ControlReserve - 8; // a 16-bit-length header with the mask key
            Assert.True(bench.Client.CanSend(fits));
            Assert.False(bench.Client.CanSend(fits + 1));
            Assert.False(bench.Client.SendText(new byte[fits + 1]));
            Assert.Equal(0, bench.Tcp.Unacknowledged);
            Assert.True(bench.Client.SendText(Enumerable.Repeat((byte)'x', fits).ToArray()));
            Assert.False(bench.Client.CanSend(20)); // the window took 10 bytes: 10 free for data
            Assert.False(bench.Client.SendText(new byte[20]));

            // The rest of the protocol still works: a ping is answered from the room kept for control frames.
            bench.Server.SendFrame(0x9, Encoding.ASCII.GetBytes("p"));
            bench.Poll();
            int rounds = 0;
            ClientFrame data = null, pong = null;
            while ((data == null || pong == null) && rounds++ < 1000)
            {
                ClientFrame frame = bench.Server.ReadFrame();
                if (frame?.Opcode == 0x1) data = frame;
                if (frame?.Opcode == 0xA) pong = frame;
                bench.Poll();
            }
            Assert.Equal(fits, data.Payload.Length);
            Assert.Equal("p", pong.Text);
            Assert.True(bench.Client.CanSend(fits));
            Assert.True(bench.Client.SendText("y"u8));
        }

        [Fact]
        public void When_pongs_cannot_all_wait_only_the_latest_ping_is_answered_once_there_is_room()
        {
            var bench = new ClientBench(maxMessage: 4096, sendBuffer: 2000, sendWindow: 10);
            bench.Open();
            bench.Server.Pump();
            int fits = 2000 - WebSocketClient.ControlReserve - 8;
            Assert.True(bench.Client.SendText(new byte[fits]));
            byte[] Payload(byte fill) => Enumerable.Repeat(fill, 125).ToArray();
            bench.Server.SendFrame(0x9, Payload(1)); // fits in the control room
            bench.Server.SendFrame(0x9, Payload(2)); // would eat the close frame's room: waits
            bench.Server.SendFrame(0x9, Payload(3)); // replaces it
            bench.Poll();
            var pongs = new System.Collections.Generic.List<byte>();
            for (int rounds = 0; rounds < 1000 && pongs.Count < 2; rounds++)
            {
                ClientFrame frame = bench.Server.ReadFrame();
                if (frame?.Opcode == 0xA) pongs.Add(frame.Payload[0]);
                bench.Poll();
            }
            Assert.Equal(new byte[] { 1, 3 }, pongs.ToArray());

            // And a close still fits behind all that.
            Assert.True(bench.Client.SendText(new byte[fits]));
            bench.Server.SendFrame(0x9, Payload(4));
            bench.Poll();
            Assert.True(bench.Client.Close(1000, Encoding.ASCII.GetBytes(new string('r', 123))));
            ClientFrame close = null;
            for (int rounds = 0; rounds < 1000 && close == null; rounds++)
            {
                ClientFrame frame = bench.Server.ReadFrame();
                if (frame?.Opcode == 0x8) close = frame;
                bench.Poll();
            }
            Assert.Equal(1000, close.CloseCode);
            Assert.Equal(123, close.CloseReason.Length);
        }
    }
}
