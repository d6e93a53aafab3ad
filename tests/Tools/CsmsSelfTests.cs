using System;
using System.Text.RegularExpressions;
using ChargePoint.Tests.Emulator;
using Xunit;

namespace ChargePoint.Tests.Tools
{
    // tools/csms's own node tests (its control commands, strict mode, the hostile commands the
    // negative set uses), run as part of `make test` so that the central system every emulator
    // test relies on is checked too.
    public sealed class CsmsSelfTests
    {
        [Fact]
        public void The_central_systems_own_tests_pass()
        {
            var (code, output) = Repo.Run("node", new[] { "--test", "tools/csms/test" }, TimeSpan.FromMinutes(3));
            Assert.True(code == 0, output);
            Match pass = Regex.Match(output, @"^# pass (\d+)$", RegexOptions.Multiline);
            Assert.True(pass.Success && int.Parse(pass.Groups[1].Value) > 0, output);
            Assert.Matches(@"(?m)^# fail 0$", output);
        }
    }
}
