/* host-lib: what HELLO says about the board (host-lib/src/device.c) and what host-lib does
 * with it: vidalloc_info's features and limits, pfnAllocateCb checking NumAllocations
 * against the board's limit (not a compile-time one), a firmware from before features and
 * limits (a 64-byte HELLO), and a board without the GPU command block, where the GPU calls
 * fail with E_FAIL at once and send nothing (context.c). Against the scripted stand-in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host_standin.h"

#define ALL_FEATURES                                                                       \
    (VIDALLOC_FEATURE_UART | VIDALLOC_FEATURE_TIMER | VIDALLOC_FEATURE_SPIFLASH |          \
     VIDALLOC_FEATURE_MEMCTL | VIDALLOC_FEATURE_GPU)

static HANDLE g_h;
static vd_surface_desc g_desc;
static D3DDDI_ALLOCATIONINFO g_info[32];

static int setup(void **state)
{
    (void)state;
    standin_reset();
    g_h = NULL;
    vidalloc_buffer_desc(&g_desc, 64, 0);
    memset(g_info, 0, sizeof g_info);
    for (size_t i = 0; i < sizeof g_info / sizeof g_info[0]; i++) {
        g_info[i].pPrivateDriverData = &g_desc;
        g_info[i].PrivateDriverDataSize = sizeof g_desc;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (g_h)
        assert_int_equal(vidalloc_close(g_h), S_OK);
    g_h = NULL;
    return 0;
}

static HRESULT allocate(UINT n)
{
    D3DDDICB_ALLOCATE a;
    memset(&a, 0, sizeof a);
    a.NumAllocations = n;
    a.pAllocationInfo = g_info;
    return vidalloc_allocate_cb(g_h, &a);
}

static void test_hello_fields(void **state)
{
    (void)state;
    board.max_allocs_per_call = 4;
    board.max_allocations = 100;
    board.max_resources = 20;
    board.max_devices = 3;
    g_h = standin_open();
    vidalloc_info in;
    assert_int_equal(vidalloc_get_info(g_h, &in), S_OK);
    assert_int_equal(in.features, ALL_FEATURES);
    assert_int_equal(in.max_allocations_per_call, 4);
    assert_int_equal(in.max_allocations, 100);
    assert_int_equal(in.max_resources, 20);
    assert_int_equal(in.max_devices, 3);
    assert_int_equal(in.clk_hz, 12000000);
    assert_int_equal(in.vram_size, 65536);
    assert_string_equal(in.fw_version, "stand-in");
    /* pfnAllocateCb holds NumAllocations to the board's 4, not host-lib's 8. */
    assert_true(vidalloc_max_allocations_per_call() > 4);
    standin_forget_requests();
    assert_int_equal(allocate(4), S_OK);
    assert_int_equal(standin_count(VD_MSG_ALLOCATE), 1);
    assert_int_equal(allocate(5), E_INVALIDARG);
    assert_non_null(strstr(vidalloc_last_error(), "NumAllocations 5 not in 1..4"));
    D3DDDICB_ALLOCATE batch[2];
    memset(batch, 0, sizeof batch);
    batch[0].NumAllocations = 2;
    batch[0].pAllocationInfo = g_info;
    batch[1].NumAllocations = 5;
    batch[1].pAllocationInfo = g_info + 2;
    HRESULT res[2];
    assert_int_equal(vidalloc_allocate_batch(g_h, batch, 2, res), E_INVALIDARG);
    assert_int_equal(res[0], S_OK);
    assert_int_equal(res[1], E_INVALIDARG);
    assert_int_equal(standin_count(VD_MSG_ALLOCATE), 2); /* the 5 was never sent */
}

