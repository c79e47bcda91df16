/* test_kernel_miniport.c - DxgkDdiCreateAllocation & co.: derivation and every rejection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vd_dxgk.h"

#define VRAM_BASE 0x10000000u
#define VRAM_SIZE 0x10000u

static HANDLE ad;

static int setup(void **state)
{
    (void)state;
    ad = vd_mp_start_device(VRAM_BASE, VRAM_SIZE);
    assert_non_null(ad);
    return 0;
}


/* One allocation through DxgkDdiCreateAllocation; the record stays alive. */
static NTSTATUS create1(vd_surface_desc *d, uint32_t vdflags, uint32_t vidpn, uint64_t sysmem,
                        DXGK_ALLOCATIONINFO *ai)
{
    DXGKARG_CREATEALLOCATION ca;
    memset(ai, 0, sizeof(*ai));
    ai->pPrivateDriverData = d;
    ai->PrivateDriverDataSize = sizeof(*d);
    ai->VdFlags = vdflags;
    ai->VdVidPnSourceId = vidpn;
    ai->VdSystemMem = sysmem;
    memset(&ca, 0, sizeof(ca));
    ca.NumAllocations = 1;
    ca.pAllocationInfo = ai;
    return vd_mp_create_allocation(ad, &ca);
}

static NTSTATUS try1(vd_surface_desc d, uint32_t vdflags, uint32_t vidpn, uint64_t sysmem)
{
    DXGK_ALLOCATIONINFO ai;
    return create1(&d, vdflags, vidpn, sysmem, &ai);
}

static void test_query_segment(void **state)
{
    DXGK_QUERYSEGMENTOUT qs;
    DXGK_SEGMENTDESCRIPTOR sd[2];
    DXGKARG_QUERYADAPTERINFO q;

    (void)state;
    memset(&qs, 0, sizeof(qs));
    memset(&q, 0, sizeof(q));
    q.Type = DXGKQAITYPE_QUERYSEGMENT;
    q.pOutputData = &qs;
    q.OutputDataSize = sizeof(qs);
    assert_int_equal(vd_mp_query_adapter_info(ad, &q), STATUS_SUCCESS);
    assert_int_equal(qs.NbSegment, 1);
    memset(sd, 0xA5, sizeof(sd));
    qs.NbSegment = 2;
    qs.pSegmentDescriptor = sd;
    assert_int_equal(vd_mp_query_adapter_info(ad, &q), STATUS_SUCCESS);
    assert_int_equal(qs.NbSegment, 1);
    assert_int_equal(sd[0].BaseAddress.QuadPart, VD_VRAM_GPU_BASE);
    assert_int_equal(sd[0].CpuTranslatedAddress.QuadPart, VRAM_BASE);
    assert_int_equal(sd[0].Size, VRAM_SIZE);
    assert_int_equal(sd[0].CommitLimit, VRAM_SIZE);
    assert_int_equal(sd[0].Flags.Value, DXGK_SEGMENTFLAG_CPUVISIBLE);
    assert_int_equal(sd[0].Flags.CpuVisible, 1);
    assert_int_equal(sd[0].Flags.Aperture, 0);
    assert_int_equal(sd[0].NbOfBanks, 0);
    assert_null(sd[0].pBankRangeTable);
    assert_int_equal(qs.PagingBufferSegmentId, 0);
    /* errors */
    qs.NbSegment = 0;
    assert_int_equal(vd_mp_query_adapter_info(ad, &q), STATUS_INVALID_PARAMETER);
    q.OutputDataSize = sizeof(qs) - 1;
    assert_int_equal(vd_mp_query_adapter_info(ad, &q), STATUS_INVALID_PARAMETER);
    q.OutputDataSize = sizeof(qs);
    q.pOutputData = NULL;
    assert_int_equal(vd_mp_query_adapter_info(ad, &q), STATUS_INVALID_PARAMETER);
    q.Type = DXGKQAITYPE_DRIVERCAPS;
    assert_int_equal(vd_mp_query_adapter_info(ad, &q), STATUS_NOT_SUPPORTED);
    assert_int_equal(vd_mp_query_adapter_info(NULL, &q), STATUS_INVALID_PARAMETER);
}

