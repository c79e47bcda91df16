/* vd_handle.c - D3DKMT_HANDLE tables (see vd_handle.h for the format). */
#include "vd_handle.h"

#include <stddef.h>

static inline uint32_t make_handle(uint32_t type, uint32_t gen, uint32_t index)
{
    return (type << VD_HANDLE_TYPE_SHIFT) | ((gen & VD_HANDLE_GEN_MASK) << VD_HANDLE_GEN_SHIFT) |
           (index & VD_HANDLE_INDEX_MASK);
}

void vd_handle_init(vd_handle_table *t, uint32_t type, uint16_t *slot, uint16_t *next,
                    uint32_t capacity)
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

vd_ntstatus_t vd_handle_alloc(vd_handle_table *t, uint32_t *handle, uint32_t *index)
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
    *handle = make_handle(t->type, t->slot[i], i);
    if (index)
        *index = i;
    return STATUS_SUCCESS;
}

int32_t vd_handle_lookup(const vd_handle_table *t, uint32_t handle)
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

vd_ntstatus_t vd_handle_free(vd_handle_table *t, uint32_t handle)
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

uint32_t vd_handle_of_index(const vd_handle_table *t, uint32_t index)
{
    if (index >= t->capacity || !(t->slot[index] & VD_HANDLE_SLOT_LIVE))
        return 0;
    return make_handle(t->type, t->slot[index], index);
}
