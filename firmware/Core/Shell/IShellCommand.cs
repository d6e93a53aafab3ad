using System;
using ChargePoint.Core.Logging;

namespace ChargePoint.Core.Shell
{
    // One console command. Run answers through `reply` (Logger.BeginText lines) and must not
    // allocate: it runs in steady state, from the scheduler.
    public interface IShellCommand
    {
        // u8 literals: they stay in flash.
        ReadOnlySpan<byte> Name { get; }
        ReadOnlySpan<byte> Help { get; }
        void Run(ReadOnlySpan<byte> arguments, Logger reply);
    }
}
