/* host-lib: contexts, pfnRenderCb, fences, escapes, device removal and reopen, end to end
 * through the real protocol client and frame codec, against the scripted firmware stand-in
 * behind a mock transport (host_standin.c; host-lib/src/context.c, device.c, client.c).
 * The real firmware is exercised by tests/cosim/host/render_e2e.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host_standin.h"

static HANDLE g_h;        /* the device under test */
static vd_device *g_dev;  /* what host-lib keeps for it (for the tests' direct looks) */

static int setup(void **state)
{
    (void)state;
    standin_reset();
    g_h = standin_open(); /* HELLO, OPEN_DEVICE: firmware handle 0x11 */
    g_dev = vd_handles_device(g_h, "setup");
    assert_non_null(g_h);
    assert_int_equal(g_dev->hdev, 0x11);
    standin_forget_requests(); /* the tests count from here */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (g_h)
        assert_int_equal(vidalloc_close(g_h), S_OK);
    g_h = NULL;
    g_dev = NULL;
    return 0;
}

#define count standin_count
#define nth   standin_nth

static D3DDDICB_CREATECONTEXT make_context(void)
{
    D3DDDICB_CREATECONTEXT cc;
    memset(&cc, 0, sizeof cc);
    assert_int_equal(vidalloc_create_context_cb(g_h, &cc), S_OK);
    return cc;
}

/* n FILL commands, each patched to allocation 1 at 4 * i. */
static void write_fills(D3DDDICB_CREATECONTEXT *cc, D3DDDICB_RENDER *r, unsigned n)
{
    uint8_t *cmd = cc->pCommandBuffer;
    for (unsigned i = 0; i < n; i++) {
        vidalloc_cmd_fill(cmd + 16 * i, 0, 0x1000u + i, 4);
        D3DDDI_PATCHLOCATIONLIST *p = &cc->pPatchLocationList[i];
        memset(p, 0, sizeof *p);
        p->AllocationIndex = 1;
        p->AllocationOffset = 4 * i;
        p->PatchOffset = 16 * i + VIDALLOC_CMD_DST_OFFSET;
    }
    cc->pAllocationList[0].hAllocation = 0;
    cc->pAllocationList[1].hAllocation = 0x40000001u;
    cc->pAllocationList[1].WriteOperation = 1;
    memset(r, 0, sizeof *r);
    r->hContext = cc->hContext;
    r->CommandLength = 16 * n;
    r->NumAllocations = 2;
    r->NumPatchLocations = n;
}

/* ------------------------------------------------------------------ tests */

