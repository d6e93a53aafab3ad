using System;

namespace ChargePoint.Tests
{
    // Bytes a piece of steady-state work allocates on this thread. Warmed up first (JIT, statics,
    // first-call paths); then measured up to five times, keeping the least: the runtime itself
    // sometimes allocates on this thread while it moves hot methods to tier-1 code, which a
    // single run can catch; code that allocates in steady state does so on every run.
    public static class Allocations
    {
        public static long By(Action action)
        {
            action();
            long least = long.MaxValue;
            for (int run = 0; run < 5 && least != 0; run++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                action();
                least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
            }
            return least;
        }
    }
}
