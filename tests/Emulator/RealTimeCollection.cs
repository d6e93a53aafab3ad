using Xunit;

namespace ChargePoint.Tests.Emulator
{
    // Tests whose guest must keep up with real time (a 1 kHz stream from QEMU, whose clock follows
    // the host's): xunit runs this collection on its own, after the parallel ones, so that a
    // loaded two-core machine does not starve the guest while they run.
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class RealTimeCollection
    {
        public const string Name = "real time, run alone";
    }
}
