using System.Collections.Generic;
using ChargePoint.Core.Usb;
using Xunit;

namespace ChargePoint.Tests.Core.Usb
{
    // The configuration descriptors against USB 2.0 ch. 9 and CDC 1.2, and how the control pipe
    // cuts and packs them.
    public class UsbDescriptorTests
    {
        private static byte[] Configuration(UsbSpeed speed, int type = UsbDescriptorType.Configuration)
        {
            var host = new UsbTestHost();
            host.Port.BusReset(speed);
            host.Run();
            var result = host.GetDescriptor(type, 0, 255);
            Assert.True(result.Ok, result.ToString());
            return result.Data;
        }

        // Splits a descriptor set into its descriptors.
        private static List<byte[]> Split(byte[] d)
        {
            var list = new List<byte[]>();
            for (int at = 0; at < d.Length && d[at] >= 2; at += d[at]) list.Add(d[at..(at + d[at])]);
            return list;
        }

        [Theory]
        [InlineData(UsbSpeed.High)]
        [InlineData(UsbSpeed.Full)]
        public void The_configuration_follows_the_chapter_9_rules(UsbSpeed speed)
        {
            var problems = DescriptorRules.CheckConfiguration(Configuration(speed), speed);
            Assert.Empty(problems);
        }

        [Fact]
        public void The_rules_catch_a_broken_configuration()
        {
            var d = Configuration(UsbSpeed.High);
            var shortTotal = (byte[])d.Clone();
            shortTotal[2]--;
            Assert.NotEmpty(DescriptorRules.CheckConfiguration(shortTotal, UsbSpeed.High));
            // The full-speed set is wrong at high speed (64-byte bulk endpoints).
            Assert.NotEmpty(DescriptorRules.CheckConfiguration(Configuration(UsbSpeed.Full), UsbSpeed.High));
            var moreInterfaces = (byte[])d.Clone();
            moreInterfaces[4]++;
            Assert.NotEmpty(DescriptorRules.CheckConfiguration(moreInterfaces, UsbSpeed.High));
        }

        [Theory]
        [InlineData(UsbSpeed.High, UsbSpeed.Full)]
        [InlineData(UsbSpeed.Full, UsbSpeed.High)]
        public void The_other_speed_configuration_is_the_other_speeds_one_with_type_7(UsbSpeed running, UsbSpeed other)
        {
            var otherSpeed = Configuration(running, UsbDescriptorType.OtherSpeedConfiguration);
            var expected = (byte[])Configuration(other).Clone();
            expected[1] = UsbDescriptorType.OtherSpeedConfiguration;
            Assert.Equal(expected, otherSpeed);
            Assert.Empty(DescriptorRules.CheckConfiguration(otherSpeed, other, UsbDescriptorType.OtherSpeedConfiguration));
            // ... and asking for it left the real configuration alone.
            Assert.Equal(UsbDescriptorType.Configuration, Configuration(running)[1]);
        }

