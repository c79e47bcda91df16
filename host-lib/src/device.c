/*
 * Devices and the D3DDDI callbacks: open (transport, HELLO, OPEN_DEVICE), close,
 * pfnAllocateCb / pfnDeallocateCb / pfnLockCb / pfnUnlockCb, the batch call, queries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vd_host.h"

vd_device *vd_dev_of(HANDLE h)
{
    vd_device *d = h;
    return d && d->magic == VD_DEVICE_MAGIC ? d : NULL;
}

static vd_device *dev_of(HANDLE h) { return vd_dev_of(h); }

/* The device for a call that names the firmware device: NULL after vd_fail when it is not
 * one, or when a failed vidalloc_reopen left it without a firmware device. */
static vd_device *live_dev(HANDLE h, const char *what, HRESULT *hr)
{
    vd_device *d = vd_dev_of(h);
    if (!d) {
        *hr = vd_fail(E_INVALIDARG, "%s: hDevice is not a vidalloc device", what);
        return NULL;
    }
    if (!d->hdev) {
        *hr = vd_fail(D3DDDIERR_DEVICEREMOVED, "%s: no device (the adapter was removed when "
                      "vidalloc_reopen tried to open one)", what);
        return NULL;
    }
    return d;
}

static vd_halloc *find_alloc(vd_device *d, D3DKMT_HANDLE h)
{
    for (size_t i = 0; i < d->nallocs; i++)
        if (d->allocs[i].h == h)
            return &d->allocs[i];
    return NULL;
}

static void drop_alloc(vd_device *d, vd_halloc *a)
{
    free(a->buf);
    free(a->ranges);
    *a = d->allocs[--d->nallocs];
}

static int track_alloc(vd_device *d, D3DKMT_HANDLE h, HANDLE hResource, const void *sysmem)
{
    if (d->nallocs == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        vd_halloc *n = realloc(d->allocs, cap * sizeof *n);
        if (!n)
            return -1;
        d->allocs = n;
        d->cap = cap;
    }
    vd_halloc *a = &d->allocs[d->nallocs++];
    memset(a, 0, sizeof *a);
    a->h = h;
    a->hResource = hResource;
    a->pSystemMem = sysmem;
    return 0;
}

HRESULT vd_rsp_hr(const uint8_t *rsp, size_t len)
{
    return len >= 4 ? (HRESULT)vd_get32(rsp) : E_FAIL;
}

static HRESULT rsp_hr(const uint8_t *rsp, size_t len) { return vd_rsp_hr(rsp, len); }

/* ------------------------------------------------------------------ open / close */

