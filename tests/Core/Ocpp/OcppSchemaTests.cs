using System;
using System.Collections.Generic;
using System.Linq;
using ChargePoint.Core.Ocpp;
using Xunit;

namespace ChargePoint.Tests.Core.Ocpp
{
    // Every message the charge point sends, and every answer it gives, against the official OCPP
    // 1.6 JSON schemas (ocpp-rpc's validator, as the local central system's strict mode applies it).
    public class OcppSchemaTests : IClassFixture<OcppSchemaValidator>
    {
        private readonly OcppSchemaValidator _schemas;

        public OcppSchemaTests(OcppSchemaValidator schemas) { _schemas = schemas; }

        // The central system's side of a session: its CALLs by message id, the answers it gave.
        private sealed class CentralSystem
        {
            public readonly Dictionary<string, string> CallActions = new Dictionary<string, string>();
            public readonly List<(string Action, string Payload)> Confs = new List<(string, string)>();
            private readonly ChargePointBench _bench;
            private int _next;

            public CentralSystem(ChargePointBench bench)
            {
                _bench = bench;
                bench.Answerer = call =>
                {
                    string conf = bench.DefaultConf(call);
                    Confs.Add((call.Action, conf));
                    return conf;
                };
            }

            public SentFrame Call(string action, string payload)
            {
                string id = "cs-" + ++_next;
                CallActions[id] = action;
                return _bench.Call(id, action, payload);
            }
        }

        // Every frame the charge point sent, by what it is: a CALL by its action's .req schema, a
        // CALLRESULT by the .conf schema of the action it answers; a CALLERROR has no payload schema.
        private void ValidateEverything(ChargePointBench bench, CentralSystem cs)
        {
            int requests = 0, results = 0;
            foreach (SentFrame frame in bench.Sent)
            {
                frame.AssertWellFormed();
                if (frame.IsCall)
                {
                    _schemas.AssertValid(frame.Action, "req", frame.Payload.GetRawText(), frame.Text);
                    requests++;
                }
                else if (frame.IsResult)
                {
                    Assert.True(cs.CallActions.TryGetValue(frame.Id, out string action), "a CALLRESULT for a CALL never sent: " + frame.Text);
                    _schemas.AssertValid(action, "conf", frame.Payload.GetRawText(), frame.Text);
                    results++;
                }
            }
            Assert.True(requests > 0 && results > 0, requests + " requests, " + results + " results");
            foreach ((string action, string payload) in cs.Confs) _schemas.AssertValid(action, "conf", payload, "the bench's own answer");
        }

        [Fact]
        public void The_validator_tells_a_payload_that_breaks_its_schema()
        {
            Assert.True(_schemas.Validate("Heartbeat", "req", "{}").Ok);
            (bool ok, string[] errors) = _schemas.Validate("StatusNotification", "req", "{\"connectorId\":1,\"errorCode\":\"NoError\",\"status\":\"Sleeping\"}");
            Assert.False(ok);
            Assert.Contains(errors, e => e.Contains("/status"));
            Assert.False(_schemas.Validate("BootNotification", "req", "{\"chargePointVendor\":\"SharpCharge\"}").Ok);
            Assert.False(_schemas.Validate("MeterValues", "req", "{\"connectorId\":1,\"meterValue\":[{\"timestamp\":\"yesterday\",\"sampledValue\":[{\"value\":\"1\"}]}]}").Ok);
            Assert.False(_schemas.Validate("GetConfiguration", "conf", "{\"configurationKey\":[{\"key\":\"A\"}]}").Ok);
        }

