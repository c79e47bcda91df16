/*
 * vd_vidmm.h - video memory manager: places allocations (VRAM segment 1 through the
 * TLSF allocator, or system memory) and keeps each allocation's residency.
 *
 * The placement record (vd_vidmm_alloc) is part of the graphics kernel's allocation record
 * (vd_kernel.c): one record per allocation, owned by the kernel; VidMm keeps only the
 * segments (the TLSF allocator, the descriptor, counters) and works on the record it is
 * handed. Each record has a residency state and a system-memory backing store, so eviction
 * (VRAM -> backing store -> VRAM) can be added as state transitions:
 *   NONE    -> VRAM     vd_vidmm_place, a video-memory allocation
 *   NONE    -> SYSMEM   vd_vidmm_place, ExistingSysMem (runtime-provided pSystemMem)
 *   VRAM    -> EVICTED  (not yet) contents copied to the backing store, block freed
 *   EVICTED -> VRAM     (not yet) re-placed with the kept size/alignment/direction
 *   any     -> NONE     vd_vidmm_release
 */
#ifndef VD_VIDMM_H
#define VD_VIDMM_H

#include <stdint.h>

#include "vd_config.h"
#include "vd_dxgk.h"
#include "vd_tlsf.h"

#ifdef __cplusplus
extern "C" {
#endif

enum vd_residency {
    VD_RESIDENCY_NONE = 0,    /* record unused */
    VD_RESIDENCY_VRAM = 1,    /* placed in segment 1 at .offset */
    VD_RESIDENCY_SYSMEM = 2,  /* lives in system memory (.backing), never in VRAM */
    VD_RESIDENCY_EVICTED = 3  /* reserved for eviction: contents in .backing, no VRAM */
};

/* vd_vidmm_alloc.placement bits */
#define VD_VIDMM_PLACE_FROM_END   0x01u /* FromEndOfSegment / Direction0 */
#define VD_VIDMM_PLACE_PERMANENT  0x02u /* PermanentSysMem: keep the backing store */

/* vd_vidmm_alloc.backing: the allocation's system-memory backing store. */
#define VD_VIDMM_BACKING_NONE    0u          /* none yet (VRAM allocation never evicted) */
#define VD_VIDMM_BACKING_RUNTIME 0xFFFFFFFFu /* runtime-provided pSystemMem (the host has it) */
/* other values: with VD_RESIDENCY_SYSMEM, the bus address at which the device reaches the
 * runtime's pSystemMem (a multiple of 4; the GPU's aperture, vd_render_sysmem_address);
 * else a backing-store id, assigned by eviction (not yet) */

typedef struct vd_vidmm_alloc {
    uint32_t size;       /* bytes (DXGK_ALLOCATIONINFO.Size) */
    uint32_t backing;    /* VD_VIDMM_BACKING_* or a backing-store id */
    uint16_t block;      /* TLSF block id while VD_RESIDENCY_VRAM */
    uint16_t flags;      /* DXGK_ALLOCATIONINFOFLAGS bits 0..15 */
    uint8_t residency;   /* enum vd_residency */
    uint8_t segment;     /* VD_SEGMENT_ID_VRAM while in VRAM, else 0 */
    uint8_t align_log2;  /* kept for re-placement */
    uint8_t placement;   /* VD_VIDMM_PLACE_* */
} vd_vidmm_alloc;

typedef struct vd_vidmm_stats {
    vd_tlsf_stats vram;      /* segment 1 */
    uint32_t vram_allocations;
    uint32_t sysmem_allocations;
    uint32_t sysmem_bytes;
} vd_vidmm_stats;

/* Set up segment 1 from the miniport's segment descriptor. The kernel forgets its records
 * at the same time (every placement refers to the segment as it was). */
vd_ntstatus_t vd_vidmm_init(const DXGK_SEGMENTDESCRIPTOR *seg);

/*
 * Place the allocation whose (unused: VD_RESIDENCY_NONE) record is `a` as the miniport
 * described it. ExistingSysMem: recorded in system memory (the runtime's pSystemMem is the
 * backing store), no VRAM used. Otherwise it must be writable in segment 1 and goes there
 * (top of the segment when FromEndOfSegment or PreferredSegment.Direction0).
 * STATUS_GRAPHICS_NO_VIDEO_MEMORY when it does not fit (the record stays unused);
 * STATUS_INVALID_PARAMETER for a NULL or used record or an unplaceable description.
 */
vd_ntstatus_t vd_vidmm_place(vd_vidmm_alloc *a, const DXGK_ALLOCATIONINFO *info);

/* Release the allocation (its VRAM block, if any); the record becomes unused.
 * STATUS_INVALID_PARAMETER for a NULL or unused record. */
vd_ntstatus_t vd_vidmm_release(vd_vidmm_alloc *a);

/*
 * Make the allocation resident in segment 1 for the GPU (the submission path, before
 * DxgkDdiPatch). VRAM: nothing to do. SYSMEM (runtime pSystemMem, no aperture segment):
 * STATUS_INVALID_PARAMETER, the GPU cannot reach it. EVICTED: STATUS_NOT_SUPPORTED until
 * paging exists (nothing evicts yet). NULL or unused record: STATUS_INVALID_PARAMETER.
 */
vd_ntstatus_t vd_vidmm_make_resident(vd_vidmm_alloc *a);

/* Segment offset (bytes) of the allocation while in VRAM, else 0xFFFFFFFF. */
uint32_t vd_vidmm_offset(const vd_vidmm_alloc *a);

/* Segment descriptor vidmm was set up with. */
const DXGK_SEGMENTDESCRIPTOR *vd_vidmm_segment(void);

void vd_vidmm_get_stats(vd_vidmm_stats *s);

/* The segment allocator, for consistency checks in tests. */
const vd_tlsf *vd_vidmm_tlsf(void);

#ifdef __cplusplus
}
#endif

#endif /* VD_VIDMM_H */
