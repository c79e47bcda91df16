/*
 * Submission: pfnCreateContextCb / pfnDestroyContextCb (host buffers, registered in
 * handles.c), pfnRenderCb (validated and split by render.c, sent as RENDERs), fences
 * (FENCE), escapes (ESCAPE), the raw-request test hook. On a board whose HELLO features
 * lack VIDALLOC_FEATURE_GPU, pfnCreateContextCb, pfnRenderCb, the FENCE calls and the
 * escapes fail with E_FAIL before anything is sent (so no context ever exists there).
 */
#include <stdlib.h>
#include <string.h>

#include "pcie_bus.h"
#include "vd_host.h"
#include "vd_sim.h"

/* The firmware answers a RENDER that finds the ring full with D3DERR_WASSTILLDRAWING: the
 * host waits for its previous submission and sends the chunk again, this often at most. */
#define VD_RING_RETRIES 64
/* How long pfnRenderCb waits for ring space (board ms) before giving up. */
#define VD_RING_WAIT_MS 10000u

/* Polling pauses of vidalloc_wait_fence, board µs. */
#define VD_POLL_FIRST_US 200u
#define VD_POLL_MAX_US   20000u

static HRESULT wait_fence(vd_device *d, UINT fence, UINT timeout_ms);

/* E_FAIL (recorded) when the board has no GPU command block: RENDER, FENCE and ESCAPE
 * would be refused by the firmware anyway, so nothing is sent. */
static HRESULT need_gpu(const vd_device *d, const char *fn)
{
    if (d->info.features & VIDALLOC_FEATURE_GPU)
        return S_OK;
    return vd_fail(E_FAIL, "%s: the board has no GPU command block (features 0x%08x)", fn,
                   d->info.features);
}

/* The device behind hDevice for a call that needs the GPU: NULL after vd_fail
 * (E_INVALIDARG for a bad handle, E_FAIL for a board without the GPU). */
static vd_device *gpu_device(HANDLE hDevice, const char *fn)
{
    vd_device *d = vd_handles_device(hDevice, fn);
    if (d && FAILED(need_gpu(d, fn)))
        return NULL;
    return d;
}

static HRESULT escape(vd_device *d, uint32_t code, uint32_t a0, uint32_t a1,
                      vd_wire_escape_rsp *rsp)
{
    vd_wire_escape_req req = {.code = code, .arg0 = a0, .arg1 = a1};
    size_t len;
    HRESULT hr = vd_client_call(&d->c, VD_MSG_ESCAPE, &req, sizeof req, rsp, sizeof *rsp, &len);
    if (FAILED(hr))
        return hr;
    hr = vd_rsp_hr((const uint8_t *)rsp, len);
    if (FAILED(hr))
        return vd_fail(hr, "ESCAPE %u: %s", code, vidalloc_hresult_name(hr));
    if (len < sizeof *rsp)
        return vd_fail(E_FAIL, "ESCAPE %u: short response (%zu bytes)", code, len);
    return S_OK;
}

/* Learn how many command bytes one RENDER may carry from the ring space the firmware
 * reports (the largest seen: the ring's size when the GPU was idle). */
static void learn_ring(vd_device *d)
{
    vd_wire_escape_rsp rsp;
    if (SUCCEEDED(escape(d, VD_ESCAPE_GPU_STATE, 0, 0, &rsp))) {
        vd_wire_gpu_state st;
        memcpy(&st, rsp.value, sizeof st);
        uint32_t cap = st.ring_free - st.ring_free % VIDALLOC_CMD_BYTES;
        if (cap > d->ring_cap)
            d->ring_cap = cap;
    }
    vd_clear_error(); /* best effort: without it only the frame limits a RENDER */
}

/* ------------------------------------------------------------------ contexts */

