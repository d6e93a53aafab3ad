using ChargePoint.Core;
using ChargePoint.Core.Ocpp;
using Xunit;

namespace ChargePoint.Tests.Core.Ocpp
{
    public class ReconnectBackoffTests
    {
        [Fact]
        public void Delays_double_within_a_quarter_of_jitter_up_to_the_cap()
        {
            var backoff = new ReconnectBackoff(new XorShiftRandom(7), 2000, 60000);
            long[] steps = { 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000 };
            foreach (long step in steps)
            {
                long delay = backoff.NextDelayMilliseconds();
                Assert.InRange(delay, step - step / 4, System.Math.Min(60000, step + step / 4));
            }
        }

        [Fact]
        public void Jitter_spreads_the_delays_of_a_fleet()
        {
            var seen = new System.Collections.Generic.HashSet<long>();
            for (uint seed = 1; seed <= 50; seed++)
                seen.Add(new ReconnectBackoff(new XorShiftRandom(seed * 7919), 8000, 60000).NextDelayMilliseconds());
            Assert.True(seen.Count > 30, $"only {seen.Count} distinct delays among 50 charge points");
        }

        [Fact]
        public void A_successful_boot_starts_again_from_the_first_step()
        {
            var backoff = new ReconnectBackoff(new XorShiftRandom(3), 1000, 30000);
            for (int i = 0; i < 10; i++) backoff.NextDelayMilliseconds();
            Assert.Equal(30000, backoff.CurrentStepMilliseconds);
            backoff.Reset();
            Assert.InRange(backoff.NextDelayMilliseconds(), 750, 1250);
        }
    }
}