static void test_context(void **state)
{
    (void)state;
    D3DDDICB_CREATECONTEXT cc = make_context();
    assert_non_null(cc.hContext);
    assert_non_null(cc.pCommandBuffer);
    assert_int_equal(cc.CommandBufferSize, VIDALLOC_CONTEXT_COMMAND_BYTES);
    assert_int_equal(cc.AllocationListSize, VD_WIRE_MAX_RENDER_ALLOCS);
    assert_int_equal(cc.PatchLocationListSize, VIDALLOC_CONTEXT_PATCHES);
    assert_int_equal(cc.CommandBuffer, 0);
    assert_int_equal(count(VD_MSG_ESCAPE), 1); /* ring space learnt once */
    D3DDDICB_CREATECONTEXT c2 = make_context();
    assert_ptr_not_equal(c2.hContext, cc.hContext);
    assert_int_equal(count(VD_MSG_ESCAPE), 1);

    D3DDDICB_CREATECONTEXT bad;
    assert_int_equal(vidalloc_create_context_cb(g_h, NULL), E_INVALIDARG);
    assert_int_equal(vidalloc_create_context_cb(NULL, &cc), E_INVALIDARG);
    memset(&bad, 0, sizeof bad);
    bad.NodeOrdinal = 1;
    assert_int_equal(vidalloc_create_context_cb(g_h, &bad), E_INVALIDARG);
    memset(&bad, 0, sizeof bad);
    bad.EngineAffinity = 2;
    assert_int_equal(vidalloc_create_context_cb(g_h, &bad), E_INVALIDARG);
    memset(&bad, 0, sizeof bad);
    bad.Flags.Value = 2;
    assert_int_equal(vidalloc_create_context_cb(g_h, &bad), E_INVALIDARG);
    memset(&bad, 0, sizeof bad);
    bad.PrivateDriverDataSize = 4;
    assert_int_equal(vidalloc_create_context_cb(g_h, &bad), E_INVALIDARG);
    memset(&bad, 0, sizeof bad);
    bad.EngineAffinity = 1;
    bad.pPrivateDriverData = &bad;
    bad.PrivateDriverDataSize = 4;
    assert_int_equal(vidalloc_create_context_cb(g_h, &bad), S_OK);

    D3DDDICB_DESTROYCONTEXT dc = {c2.hContext};
    assert_int_equal(vidalloc_destroy_context_cb(g_h, &dc), S_OK);
    assert_int_equal(vidalloc_destroy_context_cb(g_h, &dc), E_INVALIDARG);
    assert_int_equal(vidalloc_destroy_context_cb(g_h, NULL), E_INVALIDARG);
    D3DDDICB_RENDER r;
    write_fills(&cc, &r, 1);
    r.hContext = c2.hContext; /* destroyed */
    assert_int_equal(vidalloc_render_cb(g_h, &r), E_INVALIDARG);
    r.hContext = NULL;
    assert_int_equal(vidalloc_render_cb(g_h, &r), E_INVALIDARG);
    r.hContext = &r; /* not a context */
    assert_int_equal(vidalloc_render_cb(g_h, &r), E_INVALIDARG);
    assert_int_equal(vidalloc_render_cb(g_h, NULL), E_INVALIDARG);
    assert_int_equal(count(VD_MSG_RENDER), 0); /* none of that reached the wire */
    UINT f;
    assert_int_equal(vidalloc_last_fence(g_h, cc.hContext, &f), D3DERR_NOTAVAILABLE);
    assert_int_equal(vidalloc_last_fence(g_h, NULL, &f), D3DERR_NOTAVAILABLE);
    assert_int_equal(vidalloc_last_fence(g_h, c2.hContext, &f), E_INVALIDARG);
    /* bad's context and cc stay for close to free */
}

