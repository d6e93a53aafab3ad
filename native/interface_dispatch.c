/* Interface dispatch for ilc's code. An interface call site loads the address of its dispatch
 * cell into r12 and calls the cell's stub with the receiver in r0. Every cell starts out pointing
 * at RhpInitialDynamicInterfaceDispatch (below), which resolves the target from the receiver's
 * MethodTable and the interface's dispatch map, remembers it in a small cache and jumps to it
 * with the caller's arguments untouched.
 *
 * Layouts (ilc 10.0, 32-bit; dotnet/runtime MethodTable.h, rhbinder.h, DispatchMap.h):
 *   cell:         { stub, cache }. A run of cells for one call site ends with a cell whose stub
 *                 is 0; that cell's cache word holds the cell type (high 16 bits) and the
 *                 interface slot (low 16 bits). The first cell's cache word names the interface
 *                 by its low two bits: 3 = offset from the cache word to it, 2 = offset to a
 *                 pointer to it, 1 = its address (0, a runtime-made cache, never comes from ilc).
 *   MethodTable:  flags, base size, base type, u16 vtable slots, u16 interfaces, hash, then the
 *                 vtable, then the interface map, then 32-bit self-relative pointers: type manager,
 *                 writable data, dispatch map (when flagged), finalizer (when flagged), sealed
 *                 virtual slots (when flagged), ...
 *   dispatch map: u16 counts (standard, default, static standard, static default), then
 *                 entries { u16 interface index, u16 interface slot, u16 implementation slot }.
 *                 An implementation slot at or past the vtable size indexes the sealed slots. */
#include <stdint.h>
#include <stddef.h>

typedef struct method_table {
    uint32_t flags;
    uint32_t base_size;
    const struct method_table *base;
    uint16_t vtable_slots;
    uint16_t interface_count;
    uint32_t hash;
} method_table;

typedef struct {
    uintptr_t stub;
    uintptr_t cache;
} dispatch_cell;

typedef struct {
    uint16_t interface_index;
    uint16_t interface_slot;
    uint16_t implementation_slot;
} dispatch_entry;

#define FLAG_HAS_DISPATCH_MAP 0x00040000u
#define FLAG_HAS_FINALIZER 0x00100000u
#define FLAG_HAS_SEALED_VTABLE 0x00400000u
#define CELL_TYPE_INTERFACE_AND_SLOT 0u

void rt_panic(const char *what, uint32_t address);

static const void *relative(const int32_t *field) { return (const uint8_t *)field + *field; }

static void *const *vtable_of(const method_table *type) { return (void *const *)(type + 1); }

static const method_table *const *interfaces_of(const method_table *type)
{
    return (const method_table *const *)(vtable_of(type) + type->vtable_slots);
}

/* The self-relative pointers after the interface map. */
static const int32_t *optional_fields(const method_table *type)
{
    return (const int32_t *)(interfaces_of(type) + type->interface_count);
}

static const uint16_t *dispatch_map_of(const method_table *type)
{
    if (!(type->flags & FLAG_HAS_DISPATCH_MAP))
        return NULL;
    return relative(optional_fields(type) + 2);
}

static void *sealed_slot(const method_table *type, uint32_t index)
{
    const int32_t *field = optional_fields(type) + 2;
    if (type->flags & FLAG_HAS_DISPATCH_MAP)
        field++;
    if (type->flags & FLAG_HAS_FINALIZER)
        field++;
    const int32_t *slots = relative(field);
    return (void *)relative(slots + index);
}

static const method_table *interface_of(const dispatch_cell *cell)
{
    uintptr_t value = cell->cache;
    switch (value & 3u) {
    case 3:
        return (const method_table *)((const uint8_t *)&cell->cache + (int32_t)(value & ~3u));
    case 2:
        return *(const method_table *const *)((const uint8_t *)&cell->cache + (int32_t)(value & ~3u));
    case 1:
        return (const method_table *)(value & ~3u);
    default:
        rt_panic("interface dispatch cell not understood", (uint32_t)cell);
        return NULL;
    }
}

