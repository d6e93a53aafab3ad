using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ChargePoint.Core;
using ChargePoint.Core.Scheduling;
using ChargePoint.Core.Usb;
using ChargePoint.Drivers;
using Xunit;
using F = ChargePoint.Tests.Drivers.FakeDwcOtgHsBus;

namespace ChargePoint.Tests.Drivers
{
    // DwcOtgHs against the register-level model of the OTG_HS core (FakeDwcOtgHsBus): the tests
    // play the host on the model's wire, deliver the interrupt while the model asserts it, and
    // read what the port recorded.
    public class DwcOtgHsTests
    {
        // USB 2.0 9.4.3 GET_DESCRIPTOR(device, 64 bytes), read as the little-endian 8-byte packet.
        private const ulong GetDeviceDescriptor = 0x0040_0000_0100_0680;
        // CDC 1.2 6.2.12 SET_LINE_CODING (7 bytes of data, host to device).
        private const ulong SetLineCoding = 0x0007_0000_0000_2021;

        // Time that moves a millisecond every time someone looks: the port's 25 ms mode settle
        // ends after 25 looks instead of a real wait.
        private sealed class SteppingClock : IClock
        {
            private long _now;
            public long UptimeMicroseconds => _now += 1000;
        }

        private sealed class UsbTask : ITask
        {
            public ReadOnlySpan<byte> Name => "usb"u8;
            public int Runs;
            public void Run(long nowMilliseconds) => Runs++;
        }

        private sealed class Rig
        {
            public readonly F Bus = new F();
            public readonly DwcOtgHs Port;
            public readonly Scheduler Scheduler;
            public readonly UsbTask Task = new UsbTask();
            public readonly int TaskId;

            public Rig(bool start = true)
            {
                Scheduler = new Scheduler(new SteppingClock(), 2);
                TaskId = Scheduler.Add(Task);
                Scheduler.Start();
                Port = new DwcOtgHs(Bus);
                if (start) Start();
            }

            public void Start()
            {
                Port.Start(Scheduler, TaskId);
                Assert.True(Port.IsStarted, Encoding.ASCII.GetString(Port.Failure.ToArray()));
            }

            // The NVIC's view: the handler runs while the line is asserted.
            public int Service()
            {
                int calls = 0;
                while (Bus.InterruptPending)
                {
                    Assert.True(++calls < 10, "the interrupt line stays asserted after the handler");
                    Port.HandleInterrupt();
                }
                return calls;
            }

            public List<UsbEvent> Events()
            {
                var events = new List<UsbEvent>();
                while (Port.TryTakeEvent(out UsbEvent e)) events.Add(e);
                return events;
            }

            public bool TaskWasSignalled()
            {
                int before = Task.Runs;
                Scheduler.RunDue();
                return Task.Runs > before;
            }

            // Connect, the host's reset and speed handshake, and the events they made, taken.
            public void Enumerate(bool highSpeed = true)
            {
                Port.Connect();
                Bus.BusReset();
                Service();
                Bus.EnumerationDone(highSpeed);
                Service();
                Events();
            }

            public UsbEvent Setup(ulong packet)
            {
                Assert.Equal(F.Handshake.Ack, Bus.Setup(packet));
                Service();
                var events = Events();
                Assert.Single(events);
                Assert.Equal(UsbEventKind.Setup, events[0].Kind);
                return events[0];
            }
        }

        private static byte[] Pattern(byte[] buffer, byte seed)
        {
            for (int i = 0; i < buffer.Length; i++) buffer[i] = (byte)(seed + i * 7);
            return buffer;
        }

        private static uint Field(uint value, int shift, uint mask) => (value >> shift) & mask;

        // --- start-up ---

        [Fact]
        public void Start_turns_the_clocks_on_then_selects_the_ulpi_phy_resets_the_core_and_forces_device_mode_in_that_order()
        {
            var rig = new Rig(start: false);
            rig.Bus.RecordWrites();
            rig.Start();
            var log = rig.Bus.Log;

            int clocks = log.FindIndex(e => e.What == "RCC_AHB1ENR" && (e.Value & (F.OtgHsEnable | F.OtgHsUlpiEnable)) == (F.OtgHsEnable | F.OtgHsUlpiEnable));
            int resetPulse = log.FindIndex(e => e.What == "RCC_AHB1RSTR" && (e.Value & F.OtgHsReset) != 0);
            int firstOtgWrite = log.FindIndex(e => !e.What.StartsWith("RCC") && !e.What.StartsWith("("));
            int phyPower = log.FindIndex(e => e.What == "GCCFG");
            int ulpi = log.FindIndex(e => e.What == "GUSBCFG");
            int reset = log.FindIndex(e => e.What == "GRSTCTL" && (e.Value & F.Csrst) != 0);
            int resetDone = log.FindIndex(e => e.What == "(core soft reset done)");
            int deviceMode = log.FindIndex(e => e.What == "GUSBCFG" && (e.Value & F.Fdmod) != 0);
            int deviceConfig = log.FindIndex(e => e.What == "DCFG");

            Assert.True(clocks >= 0 && resetPulse > clocks && firstOtgWrite > resetPulse, "clocks before the first OTG register");
            Assert.True(phyPower > clocks && (log[phyPower].Value & F.Pwrdwn) == 0, "internal FS PHY left powered down");
            Assert.True(ulpi > clocks && (log[ulpi].Value & (F.Physel | F.Ulpifsls | F.Ulpievbusd | F.Ulpievbusi | F.Tsdps)) == 0, "ULPI PHY selected");
            Assert.True(reset > ulpi && reset > phyPower, "the soft reset comes after the PHY selection");
            Assert.True(resetDone > reset && deviceMode > resetDone, "device mode forced only once CSRST has cleared");
            Assert.True(deviceConfig > deviceMode, "device registers programmed in device mode");
            Assert.Equal(0u, log[deviceMode].Value & F.Fhmod);
            Assert.Equal(1, rig.Bus.CoreResets);
        }

