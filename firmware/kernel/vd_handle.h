/*
 * vd_handle.h - D3DKMT_HANDLE tables: fixed pools, O(1) allocate/free/lookup. The graphics
 * kernel's own (vd_kernel.c keeps the tables): small enough to be inline, and looked up on
 * every request.
 *
 * Handle format (32 bits):
 *   [31:30] type tag   (1 allocation, 2 resource, 3 device; never 0, so no handle is 0)
 *   [29:16] generation (14 bits, bumped when the slot is freed)
 *   [15:0]  slot index
 * A handle is valid when its tag matches the table, its index is in range, the slot is
 * live and the slot's generation equals the handle's. Free slots are reused in FIFO
 * order, so a stale handle can only come back after 2^14 frees of every slot of a full
 * table (or of the one slot of a one-entry table).
 */
#ifndef VD_HANDLE_H
#define VD_HANDLE_H

#include <stdbool.h>
#include <stdint.h>

#include "vidalloc/vd_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VD_HANDLE_TYPE_ALLOCATION 1u /* == DXGK_HANDLE_ALLOCATION */
#define VD_HANDLE_TYPE_RESOURCE   2u /* == DXGK_HANDLE_RESOURCE */
#define VD_HANDLE_TYPE_DEVICE     3u

#define VD_HANDLE_TYPE_SHIFT 30
#define VD_HANDLE_GEN_SHIFT  16
#define VD_HANDLE_GEN_BITS   14
#define VD_HANDLE_GEN_MASK   ((1u << VD_HANDLE_GEN_BITS) - 1u)
#define VD_HANDLE_INDEX_MASK 0xFFFFu
#define VD_HANDLE_MAX_SLOTS  0xFFFFu /* index 0xFFFF is the free-list terminator */
#define VD_HANDLE_NIL        0xFFFFu

#define VD_HANDLE_TYPE_OF(h) ((uint32_t)(h) >> VD_HANDLE_TYPE_SHIFT)
#define VD_HANDLE_GEN_OF(h)  (((uint32_t)(h) >> VD_HANDLE_GEN_SHIFT) & VD_HANDLE_GEN_MASK)
#define VD_HANDLE_INDEX_OF(h) ((uint32_t)(h) & VD_HANDLE_INDEX_MASK)

/* Per-slot state: bit 15 live, bits 13..0 generation. */
#define VD_HANDLE_SLOT_LIVE 0x8000u

typedef struct vd_handle_table {
    uint16_t *slot;     /* [capacity] live bit + generation */
    uint16_t *next;     /* [capacity] FIFO free list links */
    uint16_t capacity;
    uint16_t live;      /* handles in use */
    uint16_t free_head; /* VD_HANDLE_NIL when exhausted */
    uint16_t free_tail;
    uint8_t type;       /* VD_HANDLE_TYPE_* */
} vd_handle_table;

/* Storage for a table of n slots: VD_HANDLE_STORAGE(name, n) declares name_slot, name_next. */
#define VD_HANDLE_STORAGE(name, n) \
    static uint16_t name##_slot[(n)]; \
    static uint16_t name##_next[(n)]

static inline uint32_t vd_handle_make(uint32_t type, uint32_t gen, uint32_t index)
{
    return (type << VD_HANDLE_TYPE_SHIFT) | ((gen & VD_HANDLE_GEN_MASK) << VD_HANDLE_GEN_SHIFT) |
           (index & VD_HANDLE_INDEX_MASK);
}

static inline void vd_handle_init(vd_handle_table *t, uint32_t type, uint16_t *slot,
                                  uint16_t *next, uint32_t capacity)
{
    uint32_t i;

    if (capacity > VD_HANDLE_MAX_SLOTS)
        capacity = VD_HANDLE_MAX_SLOTS;
    t->slot = slot;
    t->next = next;
    t->capacity = (uint16_t)capacity;
    t->live = 0;
    t->type = (uint8_t)type;
    for (i = 0; i < capacity; i++) {
        slot[i] = 0; /* free, generation 0 */
        next[i] = (uint16_t)(i + 1u < capacity ? i + 1u : VD_HANDLE_NIL);
    }
    t->free_head = capacity ? 0 : VD_HANDLE_NIL;
    t->free_tail = capacity ? (uint16_t)(capacity - 1u) : VD_HANDLE_NIL;
}

/* New handle and its slot index; STATUS_NO_MEMORY (and nothing written) when the pool is
 * exhausted. */
static inline vd_ntstatus_t vd_handle_alloc(vd_handle_table *t, uint32_t *handle,
                                            uint32_t *index)
{
    uint32_t i = t->free_head;

    if (i == VD_HANDLE_NIL)
        return STATUS_NO_MEMORY;
    t->free_head = t->next[i];
    if (t->free_head == VD_HANDLE_NIL)
        t->free_tail = VD_HANDLE_NIL;
    t->next[i] = VD_HANDLE_NIL;
    t->slot[i] = (uint16_t)(t->slot[i] | VD_HANDLE_SLOT_LIVE);
    t->live++;
    *handle = vd_handle_make(t->type, t->slot[i], i);
    if (index)
        *index = i;
    return STATUS_SUCCESS;
}

/* Slot index of a valid handle of this table, or -1. */
static inline int32_t vd_handle_lookup(const vd_handle_table *t, uint32_t handle)
{
    uint32_t i = VD_HANDLE_INDEX_OF(handle);
    uint32_t s;

    if (VD_HANDLE_TYPE_OF(handle) != t->type || i >= t->capacity)
        return -1;
    s = t->slot[i];
    if (!(s & VD_HANDLE_SLOT_LIVE) || (s & VD_HANDLE_GEN_MASK) != VD_HANDLE_GEN_OF(handle))
        return -1;
    return (int32_t)i;
}

/* Frees a valid handle (its generation moves on); STATUS_INVALID_PARAMETER otherwise. */
static inline vd_ntstatus_t vd_handle_free(vd_handle_table *t, uint32_t handle)
{
    int32_t r = vd_handle_lookup(t, handle);
    uint32_t i;

    if (r < 0)
        return STATUS_INVALID_PARAMETER;
    i = (uint32_t)r;
    /* Not live any more, next generation. */
    t->slot[i] = (uint16_t)((t->slot[i] + 1u) & VD_HANDLE_GEN_MASK);
    /* Append to the FIFO free list. */
    t->next[i] = VD_HANDLE_NIL;
    if (t->free_tail == VD_HANDLE_NIL)
        t->free_head = (uint16_t)i;
    else
        t->next[t->free_tail] = (uint16_t)i;
    t->free_tail = (uint16_t)i;
    t->live--;
    return STATUS_SUCCESS;
}

/* The current handle of a live slot (0 if the slot is free or out of range). */
static inline uint32_t vd_handle_of_index(const vd_handle_table *t, uint32_t index)
{
    if (index >= t->capacity || !(t->slot[index] & VD_HANDLE_SLOT_LIVE))
        return 0;
    return vd_handle_make(t->type, t->slot[index], index);
}

static inline uint32_t vd_handle_live(const vd_handle_table *t) { return t->live; }
static inline uint32_t vd_handle_capacity(const vd_handle_table *t) { return t->capacity; }

#ifdef __cplusplus
}
#endif

#endif /* VD_HANDLE_H */
