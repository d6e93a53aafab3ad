using System;
using System.Linq;
using System.Text;
using ChargePoint.Core.Scheduling;
using ChargePoint.Drivers;
using ChargePoint.Tests.Core;
using Xunit;
using F = ChargePoint.Tests.Drivers.FakeStm32EthBus;

namespace ChargePoint.Tests.Drivers
{
    // Stm32Eth against the register-level model of the ETH MAC/DMA (FakeStm32EthBus): the tests
    // put frames on the model's wire, deliver the interrupt when the model raises it, and read
    // what the MAC sent.
    public class Stm32EthTests
    {
        private static readonly byte[] OurMac = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
        private static readonly byte[] OtherMac = { 0x02, 0x99, 0x88, 0x77, 0x66, 0x55 };
        private static readonly byte[] Broadcast = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

        private sealed class SignalledTask : ITask
        {
            public ReadOnlySpan<byte> Name => "net"u8;
            public int Runs;
            public void Run(long nowMilliseconds) => Runs++;
        }

        private sealed class Rig
        {
            public readonly F Bus;
            public readonly Stm32Eth Eth;
            public readonly Scheduler Scheduler;
            public readonly SignalledTask Task = new SignalledTask();
            public readonly int TaskId;

            public Rig(F bus, bool start = true)
            {
                Bus = bus;
                Scheduler = new Scheduler(new FakeClock(), 2);
                TaskId = Scheduler.Add(Task);
                Scheduler.Start();
                Eth = new Stm32Eth(bus, new Lan8742(bus, 0, 216000000), OurMac);
                if (start) Eth.Start(Scheduler, TaskId);
            }

            // The NVIC's view: the handler runs while the line is asserted.
            public int ServiceInterrupt()
            {
                int calls = 0;
                while (Bus.InterruptPending)
                {
                    Assert.True(++calls < 10, "the interrupt line stays asserted after the handler");
                    Eth.HandleInterrupt();
                }
                return calls;
            }

            // Did the handler (or PollLink) signal the network task since the last call?
            public bool TaskWasSignalled()
            {
                int before = Task.Runs;
                Scheduler.RunDue();
                return Task.Runs > before;
            }

            public void Deliver(byte[] frame)
            {
                Bus.PutOnWire(frame);
                ServiceInterrupt();
            }
        }

        private static byte[] Frame(byte[] destination, int length, byte seed)
        {
            var frame = new byte[length];
            destination.CopyTo(frame, 0);
            OtherMac.CopyTo(frame, 6);
            frame[12] = 0x08; // IPv4
            frame[13] = 0x00;
            for (int i = 14; i < length; i++) frame[i] = (byte)(seed + i);
            return frame;
        }

        private static byte[] Received(Rig rig, int capacity = 1600)
        {
            var buffer = new byte[capacity];
            int length = rig.Eth.Receive(buffer);
            return buffer.AsSpan(0, length).ToArray();
        }

        private static string Text(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8);

        private static int IndexOfWrite(F bus, uint offset) => bus.RegisterWrites.FindIndex(w => w.Offset == offset);

        // ------------------------------------------------------------ start-up

        [Fact]
        public void Start_resets_the_MAC_first_and_waits_for_the_reset_to_finish_before_programming_it()
        {
            // The model throws if any register is written while DMABMR.SR still reads 1.
            var bus = new F { ResetDurationReads = 200 };
            bus.RecordRegisterWrites();
            var rig = new Rig(bus);

            Assert.True(rig.Eth.IsStarted);
            Assert.Equal((F.DMABMR, F.DmabmrSr), bus.RegisterWrites[0]);
            Assert.Equal(1, bus.SoftwareResets);
            Assert.True(bus.DmaBusModeReadsWhileResetting > 200);
            Assert.Equal(0u, bus.Peek(F.DMABMR) & F.DmabmrSr);
        }

