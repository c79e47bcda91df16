/*
 * vd_tlsf.h - VRAM segment allocator: two-level segregated fit (TLSF) with its block
 * metadata out of band, in firmware RAM (VRAM holds allocation contents only).
 *
 * Units: the segment is cut in 16-byte granules; offsets and sizes are kept in granules.
 * Size classes: first level fl = floor(log2(size)) - 3 (fl 0 holds 1..15 granules, one
 * class per size), second level sl = the next 4 bits below the leading one (16 classes
 * per power of two). One bit per non-empty class in fl_bitmap / sl_bitmap[fl].
 *
 * Block descriptors come from a caller-supplied fixed pool: each has its granule offset
 * and size, state bits, address-ordered physical neighbour links (for coalescing) and
 * free-list links. Descriptor 0 is a sentinel so that "no block" is 0; it also closes the
 * physical list into a ring (its next_phys is the lowest block, its prev_phys the highest),
 * so linking and unlinking never test for an end.
 *
 * Bounds: allocate and free run a fixed number of steps: a constant number of bitmap
 * find-first-set operations (compares and a 256-entry table: no multiply, divide or clz),
 * at most two splits, at most two merges, no loop over blocks. A list head's prev_free
 * holds its class, so unlinking needs no size-to-class mapping; a free block that stays in
 * its class when it shrinks (allocate) or grows (free) is updated in place, without
 * leaving its list. Statistics (free block count, largest free block) and vd_tlsf_check
 * walk lists and are not on the hot path.
 */
#ifndef VD_TLSF_H
#define VD_TLSF_H

#include <stdbool.h>
#include <stdint.h>

#include "vd_config.h"
#include "vidalloc/vd_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VD_TLSF_GRANULE_SHIFT 4u
#define VD_TLSF_GRANULE       (1u << VD_TLSF_GRANULE_SHIFT) /* 16 bytes */
#define VD_TLSF_SL_LOG2       4u
#define VD_TLSF_SL_COUNT      (1u << VD_TLSF_SL_LOG2)
#define VD_TLSF_FL_COUNT \
    (VD_TLSF_SEGMENT_MAX_LOG2 - VD_TLSF_GRANULE_SHIFT - VD_TLSF_SL_LOG2 + 2u)
#define VD_TLSF_MAX_SEGMENT   (1u << VD_TLSF_SEGMENT_MAX_LOG2)
#define VD_TLSF_NIL           0u      /* descriptor 0 is a sentinel: id 0 = none */
#define VD_TLSF_HEAD          0x8000u /* set in prev_free of a list head, which is ~class */
#define VD_TLSF_MAX_BLOCKS_LIMIT 0x7FFFu

/* vd_tlsf_block.off: granule offset in bits 29..0, state in 31..30. */
#define VD_TLSF_ST_FREE  0x80000000u
#define VD_TLSF_ST_SPARE 0x40000000u
#define VD_TLSF_OFF_MASK 0x3FFFFFFFu

/* 16 bytes, so a descriptor id becomes an address with one shift. */
typedef struct vd_tlsf_block {
    uint32_t off;        /* granule offset | VD_TLSF_ST_* */
    uint32_t size;       /* granules */
    uint16_t prev_phys;  /* lower-address neighbour, 0 for the first block */
    uint16_t next_phys;  /* higher-address neighbour, 0 for the last block */
    uint16_t prev_free;  /* free list: previous block; the head: (uint16_t)~class (bit 15 set) */
    uint16_t next_free;  /* free list: next block or 0; spare descriptors: the spare list */
} vd_tlsf_block;

typedef struct vd_tlsf {
    vd_tlsf_block *blk;
    uint32_t nblk;
    uint32_t seg_granules;
    uint32_t fl_bitmap;
    uint32_t used_granules;
    uint16_t spare;      /* spare descriptor list */
    uint16_t reserved;   /* 0 (the highest block is blk[0].prev_phys) */
    uint16_t sl_bitmap[VD_TLSF_FL_COUNT];
    uint16_t head[VD_TLSF_FL_COUNT * VD_TLSF_SL_COUNT]; /* class index = fl * 16 + sl */
} vd_tlsf;