        [Fact]
        public void Start_gives_a_failure_instead_of_hanging_when_the_core_reset_never_completes()
        {
            var rig = new Rig(start: false);
            rig.Bus.UlpiClockPresent = false; // the PHY never drives ULPI_CK
            rig.Bus.RecordWrites();
            rig.Port.Start(rig.Scheduler, rig.TaskId);

            Assert.False(rig.Port.IsStarted);
            Assert.Contains("ULPI clock", Encoding.ASCII.GetString(rig.Port.Failure.ToArray()));
            Assert.DoesNotContain(rig.Bus.Log, e => e.What == "GUSBCFG" && (e.Value & F.Fdmod) != 0);
            Assert.DoesNotContain(rig.Bus.Log, e => e.What == "DCFG");
            Assert.False(rig.Bus.InterruptPending);
            Assert.Equal(0u, rig.Bus.Peek(F.GAHBCFG) & F.Gint);

            // A port that did not start does nothing.
            rig.Port.Connect();
            Assert.False(rig.Bus.Connected);
            Assert.False(rig.Port.StartIn(0x80, new byte[8], 0, 8));
            Assert.False(rig.Port.OpenEndpoint(0x81, UsbEndpointType.Bulk, 512));
            Assert.False(rig.Port.TryTakeEvent(out _));
        }

        [Fact]
        public void Start_gives_a_failure_when_the_ahb_master_never_goes_idle()
        {
            var rig = new Rig(start: false);
            rig.Bus.AhbNeverIdle = true; // the model throws if CSRST is written anyway
            rig.Port.Start(rig.Scheduler, rig.TaskId);

            Assert.False(rig.Port.IsStarted);
            Assert.Contains("AHB", Encoding.ASCII.GetString(rig.Port.Failure.ToArray()));
            Assert.Equal(0, rig.Bus.CoreResets);
        }

        [Fact]
        public void Start_gives_a_failure_when_the_core_never_reports_device_mode()
        {
            var rig = new Rig(start: false);
            rig.Bus.ModeNeverSwitches = true;
            rig.Port.Start(rig.Scheduler, rig.TaskId);

            Assert.False(rig.Port.IsStarted);
            Assert.Contains("device mode", Encoding.ASCII.GetString(rig.Port.Failure.ToArray()));
        }

        [Fact]
        public void Start_sets_high_speed_dma_and_interrupts_and_leaves_the_device_soft_disconnected()
        {
            var rig = new Rig();
            var bus = rig.Bus;

            Assert.Equal(0u, bus.Peek(F.DCFG) & F.DspdMask);                       // DSPD 00: high speed
            Assert.Equal(0u, Field(bus.Peek(F.DCFG), F.DadShift, 0x7F));
            Assert.NotEqual(0u, bus.Peek(F.GAHBCFG) & F.Dmaen);
            Assert.Equal(3u, Field(bus.Peek(F.GAHBCFG), F.HbstlenShift, 0xF));     // INCR4
            Assert.NotEqual(0u, bus.Peek(F.GAHBCFG) & F.Gint);
            Assert.NotEqual(0u, bus.Peek(F.DCTL) & F.Sdis);
            Assert.False(bus.Connected);
            Assert.Equal(F.Bvaloen | F.Bvaloval, bus.Peek(F.GOTGCTL) & (F.Bvaloen | F.Bvaloval));
            Assert.Equal(9u, Field(bus.Peek(F.GUSBCFG), F.TrdtShift, 0xF));
            Assert.Equal(0u, bus.Peek(F.GINTSTS) & F.Cmod);
            uint wanted = F.Usbrst | F.Enumdne | F.Usbsusp | F.Wkuint | F.Iepint | F.Oepint;
            Assert.Equal(wanted, bus.Peek(F.GINTMSK) & wanted);
            Assert.Contains(0x10u, bus.TxFlushes); // every TX FIFO
            Assert.True(bus.RxFlushes >= 1);
            Assert.False(bus.InterruptPending);
        }