static void test_render_one(void **state)
{
    (void)state;
    D3DDDICB_CREATECONTEXT cc = make_context();
    D3DDDICB_RENDER r;
    write_fills(&cc, &r, 3);
    uint8_t before[48];
    memcpy(before, cc.pCommandBuffer, sizeof before);
    assert_int_equal(vidalloc_render_cb(g_h, &r), S_OK);
    assert_int_equal(count(VD_MSG_RENDER), 1);
    const standin_req *q = nth(VD_MSG_RENDER, 0);
    assert_int_equal(q->len, 24 + 48 + 16 + 3 * 24);
    vd_wire_render_req rq;
    memcpy(&rq, q->payload, sizeof rq);
    assert_int_equal(rq.hDevice, 0x11);
    assert_int_equal(rq.CommandOffset, 0);
    assert_int_equal(rq.CommandLength, 48);
    assert_int_equal(rq.NumPatchLocations, 3);
    assert_int_equal(rq.Flags, 0);
    assert_memory_equal(q->payload + 24, before, 48);
    /* The buffers come back, the same ones, emptied. */
    assert_ptr_equal(r.pNewCommandBuffer, cc.pCommandBuffer);
    assert_int_equal(r.NewCommandBufferSize, cc.CommandBufferSize);
    assert_ptr_equal(r.pNewAllocationList, cc.pAllocationList);
    assert_int_equal(r.NewAllocationListSize, cc.AllocationListSize);
    assert_ptr_equal(r.pNewPatchLocationList, cc.pPatchLocationList);
    assert_int_equal(r.NewPatchLocationListSize, cc.PatchLocationListSize);
    static const uint8_t zero[48];
    assert_memory_equal(cc.pCommandBuffer, zero, 48);
    assert_int_equal(cc.pAllocationList[1].hAllocation, 0);
    UINT f = 0;
    assert_int_equal(vidalloc_last_fence(g_h, cc.hContext, &f), S_OK);
    assert_int_equal(f, 1);
    assert_int_equal(vidalloc_last_fence(g_h, NULL, &f), S_OK);
    assert_int_equal(f, 1);
    assert_int_equal(vidalloc_query_fence(g_h, 1, NULL, NULL), D3DERR_WASSTILLDRAWING);
    assert_int_equal(vidalloc_wait_fence(g_h, 1, 100), S_OK);
    UINT done = 0, sub = 0;
    assert_int_equal(vidalloc_query_fence(g_h, 1, &done, &sub), S_OK);
    assert_int_equal(done, 1);
    assert_int_equal(sub, 1);

    /* Host validation: nothing sent. */
    write_fills(&cc, &r, 2);
    r.CommandLength = 40;
    assert_int_equal(vidalloc_render_cb(g_h, &r), E_INVALIDARG);
    assert_int_equal(count(VD_MSG_RENDER), 1);
    assert_int_equal(cc.pAllocationList[1].hAllocation, 0x40000001u); /* left as it was */

    /* NullRendering: from the call, or from the context's flags. */
    write_fills(&cc, &r, 1);
    r.Flags.NullRendering = 1;
    assert_int_equal(vidalloc_render_cb(g_h, &r), S_OK);
    memcpy(&rq, nth(VD_MSG_RENDER, 1)->payload, sizeof rq);
    assert_int_equal(rq.Flags, D3DDDICB_RENDERFLAGS_NULLRENDERING);
    D3DDDICB_CREATECONTEXT cn;
    memset(&cn, 0, sizeof cn);
    cn.Flags.NullRendering = 1;
    assert_int_equal(vidalloc_create_context_cb(g_h, &cn), S_OK);
    write_fills(&cn, &r, 1);
    assert_int_equal(vidalloc_render_cb(g_h, &r), S_OK);
    memcpy(&rq, nth(VD_MSG_RENDER, 2)->payload, sizeof rq);
    assert_int_equal(rq.Flags, D3DDDICB_RENDERFLAGS_NULLRENDERING);
    assert_int_equal(vidalloc_last_fence(g_h, cn.hContext, &f), S_OK);
    assert_int_equal(f, 3);
    assert_int_equal(vidalloc_last_fence(g_h, cc.hContext, &f), S_OK);
    assert_int_equal(f, 2);

    /* Resize: the new sizes come back. */
    write_fills(&cc, &r, 1);
    r.Flags.ResizeCommandBuffer = 1;
    r.NewCommandBufferSize = 8192;
    r.Flags.ResizePatchLocationList = 1;
    r.NewPatchLocationListSize = 200;
    assert_int_equal(vidalloc_render_cb(g_h, &r), S_OK);
    assert_int_equal(r.NewCommandBufferSize, 8192);
    assert_int_equal(r.NewPatchLocationListSize, 200);
    assert_int_equal(r.NewAllocationListSize, VD_WIRE_MAX_RENDER_ALLOCS);
    memset(r.pNewCommandBuffer, 0, 8192); /* really that big (ASan/valgrind would tell) */
    D3DDDI_PATCHLOCATIONLIST *pl = r.pNewPatchLocationList;
    pl[199].PatchOffset = 8188;
    cc.pCommandBuffer = r.pNewCommandBuffer;
    cc.pAllocationList = r.pNewAllocationList;
    cc.pPatchLocationList = r.pNewPatchLocationList;
    write_fills(&cc, &r, 1);
    r.CommandLength = 8192; /* the rest NOPs */
    assert_int_equal(vidalloc_render_cb(g_h, &r), S_OK);
}

