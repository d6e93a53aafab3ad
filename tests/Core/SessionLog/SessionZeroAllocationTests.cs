using System;
using ChargePoint.Core.SessionLog;
using Xunit;

namespace ChargePoint.Tests.Core.SessionLog
{
    // The firmware's heap is sealed after boot: the session stream must not allocate once made.
    // Measured here on .NET, per thread, after a warm-up pass (see Allocations).
    public class SessionZeroAllocationTests
    {
        private static long AllocatedBy(Action action) => Allocations.By(action);

        [Fact]
        public void Whole_sessions_in_high_rate_mode_with_timestamps_through_the_ring_and_the_pump_allocate_nothing()
        {
            var bench = new StreamBench(new SessionStreamOptions { Timestamps = true, HighRateHz = 1000 });
            int rounds = 0;
            long allocated = AllocatedBy(() =>
            {
                bench.Port.Clear();
                bench.Stream.AuthorizationRequested(1, "ZepId00"u8);
                bench.Stream.Authorized(1, ChargePoint.Core.Ocpp.AuthorizationStatus.Accepted);
                bench.Meters[1].Connect();
                bench.Stream.TransactionStarted(1, "ZepId00"u8);
                bench.Stream.TransactionStarted(2, "ZepId01"u8);
                bench.Meters[2].Connect();
                bench.Advance(1500);
                bench.Stream.TransactionStopping(1);
                bench.Meters[1].Disconnect();
                bench.Stream.AuthorizationRequested(1, "Stolen"u8);
                bench.Stream.Authorized(1, ChargePoint.Core.Ocpp.AuthorizationStatus.Blocked);
                bench.Advance(500);
                bench.Stream.TransactionStopping(2);
                bench.Meters[2].Disconnect();
                bench.Advance(10);
                rounds++;
            });
            Assert.Equal(0, allocated);
            Assert.True(rounds >= 2, $"{rounds} rounds run");
            Assert.Contains("High-rate samples: ", bench.Port.Text);
            Assert.Contains("[00:00:", bench.Port.Text);
        }

        [Fact]
        public void Overwriting_while_no_host_listens_and_the_host_coming_back_allocate_nothing()
        {
            var bench = new StreamBench(new SessionStreamOptions { HighRateHz = 200 }, ringBytes: 2048, portOpen: false);
            long allocated = AllocatedBy(() =>
            {
                bench.Port.Clear();
                bench.Port.IsOpen = false;
                bench.Meters[1].Connect();
                bench.Stream.TransactionStarted(1, "ZepId00"u8);
                bench.Advance(1000);
                bench.Port.IsOpen = true;
                bench.Port.TakeLimit = 13;
                bench.Advance(20);
                bench.Port.IsOpen = false;
                bench.Advance(30);
                bench.Port.IsOpen = true;
                bench.Port.TakeLimit = int.MaxValue;
                bench.StopCharging(1);
                bench.Advance(20);
            });
            Assert.Equal(0, allocated);
            Assert.Contains("[LOST] ", bench.Port.Text);
        }
    }
}
