/*
 * vd_miniport.c - the vidalloc display miniport: the DxgkDdi* entry points the graphics
 * kernel calls (declared in vd_dxgk.h).
 *
 * Derivation (docs/kernel.md has the table):
 *   pitch      = round_up(Width * bytes_per_pixel, 16)   (primary: 64)
 *   size       = round_up(pitch * Height, 16)            (buffer: round_up(ByteSize, 16))
 *   alignment  = 16; render target 64; primary 256
 *   segments   = segment 1 (VRAM) read/write, preferred segment 1; ExistingSysMem: none
 *   flags      = CpuVisible (CPU_READ/CPU_WRITE usage or pSystemMem), Cached, PermanentSysMem,
 *                Protected from usage; ExistingSysMem from pSystemMem; FromEndOfSegment for
 *                primaries (and PreferredSegment.Direction0)
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "vd_dxgk.h"

#define NIL 0xFFFFu

#define VD_MP_PITCH_ALIGN          16u
#define VD_MP_PRIMARY_PITCH_ALIGN  64u
#define VD_MP_SIZE_ALIGN           16u
#define VD_MP_ALIGN                16u
#define VD_MP_RENDERTARGET_ALIGN   64u
#define VD_MP_PRIMARY_ALIGN        256u

/* Per-allocation tracking record (what DescribeAllocation needs). */
typedef struct vd_mp_allocation {
    uint32_t width;       /* pixels; buffers: ByteSize */
    uint32_t refresh_num; /* primaries. Free list link while unused */
    uint32_t refresh_den;
    uint16_t height;      /* rows; buffers: 1 */
    uint8_t format;       /* D3DDDIFORMAT (all accepted values fit a byte) */
    uint8_t state;        /* VD_MP_ST_* | VidPnSourceId << 4 */
} vd_mp_allocation;

#define VD_MP_ST_LIVE    0x01u
#define VD_MP_ST_PRIMARY 0x02u
#define VD_MP_ST_STEREO  0x04u

/* Per-resource tracking record. */
typedef struct vd_mp_resource {
    uint16_t num_allocations; /* live child allocations; free list link while unused */
    uint8_t live;
    uint8_t reserved;
} vd_mp_resource;

_Static_assert(sizeof(vd_mp_allocation) == 16, "record size is a power of two (handle check by shift)");
_Static_assert(sizeof(vd_mp_resource) == 4, "record size is a power of two (handle check by shift)");

static struct {
    uint32_t vram_cpu_base;
    uint32_t vram_size;
    uint16_t alloc_free; /* free list heads */
    uint16_t res_free;
    uint16_t allocs_live;
    uint16_t res_live;
} s_ad;

static vd_mp_allocation s_allocs[VD_MAX_ALLOCATIONS];
static vd_mp_resource s_res[VD_MAX_RESOURCES];

/* ---- record pools ---- */

static vd_mp_allocation *alloc_from_handle(HANDLE h)
{
    uintptr_t off = (uintptr_t)h - (uintptr_t)s_allocs;
    vd_mp_allocation *a;

    if (off >= sizeof(s_allocs) || (off & (sizeof(vd_mp_allocation) - 1u)))
        return NULL;
    a = &s_allocs[off >> 4];
    return (a->state & VD_MP_ST_LIVE) ? a : NULL;
}

static vd_mp_resource *res_from_handle(HANDLE h)
{
    uintptr_t off = (uintptr_t)h - (uintptr_t)s_res;
    vd_mp_resource *r;

    if (off >= sizeof(s_res) || (off & (sizeof(vd_mp_resource) - 1u)))
        return NULL;
    r = &s_res[off >> 2];
    return r->live ? r : NULL;
}

static vd_mp_allocation *take_alloc(void)
{
    vd_mp_allocation *a = &s_allocs[s_ad.alloc_free];
    s_ad.alloc_free = (uint16_t)a->refresh_num;
    s_ad.allocs_live++;
    return a;
}

static void put_alloc(vd_mp_allocation *a)
{
    a->width = 0;
    a->refresh_den = 0;
    a->height = 0;
    a->format = 0;
    a->state = 0;
    a->refresh_num = s_ad.alloc_free;
    s_ad.alloc_free = (uint16_t)(a - s_allocs);
    s_ad.allocs_live--;
}