        [Fact]
        public void Fifo_layout_is_contiguous_within_the_4_KiB_fifo_ram_and_holds_a_high_speed_packet_per_in_endpoint()
        {
            var rig = new Rig();
            uint rx = rig.Bus.Peek(F.GRXFSIZ);
            uint[] tx = { rig.Bus.Peek(F.DIEPTXF0), rig.Bus.Peek(F.DIEPTXF1), rig.Bus.Peek(F.DIEPTXF2), rig.Bus.Peek(F.DIEPTXF3) };

            // RM0410 "Data FIFO RAM allocation" minimum for the RX FIFO with one control endpoint,
            // four OUT endpoints and 512-byte packets: 13 + (512 / 4 + 1) + 2 x 4 + 1.
            Assert.True(rx >= 13 + (512 / 4 + 1) + 2 * 4 + 1, $"RX FIFO {rx} words");
            uint next = rx; // the RX FIFO starts at word 0
            for (int n = 0; n < tx.Length; n++)
            {
                uint start = tx[n] & 0xFFFF, depth = tx[n] >> 16;
                Assert.Equal(next, start);
                Assert.True(depth >= (n == 0 ? 16u : 128u), $"TX FIFO {n}: {depth} words");
                Assert.Equal((uint)DwcOtgHs.TxFifoWords(n), depth);
                next = start + depth;
            }
            // In DMA mode the core keeps a word per endpoint and direction at the top (9 + 9).
            Assert.True(next <= F.FifoRamWords - 18, $"FIFOs end at word {next}");
        }

        [Fact]
        public void Connect_clears_SDIS_and_Disconnect_sets_it()
        {
            var rig = new Rig();
            rig.Port.Connect();
            Assert.True(rig.Bus.Connected);
            rig.Port.Disconnect();
            Assert.False(rig.Bus.Connected);
            Assert.NotEqual(0u, rig.Bus.Peek(F.GAHBCFG) & F.Gint); // the line is unmasked again
        }

        // --- bus-level events ---

        [Fact]
        public void Bus_reset_is_recorded_abandons_transfers_and_readies_ep0_for_setups()
        {
            var rig = new Rig();
            rig.Enumerate();
            byte[] data = Pattern(rig.Bus.NewBuffer(512), 1);
            Assert.True(rig.Port.OpenEndpoint(0x81, UsbEndpointType.Bulk, 512));
            Assert.True(rig.Port.OpenEndpoint(0x02, UsbEndpointType.Bulk, 512));
            Assert.True(rig.Port.StartIn(0x81, data, 0, 512));
            Assert.True(rig.Port.ArmOut(0x02, rig.Bus.NewBuffer(512), 0, 512));
            rig.Port.SetAddress(5);
            rig.Bus.TxFlushes.Clear();

            rig.Bus.BusReset();
            rig.Service();

            var events = rig.Events();
            Assert.Single(events);
            Assert.Equal(UsbEventKind.BusReset, events[0].Kind);
            Assert.True(rig.TaskWasSignalled());
            Assert.Equal(0u, Field(rig.Bus.Peek(F.DCFG), F.DadShift, 0x7F));
            Assert.Equal(0u, rig.Bus.Peek(F.GINTSTS) & F.Usbrst);
            Assert.Equal(0u, rig.Bus.Peek(F.DCTL) & F.Rwusig);
            Assert.Contains(0x10u, rig.Bus.TxFlushes);
            // EP0 OUT ready for three SETUPs into the port's RAM.
            Assert.Equal(3u, Field(rig.Bus.Peek(F.DOEPTSIZ(0)), F.StupcntShift, 3));
            Assert.NotEqual(0u, rig.Bus.Peek(F.DOEPCTL(0)) & F.Epena);
            Assert.InRange(rig.Bus.Peek(F.DOEPDMA(0)), F.RamBase, F.RamBase + F.RamBytes - 24);
            // EP1..3 inactive and NAKing; the transfers gone without an event.
            for (int n = 1; n < 4; n++)
            {
                Assert.Equal(0u, rig.Bus.Peek(F.DIEPCTL(n)) & (F.Usbaep | F.Epena));
                Assert.Equal(0u, rig.Bus.Peek(F.DOEPCTL(n)) & (F.Usbaep | F.Epena));
                Assert.NotEqual(0u, rig.Bus.Peek(F.DOEPCTL(n)) & F.Naksts);
            }
            Assert.Equal(F.Handshake.None, rig.Bus.In(1, new byte[512], out _));
            Assert.False(rig.Port.StartIn(0x81, data, 0, 512));
            Assert.False(rig.Bus.InterruptPending);
            // And a SETUP right after the reset is taken.
            Assert.Equal(GetDeviceDescriptor, rig.Setup(GetDeviceDescriptor).Setup);
        }

        [Theory]
        [InlineData(true, UsbSpeed.High, 9u)]
        [InlineData(false, UsbSpeed.Full, 6u)]
        public void Enumeration_done_reports_the_speed_sets_ep0_to_64_bytes_and_the_turnaround(bool hostHighSpeed, UsbSpeed speed, uint turnaround)
        {
            var rig = new Rig();
            rig.Port.Connect();
            rig.Bus.BusReset();
            rig.Service();
            rig.Events();

            rig.Bus.EnumerationDone(hostHighSpeed);
            rig.Service();

            var events = rig.Events();
            Assert.Single(events);
            Assert.Equal(UsbEventKind.EnumerationDone, events[0].Kind);
            Assert.Equal(speed, events[0].Speed);
            Assert.Equal(speed, rig.Port.Speed);
            Assert.Equal(0u, rig.Bus.Peek(F.DIEPCTL(0)) & 3);                    // MPSIZ 00: 64 bytes
            Assert.Equal(0u, rig.Bus.Peek(F.DOEPCTL(0)) & 3);
            Assert.Equal(turnaround, Field(rig.Bus.Peek(F.GUSBCFG), F.TrdtShift, 0xF));
            Assert.Equal(3u, Field(rig.Bus.Peek(F.DOEPTSIZ(0)), F.StupcntShift, 3));
            Assert.Equal(0u, rig.Bus.Peek(F.GINTSTS) & F.Enumdne);
        }