        [Theory]
        [InlineData(UsbSpeed.High, 512)]
        [InlineData(UsbSpeed.Full, 64)]
        public void The_CDC_ACM_function_is_described_as_CDC_1_2_asks(UsbSpeed speed, int bulk)
        {
            var config = Configuration(speed);
            var list = Split(config);
            byte[] Kind(int i) => list[i];

            Assert.Equal(2, config[4]); // bNumInterfaces
            Assert.Equal(11, list.Count); // configuration, IAD, 2 interfaces, 4 functional, 3 endpoints

            // IAD first, covering interfaces 0 and 1, class 02/02/01.
            Assert.Equal(new byte[] { 8, 0x0B, 0, 2, 0x02, 0x02, 0x01, 0 }, Kind(1));
            // Communication interface: 0, alt 0, one endpoint, 02/02/01.
            Assert.Equal(new byte[] { 9, 4, 0, 0, 1, 0x02, 0x02, 0x01, 0 }, Kind(2));
            // Header (bcdCDC 1.20) first, then call management, ACM (line coding + line state), union.
            Assert.Equal(new byte[] { 5, 0x24, 0x00, 0x20, 0x01 }, Kind(3));
            Assert.Equal(new byte[] { 5, 0x24, 0x01, 0x00, 1 }, Kind(4));
            Assert.Equal(new byte[] { 4, 0x24, 0x02, 0x02 }, Kind(5));
            Assert.Equal(new byte[] { 5, 0x24, 0x06, 0, 1 }, Kind(6));
            // The notification endpoint: interrupt IN.
            var notify = Kind(7);
            Assert.Equal(new byte[] { 7, 5, 0x82, 0x03 }, notify[0..4]);
            // Data interface: 1, two endpoints, 0A/00/00, then bulk OUT and bulk IN at this speed's size.
            Assert.Equal(new byte[] { 9, 4, 1, 0, 2, 0x0A, 0x00, 0x00, 0 }, Kind(8));
            Assert.Equal(new byte[] { 7, 5, 0x01, 0x02, (byte)(bulk & 0xFF), (byte)(bulk >> 8), 0 }, Kind(9));
            Assert.Equal(new byte[] { 7, 5, 0x81, 0x02, (byte)(bulk & 0xFF), (byte)(bulk >> 8), 0 }, Kind(10));
            Assert.Equal(config.Length, list[0][2] | list[0][3] << 8);
        }

        [Fact]
        public void A_wLength_shorter_than_the_descriptor_gets_only_wLength_bytes()
        {
            var host = new UsbTestHost();
            host.Port.BusReset(UsbSpeed.High);
            host.Run();
            var full = host.GetDescriptor(UsbDescriptorType.Configuration, 0, 255);
            Assert.True(full.Ok);
            Assert.Equal(new[] { 64, full.Data.Length - 64 }, full.Packets);

            var cut = host.GetDescriptor(UsbDescriptorType.Configuration, 0, 70);
            Assert.True(cut.Ok, cut.ToString());
            Assert.Equal(full.Data[..70], cut.Data);
            Assert.Equal(new[] { 64, 6 }, cut.Packets);

            var device = host.GetDescriptor(UsbDescriptorType.Device, 0, 8);
            Assert.True(device.Ok);
            Assert.Equal(8, device.Data.Length);
            Assert.Equal(64, device.Data[7]);

            // Exactly one packet's worth asked and sent: no zero-length packet.
            var one = host.GetDescriptor(UsbDescriptorType.Configuration, 0, 64);
            Assert.Equal(new[] { 64 }, one.Packets);
            Assert.Empty(host.Port.Violations);
        }

        [Fact]
        public void Data_ending_on_a_packet_boundary_short_of_wLength_ends_with_a_zero_length_packet()
        {
            // 31 characters: a string descriptor of exactly 2 + 62 = 64 bytes.
            var host = new UsbTestHost(product: "Charge point session log, 31 ch");
            host.Port.BusReset(UsbSpeed.High);
            host.Run();
            var product = host.GetDescriptor(UsbDescriptorType.String, UsbDevice.ProductString, 255, 0x0409);
            Assert.True(product.Ok, product.ToString());
            Assert.Equal(64, product.Data.Length);
            Assert.Equal(new[] { 64, 0 }, product.Packets);

            var exact = host.GetDescriptor(UsbDescriptorType.String, UsbDevice.ProductString, 64, 0x0409);
            Assert.Equal(new[] { 64 }, exact.Packets);
        }

        [Fact]
        public void Unknown_descriptors_stall()
        {
            var host = new UsbTestHost();
            host.Port.BusReset(UsbSpeed.High);
            host.Run();
            Assert.True(host.GetDescriptor(UsbDescriptorType.String, 4, 255, 0x0409).Stalled);
            Assert.True(host.GetDescriptor(UsbDescriptorType.Configuration, 1, 255).Stalled);
            Assert.True(host.GetDescriptor(0x22, 0, 255).Stalled); // HID report
            Assert.True(host.GetDescriptor(0x0F, 0, 5).Stalled);   // BOS: a USB 2.1 descriptor, not here
            Assert.True(host.GetDescriptor(UsbDescriptorType.Device, 0, 18).Ok, "the stall ended with the next SETUP");
        }
    }
}
