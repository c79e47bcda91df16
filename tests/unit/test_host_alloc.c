/* host-lib: the allocation callbacks' validation before sending, the ALLOCATE encoding,
 * lock page math (host-lib/src/alloc.c), without a link. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vd_config.h"
#include "vd_host.h"

static vd_surface_desc g_desc;
static D3DDDI_ALLOCATIONINFO g_info[VD_MAX_ALLOCS_PER_CALL + 1];
static D3DDDICB_ALLOCATE g_cb;

static int setup(void **state)
{
    (void)state;
    vidalloc_buffer_desc(&g_desc, 64, 0);
    memset(g_info, 0, sizeof g_info);
    for (size_t i = 0; i < sizeof g_info / sizeof g_info[0]; i++) {
        g_info[i].pPrivateDriverData = &g_desc;
        g_info[i].PrivateDriverDataSize = sizeof g_desc;
    }
    memset(&g_cb, 0, sizeof g_cb);
    g_cb.NumAllocations = 1;
    g_cb.pAllocationInfo = g_info;
    return 0;
}

#define LIMIT VD_MAX_ALLOCS_PER_CALL

static void test_allocate_ok(void **state)
{
    (void)state;
    size_t len = 0;
    assert_int_equal(vd_check_allocate(&g_cb, LIMIT, &len), S_OK);
    assert_int_equal(len, 24 + 24 + 32);
    g_cb.NumAllocations = LIMIT;
    assert_int_equal(vd_check_allocate(&g_cb, LIMIT, &len), S_OK);
    assert_int_equal(len, 24 + LIMIT * 56);
    g_info[0].Flags.Primary = 1;
    g_info[0].Flags.Stereo = 1;
    assert_int_equal(vd_check_allocate(&g_cb, LIMIT, &len), S_OK);
    assert_int_equal(vidalloc_max_allocations_per_call(), LIMIT);
}

static void test_allocate_invalid(void **state)
{
    (void)state;
    assert_int_equal(vd_check_allocate(NULL, LIMIT, NULL), E_INVALIDARG);
    g_cb.NumAllocations = 0;
    assert_int_equal(vd_check_allocate(&g_cb, LIMIT, NULL), E_INVALIDARG);
    g_cb.NumAllocations = LIMIT + 1;
    assert_int_equal(vd_check_allocate(&g_cb, LIMIT, NULL), E_INVALIDARG);
    g_cb.NumAllocations = 1;
    g_cb.pAllocationInfo = NULL;
    assert_int_equal(vd_check_allocate(&g_cb, LIMIT, NULL), E_INVALIDARG);
    g_cb.pAllocationInfo = g_info;
    g_cb.PrivateDriverDataSize = 4;
    assert_int_equal(vd_check_allocate(&g_cb, LIMIT, NULL), E_INVALIDARG);
    g_cb.PrivateDriverDataSize = 0;
    g_cb.pPrivateDriverData = "x";
    assert_int_equal(vd_check_allocate(&g_cb, LIMIT, NULL), E_INVALIDARG);
    g_cb.pPrivateDriverData = NULL;
    g_info[0].PrivateDriverDataSize = 0;
    assert_int_equal(vd_check_allocate(&g_cb, LIMIT, NULL), E_INVALIDARG);
    g_info[0].PrivateDriverDataSize = 32;
    g_info[0].pPrivateDriverData = NULL;
    assert_int_equal(vd_check_allocate(&g_cb, LIMIT, NULL), E_INVALIDARG);
    g_info[0].pPrivateDriverData = &g_desc;
    for (unsigned bit = 2; bit < 32; bit++) {
        g_info[0].Flags.Value = 1u << bit;
        assert_int_equal(vd_check_allocate(&g_cb, LIMIT, NULL), E_INVALIDARG);
    }
    g_info[0].Flags.Value = 0;
    g_info[0].Flags.Stereo = 1;
    assert_int_equal(vd_check_allocate(&g_cb, LIMIT, NULL), E_INVALIDARG);
    g_info[0].Flags.Value = 0;
    /* Payload: 24 + 56 per allocation + resource data; 1024 is the most. */
    static uint8_t data[1024];
    g_cb.pPrivateDriverData = data;
    g_cb.PrivateDriverDataSize = 1024 - 24 - 56;
    size_t len;
    assert_int_equal(vd_check_allocate(&g_cb, LIMIT, &len), S_OK);
    assert_int_equal(len, 1024);
    g_cb.PrivateDriverDataSize++;
    assert_int_equal(vd_check_allocate(&g_cb, LIMIT, NULL), E_INVALIDARG);
    g_cb.PrivateDriverDataSize = 0xFFFFFFFFu; /* no 32-bit wrap-around */
    assert_int_equal(vd_check_allocate(&g_cb, LIMIT, NULL), E_INVALIDARG);
}

