namespace ChargePoint.Drivers
{
    // The Cortex-M7 barrier instructions (ARMv7-M ARM A3.7.3), for DMA descriptors and for
    // register writes that must take effect before what follows. Each is one call to a
    // one-instruction function in native/startup.c.
    public static class Barrier
    {
        // DMB: memory accesses before it are observed before those after it (descriptor fields
        // written before the ownership bit is handed to the DMA engine).
        public static void DataMemory() => Native.DataMemoryBarrier();

        // DSB: every memory access before it has completed (a register write has reached the
        // peripheral before WFI, or before a vector is used).
        public static void DataSynchronization() => Native.DataSynchronizationBarrier();

        // ISB: the pipeline refetches (after changing the MPU, VTOR or interrupt masks).
        public static void Instruction() => Native.InstructionSynchronizationBarrier();
    }
}