HANDLE vd_mp_start_device(uint32_t vram_cpu_base, uint32_t vram_size)
{
    uint32_t i;

    memset(s_allocs, 0, sizeof(s_allocs));
    memset(s_res, 0, sizeof(s_res));
    for (i = 0; i < VD_MAX_ALLOCATIONS; i++)
        s_allocs[i].refresh_num = (i + 1u < VD_MAX_ALLOCATIONS) ? i + 1u : NIL;
    for (i = 0; i < VD_MAX_RESOURCES; i++)
        s_res[i].num_allocations = (uint16_t)((i + 1u < VD_MAX_RESOURCES) ? i + 1u : NIL);
    s_ad.alloc_free = 0;
    s_ad.res_free = 0;
    s_ad.allocs_live = 0;
    s_ad.res_live = 0;
    s_ad.vram_cpu_base = vram_cpu_base;
    s_ad.vram_size = vram_size;
    return (HANDLE)&s_ad;
}

/* ---- arithmetic with 32-bit overflow checks (shift-add: RV32I has no multiply) ---- */

static bool mul_u32(uint32_t a, uint32_t b, uint32_t *out)
{
    uint32_t r = 0;

    while (b) { /* at most 32 rounds; 16 for a Height <= 65535 */
        if (b & 1u) {
            if (r > UINT32_MAX - a)
                return false;
            r += a;
        }
        b >>= 1;
        if (b) {
            if (a > (UINT32_MAX >> 1))
                return false;
            a <<= 1;
        }
    }
    *out = r;
    return true;
}

static bool round_up(uint32_t v, uint32_t align, uint32_t *out)
{
    if (v > UINT32_MAX - (align - 1u))
        return false;
    *out = (v + (align - 1u)) & ~(align - 1u);
    return true;
}

/* log2 of bytes per pixel; -1 for a raw buffer, -2 for an unknown format. */
static int format_bpp_log2(uint32_t format)
{
    switch (format) {
    case D3DDDIFMT_A8R8G8B8:
    case D3DDDIFMT_X8R8G8B8:
        return 2;
    case D3DDDIFMT_R5G6B5:
        return 1;
    case D3DDDIFMT_A8:
        return 0;
    case D3DDDIFMT_UNKNOWN:
        return -1;
    default:
        return -2;
    }
}

static uint32_t pitch_of(const vd_mp_allocation *a)
{
    int l = format_bpp_log2(a->format);
    uint32_t al = (a->state & VD_MP_ST_PRIMARY) ? VD_MP_PRIMARY_PITCH_ALIGN : VD_MP_PITCH_ALIGN;

    if (l < 0)
        return 0;
    return ((a->width << l) + (al - 1u)) & ~(al - 1u);
}

/* One 32-bit word of the private data (4-byte aligned: one load, no alias trouble). */
static inline uint32_t desc_word(const uint8_t *p, uint32_t off)
{
    uint32_t v;
    memcpy(&v, __builtin_assume_aligned(p + off, 4), sizeof v);
    return v;
}

#define DESC(f) offsetof(vd_surface_desc, f)
_Static_assert(DESC(Version) == 0 && DESC(Size) == 2 && (DESC(Format) & 3u) == 0 &&
                   (DESC(Width) & 3u) == 0 && (DESC(Height) & 3u) == 0 &&
                   (DESC(ByteSize) & 3u) == 0 && (DESC(Usage) & 3u) == 0 &&
                   (DESC(RefreshRateNumerator) & 3u) == 0 &&
                   (DESC(RefreshRateDenominator) & 3u) == 0,
               "vd_surface_desc: Version | Size << 16 in word 0, whole words after");

/*
 * Interpret one allocation's private data: fill the DXGK_ALLOCATIONINFO outputs and the
 * tracking record *rec. No other state changes. The description is read in place, word by
 * word, when it is whole and aligned (the dispatcher's requests always are); anything else
 * (short, long, misaligned) is first copied into an aligned, zero-padded local.
 */
