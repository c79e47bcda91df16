/* vd_vidmm.c - video memory manager (vd_vidmm.h). */
#include "vd_vidmm.h"

#include <stdbool.h>
#include <stddef.h>

static vd_tlsf s_tlsf;
static vd_tlsf_block s_blocks[VD_TLSF_MAX_BLOCKS];
static DXGK_SEGMENTDESCRIPTOR s_seg;
/* Placed allocations by residency (the records themselves are the kernel's). */
static uint32_t s_vram_allocs, s_sysmem_allocs, s_sysmem_bytes;

/* SIZE_T is 32 bits on the target, 64 natively. */
static inline bool fits_u32(uint64_t v)
{
    return (v >> 32) == 0;
}

vd_ntstatus_t vd_vidmm_init(const DXGK_SEGMENTDESCRIPTOR *seg)
{
    vd_ntstatus_t st;

    if (seg == NULL || seg->Size == 0 || (uint64_t)seg->Size > VD_TLSF_MAX_SEGMENT)
        return STATUS_INVALID_PARAMETER;
    st = vd_tlsf_init(&s_tlsf, s_blocks, VD_TLSF_MAX_BLOCKS, (uint32_t)seg->Size);
    if (!NT_SUCCESS(st))
        return st; /* vd_tlsf_init checks before it changes anything */
    s_vram_allocs = s_sysmem_allocs = s_sysmem_bytes = 0;
    s_seg = *seg;
    return STATUS_SUCCESS;
}

/* Runtime-provided system memory (ExistingSysMem): recorded, no VRAM. */
static __attribute__((noinline)) vd_ntstatus_t place_sysmem(vd_vidmm_alloc *a, const DXGK_ALLOCATIONINFO *info)
{
    if (info->VdSystemMem == 0 || info->Size == 0 || !fits_u32(info->Size))
        return STATUS_INVALID_PARAMETER;
    a->size = (uint32_t)info->Size;
    /* Where the device reaches it (its bus address), if it can: the GPU's aperture. */
    a->backing = info->VdSystemMemBus != 0 ? info->VdSystemMemBus : VD_VIDMM_BACKING_RUNTIME;
    a->block = 0;
    a->segment = 0;
    a->align_log2 = 0;
    a->placement = VD_VIDMM_PLACE_PERMANENT;
    a->flags = (uint16_t)info->Flags.Value;
    a->residency = VD_RESIDENCY_SYSMEM;
    s_sysmem_allocs++;
    s_sysmem_bytes += a->size;
    return STATUS_SUCCESS;
}

/* FromEndOfSegment, or segment 1 preferred from its end (Direction0). */
static inline uint32_t from_end(const DXGK_ALLOCATIONINFO *info, uint32_t flags)
{
    return ((flags & DXGK_ALLOCINFOFLAG_FROMENDOFSEGMENT) ||
            (info->PreferredSegment.SegmentId0 == VD_SEGMENT_ID_VRAM && info->PreferredSegment.Direction0))
               ? VD_VIDMM_PLACE_FROM_END
               : 0u;
}

_Static_assert(VD_VIDMM_PLACE_FROM_END == VD_TLSF_FROM_END, "the placement bit is TLSF's flag");

vd_ntstatus_t vd_vidmm_place(vd_vidmm_alloc *a, const DXGK_ALLOCATIONINFO *info)
{
    uint32_t flags, align, block, offset;
    vd_ntstatus_t st;

    if (a == NULL || info == NULL || a->residency != VD_RESIDENCY_NONE)
        return STATUS_INVALID_PARAMETER;
    flags = info->Flags.Value;
    if (flags & DXGK_ALLOCINFOFLAG_EXISTINGSYSMEM)
        return place_sysmem(a, info);
    /* Video memory: must be readable and writable in segment 1, no system address. */
    if (info->VdSystemMem != 0 ||
        !(info->SupportedWriteSegmentSet & info->SupportedReadSegmentSet & VD_SEGMENT_SET_VRAM) ||
        !fits_u32(info->Size))
        return STATUS_INVALID_PARAMETER;
    st = vd_tlsf_alloc(&s_tlsf, (uint32_t)info->Size, info->Alignment, from_end(info, flags),
                       &block, &offset);
    if (!NT_SUCCESS(st))
        return st;
    /* Only a, info and block live across the call (fewer registers to save): the rest is
     * read again from info. */
    flags = info->Flags.Value;
    align = info->Alignment;
    a->size = (uint32_t)info->Size;
    a->backing = VD_VIDMM_BACKING_NONE; /* none until the first eviction */
    a->block = (uint16_t)block;
    a->segment = VD_SEGMENT_ID_VRAM;
    a->align_log2 = (uint8_t)(align ? vd_fls32(align) : 0u);
    a->placement = (uint8_t)(from_end(info, flags) |
                             ((flags & DXGK_ALLOCINFOFLAG_PERMANENTSYSMEM) ? VD_VIDMM_PLACE_PERMANENT : 0u));
    a->flags = (uint16_t)flags;
    a->residency = VD_RESIDENCY_VRAM;
    s_vram_allocs++;
    return STATUS_SUCCESS;
}

vd_ntstatus_t vd_vidmm_release(vd_vidmm_alloc *a)
{
    if (a == NULL || a->residency == VD_RESIDENCY_NONE)
        return STATUS_INVALID_PARAMETER;
    if (a->residency == VD_RESIDENCY_VRAM) {
        vd_ntstatus_t st = vd_tlsf_free(&s_tlsf, a->block, vd_tlsf_offset(&s_tlsf, a->block));
        if (!NT_SUCCESS(st))
            return st;
        s_vram_allocs--;
    } else if (a->residency == VD_RESIDENCY_SYSMEM) {
        s_sysmem_allocs--;
        s_sysmem_bytes -= a->size;
    }
    /* SYSMEM: nothing to give back; EVICTED: the backing store (eviction, later) */
    a->residency = VD_RESIDENCY_NONE;
    a->block = 0;
    return STATUS_SUCCESS;
}

vd_ntstatus_t vd_vidmm_make_resident(vd_vidmm_alloc *a)
{
    if (a == NULL)
        return STATUS_INVALID_PARAMETER;
    switch (a->residency) {
    case VD_RESIDENCY_VRAM:
        return STATUS_SUCCESS;
    case VD_RESIDENCY_EVICTED:
        return STATUS_NOT_SUPPORTED; /* paging in: with eviction (later) */
    default:
        return STATUS_INVALID_PARAMETER;
    }
}

uint32_t vd_vidmm_offset(const vd_vidmm_alloc *a)
{
    if (a == NULL || a->residency != VD_RESIDENCY_VRAM)
        return 0xFFFFFFFFu;
    return vd_tlsf_offset(&s_tlsf, a->block);
}

const DXGK_SEGMENTDESCRIPTOR *vd_vidmm_segment(void)
{
    return &s_seg;
}

void vd_vidmm_get_stats(vd_vidmm_stats *s)
{
    vd_tlsf_get_stats(&s_tlsf, &s->vram);
    s->vram_allocations = s_vram_allocs;
    s->sysmem_allocations = s_sysmem_allocs;
    s->sysmem_bytes = s_sysmem_bytes;
}

const vd_tlsf *vd_vidmm_tlsf(void)
{
    return &s_tlsf;
}