        [Fact]
        public void Suspend_and_resume_are_recorded_and_acknowledged()
        {
            var rig = new Rig();
            rig.Enumerate();

            rig.Bus.Suspend();
            rig.Service();
            rig.Bus.Resume();
            rig.Service();

            Assert.Equal(new[] { UsbEventKind.Suspend, UsbEventKind.Resume }, rig.Events().Select(e => e.Kind));
            Assert.Equal(0u, rig.Bus.Peek(F.GINTSTS) & (F.Usbsusp | F.Wkuint));
            Assert.True(rig.TaskWasSignalled());
            Assert.False(rig.Bus.InterruptPending);
        }

        [Fact]
        public void A_full_event_queue_drops_new_events_and_counts_them()
        {
            var rig = new Rig();
            rig.Enumerate();
            for (int i = 0; i < 40; i++)
            {
                rig.Bus.Suspend();
                rig.Service();
            }

            int kept = rig.Events().Count;
            Assert.True(kept >= 16, $"{kept} events kept");
            Assert.Equal((uint)(40 - kept), rig.Port.EventOverflows);
        }

        // --- EP0 ---

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void A_setup_packet_is_recorded_as_its_eight_bytes_and_ep0_is_rearmed(bool setupClosesEndpoint)
        {
            var rig = new Rig();
            rig.Bus.SetupClosesEndpoint = setupClosesEndpoint;
            rig.Enumerate();

            Assert.Equal(GetDeviceDescriptor, rig.Setup(GetDeviceDescriptor).Setup);
            Assert.Equal(0u, rig.Bus.Peek(F.DOEPINT(0)) & (F.Stup | F.Xfrc | F.Stpktrx));
            Assert.NotEqual(0u, rig.Bus.Peek(F.DOEPCTL(0)) & F.Epena);
            Assert.Equal(3u, Field(rig.Bus.Peek(F.DOEPTSIZ(0)), F.StupcntShift, 3));
            // OUT data is NAKed until the stack arms EP0 OUT.
            Assert.Equal(F.Handshake.Nak, rig.Bus.Out(0, new byte[7]));
            // The next SETUP is read from where it landed, not from the first one's place.
            Assert.Equal(SetLineCoding, rig.Setup(SetLineCoding).Setup);
        }

        [Fact]
        public void Back_to_back_setups_before_the_handler_runs_report_the_last_one()
        {
            var rig = new Rig();
            rig.Bus.SetupClosesEndpoint = false; // a core that keeps EP0 OUT open across SETUPs
            rig.Enumerate();

            rig.Bus.Setup(SetLineCoding);
            rig.Bus.Setup(0x0000_0000_0000_2022);
            rig.Bus.Setup(GetDeviceDescriptor);
            rig.Service();

            var events = rig.Events();
            Assert.Single(events);
            Assert.Equal(GetDeviceDescriptor, events[0].Setup);
            Assert.Equal(3u, Field(rig.Bus.Peek(F.DOEPTSIZ(0)), F.StupcntShift, 3));
        }

        [Fact]
        public void Control_read_sends_the_data_stage_and_takes_the_zero_length_status_stage()
        {
            var rig = new Rig();
            rig.Enumerate();
            rig.Setup(GetDeviceDescriptor);
            byte[] descriptor = Pattern(rig.Bus.NewBuffer(20), 0x12);

            Assert.True(rig.Port.StartIn(0x80, descriptor, 0, 18));
            Assert.Equal(1u, Field(rig.Bus.Peek(F.DIEPTSIZ(0)), F.PktcntShift, 3));
            Assert.Equal(18u, rig.Bus.Peek(F.DIEPTSIZ(0)) & 0x7F);
            var received = new byte[64];
            Assert.Equal(F.Handshake.Data, rig.Bus.In(0, received, out int length));
            Assert.Equal(descriptor.Take(18), received.Take(length));
            rig.Service();
            var events = rig.Events();
            Assert.Single(events);
            Assert.Equal(UsbEventKind.InComplete, events[0].Kind);
            Assert.Equal(0x80, events[0].Endpoint);

            byte[] status = rig.Bus.NewBuffer(64);
            Assert.True(rig.Port.ArmOut(0x00, status, 0, 64));
            Assert.Equal(F.Handshake.Ack, rig.Bus.Out(0, ReadOnlySpan<byte>.Empty));
            rig.Service();
            events = rig.Events();
            Assert.Single(events);
            Assert.Equal(UsbEventKind.OutComplete, events[0].Kind);
            Assert.Equal(0x00, events[0].Endpoint);
            Assert.Equal(0, events[0].Length);
            // EP0 OUT is back to taking SETUPs.
            Assert.Equal(3u, Field(rig.Bus.Peek(F.DOEPTSIZ(0)), F.StupcntShift, 3));
            Assert.NotEqual(0u, rig.Bus.Peek(F.DOEPCTL(0)) & F.Epena);
        }

