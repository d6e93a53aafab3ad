using System;
using System.IO;
using System.Linq;
using Xunit;

namespace ChargePoint.Tests.Emulator.Services
{
    // QemuOptions.MonitorSocket on QEMU's command line, checked without running QEMU.
    [Trait("Category", "Services")]
    public class MonitorOptionTests
    {
        [Fact]
        public void Monitor_socket_replaces_monitor_none_with_a_unix_server_that_does_not_wait_and_changes_nothing_else()
        {
            var plain = QemuRun.BuildArguments("/x/sharpcharge.elf", new QemuOptions { Network = true });
            var arguments = QemuRun.BuildArguments("/x/sharpcharge.elf", new QemuOptions { Network = true, MonitorSocket = true }, "/tmp/m.sock");
            Assert.Equal(
                new[] { "-M", "mps2-an500", "-display", "none", "-monitor", "unix:/tmp/m.sock,server=on,wait=off", "-serial", "stdio", "-serial", "null",
                        "-nic", "user,model=lan9118", "-kernel", "/x/sharpcharge.elf" },
                arguments);
            Assert.Equal(plain.Where((_, i) => i != 5), arguments.Where((_, i) => i != 5));
            Assert.Equal("none", plain[5]);
        }

        [Fact]
        public void Monitor_socket_off_keeps_monitor_none()
        {
            Assert.Equal(
                new[] { "-M", "mps2-an500", "-display", "none", "-monitor", "none", "-serial", "stdio", "-serial", "null", "-nic", "none", "-kernel", "a.elf" },
                QemuRun.BuildArguments("a.elf", new QemuOptions { MonitorSocket = false }));
        }

        [Fact]
        public void Monitor_socket_path_is_made_full_and_its_commas_doubled()
        {
            var arguments = QemuRun.BuildArguments("a.elf", new QemuOptions { MonitorSocket = true }, "m,1.sock");
            Assert.Equal($"unix:{Path.GetFullPath("m,1.sock").Replace(",", ",,")},server=on,wait=off", arguments[5]);
        }

        [Fact]
        public void Monitor_socket_without_a_path_or_a_path_without_the_option_is_refused()
        {
            Assert.Throws<ArgumentException>(() => QemuRun.BuildArguments("a.elf", new QemuOptions { MonitorSocket = true }));
            Assert.Throws<ArgumentException>(() => QemuRun.BuildArguments("a.elf", new QemuOptions(), "/tmp/m.sock"));
        }

        [Fact]
        public void Monitor_socket_path_longer_than_a_unix_socket_address_holds_is_refused()
        {
            string path = "/tmp/" + new string('m', QemuRun.MaxSocketPathBytes - 5);
            Assert.Equal(QemuRun.MaxSocketPathBytes, path.Length);
            Assert.Contains($"unix:{path},", QemuRun.BuildArguments("a.elf", new QemuOptions { MonitorSocket = true }, path)[5]);
            Assert.Throws<ArgumentException>(() => QemuRun.BuildArguments("a.elf", new QemuOptions { MonitorSocket = true }, path + "m"));
        }

    }
}