static void test_render_split(void **state)
{
    (void)state;
    D3DDDICB_CREATECONTEXT cc = make_context();
    D3DDDICB_RENDER r;
    write_fills(&cc, &r, 64); /* 64 x (16 + 24) bytes: 24 per frame -> 3 RENDERs */
    uint8_t cmds[1024];
    memcpy(cmds, cc.pCommandBuffer, sizeof cmds);
    assert_int_equal(vidalloc_render_cb(g_h, &r), S_OK);
    assert_int_equal(count(VD_MSG_RENDER), 3);
    uint32_t at = 0, patches = 0;
    for (unsigned k = 0; k < 3; k++) {
        const standin_req *q = nth(VD_MSG_RENDER, k);
        vd_wire_render_req rq;
        memcpy(&rq, q->payload, sizeof rq);
        assert_int_equal(rq.CommandOffset, at);
        assert_memory_equal(q->payload + 24, cmds + at, rq.CommandLength - at);
        const uint8_t *pp = q->payload + 24 + (rq.CommandLength - at) + 16;
        for (uint32_t i = 0; i < rq.NumPatchLocations; i++) {
            vd_wire_patch_location p;
            memcpy(&p, pp + 24 * i, sizeof p);
            assert_int_equal(p.PatchOffset, at + 16 * i + 4); /* relative to the buffer */
            assert_int_equal(p.AllocationOffset, 4 * (at / 16 + i));
        }
        assert_int_equal(q->len, 24 + (rq.CommandLength - at) + 16 + 24 * rq.NumPatchLocations);
        patches += rq.NumPatchLocations;
        at = rq.CommandLength;
    }
    assert_int_equal(at, 1024);
    assert_int_equal(patches, 64);
    UINT f = 0;
    assert_int_equal(vidalloc_last_fence(g_h, cc.hContext, &f), S_OK);
    assert_int_equal(f, 3); /* the last RENDER's fence */
    assert_int_equal(vidalloc_wait_fence(g_h, f, 1000), S_OK);
}

static void test_render_ring(void **state)
{
    (void)state;
    /* A 256-byte ring: learnt at context creation, every RENDER fits it. */
    board.ring_size = 256;
    board.exec_us = 3000;
    D3DDDICB_CREATECONTEXT cc = make_context();
    assert_int_equal(g_dev->ring_cap, 256);
    D3DDDICB_RENDER r;
    write_fills(&cc, &r, 64);
    assert_int_equal(vidalloc_render_cb(g_h, &r), S_OK);
    /* 1024 bytes of commands in 256-byte RENDERs; the ring holds one at a time, so the
     * host waited for ring space between them (the stand-in said WASSTILLDRAWING). */
    uint32_t at = 0, last_begin = 0;
    for (unsigned k = 0; k < count(VD_MSG_RENDER); k++) {
        vd_wire_render_req rq;
        memcpy(&rq, nth(VD_MSG_RENDER, k)->payload, sizeof rq);
        assert_true(rq.CommandLength - rq.CommandOffset <= 256);
        if (rq.CommandOffset == at) { /* the next chunk */
            last_begin = at;
            at = rq.CommandLength;
        } else {                      /* the same chunk again, after waiting */
            assert_int_equal(rq.CommandOffset, last_begin);
            assert_int_equal(rq.CommandLength, at);
        }
    }
    assert_int_equal(at, 1024);
    assert_int_equal(board.next_fence, 4);
    assert_true(board.ring_full_replies > 0);
    assert_int_equal(count(VD_MSG_RENDER), 4 + (unsigned)board.ring_full_replies);
    UINT f;
    vidalloc_last_fence(g_h, NULL, &f);
    assert_int_equal(f, 4);
    /* Ring full with nothing of ours to wait for: the failure is returned. */
    board.render_hr_at[board.renders] = D3DERR_WASSTILLDRAWING;
    g_dev->fenced = 0;
    write_fills(&cc, &r, 1);
    assert_int_equal(vidalloc_render_cb(g_h, &r), D3DERR_WASSTILLDRAWING);
}

