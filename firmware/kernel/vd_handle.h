/*
 * vd_handle.h - D3DKMT_HANDLE tables: fixed pools, O(1) allocate/free/lookup.
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

void vd_handle_init(vd_handle_table *t, uint32_t type, uint16_t *slot, uint16_t *next,
                    uint32_t capacity);

/* New handle and its slot index; STATUS_NO_MEMORY when the pool is exhausted. */
vd_ntstatus_t vd_handle_alloc(vd_handle_table *t, uint32_t *handle, uint32_t *index);

/* Slot index of a valid handle of this table, or -1. */
int32_t vd_handle_lookup(const vd_handle_table *t, uint32_t handle);

/* Frees a valid handle (its generation moves on); STATUS_INVALID_PARAMETER otherwise. */
vd_ntstatus_t vd_handle_free(vd_handle_table *t, uint32_t handle);

/* The current handle of a live slot (0 if the slot is free or out of range). */
uint32_t vd_handle_of_index(const vd_handle_table *t, uint32_t index);

static inline uint32_t vd_handle_live(const vd_handle_table *t) { return t->live; }
static inline uint32_t vd_handle_capacity(const vd_handle_table *t) { return t->capacity; }

#ifdef __cplusplus
}
#endif

#endif /* VD_HANDLE_H */
