/* Start-up of the managed module, done by .NET's StartupCodeHelpers on a normal runtime.
 * ilc describes the module in a ReadyToRun header (dotnet/runtime: ReadyToRunHeaderConstants,
 * ReadyToRunSectionType): a list of sections, each {id, flags, start, end}. Only the sections
 * that need work at boot are handled; one this runtime cannot honour stops the boot loudly. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "board.h"

#define READYTORUN_SIGNATURE 0x00525452u /* "RTR" */
#define READYTORUN_MAJOR 16u             /* the format ilc 10.0 writes */
#define SECTION_GC_STATIC_REGION 201
#define SECTION_THREAD_STATIC_REGION 202
#define SECTION_EAGER_CCTOR 205
/* Section 213 lists the module initializers: the <Module> class constructors, which (without a
 * lazy helper in the corelib) ilc also puts among the eager class constructors, so they run there,
 * once (seen with ilc 10.0.14). */

typedef struct {
    uint32_t signature;
    uint16_t major;
    uint16_t minor;
    uint32_t flags;
    uint16_t section_count;
    uint8_t entry_size;
    uint8_t entry_type;
} readytorun_header;

typedef struct {
    int32_t id;
    int32_t flags;
    uint8_t *start;
    uint8_t *end;
} readytorun_section;

extern const readytorun_header *const __modules_start[], *const __modules_end[];
void rt_panic(const char *what, uint32_t address);
void *RhpNewFastAlign8(const void *type);

/* Each entry of the GC static region is a 32-bit offset (from the entry) to a slot. Until
 * start-up the slot holds an offset (from the slot) to the MethodTable of the block that carries
 * a type's static reference fields, with flag bits: 1 = not allocated yet, 2 = the next word is
 * an offset (from that word) to preinitialized contents for the block (ilc evaluated the static
 * initializers at compile time). Start-up allocates the block, copies the preinitialized
 * contents, and stores the block's address in the slot; code reads statics through the slot.
 * (dotnet/runtime: GCStaticRegionConstants, StartupCodeHelpers.InitializeStatics.) */
#define GC_STATIC_UNINITIALIZED 1
#define GC_STATIC_HAS_PREINIT_DATA 2
#define GC_STATIC_FLAGS 3

typedef struct {
    uint32_t flags;
    uint32_t base_size;
} method_table_head;

static void allocate_gc_statics(const readytorun_section *section)
{
    for (int32_t *entry = (int32_t *)section->start; entry < (int32_t *)section->end; entry++) {
        int32_t *slot = (int32_t *)((uint8_t *)entry + *entry);
        int32_t value = *slot;
        if ((value & GC_STATIC_UNINITIALIZED) == 0)
            continue;
        const method_table_head *block_type = (const method_table_head *)((const uint8_t *)slot + (value & ~GC_STATIC_FLAGS));
        uint8_t *block = RhpNewFastAlign8(block_type);
        if (value & GC_STATIC_HAS_PREINIT_DATA) {
            const int32_t *data_offset = slot + 1;
            const uint8_t *data = (const uint8_t *)data_offset + *data_offset;
            /* The fields follow the MethodTable pointer; base size also counts the object header. */
            memcpy(block + sizeof(void *), data, block_type->base_size - 2 * sizeof(void *));
        }
        *(void **)slot = block;
    }
}

/* This corelib has no lazy class-constructor helper, so ilc makes every static constructor it
 * cannot evaluate at compile time an eager one: an entry here, a 32-bit offset (from the entry)
 * to the constructor. They run once, at boot, in the order ilc lists them, before any firmware
 * code and so before the heap is sealed. The build lists them (tools/class-constructors.sh). */
static void run_class_constructors(const readytorun_section *section)
{
    for (const int32_t *entry = (const int32_t *)section->start; entry < (const int32_t *)section->end; entry++) {
        void (*constructor)(void) = (void (*)(void))((const uint8_t *)entry + *entry);
        constructor();
    }
}

static const readytorun_section *find_section(const readytorun_header *header, int32_t id)
{
    const readytorun_section *sections = (const readytorun_section *)(header + 1);
    for (uint32_t i = 0; i < header->section_count; i++)
        if (sections[i].id == id)
            return &sections[i];
    return NULL;
}

void rt_initialize_modules(void)
{
    for (const readytorun_header *const *module = __modules_start; module < __modules_end; module++) {
        const readytorun_header *header = *module;
        if (header->signature != READYTORUN_SIGNATURE || header->major != READYTORUN_MAJOR ||
            header->entry_size != sizeof(readytorun_section))
            rt_panic("managed module header not understood (ilc version?)", (uint32_t)header);

        const readytorun_section *thread_statics = find_section(header, SECTION_THREAD_STATIC_REGION);
        if (thread_statics != NULL && thread_statics->start != thread_statics->end)
            rt_panic("[ThreadStatic] fields are not supported", (uint32_t)thread_statics->start);

        /* Statics first: a class constructor may store into them. */
        const readytorun_section *gc_statics = find_section(header, SECTION_GC_STATIC_REGION);
        if (gc_statics != NULL)
            allocate_gc_statics(gc_statics);

        const readytorun_section *constructors = find_section(header, SECTION_EAGER_CCTOR);
        if (constructors != NULL)
            run_class_constructors(constructors);
    }
}
