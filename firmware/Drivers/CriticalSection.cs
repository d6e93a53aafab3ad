using System;

namespace ChargePoint.Drivers
{
    // Interrupts masked (PRIMASK) for the few places that share state with an interrupt handler
    // beyond what a single-producer/single-consumer ring allows. Nests: the previous mask is kept.
    //   using (CriticalSection.Enter()) { ... }
    public readonly struct CriticalSection : IDisposable
    {
        private readonly uint _previousMask;

        private CriticalSection(uint previousMask) { _previousMask = previousMask; }

        public static CriticalSection Enter() => new CriticalSection(Native.DisableInterrupts());

        public void Dispose() => Native.RestoreInterrupts(_previousMask);
    }
}