HRESULT vidalloc_open(const char *uri, const vidalloc_open_options *options, HANDLE *phDevice,
                      D3DDDI_DEVICECALLBACKS *pCallbacks)
{
    vd_clear_error();
    if (!phDevice)
        return vd_fail(E_INVALIDARG, "vidalloc_open: phDevice is NULL");
    *phDevice = NULL;
    vd_uri u;
    if (vd_uri_parse(uri, &u))
        return E_INVALIDARG;
    const vd_transport_ops *ops = vd_transport_for(&u);
    if (!ops)
        return E_INVALIDARG;

    vd_device *d = calloc(1, sizeof *d);
    if (!d)
        return vd_fail(E_OUTOFMEMORY, "out of memory");
    d->magic = VD_DEVICE_MAGIC;
    d->t.ops = ops;
    if (ops->open(&d->t, &u)) {
        HRESULT hr = FAILED(vd_last_hr()) ? vd_last_hr() : E_FAIL;
        ops->close(&d->t);
        free(d);
        return hr;
    }
    /* inproc is deterministic: always the same sequence numbers. Elsewhere start at a
     * varying number so a board's replay cache can never match an old session's seq. */
    uint16_t seq0 = 0;
    if (!d->t.cycles)
        seq0 = (uint16_t)(time(NULL) ^ ((uintptr_t)d >> 4));
    vd_client_init(&d->c, &d->t, seq0);
    d->c.verbose = options && (options->flags & VIDALLOC_OPEN_VERBOSE);
    snprintf(d->info.uri, sizeof d->info.uri, "%s", uri);
    snprintf(d->info.transport, sizeof d->info.transport, "%s", ops->name);

    HRESULT hr;
    if (d->t.boots) {
        /* A freshly started board prints its banner, then a 0x00: wait for it. */
        uint64_t ms = options && options->boot_timeout_ms ? options->boot_timeout_ms : 1000;
        if (vd_client_wait_banner(&d->c, ms * 1000u * d->t.slowdown) < 0) {
            hr = vd_fail(E_FAIL, "%s: the board stopped while booting: %s", ops->name,
                         vidalloc_last_error());
            goto fail;
        }
    }
    /* The 0x00 before the first frame ends whatever partial frame the board holds. */
    static const uint8_t zero = 0;
    if (d->t.ops->send(&d->t, &zero, 1) < 0) {
        hr = E_FAIL;
        goto fail;
    }

    vd_wire_hello_req hreq = {.wire_version = VD_WIRE_VERSION};
    vd_wire_hello_rsp hrsp;
    size_t len;
    hr = vd_client_call(&d->c, VD_MSG_HELLO, &hreq, sizeof hreq, &hrsp, sizeof hrsp, &len);
    if (FAILED(hr)) {
        hr = vd_fail(E_FAIL, "%s: no answer to HELLO: %s", uri, vidalloc_last_error());
        goto fail;
    }
    if (len < sizeof hrsp || hrsp.wire_version != VD_WIRE_VERSION || FAILED(hrsp.hr)) {
        hr = vd_fail(E_FAIL, "%s: the firmware speaks wire version %u, host-lib %u", uri,
                     len >= 8 ? hrsp.wire_version : 0, VD_WIRE_VERSION);
        goto fail;
    }
    d->info.wire_version = hrsp.wire_version;
    d->info.max_payload = hrsp.max_payload;
    d->info.window = hrsp.window;
    d->info.soc_id = hrsp.soc_id;
    d->info.soc_version = hrsp.soc_version;
    d->info.clk_hz = hrsp.clk_hz;
    d->info.vram_size = hrsp.vram_size;
    memcpy(d->info.fw_version, hrsp.fw_version, sizeof d->info.fw_version);
    d->info.fw_version[sizeof d->info.fw_version - 1] = '\0';
    d->info.max_allocations_per_call = vidalloc_max_allocations_per_call();
    d->info.baud = d->t.baud;
    if (hrsp.window >= 1 && hrsp.window < d->c.window)
        d->c.window = hrsp.window;
    vd_device_set_gpu_wait(d, 0);

    vd_wire_open_device_rsp orsp;
    hr = vd_client_call(&d->c, VD_MSG_OPEN_DEVICE, NULL, 0, &orsp, sizeof orsp, &len);
    if (SUCCEEDED(hr))
        hr = rsp_hr((const uint8_t *)&orsp, len);
    if (FAILED(hr)) {
        vd_fail(hr, "%s: OPEN_DEVICE failed", uri);
        goto fail;
    }
    d->hdev = orsp.hDevice;
    d->info.hDevice = orsp.hDevice;

    *phDevice = d;
    if (pCallbacks) {
        pCallbacks->pfnAllocateCb = vidalloc_allocate_cb;
        pCallbacks->pfnDeallocateCb = vidalloc_deallocate_cb;
        pCallbacks->pfnRenderCb = vidalloc_render_cb;
        pCallbacks->pfnLockCb = vidalloc_lock_cb;
        pCallbacks->pfnUnlockCb = vidalloc_unlock_cb;
        pCallbacks->pfnCreateContextCb = vidalloc_create_context_cb;
        pCallbacks->pfnDestroyContextCb = vidalloc_destroy_context_cb;
    }
    return S_OK;

fail:
    d->t.ops->close(&d->t);
    d->magic = 0;
    free(d);
    return hr;
}

/* CLOSE_DEVICE (when there is a firmware device and a link), then forget everything the
 * host kept for the device: allocations, lock buffers, contexts, fences. */