static NTSTATUS derive(DXGK_ALLOCATIONINFO *ai, vd_mp_allocation *rec)
{
    uint32_t local[sizeof(vd_surface_desc) / 4u];
    const uint8_t *p = ai->pPrivateDriverData;
    uint32_t psize = ai->PrivateDriverDataSize, vdflags = ai->VdFlags;
    uint32_t w0, usage, format, width, height, bytesize, rnum, rden, pitch, size, align, flags;
    uint32_t primary, sysmem, pref, segs;
    int bppl;

    if (p == NULL || psize < 4u)
        return STATUS_INVALID_PARAMETER;
    if (psize != sizeof(vd_surface_desc) || ((uintptr_t)p & 3u) != 0) {
        memset(local, 0, sizeof(local));
        memcpy(local, p, psize < sizeof(local) ? psize : sizeof(local));
        p = (const uint8_t *)local;
    }
    w0 = desc_word(p, DESC(Version));
    if (w0 != (VD_SURFACE_DESC_VERSION | (uint32_t)sizeof(vd_surface_desc) << 16)) /* one compare */
        return (w0 & 0xFFFFu) != VD_SURFACE_DESC_VERSION ? STATUS_GRAPHICS_DRIVER_MISMATCH
                                                          : STATUS_INVALID_PARAMETER;
    if (psize != sizeof(vd_surface_desc))
        return STATUS_INVALID_PARAMETER;

    /* D3DDDI_ALLOCATIONINFO rules */
    if (vdflags & VD_D3DDDI_ALLOCINFO_RESERVED_MASK)
        return STATUS_INVALID_PARAMETER;
    primary = vdflags & VD_D3DDDI_ALLOCINFO_PRIMARY;
    if (vdflags == VD_D3DDDI_ALLOCINFO_STEREO) /* Stereo without Primary */
        return STATUS_INVALID_PARAMETER;
    if (primary && ai->VdVidPnSourceId >= VD_NUM_VIDPN_SOURCES)
        return STATUS_INVALID_PARAMETER;
    sysmem = ai->VdSystemMem != 0;

    /* Surface description */
    usage = desc_word(p, DESC(Usage));
    if (usage & ~VD_SURFACE_USAGE_VALID_MASK)
        return STATUS_INVALID_PARAMETER;
    rnum = desc_word(p, DESC(RefreshRateNumerator));
    rden = desc_word(p, DESC(RefreshRateDenominator));
    if ((rnum | rden) != 0 && (!primary || rden == 0))
        return STATUS_INVALID_PARAMETER;
    /* Outputs are stored as soon as they are known (fewer values kept in registers): on
     * failure the caller discards the record and the kernel reads no output. */
    rec->refresh_num = rnum;
    rec->refresh_den = rden;
    ai->VdUsage = usage;
    format = desc_word(p, DESC(Format));
    width = desc_word(p, DESC(Width));
    height = desc_word(p, DESC(Height));
    bytesize = desc_word(p, DESC(ByteSize));
    bppl = format_bpp_log2(format);
    if (bppl == -2)
        return STATUS_INVALID_PARAMETER;
    if (bppl < 0) {
        /* Raw buffer: ByteSize only. Not scanned out. */
        if ((width | height) != 0 || bytesize == 0 || primary)
            return STATUS_INVALID_PARAMETER;
        if (!round_up(bytesize, VD_MP_SIZE_ALIGN, &size))
            return STATUS_INVALID_PARAMETER;
        rec->width = bytesize;
        rec->height = 1;
    } else {
        uint32_t pal = primary ? VD_MP_PRIMARY_PITCH_ALIGN : VD_MP_PITCH_ALIGN;
        if (width == 0 || height == 0 || width > VD_SURFACE_MAX_DIMENSION ||
            height > VD_SURFACE_MAX_DIMENSION || bytesize != 0)
            return STATUS_INVALID_PARAMETER;
        if (!round_up(width << bppl, pal, &pitch) || !mul_u32(pitch, height, &size) ||
            !round_up(size, VD_MP_SIZE_ALIGN, &size))
            return STATUS_INVALID_PARAMETER;
        rec->width = width;
        rec->height = (uint16_t)height;
    }
    rec->format = (uint8_t)format;
    ai->Size = size;

    /* DXGK_ALLOCATIONINFOFLAGS and their rules: usage bits 3..5 are Cached, PermanentSysMem,
     * Protected, which map onto flag bits 2, 1, 3. */
    flags = ((usage & VD_SURFACE_USAGE_CPU_CACHED) ? DXGK_ALLOCINFOFLAG_CACHED : 0u) |
            ((usage & VD_SURFACE_USAGE_PERMANENT_SYSMEM) ? DXGK_ALLOCINFOFLAG_PERMANENTSYSMEM : 0u) |
            ((usage & VD_SURFACE_USAGE_PROTECTED) ? DXGK_ALLOCINFOFLAG_PROTECTED : 0u);
    if (sysmem)
        flags |= DXGK_ALLOCINFOFLAG_EXISTINGSYSMEM | DXGK_ALLOCINFOFLAG_CPUVISIBLE;
    else if (usage & (VD_SURFACE_USAGE_CPU_READ | VD_SURFACE_USAGE_CPU_WRITE))
        flags |= DXGK_ALLOCINFOFLAG_CPUVISIBLE;
    if ((flags & (DXGK_ALLOCINFOFLAG_PERMANENTSYSMEM | DXGK_ALLOCINFOFLAG_CACHED)) &&
        !(flags & DXGK_ALLOCINFOFLAG_CPUVISIBLE))
        return STATUS_INVALID_PARAMETER;
    if (primary) {
        if (flags & (DXGK_ALLOCINFOFLAG_PERMANENTSYSMEM | DXGK_ALLOCINFOFLAG_CACHED |
                     DXGK_ALLOCINFOFLAG_PROTECTED | DXGK_ALLOCINFOFLAG_EXISTINGSYSMEM))
            return STATUS_INVALID_PARAMETER;
        flags |= DXGK_ALLOCINFOFLAG_FROMENDOFSEGMENT;
        align = VD_MP_PRIMARY_ALIGN;
    } else {
        align = (usage & VD_SURFACE_USAGE_RENDERTARGET) ? VD_MP_RENDERTARGET_ALIGN : VD_MP_ALIGN;
    }

    /* Segment 1 read/write, preferred (from its end for a primary); none for ExistingSysMem. */
    pref = sysmem ? 0u : VD_SEGMENT_ID_VRAM | (primary ? 1u << 5 : 0u); /* SegmentId0, Direction0 */
    segs = sysmem ? 0u : VD_SEGMENT_SET_VRAM;
    ai->Alignment = align;
    ai->PitchAlignedSize = 0;
    ai->HintedBank = 0;
    ai->PreferredSegment.Value = pref;
    ai->SupportedReadSegmentSet = segs;
    ai->SupportedWriteSegmentSet = segs;
    ai->EvictionSegmentSet = 0;
    ai->MaximumRenamingListLength = 0;
    ai->Flags.Value = flags;
    ai->AllocationPriority = 0;
    rec->state = (uint8_t)(VD_MP_ST_LIVE | (primary ? VD_MP_ST_PRIMARY | (ai->VdVidPnSourceId << 4) : 0u) |
                           ((vdflags & VD_D3DDDI_ALLOCINFO_STEREO) ? VD_MP_ST_STEREO : 0u));
    return STATUS_SUCCESS;
}

