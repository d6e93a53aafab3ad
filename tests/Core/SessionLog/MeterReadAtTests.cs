using ChargePoint.Core.Meter;
using Xunit;

namespace ChargePoint.Tests.Core.SessionLog
{
    // IMeter.ReadAt, which the high-rate samples are taken with: any instant since the meter's last
    // switch, exactly; the current derived from the power and the voltage.
    public class MeterReadAtTests
    {
        [Fact]
        public void A_delivering_meter_reads_any_instant_since_it_connected()
        {
            var clock = new FakeClock { UptimeMicroseconds = 17_197_000 };
            var meter = new MeterSimulator(clock);
            meter.Connect();
            clock.AdvanceMilliseconds(2000);
            meter.ReadAt(17_197_000, out MeterReading start);
            Assert.Equal(17_197_000, start.UptimeMicroseconds);
            Assert.Equal(230000, start.VoltageMillivolts);
            Assert.Equal(15652, start.CurrentMilliamperes); // 3600 W / 230 V = 15.652 A
            Assert.Equal(3600, start.PowerW);
            Assert.Equal(7000, start.EnergyMilliwattHours);
            meter.ReadAt(18_197_500, out MeterReading later);
            Assert.Equal(8000, later.EnergyMilliwattHours); // 1 s at 3600 W = 1 Wh; the half ms not yet a mWh
            meter.ReadAt(19_197_000, out MeterReading now);
            Assert.Equal(meter.MilliwattHours, now.EnergyMilliwattHours);
        }

        [Fact]
        public void Before_the_last_switch_reads_as_the_switch_and_after_now_as_now()
        {
            var clock = new FakeClock { UptimeMicroseconds = 1_000_000 };
            var meter = new MeterSimulator(clock, startWh: 10, powerW: 7200, voltageV: 240);
            meter.Connect();
            clock.AdvanceMilliseconds(1000);
            meter.ReadAt(0, out MeterReading early);
            Assert.Equal(1_000_000, early.UptimeMicroseconds);
            Assert.Equal(10000, early.EnergyMilliwattHours);
            meter.ReadAt(long.MaxValue, out MeterReading future);
            Assert.Equal(2_000_000, future.UptimeMicroseconds);
            Assert.Equal(12000, future.EnergyMilliwattHours);
            Assert.Equal(30000, future.CurrentMilliamperes); // 7200 W / 240 V

            meter.Disconnect();
            clock.AdvanceMilliseconds(1000);
            meter.ReadAt(2_500_000, out MeterReading idle);
            Assert.Equal(2_500_000, idle.UptimeMicroseconds);
            Assert.Equal(0, idle.PowerW);
            Assert.Equal(0, idle.CurrentMilliamperes);
            Assert.Equal(240000, idle.VoltageMillivolts);
            Assert.Equal(12000, idle.EnergyMilliwattHours);
        }
    }
}