HRESULT APIENTRY vidalloc_create_context_cb(HANDLE hDevice, D3DDDICB_CREATECONTEXT *pData)
{
    vd_clear_error();
    vd_device *d = gpu_device(hDevice, "pfnCreateContextCb");
    if (!d)
        return vd_last_hr();
    if (!pData)
        return vd_fail(E_INVALIDARG, "pfnCreateContextCb: pData is NULL");
    if (pData->NodeOrdinal != 0 || pData->EngineAffinity > 1)
        return vd_fail(E_INVALIDARG, "pfnCreateContextCb: NodeOrdinal %u / EngineAffinity 0x%x "
                       "(one engine: 0 / 0 or 1)", pData->NodeOrdinal, pData->EngineAffinity);
    if (pData->Flags.Value & D3DDDI_CREATECONTEXTFLAGS_RESERVED)
        return vd_fail(E_INVALIDARG, "pfnCreateContextCb: reserved Flags bits 0x%x",
                       pData->Flags.Value & D3DDDI_CREATECONTEXTFLAGS_RESERVED);
    if (!pData->pPrivateDriverData != !pData->PrivateDriverDataSize)
        return vd_fail(E_INVALIDARG, "pfnCreateContextCb: pPrivateDriverData and "
                       "PrivateDriverDataSize disagree");
    vd_context *c = calloc(1, sizeof *c);
    if (c) {
        c->cmd_size = VIDALLOC_CONTEXT_COMMAND_BYTES;
        c->alloc_size = VIDALLOC_CONTEXT_ALLOCATIONS;
        c->patch_size = VIDALLOC_CONTEXT_PATCHES;
        c->cmd = calloc(c->cmd_size, 1);
        c->alloc = calloc(c->alloc_size, sizeof *c->alloc);
        c->patch = calloc(c->patch_size, sizeof *c->patch);
    }
    if (!c || !c->cmd || !c->alloc || !c->patch) {
        vd_handles_free_context(c);
        return vd_fail(E_OUTOFMEMORY, "pfnCreateContextCb: out of memory");
    }
    c->null_rendering = pData->Flags.NullRendering;
    if (FAILED(vd_handles_add_context(d, c))) {
        vd_handles_free_context(c);
        return vd_last_hr();
    }
    if (!d->ring_cap && !d->c.dead)
        learn_ring(d);
    pData->hContext = c->handle;
    pData->pCommandBuffer = c->cmd;
    pData->CommandBufferSize = c->cmd_size;
    pData->pAllocationList = c->alloc;
    pData->AllocationListSize = c->alloc_size;
    pData->pPatchLocationList = c->patch;
    pData->PatchLocationListSize = c->patch_size;
    pData->CommandBuffer = 0;
    return S_OK;
}

HRESULT APIENTRY vidalloc_destroy_context_cb(HANDLE hDevice, const D3DDDICB_DESTROYCONTEXT *pData)
{
    vd_clear_error();
    vd_device *d = vd_handles_device(hDevice, "pfnDestroyContextCb");
    if (!d)
        return E_INVALIDARG;
    if (!pData)
        return vd_fail(E_INVALIDARG, "pfnDestroyContextCb: pData is NULL");
    if (vd_handles_remove_context(d, pData->hContext))
        return vd_fail(E_INVALIDARG, "pfnDestroyContextCb: hContext %p is not a context of this "
                       "device", pData->hContext);
    return S_OK;
}

/* ------------------------------------------------------------------ render */

static HRESULT resize(void **buf, UINT *size, UINT want, size_t elem)
{
    if (want == *size)
        return S_OK;
    void *n = calloc(want, elem);
    if (!n)
        return vd_fail(E_OUTOFMEMORY, "pfnRenderCb: no memory for a %u-entry buffer", want);
    free(*buf);
    *buf = n;
    *size = want;
    return S_OK;
}

/* One RENDER of a chunk; sets *fence. Ring full: wait for the last fence and send again. */
static HRESULT send_chunk(vd_device *d, const uint8_t *req, size_t len, UINT prev_fence,
                          int have_prev, UINT *fence)
{
    for (int tries = 0;; tries++) {
        vd_wire_render_rsp rsp;
        size_t rlen;
        HRESULT hr = vd_client_call(&d->c, VD_MSG_RENDER, req, len, &rsp, sizeof rsp, &rlen);
        if (FAILED(hr))
            return hr;
        hr = vd_rsp_hr((const uint8_t *)&rsp, rlen);
        if (SUCCEEDED(hr)) {
            if (rlen < sizeof rsp)
                return vd_fail(E_FAIL, "pfnRenderCb: short RENDER response (%zu bytes)", rlen);
            *fence = rsp.fence;
            return S_OK;
        }
        if (hr != D3DERR_WASSTILLDRAWING || !have_prev || tries >= VD_RING_RETRIES)
            return vd_fail(hr, "pfnRenderCb: the firmware returned %s",
                           vidalloc_hresult_name(hr));
        /* The ring is full: let the GPU finish what is queued. */
        HRESULT w = wait_fence(d, prev_fence, VD_RING_WAIT_MS);
        if (FAILED(w))
            return w;
    }
}