typedef struct vd_tlsf_stats {
    uint32_t total_bytes;
    uint32_t used_bytes;             /* sum of allocated block sizes (granule-rounded) */
    uint32_t free_bytes;
    uint32_t largest_free_bytes;
    uint32_t used_blocks;
    uint32_t free_blocks;
    uint32_t spare_descriptors;
    /* 1000 * (1 - largest_free / free), 0 when nothing (or one block) is free */
    uint32_t fragmentation_permille;
} vd_tlsf_stats;

/* Placement flags of vd_tlsf_alloc. */
#define VD_TLSF_FROM_END 0x1u

extern const uint8_t vd_tlsf_log2_table[256]; /* [i] = floor(log2(i)), [0] = 0 */

/*
 * Index of the most significant set bit of x (x != 0): two compares and a 256-entry
 * table (RV32I has no clz). Bounded: at most 3 branches, 1 load.
 */
static inline __attribute__((always_inline)) uint32_t vd_fls32(uint32_t x)
{
    if (x >> 16) {
        if (x >> 24)
            return 24u + vd_tlsf_log2_table[x >> 24];
        return 16u + vd_tlsf_log2_table[x >> 16];
    }
    if (x >> 8)
        return 8u + vd_tlsf_log2_table[x >> 8];
    return vd_tlsf_log2_table[x];
}

/* Index of the least significant set bit of x (x != 0). */
static inline __attribute__((always_inline)) uint32_t vd_ffs32(uint32_t x)
{
    return vd_fls32(x & (0u - x));
}

/*
 * Set up a segment of seg_bytes (a multiple of 16, at most VD_TLSF_MAX_SEGMENT) with
 * nblk descriptors (2..32767, descriptor 0 being the sentinel; 2N+2 for N live
 * allocations never runs out).
 */
vd_ntstatus_t vd_tlsf_init(vd_tlsf *t, vd_tlsf_block *blocks, uint32_t nblk, uint32_t seg_bytes);

/*
 * Allocate size bytes (rounded up to 16) at an offset that is a multiple of align
 * (a power of two, 0 = 16). VD_TLSF_FROM_END places it as high as possible in the
 * chosen free block and tries the segment's top free block first.
 * Returns STATUS_SUCCESS with *block (descriptor id, needed to free) and *offset (bytes
 * from the segment start); STATUS_INVALID_PARAMETER (size 0, align not a power of two or
 * above the segment limit), STATUS_GRAPHICS_NO_VIDEO_MEMORY (no fitting free block),
 * STATUS_NO_MEMORY (descriptor pool exhausted). On failure nothing changes.
 */
vd_ntstatus_t vd_tlsf_alloc(vd_tlsf *t, uint32_t size, uint32_t align, uint32_t flags,
                            uint32_t *block, uint32_t *offset);

/*
 * Free the allocation (block, offset) returned by vd_tlsf_alloc, merging it with free
 * neighbours. A block id that is not a live allocation, or an offset that is not its
 * start, returns STATUS_INVALID_PARAMETER and changes nothing.
 */
vd_ntstatus_t vd_tlsf_free(vd_tlsf *t, uint32_t block, uint32_t offset);

/* Offset in bytes of descriptor `block` (no checks: for a block id vd_tlsf_alloc returned). */
static inline uint32_t vd_tlsf_offset(const vd_tlsf *t, uint32_t block)
{
    return (t->blk[block].off & VD_TLSF_OFF_MASK) << VD_TLSF_GRANULE_SHIFT;
}

/* Statistics (walks the free lists: counts and largest block; not a hot path). */
void vd_tlsf_get_stats(const vd_tlsf *t, vd_tlsf_stats *s);

/* Full consistency check of every invariant; 0 when consistent, else a negative code. */
int vd_tlsf_check(const vd_tlsf *t);

/* One descriptor: offset and size in bytes, state 0 used / 1 free / 2 spare. -1 if bad id
 * (0, the sentinel, or out of range). */
int vd_tlsf_block_info(const vd_tlsf *t, uint32_t block, uint32_t *offset, uint32_t *size);

#ifdef __cplusplus
}
#endif

#endif /* VD_TLSF_H */