static HRESULT close_device(vd_device *d)
{
    HRESULT hr = S_OK;
    if (d->hdev && !d->c.dead) {
        vd_wire_device_req req = {.hDevice = d->hdev};
        vd_wire_status_rsp rsp;
        size_t len;
        hr = vd_client_call(&d->c, VD_MSG_CLOSE_DEVICE, &req, sizeof req, &rsp, sizeof rsp, &len);
        if (SUCCEEDED(hr))
            hr = rsp_hr((const uint8_t *)&rsp, len);
        if (FAILED(hr))
            vd_fail(hr, "CLOSE_DEVICE: %s", vidalloc_hresult_name(hr));
    }
    while (d->nallocs)
        drop_alloc(d, &d->allocs[0]);
    vd_free_contexts(d);
    d->hdev = 0;
    d->info.hDevice = 0;
    d->fenced = 0;
    d->last_fence = 0;
    return hr;
}

HRESULT vidalloc_close(HANDLE hDevice)
{
    vd_clear_error();
    vd_device *d = dev_of(hDevice);
    if (!d)
        return vd_fail(E_INVALIDARG, "vidalloc_close: not a device handle");
    HRESULT hr = close_device(d);
    d->t.ops->close(&d->t);
    free(d->allocs);
    d->magic = 0;
    free(d);
    return hr;
}

HRESULT vidalloc_reopen(HANDLE hDevice)
{
    vd_clear_error();
    vd_device *d = dev_of(hDevice);
    if (!d)
        return vd_fail(E_INVALIDARG, "vidalloc_reopen: not a device handle");
    if (d->c.dead)
        return vd_fail(D3DDDIERR_DEVICEREMOVED, "vidalloc_reopen: the link to the board is lost");
    HRESULT closed = close_device(d);
    vd_wire_open_device_rsp orsp;
    size_t len;
    HRESULT hr = vd_client_call(&d->c, VD_MSG_OPEN_DEVICE, NULL, 0, &orsp, sizeof orsp, &len);
    if (SUCCEEDED(hr))
        hr = rsp_hr((const uint8_t *)&orsp, len);
    if (SUCCEEDED(hr) && (len < sizeof orsp || !orsp.hDevice))
        hr = E_FAIL;
    if (FAILED(hr))
        return vd_fail(hr, "vidalloc_reopen: OPEN_DEVICE: %s%s", vidalloc_hresult_name(hr),
                       hr == D3DDDIERR_DEVICEREMOVED ? " (the adapter is removed until the "
                       "board is reset)" : "");
    d->hdev = orsp.hDevice;
    d->info.hDevice = orsp.hDevice;
    (void)closed; /* the old device is gone either way; the new one is what counts */
    return S_OK;
}

void vd_device_set_gpu_wait(vd_device *d, uint32_t tdr_delay_cycles)
{
    /* The firmware waits at most about 2 TdrDelay + 4 cycles per VRAM byte (its backstop)
     * for a submission before it recovers; then the request is answered. Plus a second. */
    uint64_t clk = d->info.clk_hz ? d->info.clk_hz : 12000000u;
    uint64_t delay = tdr_delay_cycles ? tdr_delay_cycles : (uint64_t)VD_TDR_DELAY_SECONDS * clk;
    uint64_t cycles = 2u * delay + 4u * (uint64_t)d->info.vram_size;
    uint64_t us = cycles * 1000000u / clk + 1000000u;
    d->c.gpu_wait_us = us * (d->t.slowdown ? d->t.slowdown : 1u);
}

HRESULT vidalloc_get_info(HANDLE hDevice, vidalloc_info *info)
{
    vd_device *d = dev_of(hDevice);
    if (!d || !info)
        return vd_fail(E_INVALIDARG, "vidalloc_get_info: bad device or NULL info");
    *info = d->info;
    info->frames_sent = d->c.frames_sent;
    info->frames_received = d->c.frames_received;
    info->retransmissions = d->c.retransmissions;
    info->bytes_sent = d->c.bytes_sent;
    info->bytes_received = d->c.bytes_received;
    info->frames_dropped = d->c.dec.dropped;
    info->sim_cycles = d->t.cycles ? d->t.cycles(&d->t) : 0;
    return S_OK;
}

