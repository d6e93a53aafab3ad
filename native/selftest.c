/* Interop the self-test image (firmware/SelfTest.cs) exercises on the device. Nothing else
 * references these, so --gc-sections drops them from the other images. */
#include <stdint.h>

/* The shape lwIP's callbacks will have: a C struct handed to C# by pointer, with the context
 * pointer C# gave when it registered. Layout mirrors SelfTest.MeterSample. */
typedef struct {
    uint32_t id;
    int32_t milliwatts;
    uint16_t flags;
    uint16_t connector;
    int64_t energy_wh;
} meter_sample;

/* C# export ([UnmanagedCallersOnly(EntryPoint = "firmware_selftest_on_sample")]). */
void firmware_selftest_on_sample(void *context, const meter_sample *sample);

int32_t rt_selftest_replay_samples(void *context, int32_t count)
{
    for (int32_t i = 0; i < count; i++) {
        meter_sample sample = {
            .id = 1000u + (uint32_t)i,
            .milliwatts = -250 + 500 * i,
            .flags = (uint16_t)(0x8000u | (uint32_t)i),
            .connector = (uint16_t)(i % 2 + 1),
            .energy_wh = 5000000000LL + i,
        };
        firmware_selftest_on_sample(context, &sample);
    }
    return count;
}

/* C# -> C with a span (pointer + length) and an integer: Fletcher-16 of the bytes. */
uint32_t rt_selftest_fletcher16(const uint8_t *data, int32_t length, uint32_t seed)
{
    uint32_t sum1 = seed & 0xFF, sum2 = (seed >> 8) & 0xFF;
    for (int32_t i = 0; i < length; i++) {
        sum1 = (sum1 + data[i]) % 255;
        sum2 = (sum2 + sum1) % 255;
    }
    return (sum2 << 8) | sum1;
}

/* A deliberate HardFault: with UsageFault disabled, an undefined instruction escalates
 * (ARMv7-M ARM B1.5.8, HFSR.FORCED). */
void rt_selftest_hard_fault(void)
{
    *(volatile uint32_t *)0xE000ED24u &= ~(1u << 18); /* SHCSR.USGFAULTENA */
    __asm volatile("dsb\n isb\n udf #0" ::: "memory");
}
