using System;
using ChargePoint.Core.Config;
using ChargePoint.Core.Logging;
using ChargePoint.Core.Shell;

namespace ChargePoint
{
    // config: the effective settings (board defaults or the configuration block), password masked.
    public sealed class ConfigCommand : IShellCommand
    {
        private readonly Settings _settings;

        public ConfigCommand(Settings settings) { _settings = settings; }

        public ReadOnlySpan<byte> Name => "config"u8;
        public ReadOnlySpan<byte> Help => "the effective configuration (network, central system)"u8;

        public void Run(ReadOnlySpan<byte> arguments, Logger reply) => ConfigPrinter.Print(_settings, reply);
    }
}