static void test_hello_limit_above_host(void **state)
{
    (void)state;
    /* A board whose kernel takes more per call than host-lib's own build: its limit counts. */
    board.max_allocs_per_call = 16;
    g_h = standin_open();
    vidalloc_info in;
    assert_int_equal(vidalloc_get_info(g_h, &in), S_OK);
    assert_int_equal(in.max_allocations_per_call, 16);
    assert_true(vidalloc_max_allocations_per_call() < 16);
    UINT n = vidalloc_max_allocations_per_call() + 4;
    D3DDDICB_ALLOCATE a;
    memset(&a, 0, sizeof a);
    a.NumAllocations = n;
    a.pAllocationInfo = g_info;
    assert_int_equal(vidalloc_allocate_cb(g_h, &a), S_OK);
    for (UINT k = 0; k < n; k++)
        assert_int_not_equal(g_info[k].hAllocation, 0);
    assert_int_equal(allocate(17), E_INVALIDARG);
}

static void test_hello_legacy(void **state)
{
    (void)state;
    /* A firmware from before features and limits: 64 bytes of HELLO. */
    board.hello_legacy = 1;
    board.max_allocs_per_call = 2; /* not said: host-lib uses its own */
    g_h = standin_open();
    vidalloc_info in;
    assert_int_equal(vidalloc_get_info(g_h, &in), S_OK);
    assert_int_equal(in.wire_version, VD_WIRE_VERSION);
    assert_string_equal(in.fw_version, "stand-in");
    assert_int_equal(in.features, ALL_FEATURES);
    assert_int_equal(in.features, 0x1Fu);
    assert_int_equal(in.max_allocations_per_call, vidalloc_max_allocations_per_call());
    assert_int_equal(in.max_allocations_per_call, VD_KERNEL_MAX_ALLOCS_PER_CALL);
    assert_int_equal(in.max_allocations, 0); /* unknown */
    assert_int_equal(in.max_resources, 0);
    assert_int_equal(in.max_devices, 0);
    assert_int_equal(in.hDevice, 0x11);
    /* Every board then had the GPU: submission goes on as before. */
    D3DDDICB_CREATECONTEXT cc;
    memset(&cc, 0, sizeof cc);
    assert_int_equal(vidalloc_create_context_cb(g_h, &cc), S_OK);
    vd_wire_gpu_state st;
    assert_int_equal(vidalloc_escape_gpu_state(g_h, &st), S_OK);
}

static void test_hello_lengths(void **state)
{
    (void)state;
    /* Shorter than the first 64 bytes: not a HELLO this host understands. */
    board.hello_len = VD_WIRE_HELLO_RSP_V1_SIZE - 4;
    HANDLE h = (HANDLE)(uintptr_t)1;
    assert_int_equal(standin_try_open(&h), E_FAIL);
    assert_null(h);
    assert_non_null(strstr(vidalloc_last_error(), "a HELLO answer of 60 bytes"));
    assert_int_equal(board.opens, 0); /* no OPEN_DEVICE */
    board.hello_len = 0;
    /* A whole HELLO with features 0: an SoC without the SYSCTL.FEATURES register (it reads
     * 0) is one from before features, with every block. */
    board.features = 0;
    g_h = standin_open();
    vidalloc_info in;
    assert_int_equal(vidalloc_get_info(g_h, &in), S_OK);
    assert_int_equal(in.features, ALL_FEATURES);
    assert_int_equal(in.max_allocations, VD_KERNEL_MAX_ALLOCATIONS); /* the limits are there */
    assert_int_equal(vidalloc_close(g_h), S_OK);
    /* Features but no limits (a firmware between the two): the limits fall back. */
    board.hello_len = (uint16_t)(offsetof(vd_wire_hello_rsp, features) + 4);
    board.features = VIDALLOC_FEATURE_UART | VIDALLOC_FEATURE_GPU;
    g_h = standin_open();
    assert_int_equal(vidalloc_get_info(g_h, &in), S_OK);
    assert_int_equal(in.features, VIDALLOC_FEATURE_UART | VIDALLOC_FEATURE_GPU);
    assert_int_equal(in.max_allocations_per_call, vidalloc_max_allocations_per_call());
    assert_int_equal(in.max_allocations, 0);
}