typedef struct derive_case {
    uint32_t fmt, w, h, bytes, usage, vdflags;
    uint64_t sysmem;
    uint32_t size, align, flags, rdset, pitch;
} derive_case;

static void test_derivation_table(void **state)
{
    static const derive_case c[] = {
        /* fmt                 w    h   bytes usage                          vdflags sysmem  size    align flags rdset pitch */
        {D3DDDIFMT_A8R8G8B8, 100, 10, 0, 0,                                   0, 0, 4000,  16, 0x00, 1, 400},
        {D3DDDIFMT_X8R8G8B8, 3,   3,  0, 0,                                   0, 0, 48,    16, 0x00, 1, 16},
        {D3DDDIFMT_R5G6B5,   33,  3,  0, 0,                                   0, 0, 240,   16, 0x00, 1, 80},
        {D3DDDIFMT_A8,       7,   7,  0, 0,                                   0, 0, 112,   16, 0x00, 1, 16},
        {D3DDDIFMT_UNKNOWN,  0,   0,  100, 0,                                 0, 0, 112,   16, 0x00, 1, 0},
        {D3DDDIFMT_UNKNOWN,  0,   0,  64, VD_SURFACE_USAGE_RENDERTARGET,      0, 0, 64,    64, 0x00, 1, 0},
        {D3DDDIFMT_A8R8G8B8, 16,  16, 0, VD_SURFACE_USAGE_RENDERTARGET,       0, 0, 1024,  64, 0x00, 1, 64},
        {D3DDDIFMT_A8R8G8B8, 16,  16, 0, VD_SURFACE_USAGE_CPU_READ,           0, 0, 1024,  16, 0x01, 1, 64},
        {D3DDDIFMT_A8R8G8B8, 16,  16, 0, VD_SURFACE_USAGE_CPU_WRITE | VD_SURFACE_USAGE_CPU_CACHED,
                                                                              0, 0, 1024,  16, 0x05, 1, 64},
        {D3DDDIFMT_A8R8G8B8, 16,  16, 0, VD_SURFACE_USAGE_CPU_READ | VD_SURFACE_USAGE_PERMANENT_SYSMEM,
                                                                              0, 0, 1024,  16, 0x03, 1, 64},
        {D3DDDIFMT_A8R8G8B8, 16,  16, 0, VD_SURFACE_USAGE_PROTECTED,          0, 0, 1024,  16, 0x08, 1, 64},
        {D3DDDIFMT_A8R8G8B8, 16,  16, 0, 0,                                   0, 0x1000, 1024, 16, 0x11, 0, 64},
        {D3DDDIFMT_X8R8G8B8, 100, 50, 0, 0,                                   1, 0, 22400, 256, 0x40, 1, 448},
        {D3DDDIFMT_R5G6B5,   160, 100, 0, VD_SURFACE_USAGE_CPU_WRITE,         3, 0, 32000, 256, 0x41, 1, 320},
        /* no false overflow: 65536 * 65535 fits in 32 bits */
        {D3DDDIFMT_A8,       65535, 65535, 0, 0,                              0, 0, 4294901760u, 16, 0, 1, 65536},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        vd_surface_desc d = c[i].fmt == D3DDDIFMT_UNKNOWN ? vd_surface_buffer(c[i].bytes, c[i].usage)
                                                          : vd_surface_pixels(c[i].fmt, c[i].w, c[i].h, c[i].usage);
        DXGK_ALLOCATIONINFO ai;
        DXGKARG_DESCRIBEALLOCATION da;
        bool primary = (c[i].vdflags & 1u) != 0;

        if (primary) {
            d.RefreshRateNumerator = 60000;
            d.RefreshRateDenominator = 1001;
        }
        print_message("case %zu\n", i);
        assert_int_equal(create1(&d, c[i].vdflags, 0, c[i].sysmem, &ai), STATUS_SUCCESS);
        assert_int_equal(ai.Size, c[i].size);
        assert_int_equal(ai.Alignment, c[i].align);
        assert_int_equal(ai.Flags.Value, c[i].flags);
        assert_int_equal(ai.SupportedReadSegmentSet, c[i].rdset);
        assert_int_equal(ai.SupportedWriteSegmentSet, c[i].rdset);
        assert_int_equal(ai.EvictionSegmentSet, 0);
        assert_int_equal(ai.PitchAlignedSize, 0);
        assert_int_equal(ai.PreferredSegment.SegmentId0, c[i].rdset ? VD_SEGMENT_ID_VRAM : 0u);
        assert_int_equal(ai.PreferredSegment.Direction0, primary ? 1u : 0u);
        assert_int_equal(ai.PreferredSegment.SegmentId1, 0);
        assert_int_equal(ai.Flags.FromEndOfSegment, primary ? 1u : 0u);
        assert_non_null(ai.hAllocation);
        /* DescribeAllocation returns what was described */
        memset(&da, 0, sizeof(da));
        da.hAllocation = ai.hAllocation;
        assert_int_equal(vd_mp_describe_allocation(ad, &da), STATUS_SUCCESS);
        assert_int_equal(da.Format, c[i].fmt);
        assert_int_equal(da.Width, c[i].fmt == D3DDDIFMT_UNKNOWN ? c[i].bytes : c[i].w);
        assert_int_equal(da.Height, c[i].fmt == D3DDDIFMT_UNKNOWN ? 1u : c[i].h);
        assert_int_equal(da.PrivateDriverFormatAttribute, c[i].pitch);
        assert_int_equal(da.MultisampleMethod.NumSamples, 1);
        assert_int_equal(da.Rotation, D3DDDI_ROTATION_IDENTITY);
        assert_int_equal(da.RefreshRate.Numerator, primary ? 60000u : 0u);
        assert_int_equal(da.RefreshRate.Denominator, primary ? 1001u : 0u);
    }
    assert_int_equal(vd_mp_live_allocations(), sizeof(c) / sizeof(c[0]));
}