static void test_allocate_encoding(void **state)
{
    (void)state;
    uint8_t buf[VD_WIRE_MAX_PAYLOAD];
    static uint8_t sysmem[16];
    g_cb.hResource = (HANDLE)(uintptr_t)0x1234;
    g_cb.pPrivateDriverData = "abcde";
    g_cb.PrivateDriverDataSize = 5;
    g_cb.NumAllocations = 2;
    g_info[1].pSystemMem = sysmem;
    g_info[1].VidPnSourceId = 3;
    g_info[1].Flags.Primary = 1;
    size_t len;
    assert_int_equal(vd_check_allocate(&g_cb, LIMIT, &len), S_OK);
    assert_int_equal(vd_encode_allocate(buf, 0xC0000001u, &g_cb, NULL), len);
    assert_int_equal(len, 24 + 8 + 2 * (24 + 32));
    vd_wire_allocate_req r;
    memcpy(&r, buf, sizeof r);
    assert_int_equal(r.hDevice, 0xC0000001u);
    assert_int_equal(r.NumAllocations, 2);
    assert_int_equal(r.hResource, 0x1234);
    assert_int_equal(r.PrivateDriverDataSize, 5);
    assert_memory_equal(buf + 24, "abcde\0\0\0", 8);
    vd_wire_allocinfo a;
    memcpy(&a, buf + 32 + 56, sizeof a);
    assert_int_equal(a.pSystemMem, (uint64_t)(uintptr_t)sysmem);
    assert_int_equal(a.VidPnSourceId, 3);
    assert_int_equal(a.Flags, 1);
    assert_int_equal(a.PrivateDriverDataSize, 32);
    assert_memory_equal(buf + 32 + 56 + 24, &g_desc, 32);
}

static void test_deallocate(void **state)
{
    (void)state;
    D3DKMT_HANDLE h[300] = {1, 2, 3};
    size_t len;
    D3DDDICB_DEALLOCATE d = {NULL, 3, h};
    assert_int_equal(vd_check_deallocate(&d, &len), S_OK);
    assert_int_equal(len, 16 + 12);
    assert_int_equal(vd_check_deallocate(NULL, NULL), E_INVALIDARG);
    d.NumAllocations = 0;
    assert_int_equal(vd_check_deallocate(&d, NULL), E_INVALIDARG);
    d.NumAllocations = 1;
    d.HandleList = NULL;
    assert_int_equal(vd_check_deallocate(&d, NULL), E_INVALIDARG);
    d.HandleList = h;
    d.NumAllocations = 4; /* h[3] == 0 */
    assert_int_equal(vd_check_deallocate(&d, NULL), E_INVALIDARG);
    for (int i = 0; i < 300; i++)
        h[i] = (D3DKMT_HANDLE)i + 1;
    d.NumAllocations = (1024 - 16) / 4;
    assert_int_equal(vd_check_deallocate(&d, NULL), S_OK);
    d.NumAllocations++;
    assert_int_equal(vd_check_deallocate(&d, NULL), E_INVALIDARG);
    /* hResource: the list is ignored. */
    D3DDDICB_DEALLOCATE r = {(HANDLE)(uintptr_t)7, 5, NULL};
    assert_int_equal(vd_check_deallocate(&r, &len), S_OK);
    assert_int_equal(len, 16);
}

