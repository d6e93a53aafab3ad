using System;
using ChargePoint.Core.Scheduling;
using ChargePoint.Core.Usb;
using Xunit;

namespace ChargePoint.Tests.Core.Usb
{
    // The standard requests of USB 2.0 9.4 and the CDC class requests, beyond enumeration.
    public class UsbControlRequestTests
    {
        private static UsbTestHost Configured(UsbSpeed speed = UsbSpeed.High)
        {
            var host = new UsbTestHost();
            var e = host.Enumerate(speed);
            Assert.True(e.SetControlLineState.Ok);
            return host;
        }

        [Fact]
        public void Unknown_and_unsupported_requests_stall_and_the_next_request_works()
        {
            var host = Configured();
            var stalled = new (string what, Func<ControlResult> request)[]
            {
                ("vendor request", () => host.ControlIn(0xC0, 0x01, 0, 0, 4)),
                ("vendor OUT to the interface", () => host.ControlOut(0x41, 0x01, 0, 0)),
                ("SET_DESCRIPTOR", () => host.ControlOut(0x00, 7, 0x0100, 0, new byte[18])),
                ("SYNCH_FRAME", () => host.ControlIn(0x82, 12, 0, 0x81, 2)),
                ("SET_FEATURE TEST_MODE", () => host.ControlOut(0x00, 3, 2, 0x0400)),
                ("SET_FEATURE DEVICE_REMOTE_WAKEUP", () => host.ControlOut(0x00, 3, 1, 0)),
                ("SET_FEATURE on an interface", () => host.ControlOut(0x01, 3, 0, 0)),
                ("SET_INTERFACE alternate 1", () => host.ControlOut(0x01, 11, 1, 1)),
                ("SET_INTERFACE on interface 2", () => host.ControlOut(0x01, 11, 0, 2)),
                ("GET_INTERFACE on interface 5", () => host.ControlIn(0x81, 10, 0, 5, 1)),
                ("SET_CONFIGURATION 2", () => host.ControlOut(0x00, 9, 2, 0)),
                ("GET_STATUS of endpoint 3 IN", () => host.ControlIn(0x82, 0, 0, 0x83, 2)),
                ("CLEAR_FEATURE halt of endpoint 4", () => host.ControlOut(0x02, 1, 0, 0x04)),
                ("SET_ADDRESS while configured", () => host.ControlOut(0x00, 5, 9, 0)),
                ("CDC SEND_BREAK (not in the ACM capabilities)", () => host.ControlOut(0x21, 0x23, 100, 0)),
                ("CDC request to the data interface", () => host.ControlOut(0x21, 0x22, 1, 1)),
                ("CDC SET_LINE_CODING of 6 bytes", () => host.ControlOut(0x21, 0x20, 0, 0, new byte[6])),
                ("a class request with 65 bytes of data", () => host.ControlOut(0x21, 0x20, 0, 0, new byte[65])),
                ("an unknown standard request", () => host.ControlIn(0x80, 0x30, 0, 0, 2)),
            };
            foreach (var (what, request) in stalled)
            {
                var result = request();
                Assert.True(result.Stalled, $"{what}: {result}");
                var after = host.GetDescriptor(UsbDescriptorType.Device, 0, 18);
                Assert.True(after.Ok, $"after {what}: {after}");
            }
            Assert.Equal(UsbDeviceState.Configured, host.Device.State);
            Assert.Equal(host.AssignedAddress, host.Port.Address);
            Assert.True(host.Cdc.IsOpen, "DTR survived the stalled requests");
            Assert.Empty(host.Port.Violations);
        }

        [Fact]
        public void Class_requests_before_configuration_stall()
        {
            var host = new UsbTestHost();
            host.Port.BusReset(UsbSpeed.High);
            host.Run();
            Assert.True(host.ControlOut(0x00, 5, 3, 0).Ok);
            Assert.True(host.ControlOut(0x21, 0x22, 3, 0).Stalled);
            Assert.True(host.ControlIn(0xA1, 0x21, 0, 0, 7).Stalled);
            Assert.False(host.Cdc.IsOpen);
        }