        [Fact]
        public void Start_builds_the_lists_and_programs_the_MAC_before_starting_the_DMA()
        {
            var bus = new F();
            bus.RecordRegisterWrites();
            var rig = new Rig(bus);

            int start = IndexOfWrite(bus, F.DMAOMR);
            Assert.True(IndexOfWrite(bus, F.DMARDLAR) < start);
            Assert.True(IndexOfWrite(bus, F.DMATDLAR) < start);
            Assert.True(IndexOfWrite(bus, F.MACA0LR) < start);
            Assert.True(IndexOfWrite(bus, F.MACCR) < start);
            uint mode = bus.Peek(F.DMAOMR);
            Assert.Equal(F.DmaomrSr | F.DmaomrSt | F.DmaomrTsf | F.DmaomrRsf, mode & (F.DmaomrSr | F.DmaomrSt | F.DmaomrTsf | F.DmaomrRsf));
            Assert.Equal(0u, bus.Peek(F.DMABMR) & F.DmabmrEdfe); // normal descriptors

            // Every receive descriptor belongs to the DMA, which waits for a frame; the transmit
            // DMA found the CPU's first descriptor and suspended.
            Assert.Equal(F.RxRunning, bus.ReceiveState);
            Assert.Equal(F.TxSuspended, bus.TransmitState);
            uint list = bus.Peek(F.DMARDLAR);
            for (int i = 0; i < Stm32Eth.ReceiveDescriptors; i++)
                Assert.NotEqual(0u, bus.PeekRam(list + (uint)(16 * i)) & F.Own);
        }

        [Fact]
        public void Without_the_RMII_reference_clock_the_reset_never_finishes_and_Start_says_so()
        {
            var bus = new F { ReferenceClockPresent = false };
            bus.RecordRegisterWrites();
            var rig = new Rig(bus);

            Assert.False(rig.Eth.IsStarted);
            Assert.Contains("REF_CLK", Text(rig.Eth.Failure));
            Assert.Single(bus.RegisterWrites); // the reset, nothing after it
            Assert.Equal(0, rig.Eth.Receive(new byte[1600]));
            Assert.False(rig.Eth.Transmit(Frame(Broadcast, 60, 1)));
            Assert.False(rig.Eth.PollLink());
        }

        [Fact]
        public void Without_a_PHY_on_MDIO_Start_fails_with_the_PHY_drivers_reason()
        {
            var bus = new F();
            bus.Phy.Present = false;
            var rig = new Rig(bus);

            Assert.False(rig.Eth.IsStarted);
            Assert.Contains("lan8742", Text(rig.Eth.Failure));
            Assert.Equal(0u, bus.Peek(F.DMAOMR));
        }

        [Fact]
        public void The_MAC_address_registers_hold_the_address_first_byte_lowest()
        {
            var rig = new Rig(new F());

            Assert.Equal(0x33221102u, rig.Bus.Peek(F.MACA0LR));
            Assert.Equal(0x5544u, rig.Bus.Peek(F.MACA0HR) & 0xFFFF);
            Assert.Equal(OurMac, rig.Eth.MacAddress.ToArray());
        }

        [Fact]
        public void The_filter_passes_our_address_broadcast_and_multicast_but_not_other_unicast()
        {
            var rig = new Rig(new F());
            byte[] multicast = { 0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB };

            rig.Deliver(Frame(OurMac, 64, 1));
            rig.Deliver(Frame(OtherMac, 64, 2));
            rig.Deliver(Frame(Broadcast, 64, 3));
            rig.Deliver(Frame(multicast, 64, 4));

            Assert.Equal(OurMac, Received(rig).Take(6).ToArray());
            Assert.Equal(Broadcast, Received(rig).Take(6).ToArray());
            Assert.Equal(multicast, Received(rig).Take(6).ToArray());
            Assert.Empty(Received(rig));
            Assert.Equal(1, rig.Bus.FramesFiltered);
        }

        // ------------------------------------------------------------ link and MAC mode

