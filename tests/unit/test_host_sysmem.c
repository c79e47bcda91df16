/* test_host_sysmem.c - host-lib's system memory for pSystemMem (sysmem.c): blocks of the DMA
 * window's share (the device reaches them: bus addresses), first fit, freed and reused;
 * ordinary memory without a window (no bus address); refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vd_host.h"

static uint8_t g_win[64 * 1024] __attribute__((aligned(4096)));

static void window(vd_sysmem *h)
{
    memset(h, 0, sizeof *h);
    h->mem = g_win;
    h->bus = 0x40020000u;
    h->size = sizeof g_win;
}

static void test_window_blocks(void **state)
{
    (void)state;
    vd_sysmem h;
    void *a, *b, *c, *d;
    int win = 0;
    window(&h);
    memset(g_win, 0xEE, sizeof g_win);
    assert_int_equal(vd_sysmem_alloc(&h, 100, &a, &win), S_OK);
    assert_int_equal(win, 1);
    assert_ptr_equal(a, g_win);
    assert_int_equal(((uint8_t *)a)[4095], 0);                  /* zeroed, whole page */
    assert_int_equal(vd_sysmem_alloc(&h, 8192, &b, &win), S_OK);
    assert_ptr_equal(b, g_win + 4096);
    assert_int_equal(vd_sysmem_alloc(&h, 4096, &c, &win), S_OK);
    assert_ptr_equal(c, g_win + 3 * 4096);
    /* bus addresses: anywhere inside a live block, nothing elsewhere */
    assert_int_equal(vd_sysmem_bus(&h, b), 0x40020000u + 4096);
    assert_int_equal(vd_sysmem_bus(&h, (uint8_t *)b + 8188), 0x40020000u + 4096 + 8188);
    assert_int_equal(vd_sysmem_bus(&h, g_win + 5 * 4096), 0);    /* past the last block */
    assert_int_equal(vd_sysmem_bus(&h, &h), 0);
    assert_int_equal(vd_sysmem_bus(NULL, a), 0);
    /* freed: its pages are found again by first fit, its bus address is gone */
    assert_int_equal(vd_sysmem_free(&h, b), S_OK);
    assert_int_equal(vd_sysmem_bus(&h, b), 0);
    assert_int_equal(vd_sysmem_alloc(&h, 4096, &d, &win), S_OK);
    assert_ptr_equal(d, g_win + 4096);
    /* the window's share is all there is */
    assert_int_equal(vd_sysmem_alloc(&h, sizeof g_win, &d, &win), E_OUTOFMEMORY);
    assert_int_equal(vd_sysmem_alloc(&h, sizeof g_win - 4 * 4096, &d, &win), S_OK);
    assert_ptr_equal(d, g_win + 4 * 4096);
    /* refusals: not a block start, twice, size 0 */
    assert_int_equal(vd_sysmem_free(&h, (uint8_t *)a + 4), E_INVALIDARG);
    assert_int_equal(vd_sysmem_free(&h, a), S_OK);
    assert_int_equal(vd_sysmem_free(&h, a), E_INVALIDARG);
    assert_int_equal(vd_sysmem_free(&h, NULL), E_INVALIDARG);
    assert_int_equal(vd_sysmem_alloc(&h, 0, &a, &win), E_INVALIDARG);
    vd_sysmem_free_all(&h);
    assert_int_equal(h.n, 0);
}

static void test_block_limit(void **state)
{
    (void)state;
    vd_sysmem h;
    void *p;
    memset(&h, 0, sizeof h);  /* ordinary memory: the table's limit alone */
    for (int i = 0; i < VD_SYSMEM_MAX_BLOCKS; i++)
        assert_int_equal(vd_sysmem_alloc(&h, 1, &p, NULL), S_OK);
    assert_int_equal(vd_sysmem_alloc(&h, 1, &p, NULL), E_OUTOFMEMORY);
    vd_sysmem_free_all(&h);
}

static void test_ordinary_memory(void **state)
{
    (void)state;
    vd_sysmem h;
    void *a;
    int win = 1;
    memset(&h, 0, sizeof h);     /* no window: the UART */
    assert_int_equal(vd_sysmem_alloc(&h, 5000, &a, &win), S_OK);
    assert_int_equal(win, 0);
    assert_int_equal((uintptr_t)a % 4096, 0);
    assert_int_equal(((uint8_t *)a)[8191], 0);
    assert_int_equal(vd_sysmem_bus(&h, a), 0);                  /* the device cannot reach it */
    assert_int_equal(vd_sysmem_free(&h, a), S_OK);
    assert_int_equal(vd_sysmem_alloc(&h, 100, &a, &win), S_OK);
    vd_sysmem_free_all(&h);                                     /* ASan: nothing leaks */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_blocks),
        cmocka_unit_test(test_block_limit),
        cmocka_unit_test(test_ordinary_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
