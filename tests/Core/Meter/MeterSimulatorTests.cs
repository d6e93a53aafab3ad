using ChargePoint.Core.Meter;
using Xunit;

namespace ChargePoint.Tests.Core.Meter
{
    public class MeterSimulatorTests
    {
        [Fact]
        public void The_register_starts_at_7_Wh_and_rises_only_while_delivering()
        {
            var clock = new FakeClock();
            var meter = new MeterSimulator(clock);
            Assert.Equal(7, meter.EnergyWh);
            clock.AdvanceMilliseconds(60000);
            Assert.Equal(7, meter.EnergyWh);
            Assert.Equal(0, meter.PowerW);

            meter.Connect();
            clock.AdvanceMilliseconds(10000); // 3600 W for 10 s = 10 Wh
            Assert.Equal(17, meter.EnergyWh);
            Assert.Equal(3600, meter.PowerW);
            Assert.Equal(156, meter.CurrentDeciAmperes); // 3600 / 230 = 15.6 A

            meter.Disconnect();
            clock.AdvanceMilliseconds(10000);
            Assert.Equal(17, meter.EnergyWh);
            meter.Connect();
            clock.AdvanceMilliseconds(500);
            Assert.Equal(17500, meter.MilliwattHours);
        }

        [Fact]
        public void A_configured_power_sets_the_rate()
        {
            var clock = new FakeClock();
            var meter = new MeterSimulator(clock, startWh: 100, powerW: 7200);
            meter.Connect();
            clock.AdvanceMilliseconds(3600 * 1000);
            Assert.Equal(7300, meter.EnergyWh);
        }
    }
}
