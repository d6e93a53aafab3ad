namespace ChargePoint.Drivers
{
    // The Cortex-M7 interrupt controller (ARMv7-M ARM, ARM DDI 0403E, B3.4 "Nested Vectored
    // Interrupt Controller"). Handlers are C# methods marked [UnmanagedCallersOnly]: the core
    // calls an exception handler like an AAPCS function, so the method's address goes straight
    // into the vector table (the RAM copy native/startup.c points VTOR at).
    public static unsafe class Nvic
    {
        private const uint SetEnable = 0xE000E100;   // B3.4.4 NVIC_ISER0..15
        private const uint ClearEnable = 0xE000E180; // B3.4.5 NVIC_ICER0..15
        private const uint ClearPending = 0xE000E280; // B3.4.7 NVIC_ICPR0..15
        private const uint Priority = 0xE000E400;    // B3.4.9 NVIC_IPR: one byte per interrupt
        private const uint VectorTableOffset = 0xE000ED08; // B3.2.5 VTOR

        // Cortex-M7 implements the top PriorityBits of each priority byte (4 on the STM32F7 and
        // in QEMU's model): priorities 0 (most urgent) to 15.
        public const int PriorityBits = 4;

        // Puts `handler` in the vector of device interrupt `irq` (position 16 + irq).
        public static void InstallHandler(int irq, delegate* unmanaged<void> handler)
        {
            uint table = Mmio.Read32(VectorTableOffset);
            Mmio.Write32(table + (uint)(16 + irq) * 4, (uint)handler);
            Barrier.DataSynchronization();
        }

        public static void SetPriority(int irq, int priority) =>
            Mmio.Write8(Priority + (uint)irq, (byte)(priority << (8 - PriorityBits)));

        public static void Enable(int irq)
        {
            Mmio.Write32(ClearPending + (uint)(irq >> 5) * 4, 1u << (irq & 31));
            Mmio.Write32(SetEnable + (uint)(irq >> 5) * 4, 1u << (irq & 31));
        }

        public static void Disable(int irq)
        {
            Mmio.Write32(ClearEnable + (uint)(irq >> 5) * 4, 1u << (irq & 31));
            Barrier.DataSynchronization();
            Barrier.Instruction();
        }
    }
}
