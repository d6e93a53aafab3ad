using System;
using System.Collections.Generic;
using ChargePoint.Core.Usb;
using Xunit;

namespace ChargePoint.Tests.Core.Usb
{
    // The CDC-ACM stream: open with DTR, bulk IN transfers and their zero-length packets, a full
    // buffer, bulk OUT drained, and no allocation once running.
    public class CdcAcmTests
    {
        private static UsbTestHost Open(UsbSpeed speed = UsbSpeed.High, int transferBytes = CdcAcm.DefaultTransferBytes)
        {
            var host = new UsbTestHost(transferBytes);
            var e = host.Enumerate(speed);
            foreach (var (step, result) in e.All()) Assert.True(result.Ok, $"{step}: {result}");
            Assert.True(host.Cdc.IsOpen);
            return host;
        }

        private static byte[] Pattern(int length, int seed = 0)
        {
            var bytes = new byte[length];
            for (int i = 0; i < length; i++) bytes[i] = (byte)(i * 7 + seed);
            return bytes;
        }

        [Fact]
        public void DTR_opens_and_closes_the_port()
        {
            var host = new UsbTestHost();
            Assert.False(host.Cdc.IsOpen);
            host.Enumerate(UsbSpeed.High, open: false);
            Assert.True(host.Device.IsConfigured);
            Assert.False(host.Cdc.IsOpen, "configured but DTR low");
            Assert.Equal(0, host.Cdc.Write(new byte[] { 1 }));

            Assert.True(host.ControlOut(0x21, 0x22, CdcAcm.DtrBit, 0).Ok);
            Assert.True(host.Cdc.IsOpen);
            Assert.True(host.ControlOut(0x21, 0x22, CdcAcm.RtsBit, 0).Ok);
            Assert.False(host.Cdc.IsOpen, "RTS alone does not open it");
            Assert.True(host.ControlOut(0x21, 0x22, CdcAcm.DtrBit | CdcAcm.RtsBit, 0).Ok);
            Assert.True(host.Cdc.IsOpen);
            Assert.True(host.ControlOut(0x21, 0x22, 0, 0).Ok);
            Assert.False(host.Cdc.IsOpen);

            Assert.True(host.ControlOut(0x21, 0x22, CdcAcm.DtrBit, 0).Ok);
            host.Port.BusReset(UsbSpeed.High);
            host.Run();
            Assert.False(host.Cdc.IsOpen, "a bus reset closes it");
        }

        [Fact]
        public void Written_bytes_reach_the_host_in_order_across_many_transfers()
        {
            var host = Open(UsbSpeed.High, 1024);
            var received = new List<byte>();
            var sent = new List<byte>();
            var rng = new Random(5);
            for (int round = 0; round < 200; round++)
            {
                var chunk = Pattern(rng.Next(1, 700), round);
                int taken = host.Cdc.Write(chunk);
                for (int i = 0; i < taken; i++) sent.Add(chunk[i]);
                host.Run();
                if (rng.Next(3) != 0) host.ReadBulk(received, out _);
            }
            while (host.ReadBulk(received, out _)) { }
            Assert.Equal(sent.Count, received.Count);
            Assert.Equal(sent, received);
            Assert.Equal(sent.Count, host.Cdc.BytesSent);
            Assert.Equal(0, host.Cdc.Pending);
            Assert.Equal(0, host.Port.Misaligned);
            Assert.Empty(host.Port.Violations);
        }

        [Theory]
        [InlineData(UsbSpeed.High, 512, true)]
        [InlineData(UsbSpeed.High, 1024, true)]
        [InlineData(UsbSpeed.High, 511, false)]
        [InlineData(UsbSpeed.High, 513, false)]
        [InlineData(UsbSpeed.High, 64, false)]
        [InlineData(UsbSpeed.Full, 64, true)]
        [InlineData(UsbSpeed.Full, 128, true)]
        [InlineData(UsbSpeed.Full, 65, false)]
        public void A_transfer_of_a_multiple_of_the_packet_size_is_followed_by_a_zero_length_packet(UsbSpeed speed, int length, bool zlp)
        {
            var host = Open(speed, 4096);
            host.Port.LogInTransfersOf(CdcAcm.DataInEndpoint);
            Assert.Equal(length, host.Cdc.Write(Pattern(length)));
            host.Run();
            var received = new List<byte>();
            Assert.True(host.ReadBulk(received, out int first));
            Assert.Equal(length, first);
            bool more = host.ReadBulk(received, out int second);
            Assert.Equal(zlp, more);
            if (more) Assert.Equal(0, second);
            Assert.False(host.ReadBulk(received, out _), "nothing after that");
            Assert.Equal(zlp ? new[] { length, 0 } : new[] { length }, host.Port.InTransferLengths.ToArray());
            Assert.Equal(zlp ? 1u : 0u, host.Cdc.ZeroLengthPackets);

            // The stream goes on after the zero-length packet.
            Assert.Equal(3, host.Cdc.Write(new byte[] { 1, 2, 3 }));
            host.Run();
            Assert.True(host.ReadBulk(received, out int third));
            Assert.Equal(3, third);
        }

