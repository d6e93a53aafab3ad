using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using ChargePoint.Tests.Emulator;
using Xunit;

namespace ChargePoint.Tests.Core.Ocpp
{
    // Checks payloads against the official OCPP 1.6 JSON schemas, with the validator the local
    // central system uses: ocpp-rpc's (ajv, the schemas bundled in the npm package in
    // tools/csms/node_modules, installed by `make deps`). One node process running validate.js
    // (beside this file) per instance: an xunit class fixture, one per test class.
    public sealed class OcppSchemaValidator : IDisposable
    {
        private readonly Process _node;
        private readonly StringBuilder _stderr = new StringBuilder();
        private readonly object _lock = new object();

        public OcppSchemaValidator()
        {
            string modules = Path.Combine(Repo.Root, "tools", "csms", "node_modules");
            string script = Path.Combine(Repo.Root, "tests", "Core", "Ocpp", "validate.js");
            if (!File.Exists(Path.Combine(modules, "ocpp-rpc", "lib", "schemas", "ocpp1_6.json")))
                throw new InvalidOperationException("the OCPP 1.6 schemas of ocpp-rpc are not in " + modules
                    + ": run `make deps` (it runs `npm ci` in tools/csms)");
            var start = new ProcessStartInfo("node")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardInputEncoding = new UTF8Encoding(false),
                StandardOutputEncoding = Encoding.UTF8,
            };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(modules);
            try
            {
                _node = Process.Start(start);
            }
            catch (Win32Exception e)
            {
                throw new InvalidOperationException("node is not installed (make deps installs nodejs): " + e.Message, e);
            }
            _node.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_stderr) _stderr.AppendLine(e.Data); };
            _node.BeginErrorReadLine();
        }

        // kind: "req" or "conf". Errors in the validator's words ("/status must be equal to one of ...").
        public (bool Ok, string[] Errors) Validate(string action, string kind, string payloadJson)
        {
            string request = "{\"action\":" + JsonSerializer.Serialize(action) + ",\"kind\":\"" + kind + "\",\"payload\":" + payloadJson + "}";
            lock (_lock)
            {
                _node.StandardInput.WriteLine(request);
                _node.StandardInput.Flush();
                string line = _node.StandardOutput.ReadLine();
                if (line == null)
                {
                    string stderr;
                    lock (_stderr) stderr = _stderr.ToString();
                    throw new InvalidOperationException("validate.js ended: " + stderr);
                }
                using JsonDocument answer = JsonDocument.Parse(line);
                bool ok = answer.RootElement.GetProperty("ok").GetBoolean();
                string[] errors = answer.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ToArray();
                return (ok, errors);
            }
        }

        public void AssertValid(string action, string kind, string payloadJson, string context = null)
        {
            (bool ok, string[] errors) = Validate(action, kind, payloadJson);
            Assert.True(ok, action + "." + kind + " does not match its OCPP 1.6 schema: " + string.Join("; ", errors)
                + "\n" + (context ?? payloadJson));
        }

        public void Dispose()
        {
            try
            {
                _node.StandardInput.Close();
                if (!_node.WaitForExit(5000)) _node.Kill();
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            _node.Dispose();
        }
    }
}