static void test_render_partial_failure(void **state)
{
    (void)state;
    D3DDDICB_CREATECONTEXT cc = make_context();
    D3DDDICB_RENDER r;
    write_fills(&cc, &r, 64);
    board.render_hr_at[1] = D3DDDIERR_INVALIDHANDLE;
    assert_int_equal(vidalloc_render_cb(g_h, &r), D3DDDIERR_INVALIDHANDLE);
    assert_int_equal(count(VD_MSG_RENDER), 2); /* stopped at the failure */
    assert_non_null(strstr(vidalloc_last_error(), "RENDER 2 of 3"));
    UINT f = 0;
    assert_int_equal(vidalloc_last_fence(g_h, cc.hContext, &f), S_OK);
    assert_int_equal(f, 1); /* what was queued */
    assert_int_equal(cc.pAllocationList[1].hAllocation, 0x40000001u); /* not reset */
}

static void test_wait_fence(void **state)
{
    (void)state;
    D3DDDICB_CREATECONTEXT cc = make_context();
    D3DDDICB_RENDER r;
    board.exec_us = 300000; /* 300 ms of GPU work */
    write_fills(&cc, &r, 1);
    assert_int_equal(vidalloc_render_cb(g_h, &r), S_OK);
    unsigned before = count(VD_MSG_FENCE);
    assert_int_equal(vidalloc_wait_fence(g_h, 1, 0), D3DERR_WASSTILLDRAWING); /* one look */
    assert_int_equal(count(VD_MSG_FENCE), before + 1);
    uint64_t t0 = board.now_us;
    assert_int_equal(vidalloc_wait_fence(g_h, 1, 100), D3DERR_WASSTILLDRAWING);
    uint64_t waited = board.now_us - t0;
    assert_true(waited >= 100000 && waited < 110000);
    assert_non_null(strstr(vidalloc_last_error(), "not reached"));
    before = count(VD_MSG_FENCE);
    assert_int_equal(vidalloc_wait_fence(g_h, 1, 1000), S_OK);
    unsigned polls = count(VD_MSG_FENCE) - before;
    /* Back-off: ~200 ms in pauses doubling from 0.2 ms to 20 ms is ~17 polls, not 1000. */
    assert_true(polls >= 5 && polls <= 25);
    assert_true(board.now_us <= board.done_at[1] + 25000); /* noticed within one pause */
    /* Pauses grow, up to the cap. */
    uint64_t prev_gap = 0;
    for (unsigned k = before + 1; k < count(VD_MSG_FENCE); k++) {
        uint64_t gap = nth(VD_MSG_FENCE, k)->at_us - nth(VD_MSG_FENCE, k - 1)->at_us;
        assert_true(gap + 100 >= prev_gap);
        assert_true(gap <= 20000 + 200);
        prev_gap = gap;
    }
    assert_int_equal(vidalloc_wait_fence(g_h, 1, VIDALLOC_WAIT_INFINITE), S_OK);
    assert_int_equal(vidalloc_wait_fence(NULL, 1, 0), E_INVALIDARG);
}

