using System;
using System.Diagnostics;
using System.Text;
using ChargePoint.Drivers;
using Xunit;

namespace ChargePoint.Tests.Drivers
{
    // The LAN8742A driver over the MAC's MDIO registers, against FakeStm32EthBus: its MACMIIAR
    // busy bit ignores writes while a transaction runs, and its PHY answers only at the right
    // address with an MDC clock the PHY can follow.
    public class Lan8742Tests
    {
        private const uint Hclk = 216000000;

        private static string Text(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8);

        [Fact]
        public void Reset_checks_the_identifier_then_waits_for_the_soft_reset_to_finish()
        {
            var bus = new FakeStm32EthBus();
            bus.Phy.ResetDurationReads = 25;
            var phy = new Lan8742(bus, 0, Hclk);

            Assert.True(phy.Reset());
            Assert.Equal(1, bus.Phy.SoftResets);
            Assert.Equal(0, bus.Phy.Control & 0x8000);
            Assert.Equal(0, phy.Failure.Length);
        }

        [Fact]
        public void Accesses_wait_for_the_busy_bit_so_no_write_is_ignored()
        {
            // The MAC drops MACMIIAR/MACMIIDR writes while MB is set: a driver that did not wait
            // before each access would lose the advertisement or read a stale data register.
            var bus = new FakeStm32EthBus { MdioBusyReads = 40 };
            var phy = new Lan8742(bus, 0, Hclk);

            Assert.True(phy.Write(Lan8742.Advertisement, 0x0061));
            Assert.True(phy.Read(Lan8742.Identifier1, out ushort id1));
            Assert.True(phy.Read(Lan8742.Identifier2, out ushort id2));
            Assert.True(phy.Read(Lan8742.Advertisement, out ushort advertisement));

            Assert.Equal(0x0007, id1);
            Assert.Equal(0xC131, id2);
            Assert.Equal(0x0061, advertisement);
            Assert.Equal(0x0061, bus.Phy.Advertisement);
            Assert.Equal(4, bus.MdioTransactions);
        }

        [Fact]
        public void A_PHY_that_never_answers_fails_Reset_instead_of_hanging()
        {
            var bus = new FakeStm32EthBus();
            bus.Phy.Present = false; // MDIO floats high: every read is 0xFFFF
            var phy = new Lan8742(bus, 0, Hclk);

            var watch = Stopwatch.StartNew();
            Assert.False(phy.Reset());
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
            Assert.Contains("PHY ID", Text(phy.Failure));
            Assert.Equal(0, bus.Phy.SoftResets);
        }

        [Fact]
        public void A_PHY_strapped_to_another_address_is_not_found()
        {
            var bus = new FakeStm32EthBus();
            bus.Phy.Address = 1;
            var phy = new Lan8742(bus, 0, Hclk);

            Assert.False(phy.Reset());
            Assert.True(new Lan8742(bus, 1, Hclk).Reset());
        }

        [Fact]
        public void A_soft_reset_that_never_finishes_is_reported()
        {
            var bus = new FakeStm32EthBus();
            bus.Phy.ResetNeverFinishes = true;
            var phy = new Lan8742(bus, 0, Hclk);

            Assert.False(phy.Reset());
            Assert.Contains("soft reset", Text(phy.Failure));
        }

        [Fact]
        public void A_busy_bit_that_never_clears_fails_the_access_instead_of_hanging()
        {
            var bus = new FakeStm32EthBus { MdioNeverFinishes = true };
            var phy = new Lan8742(bus, 0, Hclk);

            var watch = Stopwatch.StartNew();
            Assert.False(phy.Read(Lan8742.BasicStatus, out _));
            Assert.False(phy.Write(Lan8742.BasicControl, 0));
            Assert.False(phy.ReadLink(out bool up, out _, out _));
            Assert.False(up);
            Assert.False(phy.Reset());
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
            Assert.Contains("MB", Text(phy.Failure));
        }