HRESULT APIENTRY vidalloc_render_cb(HANDLE hDevice, D3DDDICB_RENDER *pData)
{
    vd_clear_error();
    vd_device *d = gpu_device(hDevice, "pfnRenderCb");
    if (!d)
        return vd_last_hr();
    if (!pData)
        return vd_fail(E_INVALIDARG, "pfnRenderCb: pData is NULL");
    vd_context *c = vd_handles_context(d, pData->hContext);
    if (!c)
        return vd_fail(E_INVALIDARG, "pfnRenderCb: hContext %p is not a context of this device",
                       pData->hContext);
    vd_render_src src = {c->cmd, c->cmd_size, c->alloc, c->alloc_size, c->patch, c->patch_size};
    HRESULT hr = vd_check_render(pData, &src);
    if (FAILED(hr))
        return hr;
    if (!d->hdev)
        return vd_fail(D3DDDIERR_DEVICEREMOVED, "pfnRenderCb: no device (the adapter was "
                       "removed when vidalloc_reopen tried to open one)");
    vd_render_chunk *chunks;
    int n = vd_render_split(pData, &src, d->ring_cap, &chunks);
    if (n < 0)
        return vd_last_hr();
    uint32_t wire_flags = (pData->Flags.Value | (c->null_rendering ? D3DDDICB_RENDERFLAGS_NULLRENDERING : 0u)) &
                          D3DDDICB_RENDERFLAGS_NULLRENDERING;
    uint8_t req[VD_WIRE_MAX_PAYLOAD];
    UINT prev = d->last_fence;
    int have_prev = d->fenced;
    for (int i = 0; i < n && SUCCEEDED(hr); i++) {
        size_t len = vd_encode_render(req, d->hdev, wire_flags, pData, &src, &chunks[i]);
        UINT fence = 0;
        hr = send_chunk(d, req, len, prev, have_prev, &fence);
        if (SUCCEEDED(hr)) {
            /* Even when a later chunk fails, what was queued can be waited for. */
            prev = fence;
            have_prev = 1;
            c->last_fence = d->last_fence = fence;
            c->fenced = d->fenced = 1;
        } else if (i > 0) {
            vd_fail(hr, "pfnRenderCb: RENDER %d of %d failed (%s); the first %d are queued: %s",
                    i + 1, n, vidalloc_hresult_name(hr), i, vidalloc_last_error());
        }
    }
    free(chunks);
    if (FAILED(hr))
        return hr;

    /* As the runtime does: hand the buffers for the next submission back, emptied. */
    UINT f = pData->Flags.Value;
    if (f & D3DDDICB_RENDERFLAGS_RESIZECOMMANDBUFFER)
        hr = resize((void **)&c->cmd, &c->cmd_size, pData->NewCommandBufferSize, 1);
    if (SUCCEEDED(hr) && (f & D3DDDICB_RENDERFLAGS_RESIZEALLOCATIONLIST))
        hr = resize((void **)&c->alloc, &c->alloc_size, pData->NewAllocationListSize,
                    sizeof *c->alloc);
    if (SUCCEEDED(hr) && (f & D3DDDICB_RENDERFLAGS_RESIZEPATCHLOCATIONLIST))
        hr = resize((void **)&c->patch, &c->patch_size, pData->NewPatchLocationListSize,
                    sizeof *c->patch);
    memset(c->cmd, 0, c->cmd_size);
    memset(c->alloc, 0, (size_t)c->alloc_size * sizeof *c->alloc);
    memset(c->patch, 0, (size_t)c->patch_size * sizeof *c->patch);
    pData->pNewCommandBuffer = c->cmd;
    pData->NewCommandBufferSize = c->cmd_size;
    pData->pNewAllocationList = c->alloc;
    pData->NewAllocationListSize = c->alloc_size;
    pData->pNewPatchLocationList = c->patch;
    pData->NewPatchLocationListSize = c->patch_size;
    return hr; /* S_OK, or E_OUTOFMEMORY from a resize (the submission is queued anyway) */
}

/* ------------------------------------------------------------------ fences */