        [Fact]
        public void Write_never_blocks_when_the_buffers_are_full_and_takes_what_fits()
        {
            var host = Open(UsbSpeed.High, 512); // two 512-byte transfer buffers
            Assert.Equal(512, host.Cdc.TransferCapacity);
            var data = Pattern(2000);
            Assert.Equal(1024, host.Cdc.Write(data));
            host.Run(); // the first buffer goes to the controller; the host does not read
            Assert.Equal(0, host.Cdc.Write(data));
            Assert.True(host.Port.IsBusy(CdcAcm.DataInEndpoint));

            var received = new List<byte>();
            Assert.True(host.ReadBulk(received, out int n1));
            Assert.Equal(512, n1);
            // The first buffer is free again while the zero-length packet goes out.
            Assert.Equal(512, host.Cdc.Write(data[1024..]));
            Assert.Equal(0, host.Cdc.Write(data));
            Assert.True(host.ReadBulk(received, out int zlp));
            Assert.Equal(0, zlp);
            Assert.True(host.ReadBulk(received, out int n2));
            Assert.Equal(512, n2);
            Assert.True(host.ReadBulk(received, out zlp));
            Assert.Equal(0, zlp);
            Assert.True(host.ReadBulk(received, out int n3));
            Assert.Equal(512, n3);
            Assert.Equal(data[..1536], received.ToArray());
            Assert.Equal(0, host.Cdc.Pending);
        }

        [Fact]
        public void Dropping_DTR_drops_what_is_buffered_but_not_the_transfer_in_flight()
        {
            var host = Open(UsbSpeed.High, 512);
            Assert.Equal(700, host.Cdc.Write(Pattern(700)));
            host.Run(); // 512 in flight, 188 buffered
            Assert.True(host.Port.IsBusy(CdcAcm.DataInEndpoint));
            Assert.True(host.ControlOut(0x21, 0x22, 0, 0).Ok);
            Assert.False(host.Cdc.IsOpen);
            Assert.Equal(188, host.Cdc.DroppedOnClose);
            Assert.Equal(512, host.Cdc.Pending);

            var received = new List<byte>();
            Assert.True(host.ReadBulk(received, out int n));
            Assert.Equal(512, n);
            host.ReadBulk(received, out _); // its zero-length packet
            Assert.False(host.ReadBulk(received, out _));
            Assert.Equal(0, host.Cdc.Pending);

            // Reopened: only new data.
            Assert.True(host.ControlOut(0x21, 0x22, 3, 0).Ok);
            Assert.Equal(5, host.Cdc.Write(new byte[] { 9, 8, 7, 6, 5 }));
            host.Run();
            received.Clear();
            Assert.True(host.ReadBulk(received, out _));
            Assert.Equal(new byte[] { 9, 8, 7, 6, 5 }, received.ToArray());
        }

        [Fact]
        public void Bulk_OUT_data_is_drained_ignored_and_the_endpoint_re_armed()
        {
            var host = Open(UsbSpeed.Full);
            int arms = host.Port.TransfersOn(CdcAcm.DataOutEndpoint);
            for (int i = 0; i < 10; i++)
            {
                Assert.True(host.Port.GiveOut(CdcAcm.DataOutEndpoint, Pattern(i == 3 ? 0 : 40 + i)), $"armed before packet {i}");
                host.Run();
            }
            Assert.True(host.Port.IsBusy(CdcAcm.DataOutEndpoint));
            Assert.Equal(arms + 10, host.Port.TransfersOn(CdcAcm.DataOutEndpoint));
            long expected = 0;
            for (int i = 0; i < 10; i++) expected += i == 3 ? 0 : 40 + i;
            Assert.Equal(expected, host.Cdc.ReceivedBytes);
            Assert.Equal(0, host.Cdc.Pending);
            Assert.Empty(host.Port.Violations);
        }

        [Fact]
        public void Steady_state_writes_and_transfers_allocate_nothing()
        {
            var host = Open(UsbSpeed.High, 2048);
            host.Port.RecordCalls = false;
            var line = UsbTestHost.Ascii("[METER] Conn1: 1234 Wh (reading #42)\r\n");
            var sink = new byte[CdcAcm.MaxTransferBytes];
            long total = 0;

            void Stream()
            {
                for (int i = 0; i < 2000; i++)
                {
                    total += host.Cdc.Write(line);
                    host.Run();
                    if (i % 3 == 0)
                    {
                        while (host.Port.TakeIn(CdcAcm.DataInEndpoint, sink, out _)) host.Run();
                    }
                    if (i % 50 == 0)
                    {
                        host.Port.GiveOut(CdcAcm.DataOutEndpoint, line);
                        host.Run();
                    }
                }
                while (host.Port.TakeIn(CdcAcm.DataInEndpoint, sink, out _)) host.Run();
            }

            Stream(); // warm-up
            long before = GC.GetAllocatedBytesForCurrentThread();
            Stream();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
            Assert.Equal(total, host.Cdc.BytesSent);
            Assert.True(host.Cdc.Transfers > 100, $"{host.Cdc.Transfers} transfers");
            Assert.Empty(host.Port.Violations);
        }
    }
}