static void test_device_removed(void **state)
{
    (void)state;
    D3DDDICB_CREATECONTEXT cc = make_context();
    D3DDDICB_RENDER r;
    memset(&r, 0, sizeof r);
    vidalloc_cmd_hang(cc.pCommandBuffer);
    r.hContext = cc.hContext;
    r.CommandLength = 16;
    assert_int_equal(vidalloc_render_cb(g_h, &r), S_OK);
    board.hang = 1;
    board.hang_since = board.now_us;
    UINT f;
    vidalloc_last_fence(g_h, NULL, &f);
    /* The TDR (20 ms here) ends the wait with DEVICEREMOVED, even an infinite one. */
    assert_int_equal(vidalloc_wait_fence(g_h, f, VIDALLOC_WAIT_INFINITE), D3DDDIERR_DEVICEREMOVED);
    assert_true(board.now_us - board.hang_since < 20000 + 25000);
    vidalloc_cmd_nop(cc.pCommandBuffer);
    assert_int_equal(vidalloc_render_cb(g_h, &r), D3DDDIERR_DEVICEREMOVED);
    vd_surface_desc desc;
    vidalloc_buffer_desc(&desc, 64, 0);
    D3DDDI_ALLOCATIONINFO ai = {0};
    ai.pPrivateDriverData = &desc;
    ai.PrivateDriverDataSize = sizeof desc;
    D3DDDICB_ALLOCATE ac = {0};
    ac.NumAllocations = 1;
    ac.pAllocationInfo = &ai;
    assert_int_equal(vidalloc_allocate_cb(g_h, &ac), D3DDDIERR_DEVICEREMOVED);
    /* Escapes still work. */
    vd_wire_gpu_state st;
    assert_int_equal(vidalloc_escape_gpu_state(g_h, &st), S_OK);
    /* Reopen: CLOSE_DEVICE, OPEN_DEVICE; the old contexts are gone. */
    assert_int_equal(vidalloc_reopen(g_h), S_OK);
    assert_int_equal(board.closes, 1);
    assert_int_equal(board.opens, 1);
    assert_int_equal(g_dev->hdev, 0x12);
    vidalloc_info in;
    vidalloc_get_info(g_h, &in);
    assert_int_equal(in.hDevice, 0x12);
    assert_int_equal(vidalloc_render_cb(g_h, &r), E_INVALIDARG); /* stale hContext */
    assert_int_equal(vidalloc_last_fence(g_h, NULL, &f), D3DERR_NOTAVAILABLE);
    D3DDDICB_CREATECONTEXT c2 = make_context();
    vidalloc_cmd_nop(c2.pCommandBuffer);
    r.hContext = c2.hContext;
    assert_int_equal(vidalloc_render_cb(g_h, &r), S_OK);
    assert_int_equal(vd_get32(nth(VD_MSG_RENDER, count(VD_MSG_RENDER) - 1)->payload), 0x12);
}

static void test_adapter_removed(void **state)
{
    (void)state;
    board.adapter_removed = 1;
    board.removed = 1;
    assert_int_equal(vidalloc_reopen(g_h), D3DDDIERR_DEVICEREMOVED);
    assert_non_null(strstr(vidalloc_last_error(), "adapter"));
    assert_int_equal(g_dev->hdev, 0);
    D3DDDICB_CREATECONTEXT cc = make_context(); /* host-side: still works */
    unsigned n = board.nreqs;
    D3DDDICB_RENDER r;
    write_fills(&cc, &r, 1);
    assert_int_equal(vidalloc_render_cb(g_h, &r), D3DDDIERR_DEVICEREMOVED);
    D3DDDICB_ALLOCATE ac = {0};
    assert_int_equal(vidalloc_allocate_cb(g_h, &ac), D3DDDIERR_DEVICEREMOVED);
    D3DDDICB_LOCK lk = {0};
    assert_int_equal(vidalloc_lock_cb(g_h, &lk), D3DDDIERR_DEVICEREMOVED);
    assert_int_equal(vidalloc_wait_fence(g_h, 1, 0), D3DDDIERR_DEVICEREMOVED);
    assert_int_equal(board.nreqs, n); /* refused on the host: nothing was sent */
    UINT delay = 0, window = 0;
    assert_int_equal(vidalloc_escape_set_tdr(g_h, 200000, 0, &delay, &window), S_OK);
    assert_int_equal(delay, 200000);
    assert_int_equal(window, 720000000u);
    /* Close sends no CLOSE_DEVICE (there is no device) and frees everything. */
    int closes = board.closes;
    assert_int_equal(vidalloc_close(g_h), S_OK);
    g_h = NULL;
    assert_int_equal(board.closes, closes);
}

static void test_close(void **state)
{
    (void)state;
    make_context();
    make_context();
    assert_int_equal(vidalloc_close(g_h), S_OK);
    g_h = NULL;
    assert_int_equal(board.closes, 1);
    assert_int_equal(vidalloc_close(NULL), E_INVALIDARG);
}

