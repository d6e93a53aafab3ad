/* Native symbols that ilc's output references, and the runtime's calls into C.
 * The managed side of each lives in runtime/ (see RuntimeImports.cs, Heap.cs, Panic.cs). */
#include <stdint.h>
#include <string.h>
#include "board.h"

/* Managed exports (runtime/Internal/Runtime). */
void *rt_allocate(const void *type, uint32_t size, uint32_t alignment, uint32_t misalign, uint32_t caller);
void rt_panic(const char *what, uint32_t address);

/* The first words of an ilc MethodTable (32-bit): flags (low 16 bits: component size when
 * the top bit is set), base size. */
typedef struct {
    uint32_t flags;
    uint32_t base_size;
} method_table_head;

#define MT_HAS_COMPONENT_SIZE 0x80000000u
#define CALLER() ((uint32_t)__builtin_return_address(0) & ~1u)

static uint32_t array_size(const method_table_head *type, int32_t length, uint32_t caller)
{
    if (length < 0)
        rt_panic("negative array length", caller);
    uint32_t component = (type->flags & MT_HAS_COMPONENT_SIZE) ? (type->flags & 0xFFFFu) : 0;
    uint64_t size = (uint64_t)type->base_size + (uint64_t)component * (uint32_t)length;
    if (size > 0x7FFFFFFFu)
        rt_panic("array too large", caller);
    return (uint32_t)size;
}

static void *new_array(const method_table_head *type, int32_t length, uint32_t alignment, uint32_t caller)
{
    uint32_t *array = rt_allocate(type, array_size(type, length, caller), alignment, 0, caller);
    array[1] = (uint32_t)length; /* element count follows the MethodTable pointer */
    return array;
}

/* Allocation entry points ilc's code calls. The caller address is the managed code that
 * allocates, which is what a sealed-heap panic must name. */
void *RhpNewFast(const method_table_head *type) { return rt_allocate(type, type->base_size, 4, 0, CALLER()); }
void *RhpNewFastAlign8(const method_table_head *type) { return rt_allocate(type, type->base_size, 8, 0, CALLER()); }
void *RhpNewFastMisalign(const method_table_head *type) { return rt_allocate(type, type->base_size, 8, 4, CALLER()); }
void *RhpNewFinalizable(const method_table_head *type) { return rt_allocate(type, type->base_size, 4, 0, CALLER()); }
void *RhpNewFinalizableAlign8(const method_table_head *type) { return rt_allocate(type, type->base_size, 8, 0, CALLER()); }
void *RhpNewArray(const method_table_head *type, int32_t length) { return new_array(type, length, 4, CALLER()); }
void *RhpNewArrayAlign8(const method_table_head *type, int32_t length) { return new_array(type, length, 8, CALLER()); }
void *RhpNewPtrArrayFast(const method_table_head *type, int32_t length) { return new_array(type, length, 4, CALLER()); }
void *RhpNewArrayFast(const method_table_head *type, int32_t length) { return new_array(type, length, 4, CALLER()); }
void *RhpNewArrayFastAlign8(const method_table_head *type, int32_t length) { return new_array(type, length, 8, CALLER()); }

/* Heap bounds from the linker script. */
extern uint8_t __heap_start[], __heap_end[];
uint8_t *rt_heap_start(void) { return __heap_start; }
uint8_t *rt_heap_end(void) { return __heap_end; }

/* No GC: a reference store is a plain store. */
void RhpAssignRef(void **destination, void *value) { *destination = value; }
void RhpCheckedAssignRef(void **destination, void *value) { *destination = value; }
void RhpByRefAssignRef(void **destination, void **source) { *destination = *source; }

/* No threads, no GC suspension: entering and leaving managed code from C costs nothing. */
void RhpReversePInvoke(void *frame) { (void)frame; }
void RhpReversePInvokeReturn(void *frame) { (void)frame; }

/* Stack-buffer overrun check for stackalloc: a fixed canary is enough to catch overruns. */
uintptr_t __security_cookie = 0x2F6C3A95u;
void __security_check_cookie(uintptr_t cookie)
{
    if (cookie != __security_cookie)
        rt_panic("stack buffer overrun", CALLER());
}

/* Contract violations in managed code (runtime/Internal/Runtime/CompilerHelpers/ThrowHelpers.cs):
 * LR is the managed instruction after the failed check. */
void rt_fail_index_out_of_range(void) { rt_panic("index out of range", CALLER()); }
void rt_fail_null_reference(void) { rt_panic("null reference", CALLER()); }
void rt_fail_overflow(void) { rt_panic("arithmetic overflow", CALLER()); }
void rt_fail_divide_by_zero(void) { rt_panic("divide by zero", CALLER()); }
void rt_fail_invalid_cast(void) { rt_panic("invalid cast", CALLER()); }
void rt_fail_array_type_mismatch(void) { rt_panic("array type mismatch", CALLER()); }
void rt_fail_unsupported(void) { rt_panic("unsupported operation", CALLER()); }
void rt_fail_argument(void) { rt_panic("argument out of range", CALLER()); }
void rt_fail_body_removed(void) { rt_panic("code removed by the compiler was called", CALLER()); }
void RhpFallbackFailFast(void) { rt_panic("fail fast", CALLER()); }
void RhpThrowEx(void *exception) { (void)exception; rt_panic("exception thrown", CALLER()); }

/* ilc emits ARM EHABI unwind tables that reference these personality routines; nothing unwinds
 * here (no exceptions) and the linker script discards the tables. Defining them keeps libgcc's
 * unwinder out of the image. */
void __aeabi_unwind_cpp_pr0(void) { rt_panic("unwind", CALLER()); }
void __aeabi_unwind_cpp_pr1(void) __attribute__((alias("__aeabi_unwind_cpp_pr0")));
void __aeabi_unwind_cpp_pr2(void) __attribute__((alias("__aeabi_unwind_cpp_pr0")));

/* Integer division for the System.Math division helpers (runtime/System/Math.cs): with -mcpu=cortex-m7 gcc
 * emits sdiv/udiv for 32 bits; 64 bits go to libgcc's __aeabi_ldivmod/__aeabi_uldivmod. */
int32_t rt_div_i32(int32_t a, int32_t b) { return a / b; }
uint32_t rt_div_u32(uint32_t a, uint32_t b) { return a / b; }
int64_t rt_div_i64(int64_t a, int64_t b) { return a / b; }
uint64_t rt_div_u64(uint64_t a, uint64_t b) { return a / b; }
int32_t rt_rem_i32(int32_t a, int32_t b) { return a % b; }
uint32_t rt_rem_u32(uint32_t a, uint32_t b) { return a % b; }
int64_t rt_rem_i64(int64_t a, int64_t b) { return a % b; }
uint64_t rt_rem_u64(uint64_t a, uint64_t b) { return a % b; }

/* Double to long conversions the ARM32 JIT calls out for. */
int64_t RhpDbl2Lng(double value) { return (int64_t)value; }
uint64_t RhpDbl2ULng(double value) { return (uint64_t)value; }
int32_t RhpDbl2Int(double value) { return (int32_t)value; }
uint32_t RhpDbl2UInt(double value) { return (uint32_t)value; }
double RhpLng2Dbl(int64_t value) { return (double)value; }
double RhpULng2Dbl(uint64_t value) { return (double)value; }
int64_t RhpLMul(int64_t a, int64_t b) { return a * b; }
