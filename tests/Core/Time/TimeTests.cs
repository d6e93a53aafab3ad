using ChargePoint.Core.Time;
using Xunit;

namespace ChargePoint.Tests.Core.Time
{
    public class CounterClockTests
    {
        private sealed class FakeCounter : IFreeRunningCounter
        {
            public uint FrequencyHz { get; set; } = 25000000;
            public uint Count { get; set; }
        }

        [Fact]
        public void Microseconds_follow_the_counter_exactly_not_in_millisecond_steps()
        {
            var counter = new FakeCounter { Count = 1000 };
            var clock = new CounterClock(counter);
            counter.Count = 1000 + 25 * 1234567; // 1.234567 s of 25 MHz ticks
            Assert.Equal(1234567, clock.UptimeMicroseconds);
            counter.Count += 24; // under one microsecond: no step yet
            Assert.Equal(1234567, clock.UptimeMicroseconds);
            counter.Count += 1;
            Assert.Equal(1234568, clock.UptimeMicroseconds);
        }

        [Fact]
        public void The_counter_wrapping_at_2_to_the_32_does_not_turn_time_back()
        {
            var counter = new FakeCounter { Count = 0xFFFFFF00u };
            var clock = new CounterClock(counter);
            long previous = clock.UptimeMicroseconds;
            for (int step = 0; step < 3 * 64; step++)
            {
                counter.Count += 0x04000000u; // 2.68 s at 25 MHz: three wraps over the loop
                long now = clock.UptimeMicroseconds;
                Assert.True(now > previous);
                previous = now;
            }
            // 192 steps of 2^26 ticks = 3 * 2^32 ticks
            Assert.Equal(3L * (1L << 32) * 1000000 / 25000000, previous);
        }

        [Fact]
        public void A_216_MHz_cycle_counter_gives_microseconds_too()
        {
            var counter = new FakeCounter { FrequencyHz = 216000000, Count = 5 };
            var clock = new CounterClock(counter);
            counter.Count = 5 + 216000000u * 3 + 216 * 7;
            Assert.Equal(3000007, clock.UptimeMicroseconds);
        }
    }

    public class WallClockTests
    {
        [Fact]
        public void Is_not_set_until_told_and_then_moves_with_the_uptime()
        {
            var uptime = new FakeClock { UptimeMicroseconds = 7024000 };
            var wall = new WallClock(uptime);
            Assert.False(wall.IsSet);
            Assert.False(wall.TryGetUtc(out long s0, out int us0));
            Assert.Equal(0, s0 + us0);

            wall.Set(1707890823, 250000, WallClock.Source.Sntp);
            Assert.True(wall.IsSet);
            Assert.Equal(WallClock.Source.Sntp, wall.SetBy);
            Assert.True(wall.TryGetUtc(out long seconds, out int micro));
            Assert.Equal(1707890823, seconds);
            Assert.Equal(250000, micro);

            uptime.AdvanceMilliseconds(61750);
            wall.TryGetUtc(out seconds, out micro);
            Assert.Equal(1707890885, seconds);
            Assert.Equal(0, micro);
        }
    }
}