        [Theory]
        [InlineData((ushort)0x01E1, true, true)]
        [InlineData((ushort)0x00A1, false, true)]
        [InlineData((ushort)0x0061, true, false)]
        [InlineData((ushort)0x0021, false, false)]
        public void The_negotiated_mode_sets_MACCR_speed_and_duplex(ushort partner, bool full, bool is100)
        {
            var bus = new F();
            bus.Phy.PartnerAbilities = partner;
            var rig = new Rig(bus);

            uint maccr = bus.Peek(F.MACCR);
            Assert.True(rig.Eth.IsLinkUp);
            Assert.Equal(full, (maccr & F.MaccrDm) != 0);
            Assert.Equal(is100, (maccr & F.MaccrFes) != 0);
            Assert.Equal(F.MaccrRe | F.MaccrTe, maccr & (F.MaccrRe | F.MaccrTe));

            // The model garbles frames when MAC and PHY speeds differ: these must get through.
            rig.Deliver(Frame(OurMac, 100, 7));
            Assert.Equal(100, Received(rig).Length);
            Assert.True(rig.Eth.Transmit(Frame(OtherMac, 100, 8)));
            Assert.Equal(100, bus.TakeTransmitted().Length);
            Assert.Equal(0, bus.FramesGarbled);
        }

        [Fact]
        public void A_negotiation_that_finishes_after_Start_configures_MACCR_at_the_next_PollLink()
        {
            var bus = new F();
            bus.Phy.AutoNegotiationReads = 50;
            bus.Phy.PartnerAbilities = 0x0021; // 10BASE-T half duplex
            var rig = new Rig(bus);
            Assert.False(rig.Eth.IsLinkUp);
            Assert.False(rig.Eth.Transmit(Frame(OtherMac, 60, 1)));

            int polls = 0;
            while (!rig.Eth.PollLink()) Assert.True(++polls < 100);

            Assert.True(rig.Eth.IsLinkUp);
            Assert.Equal(0u, bus.Peek(F.MACCR) & (F.MaccrFes | F.MaccrDm));
            Assert.True(rig.TaskWasSignalled());
            rig.Deliver(Frame(OurMac, 80, 3));
            Assert.Equal(80, Received(rig).Length);
        }

        [Fact]
        public void PollLink_reports_the_link_going_down_and_coming_back()
        {
            var rig = new Rig(new F());
            Assert.True(rig.Eth.IsLinkUp);
            Assert.False(rig.Eth.PollLink());

            rig.Bus.Phy.UnplugCable();
            Assert.True(rig.Eth.PollLink());
            Assert.False(rig.Eth.IsLinkUp);
            Assert.True(rig.TaskWasSignalled());
            Assert.False(rig.Eth.PollLink());
            Assert.False(rig.Eth.Transmit(Frame(OtherMac, 60, 1)));

            rig.Bus.Phy.PlugCable();
            Assert.True(rig.Eth.PollLink());
            Assert.True(rig.Eth.IsLinkUp);
            Assert.True(rig.Eth.Transmit(Frame(OtherMac, 60, 1)));
        }

        [Fact]
        public void A_partner_that_renegotiates_another_mode_between_polls_gets_a_new_MACCR()
        {
            var rig = new Rig(new F());
            Assert.NotEqual(0u, rig.Bus.Peek(F.MACCR) & F.MaccrFes);

            rig.Bus.Phy.UnplugCable();
            rig.Bus.Phy.PartnerAbilities = 0x0061; // now a 10 Mbit/s switch port
            rig.Bus.Phy.PlugCable();
            rig.Eth.PollLink();

            Assert.True(rig.Eth.IsLinkUp);
            Assert.Equal(F.MaccrDm, rig.Bus.Peek(F.MACCR) & (F.MaccrFes | F.MaccrDm));
        }

        // ------------------------------------------------------------ receive

