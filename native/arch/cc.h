/* lwIP's compiler/platform port (lwIP doc "Porting for an OS": arch/cc.h) for arm-none-eabi-gcc,
 * Cortex-M7, little-endian. No printf in the image: a failed lwIP assertion is a panic that names
 * the file and line, and diagnostics are compiled out. */
#ifndef SHARPCHARGE_ARCH_CC_H
#define SHARPCHARGE_ARCH_CC_H

#include <stdint.h>

#define BYTE_ORDER LITTLE_ENDIAN
#define LWIP_NO_STDINT_H 0
#define LWIP_NO_INTTYPES_H 1
#define X8_F  "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "lu"
#define S32_F "ld"
#define X32_F "lx"
#define SZT_F "u"
#define LWIP_ERR_T int

/* native/net_glue.c */
void net_assert_failed(const char *message, const char *file, int line);
uint32_t net_random(void);

#define LWIP_PLATFORM_DIAG(x) do { } while (0)
#define LWIP_PLATFORM_ASSERT(x) net_assert_failed((x), __FILE__, __LINE__)
#define LWIP_RAND() net_random()

#endif
