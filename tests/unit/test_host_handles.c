/* host-lib: handles are looked up, never dereferenced (host-lib/src/handles.c). Every
 * public entry point taking hDevice or hContext is given values that are not an open device
 * or a live context of it: NULL, small integers, a pointer to a stack variable, the freed
 * memory and the handle of a closed device, a context as hDevice, a device as hContext, a
 * context of another device. Each gets E_INVALIDARG and nothing is sent. This test runs
 * under AddressSanitizer: a read through any of those values (the freed device above all)
 * would fail it even where it did not crash. Also: close invalidates a device and its
 * contexts, handles are not reused, and the registry holds up under threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include <cmocka.h>

#include "host_standin.h"

static HANDLE g_a, g_b;              /* two open devices */
static HANDLE g_ctx_a, g_ctx_b;      /* a context of each */
static HANDLE g_closed;              /* the handle of a closed device */
static HANDLE g_closed_ctx;          /* a context of it (freed with it) */
static void *g_freed;                /* its vd_device, freed */
static HANDLE g_destroyed_ctx;       /* a destroyed context of device a */

static HANDLE create_context(HANDLE h)
{
    D3DDDICB_CREATECONTEXT cc;
    memset(&cc, 0, sizeof cc);
    assert_int_equal(vidalloc_create_context_cb(h, &cc), S_OK);
    assert_non_null(cc.hContext);
    return cc.hContext;
}

static int setup(void **state)
{
    (void)state;
    standin_reset();
    g_a = standin_open();
    g_b = standin_open();
    g_ctx_a = create_context(g_a);
    g_ctx_b = create_context(g_b);
    g_destroyed_ctx = create_context(g_a);
    D3DDDICB_DESTROYCONTEXT dc = {g_destroyed_ctx};
    assert_int_equal(vidalloc_destroy_context_cb(g_a, &dc), S_OK);
    g_closed = standin_open();
    g_closed_ctx = create_context(g_closed);
    g_freed = vd_handles_device(g_closed, "setup");
    assert_non_null(g_freed);
    assert_int_equal(vidalloc_close(g_closed), S_OK); /* g_freed is freed memory now */
    standin_forget_requests();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (g_a)
        assert_int_equal(vidalloc_close(g_a), S_OK);
    if (g_b)
        assert_int_equal(vidalloc_close(g_b), S_OK);
    g_a = g_b = NULL;
    return 0;
}

/* Call every public entry point that takes hDevice with h, the other arguments valid, and
 * check each answers E_INVALIDARG. */
