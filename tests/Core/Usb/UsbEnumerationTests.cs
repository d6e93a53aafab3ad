using System;
using System.Text;
using ChargePoint.Core.Usb;
using Xunit;

namespace ChargePoint.Tests.Core.Usb
{
    // The whole enumeration as a Linux host performs it, at both speeds, and what the descriptors
    // it reads say (USB 2.0 chapter 9, CDC 1.2).
    public class UsbEnumerationTests
    {
        private static ushort Word(byte[] d, int at) => (ushort)(d[at] | d[at + 1] << 8);

        private static string Utf16(byte[] d) => Encoding.Unicode.GetString(d, 2, d.Length - 2);

        [Theory]
        [InlineData(UsbSpeed.High)]
        [InlineData(UsbSpeed.Full)]
        public void A_Linux_host_enumerates_the_device_and_opens_the_port(UsbSpeed speed)
        {
            var host = new UsbTestHost();
            Assert.True(host.Port.Started);
            Assert.True(host.Port.Connected);

            var e = host.Enumerate(speed);

            foreach (var (step, result) in e.All()) Assert.True(result.Ok, $"{step}: {result}");
            Assert.Empty(host.Port.Violations);

            // The first read at address 0 asks for 64 and gets the 18 bytes, in one short packet.
            Assert.Equal(18, e.First64.Data.Length);
            Assert.Equal(new[] { 18 }, e.First64.Packets);
            Assert.Equal(e.First64.Data, e.Device.Data);

            Assert.Equal(host.AssignedAddress, host.Port.Address);
            Assert.Equal(UsbDeviceState.Configured, host.Device.State);
            Assert.Equal(speed, host.Device.Speed);

            // usb_get_configuration: 9 bytes first, then wTotalLength, split into 64-byte packets.
            Assert.Equal(9, e.ConfigurationHead.Data.Length);
            Assert.Equal(Word(e.ConfigurationHead.Data, 2), e.Configuration.Data.Length);
            Assert.Equal(e.Configuration.Data.Length > 64 ? 64 : e.Configuration.Data.Length, e.Configuration.Packets[0]);

            Assert.Equal(new byte[] { 4, 3, 0x09, 0x04 }, e.Languages.Data);
            Assert.Equal(UsbTestHost.SerialText, Utf16(e.Serial.Data));
            Assert.Equal("SharpCharge Session Log", Utf16(e.Product.Data));
            Assert.Equal("SharpCharge", Utf16(e.Manufacturer.Data));
            if (speed == UsbSpeed.High) Assert.Equal(10, e.Qualifier.Data.Length);

            // SET_CONFIGURATION opened the function's endpoints at this speed's sizes.
            int bulk = speed == UsbSpeed.High ? 512 : 64;
            Assert.True(host.Port.IsOpen(CdcAcm.DataInEndpoint));
            Assert.Equal(UsbEndpointType.Bulk, host.Port.TypeOf(CdcAcm.DataInEndpoint));
            Assert.Equal(bulk, host.Port.MaxPacketOf(CdcAcm.DataInEndpoint));
            Assert.Equal(UsbEndpointType.Bulk, host.Port.TypeOf(CdcAcm.DataOutEndpoint));
            Assert.Equal(bulk, host.Port.MaxPacketOf(CdcAcm.DataOutEndpoint));
            Assert.Equal(UsbEndpointType.Interrupt, host.Port.TypeOf(CdcAcm.NotificationEndpoint));
            Assert.True(host.Port.IsBusy(CdcAcm.DataOutEndpoint), "bulk OUT armed");

            // cdc-acm's open: the line coding is kept, DTR and RTS are up, the port is open.
            Assert.Equal(UsbTestHost.LineCoding115200, host.Cdc.LineCoding.ToArray());
            Assert.Equal(3, host.Cdc.ControlLineState);
            Assert.True(host.Cdc.IsOpen);
            Assert.Equal(0, host.Port.Misaligned);
        }

        [Fact]
        public void The_device_address_is_set_before_the_status_stage_of_SET_ADDRESS()
        {
            var host = new UsbTestHost();
            host.Port.BusReset(UsbSpeed.High);
            host.Run();
            host.Port.Calls.Clear();
            Assert.True(host.ControlOut(0x00, 5, 42, 0).Ok);
            Assert.Equal(new[] { "SetAddress 42", "In 80 0" }, host.Port.Calls.ToArray());
            Assert.Equal(UsbDeviceState.Address, host.Device.State);
        }

