/*
 * test_kernel_exhaust.c - pool exhaustion with small pools (built with
 * -DVD_MAX_ALLOCATIONS=8 -DVD_MAX_RESOURCES=2 -DVD_MAX_DEVICES=2 -DVD_MAX_ALLOCS_PER_CALL=4
 * -DVD_MAX_RESOURCE_PRIVDATA=8, see kernel_tests.mk): STATUS_NO_MEMORY leaves nothing
 * allocated, handles stay unique until the generation wraps, descriptors never run out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vd_handle.h"
#include "vd_kernel.h"
#include "vd_dxgk.h"

#if VD_MAX_ALLOCATIONS != 8 || VD_MAX_RESOURCES != 2 || VD_MAX_DEVICES != 2 || VD_MAX_ALLOCS_PER_CALL != 4
#error "build with the UT_CFLAGS_test_kernel_exhaust pool sizes"
#endif

#define VRAM_SIZE 0x10000u

static uint32_t dev;

static int setup(void **state)
{
    (void)state;
    assert_int_equal(vd_kernel_init(0x10000000u, VRAM_SIZE), STATUS_SUCCESS);
    assert_int_equal(vd_kernel_open_device(&dev), STATUS_SUCCESS);
    return 0;
}


static vd_ntstatus_t alloc_n(uint64_t hres, const vd_surface_desc *d, uint32_t n, vd_kernel_allocinfo *ai,
                             uint32_t flags)
{
    vd_kernel_allocate_args a;
    uint32_t i;

    for (i = 0; i < n; i++) {
        memset(&ai[i], 0, sizeof(ai[i]));
        ai[i].pPrivateDriverData = d;
        ai[i].PrivateDriverDataSize = sizeof(*d);
        ai[i].Flags = flags;
    }
    memset(&a, 0, sizeof(a));
    a.hResource = hres;
    a.NumAllocations = n;
    a.pAllocationInfo = ai;
    return vd_kernel_allocate(dev, &a);
}

static vd_ntstatus_t free1(uint32_t h)
{
    vd_kernel_deallocate_args d;
    memset(&d, 0, sizeof(d));
    d.NumAllocations = 1;
    d.HandleList = &h;
    return vd_kernel_deallocate(dev, &d);
}

static vd_kernel_stats stats(void)
{
    vd_kernel_stats s;
    vd_kernel_get_stats(&s);
    return s;
}

static void test_allocation_pool(void **state)
{
    vd_surface_desc d = vd_surface_buffer(100, 0);
    vd_kernel_allocinfo a[4], b[4], c[4];
    vd_kernel_stats full, now;

    (void)state;
    assert_int_equal(alloc_n(0, &d, 4, a, 0), STATUS_SUCCESS);
    assert_int_equal(alloc_n(0, &d, 4, b, 0), STATUS_SUCCESS);
    full = stats();
    assert_int_equal(full.allocations, 8);
    assert_int_equal(alloc_n(0, &d, 1, c, 0), STATUS_NO_MEMORY);
    assert_int_equal(c[0].hAllocation, 0);
    now = stats();
    assert_memory_equal(&now, &full, sizeof(now));
    /* two free: a batch of four fails whole, a batch of two succeeds */
    assert_int_equal(free1(a[0].hAllocation), STATUS_SUCCESS);
    assert_int_equal(free1(a[1].hAllocation), STATUS_SUCCESS);
    full = stats();
    assert_int_equal(alloc_n(0, &d, 4, c, 0), STATUS_NO_MEMORY);
    assert_int_equal(alloc_n(0x5, &d, 3, c, 0), STATUS_NO_MEMORY);
    now = stats();
    assert_memory_equal(&now, &full, sizeof(now));
    assert_int_equal(vd_mp_live_allocations(), 6);
    assert_int_equal(alloc_n(0, &d, 2, c, 0), STATUS_SUCCESS);
    /* the freed handles stay stale although their slots are in use again */
    assert_int_not_equal(c[0].hAllocation, a[0].hAllocation);
    assert_int_not_equal(c[1].hAllocation, a[1].hAllocation);
    assert_int_equal(free1(a[0].hAllocation), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_status_to_hresult(STATUS_NO_MEMORY), E_OUTOFMEMORY);
}

static void test_resource_pool(void **state)
{
    vd_surface_desc d = vd_surface_buffer(64, 0);
    vd_kernel_allocinfo a[4];
    vd_kernel_allocate_args args;
    vd_kernel_stats before, after;

    (void)state;
    assert_int_equal(alloc_n(0x1, &d, 1, a, 0), STATUS_SUCCESS);
    assert_int_equal(alloc_n(0x2, &d, 1, a, 0), STATUS_SUCCESS);
    before = stats();
    assert_int_equal(alloc_n(0x3, &d, 1, a, 0), STATUS_NO_MEMORY); /* a third resource */
    after = stats();
    assert_memory_equal(&before, &after, sizeof(before));
    assert_int_equal(alloc_n(0x1, &d, 2, a, 0), STATUS_SUCCESS);   /* existing resource: fine */
    /* resource private data bounded by VD_MAX_RESOURCE_PRIVDATA (8 here) */
    memset(&args, 0, sizeof(args));
    memset(a, 0, sizeof(a));
    a[0].pPrivateDriverData = &d;
    a[0].PrivateDriverDataSize = sizeof(d);
    args.hResource = 0x2;
    args.NumAllocations = 1;
    args.pAllocationInfo = a;
    args.pPrivateDriverData = "123456789";
    args.PrivateDriverDataSize = 9;
    assert_int_equal(vd_kernel_allocate(dev, &args), STATUS_INVALID_PARAMETER);
    args.PrivateDriverDataSize = 8;
    assert_int_equal(vd_kernel_allocate(dev, &args), STATUS_SUCCESS);
}