HRESULT vidalloc_last_fence(HANDLE hDevice, HANDLE hContext, UINT *pFence)
{
    vd_clear_error();
    vd_device *d = vd_handles_device(hDevice, "vidalloc_last_fence");
    if (!d)
        return E_INVALIDARG;
    if (!pFence)
        return vd_fail(E_INVALIDARG, "vidalloc_last_fence: pFence is NULL");
    UINT fence = d->last_fence;
    int fenced = d->fenced;
    if (hContext) {
        vd_context *c = vd_handles_context(d, hContext);
        if (!c)
            return vd_fail(E_INVALIDARG, "vidalloc_last_fence: hContext %p is not a context "
                           "of this device", hContext);
        fence = c->last_fence;
        fenced = c->fenced;
    }
    if (!fenced)
        return vd_fail(D3DERR_NOTAVAILABLE, "vidalloc_last_fence: nothing submitted yet");
    *pFence = fence;
    return S_OK;
}

static HRESULT fence_once(vd_device *d, UINT fence, vd_wire_fence_rsp *rsp)
{
    vd_wire_fence_req req = {.hDevice = d->hdev, .fence = fence};
    size_t len;
    memset(rsp, 0, sizeof *rsp);
    HRESULT hr = vd_client_call(&d->c, VD_MSG_FENCE, &req, sizeof req, rsp, sizeof *rsp, &len);
    if (FAILED(hr))
        return hr;
    hr = vd_rsp_hr((const uint8_t *)rsp, len);
    if (hr == S_OK || hr == D3DERR_WASSTILLDRAWING) {
        if (len < sizeof *rsp)
            return vd_fail(E_FAIL, "FENCE: short response (%zu bytes)", len);
        if (hr == D3DERR_WASSTILLDRAWING)
            vd_fail(hr, "fence %u not reached yet (completed %u, submitted %u)", fence,
                    rsp->completed, rsp->submitted);
        return hr;
    }
    return vd_fail(hr, "FENCE %u: %s", fence, vidalloc_hresult_name(hr));
}

HRESULT vidalloc_query_fence(HANDLE hDevice, UINT fence, UINT *pCompleted, UINT *pSubmitted)
{
    vd_clear_error();
    vd_device *d = gpu_device(hDevice, "vidalloc_query_fence");
    if (!d)
        return vd_last_hr();
    if (!d->hdev)
        return vd_fail(D3DDDIERR_DEVICEREMOVED, "vidalloc_query_fence: no device");
    vd_wire_fence_rsp rsp;
    HRESULT hr = fence_once(d, fence, &rsp);
    if (pCompleted)
        *pCompleted = rsp.completed;
    if (pSubmitted)
        *pSubmitted = rsp.submitted;
    return hr;
}

/* Ask FENCE, with a growing pause, until fence completes, fails, or timeout_ms of board
 * time pass (vidalloc_wait_fence; pfnRenderCb when the ring is full). */
static HRESULT wait_fence(vd_device *d, UINT fence, UINT timeout_ms)
{
    if (!d->hdev)
        return vd_fail(D3DDDIERR_DEVICEREMOVED, "vidalloc_wait_fence: no device");
    vd_transport *t = &d->t;
    uint64_t slow = t->slowdown ? t->slowdown : 1u;
    uint64_t start = t->ops->now_us(t);
    uint64_t budget = (uint64_t)timeout_ms * 1000u * slow;
    uint64_t pause = VD_POLL_FIRST_US * slow;
    for (;;) {
        vd_wire_fence_rsp rsp;
        HRESULT hr = fence_once(d, fence, &rsp);
        if (hr != D3DERR_WASSTILLDRAWING)
            return hr;
        uint64_t spent = t->ops->now_us(t) - start;
        if (timeout_ms != VIDALLOC_WAIT_INFINITE && spent >= budget)
            return vd_fail(D3DERR_WASSTILLDRAWING, "vidalloc_wait_fence: fence %u not reached "
                           "after %u ms (completed %u, submitted %u)", fence, timeout_ms,
                           rsp.completed, rsp.submitted);
        uint64_t p = pause;
        if (timeout_ms != VIDALLOC_WAIT_INFINITE && p > budget - spent)
            p = budget - spent;
        if (vd_client_idle(&d->c, p) < 0)
            return vd_fail(D3DDDIERR_DEVICEREMOVED, "vidalloc_wait_fence: the link failed: %s",
                           vidalloc_last_error());
        if (pause < VD_POLL_MAX_US * slow)
            pause *= 2;
        if (pause > VD_POLL_MAX_US * slow)
            pause = VD_POLL_MAX_US * slow;
    }
}

