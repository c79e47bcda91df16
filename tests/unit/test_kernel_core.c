/*
 * test_kernel_core.c - the graphics kernel with the miniport and vidmm: allocate and
 * deallocate requests, resources, handle services, atomicity, devices.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vd_handle.h"
#include "vd_kernel.h"
#include "vd_dxgk.h"

#define VRAM_BASE 0x10000000u
#define VRAM_SIZE 0x10000u

static uint32_t dev;

static int setup(void **state)
{
    (void)state;
    assert_int_equal(vd_kernel_init(VRAM_BASE, VRAM_SIZE), STATUS_SUCCESS);
    assert_int_equal(vd_kernel_open_device(&dev), STATUS_SUCCESS);
    return 0;
}


static vd_surface_desc buf(uint32_t bytes)
{
    return vd_surface_buffer(bytes, VD_SURFACE_USAGE_CPU_WRITE);
}

static void info_for(vd_kernel_allocinfo *ai, const vd_surface_desc *d)
{
    memset(ai, 0, sizeof(*ai));
    ai->pPrivateDriverData = d;
    ai->PrivateDriverDataSize = sizeof(*d);
}

/* n allocations of one description; hResource 0 = device allocations. */
static vd_ntstatus_t alloc_n(uint32_t hdev, uint64_t hres, const vd_surface_desc *d, uint32_t n,
                             vd_kernel_allocinfo *ai, uint32_t *hkmres, const void *rpriv,
                             uint32_t rsize)
{
    vd_kernel_allocate_args a;
    vd_ntstatus_t st;
    uint32_t i;

    for (i = 0; i < n; i++)
        info_for(&ai[i], d);
    memset(&a, 0, sizeof(a));
    a.hResource = hres;
    a.NumAllocations = n;
    a.pAllocationInfo = ai;
    a.pPrivateDriverData = rpriv;
    a.PrivateDriverDataSize = rsize;
    a.hKMResource = 0xFFFFFFFFu;
    st = vd_kernel_allocate(hdev, &a);
    if (hkmres)
        *hkmres = a.hKMResource;
    return st;
}

static vd_ntstatus_t dealloc_list(uint32_t hdev, const uint32_t *h, uint32_t n)
{
    vd_kernel_deallocate_args d;
    memset(&d, 0, sizeof(d));
    d.NumAllocations = n;
    d.HandleList = h;
    return vd_kernel_deallocate(hdev, &d);
}

static vd_ntstatus_t dealloc_res(uint32_t hdev, uint64_t hres)
{
    vd_kernel_deallocate_args d;
    memset(&d, 0, sizeof(d));
    d.hResource = hres;
    return vd_kernel_deallocate(hdev, &d);
}

static void *data_of(uint32_t h, DXGK_HANDLE_TYPE type)
{
    DXGKARGCB_GETHANDLEDATA g;
    memset(&g, 0, sizeof(g));
    g.hObject = h;
    g.Type = type;
    return vd_kernel_cb_get_handle_data(&g);
}

static uint32_t child(uint32_t hres, uint32_t index)
{
    DXGKARGCB_ENUMHANDLECHILDREN e;
    e.hObject = hres;
    e.Index = index;
    return vd_kernel_cb_enum_handle_children(&e);
}

static vd_kernel_stats stats(void)
{
    vd_kernel_stats s;
    vd_kernel_get_stats(&s);
    return s;
}

/* Everything back to the post-init state. */
static void assert_empty(void)
{
    vd_kernel_stats s = stats();
    assert_int_equal(s.allocations, 0);
    assert_int_equal(s.resources, 0);
    assert_int_equal(s.vidmm.vram.free_bytes, VRAM_SIZE);
    assert_int_equal(s.vidmm.vram.free_blocks, 1);
    assert_int_equal(s.vidmm.vram_allocations, 0);
    assert_int_equal(s.vidmm.sysmem_allocations, 0);
    assert_int_equal(vd_mp_live_allocations(), 0);
    assert_int_equal(vd_mp_live_resources(), 0);
    assert_int_equal(vd_tlsf_check(vd_vidmm_tlsf()), 0);
}