static void test_no_gpu(void **state)
{
    (void)state;
    /* The `minimal` target: UART, TIMER, SPIFLASH, MEMCTL, no GPU command block. */
    board.features = ALL_FEATURES & ~VIDALLOC_FEATURE_GPU;
    g_h = standin_open();
    vidalloc_info in;
    assert_int_equal(vidalloc_get_info(g_h, &in), S_OK);
    assert_int_equal(in.features, 0x0Fu);
    standin_forget_requests();

    D3DDDICB_CREATECONTEXT cc;
    memset(&cc, 0, sizeof cc);
    assert_int_equal(vidalloc_create_context_cb(g_h, &cc), E_FAIL);
    assert_string_equal(vidalloc_last_error(),
                        "pfnCreateContextCb: the board has no GPU command block "
                        "(features 0x0000000f)");
    assert_null(cc.hContext);
    D3DDDICB_RENDER r;
    memset(&r, 0, sizeof r);
    r.CommandLength = 16;
    assert_int_equal(vidalloc_render_cb(g_h, &r), E_FAIL);
    assert_non_null(strstr(vidalloc_last_error(), "pfnRenderCb: the board has no GPU"));
    assert_int_equal(vidalloc_render_cb(g_h, NULL), E_FAIL); /* before the arguments */
    UINT done = 0, sub = 0;
    assert_int_equal(vidalloc_query_fence(g_h, 1, &done, &sub), E_FAIL);
    assert_non_null(strstr(vidalloc_last_error(), "vidalloc_query_fence: the board has no GPU"));
    assert_int_equal(vidalloc_wait_fence(g_h, 1, VIDALLOC_WAIT_INFINITE), E_FAIL);
    assert_non_null(strstr(vidalloc_last_error(), "vidalloc_wait_fence: the board has no GPU"));
    UINT delay = 0, window = 0;
    assert_int_equal(vidalloc_escape_set_tdr(g_h, 200000, 0, &delay, &window), E_FAIL);
    assert_non_null(strstr(vidalloc_last_error(), "vidalloc_escape_set_tdr: the board has no"));
    vd_wire_gpu_state st;
    assert_int_equal(vidalloc_escape_gpu_state(g_h, &st), E_FAIL);
    assert_non_null(strstr(vidalloc_last_error(), "(features 0x0000000f)"));
    assert_int_equal(board.nreqs, 0); /* nothing was sent */

    /* A bad handle is still E_INVALIDARG; host-only calls answer as usual. */
    assert_int_equal(vidalloc_create_context_cb((HANDLE)(uintptr_t)1, &cc), E_INVALIDARG);
    UINT f;
    assert_int_equal(vidalloc_last_fence(g_h, NULL, &f), D3DERR_NOTAVAILABLE);
    D3DDDICB_DESTROYCONTEXT dc = {(HANDLE)(uintptr_t)0x1234};
    assert_int_equal(vidalloc_destroy_context_cb(g_h, &dc), E_INVALIDARG);
    assert_int_equal(board.nreqs, 0);

    /* Allocation has nothing to do with the GPU. */
    assert_int_equal(allocate(2), S_OK);
    assert_int_equal(standin_count(VD_MSG_ALLOCATE), 1);
    /* The raw-request hook is not checked (it tests the firmware's own refusal). */
    vd_wire_fence_req fq = {0x11, 1};
    vd_wire_fence_rsp frsp;
    vidalloc_debug_request(g_h, VD_MSG_FENCE, &fq, sizeof fq, &frsp, sizeof frsp, NULL);
    assert_int_equal(standin_count(VD_MSG_FENCE), 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_hello_fields), T(test_hello_limit_above_host), T(test_hello_legacy),
        T(test_hello_lengths), T(test_no_gpu),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