        [Fact]
        public void The_device_descriptor_is_USB_2_0_with_IAD_class_codes_and_a_64_byte_EP0()
        {
            var host = new UsbTestHost();
            var d = host.Enumerate(UsbSpeed.High, open: false).Device.Data;
            Assert.Equal(18, d.Length);
            Assert.Equal(18, d[0]);
            Assert.Equal(UsbDescriptorType.Device, d[1]);
            Assert.Equal(0x0200, Word(d, 2));
            Assert.Equal(new byte[] { 0xEF, 0x02, 0x01 }, d[4..7]);
            Assert.Equal(64, d[7]);
            Assert.Equal(0x1209, Word(d, 8));
            Assert.Equal(0x0001, Word(d, 10));
            Assert.Equal(new byte[] { 1, 2, 3 }, d[14..17]);
            Assert.Equal(1, d[17]);
        }

        [Fact]
        public void The_device_qualifier_matches_the_device_descriptor()
        {
            var host = new UsbTestHost();
            var e = host.Enumerate(UsbSpeed.High, open: false);
            var q = e.Qualifier.Data;
            var d = e.Device.Data;
            Assert.Equal(new byte[] { 10, UsbDescriptorType.DeviceQualifier }, q[0..2]);
            Assert.Equal(d[2..8], q[2..8]); // bcdUSB, class, subclass, protocol, bMaxPacketSize0
            Assert.Equal(d[17], q[8]);      // bNumConfigurations
            Assert.Equal(0, q[9]);
        }

        [Fact]
        public void The_serial_number_is_the_unique_id_in_24_uppercase_hex_digits()
        {
            var host = new UsbTestHost();
            var serial = host.Enumerate(UsbSpeed.Full, open: false).Serial.Data;
            Assert.Equal(2 + 2 * 24, serial[0]);
            Assert.Equal(serial[0], serial.Length);
            Assert.Equal(UsbDescriptorType.String, serial[1]);
            string text = Utf16(serial);
            Assert.Equal(24, text.Length);
            Assert.Equal(Convert.ToHexString(UsbTestHost.UniqueId), text);
        }

        [Fact]
        public void A_repeated_reset_after_configuration_starts_over_unconfigured()
        {
            var host = new UsbTestHost();
            host.Enumerate(UsbSpeed.High);
            Assert.True(host.Cdc.IsOpen);
            host.Port.BusReset(UsbSpeed.Full);
            host.Run();
            Assert.Equal(UsbDeviceState.Default, host.Device.State);
            Assert.False(host.Cdc.IsOpen);
            var again = host.Enumerate(UsbSpeed.Full);
            foreach (var (step, result) in again.All()) Assert.True(result.Ok, $"{step}: {result}");
            Assert.Equal(64, host.Port.MaxPacketOf(CdcAcm.DataInEndpoint));
            Assert.True(host.Cdc.IsOpen);
            Assert.Empty(host.Port.Violations);
        }

        [Fact]
        public void Suspend_and_resume_keep_the_configuration_and_a_disconnect_ends_it()
        {
            var host = new UsbTestHost();
            host.Enumerate(UsbSpeed.High);
            host.Port.Raise(new UsbEvent { Kind = UsbEventKind.Suspend });
            host.Run();
            Assert.True(host.Device.IsSuspended);
            Assert.True(host.Cdc.IsOpen, "a suspended port stays open; writes wait in the buffer");
            Assert.Equal(4, host.Cdc.Write(new byte[] { 1, 2, 3, 4 }));
            host.Port.Raise(new UsbEvent { Kind = UsbEventKind.Resume });
            host.Run();
            Assert.False(host.Device.IsSuspended);
            Assert.Equal(UsbDeviceState.Configured, host.Device.State);

            host.Port.Raise(new UsbEvent { Kind = UsbEventKind.Disconnect });
            host.Run();
            Assert.Equal(UsbDeviceState.Powered, host.Device.State);
            Assert.Equal(UsbSpeed.Unknown, host.Device.Speed);
            Assert.False(host.Cdc.IsOpen);
            Assert.False(host.Port.IsOpen(CdcAcm.DataInEndpoint));
        }
    }
}