HRESULT vidalloc_debug_fault(HANDLE hDevice, enum vidalloc_fault fault, UINT nth)
{
    vd_device *d = dev_of(hDevice);
    if (!d || fault > VIDALLOC_FAULT_CORRUPT_RX)
        return vd_fail(E_INVALIDARG, "vidalloc_debug_fault: bad device or fault");
    d->c.fault = (int)fault;
    d->c.fault_at_tx = d->c.frames_sent + nth;
    d->c.fault_at_rx = d->c.rx_frames_raw + nth;
    return S_OK;
}

/* ------------------------------------------------------------------ allocate */

typedef struct alloc_batch {
    vd_device *d;
    D3DDDICB_ALLOCATE *calls;
    HRESULT *results;
    unsigned *order;         /* indices of the calls that passed validation */
} alloc_batch;

static size_t alloc_build(void *ctx, unsigned i, uint8_t *payload)
{
    alloc_batch *b = ctx;
    return vd_encode_allocate(payload, b->d->hdev, &b->calls[b->order[i]]);
}

static int alloc_done(void *ctx, unsigned i, const uint8_t *rsp, size_t len)
{
    alloc_batch *b = ctx;
    D3DDDICB_ALLOCATE *p = &b->calls[b->order[i]];
    HRESULT hr = rsp_hr(rsp, len);
    if (SUCCEEDED(hr)) {
        vd_wire_allocate_rsp r;
        if (len < sizeof r + (size_t)p->NumAllocations * 4u) {
            hr = vd_fail(E_FAIL, "pfnAllocateCb: short response (%zu bytes)", len);
        } else {
            memcpy(&r, rsp, sizeof r);
            p->hKMResource = p->hResource ? r.hKMResource : 0;
            for (UINT k = 0; k < p->NumAllocations; k++) {
                D3DDDI_ALLOCATIONINFO *a = &p->pAllocationInfo[k];
                a->hAllocation = vd_get32(rsp + sizeof r + 4u * k);
                if (track_alloc(b->d, a->hAllocation, p->hResource, a->pSystemMem))
                    hr = E_OUTOFMEMORY; /* host bookkeeping only; the allocation exists */
            }
        }
    } else {
        vd_fail(hr, "pfnAllocateCb: the firmware returned %s", vidalloc_hresult_name(hr));
    }
    if (b->results)
        b->results[b->order[i]] = hr;
    return 0;
}

HRESULT vidalloc_allocate_batch(HANDLE hDevice, D3DDDICB_ALLOCATE *calls, UINT count,
                                HRESULT *results)
{
    HRESULT dhr;
    vd_device *d = live_dev(hDevice, "pfnAllocateCb", &dhr);
    if (!d)
        return dhr;
    if (!calls && count)
        return vd_fail(E_INVALIDARG, "vidalloc_allocate_batch: calls is NULL");
    HRESULT local = S_OK;
    HRESULT *res = results;
    unsigned *order = malloc((count ? count : 1) * sizeof *order);
    HRESULT *tmp = results ? NULL : malloc((count ? count : 1) * sizeof *tmp);
    if (!order || (!results && !tmp)) {
        free(order);
        free(tmp);
        return vd_fail(E_OUTOFMEMORY, "out of memory");
    }
    if (!res)
        res = tmp;
    unsigned n = 0;
    for (UINT i = 0; i < count; i++) {
        res[i] = vd_check_allocate(&calls[i], vidalloc_max_allocations_per_call(), NULL);
        if (SUCCEEDED(res[i]))
            order[n++] = i;
    }
    alloc_batch b = {d, calls, res, order};
    HRESULT link = n ? vd_client_run(&d->c, VD_MSG_ALLOCATE, n, alloc_build, alloc_done, &b) : S_OK;
    if (FAILED(link)) {
        for (UINT i = 0; i < count; i++)
            if (SUCCEEDED(res[i]))
                res[i] = link; /* not answered (maybe answered: see docs) */
    }
    for (UINT i = 0; i < count && SUCCEEDED(local); i++)
        local = res[i];
    free(order);
    free(tmp);
    return local;
}

