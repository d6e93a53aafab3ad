using System;
using System.IO;
using System.Linq;
using Xunit;

namespace ChargePoint.Tests.Emulator.Services
{
    // QEMU's command line and the configuration block helper's, checked without running either.
    [Trait("Category", "Services")]
    public class QemuCommandLineTests
    {
        [Fact]
        public void Plain_boot_puts_uart0_on_stdio_discards_uart1_and_leaves_the_nic_unplugged()
        {
            Assert.Equal(
                new[] { "-M", "mps2-an500", "-display", "none", "-monitor", "none", "-serial", "stdio", "-serial", "null", "-nic", "none", "-kernel", "/x/sharpcharge.elf" },
                QemuRun.BuildArguments("/x/sharpcharge.elf", new QemuOptions()));
        }

        [Fact]
        public void Network_boot_adds_a_user_mode_lan9118_nic_with_the_extra_options_asked_for()
        {
            var arguments = QemuRun.BuildArguments("a.elf", new QemuOptions { Network = true });
            Assert.Equal(new[] { "-nic", "user,model=lan9118" }, new[] { arguments[10], arguments[11] });

            arguments = QemuRun.BuildArguments("a.elf", new QemuOptions { Network = true, NetworkOptions = new[] { "hostfwd=tcp:127.0.0.1:5555-:80" } });
            Assert.Contains("user,model=lan9118,hostfwd=tcp:127.0.0.1:5555-:80", arguments);
            Assert.Equal("-kernel", arguments[^2]);
        }

        [Fact]
        public void Network_options_without_a_network_are_refused()
        {
            Assert.Throws<ArgumentException>(() => QemuRun.BuildArguments("a.elf", new QemuOptions { NetworkOptions = new[] { "restrict=on" } }));
        }

        [Fact]
        public void Configuration_block_is_loaded_raw_at_0x003FF000_by_the_generic_loader()
        {
            string dir = Path.Combine(Path.GetTempPath(), "sharpcharge-" + Guid.NewGuid().ToString("N"), "a,b");
            Directory.CreateDirectory(dir);
            try
            {
                string block = Path.Combine(dir, "config.bin");
                File.WriteAllBytes(block, new byte[] { 1, 2, 3 });
                var arguments = QemuRun.BuildArguments("a.elf", new QemuOptions { Network = true, ConfigBlock = block });
                int at = Array.IndexOf(arguments.ToArray(), "-device");
                Assert.True(at > 0, string.Join(' ', arguments));
                Assert.Equal($"loader,file={block.Replace(",", ",,")},addr=0x003FF000,force-raw=on", arguments[at + 1]);
                Assert.Equal(0x003FF000u, QemuOptions.Mps2ConfigAddress);
            }
            finally
            {
                Directory.Delete(Path.GetDirectoryName(dir), recursive: true);
            }
        }

        [Fact]
        public void Missing_configuration_block_file_is_reported_before_qemu_starts()
        {
            string missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".bin");
            Assert.Throws<FileNotFoundException>(() => new QemuRun("a.elf", new QemuOptions { ConfigBlock = missing }));
        }

        [Fact]
        public void Configuration_block_tool_gets_each_key_as_a_raw_key_then_the_flags()
        {
            var arguments = ConfigBlockFile.Arguments("cb.bin", 2, true, ("cs.url", "ws://10.0.2.2:9000/cp=1"), ("sntp", "10.0.2.2"));
            Assert.Equal(
                new[] { "tools/configblock.py", "-o", Path.GetFullPath("cb.bin"), "--raw-key", "cs.url=ws://10.0.2.2:9000/cp=1", "--raw-key", "sntp=10.0.2.2", "--corrupt-crc", "--version", "2" },
                arguments);
            Assert.Equal(new[] { "tools/configblock.py", "-o", Path.GetFullPath("cb.bin") }, ConfigBlockFile.Arguments("cb.bin", null, false));
        }

        [Fact]
        public void Configuration_block_file_is_written_by_the_tool_with_each_raw_key_verbatim()
        {
            string path = Path.Combine(Path.GetTempPath(), "sharpcharge-" + Guid.NewGuid().ToString("N") + ".bin");
            try
            {
                Assert.Equal(path, ConfigBlockFile.Write(path, ("cs.url", "ws://10.0.2.2:9000/ocpp"), ("x.test", "a=b")));
                byte[] block = File.ReadAllBytes(path);
                Assert.Equal(1024, block.Length);
                string text = System.Text.Encoding.ASCII.GetString(block);
                Assert.Contains("cs.url=ws://10.0.2.2:9000/ocpp", text);
                Assert.Contains("x.test=a=b", text);

                File.Delete(path);
                ConfigBlockFile.Write(path, version: 2, corruptCrc: true, ("x.test", "1"));
                Assert.True(File.Exists(path));
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Theory]
        [InlineData("")]
        [InlineData("a=b")]
        public void Configuration_block_key_that_is_empty_or_holds_an_equals_sign_is_refused(string key)
        {
            Assert.Throws<ArgumentException>(() => ConfigBlockFile.Arguments("cb.bin", null, false, (key, "v")));
        }
    }
}
