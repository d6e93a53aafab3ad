using System;
using System.Text;
using ChargePoint.Core.Config;
using Xunit;

namespace ChargePoint.Tests.Core
{
    public class Ipv4Tests
    {
        [Theory]
        [InlineData("0.0.0.0", 0x00000000u)]
        [InlineData("10.0.2.2", 0x0A000202u)]
        [InlineData("192.168.1.101", 0xC0A80165u)]
        [InlineData("255.255.255.255", 0xFFFFFFFFu)]
        [InlineData("1.20.100.250", 0x011464FAu)]
        public void A_dotted_quad_parses_to_a_big_endian_number(string text, uint expected)
        {
            Assert.True(Ipv4.TryParse(Encoding.ASCII.GetBytes(text), out uint address));
            Assert.Equal(expected, address);
        }

        [Theory]
        [InlineData("")]
        [InlineData("10.0.2")]
        [InlineData("10.0.2.2.1")]
        [InlineData("10.0.2.")]
        [InlineData(".10.0.2")]
        [InlineData("10..0.2")]
        [InlineData("256.0.0.1")]
        [InlineData("10.0.2.1000")]
        [InlineData("010.0.0.1")]
        [InlineData("10.0.0.01")]
        [InlineData("10.0.0.1 ")]
        [InlineData(" 10.0.0.1")]
        [InlineData("10.0.0.a")]
        [InlineData("10.0.0.-1")]
        [InlineData("0x0a.0.0.1")]
        [InlineData("4294967295")]
        public void Anything_but_four_parts_of_0_to_255_is_refused(string text)
        {
            Assert.False(Ipv4.TryParse(Encoding.ASCII.GetBytes(text), out uint address));
            Assert.Equal(0u, address);
        }

        [Theory]
        [InlineData(0x00000000u, "0.0.0.0")]
        [InlineData(0x0A000202u, "10.0.2.2")]
        [InlineData(0xC0A80165u, "192.168.1.101")]
        [InlineData(0xFFFFFFFFu, "255.255.255.255")]
        [InlineData(0x6409630Au, "100.9.99.10")]
        public void An_address_formats_as_a_dotted_quad_and_returns_its_length(uint address, string expected)
        {
            Span<byte> text = stackalloc byte[Ipv4.MaxTextLength];
            int length = Ipv4.Format(address, text);
            Assert.Equal(expected, Encoding.ASCII.GetString(text.Slice(0, length)));
        }

        [Fact]
        public void Format_writes_only_its_length_into_a_larger_buffer()
        {
            byte[] buffer = Encoding.ASCII.GetBytes("xxxxxxxxxxxxxxxxxxxx");
            Assert.Equal(7, Ipv4.Format(0x01020304, buffer));
            Assert.Equal("1.2.3.4xxxxxxxxxxxxx", Encoding.ASCII.GetString(buffer));
        }

        [Fact]
        public void Format_and_parse_round_trip()
        {
            var random = new Random(1234);
            byte[] text = new byte[Ipv4.MaxTextLength];
            for (int i = 0; i < 1000; i++)
            {
                uint address = (uint)random.Next() ^ ((uint)random.Next() << 16);
                int length = Ipv4.Format(address, text);
                Assert.True(Ipv4.TryParse(text.AsSpan(0, length), out uint back));
                Assert.Equal(address, back);
            }
        }

        [Theory]
        [InlineData(0xFFFFFFFFu, true)]
        [InlineData(0xFFFFFF00u, true)]
        [InlineData(0xFFFFF000u, true)]
        [InlineData(0x80000000u, true)]
        [InlineData(0x00000000u, true)]
        [InlineData(0xFF00FF00u, false)]
        [InlineData(0x00FFFFFFu, false)]
        [InlineData(0xFFFFFF01u, false)]
        public void A_netmask_is_contiguous_when_its_ones_come_first(uint netmask, bool contiguous)
        {
            Assert.Equal(contiguous, Ipv4.IsContiguousNetmask(netmask));
        }

        [Theory]
        [InlineData(0x0A000001u, true)]
        [InlineData(0xDFFFFFFEu, true)]
        [InlineData(0x00000000u, false)]
        [InlineData(0x00000001u, false)]
        [InlineData(0x7F000001u, false)]
        [InlineData(0xE0000001u, false)]
        [InlineData(0xFFFFFFFFu, false)]
        public void Only_unicast_host_addresses_count_as_hosts(uint address, bool unicast)
        {
            Assert.Equal(unicast, Ipv4.IsUnicastHost(address));
        }
    }
}