HRESULT APIENTRY vidalloc_allocate_cb(HANDLE hDevice, D3DDDICB_ALLOCATE *pData)
{
    vd_clear_error();
    HRESULT dhr;
    if (!live_dev(hDevice, "pfnAllocateCb", &dhr))
        return dhr;
    if (!pData)
        return vd_fail(E_INVALIDARG, "pfnAllocateCb: pData is NULL");
    HRESULT hr = S_OK;
    HRESULT batch = vidalloc_allocate_batch(hDevice, pData, 1, &hr);
    return FAILED(batch) ? batch : hr;
}

/* ------------------------------------------------------------------ deallocate */

HRESULT APIENTRY vidalloc_deallocate_cb(HANDLE hDevice, const D3DDDICB_DEALLOCATE *pData)
{
    vd_clear_error();
    HRESULT dhr;
    vd_device *d = live_dev(hDevice, "pfnDeallocateCb", &dhr);
    if (!d)
        return dhr;
    size_t len;
    HRESULT hr = vd_check_deallocate(pData, &len);
    if (FAILED(hr))
        return hr;
    uint8_t req[VD_WIRE_MAX_PAYLOAD];
    UINT n = pData->hResource ? 0 : pData->NumAllocations;
    vd_wire_deallocate_req r = {
        .hDevice = d->hdev,
        .NumAllocations = n,
        .hResource = (uint64_t)(uintptr_t)pData->hResource,
    };
    memcpy(req, &r, sizeof r);
    if (n)
        memcpy(req + sizeof r, pData->HandleList, (size_t)n * 4u);
    vd_wire_status_rsp rsp;
    size_t rlen;
    hr = vd_client_call(&d->c, VD_MSG_DEALLOCATE, req, len, &rsp, sizeof rsp, &rlen);
    if (SUCCEEDED(hr))
        hr = rsp_hr((const uint8_t *)&rsp, rlen);
    if (FAILED(hr))
        return vd_fail(hr, "pfnDeallocateCb: %s", vidalloc_hresult_name(hr));
    if (pData->hResource) {
        for (size_t i = 0; i < d->nallocs;)
            if (d->allocs[i].hResource == pData->hResource)
                drop_alloc(d, &d->allocs[i]);
            else
                i++;
    } else {
        for (UINT i = 0; i < n; i++) {
            vd_halloc *a = find_alloc(d, pData->HandleList[i]);
            if (a)
                drop_alloc(d, a);
        }
    }
    return S_OK;
}

/* ------------------------------------------------------------------ lock / unlock */

typedef struct rw_batch {
    vd_device *d;
    D3DKMT_HANDLE h;
    uint8_t *buf;
    vd_range *chunks;
    int write;
    HRESULT hr;
} rw_batch;

static size_t rw_build(void *ctx, unsigned i, uint8_t *payload)
{
    rw_batch *b = ctx;
    vd_wire_rw_req r = {
        .hDevice = b->d->hdev,
        .hAllocation = b->h,
        .offset = b->chunks[i].offset,
        .length = b->chunks[i].length,
    };
    memcpy(payload, &r, sizeof r);
    if (!b->write)
        return sizeof r;
    memcpy(payload + sizeof r, b->buf + r.offset, r.length);
    memset(payload + sizeof r + r.length, 0, VD_WIRE_PAD4(r.length) - r.length);
    return sizeof r + VD_WIRE_PAD4(r.length);
}

static int rw_done(void *ctx, unsigned i, const uint8_t *rsp, size_t len)
{
    rw_batch *b = ctx;
    HRESULT hr = rsp_hr(rsp, len);
    if (SUCCEEDED(hr) && !b->write) {
        vd_wire_read_rsp r;
        if (len < sizeof r) {
            hr = E_FAIL;
        } else {
            memcpy(&r, rsp, sizeof r);
            if (r.length != b->chunks[i].length || len < sizeof r + r.length)
                hr = vd_fail(E_FAIL, "READ: %u bytes answered, %u asked", r.length,
                             b->chunks[i].length);
            else
                memcpy(b->buf + b->chunks[i].offset, rsp + sizeof r, r.length);
        }
    }
    if (FAILED(hr)) {
        b->hr = hr;
        return 1;
    }
    return 0;
}