        [Fact]
        public void Every_frame_of_a_whole_demo_session_matches_the_OCPP_1_6_schemas()
        {
            var bench = new ChargePointBench(new DemoSession.Timings
            {
                AuthorizeAfterBootMilliseconds = 2000,
                StopAfterStartMilliseconds = 35000,
                StaggerMilliseconds = 1000,
                UnplugAfterStopMilliseconds = 1000,
            });
            var cs = new CentralSystem(bench);
            bench.Console.Clear();
            bench.Boot(intervalSeconds: 15);
            bench.AutoAnswer = true;
            // Every measurand the meter has, in every MeterValues.
            Assert.Equal("Accepted", cs.Call("ChangeConfiguration",
                "{\"key\":\"MeterValuesSampledData\",\"value\":\"Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage\"}").Payload.GetProperty("status").GetString());
            cs.Call("GetConfiguration", "{}");
            bench.Advance(5000);

            // While both connectors charge, the central system asks for everything it may.
            Assert.True(bench.Connectors[1].HasTransaction && bench.Connectors[2].HasTransaction);
            cs.Call("GetConfiguration", "{\"key\":[\"HeartbeatInterval\",\"AuthorizationKey\",\"NoSuchKey\"]}");
            cs.Call("ChangeConfiguration", "{\"key\":\"MeterValueSampleInterval\",\"value\":\"5\"}");
            cs.Call("ChangeConfiguration", "{\"key\":\"NumberOfConnectors\",\"value\":\"5\"}");
            cs.Call("ChangeConfiguration", "{\"key\":\"NoSuchKey\",\"value\":\"5\"}");
            cs.Call("ChangeConfiguration", "{\"key\":\"HeartbeatInterval\",\"value\":\"-1\"}");
            foreach (string trigger in new[] { "BootNotification", "DiagnosticsStatusNotification", "FirmwareStatusNotification", "Heartbeat", "MeterValues", "StatusNotification" })
            {
                cs.Call("TriggerMessage", "{\"requestedMessage\":\"" + trigger + "\"}");
                bench.Advance(500);
                cs.Call("TriggerMessage", "{\"requestedMessage\":\"" + trigger + "\",\"connectorId\":1}");
                bench.Advance(500);
            }
            cs.Call("TriggerMessage", "{\"requestedMessage\":\"MeterValues\",\"connectorId\":9}");
            cs.Call("Reset", "{\"type\":\"Soft\"}");
            cs.Call("ChangeConfiguration", "{\"key\":5}");

            bench.Advance(60000);
            Assert.True(bench.Demo.IsDone, bench.LogText);
            Assert.False(bench.Connectors[1].HasTransaction || bench.Connectors[2].HasTransaction);
            Assert.True(bench.Queue.IsEmpty);

            Assert.Equal(2, bench.Calls("Authorize").Count());
            Assert.Equal(2, bench.Calls("StartTransaction").Count());
            Assert.Equal(2, bench.Calls("StopTransaction").Count());
            Assert.True(bench.Calls("MeterValues").Count() >= 8);
            Assert.True(bench.Calls("Heartbeat").Count() >= 3);
            Assert.Contains("<inf> main: ocpp stop charging connector id 2", bench.LogText);
            Assert.DoesNotContain("<err>", bench.LogText);
            ValidateEverything(bench, cs);
        }

        [Fact]
        public void Every_answer_to_the_central_systems_calls_matches_the_OCPP_1_6_schemas()
        {
            var bench = new ChargePointBench();
            var cs = new CentralSystem(bench);
            bench.Connect();
            cs.Call("GetConfiguration", "{}");
            cs.Call("GetConfiguration", "{\"key\":[]}");
            cs.Call("GetConfiguration", "{\"key\":[\"NoSuchKey\"]}");
            cs.Call("GetConfiguration", "{\"key\":[\"ConnectorPhaseRotation\",\"StopTxnSampledData\",\"AuthorizationKey\",\"NoSuchKey\",\"Other\"]}");
            foreach (string change in new[]
            {
                "{\"key\":\"HeartbeatInterval\",\"value\":\"30\"}",
                "{\"key\":\"HeartbeatInterval\",\"value\":\"x\"}",
                "{\"key\":\"NoSuchKey\",\"value\":\"x\"}",
                "{\"key\":\"AuthorizationKey\",\"value\":\"0123456789abcdef0123456789abcdef\"}",
                "{\"key\":\"ConnectorPhaseRotation\",\"value\":\"0.RST,1.NotApplicable,2.Unknown\"}",
            })
                cs.Call("ChangeConfiguration", change);
            cs.Call("GetConfiguration", "{}");
            foreach (string trigger in new[] { "BootNotification", "DiagnosticsStatusNotification", "FirmwareStatusNotification", "Heartbeat", "MeterValues", "StatusNotification" })
            {
                cs.Call("TriggerMessage", "{\"requestedMessage\":\"" + trigger + "\",\"connectorId\":0}");
                cs.Call("TriggerMessage", "{\"requestedMessage\":\"" + trigger + "\",\"connectorId\":7}");
            }
            bench.Settle();
            Assert.True(cs.CallActions.Count > 20);
            Assert.All(cs.CallActions.Keys, id => Assert.Single(bench.AnswersTo(id)));
            ValidateEverything(bench, cs);
        }
    }
}
