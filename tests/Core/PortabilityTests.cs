using System;
using System.IO;
using ChargePoint.Tests.Emulator;
using Xunit;

namespace ChargePoint.Tests.Core
{
    // firmware/Core is compiled for the host too: it must not reach the device layers.
    public class PortabilityTests
    {
        private static int Check(string folder) =>
            Repo.Run("bash", $"tools/check-core-portable.sh \"{folder}\"", TimeSpan.FromMinutes(1)).ExitCode;

        [Fact]
        public void Core_uses_nothing_of_the_device()
        {
            Assert.Equal(0, Check(Path.Combine(Repo.Root, "firmware", "Core")));
        }

        [Theory]
        [InlineData("using ChargePoint.Drivers;")]
        [InlineData("var used = Internal.Runtime.Heap.Used;")]
        [InlineData("[RuntimeImport(\"*\", \"rt_halt\")] static extern void Halt();")]
        [InlineData("uint x = Mmio.Read32(0x40004000);")]
        public void The_check_catches_a_device_reference(string line)
        {
            string folder = Path.Combine(Path.GetTempPath(), "core-check-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                File.WriteAllText(Path.Combine(folder, "Bad.cs"), "namespace ChargePoint.Core { class Bad { " + line + " } }");
                Assert.NotEqual(0, Check(folder));
            }
            finally
            {
                Directory.Delete(folder, true);
            }
        }
    }
}