/* Move the ranges between the host buffer and the board in READ/WRITE chunks, pipelined. */
static HRESULT transfer(vd_device *d, D3DKMT_HANDLE h, uint8_t *buf, const vd_range *ranges,
                        int nranges, int write)
{
    size_t nchunks = 0;
    for (int i = 0; i < nranges; i++)
        nchunks += (ranges[i].length + VD_WIRE_MAX_CHUNK - 1) / VD_WIRE_MAX_CHUNK;
    if (!nchunks)
        return S_OK;
    vd_range *chunks = malloc(nchunks * sizeof *chunks);
    if (!chunks)
        return vd_fail(E_OUTOFMEMORY, "out of memory");
    size_t k = 0;
    for (int i = 0; i < nranges; i++) {
        for (uint32_t off = 0; off < ranges[i].length; off += VD_WIRE_MAX_CHUNK) {
            uint32_t left = ranges[i].length - off;
            chunks[k].offset = ranges[i].offset + off;
            chunks[k].length = left < VD_WIRE_MAX_CHUNK ? left : VD_WIRE_MAX_CHUNK;
            k++;
        }
    }
    rw_batch b = {d, h, buf, chunks, write, S_OK};
    HRESULT hr = vd_client_run(&d->c, write ? VD_MSG_WRITE : VD_MSG_READ, (unsigned)nchunks,
                               rw_build, rw_done, &b);
    free(chunks);
    return FAILED(hr) ? hr : b.hr;
}

static HRESULT send_unlock(vd_device *d, D3DKMT_HANDLE h)
{
    vd_wire_lock_req req = {.hDevice = d->hdev, .hAllocation = h};
    vd_wire_status_rsp rsp;
    size_t len;
    HRESULT hr = vd_client_call(&d->c, VD_MSG_UNLOCK, &req, sizeof req, &rsp, sizeof rsp, &len);
    return FAILED(hr) ? hr : rsp_hr((const uint8_t *)&rsp, len);
}

HRESULT APIENTRY vidalloc_lock_cb(HANDLE hDevice, D3DDDICB_LOCK *pData)
{
    vd_clear_error();
    HRESULT dhr;
    vd_device *d = live_dev(hDevice, "pfnLockCb", &dhr);
    if (!d)
        return dhr;
    HRESULT hr = vd_check_lock(pData);
    if (FAILED(hr))
        return hr;
    vd_halloc *a = find_alloc(d, pData->hAllocation);
    if (a && a->locked)
        return vd_fail(E_INVALIDARG, "pfnLockCb: 0x%08x is already locked", pData->hAllocation);

    vd_wire_lock_req req = {
        .hDevice = d->hdev, .hAllocation = pData->hAllocation, .Flags = pData->Flags.Value};
    vd_wire_lock_rsp rsp;
    size_t len;
    hr = vd_client_call(&d->c, VD_MSG_LOCK, &req, sizeof req, &rsp, sizeof rsp, &len);
    if (SUCCEEDED(hr))
        hr = rsp_hr((const uint8_t *)&rsp, len);
    if (FAILED(hr))
        return vd_fail(hr, "pfnLockCb: the firmware returned %s", vidalloc_hresult_name(hr));
    if (len < sizeof rsp) {
        send_unlock(d, pData->hAllocation);
        return vd_fail(E_FAIL, "pfnLockCb: short LOCK response");
    }
    if (!a) {
        /* Not created through this device handle in this process (e.g. a handle the
         * firmware knows from elsewhere): track it for the lock. */
        if (track_alloc(d, pData->hAllocation, NULL, NULL)) {
            send_unlock(d, pData->hAllocation);
            return vd_fail(E_OUTOFMEMORY, "out of memory");
        }
        a = find_alloc(d, pData->hAllocation);
    }
    vd_range *ranges = malloc((pData->NumPages ? pData->NumPages : 1) * sizeof *ranges);
    if (!ranges) {
        send_unlock(d, pData->hAllocation);
        return vd_fail(E_OUTOFMEMORY, "out of memory");
    }
    int nranges = vd_lock_ranges(rsp.size, pData->NumPages, pData->pPages, ranges);
    if (nranges < 0) {
        free(ranges);
        send_unlock(d, pData->hAllocation);
        return vd_fail(E_INVALIDARG, "pfnLockCb: a page of pPages lies beyond the allocation "
                       "(%u bytes = %u pages)", rsp.size,
                       (rsp.size + D3DDDI_LOCK_PAGE_SIZE - 1) / D3DDDI_LOCK_PAGE_SIZE);
    }
    UINT f = pData->Flags.Value;
    if (a->pSystemMem) {
        /* Runtime system memory: the host already holds the contents. */
        free(ranges);
        a->locked = 1;
        a->lock_flags = f;
        pData->pData = (void *)(uintptr_t)a->pSystemMem;
        return S_OK;
    }
    uint8_t *buf = calloc(rsp.size ? rsp.size : 1, 1);
    if (!buf) {
        free(ranges);
        send_unlock(d, pData->hAllocation);
        return vd_fail(E_OUTOFMEMORY, "pfnLockCb: no host memory for %u bytes", rsp.size);
    }
    if (!(f & (D3DDDILOCK_WRITEONLY | D3DDDILOCK_DISCARD))) {
        hr = transfer(d, pData->hAllocation, buf, ranges, nranges, 0);
        if (FAILED(hr)) {
            free(buf);
            free(ranges);
            send_unlock(d, pData->hAllocation);
            return vd_fail(hr, "pfnLockCb: reading the contents failed: %s",
                           vidalloc_hresult_name(hr));
        }
    }
    a->locked = 1;
    a->lock_flags = f;
    a->buf = buf;
    a->ranges = ranges;
    a->nranges = nranges;
    pData->pData = buf;
    return S_OK;
}

