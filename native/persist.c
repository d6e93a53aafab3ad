/* Memory for records that must outlive a reset. On mps2-an500 (QEMU) it is RAM that startup.c
 * does not clear (.noinit): QEMU's system reset reloads the image but leaves data RAM alone. The
 * STM32 keeps its records in a flash sector instead (firmware/Drivers/Stm32Flash.cs). */
#include <stdint.h>
#include "board.h"

#if defined(BOARD_MPS2_AN500)
#define PERSISTENT_RAM_BYTES 8192
static uint8_t persistent_ram[PERSISTENT_RAM_BYTES] __attribute__((section(".noinit"), aligned(8)));
uint8_t *rt_persistent_ram(int32_t *length)
{
    *length = PERSISTENT_RAM_BYTES;
    return persistent_ram;
}
#endif

/* A system reset (ARMv7-M B3.2.6 AIRCR.SYSRESETREQ): the board restarts the image. */
#define SCB_AIRCR (*(volatile uint32_t *)0xE000ED0Cu)
void rt_system_reset(void)
{
    __asm volatile("dsb" ::: "memory");
    SCB_AIRCR = (0x05FAu << 16) | (1u << 2);
    __asm volatile("dsb" ::: "memory");
    for (;;)
        __asm volatile("wfi");
}
