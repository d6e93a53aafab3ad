/* Start-up of the managed module, done by .NET's StartupCodeHelpers on a normal runtime.
 * ilc describes the module in a ReadyToRun header (dotnet/runtime: ReadyToRunHeaderConstants,
 * ReadyToRunSectionType): a list of sections, each {id, flags, start, end}. Only the sections
 * that need work at boot are handled; one this runtime cannot honour stops the boot loudly. */
#include <stdint.h>
#include "board.h"

#define READYTORUN_SIGNATURE 0x00525452u /* "RTR" */
#define READYTORUN_MAJOR 16u             /* the format ilc 10.0 writes */
#define SECTION_GC_STATIC_REGION 201
#define SECTION_THREAD_STATIC_REGION 202
#define SECTION_EAGER_CCTOR 205

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

/* Each entry of the GC static region is a 32-bit offset (from the entry) to a slot; the slot
 * holds, until start-up, an offset (from the slot) to the MethodTable of the block that carries
 * the type's static reference fields, with bit 0 set. Start-up allocates the block and stores
 * its address in the slot; code then reads the statics through the slot. */
static void allocate_gc_statics(const readytorun_section *section)
{
    for (int32_t *entry = (int32_t *)section->start; entry < (int32_t *)section->end; entry++) {
        int32_t *slot = (int32_t *)((uint8_t *)entry + *entry);
        int32_t value = *slot;
        if ((value & 1) == 0)
            continue;
        const void *block_type = (const uint8_t *)slot + (value & ~1);
        *(void **)slot = RhpNewFastAlign8(block_type);
    }
}

void rt_initialize_modules(void)
{
    for (const readytorun_header *const *module = __modules_start; module < __modules_end; module++) {
        const readytorun_header *header = *module;
        if (header->signature != READYTORUN_SIGNATURE || header->major != READYTORUN_MAJOR ||
            header->entry_size != sizeof(readytorun_section))
            rt_panic("managed module header not understood (ilc version?)", (uint32_t)header);
        const readytorun_section *sections = (const readytorun_section *)(header + 1);
        for (uint32_t i = 0; i < header->section_count; i++) {
            const readytorun_section *section = &sections[i];
            int empty = section->start == section->end;
            switch (section->id) {
            case SECTION_GC_STATIC_REGION:
                allocate_gc_statics(section);
                break;
            case SECTION_THREAD_STATIC_REGION:
                if (!empty)
                    rt_panic("[ThreadStatic] fields are not supported", (uint32_t)section->start);
                break;
            case SECTION_EAGER_CCTOR:
                if (!empty)
                    rt_panic("eager class constructors are not supported", (uint32_t)section->start);
                break;
            default:
                break;
            }
        }
    }
}