        [Fact]
        public void Received_frame_is_handed_over_and_the_descriptor_returned_to_the_DMA()
        {
            var rig = new Rig(new F());
            byte[] frame = Frame(OurMac, 342, 9);
            uint first = rig.Bus.Peek(F.DMARDLAR);

            rig.Bus.PutOnWire(frame);
            Assert.True(rig.Bus.InterruptPending);
            Assert.Equal(0u, rig.Bus.PeekRam(first) & F.Own); // the DMA gave it to the CPU
            Assert.Equal(1, rig.ServiceInterrupt());
            Assert.True(rig.TaskWasSignalled());

            Assert.Equal(frame, Received(rig));
            Assert.NotEqual(0u, rig.Bus.PeekRam(first) & F.Own); // and the CPU gave it back
            Assert.Equal(1u, rig.Eth.FramesReceived);
            Assert.Empty(Received(rig));
            Assert.Equal(0u, rig.Eth.ReceiveDrops);
        }

        [Fact]
        public void HandleInterrupt_clears_exactly_what_it_read()
        {
            var rig = new Rig(new F());
            rig.Bus.PutOnWire(Frame(OurMac, 60, 1));
            Assert.NotEqual(0u, rig.Bus.Peek(F.DMASR) & (F.Rs | F.Nis));

            rig.Eth.HandleInterrupt();

            Assert.Equal(0u, rig.Bus.Peek(F.DMASR) & 0x1FFFF);
            Assert.False(rig.Bus.InterruptPending);
            Assert.Equal(1u, rig.Eth.Interrupts);
        }

        [Fact]
        public void Several_frames_are_received_in_order_across_the_ring_wrap()
        {
            var rig = new Rig(new F());
            for (int i = 0; i < 11; i++)
            {
                byte[] frame = Frame(OurMac, 60 + i * 37, (byte)i);
                rig.Deliver(frame);
                Assert.Equal(frame, Received(rig));
            }

            // Three at once, then three Receive calls.
            byte[][] burst = { Frame(OurMac, 70, 20), Frame(Broadcast, 1514, 21), Frame(OurMac, 61, 22) };
            foreach (byte[] frame in burst) rig.Bus.PutOnWire(frame);
            rig.ServiceInterrupt();
            foreach (byte[] frame in burst) Assert.Equal(frame, Received(rig));
            Assert.Empty(Received(rig));
            Assert.Equal(14u, rig.Eth.FramesReceived);
            Assert.Equal(0u, rig.Eth.ReceiveDrops);
        }

        [Fact]
        public void With_every_descriptor_full_the_DMA_suspends_and_Receive_resumes_it()
        {
            var rig = new Rig(new F());
            byte[][] frames = Enumerable.Range(0, Stm32Eth.ReceiveDescriptors).Select(i => Frame(OurMac, 100 + i, (byte)i)).ToArray();
            foreach (byte[] frame in frames) rig.Bus.PutOnWire(frame);

            // RM0410: the DMA looks ahead to the next descriptor; the CPU's means RBUS, suspended.
            Assert.Equal(F.RxSuspended, rig.Bus.ReceiveState);
            Assert.NotEqual(0u, rig.Bus.Peek(F.DMASR) & F.Rbus);
            rig.Bus.PutOnWire(Frame(OurMac, 200, 99)); // no descriptor: the DMA drops it (MFC)
            rig.ServiceInterrupt();

            foreach (byte[] frame in frames) Assert.Equal(frame, Received(rig));
            Assert.True(rig.Bus.ReceivePollDemands > 0);
            Assert.Equal(F.RxRunning, rig.Bus.ReceiveState);
            Assert.Equal(1u, rig.Eth.ReceiveDrops);

            byte[] after = Frame(OurMac, 300, 42);
            rig.Deliver(after);
            Assert.Equal(after, Received(rig));
        }