NTSTATUS vd_mp_create_allocation(const HANDLE hAdapter, DXGKARG_CREATEALLOCATION *ca)
{
    vd_mp_resource *res = NULL;
    bool new_res = false;
    uint32_t i, n;

    if (hAdapter != (HANDLE)&s_ad || ca == NULL || ca->NumAllocations == 0 ||
        ca->pAllocationInfo == NULL || (ca->PrivateDriverDataSize != 0 && ca->pPrivateDriverData == NULL))
        return STATUS_INVALID_PARAMETER;
    n = ca->NumAllocations;
    if (ca->Flags.Resource) {
        if (ca->hResource != NULL) {
            res = res_from_handle(ca->hResource);
            if (res == NULL)
                return STATUS_INVALID_PARAMETER;
        } else {
            new_res = true;
        }
    } else if (ca->hResource != NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    if (n > (uint32_t)(VD_MAX_ALLOCATIONS - s_ad.allocs_live) ||
        (new_res && s_ad.res_free == NIL) ||
        (res != NULL && res->num_allocations + n > 0xFFFFu))
        return STATUS_NO_MEMORY;

    for (i = 0; i < n; i++) {
        /* Derived straight into the record taken from the pool; given back on failure. */
        DXGK_ALLOCATIONINFO *ai = &ca->pAllocationInfo[i];
        vd_mp_allocation *a = take_alloc();
        NTSTATUS st = derive(ai, a);
        ai->hAllocation = (HANDLE)a;
        if (!NT_SUCCESS(st)) {
            do {
                put_alloc((vd_mp_allocation *)ca->pAllocationInfo[i].hAllocation);
                ca->pAllocationInfo[i].hAllocation = NULL;
            } while (i-- > 0);
            return st;
        }
    }
    if (new_res) {
        res = &s_res[s_ad.res_free];
        s_ad.res_free = res->num_allocations;
        s_ad.res_live++;
        res->live = 1;
        res->num_allocations = 0;
        ca->hResource = (HANDLE)res;
    }
    if (res != NULL)
        res->num_allocations = (uint16_t)(res->num_allocations + n);
    return STATUS_SUCCESS;
}

NTSTATUS vd_mp_destroy_allocation(const HANDLE hAdapter, const DXGKARG_DESTROYALLOCATION *p)
{
    vd_mp_resource *res = NULL;
    uint32_t i, freed = 0;

    if (hAdapter != (HANDLE)&s_ad || p == NULL || (p->NumAllocations != 0 && p->pAllocationList == NULL))
        return STATUS_INVALID_PARAMETER;
    if (p->hResource != NULL) {
        res = res_from_handle(p->hResource);
        if (res == NULL)
            return STATUS_INVALID_PARAMETER;
    }
    if (p->Flags.DestroyResource && res == NULL)
        return STATUS_INVALID_PARAMETER;
    for (i = 0; i < p->NumAllocations; i++)
        if (alloc_from_handle(p->pAllocationList[i]) == NULL)
            return STATUS_INVALID_PARAMETER;
    for (i = 0; i < p->NumAllocations; i++) {
        vd_mp_allocation *a = alloc_from_handle(p->pAllocationList[i]);
        if (a != NULL) { /* NULL only for a repeated handle */
            put_alloc(a);
            freed++;
        }
    }
    if (res != NULL) {
        res->num_allocations = (uint16_t)(freed < res->num_allocations ? res->num_allocations - freed : 0u);
        if (p->Flags.DestroyResource) {
            res->live = 0;
            res->num_allocations = s_ad.res_free;
            s_ad.res_free = (uint16_t)(res - s_res);
            s_ad.res_live--;
        }
    }
    return STATUS_SUCCESS;
}

NTSTATUS vd_mp_describe_allocation(const HANDLE hAdapter, DXGKARG_DESCRIBEALLOCATION *p)
{
    const vd_mp_allocation *a;

    if (hAdapter != (HANDLE)&s_ad || p == NULL)
        return STATUS_INVALID_PARAMETER;
    a = alloc_from_handle(p->hAllocation);
    if (a == NULL)
        return STATUS_INVALID_PARAMETER;
    p->Width = a->width;
    p->Height = a->height;
    p->Format = (D3DDDIFORMAT)a->format;
    p->MultisampleMethod.NumSamples = 1;
    p->MultisampleMethod.NumQualityLevels = 0;
    p->RefreshRate.Numerator = a->refresh_num;
    p->RefreshRate.Denominator = a->refresh_den;
    p->PrivateDriverFormatAttribute = pitch_of(a);
    p->Flags = 0;
    p->Rotation = D3DDDI_ROTATION_IDENTITY;
    return STATUS_SUCCESS;
}

NTSTATUS vd_mp_query_adapter_info(const HANDLE hAdapter, const DXGKARG_QUERYADAPTERINFO *p)
{
    DXGK_QUERYSEGMENTOUT *out;
    DXGK_SEGMENTDESCRIPTOR *sd;

    if (hAdapter != (HANDLE)&s_ad || p == NULL)
        return STATUS_INVALID_PARAMETER;
    if (p->Type != DXGKQAITYPE_QUERYSEGMENT)
        return STATUS_NOT_SUPPORTED;
    if (p->pOutputData == NULL || p->OutputDataSize < sizeof(DXGK_QUERYSEGMENTOUT))
        return STATUS_INVALID_PARAMETER;
    out = (DXGK_QUERYSEGMENTOUT *)p->pOutputData;
    out->PagingBufferSegmentId = 0;
    out->PagingBufferSize = 0;
    out->PagingBufferPrivateDataSize = 0;
    if (out->pSegmentDescriptor == NULL) {
        out->NbSegment = 1; /* first call: how many */
        return STATUS_SUCCESS;
    }
    if (out->NbSegment < 1)
        return STATUS_INVALID_PARAMETER;
    sd = &out->pSegmentDescriptor[0];
    memset(sd, 0, sizeof(*sd));
    sd->BaseAddress.QuadPart = (int64_t)VD_VRAM_GPU_BASE;
    sd->CpuTranslatedAddress.QuadPart = (int64_t)s_ad.vram_cpu_base;
    sd->Size = s_ad.vram_size;
    sd->NbOfBanks = 0;
    sd->pBankRangeTable = NULL;
    sd->CommitLimit = s_ad.vram_size;
    sd->Flags.Value = DXGK_SEGMENTFLAG_CPUVISIBLE;
    out->NbSegment = 1;
    return STATUS_SUCCESS;
}

uint32_t vd_mp_live_allocations(void)
{
    return s_ad.allocs_live;
}

uint32_t vd_mp_live_resources(void)
{
    return s_ad.res_live;
}

uint32_t vd_mp_resource_allocations(HANDLE hResource)
{
    const vd_mp_resource *r = res_from_handle(hResource);

    return r != NULL ? r->num_allocations : 0u;
}