        [Fact]
        public void GET_STATUS_reports_self_powered_the_interfaces_and_endpoint_halts()
        {
            var host = new UsbTestHost();
            host.Port.BusReset(UsbSpeed.High);
            host.Run();
            host.ControlOut(0x00, 5, 3, 0);
            Assert.Equal(new byte[] { 1, 0 }, host.ControlIn(0x80, 0, 0, 0, 2).Data);
            Assert.Equal(new byte[] { 0, 0 }, host.ControlIn(0x82, 0, 0, 0x80, 2).Data);
            Assert.True(host.ControlIn(0x81, 0, 0, 0, 2).Stalled, "no interface before configuration");
            Assert.True(host.ControlIn(0x82, 0, 0, 0x81, 2).Stalled, "only EP0 in the Address state");

            Assert.True(host.ControlOut(0x00, 9, 1, 0).Ok);
            Assert.Equal(new byte[] { 0, 0 }, host.ControlIn(0x81, 0, 0, 1, 2).Data);
            Assert.Equal(new byte[] { 0, 0 }, host.ControlIn(0x82, 0, 0, 0x81, 2).Data);
        }

        [Fact]
        public void SET_and_CLEAR_FEATURE_halt_stall_and_release_an_endpoint_with_a_toggle_reset()
        {
            var host = Configured();
            int resets = host.Port.ToggleResetsOf(CdcAcm.DataInEndpoint);

            Assert.True(host.ControlOut(0x02, 3, 0, 0x81).Ok);
            Assert.True(host.Port.IsStalled(0x81));
            Assert.True(host.Device.IsHalted(0x81));
            Assert.Equal(new byte[] { 1, 0 }, host.ControlIn(0x82, 0, 0, 0x81, 2).Data);
            Assert.False(host.Port.IsStalled(0x01), "only the named endpoint");

            Assert.True(host.ControlOut(0x02, 1, 0, 0x81).Ok);
            Assert.False(host.Port.IsStalled(0x81));
            Assert.Equal(resets + 1, host.Port.ToggleResetsOf(CdcAcm.DataInEndpoint));
            Assert.Equal(new byte[] { 0, 0 }, host.ControlIn(0x82, 0, 0, 0x81, 2).Data);

            // EP0's halt feature is accepted and changes nothing.
            Assert.True(host.ControlOut(0x02, 1, 0, 0x00).Ok);
        }

        [Fact]
        public void GET_CONFIGURATION_GET_INTERFACE_and_SET_INTERFACE_alternate_0()
        {
            var host = new UsbTestHost();
            host.Port.BusReset(UsbSpeed.Full);
            host.Run();
            host.ControlOut(0x00, 5, 3, 0);
            Assert.Equal(new byte[] { 0 }, host.ControlIn(0x80, 8, 0, 0, 1).Data);
            Assert.True(host.ControlIn(0x81, 10, 0, 0, 1).Stalled, "no interfaces before configuration");
            host.ControlOut(0x00, 9, 1, 0);
            Assert.Equal(new byte[] { 1 }, host.ControlIn(0x80, 8, 0, 0, 1).Data);
            Assert.Equal(new byte[] { 0 }, host.ControlIn(0x81, 10, 0, 1, 1).Data);

            int inResets = host.Port.ToggleResetsOf(0x81), outResets = host.Port.ToggleResetsOf(0x01);
            int notifyResets = host.Port.ToggleResetsOf(0x82);
            Assert.True(host.ControlOut(0x01, 11, 0, 1).Ok);
            Assert.Equal(inResets + 1, host.Port.ToggleResetsOf(0x81));
            Assert.Equal(outResets + 1, host.Port.ToggleResetsOf(0x01));
            Assert.Equal(notifyResets, host.Port.ToggleResetsOf(0x82)); // interface 0's endpoint
        }

        [Fact]
        public void SET_CONFIGURATION_0_closes_the_endpoints_and_the_port()
        {
            var host = Configured();
            Assert.True(host.Cdc.IsOpen);
            Assert.True(host.ControlOut(0x00, 9, 0, 0).Ok);
            Assert.Equal(UsbDeviceState.Address, host.Device.State);
            Assert.False(host.Port.IsOpen(0x81));
            Assert.False(host.Port.IsOpen(0x01));
            Assert.False(host.Port.IsOpen(0x82));
            Assert.False(host.Cdc.IsOpen);
            Assert.Equal(0, host.Cdc.Write(new byte[] { 1, 2, 3 }));
            Assert.Equal(new byte[] { 0 }, host.ControlIn(0x80, 8, 0, 0, 1).Data);

            Assert.True(host.ControlOut(0x00, 9, 1, 0).Ok);
            Assert.True(host.Port.IsOpen(0x81));
            Assert.True(host.Port.IsBusy(0x01), "bulk OUT armed again");
            Assert.False(host.Cdc.IsOpen, "DTR is the host's to set again");
            Assert.Empty(host.Port.Violations);
        }