static void test_init_queries_segment(void **state)
{
    const DXGK_SEGMENTDESCRIPTOR *sd = vd_vidmm_segment();
    vd_kernel_stats s = stats();

    (void)state;
    assert_int_equal(sd->Size, VRAM_SIZE);
    assert_int_equal(sd->CpuTranslatedAddress.QuadPart, VRAM_BASE);
    assert_int_equal(sd->Flags.CpuVisible, 1);
    assert_int_equal(s.vidmm.vram.total_bytes, VRAM_SIZE);
    assert_int_equal(s.devices, 1);
    assert_int_equal(s.max_allocations, VD_MAX_ALLOCATIONS);
    assert_non_null(vd_kernel_adapter());
    assert_empty();
    /* a VRAM size the allocator cannot take */
    assert_int_equal(vd_kernel_init(VRAM_BASE, 1000), STATUS_INVALID_PARAMETER);
}

static void test_device_allocation(void **state)
{
    vd_surface_desc d = vd_surface_pixels(D3DDDIFMT_A8R8G8B8, 64, 32, VD_SURFACE_USAGE_CPU_READ);
    vd_kernel_allocinfo ai;
    vd_kernel_allocation_query q;
    DXGKARG_DESCRIBEALLOCATION da;
    uint32_t hk;

    (void)state;
    assert_int_equal(alloc_n(dev, 0, &d, 1, &ai, &hk, NULL, 0), STATUS_SUCCESS);
    assert_int_not_equal(ai.hAllocation, 0);
    assert_int_equal(VD_HANDLE_TYPE_OF(ai.hAllocation), VD_HANDLE_TYPE_ALLOCATION);
    assert_int_equal(hk, 0); /* no resource: hKMResource not returned */
    assert_int_equal(vd_kernel_query_allocation(ai.hAllocation, &q), STATUS_SUCCESS);
    assert_int_equal(q.hDevice, dev);
    assert_int_equal(q.hKMResource, 0);
    assert_int_equal(q.residency, VD_RESIDENCY_VRAM);
    assert_int_equal(q.segment, VD_SEGMENT_ID_VRAM);
    assert_int_equal(q.offset, 0);
    assert_int_equal(q.size, 64 * 4 * 32);
    assert_int_equal(q.flags, DXGK_ALLOCINFOFLAG_CPUVISIBLE);
    assert_int_equal(vd_kernel_describe_allocation(ai.hAllocation, &da), STATUS_SUCCESS);
    assert_int_equal(da.Width, 64);
    assert_int_equal(da.Height, 32);
    assert_int_equal(da.Format, D3DDDIFMT_A8R8G8B8);
    assert_ptr_equal(da.hAllocation, data_of(ai.hAllocation, DXGK_HANDLE_ALLOCATION));
    /* handle services on a device allocation */
    assert_non_null(data_of(ai.hAllocation, DXGK_HANDLE_ALLOCATION));
    assert_null(data_of(ai.hAllocation, DXGK_HANDLE_RESOURCE)); /* wrong type */
    assert_null(data_of(ai.hAllocation, (DXGK_HANDLE_TYPE)7));
    assert_null(data_of(0, DXGK_HANDLE_ALLOCATION));
    assert_null(data_of(ai.hAllocation ^ 1u, DXGK_HANDLE_ALLOCATION));
    assert_null(vd_kernel_cb_get_handle_data(NULL));
    assert_int_equal(vd_kernel_cb_get_handle_parent(ai.hAllocation), 0);
    assert_int_equal(vd_kernel_cb_get_handle_parent(0), 0);
    /* free, then the handle is stale everywhere */
    assert_int_equal(dealloc_list(dev, &ai.hAllocation, 1), STATUS_SUCCESS);
    assert_null(data_of(ai.hAllocation, DXGK_HANDLE_ALLOCATION));
    assert_int_equal(vd_kernel_describe_allocation(ai.hAllocation, &da), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_kernel_query_allocation(ai.hAllocation, &q), STATUS_INVALID_PARAMETER);
    assert_int_equal(dealloc_list(dev, &ai.hAllocation, 1), STATUS_INVALID_PARAMETER);
    assert_empty();
    /* the slot comes back (FIFO reuse) with another handle; the old one stays stale */
    {
        vd_kernel_allocinfo again;
        uint32_t i, old = ai.hAllocation, reused = 0;
        for (i = 0; i < VD_MAX_ALLOCATIONS + 5; i++) {
            assert_int_equal(alloc_n(dev, 0, &d, 1, &again, NULL, NULL, 0), STATUS_SUCCESS);
            assert_int_not_equal(again.hAllocation, old);
            if (VD_HANDLE_INDEX_OF(again.hAllocation) == VD_HANDLE_INDEX_OF(old))
                reused++;
            assert_null(data_of(old, DXGK_HANDLE_ALLOCATION));
            assert_int_equal(dealloc_list(dev, &again.hAllocation, 1), STATUS_SUCCESS);
        }
        assert_true(reused >= 1);
    }
}