static void test_rejections(void **state)
{
    vd_surface_desc d;
    const uint32_t RT = VD_SURFACE_USAGE_RENDERTARGET, CPU = VD_SURFACE_USAGE_CPU_READ;

    (void)state;
    /* formats */
    assert_int_equal(try1(vd_surface_pixels(20 /* D3DDDIFMT_R8G8B8 */, 4, 4, 0), 0, 0, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_pixels(999, 4, 4, 0), 0, 0, 0), STATUS_INVALID_PARAMETER);
    /* zero, too large and overflowing sizes */
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8R8G8B8, 0, 4, 0), 0, 0, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8R8G8B8, 4, 0, 0), 0, 0, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8R8G8B8, 65536, 1, 0), 0, 0, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8R8G8B8, 1, 0x10000001u, 0), 0, 0, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8R8G8B8, 65535, 65535, 0), 0, 0, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_R5G6B5, 65535, 32769, 0), 0, 0, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_buffer(0, 0), 0, 0, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_buffer(0xFFFFFFF8u, 0), 0, 0, 0), STATUS_INVALID_PARAMETER); /* rounding */
    assert_int_equal(try1(vd_surface_buffer(0xFFFFFFF0u, 0), 0, 0, 0), STATUS_SUCCESS);           /* exact */
    d = vd_surface_buffer(64, 0);
    d.Width = 64; /* a buffer has no width */
    assert_int_equal(try1(d, 0, 0, 0), STATUS_INVALID_PARAMETER);
    d = vd_surface_pixels(D3DDDIFMT_A8, 8, 8, 0);
    d.ByteSize = 64; /* a surface has no ByteSize */
    assert_int_equal(try1(d, 0, 0, 0), STATUS_INVALID_PARAMETER);
    /* D3DDDI_ALLOCATIONINFO flags */
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8, 8, 8, 0), 0x2 /* Stereo alone */, 0, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8, 8, 8, 0), 0x4, 0, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8, 8, 8, 0), 0x80000000u, 0, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8, 8, 8, 0), 0x5, 0, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8, 8, 8, 0), 0x3, 0, 0), STATUS_SUCCESS); /* stereo primary */
    /* VidPnSourceId: the adapter has VD_NUM_VIDPN_SOURCES */
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8, 8, 8, 0), 0x1, VD_NUM_VIDPN_SOURCES, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8, 8, 8, 0), 0x1, 0xFFFFFFFFu, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8, 8, 8, 0), 0x0, 7, 0), STATUS_SUCCESS); /* ignored */
    /* primaries are pixel surfaces */
    assert_int_equal(try1(vd_surface_buffer(4096, 0), 0x1, 0, 0), STATUS_INVALID_PARAMETER);
    /* usage */
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8, 8, 8, 0x40), 0, 0, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8, 8, 8, 0x80000000u), 0, 0, 0), STATUS_INVALID_PARAMETER);
    /* DXGK flag rules: PermanentSysMem and Cached need CpuVisible */
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8, 8, 8, VD_SURFACE_USAGE_CPU_CACHED), 0, 0, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8, 8, 8, VD_SURFACE_USAGE_PERMANENT_SYSMEM | RT), 0, 0, 0),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8, 8, 8, VD_SURFACE_USAGE_CPU_CACHED), 0, 0, 0x1000), STATUS_SUCCESS);
    /* a primary may not have PermanentSysMem, Cached, Protected or ExistingSysMem */
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8, 8, 8, CPU | VD_SURFACE_USAGE_PERMANENT_SYSMEM), 1, 0, 0),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8, 8, 8, CPU | VD_SURFACE_USAGE_CPU_CACHED), 1, 0, 0),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8, 8, 8, VD_SURFACE_USAGE_PROTECTED), 1, 0, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8, 8, 8, 0), 1, 0, 0x1000), STATUS_INVALID_PARAMETER);
    assert_int_equal(try1(vd_surface_pixels(D3DDDIFMT_A8, 8, 8, CPU | RT), 1, 0, 0), STATUS_SUCCESS);
    /* refresh rate: primaries only, denominator non-zero */
    d = vd_surface_pixels(D3DDDIFMT_A8, 8, 8, 0);
    d.RefreshRateNumerator = 60;
    d.RefreshRateDenominator = 1;
    assert_int_equal(try1(d, 0, 0, 0), STATUS_INVALID_PARAMETER);
    d.RefreshRateDenominator = 0;
    assert_int_equal(try1(d, 1, 0, 0), STATUS_INVALID_PARAMETER);
    /* nothing invalid was kept */
    assert_int_equal(vd_mp_live_allocations(), 5);
}

