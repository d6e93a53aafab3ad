using System;

namespace ChargePoint.Tests
{
    // Bytes a piece of steady-state work allocates on this thread. Warmed up first (JIT, statics,
    // first-call paths); then measured up to three times, keeping the least: the runtime itself
    // may allocate once on a test thread (tiered compilation swapping in a method), while a
    // real allocation in the code under test shows in every run.
    public static class Allocations
    {
        public static long By(Action action)
        {
            action();
            action();
            long least = long.MaxValue;
            for (int run = 0; run < 3 && least != 0; run++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                action();
                least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
            }
            return least;
        }
    }
}