HRESULT APIENTRY vidalloc_unlock_cb(HANDLE hDevice, const D3DDDICB_UNLOCK *pData)
{
    vd_clear_error();
    HRESULT dhr;
    vd_device *d = live_dev(hDevice, "pfnUnlockCb", &dhr);
    if (!d)
        return dhr;
    HRESULT hr = vd_check_unlock(pData);
    if (FAILED(hr))
        return hr;
    for (UINT i = 0; i < pData->NumAllocations; i++) {
        vd_halloc *a = find_alloc(d, pData->phAllocations[i]);
        if (!a || !a->locked)
            return vd_fail(E_INVALIDARG, "pfnUnlockCb: 0x%08x is not locked",
                           pData->phAllocations[i]);
    }
    HRESULT first = S_OK;
    for (UINT i = 0; i < pData->NumAllocations; i++) {
        vd_halloc *a = find_alloc(d, pData->phAllocations[i]);
        if (!a || !a->locked)
            continue; /* listed twice */
        hr = S_OK;
        if (a->buf && !(a->lock_flags & D3DDDILOCK_READONLY))
            hr = transfer(d, a->h, a->buf, a->ranges, a->nranges, 1);
        HRESULT u = send_unlock(d, a->h);
        if (SUCCEEDED(hr))
            hr = u;
        free(a->buf);
        free(a->ranges);
        a->buf = NULL;
        a->ranges = NULL;
        a->locked = 0;
        if (FAILED(hr) && SUCCEEDED(first))
            first = vd_fail(hr, "pfnUnlockCb: 0x%08x: %s", a->h, vidalloc_hresult_name(hr));
    }
    return first;
}

/* ------------------------------------------------------------------ queries */