        [Fact]
        public void A_frame_longer_than_one_buffer_is_dropped_counted_and_its_descriptors_returned()
        {
            var rig = new Rig(new F());
            rig.Deliver(Frame(OurMac, 1600, 5)); // a giant: FS in one descriptor, LS in the next

            Assert.Empty(Received(rig));
            Assert.Equal(1u, rig.Eth.ReceiveDrops);

            // The ring goes on: the next frames land in the descriptors after the two pieces.
            for (int i = 0; i < 6; i++)
            {
                byte[] frame = Frame(OurMac, 90, (byte)i);
                rig.Deliver(frame);
                Assert.Equal(frame, Received(rig));
            }
            Assert.Equal(1u, rig.Eth.ReceiveDrops);
        }

        [Fact]
        public void A_frame_longer_than_the_callers_buffer_is_dropped_and_counted()
        {
            var rig = new Rig(new F());
            rig.Deliver(Frame(OurMac, 200, 1));
            Assert.Empty(Received(rig, capacity: 100));
            Assert.Equal(1u, rig.Eth.ReceiveDrops);

            byte[] next = Frame(OurMac, 90, 2);
            rig.Deliver(next);
            Assert.Equal(next, Received(rig, capacity: 100));
        }

        [Fact]
        public void A_truncated_frame_closed_with_an_error_is_dropped_and_counted()
        {
            var rig = new Rig(new F());
            for (int i = 0; i < Stm32Eth.ReceiveDescriptors - 1; i++) rig.Bus.PutOnWire(Frame(OurMac, 64, (byte)i));
            // One descriptor left and the one after it is the CPU's: the DMA truncates this frame
            // and closes the descriptor with LS, DE and ES.
            rig.Bus.PutOnWire(Frame(OurMac, 1600, 50));
            rig.ServiceInterrupt();

            for (int i = 0; i < Stm32Eth.ReceiveDescriptors - 1; i++) Assert.Equal(64, Received(rig).Length);
            Assert.Empty(Received(rig));
            Assert.Equal(1u, rig.Eth.ReceiveDrops);
        }

        [Fact]
        public void Frames_with_a_bad_FCS_are_dropped_by_the_MAC_and_counted_from_its_counters()
        {
            var rig = new Rig(new F());
            rig.Bus.PutOnWire(Frame(OurMac, 100, 1), crcError: true);
            rig.ServiceInterrupt();
            Assert.Empty(Received(rig));

            rig.Eth.PollLink(); // reads the MMC counters
            Assert.Equal(1u, rig.Eth.ReceiveDrops);
            rig.Eth.PollLink(); // reset on read: counted once
            Assert.Equal(1u, rig.Eth.ReceiveDrops);
        }

        [Fact]
        public void A_fatal_bus_error_stops_the_driver_instead_of_reading_stale_descriptors()
        {
            var rig = new Rig(new F());
            rig.Bus.DmaReachesRam = false; // as if the buffers sat where the ETH DMA cannot go
            rig.Bus.PutOnWire(Frame(OurMac, 100, 1));
            Assert.NotEqual(0u, rig.Bus.Peek(F.DMASR) & F.Fbes);
            rig.ServiceInterrupt();

            Assert.True(rig.Eth.FatalBusError);
            Assert.True(rig.TaskWasSignalled());
            Assert.Equal(0, rig.Eth.Receive(new byte[1600]));
            Assert.False(rig.Eth.Transmit(Frame(OtherMac, 60, 1)));
        }

        // ------------------------------------------------------------ transmit

        [Fact]
        public void Transmit_hands_the_frame_to_the_DMA_which_sends_it_and_returns_the_descriptor()
        {
            var rig = new Rig(new F());
            byte[] frame = Frame(OtherMac, 590, 3);
            uint first = rig.Bus.Peek(F.DMATDLAR);

            Assert.True(rig.Eth.Transmit(frame));

            Assert.Equal(frame, rig.Bus.TakeTransmitted());
            Assert.Equal(1, rig.Bus.TransmitPollDemands);
            Assert.Equal(0u, rig.Bus.PeekRam(first) & F.Own);
            Assert.NotEqual(0u, rig.Bus.Peek(F.DMASR) & F.Ts); // IC: transmit complete reported
            Assert.Equal(1u, rig.Eth.FramesSent);
        }