static void test_private_data_checks(void **state)
{
    vd_surface_desc d = vd_surface_pixels(D3DDDIFMT_A8, 8, 8, 0);
    uint8_t big[sizeof(vd_surface_desc) + 4];
    DXGK_ALLOCATIONINFO ai;
    DXGKARG_CREATEALLOCATION ca;

    (void)state;
    memset(&ai, 0, sizeof(ai));
    memset(&ca, 0, sizeof(ca));
    ca.NumAllocations = 1;
    ca.pAllocationInfo = &ai;
    ai.pPrivateDriverData = &d;
    ai.PrivateDriverDataSize = sizeof(d) - 1;
    assert_int_equal(vd_mp_create_allocation(ad, &ca), STATUS_INVALID_PARAMETER);
    ai.PrivateDriverDataSize = 3;
    assert_int_equal(vd_mp_create_allocation(ad, &ca), STATUS_INVALID_PARAMETER);
    ai.PrivateDriverDataSize = 0;
    assert_int_equal(vd_mp_create_allocation(ad, &ca), STATUS_INVALID_PARAMETER);
    memcpy(big, &d, sizeof(d));
    ai.pPrivateDriverData = big;
    ai.PrivateDriverDataSize = sizeof(big);
    assert_int_equal(vd_mp_create_allocation(ad, &ca), STATUS_INVALID_PARAMETER);
    ai.pPrivateDriverData = NULL;
    ai.PrivateDriverDataSize = sizeof(d);
    assert_int_equal(vd_mp_create_allocation(ad, &ca), STATUS_INVALID_PARAMETER);
    /* the description's own Size field must match */
    d.Size = 28;
    ai.pPrivateDriverData = &d;
    assert_int_equal(vd_mp_create_allocation(ad, &ca), STATUS_INVALID_PARAMETER);
    /* another version of the description: driver mismatch */
    d.Size = sizeof(d);
    d.Version = 2;
    assert_int_equal(vd_mp_create_allocation(ad, &ca), STATUS_GRAPHICS_DRIVER_MISMATCH);
    d.Version = 0;
    assert_int_equal(vd_mp_create_allocation(ad, &ca), STATUS_GRAPHICS_DRIVER_MISMATCH);
    /* unaligned private data is fine */
    d.Version = VD_SURFACE_DESC_VERSION;
    {
        uint8_t raw[sizeof(d) + 1];
        memcpy(raw + 1, &d, sizeof(d));
        ai.pPrivateDriverData = raw + 1;
        assert_int_equal(vd_mp_create_allocation(ad, &ca), STATUS_SUCCESS);
    }
    /* argument checks */
    ca.NumAllocations = 0;
    assert_int_equal(vd_mp_create_allocation(ad, &ca), STATUS_INVALID_PARAMETER);
    ca.NumAllocations = 1;
    assert_int_equal(vd_mp_create_allocation(NULL, &ca), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_mp_create_allocation(ad, NULL), STATUS_INVALID_PARAMETER);
    ca.PrivateDriverDataSize = 4; /* resource data size without a pointer */
    assert_int_equal(vd_mp_create_allocation(ad, &ca), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_mp_live_allocations(), 1);
}