        [Fact]
        public void GET_LINE_CODING_returns_what_SET_LINE_CODING_kept()
        {
            var host = Configured(UsbSpeed.Full);
            var coding = new byte[] { 0x00, 0x10, 0x0E, 0x00, 2, 1, 7 }; // 921600 baud, 2 stop bits, odd, 7 bits
            Assert.True(host.ControlOut(0x21, 0x20, 0, 0, coding).Ok);
            var read = host.ControlIn(0xA1, 0x21, 0, 0, 7);
            Assert.True(read.Ok, read.ToString());
            Assert.Equal(coding, read.Data);
            Assert.Equal(new[] { 7 }, read.Packets);
        }

        [Fact]
        public void A_new_SETUP_abandons_the_control_transfer_in_progress()
        {
            var host = new UsbTestHost();
            host.Port.BusReset(UsbSpeed.High);
            host.Run();
            host.Port.Setup(UsbTestHost.Packet(0x80, 6, 0x0200, 0, 255));
            host.Run();
            Assert.True(host.Port.TakeIn(0x80, new byte[64], out int first));
            Assert.Equal(64, first);
            host.Run();
            Assert.True(host.Port.IsBusy(0x80), "the second packet is queued");

            // The host gives up on that transfer and starts another.
            var device = host.GetDescriptor(UsbDescriptorType.Device, 0, 18);
            Assert.True(device.Ok, device.ToString());
            Assert.Equal(18, device.Data.Length);
            Assert.Empty(host.Port.Violations);
        }

        // A minimal function of one vendor interface, driven by hand, that never answers.
        [Fact]
        public void A_request_the_function_leaves_unanswered_is_stalled_at_the_next_poll()
        {
            var port = new FakeUsbPort();
            var device = new UsbDevice(port, new byte[12], UsbTestHost.Ascii("m"), UsbTestHost.Ascii("p"));
            var descriptors = new byte[] { 9, 4, 0, 0, 1, 0xFF, 0, 0, 0, 7, 5, 0x83, 2, 0x00, 0x02, 0 };
            var fullSpeed = new byte[] { 9, 4, 0, 0, 1, 0xFF, 0, 0, 0, 7, 5, 0x83, 2, 0x40, 0x00, 0 };
            Assert.True(device.AddFunction(descriptors, fullSpeed, 1));
            var clock = new FakeClock();
            device.Start(new Scheduler(clock, 1), 0);

            port.BusReset(UsbSpeed.High);
            port.Setup(UsbTestHost.Packet(0x00, 5, 1, 0, 0));
            while (device.Poll(out _)) { }
            port.TakeIn(0x80, new byte[64], out _);
            port.Setup(UsbTestHost.Packet(0x00, 9, 1, 0, 0));
            Assert.True(device.Poll(out UsbDeviceEvent configured));
            Assert.Equal(UsbDeviceEventKind.Configured, configured.Kind);
            Assert.True(port.IsOpen(0x83));
            Assert.Equal(512, port.MaxPacketOf(0x83));
            while (device.Poll(out _)) { }
            port.TakeIn(0x80, new byte[64], out _);

            port.Setup(UsbTestHost.Packet(0xC1, 0x42, 0, 0, 4));
            Assert.True(device.Poll(out UsbDeviceEvent request));
            Assert.Equal(UsbDeviceEventKind.Request, request.Kind);
            Assert.Equal(0x42, request.Request.Request);
            Assert.False(port.Ep0Stalled);
            Assert.False(device.Poll(out _));
            Assert.True(port.Ep0Stalled);
            Assert.False(device.ControlReply(new byte[4]), "too late to answer");
        }

        [Fact]
        public void A_function_whose_two_speeds_name_different_endpoints_is_refused()
        {
            var device = new UsbDevice(new FakeUsbPort(), new byte[12], UsbTestHost.Ascii("m"), UsbTestHost.Ascii("p"));
            var high = new byte[] { 9, 4, 0, 0, 1, 0xFF, 0, 0, 0, 7, 5, 0x83, 2, 0x00, 0x02, 0 };
            var full = new byte[] { 9, 4, 0, 0, 1, 0xFF, 0, 0, 0, 7, 5, 0x84, 2, 0x40, 0x00, 0 };
            Assert.False(device.AddFunction(high, full, 1));
            Assert.Equal(0, device.InterfaceCount);
            Assert.False(device.AddFunction(new byte[300], new byte[300], 1));
        }
    }
}
