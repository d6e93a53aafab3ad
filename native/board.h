/* The few board facts native code needs. Everything else about a board lives in
 * firmware/Boards/<board>.cs. The Makefile defines exactly one BOARD_* macro. */
#ifndef BOARD_H
#define BOARD_H

#if defined(BOARD_MPS2_AN500)
#define BOARD_IRQ_COUNT 32       /* QEMU mps2-an500: CMSDK UARTs on 0-5, LAN9118 on 13 */
#define BOARD_VECTOR_ALIGN 256   /* VTOR: the table's size rounded up to a power of two (B3.2.5) */
#define BOARD_RESET_ON_PANIC 0   /* halt, so an emulator test can read the panic line */
#elif defined(BOARD_STM32F769I_DISCO)
#define BOARD_IRQ_COUNT 110      /* RM0410 table 46: STM32F76x/77x vector table, positions 0-109 */
#define BOARD_VECTOR_ALIGN 512
#define BOARD_RESET_ON_PANIC 1
#else
#error "define BOARD_MPS2_AN500 or BOARD_STM32F769I_DISCO"
#endif

#endif
