using System.Linq;
using System.Text.Json;
using ChargePoint.Core.Ocpp;
using Xunit;

namespace ChargePoint.Tests.Core.Ocpp
{
    // The cable and the status keys: ConnectionTimeOut (9.1.6), StopTransactionOnEVSideDisconnect
    // (9.1.23), MinimumStatusDuration (9.1.20).
    public class PlugTests
    {
        private static string Text(JsonElement payload, string name) => payload.GetProperty(name).GetString();
        private static int Int(JsonElement payload, string name) => payload.GetProperty(name).GetInt32();

        private static string[] Statuses(ChargePointBench bench, int from) =>
            bench.CallsSince(from).Where(c => c.Action == "StatusNotification")
                .Select(c => Int(c.Payload, "connectorId") + " " + Text(c.Payload, "status")).ToArray();

        private static ChargePointBench Booted()
        {
            var bench = new ChargePointBench();
            bench.Boot(intervalSeconds: 3600);
            bench.AutoAnswer = true;
            bench.Configure("MeterValueSampleInterval", "0");
            return bench;
        }

        private static void Charge(ChargePointBench bench, int connector)
        {
            Assert.True(bench.ChargePoint.RequestAuthorize(connector, "ZepId00"u8.ToArray()));
            bench.Advance(100);
            Assert.True(bench.ChargePoint.StartTransaction(connector));
            bench.Advance(1000);
            Assert.Equal(ChargePointStatus.Charging, bench.Connectors[connector].Status);
        }

        [Fact]
        public void Preparing_without_a_transaction_for_ConnectionTimeOut_seconds_goes_back_to_Available()
        {
            var bench = Booted();
            bench.Configure("ConnectionTimeOut", "30");
            int before = bench.Sent.Count;
            Assert.True(bench.ChargePoint.PlugIn(1));
            bench.Advance(29000);
            Assert.Equal(ChargePointStatus.Preparing, bench.Connectors[1].Status);
            bench.Advance(2000);
            Assert.Equal(ChargePointStatus.Available, bench.Connectors[1].Status);
            Assert.Equal(new[] { "1 Preparing", "1 Available" }, Statuses(bench, before));
            Assert.Contains("<inf> ocpp: connector 1: no transaction within ConnectionTimeOut (30 s), Available again", bench.LogText);
        }

        [Fact]
        public void A_transaction_started_in_time_is_not_cancelled_by_ConnectionTimeOut()
        {
            var bench = Booted();
            bench.Configure("ConnectionTimeOut", "30");
            Assert.True(bench.ChargePoint.PlugIn(1));
            bench.Advance(20000);
            Charge(bench, 1);
            bench.Advance(60000);
            Assert.True(bench.Connectors[1].HasTransaction);
            Assert.Equal(ChargePointStatus.Charging, bench.Connectors[1].Status);
        }

        [Fact]
        public void Unplugging_on_the_EV_side_stops_the_transaction_with_reason_EVDisconnected_by_default()
        {
            var bench = Booted();
            Charge(bench, 1);
            int before = bench.Sent.Count;
            Assert.True(bench.ChargePoint.Unplug(1));
            bench.Advance(1000);
            SentFrame stop = bench.CallsSince(before).Single(c => c.Action == "StopTransaction");
            Assert.Equal("EVDisconnected", Text(stop.Payload, "reason"));
            Assert.False(bench.Connectors[1].HasTransaction);
            Assert.Equal(ChargePointStatus.Available, bench.Connectors[1].Status);
        }

        [Fact]
        public void With_StopTransactionOnEVSideDisconnect_false_an_unplug_suspends_the_transaction_until_the_cable_is_back()
        {
            var bench = Booted();
            bench.Configure("StopTransactionOnEVSideDisconnect", "false");
            Charge(bench, 1);
            int before = bench.Sent.Count;
            Assert.True(bench.ChargePoint.Unplug(1));
            bench.Advance(1000);
            Assert.True(bench.Connectors[1].HasTransaction);
            Assert.Equal(ChargePointStatus.SuspendedEV, bench.Connectors[1].Status);
            long energy = bench.Connectors[1].Meter.EnergyWh;
            bench.Advance(60000);
            Assert.Equal(energy, bench.Connectors[1].Meter.EnergyWh); // no energy flows while unplugged
            Assert.True(bench.ChargePoint.PlugIn(1));
            bench.Advance(1000);
            Assert.Equal(ChargePointStatus.Charging, bench.Connectors[1].Status);
            Assert.Equal(new[] { "1 SuspendedEV", "1 Charging" }, Statuses(bench, before));
            Assert.DoesNotContain(bench.CallsSince(before), c => c.Action == "StopTransaction");
        }

        [Fact]
        public void MinimumStatusDuration_holds_a_status_back_until_it_is_stable_and_drops_one_that_changed_back()
        {
            var bench = Booted();
            bench.Configure("MinimumStatusDuration", "5");
            int before = bench.Sent.Count;
            bench.ChargePoint.SetConnectorStatus(2, ChargePointStatus.Preparing);
            bench.Advance(2000);
            bench.ChargePoint.SetConnectorStatus(2, ChargePointStatus.Available); // back within 5 s
            bench.Advance(10000);
            Assert.Empty(Statuses(bench, before));
            bench.ChargePoint.SetConnectorStatus(2, ChargePointStatus.Preparing);
            long changed = bench.Now;
            bench.Advance(4000);
            Assert.Empty(Statuses(bench, before));
            bench.Advance(2000);
            Assert.Equal(new[] { "2 Preparing" }, Statuses(bench, before));
            SentFrame status = bench.CallsSince(before).Single(c => c.Action == "StatusNotification");
            Assert.Equal(changed + 5000, status.AtMilliseconds);
        }
    }
}