static void test_lock_unlock(void **state)
{
    (void)state;
    UINT pages[2] = {0, 1};
    D3DDDICB_LOCK l;
    memset(&l, 0, sizeof l);
    l.hAllocation = 0x40000000u;
    assert_int_equal(vd_check_lock(&l), S_OK);
    assert_int_equal(vd_check_lock(NULL), E_INVALIDARG);
    l.Flags.ReadOnly = l.Flags.WriteOnly = 1;
    assert_int_equal(vd_check_lock(&l), E_INVALIDARG);
    l.Flags.Value = D3DDDILOCK_LOCKENTIRE;
    l.NumPages = 2;
    l.pPages = pages;
    assert_int_equal(vd_check_lock(&l), E_INVALIDARG);
    l.Flags.Value = 0;
    assert_int_equal(vd_check_lock(&l), S_OK);
    l.pPages = NULL;
    assert_int_equal(vd_check_lock(&l), E_INVALIDARG);
    l.pPages = pages;
    l.Flags.Value = 0x800;
    assert_int_equal(vd_check_lock(&l), E_INVALIDARG);
    l.Flags.Value = 0;
    l.hAllocation = 0;
    assert_int_equal(vd_check_lock(&l), E_INVALIDARG);
    /* Bit positions of D3DDDICB_LOCKFLAGS (the WDK's values). */
    D3DDDICB_LOCKFLAGS f;
    f.Value = 0;
    f.Discard = 1;
    assert_int_equal(f.Value, 0x80);
    f.Value = 0;
    f.DonotEvict = 1;
    assert_int_equal(f.Value, 0x20);
    f.Value = 0;
    f.LockEntire = 1;
    assert_int_equal(f.Value, 0x10);

    D3DKMT_HANDLE h = 1;
    D3DDDICB_UNLOCK u = {1, &h};
    assert_int_equal(vd_check_unlock(&u), S_OK);
    u.NumAllocations = 0;
    assert_int_equal(vd_check_unlock(&u), E_INVALIDARG);
    u.NumAllocations = 1;
    u.phAllocations = NULL;
    assert_int_equal(vd_check_unlock(&u), E_INVALIDARG);
    assert_int_equal(vd_check_unlock(NULL), E_INVALIDARG);
}

static void test_lock_ranges(void **state)
{
    (void)state;
    vd_range r[8];
    assert_int_equal(vd_lock_ranges(10000, 0, NULL, r), 1);
    assert_int_equal(r[0].offset, 0);
    assert_int_equal(r[0].length, 10000);
    assert_int_equal(vd_lock_ranges(0, 0, NULL, r), 0);
    /* 10000 bytes = pages 0,1,2 (the last one 1808 bytes). */
    UINT p1[] = {2};
    assert_int_equal(vd_lock_ranges(10000, 1, p1, r), 1);
    assert_int_equal(r[0].offset, 8192);
    assert_int_equal(r[0].length, 10000 - 8192);
    UINT p2[] = {2, 0, 0};
    assert_int_equal(vd_lock_ranges(10000, 3, p2, r), 2);
    assert_int_equal(r[0].offset, 0);
    assert_int_equal(r[0].length, 4096);
    assert_int_equal(r[1].offset, 8192);
    UINT p3[] = {1, 0, 2};
    assert_int_equal(vd_lock_ranges(10000, 3, p3, r), 1);
    assert_int_equal(r[0].length, 10000);
    UINT p4[] = {3};
    assert_int_equal(vd_lock_ranges(10000, 1, p4, r), -1);
    UINT p5[] = {0, 0xFFFFFFFFu};
    assert_int_equal(vd_lock_ranges(10000, 2, p5, r), -1);
}

static void test_descs(void **state)
{
    (void)state;
    vd_surface_desc d;
    vidalloc_surface_desc(&d, 640, 480, D3DDDIFMT_A8R8G8B8, VD_SURFACE_USAGE_CPU_READ);
    assert_int_equal(d.Version, VD_SURFACE_DESC_VERSION);
    assert_int_equal(d.Size, 32);
    assert_int_equal(d.Width, 640);
    assert_int_equal(d.ByteSize, 0);
    vidalloc_buffer_desc(&d, 100, 0);
    assert_int_equal(d.Format, D3DDDIFMT_UNKNOWN);
    assert_int_equal(d.ByteSize, 100);
    assert_int_equal(d.Width, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_allocate_ok, setup),
        cmocka_unit_test_setup(test_allocate_invalid, setup),
        cmocka_unit_test_setup(test_allocate_encoding, setup),
        cmocka_unit_test(test_deallocate),
        cmocka_unit_test(test_lock_unlock),
        cmocka_unit_test(test_lock_ranges),
        cmocka_unit_test(test_descs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