static void every_call_refuses(HANDLE h, const char *what)
{
    static vd_surface_desc desc;
    vidalloc_buffer_desc(&desc, 64, 0);
    D3DDDI_ALLOCATIONINFO ai;
    memset(&ai, 0, sizeof ai);
    ai.pPrivateDriverData = &desc;
    ai.PrivateDriverDataSize = sizeof desc;
    D3DDDICB_ALLOCATE ac;
    memset(&ac, 0, sizeof ac);
    ac.NumAllocations = 1;
    ac.pAllocationInfo = &ai;
    D3DKMT_HANDLE ha = 0x40000001u;
    D3DDDICB_DEALLOCATE dc = {NULL, 1, &ha};
    D3DDDICB_LOCK lk;
    memset(&lk, 0, sizeof lk);
    lk.hAllocation = ha;
    D3DDDICB_UNLOCK ul = {1, &ha};
    D3DDDICB_RENDER r;
    memset(&r, 0, sizeof r);
    r.hContext = g_ctx_a;
    r.CommandLength = 16;
    D3DDDICB_CREATECONTEXT cc;
    memset(&cc, 0, sizeof cc);
    D3DDDICB_DESTROYCONTEXT dx = {g_ctx_a};
    HRESULT results[1];
    UINT u = 0, u2 = 0;
    D3DKMT_HANDLE kh = 0;
    uint8_t buf[64];
    vidalloc_info info;
    vd_wire_gpu_state st;
    vd_wire_allocation_info alloc_info;
    vd_wire_segment_stats seg;
    vd_wire_describe desc_out;
    vd_wire_fw_stats fw;
    vd_wire_memctl_stats mc;
    vd_wire_fence_req fq = {0x11, 1};
    vd_wire_fence_rsp frsp;
    unsigned before = board.nreqs;

#define REFUSES(call)                                                                      \
    do {                                                                                   \
        HRESULT hr_ = (call);                                                              \
        if (hr_ != E_INVALIDARG)                                                           \
            fail_msg("%s as hDevice: %s returned %s (0x%08X), not E_INVALIDARG", what,     \
                     #call, vidalloc_hresult_name(hr_), (unsigned)hr_);                    \
        assert_true(strlen(vidalloc_last_error()) > 0);                                    \
    } while (0)

    REFUSES(vidalloc_allocate_cb(h, &ac));
    REFUSES(vidalloc_allocate_batch(h, &ac, 1, results));
    REFUSES(vidalloc_deallocate_cb(h, &dc));
    REFUSES(vidalloc_lock_cb(h, &lk));
    REFUSES(vidalloc_unlock_cb(h, &ul));
    REFUSES(vidalloc_create_context_cb(h, &cc));
    REFUSES(vidalloc_destroy_context_cb(h, &dx));
    REFUSES(vidalloc_render_cb(h, &r));
    REFUSES(vidalloc_last_fence(h, NULL, &u));
    REFUSES(vidalloc_last_fence(h, g_ctx_a, &u));
    REFUSES(vidalloc_query_fence(h, 1, &u, &u2));
    REFUSES(vidalloc_wait_fence(h, 1, 0));
    REFUSES(vidalloc_escape_set_tdr(h, 0, 0, &u, &u2));
    REFUSES(vidalloc_escape_gpu_state(h, &st));
    REFUSES(vidalloc_get_info(h, &info));
    REFUSES(vidalloc_query_handle_data(h, ha, VIDALLOC_HANDLE_ALLOCATION, buf, sizeof buf, &u));
    REFUSES(vidalloc_query_child(h, 0x80000001u, 0, &kh));
    REFUSES(vidalloc_query_parent(h, ha, &kh));
    REFUSES(vidalloc_query_allocation(h, ha, &alloc_info));
    REFUSES(vidalloc_query_segment_stats(h, &seg));
    REFUSES(vidalloc_describe_allocation(h, ha, &desc_out));
    REFUSES(vidalloc_query_fw_stats(h, &fw));
    REFUSES(vidalloc_query_memctl_stats(h, &mc));
    REFUSES(vidalloc_debug_fault(h, VIDALLOC_FAULT_DROP_TX, 0));
    REFUSES(vidalloc_debug_request(h, VD_MSG_FENCE, &fq, sizeof fq, &frsp, sizeof frsp, &u));
    REFUSES(vidalloc_reopen(h));
    REFUSES(vidalloc_close(h));
#undef REFUSES
    assert_int_equal(board.nreqs, before); /* nothing reached the wire */
}

static void test_bad_device_handles(void **state)
{
    (void)state;
    int on_stack = 0x5644;
    every_call_refuses(NULL, "NULL");
    every_call_refuses((HANDLE)(uintptr_t)1, "(HANDLE)1");
    every_call_refuses((HANDLE)(uintptr_t)0x1234, "(HANDLE)0x1234");
    every_call_refuses((HANDLE)(uintptr_t)-1, "(HANDLE)-1");
    every_call_refuses(&on_stack, "a pointer to a stack variable");
    every_call_refuses(g_freed, "the freed memory of a closed device");
    every_call_refuses(g_closed, "the handle of a closed device");
    every_call_refuses(g_ctx_a, "a context handle");
    every_call_refuses(g_closed_ctx, "a context of a closed device");
    assert_int_equal(on_stack, 0x5644);
    /* The good devices still work, and nothing was sent for all of the above. */
    vidalloc_info info;
    assert_int_equal(vidalloc_get_info(g_a, &info), S_OK);
    assert_int_equal(info.hDevice, 0x11);
    assert_int_equal(vidalloc_get_info(g_b, &info), S_OK);
    assert_int_equal(info.hDevice, 0x12);
    assert_int_equal(board.nreqs, 0);
}

/* Every call taking hContext, on a good device, given h. */
static void every_context_call_refuses(HANDLE h, const char *what)
{
    unsigned before = board.nreqs;
    D3DDDICB_RENDER r;
    memset(&r, 0, sizeof r);
    r.hContext = h;
    r.CommandLength = 16;
    HRESULT hr = vidalloc_render_cb(g_a, &r);
    if (hr != E_INVALIDARG)
        fail_msg("%s as hContext: pfnRenderCb returned %s", what, vidalloc_hresult_name(hr));
    assert_non_null(strstr(vidalloc_last_error(), "hContext"));
    UINT f = 0;
    if (h) { /* NULL asks for the device's last fence */
        hr = vidalloc_last_fence(g_a, h, &f);
        if (hr != E_INVALIDARG)
            fail_msg("%s as hContext: vidalloc_last_fence returned %s", what,
                     vidalloc_hresult_name(hr));
    }
    D3DDDICB_DESTROYCONTEXT dc = {h};
    hr = vidalloc_destroy_context_cb(g_a, &dc);
    if (hr != E_INVALIDARG)
        fail_msg("%s as hContext: pfnDestroyContextCb returned %s", what,
                 vidalloc_hresult_name(hr));
    assert_int_equal(board.nreqs, before);
}

static void test_bad_context_handles(void **state)
{
    (void)state;
    int on_stack = 0;
    every_context_call_refuses(NULL, "NULL");
    every_context_call_refuses((HANDLE)(uintptr_t)1, "(HANDLE)1");
    every_context_call_refuses((HANDLE)(uintptr_t)0x1234, "(HANDLE)0x1234");
    every_context_call_refuses(&on_stack, "a pointer to a stack variable");
    every_context_call_refuses(g_a, "the device's own handle");
    every_context_call_refuses(g_b, "another device's handle");
    every_context_call_refuses(g_ctx_b, "a context of another device");
    every_context_call_refuses(g_destroyed_ctx, "a destroyed context");
    every_context_call_refuses(g_closed_ctx, "a context of a closed device");
    every_context_call_refuses(g_freed, "the freed memory of a closed device");
    /* The other device's context is intact: it still renders on its own device. */
    D3DDDICB_RENDER r;
    memset(&r, 0, sizeof r);
    r.hContext = g_ctx_b;
    r.CommandLength = 16;
    assert_int_equal(vidalloc_render_cb(g_b, &r), S_OK);
    D3DDDICB_DESTROYCONTEXT dc = {g_ctx_b};
    assert_int_equal(vidalloc_destroy_context_cb(g_b, &dc), S_OK);
}

static void test_close_invalidates(void **state)
{
    (void)state;
    HANDLE ctx = create_context(g_b);
    assert_int_equal(vidalloc_close(g_b), S_OK);
    assert_int_equal(board.closes, 1);
    assert_int_equal(vidalloc_close(g_b), E_INVALIDARG); /* a second close */
    assert_non_null(strstr(vidalloc_last_error(), "vidalloc_close"));
    assert_int_equal(board.closes, 1);
    /* Its contexts went with it: not usable through the other device either. */
    UINT f;
    assert_int_equal(vidalloc_last_fence(g_a, ctx, &f), E_INVALIDARG);
    D3DDDICB_DESTROYCONTEXT dc = {ctx};
    assert_int_equal(vidalloc_destroy_context_cb(g_a, &dc), E_INVALIDARG);
    g_b = NULL;
    /* A new device never gets an old handle, even when it gets the old memory. */
    HANDLE c = standin_open();
    assert_ptr_not_equal(c, g_closed);
    assert_ptr_not_equal(c, g_b);
    assert_ptr_not_equal(c, g_a);
    assert_int_equal(vidalloc_close(g_closed), E_INVALIDARG);
    assert_int_equal(vidalloc_close(c), S_OK);
}

static void test_handle_values(void **state)
{
    (void)state;
    /* Handles are not the objects' addresses, and the kinds never overlap. */
    vd_device *d = vd_handles_device(g_a, "test");
    assert_non_null(d);
    assert_ptr_not_equal((void *)d, g_a);
    assert_ptr_equal(d->handle, g_a);
    assert_null(vd_handles_device(g_ctx_a, "test"));
    assert_int_equal(vd_last_hr(), E_INVALIDARG);
    assert_null(vd_handles_context(d, g_a));
    vd_context *c = vd_handles_context(d, g_ctx_a);
    assert_non_null(c);
    assert_ptr_not_equal((void *)c, g_ctx_a);
    assert_null(vd_handles_context(vd_handles_device(g_b, "test"), g_ctx_a));
    /* An aligned pointer can never equal a handle (the kind tags are odd). */
    assert_int_equal((uintptr_t)g_a & 1u, 1u);
    assert_int_equal((uintptr_t)g_ctx_a & 1u, 1u);
}

/* ------------------------------------------------------------------ threads */

#define THREADS 4
#define ROUNDS  2000

static void *churn(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        vd_device *d = calloc(1, sizeof *d);
        vd_context *c = calloc(1, sizeof *c);
        if (!d || !c || FAILED(vd_handles_add_device(d)) || FAILED(vd_handles_add_context(d, c)))
            return (void *)"out of memory";
        HANDLE h = d->handle, hc = c->handle;
        if (vd_handles_device(h, "churn") != d || vd_handles_context(d, hc) != c)
            return (void *)"lost an entry";
        vd_handles_remove_device(d); /* frees c */
        if (vd_handles_device(h, "churn") || vd_handles_context(d, hc))
            return (void *)"a removed entry is still found";
        free(d);
    }
    return NULL;
}

static void test_registry_threads(void **state)
{
    (void)state;
    /* Two devices stay open in the registry meanwhile (setup's a and b). */
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, churn, NULL), 0);
    for (int i = 0; i < THREADS; i++) {
        void *err = NULL;
        assert_int_equal(pthread_join(t[i], &err), 0);
        if (err)
            fail_msg("thread %d: %s", i, (const char *)err);
    }
    vidalloc_info info;
    assert_int_equal(vidalloc_get_info(g_a, &info), S_OK);
    assert_int_equal(vidalloc_get_info(g_b, &info), S_OK);
    assert_non_null(vd_handles_context(vd_handles_device(g_a, "test"), g_ctx_a));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_bad_device_handles), T(test_bad_context_handles), T(test_close_invalidates),
        T(test_handle_values),      T(test_registry_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
