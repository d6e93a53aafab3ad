using System;
using ChargePoint.Core.Buffers;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Scheduling;
using Xunit;

namespace ChargePoint.Tests.Core
{
    // The firmware's heap is sealed after boot: steady-state Core code must not allocate. The same
    // code measured here on .NET, per thread, after one warm-up pass.
    public class ZeroAllocationTests
    {
        private sealed class LoggingTask : ITask
        {
            private readonly Logger _log;
            public LoggingTask(Logger log) { _log = log; }
            public ReadOnlySpan<byte> Name => "log"u8;
            public void Run(long nowMilliseconds) =>
                _log.Begin(LogLevel.Info, "main").Append("Uptime ").Append(nowMilliseconds / 1000).Append(" s, heap ")
                    .Append(4096).Append(" of ").Append(505152).AppendHex(0xDEADBEEF).End();
        }

        private static long AllocatedBy(Action action) => Allocations.By(action);

        [Fact]
        public void Formatting_and_writing_log_lines_allocates_nothing()
        {
            var clock = new FakeClock();
            var output = new CapturingSerial(1 << 20);
            var log = new Logger(clock, output, 256);
            long allocated = AllocatedBy(() =>
            {
                output.Clear();
                for (int i = 0; i < 1000; i++)
                {
                    clock.AdvanceMilliseconds(17);
                    log.Info("ocpp", "ocpp init success");
                    log.Begin(LogLevel.Warning, "net").Append("retry ").Append(i).Append(" of ").Append(long.MinValue).End();
                    log.Info("main", "Zähler €");
                }
            });
            Assert.Equal(0, allocated);
            Assert.Contains("<wrn> net: retry 999 of -9223372036854775808\r\n", output.Text);
        }

        [Fact]
        public void Running_the_scheduler_with_its_tasks_allocates_nothing()
        {
            var clock = new FakeClock();
            var log = new Logger(clock, new CapturingSerial(1 << 20), 256);
            var scheduler = new Scheduler(clock, 4);
            int periodic = scheduler.Add(new LoggingTask(log));
            int signalled = scheduler.Add(new LoggingTask(log));
            scheduler.Every(periodic, 10, 10);
            scheduler.Start();
            int runs = 0;
            long allocated = AllocatedBy(() =>
            {
                for (int i = 0; i < 500; i++)
                {
                    clock.AdvanceMilliseconds(5);
                    if (i % 7 == 0) scheduler.Signal(signalled);
                    runs += scheduler.RunDue();
                    scheduler.MillisecondsUntilNextWake();
                }
            });
            Assert.Equal(0, allocated);
            Assert.True(runs > 500, $"the tasks ran {runs} times");
        }

        [Fact]
        public void Moving_bytes_through_the_ring_allocates_nothing()
        {
            var ring = new ByteRing(256);
            var chunk = new byte[100];
            var output = new byte[64];
            long allocated = AllocatedBy(() =>
            {
                for (int i = 0; i < 1000; i++)
                {
                    ring.Write(chunk);
                    ring.TryWrite(1);
                    while (ring.Read(output) > 0) { }
                }
            });
            Assert.Equal(0, allocated);
        }
    }
}