HRESULT vidalloc_wait_fence(HANDLE hDevice, UINT fence, UINT timeout_ms)
{
    vd_clear_error();
    vd_device *d = gpu_device(hDevice, "vidalloc_wait_fence");
    if (!d)
        return vd_last_hr();
    return wait_fence(d, fence, timeout_ms);
}

/* ------------------------------------------------------------------ escapes */

HRESULT vidalloc_escape_set_tdr(HANDLE hDevice, UINT delay_cycles, UINT window_cycles,
                                UINT *pDelay, UINT *pWindow)
{
    vd_clear_error();
    vd_device *d = gpu_device(hDevice, "vidalloc_escape_set_tdr");
    if (!d)
        return vd_last_hr();
    vd_wire_escape_rsp rsp;
    HRESULT hr = escape(d, VD_ESCAPE_SET_TDR, delay_cycles, window_cycles, &rsp);
    if (FAILED(hr))
        return hr;
    vd_client_set_gpu_wait(&d->c, d->info.clk_hz, d->info.vram_size, rsp.value[0]);
    if (pDelay)
        *pDelay = rsp.value[0];
    if (pWindow)
        *pWindow = rsp.value[1];
    return S_OK;
}

HRESULT vidalloc_escape_gpu_state(HANDLE hDevice, vd_wire_gpu_state *state)
{
    vd_clear_error();
    vd_device *d = gpu_device(hDevice, "vidalloc_escape_gpu_state");
    if (!d)
        return vd_last_hr();
    if (!state)
        return vd_fail(E_INVALIDARG, "vidalloc_escape_gpu_state: state is NULL");
    vd_wire_escape_rsp rsp;
    memset(state, 0, sizeof *state);
    HRESULT hr = escape(d, VD_ESCAPE_GPU_STATE, 0, 0, &rsp);
    if (FAILED(hr))
        return hr;
    _Static_assert(sizeof *state <= sizeof rsp.value, "gpu state fits the escape response");
    memcpy(state, rsp.value, sizeof *state);
    uint32_t cap = state->ring_free - state->ring_free % VIDALLOC_CMD_BYTES;
    if (cap > d->ring_cap)
        d->ring_cap = cap;
    return S_OK;
}

/* ------------------------------------------------------------------ test hook */

HRESULT vidalloc_debug_request(HANDLE hDevice, UINT type, const void *req, UINT req_len,
                               void *rsp, UINT cap, UINT *pRspLen)
{
    vd_clear_error();
    vd_device *d = vd_handles_device(hDevice, "vidalloc_debug_request");
    if (!d)
        return E_INVALIDARG;
    if (type > 0x7F || req_len > VD_WIRE_MAX_PAYLOAD || (!req && req_len) || (!rsp && cap))
        return vd_fail(E_INVALIDARG, "vidalloc_debug_request: bad arguments");
    uint8_t buf[VD_WIRE_MAX_PAYLOAD];
    size_t len;
    HRESULT hr = vd_client_call(&d->c, (uint8_t)type, req, req_len, buf, sizeof buf, &len);
    if (pRspLen)
        *pRspLen = FAILED(hr) ? 0 : (UINT)len;
    if (FAILED(hr))
        return hr;
    if (cap)
        memcpy(rsp, buf, len < cap ? len : cap);
    return vd_rsp_hr(buf, len);
}

HRESULT vidalloc_debug_pcie_stats(HANDLE hDevice, vidalloc_pcie_stats *stats)
{
    vd_clear_error();
    vd_device *d = vd_handles_device(hDevice, "vidalloc_debug_pcie_stats");
    if (!d)
        return E_INVALIDARG;
    if (!stats)
        return vd_fail(E_INVALIDARG, "vidalloc_debug_pcie_stats: stats is NULL");
    vd_sim_pcie_stats s;
    if (d->t.ops != &vd_transport_inproc_pcie || vd_pcie_transport_sim_stats(&d->t, &s))
        return vd_fail(E_FAIL, "vidalloc_debug_pcie_stats: only over inproc?link=pcie");
    *stats = (vidalloc_pcie_stats){
        s.mmio_reads, s.mmio_writes, s.mmio_errors, s.mmio_rt_min, s.mmio_rt_max,
        s.mmio_rt_total, s.dma_read_reqs, s.dma_read_bytes, s.dma_write_bytes,
        s.completions, s.ur, s.msi, s.dropped};
    return S_OK;
}
