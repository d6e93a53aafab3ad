/* Reset, vector table, fault handler and SysTick for the Cortex-M7 boards.
 * Register facts: ARMv7-M Architecture Reference Manual (ARM DDI 0403E), section B3.2
 * System Control Space. */
#include <stdint.h>
#include <string.h>
#include "board.h"

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u) /* B3.2.20 Coprocessor Access Control */
#define SCB_AIRCR (*(volatile uint32_t *)0xE000ED0Cu) /* B3.2.6 Application Interrupt and Reset Control */
#define SCB_CFSR  (*(volatile uint32_t *)0xE000ED28u) /* B3.2.15 Configurable Fault Status */
#define SCB_HFSR  (*(volatile uint32_t *)0xE000ED2Cu) /* B3.2.16 HardFault Status */
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34u) /* B3.2.17 MemManage Fault Address */
#define SCB_BFAR  (*(volatile uint32_t *)0xE000ED38u) /* B3.2.18 BusFault Address */
#define AIRCR_VECTKEY (0x05FAu << 16)
#define AIRCR_SYSRESETREQ (1u << 2)

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[], __stack_top[];

/* Managed entry (firmware/Program.cs) and the runtime's fault report (runtime/Internal/Runtime/Panic.cs). */
void firmware_main(void);
void rt_initialize_modules(void);
void rt_panic_fault(const char *what, const uint32_t *frame, uint32_t cfsr, uint32_t hfsr, uint32_t fault_address);

static volatile uint64_t rt_millis;

void Reset_Handler(void)
{
    memcpy(__data_start, __data_load, (uintptr_t)__data_end - (uintptr_t)__data_start);
    memset(__bss_start, 0, (uintptr_t)__bss_end - (uintptr_t)__bss_start);
    /* Full access to CP10/CP11 (the FPU) before any managed code: ilc's code uses VFP registers. */
    SCB_CPACR |= 0xFu << 20;
    __asm volatile("dsb\n isb" ::: "memory");
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
void rt_isb(void) { __asm volatile("isb" ::: "memory"); }

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
    uint32_t cfsr = SCB_CFSR;
    uint32_t address = (cfsr & (1u << 7)) ? SCB_MMFAR : (cfsr & (1u << 15)) ? SCB_BFAR : 0;
    rt_panic_fault("HardFault", frame, cfsr, SCB_HFSR, address);
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

typedef void (*vector)(void);

/* B1.5.3: initial SP, then the 15 system exceptions, then the device interrupts. */
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