static void test_resource_children(void **state)
{
    vd_surface_desc d = buf(256);
    vd_kernel_allocinfo ai[5];
    uint32_t hk, hk2, i, size, count;
    char priv[VD_MAX_RESOURCE_PRIVDATA];

    (void)state;
    assert_int_equal(alloc_n(dev, 0x1234, &d, 3, ai, &hk, "AAAA", 4), STATUS_SUCCESS);
    assert_int_not_equal(hk, 0);
    assert_int_equal(VD_HANDLE_TYPE_OF(hk), VD_HANDLE_TYPE_RESOURCE);
    for (i = 0; i < 3; i++) {
        assert_int_equal(child(hk, i), ai[i].hAllocation);
        assert_int_equal(vd_kernel_cb_get_handle_parent(ai[i].hAllocation), hk);
    }
    assert_int_equal(child(hk, 3), 0);
    assert_int_equal(child(hk, 0xFFFFFFFFu), 0);
    assert_int_equal(child(ai[0].hAllocation, 0), 0); /* not a resource */
    assert_int_equal(vd_kernel_cb_enum_handle_children(NULL), 0);
    assert_non_null(data_of(hk, DXGK_HANDLE_RESOURCE));
    assert_null(data_of(hk, DXGK_HANDLE_ALLOCATION)); /* resource handle as allocation */
    assert_int_equal(vd_kernel_get_resource_info(hk, priv, sizeof(priv), &size, &count), STATUS_SUCCESS);
    assert_int_equal(size, 4);
    assert_int_equal(count, 3);
    assert_memory_equal(priv, "AAAA", 4);

    /* adding to the existing resource appends and replaces the private data */
    assert_int_equal(alloc_n(dev, 0x1234, &d, 2, &ai[3], &hk2, "BBBBBB", 6), STATUS_SUCCESS);
    assert_int_equal(hk2, hk);
    for (i = 0; i < 5; i++)
        assert_int_equal(child(hk, i), ai[i].hAllocation);
    assert_int_equal(child(hk, 5), 0);
    assert_int_equal(vd_kernel_get_resource_info(hk, priv, sizeof(priv), &size, &count), STATUS_SUCCESS);
    assert_int_equal(size, 6);
    assert_int_equal(count, 5);
    assert_memory_equal(priv, "BBBBBB", 6);
    assert_int_equal(vd_mp_resource_allocations(data_of(hk, DXGK_HANDLE_RESOURCE)), 5);

    /* one child freed on its own: the resource stays, enumeration skips it */
    assert_int_equal(dealloc_list(dev, &ai[1].hAllocation, 1), STATUS_SUCCESS);
    assert_int_equal(child(hk, 0), ai[0].hAllocation);
    assert_int_equal(child(hk, 1), ai[2].hAllocation);
    assert_int_equal(child(hk, 3), ai[4].hAllocation);
    assert_int_equal(child(hk, 4), 0);
    assert_int_equal(vd_mp_resource_allocations(data_of(hk, DXGK_HANDLE_RESOURCE)), 4);

    /* a different runtime handle is a different resource */
    {
        vd_kernel_allocinfo o;
        uint32_t hk3;
        assert_int_equal(alloc_n(dev, 0x5678, &d, 1, &o, &hk3, NULL, 0), STATUS_SUCCESS);
        assert_int_not_equal(hk3, hk);
        assert_int_equal(vd_kernel_get_resource_info(hk3, NULL, 0, &size, &count), STATUS_SUCCESS);
        assert_int_equal(size, 0);
        assert_int_equal(count, 1);
        assert_int_equal(dealloc_res(dev, 0x5678), STATUS_SUCCESS);
    }

    /* destroying the resource frees every child and the resource */
    assert_int_equal(dealloc_res(dev, 0x1234), STATUS_SUCCESS);
    for (i = 0; i < 5; i++)
        assert_null(data_of(ai[i].hAllocation, DXGK_HANDLE_ALLOCATION));
    assert_null(data_of(hk, DXGK_HANDLE_RESOURCE));
    assert_int_equal(child(hk, 0), 0);
    assert_int_equal(vd_kernel_get_resource_info(hk, NULL, 0, NULL, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(dealloc_res(dev, 0x1234), STATUS_INVALID_PARAMETER); /* gone */
    assert_empty();
}

static void test_resource_private_data_bounds(void **state)
{
    vd_surface_desc d = buf(64);
    vd_kernel_allocinfo ai;
    uint8_t big[VD_MAX_RESOURCE_PRIVDATA + 1];
    uint32_t hk;

    (void)state;
    memset(big, 0x5A, sizeof(big));
    assert_int_equal(alloc_n(dev, 0x1, &d, 1, &ai, &hk, big, sizeof(big)), STATUS_INVALID_PARAMETER);
    assert_int_equal(alloc_n(dev, 0x1, &d, 1, &ai, &hk, NULL, 4), STATUS_INVALID_PARAMETER);
    assert_int_equal(alloc_n(dev, 0x1, &d, 1, &ai, &hk, big, VD_MAX_RESOURCE_PRIVDATA), STATUS_SUCCESS);
    assert_int_equal(dealloc_res(dev, 0x1), STATUS_SUCCESS);
    assert_empty();
}

static void test_sysmem_and_primary(void **state)
{
    vd_surface_desc d = vd_surface_pixels(D3DDDIFMT_X8R8G8B8, 100, 40, 0), s = buf(4096);
    vd_kernel_allocinfo ai;
    vd_kernel_allocation_query q;
    vd_kernel_allocate_args a;
    DXGKARG_DESCRIBEALLOCATION da;
    vd_kernel_stats st;

    (void)state;
    /* pSystemMem: recorded, no VRAM */
    info_for(&ai, &s);
    ai.pSystemMem = 0x7F0000001000ull;
    memset(&a, 0, sizeof(a));
    a.NumAllocations = 1;
    a.pAllocationInfo = &ai;
    assert_int_equal(vd_kernel_allocate(dev, &a), STATUS_SUCCESS);
    assert_int_equal(vd_kernel_query_allocation(ai.hAllocation, &q), STATUS_SUCCESS);
    assert_int_equal(q.residency, VD_RESIDENCY_SYSMEM);
    assert_int_equal(q.segment, 0);
    assert_int_equal(q.backing, VD_VIDMM_BACKING_RUNTIME);
    assert_int_equal(q.flags, DXGK_ALLOCINFOFLAG_EXISTINGSYSMEM | DXGK_ALLOCINFOFLAG_CPUVISIBLE);
    st = stats();
    assert_int_equal(st.vidmm.vram.used_bytes, 0);
    assert_int_equal(st.vidmm.sysmem_allocations, 1);
    assert_int_equal(dealloc_list(dev, &ai.hAllocation, 1), STATUS_SUCCESS);

    /* a primary: top of VRAM, 256-byte aligned, refresh rate kept */
    d.RefreshRateNumerator = 60;
    d.RefreshRateDenominator = 1;
    info_for(&ai, &d);
    ai.Flags = 0x1;
    ai.VidPnSourceId = 0;
    assert_int_equal(vd_kernel_allocate(dev, &a), STATUS_SUCCESS);
    assert_int_equal(vd_kernel_query_allocation(ai.hAllocation, &q), STATUS_SUCCESS);
    assert_int_equal(q.size, 448 * 40);
    assert_int_equal(q.offset, (VRAM_SIZE - 448 * 40) & ~255u);
    assert_int_equal(q.flags, DXGK_ALLOCINFOFLAG_FROMENDOFSEGMENT);
    assert_int_equal(vd_kernel_describe_allocation(ai.hAllocation, &da), STATUS_SUCCESS);
    assert_int_equal(da.RefreshRate.Numerator, 60);
    assert_int_equal(da.RefreshRate.Denominator, 1);
    assert_int_equal(da.PrivateDriverFormatAttribute, 448);
    /* a primary with system memory, or on a VidPn source the adapter lacks */
    ai.pSystemMem = 0x1000;
    assert_int_equal(vd_kernel_allocate(dev, &a), STATUS_INVALID_PARAMETER);
    ai.pSystemMem = 0;
    ai.VidPnSourceId = VD_NUM_VIDPN_SOURCES;
    assert_int_equal(vd_kernel_allocate(dev, &a), STATUS_INVALID_PARAMETER);
    ai.VidPnSourceId = 0;
    ai.Flags = 0x2; /* Stereo without Primary */
    assert_int_equal(vd_kernel_allocate(dev, &a), STATUS_INVALID_PARAMETER);
    ai.Flags = 0x8; /* reserved */
    assert_int_equal(vd_kernel_allocate(dev, &a), STATUS_INVALID_PARAMETER);
    d.Version = 7;
    ai.Flags = 0;
    assert_int_equal(vd_kernel_allocate(dev, &a), STATUS_GRAPHICS_DRIVER_MISMATCH);
    assert_int_equal(stats().allocations, 1);
}

static void test_argument_checks(void **state)
{
    vd_surface_desc d = buf(64);
    vd_kernel_allocinfo ai[VD_MAX_ALLOCS_PER_CALL + 1];
    vd_kernel_allocate_args a;

    (void)state;
    assert_int_equal(alloc_n(dev, 0, &d, 0, ai, NULL, NULL, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(alloc_n(dev, 0, &d, VD_MAX_ALLOCS_PER_CALL + 1, ai, NULL, NULL, 0),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(alloc_n(dev, 0, &d, VD_MAX_ALLOCS_PER_CALL, ai, NULL, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(alloc_n(0, 0, &d, 1, ai, NULL, NULL, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(alloc_n(dev + 1u, 0, &d, 1, ai, NULL, NULL, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(alloc_n(ai[0].hAllocation, 0, &d, 1, ai, NULL, NULL, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_kernel_allocate(dev, NULL), STATUS_INVALID_PARAMETER);
    memset(&a, 0, sizeof(a));
    a.NumAllocations = 1;
    assert_int_equal(vd_kernel_allocate(dev, &a), STATUS_INVALID_PARAMETER); /* no array */
    assert_int_equal(vd_kernel_deallocate(dev, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(dealloc_list(dev, NULL, 1), STATUS_INVALID_PARAMETER);
    assert_int_equal(dealloc_list(dev, &ai[0].hAllocation, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(dealloc_res(dev, 0x999), STATUS_INVALID_PARAMETER);
    assert_int_equal(stats().allocations, VD_MAX_ALLOCS_PER_CALL);
}

static void test_dealloc_validates_whole_list(void **state)
{
    vd_surface_desc d = buf(64);
    vd_kernel_allocinfo ai[4];
    uint32_t other_dev, list[4], i, hres;
    vd_kernel_allocinfo foreign;

    (void)state;
    assert_int_equal(alloc_n(dev, 0, &d, 3, ai, NULL, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(vd_kernel_open_device(&other_dev), STATUS_SUCCESS);
    assert_int_equal(alloc_n(other_dev, 0, &d, 1, &foreign, NULL, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(alloc_n(dev, 0x42, &d, 1, &ai[3], &hres, NULL, 0), STATUS_SUCCESS);
    for (i = 0; i < 4; i++)
        list[i] = ai[i].hAllocation;
    /* a bad handle at the end: nothing freed */
    list[3] = 0xDEADBEEFu;
    assert_int_equal(dealloc_list(dev, list, 4), STATUS_INVALID_PARAMETER);
    /* a repeated handle */
    list[3] = list[0];
    assert_int_equal(dealloc_list(dev, list, 4), STATUS_INVALID_PARAMETER);
    /* another device's allocation */
    list[3] = foreign.hAllocation;
    assert_int_equal(dealloc_list(dev, list, 4), STATUS_INVALID_PARAMETER);
    /* a resource handle in the allocation list */
    list[3] = hres;
    assert_int_equal(dealloc_list(dev, list, 4), STATUS_INVALID_PARAMETER);
    for (i = 0; i < 4; i++)
        assert_non_null(data_of(ai[i].hAllocation, DXGK_HANDLE_ALLOCATION));
    assert_int_equal(stats().allocations, 5);
    /* the other device cannot free this device's resource by runtime handle */
    assert_int_equal(dealloc_res(other_dev, 0x42), STATUS_INVALID_PARAMETER);
    /* now valid: three device allocations and a resource child */
    list[3] = ai[3].hAllocation;
    assert_int_equal(dealloc_list(dev, list, 4), STATUS_SUCCESS);
    assert_int_equal(stats().allocations, 1);
    assert_int_equal(vd_kernel_get_resource_info(hres, NULL, 0, NULL, &i), STATUS_SUCCESS);
    assert_int_equal(i, 0); /* the empty resource remains until destroyed */
    assert_int_equal(dealloc_res(dev, 0x42), STATUS_SUCCESS);
    assert_int_equal(vd_kernel_close_device(other_dev), STATUS_SUCCESS);
    assert_empty();
}

static void test_atomic_vram_exhaustion(void **state)
{
    vd_surface_desc big = buf(24 * 1024), small = buf(64);
    vd_kernel_allocinfo ai[3];
    uint32_t hk, size, count;
    char priv[8];

    (void)state;
    /* three 24 KiB buffers do not fit 64 KiB: nothing is left, no resource created */
    assert_int_equal(alloc_n(dev, 0x77, &big, 3, ai, &hk, "NEW", 3), STATUS_GRAPHICS_NO_VIDEO_MEMORY);
    assert_int_equal(hk, 0);
    assert_int_equal(ai[0].hAllocation, 0);
    assert_int_equal(ai[1].hAllocation, 0);
    assert_empty();
    /* the runtime handle was not registered: a later call creates it fresh */
    assert_int_equal(alloc_n(dev, 0x77, &small, 2, ai, &hk, "OLD1", 4), STATUS_SUCCESS);
    assert_int_equal(vd_kernel_get_resource_info(hk, NULL, 0, NULL, &count), STATUS_SUCCESS);
    assert_int_equal(count, 2);

    /* adding to it fails on VRAM: children, private data, VRAM unchanged */
    {
        vd_kernel_stats before = stats(), after;
        vd_kernel_allocinfo more[3];
        uint32_t hk2;
        assert_int_equal(alloc_n(dev, 0x77, &big, 3, more, &hk2, "NEWDATA", 7), STATUS_GRAPHICS_NO_VIDEO_MEMORY);
        after = stats();
        assert_int_equal(after.allocations, before.allocations);
        assert_int_equal(after.resources, before.resources);
        assert_int_equal(after.vidmm.vram.used_bytes, before.vidmm.vram.used_bytes);
        assert_int_equal(after.vidmm.vram.free_blocks, before.vidmm.vram.free_blocks);
        assert_int_equal(vd_mp_live_allocations(), 2);
        assert_int_equal(vd_kernel_get_resource_info(hk, priv, sizeof(priv), &size, &count), STATUS_SUCCESS);
        assert_int_equal(size, 4);
        assert_memory_equal(priv, "OLD1", 4);
        assert_int_equal(count, 2);
        assert_int_equal(child(hk, 2), 0);
        assert_int_equal(vd_mp_resource_allocations(data_of(hk, DXGK_HANDLE_RESOURCE)), 2);
        /* and failing in the miniport (second description invalid) changes nothing either */
        {
            vd_surface_desc bad = vd_surface_pixels(999, 1, 1, 0);
            vd_kernel_allocate_args a;
            info_for(&more[0], &small);
            info_for(&more[1], &bad);
            memset(&a, 0, sizeof(a));
            a.hResource = 0x77;
            a.NumAllocations = 2;
            a.pAllocationInfo = more;
            a.pPrivateDriverData = "XX";
            a.PrivateDriverDataSize = 2;
            assert_int_equal(vd_kernel_allocate(dev, &a), STATUS_INVALID_PARAMETER);
        }
        assert_int_equal(vd_kernel_get_resource_info(hk, priv, sizeof(priv), &size, &count), STATUS_SUCCESS);
        assert_int_equal(size, 4);
        assert_int_equal(count, 2);
        assert_int_equal(stats().allocations, before.allocations);
    }
    assert_int_equal(dealloc_res(dev, 0x77), STATUS_SUCCESS);
    assert_empty();
}

static void test_devices(void **state)
{
    uint32_t h[VD_MAX_DEVICES], extra, i;
    vd_surface_desc d = buf(128);
    vd_kernel_allocinfo ai[2], keep;

    (void)state;
    h[0] = dev;
    for (i = 1; i < VD_MAX_DEVICES; i++) {
        assert_int_equal(vd_kernel_open_device(&h[i]), STATUS_SUCCESS);
        assert_int_equal(VD_HANDLE_TYPE_OF(h[i]), VD_HANDLE_TYPE_DEVICE);
    }
    assert_int_equal(vd_kernel_open_device(&extra), STATUS_NO_MEMORY);
    assert_int_equal(vd_kernel_open_device(NULL), STATUS_INVALID_PARAMETER);
    /* device 0 owns a resource and device allocations; device 1 one allocation */
    assert_int_equal(alloc_n(h[0], 0x10, &d, 2, ai, NULL, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(alloc_n(h[0], 0, &d, 2, ai, NULL, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(alloc_n(h[1], 0x10, &d, 1, &keep, NULL, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(stats().allocations, 5);
    assert_int_equal(stats().resources, 2); /* same runtime handle, different devices */
    assert_int_equal(vd_kernel_close_device(h[0]), STATUS_SUCCESS);
    assert_int_equal(stats().allocations, 1);
    assert_int_equal(stats().resources, 1);
    assert_null(data_of(ai[0].hAllocation, DXGK_HANDLE_ALLOCATION));
    assert_non_null(data_of(keep.hAllocation, DXGK_HANDLE_ALLOCATION));
    /* the closed device is stale */
    assert_int_equal(vd_kernel_close_device(h[0]), STATUS_INVALID_PARAMETER);
    assert_int_equal(alloc_n(h[0], 0, &d, 1, ai, NULL, NULL, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_kernel_open_device(&extra), STATUS_SUCCESS);
    assert_int_not_equal(extra, h[0]);
    for (i = 1; i < VD_MAX_DEVICES; i++)
        assert_int_equal(vd_kernel_close_device(h[i]), STATUS_SUCCESS);
    assert_int_equal(vd_kernel_close_device(extra), STATUS_SUCCESS);
    assert_empty();
    assert_int_equal(stats().devices, 0);
}

static void test_handle_pool_exhaustion(void **state)
{
    vd_surface_desc d = buf(16);
    vd_kernel_allocinfo ai[VD_MAX_ALLOCS_PER_CALL];
    uint32_t n = 0;
    vd_kernel_stats before;

    (void)state;
    while (n + VD_MAX_ALLOCS_PER_CALL <= VD_MAX_ALLOCATIONS) {
        assert_int_equal(alloc_n(dev, 0, &d, VD_MAX_ALLOCS_PER_CALL, ai, NULL, NULL, 0), STATUS_SUCCESS);
        n += VD_MAX_ALLOCS_PER_CALL;
    }
    while (n < VD_MAX_ALLOCATIONS) {
        assert_int_equal(alloc_n(dev, 0, &d, 1, ai, NULL, NULL, 0), STATUS_SUCCESS);
        n++;
    }
    before = stats();
    assert_int_equal(alloc_n(dev, 0, &d, 1, ai, NULL, NULL, 0), STATUS_NO_MEMORY);
    assert_int_equal(alloc_n(dev, 0x9, &d, 2, ai, NULL, NULL, 0), STATUS_NO_MEMORY);
    assert_int_equal(stats().allocations, before.allocations);
    assert_int_equal(stats().resources, 0);
    assert_int_equal(stats().vidmm.vram.used_bytes, before.vidmm.vram.used_bytes);
    assert_int_equal(vd_status_to_hresult(STATUS_NO_MEMORY), E_OUTOFMEMORY);
    assert_int_equal(vd_kernel_close_device(dev), STATUS_SUCCESS);
    assert_empty();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init_queries_segment, setup),
        cmocka_unit_test_setup(test_device_allocation, setup),
        cmocka_unit_test_setup(test_resource_children, setup),
        cmocka_unit_test_setup(test_resource_private_data_bounds, setup),
        cmocka_unit_test_setup(test_sysmem_and_primary, setup),
        cmocka_unit_test_setup(test_argument_checks, setup),
        cmocka_unit_test_setup(test_dealloc_validates_whole_list, setup),
        cmocka_unit_test_setup(test_atomic_vram_exhaustion, setup),
        cmocka_unit_test_setup(test_devices, setup),
        cmocka_unit_test_setup(test_handle_pool_exhaustion, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