        [Theory]
        [InlineData(25000000u)]
        [InlineData(50000000u)]
        [InlineData(72000000u)]
        [InlineData(120000000u)]
        [InlineData(168000000u)]
        [InlineData(216000000u)]
        public void The_clock_range_keeps_MDC_within_what_the_PHY_follows(uint hclk)
        {
            // The model's PHY reads 0xFFFF when MDC is above 2.5 MHz or CR is a reserved code.
            var bus = new FakeStm32EthBus(hclk);
            var phy = new Lan8742(bus, 0, hclk);

            Assert.True(phy.Read(Lan8742.Identifier1, out ushort id1));
            Assert.Equal(0x0007, id1);
        }

        [Fact]
        public void At_216_MHz_the_clock_range_is_HCLK_divided_by_102()
        {
            Assert.Equal(4u, Lan8742.ClockRangeFor(216000000));
            var bus = new FakeStm32EthBus();
            new Lan8742(bus, 0, Hclk).Read(Lan8742.BasicStatus, out _);
            Assert.Equal(4u, (bus.Peek(FakeStm32EthBus.MACMIIAR) >> 2) & 7);
        }

        [Fact]
        public void StartAutoNegotiation_advertises_every_mode_and_restarts_negotiation()
        {
            var bus = new FakeStm32EthBus();
            var phy = new Lan8742(bus, 0, Hclk);
            Assert.True(phy.Reset());
            phy.Write(Lan8742.Advertisement, 0x0021);
            int starts = bus.Phy.AutoNegotiationStarts;

            Assert.True(phy.StartAutoNegotiation());

            Assert.Equal(0x01E1, bus.Phy.Advertisement);
            Assert.NotEqual(0, bus.Phy.Control & 0x1000);
            Assert.Equal(starts + 1, bus.Phy.AutoNegotiationStarts);
        }

        [Theory]
        [InlineData((ushort)0x01E1, true, true)]   // partner can do everything: 100BASE-TX full
        [InlineData((ushort)0x00A1, false, true)]  // 100BASE-TX half, 10BASE-T half
        [InlineData((ushort)0x0061, true, false)]  // 10BASE-T full and half
        [InlineData((ushort)0x0021, false, false)] // 10BASE-T half only
        public void ReadLink_reports_the_negotiated_mode_from_the_special_status_register(ushort partner, bool full, bool is100)
        {
            var bus = new FakeStm32EthBus();
            bus.Phy.PartnerAbilities = partner;
            var phy = new Lan8742(bus, 0, Hclk);
            Assert.True(phy.Reset());
            Assert.True(phy.StartAutoNegotiation());

            Assert.True(phy.ReadLink(out bool up, out bool fullDuplex, out bool fast));

            Assert.True(up);
            Assert.Equal(full, fullDuplex);
            Assert.Equal(is100, fast);
        }

        [Fact]
        public void The_link_is_down_until_auto_negotiation_completes()
        {
            var bus = new FakeStm32EthBus();
            bus.Phy.AutoNegotiationReads = 6; // BSR reads
            var phy = new Lan8742(bus, 0, Hclk);
            Assert.True(phy.Reset());
            Assert.True(phy.StartAutoNegotiation());

            Assert.True(phy.ReadLink(out bool first, out _, out _));
            Assert.True(phy.ReadLink(out bool second, out _, out _));
            Assert.True(phy.ReadLink(out bool third, out _, out _));
            Assert.True(phy.ReadLink(out bool fourth, out _, out _));

            Assert.False(first);
            Assert.False(second);
            Assert.False(third);
            Assert.True(fourth);
        }

        [Fact]
        public void ReadLink_reads_the_latched_low_link_bit_twice_to_get_the_state_now()
        {
            var bus = new FakeStm32EthBus();
            var phy = new Lan8742(bus, 0, Hclk);
            Assert.True(phy.Reset());
            Assert.True(phy.StartAutoNegotiation());
            Assert.True(phy.ReadLink(out bool up, out _, out _));
            Assert.True(up);

            // The cable is pulled and put back between two polls: the first BSR read still
            // reports the loss, the second the renegotiated link.
            bus.Phy.UnplugCable();
            bus.Phy.PlugCable();
            Assert.True(phy.ReadLink(out up, out _, out _));
            Assert.True(up);

            bus.Phy.UnplugCable();
            Assert.True(phy.ReadLink(out up, out _, out _));
            Assert.False(up);
        }
    }
}