static HRESULT query(vd_device *d, uint32_t what, uint32_t handle, uint32_t arg, uint32_t *value,
                     void *data, uint32_t cap, uint32_t *data_len)
{
    vd_wire_query_req req = {.what = what, .handle = handle, .arg = arg};
    uint8_t rsp[VD_WIRE_MAX_PAYLOAD];
    size_t len;
    HRESULT hr = vd_client_call(&d->c, VD_MSG_QUERY, &req, sizeof req, rsp, sizeof rsp, &len);
    if (FAILED(hr))
        return hr;
    hr = rsp_hr(rsp, len);
    if (FAILED(hr))
        return vd_fail(hr, "QUERY %u of 0x%08x: %s", what, handle, vidalloc_hresult_name(hr));
    vd_wire_query_rsp r;
    if (len < sizeof r)
        return vd_fail(E_FAIL, "QUERY: short response");
    memcpy(&r, rsp, sizeof r);
    if (r.length > len - sizeof r)
        return vd_fail(E_FAIL, "QUERY: response data cut short");
    if (value)
        *value = r.value;
    if (data_len)
        *data_len = r.length;
    if (data)
        memcpy(data, rsp + sizeof r, r.length < cap ? r.length : cap);
    return S_OK;
}

HRESULT vidalloc_query_handle_data(HANDLE hDevice, D3DKMT_HANDLE handle, UINT type, void *buf,
                                   UINT cap, UINT *pSize)
{
    vd_device *d = dev_of(hDevice);
    if (!d || (!buf && cap))
        return vd_fail(E_INVALIDARG, "vidalloc_query_handle_data: bad arguments");
    uint32_t n = 0;
    HRESULT hr = query(d, VD_QUERY_HANDLE_DATA, handle, type, NULL, buf, cap, &n);
    if (pSize)
        *pSize = n;
    return hr;
}

HRESULT vidalloc_query_child(HANDLE hDevice, D3DKMT_HANDLE hResource, UINT index,
                             D3DKMT_HANDLE *phChild)
{
    vd_device *d = dev_of(hDevice);
    if (!d || !phChild)
        return vd_fail(E_INVALIDARG, "vidalloc_query_child: bad arguments");
    return query(d, VD_QUERY_CHILD, hResource, index, phChild, NULL, 0, NULL);
}

HRESULT vidalloc_query_parent(HANDLE hDevice, D3DKMT_HANDLE hAllocation, D3DKMT_HANDLE *phParent)
{
    vd_device *d = dev_of(hDevice);
    if (!d || !phParent)
        return vd_fail(E_INVALIDARG, "vidalloc_query_parent: bad arguments");
    return query(d, VD_QUERY_PARENT, hAllocation, 0, phParent, NULL, 0, NULL);
}

/* A query whose answer is one fixed struct (zeroed first, so a short answer leaves 0s). */
static HRESULT query_struct(HANDLE hDevice, const char *fn, uint32_t what, uint32_t handle,
                            void *out, size_t size)
{
    vd_device *d = dev_of(hDevice);
    if (!d || !out)
        return vd_fail(E_INVALIDARG, "%s: bad arguments", fn);
    memset(out, 0, size);
    return query(d, what, handle, 0, NULL, out, (uint32_t)size, NULL);
}

HRESULT vidalloc_query_allocation(HANDLE hDevice, D3DKMT_HANDLE hAllocation,
                                  vd_wire_allocation_info *info)
{
    return query_struct(hDevice, __func__, VD_QUERY_ALLOCATION, hAllocation, info,
                        sizeof *info);
}

HRESULT vidalloc_query_segment_stats(HANDLE hDevice, vd_wire_segment_stats *stats)
{
    return query_struct(hDevice, __func__, VD_QUERY_SEGMENT_STATS, 0, stats,
                        sizeof *stats);
}

HRESULT vidalloc_describe_allocation(HANDLE hDevice, D3DKMT_HANDLE hAllocation,
                                     vd_wire_describe *desc)
{
    return query_struct(hDevice, __func__, VD_QUERY_DESCRIBE, hAllocation, desc,
                        sizeof *desc);
}

HRESULT vidalloc_query_memctl_stats(HANDLE hDevice, vd_wire_memctl_stats *stats)
{
    return query_struct(hDevice, __func__, VD_QUERY_MEMCTL_STATS, 0, stats,
                        sizeof *stats);
}

HRESULT vidalloc_query_fw_stats(HANDLE hDevice, vd_wire_fw_stats *stats)
{
    return query_struct(hDevice, __func__, VD_QUERY_FW_STATS, 0, stats,
                        sizeof *stats);
}
