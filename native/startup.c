/* Reset, vector table, fault handler and SysTick for the Cortex-M7 boards.
 * Register facts: ARMv7-M Architecture Reference Manual (ARM DDI 0403E), section B3.2
 * System Control Space. */
#include <stdint.h>
#include <string.h>
#include "board.h"

#define SCB_VTOR  (*(volatile uint32_t *)0xE000ED08u) /* B3.2.5 Vector Table Offset */
#define SCB_SHCSR (*(volatile uint32_t *)0xE000ED24u) /* B3.2.13 System Handler Control and State */
#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u) /* B3.2.20 Coprocessor Access Control */
#define SCB_AIRCR (*(volatile uint32_t *)0xE000ED0Cu) /* B3.2.6 Application Interrupt and Reset Control */
#define SCB_CFSR  (*(volatile uint32_t *)0xE000ED28u) /* B3.2.15 Configurable Fault Status */
#define SCB_HFSR  (*(volatile uint32_t *)0xE000ED2Cu) /* B3.2.16 HardFault Status */
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34u) /* B3.2.17 MemManage Fault Address */
#define SCB_BFAR  (*(volatile uint32_t *)0xE000ED38u) /* B3.2.18 BusFault Address */
#define MPU_CTRL  (*(volatile uint32_t *)0xE000ED94u) /* B3.5.5 MPU Control */
#define MPU_RNR   (*(volatile uint32_t *)0xE000ED98u) /* B3.5.6 MPU Region Number */
#define MPU_RBAR  (*(volatile uint32_t *)0xE000ED9Cu) /* B3.5.7 MPU Region Base Address */
#define MPU_RASR  (*(volatile uint32_t *)0xE000EDA0u) /* B3.5.8 MPU Region Attribute and Size */
#define SHCSR_FAULTS ((1u << 16) | (1u << 17) | (1u << 18)) /* MemManage, BusFault, UsageFault enabled */
#define CFSR_MMARVALID (1u << 7)
#define CFSR_BFARVALID (1u << 15)
/* ilc (for --targetos:linux) leaves out explicit null checks for field offsets up to 2047,
 * counting on a fault: the guard must cover at least that. */
#define NULL_GUARD_SIZE 2048u
#define AIRCR_VECTKEY (0x05FAu << 16)
#define AIRCR_SYSRESETREQ (1u << 2)

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[], __stack_top[];

/* Managed entry (firmware/Program.cs) and the runtime's fault report (runtime/Internal/Runtime/Panic.cs). */
void firmware_main(void);
void rt_initialize_modules(void);
void rt_panic_fault(const char *what, const uint32_t *frame, uint32_t cfsr, uint32_t hfsr, uint32_t fault_address);

static volatile uint64_t rt_millis;

typedef void (*vector)(void);
extern const vector vector_table[16 + BOARD_IRQ_COUNT];

/* The vector table the core uses once running: a RAM copy, so that firmware/Drivers/Nvic.cs can
 * install C# interrupt handlers where the board file says. */
static vector ram_vectors[16 + BOARD_IRQ_COUNT] __attribute__((aligned(BOARD_VECTOR_ALIGN)));

/* Null dereference must fault: ilc's code relies on a fault for null checks, and address 0 is
 * readable memory on both boards. MPU region 0 forbids every access to the first 2 KiB; the
 * default memory map stays in force everywhere else (PRIVDEFENA). */
static void guard_null_page(void)
{
    MPU_RNR = 0;
    MPU_RBAR = 0x00000000u;
    MPU_RASR = (1u << 28)      /* XN */
             | (0u << 24)      /* AP = 000: no access */
             | (10u << 1)      /* SIZE: 2^(10+1) = 2048 bytes = NULL_GUARD_SIZE */
             | 1u;             /* ENABLE */
    MPU_CTRL = (1u << 2) | 1u; /* PRIVDEFENA | ENABLE */
    SCB_SHCSR |= SHCSR_FAULTS;
    __asm volatile("dsb\n isb" ::: "memory");
}

void Reset_Handler(void)
{
    memcpy(__data_start, __data_load, (uintptr_t)__data_end - (uintptr_t)__data_start);
    memset(__bss_start, 0, (uintptr_t)__bss_end - (uintptr_t)__bss_start);
    /* Full access to CP10/CP11 (the FPU) before any managed code: ilc's code uses VFP registers. */
    SCB_CPACR |= 0xFu << 20;
    memcpy(ram_vectors, vector_table, sizeof ram_vectors);
    SCB_VTOR = (uint32_t)ram_vectors;
    __asm volatile("dsb\n isb" ::: "memory");
    guard_null_page();
    rt_initialize_modules();
    firmware_main();
    rt_panic_fault("firmware_main returned", 0, 0, 0, 0);
}