static void test_multi_is_atomic(void **state)
{
    vd_surface_desc good = vd_surface_pixels(D3DDDIFMT_A8, 8, 8, 0), bad = vd_surface_pixels(999, 8, 8, 0);
    DXGK_ALLOCATIONINFO ai[3];
    DXGKARG_CREATEALLOCATION ca;
    int i;

    (void)state;
    memset(ai, 0, sizeof(ai));
    for (i = 0; i < 3; i++) {
        ai[i].pPrivateDriverData = i == 2 ? &bad : &good;
        ai[i].PrivateDriverDataSize = sizeof(good);
    }
    memset(&ca, 0, sizeof(ca));
    ca.NumAllocations = 3;
    ca.pAllocationInfo = ai;
    ca.Flags.Resource = 1;
    assert_int_equal(vd_mp_create_allocation(ad, &ca), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_mp_live_allocations(), 0);
    assert_int_equal(vd_mp_live_resources(), 0);
    assert_null(ca.hResource);
    assert_null(ai[0].hAllocation);
    ai[2].pPrivateDriverData = &good;
    assert_int_equal(vd_mp_create_allocation(ad, &ca), STATUS_SUCCESS);
    assert_int_equal(vd_mp_live_allocations(), 3);
    assert_int_equal(vd_mp_live_resources(), 1);
    assert_non_null(ca.hResource);
    assert_int_equal(vd_mp_resource_allocations(ca.hResource), 3);
}