static void test_device_pool(void **state)
{
    uint32_t d2, d3;

    (void)state;
    assert_int_equal(vd_kernel_open_device(&d2), STATUS_SUCCESS);
    assert_int_equal(vd_kernel_open_device(&d3), STATUS_NO_MEMORY);
    assert_int_equal(vd_kernel_close_device(d2), STATUS_SUCCESS);
    assert_int_equal(vd_kernel_open_device(&d3), STATUS_SUCCESS);
    assert_int_not_equal(d3, d2);
}

static void test_vram_exhaustion(void **state)
{
    vd_surface_desc big = vd_surface_buffer(VRAM_SIZE / 2, 0), one = vd_surface_buffer(16, 0);
    vd_kernel_allocinfo a[4];
    vd_kernel_stats before, after;

    (void)state;
    assert_int_equal(alloc_n(0, &big, 2, a, 0), STATUS_SUCCESS);
    before = stats();
    assert_int_equal(before.vidmm.vram.free_bytes, 0);
    assert_int_equal(alloc_n(0, &one, 1, a + 2, 0), STATUS_GRAPHICS_NO_VIDEO_MEMORY);
    assert_int_equal(alloc_n(0x9, &one, 1, a + 2, 0), STATUS_GRAPHICS_NO_VIDEO_MEMORY);
    after = stats();
    assert_memory_equal(&before, &after, sizeof(before));
    assert_int_equal(vd_mp_live_allocations(), 2);
    assert_int_equal(vd_mp_live_resources(), 0);
    assert_int_equal(vd_status_to_hresult(STATUS_GRAPHICS_NO_VIDEO_MEMORY), D3DERR_OUTOFVIDEOMEMORY);
}

/* Random churn at the pool limit: only SUCCESS, NO_MEMORY (handles) or NO_VIDEO_MEMORY;
 * never a descriptor shortage (2N+1), allocator always consistent. */
static void test_churn_at_limit(void **state)
{
    uint32_t live[8], nlive = 0, i, x = 12345;
    vd_kernel_allocinfo a[4];

    (void)state;
    for (i = 0; i < 20000; i++) {
        x = x * 1103515245u + 12345u;
        if (nlive == 0 || (x >> 16) % 3 != 0) {
            uint32_t r = x >> 8, n = 1 + (r % 4), k;
            vd_surface_desc d = vd_surface_buffer(16 + (r % 9000), (r & 0x100) ? VD_SURFACE_USAGE_RENDERTARGET : 0);
            vd_surface_desc p = vd_surface_pixels(D3DDDIFMT_R5G6B5, 1 + (r % 97), 1 + ((r >> 4) % 41), 0);
            vd_ntstatus_t st;
            if (r & 0x200)
                st = alloc_n(0, &p, n, a, 0x1); /* primaries: 256-aligned, from the top */
            else
                st = alloc_n(0, &d, n, a, 0);
            if (st == STATUS_SUCCESS) {
                for (k = 0; k < n; k++)
                    live[nlive++] = a[k].hAllocation;
            } else {
                assert_true(st == STATUS_NO_MEMORY || st == STATUS_GRAPHICS_NO_VIDEO_MEMORY);
                if (st == STATUS_NO_MEMORY)
                    assert_true(nlive + n > 8);
            }
        } else {
            uint32_t k = (x >> 4) % nlive;
            assert_int_equal(free1(live[k]), STATUS_SUCCESS);
            live[k] = live[--nlive];
        }
        assert_int_equal(stats().allocations, nlive);
        assert_int_equal(vd_tlsf_check(vd_vidmm_tlsf()), 0);
    }
}

/* Handle generations through the kernel: unique until 2^14 reuses of every slot. */
static void test_generation_wrap(void **state)
{
    vd_surface_desc d = vd_surface_buffer(16, 0);
    vd_kernel_allocinfo a;
    uint32_t first, prev = 0, i, n = (1u << VD_HANDLE_GEN_BITS) * VD_MAX_ALLOCATIONS;

    (void)state;
    assert_int_equal(alloc_n(0, &d, 1, &a, 0), STATUS_SUCCESS);
    first = a.hAllocation;
    assert_int_equal(free1(first), STATUS_SUCCESS);
    for (i = 1; i < n; i++) {
        assert_int_equal(alloc_n(0, &d, 1, &a, 0), STATUS_SUCCESS);
        if (a.hAllocation == 0 || a.hAllocation == first || a.hAllocation == prev)
            fail_msg("iteration %u: handle 0x%08x", i, a.hAllocation);
        assert_int_equal(free1(a.hAllocation), STATUS_SUCCESS);
        if (free1(a.hAllocation) != STATUS_INVALID_PARAMETER)
            fail_msg("iteration %u: double free accepted", i);
        prev = a.hAllocation;
    }
    /* every slot used 2^14 times: the generation wrapped and the first value is back */
    assert_int_equal(alloc_n(0, &d, 1, &a, 0), STATUS_SUCCESS);
    assert_int_equal(a.hAllocation, first);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_allocation_pool, setup),
        cmocka_unit_test_setup(test_resource_pool, setup),
        cmocka_unit_test_setup(test_device_pool, setup),
        cmocka_unit_test_setup(test_vram_exhaustion, setup),
        cmocka_unit_test_setup(test_churn_at_limit, setup),
        cmocka_unit_test_setup(test_generation_wrap, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
