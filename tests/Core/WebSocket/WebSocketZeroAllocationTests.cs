using System;
using System.Linq;
using System.Text;
using ChargePoint.Core.WebSocket;
using Xunit;

namespace ChargePoint.Tests.Core.WebSocket
{
    // The firmware's heap is sealed after boot: an open connection must run without allocating.
    public class WebSocketZeroAllocationTests
    {
        private static long AllocatedBy(Action action) => Allocations.By(action);

        [Fact]
        public void Messages_fragments_pings_and_pongs_both_ways_allocate_nothing()
        {
            var bench = new ClientBench(maxMessage: 8192, sendBuffer: 16384, sendWindow: 512);
            bench.Open();
            byte[] whole = ScriptedServer.TextFrame("[2,\"42\",\"GetConfiguration\",{\"key\":[]}]");
            byte[] fragmented = ScriptedServer.TextFrame(new string('f', 3000), fin: false)
                .Concat(ScriptedServer.Frame(0x9, Encoding.ASCII.GetBytes("ping")))
                .Concat(ScriptedServer.Frame(0x0, Encoding.ASCII.GetBytes(new string('g', 2000)))).ToArray();
            byte[] pongFor = new byte[64];
            byte[] reply = Encoding.ASCII.GetBytes("[3,\"42\",{\"configurationKey\":[],\"unknownKey\":[]}]");
            byte[] big = Enumerable.Repeat((byte)'b', 5000).ToArray();
            var taken = new byte[1 << 16];
            long received = 0;
            long allocated = AllocatedBy(() =>
            {
                for (int i = 0; i < 200; i++)
                {
                    bench.Clock.AdvanceMilliseconds(10);
                    bench.Tcp.Deliver(i % 3 == 0 ? fragmented : whole);
                    for (int polls = 0; polls < 3; polls++)
                    {
                        bench.Client.Poll(bench.Now);
                        if (bench.Client.TryTakeMessage(out ReadOnlySpan<byte> text)) received += text.Length;
                    }
                    bench.Client.SendText(i % 5 == 0 ? big : reply);
                    if (i % 10 == 0 && bench.Client.SendPing()) { }
                    while (bench.Tcp.Acknowledge(taken) > 0) bench.Client.Poll(bench.Now);
                }
            });
            Assert.Equal(0, allocated);
            Assert.True(received > 2 * 200 * 30, "received " + received);
            Assert.DoesNotContain("<err>", bench.Text);
            Assert.Equal(WebSocketState.Open, bench.Client.State);
        }
    }
}