        [Fact]
        public void A_short_frame_is_padded_to_60_bytes_by_the_MAC()
        {
            var rig = new Rig(new F());
            byte[] frame = Frame(OtherMac, 42, 3); // an ARP request

            Assert.True(rig.Eth.Transmit(frame));

            byte[] sent = rig.Bus.TakeTransmitted();
            Assert.Equal(60, sent.Length);
            Assert.Equal(frame, sent.Take(42).ToArray());
            Assert.All(sent.Skip(42), b => Assert.Equal(0, b));
        }

        [Fact]
        public void Transmit_returns_false_while_the_ring_is_full_and_true_once_frames_went_out()
        {
            var rig = new Rig(new F());
            rig.Bus.WireBusy = true; // the MAC cannot send yet: descriptors stay with the DMA
            byte[][] frames = Enumerable.Range(0, Stm32Eth.TransmitDescriptors).Select(i => Frame(OtherMac, 100 + i, (byte)i)).ToArray();
            foreach (byte[] frame in frames) Assert.True(rig.Eth.Transmit(frame));

            Assert.False(rig.Eth.Transmit(Frame(OtherMac, 60, 9)));
            Assert.Equal(0, rig.Bus.TransmittedWaiting);

            rig.Bus.WireBusy = false;
            foreach (byte[] frame in frames) Assert.Equal(frame, rig.Bus.TakeTransmitted());

            // The ring wrapped: every descriptor is usable again, in order.
            for (int i = 0; i < 2 * Stm32Eth.TransmitDescriptors; i++)
            {
                byte[] frame = Frame(OtherMac, 64 + i, (byte)(i + 10));
                Assert.True(rig.Eth.Transmit(frame));
                Assert.Equal(frame, rig.Bus.TakeTransmitted());
            }
        }

        [Fact]
        public void A_frame_longer_than_1514_bytes_or_empty_is_refused()
        {
            var rig = new Rig(new F());
            Assert.False(rig.Eth.Transmit(Frame(OtherMac, 1515, 1)));
            Assert.False(rig.Eth.Transmit(ReadOnlySpan<byte>.Empty));
            Assert.True(rig.Eth.Transmit(Frame(OtherMac, 1514, 1)));
            Assert.Equal(1514, rig.Bus.TakeTransmitted().Length);
        }

        // ------------------------------------------------------------ steady state

        [Fact]
        public void Receive_transmit_interrupt_handling_and_link_polling_allocate_nothing()
        {
            var rig = new Rig(new F());
            byte[] incoming = Frame(OurMac, 700, 1);
            byte[] outgoing = Frame(OtherMac, 300, 2);
            byte[] buffer = new byte[1600];
            byte[] sent = new byte[2048];
            int received = 0, transmitted = 0;
            bool lineStuck = false;

            void Traffic()
            {
                received = transmitted = 0;
                for (int i = 0; i < 200; i++)
                {
                    rig.Bus.PutOnWire(incoming);
                    for (int n = 0; n < 4 && rig.Bus.InterruptPending; n++) rig.Eth.HandleInterrupt();
                    lineStuck |= rig.Bus.InterruptPending;
                    received += rig.Eth.Receive(buffer) > 0 ? 1 : 0;
                    rig.Eth.Receive(buffer);
                    transmitted += rig.Eth.Transmit(outgoing) ? 1 : 0;
                    rig.Bus.TakeTransmitted(sent);
                    if (i % 50 == 0) rig.Eth.PollLink();
                }
            }

            long allocated = Allocations.By(Traffic);

            Assert.Equal(0, allocated);
            Assert.False(lineStuck);
            Assert.Equal(200, received);   // in the last run
            Assert.Equal(200, transmitted);
            Assert.Equal(0u, rig.Eth.ReceiveDrops);
        }
    }
}