        [Fact]
        public void Control_write_data_lands_in_the_stack_buffer_when_its_completion_is_taken()
        {
            var rig = new Rig();
            rig.Enumerate();
            rig.Setup(SetLineCoding);
            byte[] buffer = rig.Bus.NewBuffer(80);
            byte[] lineCoding = { 0x00, 0xC2, 0x01, 0x00, 0x00, 0x00, 0x08 }; // 115200 8N1

            Assert.True(rig.Port.ArmOut(0x00, buffer, 8, 64));
            Assert.False(rig.Port.ArmOut(0x00, buffer, 8, 64)); // already armed
            Assert.Equal(F.Handshake.Ack, rig.Bus.Out(0, lineCoding));
            rig.Service();

            Assert.True(rig.Port.TryTakeEvent(out UsbEvent e));
            Assert.Equal(UsbEventKind.OutComplete, e.Kind);
            Assert.Equal(0x00, e.Endpoint);
            Assert.Equal(7, e.Length);
            Assert.Equal(lineCoding, buffer.Skip(8).Take(7));
            Assert.All(buffer.Take(8), b => Assert.Equal(0, b));
        }

        [Fact]
        public void Ep0_out_takes_one_packet_per_transfer()
        {
            var rig = new Rig();
            rig.Enumerate();
            byte[] buffer = rig.Bus.NewBuffer(256);
            Assert.False(rig.Port.ArmOut(0x00, buffer, 0, 128));
            Assert.False(rig.Port.ArmOut(0x00, buffer, 0, 32));
            Assert.False(rig.Port.StartIn(0x80, buffer, 0, 65));
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void A_setup_while_ep0_out_is_armed_for_data_is_read_right_and_ends_that_transfer(bool setupClosesEndpoint)
        {
            var rig = new Rig();
            rig.Bus.SetupClosesEndpoint = setupClosesEndpoint;
            rig.Enumerate();
            rig.Setup(SetLineCoding);
            byte[] buffer = rig.Bus.NewBuffer(64);
            Assert.True(rig.Port.ArmOut(0x00, buffer, 0, 64));

            // The host gives up on that control transfer and starts another.
            Assert.Equal(GetDeviceDescriptor, rig.Setup(GetDeviceDescriptor).Setup); // Setup() asserts it is the only event
            Assert.All(buffer, b => Assert.Equal(0, b)); // the SETUP did not land in the stack's buffer
            Assert.True(rig.Port.ArmOut(0x00, buffer, 0, 64)); // the abandoned transfer is no longer in flight
        }

        [Fact]
        public void A_setup_abandons_an_ep0_in_transfer_and_the_next_one_starts_clean()
        {
            var rig = new Rig();
            rig.Enumerate();
            rig.Setup(GetDeviceDescriptor);
            byte[] first = Pattern(rig.Bus.NewBuffer(64), 1);
            byte[] second = Pattern(rig.Bus.NewBuffer(64), 100);
            Assert.True(rig.Port.StartIn(0x80, first, 0, 64));

            rig.Setup(GetDeviceDescriptor); // no InComplete for the first
            rig.Bus.TxFlushes.Clear();
            Assert.True(rig.Port.StartIn(0x80, second, 0, 18));
            Assert.Contains(0u, rig.Bus.TxFlushes); // TX FIFO 0 flushed of what the first left

            var received = new byte[64];
            Assert.Equal(F.Handshake.Data, rig.Bus.In(0, received, out int length));
            Assert.Equal(second.Take(18), received.Take(length));
            rig.Service();
            var events = rig.Events();
            Assert.Single(events);
            Assert.Equal(UsbEventKind.InComplete, events[0].Kind);
        }

        [Fact]
        public void Set_address_writes_DCFG_DAD_and_keeps_the_speed()
        {
            var rig = new Rig();
            rig.Enumerate();
            rig.Port.SetAddress(42);
            Assert.Equal(42u, Field(rig.Bus.Peek(F.DCFG), F.DadShift, 0x7F));
            Assert.Equal(0u, rig.Bus.Peek(F.DCFG) & F.DspdMask);
            rig.Port.SetAddress(7);
            Assert.Equal(7u, Field(rig.Bus.Peek(F.DCFG), F.DadShift, 0x7F));
        }

        [Fact]
        public void Ep0_stall_answers_both_directions_until_the_next_setup()
        {
            var rig = new Rig();
            rig.Enumerate();
            rig.Setup(0x0000_0000_0000_FF80); // an unknown request

            rig.Port.Stall(0x80);
            Assert.Equal(F.Handshake.Stall, rig.Bus.In(0, new byte[64], out _));
            Assert.Equal(F.Handshake.Stall, rig.Bus.Out(0, ReadOnlySpan<byte>.Empty));

            rig.Setup(GetDeviceDescriptor);
            Assert.Equal(F.Handshake.Nak, rig.Bus.In(0, new byte[64], out _)); // no longer stalled, nothing to send
        }

        // --- bulk and interrupt endpoints ---

        [Theory]
        [InlineData(true, 512, true)]
        [InlineData(true, 64, true)]
        [InlineData(false, 512, false)]
        [InlineData(false, 64, true)]
        public void Bulk_endpoints_take_512_bytes_at_high_speed_and_64_at_full_speed(bool highSpeed, int maxPacket, bool accepted)
        {
            var rig = new Rig();
            rig.Enumerate(highSpeed);

            Assert.Equal(accepted, rig.Port.OpenEndpoint(0x81, UsbEndpointType.Bulk, maxPacket));
            Assert.Equal(accepted, rig.Port.OpenEndpoint(0x01, UsbEndpointType.Bulk, maxPacket));
            if (!accepted)
            {
                Assert.Equal(0u, rig.Bus.Peek(F.DIEPCTL(1)) & F.Usbaep);
                return;
            }
            uint inControl = rig.Bus.Peek(F.DIEPCTL(1));
            Assert.Equal((uint)maxPacket, inControl & F.MpsizMask);
            Assert.Equal(2u, Field(inControl, F.EptypShift, 3));       // bulk
            Assert.Equal(1u, Field(inControl, F.TxfnumCtlShift, 0xF)); // TX FIFO 1
            Assert.NotEqual(0u, inControl & F.Usbaep);
            Assert.NotEqual(0u, inControl & F.Naksts);
            uint outControl = rig.Bus.Peek(F.DOEPCTL(1));
            Assert.Equal((uint)maxPacket, outControl & F.MpsizMask);
            Assert.Equal(2u, Field(outControl, F.EptypShift, 3));
            Assert.NotEqual(0u, outControl & F.Usbaep);
            Assert.Equal((1u << 1) | (1u << 17), rig.Bus.Peek(F.DAINTMSK) & ((1u << 1) | (1u << 17)));
        }

        [Fact]
        public void An_interrupt_in_endpoint_for_cdc_notifications_opens_on_its_own_fifo()
        {
            var rig = new Rig();
            rig.Enumerate();
            Assert.True(rig.Port.OpenEndpoint(0x83, UsbEndpointType.Interrupt, 16));
            uint control = rig.Bus.Peek(F.DIEPCTL(3));
            Assert.Equal(16u, control & F.MpsizMask);
            Assert.Equal(3u, Field(control, F.EptypShift, 3));
            Assert.Equal(3u, Field(control, F.TxfnumCtlShift, 0xF));

            byte[] notification = Pattern(rig.Bus.NewBuffer(16), 0xA1); // CDC 1.2 6.3.5 SERIAL_STATE: 10 bytes
            Assert.True(rig.Port.StartIn(0x83, notification, 0, 10));
            var received = new byte[16];
            Assert.Equal(F.Handshake.Data, rig.Bus.In(3, received, out int length));
            Assert.Equal(notification.Take(10), received.Take(length));
            rig.Service();
            Assert.Equal(0x83, rig.Events().Single(e => e.Kind == UsbEventKind.InComplete).Endpoint);
        }

        [Fact]
        public void Endpoints_the_port_cannot_offer_are_refused()
        {
            var rig = new Rig();
            rig.Enumerate();
            Assert.False(rig.Port.OpenEndpoint(0x84, UsbEndpointType.Bulk, 512));      // EP4
            Assert.False(rig.Port.OpenEndpoint(0x80, UsbEndpointType.Control, 64));    // EP0 is the port's
            Assert.False(rig.Port.OpenEndpoint(0x82, UsbEndpointType.Isochronous, 512));
            Assert.False(rig.Port.OpenEndpoint(0x82, UsbEndpointType.Bulk, 1024));
            Assert.False(rig.Port.OpenEndpoint(0x82, UsbEndpointType.Bulk, 0));
        }

        [Fact]
        public void An_in_transfer_programs_packet_count_size_and_the_buffer_address_and_completes_when_all_went_out()
        {
            var rig = new Rig();
            rig.Enumerate();
            Assert.True(rig.Port.OpenEndpoint(0x81, UsbEndpointType.Bulk, 512));
            byte[] data = Pattern(rig.Bus.NewBuffer(1100), 3);
            int barriers = rig.Bus.MemoryBarriers;

            Assert.True(rig.Port.StartIn(0x81, data, 4, 1000));

            uint size = rig.Bus.Peek(F.DIEPTSIZ(1));
            Assert.Equal(2u, Field(size, F.PktcntShift, 0x3FF));
            Assert.Equal(1000u, size & F.XfrsizMask);
            Assert.Equal(F.AddressOf(data, 4), rig.Bus.Peek(F.DIEPDMA(1)));
            Assert.NotEqual(0u, rig.Bus.Peek(F.DIEPCTL(1)) & F.Epena);
            Assert.Equal(0u, rig.Bus.Peek(F.DIEPCTL(1)) & F.Naksts);
            Assert.True(rig.Bus.MemoryBarriers > barriers);
            Assert.False(rig.Port.StartIn(0x81, data, 4, 1000)); // one transfer at a time

            var received = new byte[512];
            Assert.Equal(F.Handshake.Data, rig.Bus.In(1, received, out int first));
            Assert.Equal(data.Skip(4).Take(512), received.Take(first));
            rig.Service();
            Assert.Empty(rig.Events()); // not yet
            Assert.Equal(F.Handshake.Data, rig.Bus.In(1, received, out int second));
            Assert.Equal(488, second);
            Assert.Equal(data.Skip(516).Take(488), received.Take(second));
            rig.Service();

            var events = rig.Events();
            Assert.Single(events);
            Assert.Equal(UsbEventKind.InComplete, events[0].Kind);
            Assert.Equal(0x81, events[0].Endpoint);
            Assert.Equal(F.Handshake.Nak, rig.Bus.In(1, received, out _));
            Assert.True(rig.Port.StartIn(0x81, data, 0, 512));
        }

        [Fact]
        public void A_zero_length_in_is_one_packet_of_zero_bytes()
        {
            var rig = new Rig();
            rig.Enumerate();
            Assert.True(rig.Port.OpenEndpoint(0x81, UsbEndpointType.Bulk, 512));
            byte[] data = rig.Bus.NewBuffer(512);

            Assert.True(rig.Port.StartIn(0x81, data, 512, 0));

            uint size = rig.Bus.Peek(F.DIEPTSIZ(1));
            Assert.Equal(1u, Field(size, F.PktcntShift, 0x3FF));
            Assert.Equal(0u, size & F.XfrsizMask);
            Assert.Equal(0u, rig.Bus.Peek(F.DIEPDMA(1)) & 3);
            Assert.Equal(F.Handshake.Data, rig.Bus.In(1, new byte[512], out int length));
            Assert.Equal(0, length);
            rig.Service();
            Assert.Equal(UsbEventKind.InComplete, rig.Events().Single().Kind);
        }

        [Fact]
        public void In_transfers_the_port_cannot_do_are_refused_and_nothing_is_sent()
        {
            var rig = new Rig();
            rig.Enumerate();
            byte[] data = rig.Bus.NewBuffer(20000);
            Assert.False(rig.Port.StartIn(0x81, data, 0, 64));    // not open
            Assert.True(rig.Port.OpenEndpoint(0x81, UsbEndpointType.Bulk, 512));
            Assert.False(rig.Port.StartIn(0x81, data, 2, 64));    // not word aligned
            Assert.False(rig.Port.StartIn(0x81, data, 0, 16385)); // longer than the stack's limit
            Assert.False(rig.Port.StartIn(0x81, data, 19990, 64)); // past the end of the buffer
            Assert.False(rig.Port.StartIn(0x01, data, 0, 64));    // an OUT address
            Assert.Equal(F.Handshake.Nak, rig.Bus.In(1, new byte[512], out _));
        }

        [Fact]
        public void An_out_endpoint_naks_until_armed_then_receives_into_the_buffer_and_reports_the_bytes()
        {
            var rig = new Rig();
            rig.Enumerate();
            Assert.True(rig.Port.OpenEndpoint(0x01, UsbEndpointType.Bulk, 512));
            byte[] packet = Pattern(new byte[512], 9);
            Assert.Equal(F.Handshake.Nak, rig.Bus.Out(1, packet));

            byte[] buffer = rig.Bus.NewBuffer(1024);
            Assert.False(rig.Port.ArmOut(0x01, buffer, 0, 100)); // not a multiple of 512
            Assert.True(rig.Port.ArmOut(0x01, buffer, 0, 1024));
            Assert.False(rig.Port.ArmOut(0x01, buffer, 0, 1024)); // already armed

            uint size = rig.Bus.Peek(F.DOEPTSIZ(1));
            Assert.Equal(2u, Field(size, F.PktcntShift, 0x3FF));
            Assert.Equal(1024u, size & F.XfrsizMask);
            Assert.Equal(F.AddressOf(buffer, 0), rig.Bus.Peek(F.DOEPDMA(1)));
            Assert.NotEqual(0u, rig.Bus.Peek(F.DOEPCTL(1)) & F.Epena);
            Assert.Equal(0u, rig.Bus.Peek(F.DOEPCTL(1)) & F.Naksts);

            Assert.Equal(F.Handshake.Ack, rig.Bus.Out(1, packet));
            rig.Service();
            Assert.Empty(rig.Events());
            Assert.Equal(F.Handshake.Ack, rig.Bus.Out(1, packet.AsSpan(0, 100))); // short: the transfer ends
            rig.Service();

            var events = rig.Events();
            Assert.Single(events);
            Assert.Equal(UsbEventKind.OutComplete, events[0].Kind);
            Assert.Equal(0x01, events[0].Endpoint);
            Assert.Equal(612, events[0].Length);
            Assert.Equal(packet, buffer.Take(512));
            Assert.Equal(packet.Take(100), buffer.Skip(512).Take(100));
            Assert.Equal(F.Handshake.Nak, rig.Bus.Out(1, packet)); // NAKing again until the next ArmOut
        }

        [Fact]
        public void A_stalled_bulk_endpoint_stays_stalled_until_cleared_and_clearing_resets_the_toggle()
        {
            var rig = new Rig();
            rig.Enumerate();
            Assert.True(rig.Port.OpenEndpoint(0x81, UsbEndpointType.Bulk, 512));
            byte[] data = rig.Bus.NewBuffer(1024);
            Assert.True(rig.Port.StartIn(0x81, data, 0, 1024));
            Assert.Equal(F.Handshake.Data, rig.Bus.In(1, new byte[512], out _));
            Assert.Equal(1, rig.Bus.DataToggle(1, isIn: true));

            rig.Port.Stall(0x81);
            Assert.Equal(F.Handshake.Stall, rig.Bus.In(1, new byte[512], out _));
            rig.Setup(GetDeviceDescriptor); // a SETUP on EP0 leaves EP1's stall alone
            Assert.Equal(F.Handshake.Stall, rig.Bus.In(1, new byte[512], out _));

            rig.Port.ClearStall(0x81);
            Assert.Equal(0, rig.Bus.DataToggle(1, isIn: true));
            // The transfer in flight stayed queued: its second packet goes out now.
            Assert.Equal(F.Handshake.Data, rig.Bus.In(1, new byte[512], out int length));
            Assert.Equal(512, length);
            rig.Service();
            Assert.Equal(UsbEventKind.InComplete, rig.Events().Single().Kind);
        }

        [Fact]
        public void Closing_an_endpoint_abandons_its_transfer_without_an_event_and_flushes_its_fifo()
        {
            var rig = new Rig();
            rig.Enumerate();
            Assert.True(rig.Port.OpenEndpoint(0x82, UsbEndpointType.Bulk, 512));
            Assert.True(rig.Port.OpenEndpoint(0x02, UsbEndpointType.Bulk, 512));
            byte[] data = rig.Bus.NewBuffer(1024);
            Assert.True(rig.Port.StartIn(0x82, data, 0, 1024));
            Assert.True(rig.Port.ArmOut(0x02, rig.Bus.NewBuffer(512), 0, 512));
            rig.Bus.TxFlushes.Clear();

            rig.Port.CloseEndpoint(0x82);
            rig.Port.CloseEndpoint(0x02); // the model insists on the global OUT NAK for this
            rig.Port.CloseEndpoint(0x02); // a no-op
            rig.Service();

            Assert.Empty(rig.Events());
            Assert.Equal(new uint[] { 2 }, rig.Bus.TxFlushes);
            Assert.Equal(0u, rig.Bus.Peek(F.DIEPCTL(2)) & (F.Usbaep | F.Epena));
            Assert.Equal(0u, rig.Bus.Peek(F.DOEPCTL(2)) & (F.Usbaep | F.Epena));
            Assert.Equal(0u, rig.Bus.Peek(F.DCTL) & F.Gonsts); // the global OUT NAK released again
            Assert.Equal(0u, rig.Bus.Peek(F.DAINTMSK) & ((1u << 2) | (1u << 18)));
            Assert.False(rig.Port.StartIn(0x82, data, 0, 512));
            Assert.Equal(F.Handshake.None, rig.Bus.Out(2, new byte[8]));
            // Open again: a fresh endpoint.
            Assert.True(rig.Port.OpenEndpoint(0x82, UsbEndpointType.Bulk, 512));
            Assert.True(rig.Port.StartIn(0x82, data, 0, 512));
        }

        // --- steady state ---

        [Fact]
        public void Transfers_interrupts_and_events_allocate_nothing()
        {
            var rig = new Rig();
            rig.Enumerate();
            Assert.True(rig.Port.OpenEndpoint(0x81, UsbEndpointType.Bulk, 512));
            Assert.True(rig.Port.OpenEndpoint(0x01, UsbEndpointType.Bulk, 512));
            byte[] tx = rig.Bus.NewBuffer(2048);
            byte[] rx = rig.Bus.NewBuffer(2048);
            byte[] ep0 = rig.Bus.NewBuffer(64);
            byte[] wire = new byte[512];
            int events = 0;

            void Traffic()
            {
                for (int i = 0; i < 100; i++)
                {
                    rig.Bus.Setup(SetLineCoding);
                    rig.Port.HandleInterrupt();
                    rig.Port.ArmOut(0x00, ep0, 0, 64);
                    rig.Bus.Out(0, wire.AsSpan(0, 7));
                    rig.Port.HandleInterrupt();
                    rig.Port.StartIn(0x80, ep0, 0, 0);
                    rig.Bus.In(0, wire, out _);
                    rig.Port.HandleInterrupt();

                    rig.Port.StartIn(0x81, tx, 0, 1500);
                    while (rig.Bus.In(1, wire, out _) == F.Handshake.Data) rig.Port.HandleInterrupt();
                    rig.Port.ArmOut(0x01, rx, 0, 1024);
                    rig.Bus.Out(1, wire);
                    rig.Bus.Out(1, wire.AsSpan(0, 10));
                    rig.Port.HandleInterrupt();
                    rig.Bus.Suspend();
                    rig.Port.HandleInterrupt();
                    while (rig.Port.TryTakeEvent(out UsbEvent e)) events++;
                }
            }

            Traffic(); // warm-up: JIT, first-call paths
            long least = long.MaxValue;
            for (int run = 0; run < 3; run++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                Traffic();
                least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
            }

            Assert.Equal(0, least);
            Assert.Equal(4 * 100 * 6, events); // Setup, OutComplete, InComplete x2, OutComplete, Suspend
            Assert.Equal(0u, rig.Port.EventOverflows);
        }
    }
}