static void test_resources_and_destroy(void **state)
{
    vd_surface_desc d = vd_surface_pixels(D3DDDIFMT_A8, 8, 8, 0);
    DXGK_ALLOCATIONINFO ai[2];
    DXGKARG_CREATEALLOCATION ca;
    DXGKARG_DESTROYALLOCATION da;
    HANDLE res, list[3];

    (void)state;
    memset(ai, 0, sizeof(ai));
    ai[0].pPrivateDriverData = ai[1].pPrivateDriverData = &d;
    ai[0].PrivateDriverDataSize = ai[1].PrivateDriverDataSize = sizeof(d);
    memset(&ca, 0, sizeof(ca));
    ca.NumAllocations = 2;
    ca.pAllocationInfo = ai;
    ca.Flags.Resource = 1;
    assert_int_equal(vd_mp_create_allocation(ad, &ca), STATUS_SUCCESS);
    res = ca.hResource;
    list[0] = ai[0].hAllocation;
    list[1] = ai[1].hAllocation;
    /* add one to the existing resource */
    ca.NumAllocations = 1;
    assert_int_equal(vd_mp_create_allocation(ad, &ca), STATUS_SUCCESS);
    assert_ptr_equal(ca.hResource, res);
    list[2] = ai[0].hAllocation;
    assert_int_equal(vd_mp_resource_allocations(res), 3);
    /* a resource handle that is not ours, or one without the Resource flag */
    ca.hResource = (HANDLE)&d;
    assert_int_equal(vd_mp_create_allocation(ad, &ca), STATUS_INVALID_PARAMETER);
    ca.hResource = res;
    ca.Flags.Resource = 0;
    assert_int_equal(vd_mp_create_allocation(ad, &ca), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_mp_live_allocations(), 3);

    /* destroy: one bad handle -> nothing freed */
    memset(&da, 0, sizeof(da));
    {
        HANDLE mixed[2] = {list[0], (HANDLE)((uint8_t *)list[1] + 4)};
        da.NumAllocations = 2;
        da.pAllocationList = mixed;
        da.hResource = res;
        assert_int_equal(vd_mp_destroy_allocation(ad, &da), STATUS_INVALID_PARAMETER);
        mixed[1] = (HANDLE)&d;
        assert_int_equal(vd_mp_destroy_allocation(ad, &da), STATUS_INVALID_PARAMETER);
    }
    assert_int_equal(vd_mp_live_allocations(), 3);
    da.NumAllocations = 1;
    da.pAllocationList = &list[2];
    da.hResource = res;
    assert_int_equal(vd_mp_destroy_allocation(ad, &da), STATUS_SUCCESS);
    assert_int_equal(vd_mp_resource_allocations(res), 2);
    /* stale miniport handle */
    assert_int_equal(vd_mp_destroy_allocation(ad, &da), STATUS_INVALID_PARAMETER);
    {
        DXGKARG_DESCRIBEALLOCATION de;
        memset(&de, 0, sizeof(de));
        de.hAllocation = list[2];
        assert_int_equal(vd_mp_describe_allocation(ad, &de), STATUS_INVALID_PARAMETER);
        de.hAllocation = NULL;
        assert_int_equal(vd_mp_describe_allocation(ad, &de), STATUS_INVALID_PARAMETER);
    }
    /* DestroyResource needs a resource */
    da.NumAllocations = 0;
    da.pAllocationList = NULL;
    da.hResource = NULL;
    da.Flags.DestroyResource = 1;
    assert_int_equal(vd_mp_destroy_allocation(ad, &da), STATUS_INVALID_PARAMETER);
    /* the rest and the resource */
    da.NumAllocations = 2;
    da.pAllocationList = list;
    da.hResource = res;
    assert_int_equal(vd_mp_destroy_allocation(ad, &da), STATUS_SUCCESS);
    assert_int_equal(vd_mp_live_allocations(), 0);
    assert_int_equal(vd_mp_live_resources(), 0);
}

static void test_pool_exhaustion(void **state)
{
    vd_surface_desc d = vd_surface_pixels(D3DDDIFMT_A8, 1, 1, 0);
    DXGK_ALLOCATIONINFO ai;
    uint32_t i;

    (void)state;
    for (i = 0; i < VD_MAX_ALLOCATIONS; i++)
        assert_int_equal(create1(&d, 0, 0, 0, &ai), STATUS_SUCCESS);
    assert_int_equal(create1(&d, 0, 0, 0, &ai), STATUS_NO_MEMORY);
    assert_int_equal(vd_mp_live_allocations(), VD_MAX_ALLOCATIONS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_query_segment, setup),
        cmocka_unit_test_setup(test_derivation_table, setup),
        cmocka_unit_test_setup(test_rejections, setup),
        cmocka_unit_test_setup(test_private_data_checks, setup),
        cmocka_unit_test_setup(test_multi_is_atomic, setup),
        cmocka_unit_test_setup(test_resources_and_destroy, setup),
        cmocka_unit_test_setup(test_pool_exhaustion, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
