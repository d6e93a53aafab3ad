using System;
using ChargePoint.Core.Logging;

namespace ChargePoint.Core.Shell
{
    // uptime: time since boot, as the log timestamps show it, and in milliseconds.
    public sealed class UptimeCommand : IShellCommand
    {
        private readonly IClock _clock;

        public UptimeCommand(IClock clock) { _clock = clock; }

        public ReadOnlySpan<byte> Name => "uptime"u8;
        public ReadOnlySpan<byte> Help => "time since boot"u8;

        public void Run(ReadOnlySpan<byte> arguments, Logger reply)
        {
            long micros = _clock.UptimeMicroseconds;
            Span<byte> stamp = stackalloc byte[40];
            int length = LogFormat.WritePrefix(stamp, micros, LogLevel.Info, ReadOnlySpan<byte>.Empty);
            // "[hh:mm:ss.mmm,uuu] <inf> : " -> keep "hh:mm:ss.mmm"
            int end = length > 0 ? stamp.Slice(0, length).IndexOf((byte)',') : 1;
            reply.BeginText().Append("uptime "u8).Append(stamp.Slice(1, end - 1)).Append(" ("u8).Append(micros / 1000).Append(" ms)"u8).End();
        }
    }
}
