using System;
using ChargePoint.Core.Ocpp;
using Xunit;

namespace ChargePoint.Tests.Core.Ocpp
{
    // The firmware's heap is sealed after boot: a charge point in steady state (charging on both
    // connectors, MeterValues and heartbeats going out and answered, the central system reading
    // the configuration) must run without allocating.
    public class OcppZeroAllocationTests
    {
        private static long AllocatedBy(Action action) => Allocations.By(action);

        [Fact]
        public void Sampling_meters_sending_MeterValues_heartbeats_and_answering_GetConfiguration_allocates_nothing()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 30);
            bench.AutoAnswer = true;
            foreach (int connector in new[] { 1, 2 })
            {
                Assert.True(bench.ChargePoint.RequestAuthorize(connector, connector == 1 ? "ZepId00"u8.ToArray() : "ZepId01"u8.ToArray()));
                bench.Advance(100);
                Assert.True(bench.ChargePoint.StartTransaction(connector));
                bench.Advance(100);
            }
            Assert.True(bench.Queue.IsEmpty);
            bench.AutoAnswer = false;
            bench.Channel.Record = false;

            byte[] heartbeatConf = "{\"currentTime\":\"2024-02-14T06:07:03.000Z\"}"u8.ToArray();
            byte[] emptyConf = "{}"u8.ToArray();
            byte[] getSome = "[2,\"gc-1\",\"GetConfiguration\",{\"key\":[\"HeartbeatInterval\",\"MeterValueSampleInterval\",\"NoSuchKey\"]}]"u8.ToArray();
            byte[] getAll = "[2,\"gc-2\",\"GetConfiguration\",{}]"u8.ToArray();
            long meterValues = 0, heartbeats = 0, answers = 0;
            long allocated = AllocatedBy(() =>
            {
                meterValues = heartbeats = answers = 0; // what the last run did
                for (int i = 0; i < 200; i++)
                {
                    bench.Console.Clear();
                    bench.Clock.AdvanceMilliseconds(1000);
                    bench.Run();
                    for (int guard = 0; guard < 10 && bench.Rpc.IsCallPending; guard++)
                    {
                        if (bench.Rpc.PendingAction.SequenceEqual("Heartbeat"u8))
                        {
                            heartbeats++;
                            bench.AnswerResult(heartbeatConf);
                        }
                        else
                        {
                            if (bench.Rpc.PendingAction.SequenceEqual("MeterValues"u8)) meterValues++;
                            bench.AnswerResult(emptyConf);
                        }
                    }
                    if (i % 10 == 0)
                    {
                        bench.Deliver(i % 50 == 0 ? getAll : getSome);
                        if (bench.Channel.Last.StartsWith("[3,\"gc-"u8)) answers++;
                    }
                }
            });
            Assert.Equal(0, allocated);
            Assert.InRange(meterValues, 2 * 19, 2 * 20);  // both connectors every 10 s for 200 s
            Assert.InRange(heartbeats, 6, 7);             // every 30 s
            Assert.Equal(20, answers);
            Assert.True(bench.Queue.IsEmpty);
            Assert.Equal(0, bench.Rpc.ErrorsSent);
            Assert.Equal(ChargePointStatus.Charging, bench.Connectors[2].Status);
        }
    }
}