static uint32_t slot_of(const dispatch_cell *cell, uint32_t caller)
{
    while (cell->stub != 0)
        cell++;
    if ((cell->cache >> 16) != CELL_TYPE_INTERFACE_AND_SLOT)
        rt_panic("interface dispatch cell type not supported", caller);
    return cell->cache & 0xFFFFu;
}

/* Walk the receiver's type and its bases for the class that implements interface/slot.
 * Only the standard entries are searched: default interface methods are not supported (the
 * resolver then panics, naming the call site). */
static void *resolve(const method_table *receiver, const method_table *interface, uint32_t slot)
{
    for (const method_table *type = receiver; type != NULL; type = type->base) {
        const uint16_t *map = dispatch_map_of(type);
        if (map == NULL)
            continue;
        const method_table *const *interfaces = interfaces_of(type);
        const dispatch_entry *entries = (const dispatch_entry *)(map + 4);
        for (uint32_t i = 0; i < map[0]; i++) {
            const dispatch_entry *entry = &entries[i];
            if (entry->interface_slot != slot || entry->interface_index >= type->interface_count ||
                interfaces[entry->interface_index] != interface)
                continue;
            /* A slot within the implementing type's vtable is read from the receiver's own vtable
             * (a derived class may have overridden it; derived vtables extend their base's).
             * Past the implementing type's vtable it indexes that type's sealed slots: compare
             * with the implementing type, not the receiver, whose vtable may be longer. */
            if (entry->implementation_slot < type->vtable_slots)
                return vtable_of(receiver)[entry->implementation_slot];
            if (!(type->flags & FLAG_HAS_SEALED_VTABLE))
                return NULL;
            return sealed_slot(type, entry->implementation_slot - type->vtable_slots);
        }
    }
    return NULL;
}

/* A direct-mapped cache of (cell, receiver type) -> target, so a call site pays for the walk
 * once per receiver type. 64 entries: a few hundred bytes of RAM. */
#define CACHE_SIZE 64u
static struct {
    const dispatch_cell *cell;
    const method_table *type;
    void *target;
} cache[CACHE_SIZE];

void *rt_interface_dispatch_resolve(const void *receiver, const dispatch_cell *cell, uint32_t caller)
{
    if (receiver == NULL)
        rt_panic("null reference (interface call)", caller & ~1u);
    const method_table *type = *(const method_table *const *)receiver;
    uint32_t index = (((uintptr_t)cell >> 3) ^ ((uintptr_t)type >> 4)) & (CACHE_SIZE - 1u);
    /* Interrupt handlers may dispatch too: an entry is read and written whole, with interrupts
     * held off, so a handler cannot replace it between the compare and the read of the target. */
    uint32_t primask;
    __asm volatile("mrs %0, primask\n cpsid i" : "=r"(primask) :: "memory");
    void *target = (cache[index].cell == cell && cache[index].type == type) ? cache[index].target : NULL;
    __asm volatile("msr primask, %0" :: "r"(primask) : "memory");
    if (target != NULL)
        return target;
    target = resolve(type, interface_of(cell), slot_of(cell, caller));
    if (target == NULL)
        rt_panic("interface method not implemented by receiver", caller & ~1u);
    __asm volatile("mrs %0, primask\n cpsid i" : "=r"(primask) :: "memory");
    cache[index].cell = cell;
    cache[index].type = type;
    cache[index].target = target;
    __asm volatile("msr primask, %0" :: "r"(primask) : "memory");
    return target;
}

/* r12 = cell, r0 = receiver, r1-r3 / stack / d0-d7 = the call's other arguments, lr = caller.
 * Save the argument registers, resolve, restore, and tail-jump to the target. */
__attribute__((naked)) void RhpInitialDynamicInterfaceDispatch(void)
{
    __asm volatile(
        "push {r0-r3, r12, lr}\n"
        "vpush {d0-d7}\n"
        "sub sp, sp, #8\n"          /* 24 + 64 + 8: keep the stack 8-byte aligned for the call */
        "mov r1, r12\n"
        "mov r2, lr\n"
        "bl rt_interface_dispatch_resolve\n"
        "add sp, sp, #8\n"
        "vpop {d0-d7}\n"
        "str r0, [sp, #16]\n"       /* the saved r12 slot now holds the target */
        "pop {r0-r3, r12, lr}\n"
        "bx r12\n");
}
