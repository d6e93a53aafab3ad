using System;

namespace ChargePoint.Core.Scheduling
{
    // A unit of cooperative work. Run does a bounded piece of work and returns; it never blocks.
    // To run again it asks the scheduler (a period, a wake-up time, or a signal from an event).
    public interface ITask
    {
        // Shown by the `tasks` command. A u8 literal keeps it in flash.
        ReadOnlySpan<byte> Name { get; }

        void Run(long nowMilliseconds);
    }
}