void SysTick_Handler(void) { rt_millis++; }

/* A 64-bit count cannot be read in one load: read it with the tick interrupt held off. */
uint64_t rt_uptime_ms(void)
{
    uint32_t primask;
    __asm volatile("mrs %0, primask\n cpsid i" : "=r"(primask) :: "memory");
    uint64_t now = rt_millis;
    __asm volatile("msr primask, %0" :: "r"(primask) : "memory");
    return now;
}

/* Sleep until the next interrupt (SysTick wakes the loop at least every millisecond). */
void rt_wait_for_interrupt(void) { __asm volatile("dsb\n wfi" ::: "memory"); }
void rt_dsb(void) { __asm volatile("dsb" ::: "memory"); }
void rt_dmb(void) { __asm volatile("dmb" ::: "memory"); }
void rt_isb(void) { __asm volatile("isb" ::: "memory"); }

/* Critical sections (firmware/Drivers/CriticalSection.cs): mask interrupts, return the old mask. */
uint32_t rt_irq_disable(void)
{
    uint32_t primask;
    __asm volatile("mrs %0, primask\n cpsid i" : "=r"(primask) :: "memory");
    return primask;
}
void rt_irq_restore(uint32_t primask) { __asm volatile("msr primask, %0" :: "r"(primask) : "memory"); }

/* Halt (QEMU: a test reads the panic line, then ends QEMU) or reset (the board). */
void rt_halt(void)
{
    __asm volatile("cpsid i" ::: "memory");
#if BOARD_RESET_ON_PANIC
    for (volatile uint32_t i = 0; i < 2000000u; i++) { } /* let the console FIFO drain */
    __asm volatile("dsb" ::: "memory");
    SCB_AIRCR = AIRCR_VECTKEY | AIRCR_SYSRESETREQ;
    __asm volatile("dsb" ::: "memory");
#endif
    for (;;)
        __asm volatile("wfi");
}

/* Entered from the naked handler below with the exception frame the core stacked:
 * r0-r3, r12, lr, pc, xpsr (B1.5.6). */
void rt_fault(const uint32_t *frame, uint32_t exc_return)
{
    (void)exc_return;
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    uint32_t cfsr = SCB_CFSR;
    int has_address = (cfsr & (CFSR_MMARVALID | CFSR_BFARVALID)) != 0;
    uint32_t address = (cfsr & CFSR_MMARVALID) ? SCB_MMFAR : (cfsr & CFSR_BFARVALID) ? SCB_BFAR : 0;
    const char *what = ipsr == 4 ? "MemManage fault" : ipsr == 5 ? "BusFault" : ipsr == 6 ? "UsageFault" : "HardFault";
    if (has_address && address < NULL_GUARD_SIZE)
        what = "null reference";
    rt_panic_fault(what, frame, cfsr, SCB_HFSR, address);
}

__attribute__((naked)) void HardFault_Handler(void)
{
    __asm volatile(
        "tst lr, #4\n"
        "ite eq\n"
        "mrseq r0, msp\n"
        "mrsne r0, psp\n"
        "mov r1, lr\n"
        "b rt_fault\n");
}

void Default_Handler(void)
{
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    rt_panic_fault("unexpected interrupt", 0, ipsr, 0, 0);
}

void NMI_Handler(void) __attribute__((weak, alias("Default_Handler")));
void MemManage_Handler(void) __attribute__((weak, alias("HardFault_Handler")));
void BusFault_Handler(void) __attribute__((weak, alias("HardFault_Handler")));
void UsageFault_Handler(void) __attribute__((weak, alias("HardFault_Handler")));
void SVC_Handler(void) __attribute__((weak, alias("Default_Handler")));
void DebugMon_Handler(void) __attribute__((weak, alias("Default_Handler")));
void PendSV_Handler(void) __attribute__((weak, alias("Default_Handler")));

/* B1.5.3: initial SP, then the 15 system exceptions, then the device interrupts. */
/* Read at reset only; Reset_Handler moves VTOR to the RAM copy. */
__attribute__((section(".isr_vector"), used)) const vector vector_table[16 + BOARD_IRQ_COUNT] = {
    (vector)__stack_top,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    0, 0, 0, 0,
    SVC_Handler,
    DebugMon_Handler,
    0,
    PendSV_Handler,
    SysTick_Handler,
    [16 ... 16 + BOARD_IRQ_COUNT - 1] = Default_Handler,
};