static void test_debug_request(void **state)
{
    (void)state;
    /* A RENDER the host would refuse (CommandOffset 8) goes out as is. */
    uint8_t req[24 + 16];
    memset(req, 0, sizeof req);
    vd_wire_render_req rq = {0x11, 8, 24, 0, 0, 0};
    memcpy(req, &rq, sizeof rq);
    vd_wire_render_rsp rsp;
    UINT len = 0;
    assert_int_equal(vidalloc_debug_request(g_h, VD_MSG_RENDER, req, sizeof req, &rsp,
                                            sizeof rsp, &len), S_OK); /* the stand-in takes it */
    assert_int_equal(len, 8);
    assert_int_equal(rsp.fence, 1);
    assert_int_equal(nth(VD_MSG_RENDER, 0)->len, sizeof req);
    assert_int_equal(vidalloc_debug_request(g_h, 0x7E, NULL, 0, NULL, 0, &len), E_INVALIDARG);
    assert_int_equal(len, 4);
    assert_int_equal(vidalloc_debug_request(g_h, 0x80, NULL, 0, NULL, 0, NULL), E_INVALIDARG);
    assert_int_equal(vidalloc_debug_request(g_h, 1, NULL, 4, NULL, 0, NULL), E_INVALIDARG);
}

static void test_escapes(void **state)
{
    (void)state;
    vd_wire_gpu_state st;
    board.next_fence = 5;
    assert_int_equal(vidalloc_escape_gpu_state(g_h, &st), S_OK);
    assert_int_equal(st.submitted, 5);
    assert_int_equal(st.ring_free, 4096);
    assert_int_equal(vidalloc_escape_gpu_state(g_h, NULL), E_INVALIDARG);
    UINT d = 0;
    assert_int_equal(vidalloc_escape_set_tdr(g_h, 0, 0, &d, NULL), S_OK);
    assert_int_equal(d, 24000000u);
    assert_int_equal(vidalloc_escape_set_tdr(NULL, 0, 0, NULL, NULL), E_INVALIDARG);
}

static void test_gpu_wait_patience(void **state)
{
    (void)state;
    D3DDDICB_CREATECONTEXT cc = make_context();
    D3DDDICB_RENDER r;
    /* The firmware holds a RENDER for 3 s (the previous submission hangs until the TDR):
     * more than 8 retransmission timeouts, less than the GPU patience. */
    g_dev->info.clk_hz = 12000000;
    g_dev->info.vram_size = 65536;
    vd_client_set_gpu_wait(&g_dev->c, g_dev->info.clk_hz, g_dev->info.vram_size, 0);
    /* TdrDelay 2 s: 2 x 2 s + 22 ms + 1 s */
    assert_true(g_dev->c.gpu_wait_us > 5000000 && g_dev->c.gpu_wait_us < 5100000);
    board.hold_us = 3000000;
    write_fills(&cc, &r, 1);
    assert_int_equal(vidalloc_render_cb(g_h, &r), S_OK);
    assert_true(board.dup_frames > 8);
    assert_int_equal(board.next_fence, 1); /* executed once */
    assert_int_equal(g_dev->c.dead, 0);
    /* A short TdrDelay shortens the patience: the same hold now loses the link. */
    UINT delay;
    assert_int_equal(vidalloc_escape_set_tdr(g_h, 200000, 0, &delay, NULL), S_OK);
    assert_true(g_dev->c.gpu_wait_us < 1100000);
    board.hold_us = 3000000;
    write_fills(&cc, &r, 1);
    assert_int_equal(vidalloc_render_cb(g_h, &r), D3DDDIERR_DEVICEREMOVED);
    assert_int_equal(g_dev->c.link, VIDALLOC_LINK_LOST); /* lost, not gone: resumable */
    assert_non_null(strstr(vidalloc_last_error(), "link lost"));
    /* Requests that do not wait for the GPU keep the quick detection (nothing answers). */
    assert_int_equal(vidalloc_wait_fence(g_h, 1, 0), D3DDDIERR_DEVICEREMOVED);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_context),        T(test_render_one),        T(test_render_split),
        T(test_render_ring),    T(test_render_partial_failure), T(test_wait_fence),
        T(test_device_removed), T(test_adapter_removed),   T(test_close),
        T(test_debug_request),  T(test_escapes),           T(test_gpu_wait_patience),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
