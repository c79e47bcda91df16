/*
 * The allocation callbacks, whole: pfnAllocateCb and vidalloc_allocate_batch (validation
 * against the open device's limits, the ALLOCATE encoding, pipelined requests, the handles
 * tracked), pfnDeallocateCb (DEALLOCATE), pfnLockCb / pfnUnlockCb (LOCK, UNLOCK, the
 * pipelined READ/WRITE transfers of the locked range, or DMA_READ/DMA_WRITE through the
 * bounce area on a link with device DMA, lock page math). Each call finds its
 * device in the registry (handles.c) and talks through the protocol client (client.c);
 * nothing else is on its way. Host-side validation happens before anything is sent.
 */
#include <stdlib.h>
#include <string.h>

#include "vd_host.h"

/* ------------------------------------------------------------------ tracked allocations */


/* A call failed: the link's failure keeps its sentence ("link lost: ...", "board reset:
 * ..."), the firmware's answer is named as the firmware's, so the two recoveries (resume or
 * reopen) are told apart. */
static HRESULT call_failed(const char *fn, HRESULT link, HRESULT hr)
{
    if (FAILED(link))
        return vd_fail(hr, "%s: %s", fn, vidalloc_last_error());
    return vd_fail(hr, "%s: the firmware returned %s%s", fn, vidalloc_hresult_name(hr),
                   hr == D3DDDIERR_DEVICEREMOVED ? " (the firmware removed the device: "
                                                   "vidalloc_reopen)" : "");
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

void vd_alloc_forget_all(vd_device *d)
{
    while (d->nallocs)
        drop_alloc(d, &d->allocs[0]);
    free(d->allocs);
    d->allocs = NULL;
    d->cap = 0;
}

/* ------------------------------------------------------------------ validation, encoding */

/* The NumAllocations limit of the firmware built from this tree (spec/soc.toml [kernel]):
 * what an open device uses when its board's HELLO does not say (a firmware from before the
 * limits were reported). An open device checks against vidalloc_info's, the board's own. */
UINT vidalloc_max_allocations_per_call(void) { return VD_KERNEL_MAX_ALLOCS_PER_CALL; }

/* VD_WIRE_PAD4 masks with a 32-bit ~3u: it would wrap for sizes near 4 GiB. */
static uint64_t pad4_64(uint64_t n) { return (n + 3u) & ~(uint64_t)3u; }

HRESULT vd_check_allocate(const D3DDDICB_ALLOCATE *p, uint32_t max_allocs, size_t *payload_len)
{
    if (!p)
        return vd_fail(E_INVALIDARG, "pfnAllocateCb: pData is NULL");
    if (p->NumAllocations == 0 || p->NumAllocations > max_allocs)
        return vd_fail(E_INVALIDARG, "pfnAllocateCb: NumAllocations %u not in 1..%u",
                       p->NumAllocations, max_allocs);
    if (!p->pAllocationInfo)
        return vd_fail(E_INVALIDARG, "pfnAllocateCb: pAllocationInfo is NULL");
    if (!p->pPrivateDriverData != !p->PrivateDriverDataSize)
        return vd_fail(E_INVALIDARG,
                       "pfnAllocateCb: pPrivateDriverData and PrivateDriverDataSize disagree");
    uint64_t len = sizeof(vd_wire_allocate_req) + pad4_64(p->PrivateDriverDataSize);
    for (UINT i = 0; i < p->NumAllocations; i++) {
        const D3DDDI_ALLOCATIONINFO *a = &p->pAllocationInfo[i];
        if (!a->pPrivateDriverData != !a->PrivateDriverDataSize)
            return vd_fail(E_INVALIDARG,
                           "pfnAllocateCb: allocation %u: pPrivateDriverData and "
                           "PrivateDriverDataSize disagree", i);
        if (a->Flags.Value & D3DDDI_ALLOCATIONINFOFLAGS_RESERVED)
            return vd_fail(E_INVALIDARG, "pfnAllocateCb: allocation %u: reserved Flags bits 0x%x",
                           i, a->Flags.Value & D3DDDI_ALLOCATIONINFOFLAGS_RESERVED);
        if (a->Flags.Stereo && !a->Flags.Primary)
            return vd_fail(E_INVALIDARG, "pfnAllocateCb: allocation %u: Stereo without Primary", i);
        len += sizeof(vd_wire_allocinfo) + pad4_64(a->PrivateDriverDataSize);
    }
    if (len > VD_WIRE_MAX_PAYLOAD)
        return vd_fail(E_INVALIDARG, "pfnAllocateCb: request of %llu bytes exceeds the wire's %u",
                       (unsigned long long)len, VD_WIRE_MAX_PAYLOAD);
    if (payload_len)
        *payload_len = (size_t)len;
    return S_OK;
}

static uint8_t *put_data(uint8_t *o, const void *data, uint32_t len)
{
    if (len)
        memcpy(o, data, len);
    memset(o + len, 0, VD_WIRE_PAD4(len) - len);
    return o + VD_WIRE_PAD4(len);
}

size_t vd_encode_allocate(uint8_t *buf, uint32_t hDevice, const D3DDDICB_ALLOCATE *p,
                          const vd_sysmem *sysmem)
{
    vd_wire_allocate_req req = {
        .hDevice = hDevice,
        .NumAllocations = p->NumAllocations,
        .hResource = (uint64_t)(uintptr_t)p->hResource,
        .PrivateDriverDataSize = p->PrivateDriverDataSize,
    };
    uint8_t *o = buf;
    memcpy(o, &req, sizeof req);
    o = put_data(o + sizeof req, p->pPrivateDriverData, p->PrivateDriverDataSize);
    for (UINT i = 0; i < p->NumAllocations; i++) {
        const D3DDDI_ALLOCATIONINFO *a = &p->pAllocationInfo[i];
        vd_wire_allocinfo ai = {
            .pSystemMem = (uint64_t)(uintptr_t)a->pSystemMem,
            .VidPnSourceId = a->VidPnSourceId,
            .Flags = a->Flags.Value,
            .PrivateDriverDataSize = a->PrivateDriverDataSize,
            .SystemMemBus = vd_sysmem_bus(sysmem, a->pSystemMem),
        };
        memcpy(o, &ai, sizeof ai);
        o = put_data(o + sizeof ai, a->pPrivateDriverData, a->PrivateDriverDataSize);
    }
    return (size_t)(o - buf);
}

HRESULT vd_check_deallocate(const D3DDDICB_DEALLOCATE *p, size_t *payload_len)
{
    if (!p)
        return vd_fail(E_INVALIDARG, "pfnDeallocateCb: pData is NULL");
    UINT n = p->hResource ? 0 : p->NumAllocations;
    if (!p->hResource) {
        if (n == 0)
            return vd_fail(E_INVALIDARG, "pfnDeallocateCb: no hResource and NumAllocations 0");
        if (!p->HandleList)
            return vd_fail(E_INVALIDARG, "pfnDeallocateCb: HandleList is NULL");
        if ((uint64_t)n * 4u + sizeof(vd_wire_deallocate_req) > VD_WIRE_MAX_PAYLOAD)
            return vd_fail(E_INVALIDARG, "pfnDeallocateCb: %u handles exceed the wire's payload", n);
        for (UINT i = 0; i < n; i++)
            if (!p->HandleList[i])
                return vd_fail(E_INVALIDARG, "pfnDeallocateCb: HandleList[%u] is 0", i);
    }
    if (payload_len)
        *payload_len = sizeof(vd_wire_deallocate_req) + (size_t)n * 4u;
    return S_OK;
}

HRESULT vd_check_lock(const D3DDDICB_LOCK *p)
{
    if (!p)
        return vd_fail(E_INVALIDARG, "pfnLockCb: pData is NULL");
    if (!p->hAllocation)
        return vd_fail(E_INVALIDARG, "pfnLockCb: hAllocation is 0");
    UINT f = p->Flags.Value;
    if (f & D3DDDILOCK_RESERVED)
        return vd_fail(E_INVALIDARG, "pfnLockCb: reserved Flags bits 0x%x", f & D3DDDILOCK_RESERVED);
    if ((f & D3DDDILOCK_READONLY) && (f & D3DDDILOCK_WRITEONLY))
        return vd_fail(E_INVALIDARG, "pfnLockCb: ReadOnly together with WriteOnly");
    if ((f & D3DDDILOCK_LOCKENTIRE) && p->NumPages)
        return vd_fail(E_INVALIDARG, "pfnLockCb: LockEntire with NumPages %u (must be 0)",
                       p->NumPages);
    if (p->NumPages && !p->pPages)
        return vd_fail(E_INVALIDARG, "pfnLockCb: NumPages %u with pPages NULL", p->NumPages);
    return S_OK;
}

HRESULT vd_check_unlock(const D3DDDICB_UNLOCK *p)
{
    if (!p)
        return vd_fail(E_INVALIDARG, "pfnUnlockCb: pData is NULL");
    if (p->NumAllocations == 0)
        return vd_fail(E_INVALIDARG, "pfnUnlockCb: NumAllocations is 0");
    if (!p->phAllocations)
        return vd_fail(E_INVALIDARG, "pfnUnlockCb: phAllocations is NULL");
    return S_OK;
}

static int cmp_uint(const void *a, const void *b)
{
    UINT x = *(const UINT *)a, y = *(const UINT *)b;
    return x < y ? -1 : x > y;
}

int vd_lock_ranges(uint32_t size, UINT num_pages, const UINT *pages, vd_range *out)
{
    if (num_pages == 0) {
        out[0].offset = 0;
        out[0].length = size;
        return size ? 1 : 0;
    }
    uint32_t total = (uint32_t)(((uint64_t)size + D3DDDI_LOCK_PAGE_SIZE - 1) / D3DDDI_LOCK_PAGE_SIZE);
    UINT *sorted = malloc((size_t)num_pages * sizeof *sorted);
    if (!sorted)
        return -1;
    memcpy(sorted, pages, (size_t)num_pages * sizeof *sorted);
    qsort(sorted, num_pages, sizeof *sorted, cmp_uint);
    if (sorted[num_pages - 1] >= total) {
        free(sorted);
        return -1;
    }
    int n = 0;
    for (UINT i = 0; i < num_pages; i++) {
        uint32_t off = sorted[i] * D3DDDI_LOCK_PAGE_SIZE;
        uint32_t end = off + D3DDDI_LOCK_PAGE_SIZE > size ? size : off + D3DDDI_LOCK_PAGE_SIZE;
        if (n && out[n - 1].offset + out[n - 1].length >= off) {
            uint32_t cur_end = out[n - 1].offset + out[n - 1].length;
            if (end > cur_end)
                out[n - 1].length = end - out[n - 1].offset;
        } else {
            out[n].offset = off;
            out[n].length = end - off;
            n++;
        }
    }
    free(sorted);
    return n;
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
    return vd_encode_allocate(payload, b->d->hdev, &b->calls[b->order[i]], &b->d->sysmem);
}

static int alloc_done(void *ctx, unsigned i, const uint8_t *rsp, size_t len)
{
    alloc_batch *b = ctx;
    D3DDDICB_ALLOCATE *p = &b->calls[b->order[i]];
    HRESULT hr = vd_rsp_hr(rsp, len);
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
        call_failed("pfnAllocateCb", S_OK, hr);
    }
    if (b->results)
        b->results[b->order[i]] = hr;
    return 0;
}

/* Validate each call against the device's limit (the board's, from HELLO), then send the
 * valid ones pipelined; results[i] = each call's HRESULT. */
static HRESULT allocate_batch(vd_device *d, D3DDDICB_ALLOCATE *calls, UINT count,
                              HRESULT *results)
{
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
        res[i] = vd_check_allocate(&calls[i], d->info.max_allocations_per_call, NULL);
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

HRESULT vidalloc_allocate_batch(HANDLE hDevice, D3DDDICB_ALLOCATE *calls, UINT count,
                                HRESULT *results)
{
    vd_clear_error();
    vd_device *d = vd_handles_live_device(hDevice, "vidalloc_allocate_batch");
    if (!d)
        return vd_last_hr();
    if (!calls && count)
        return vd_fail(E_INVALIDARG, "vidalloc_allocate_batch: calls is NULL");
    return allocate_batch(d, calls, count, results);
}

HRESULT APIENTRY vidalloc_allocate_cb(HANDLE hDevice, D3DDDICB_ALLOCATE *pData)
{
    vd_clear_error();
    vd_device *d = vd_handles_live_device(hDevice, "pfnAllocateCb");
    if (!d)
        return vd_last_hr();
    if (!pData)
        return vd_fail(E_INVALIDARG, "pfnAllocateCb: pData is NULL");
    HRESULT hr = S_OK;
    HRESULT batch = allocate_batch(d, pData, 1, &hr);
    return FAILED(batch) ? batch : hr;
}

/* ------------------------------------------------------------------ deallocate */

HRESULT APIENTRY vidalloc_deallocate_cb(HANDLE hDevice, const D3DDDICB_DEALLOCATE *pData)
{
    vd_clear_error();
    vd_device *d = vd_handles_live_device(hDevice, "pfnDeallocateCb");
    if (!d)
        return vd_last_hr();
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
    HRESULT link = vd_client_call(&d->c, VD_MSG_DEALLOCATE, req, len, &rsp, sizeof rsp, &rlen);
    hr = SUCCEEDED(link) ? vd_rsp_hr((const uint8_t *)&rsp, rlen) : link;
    if (FAILED(hr))
        return call_failed("pfnDeallocateCb", link, hr);
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
    unsigned ndone;   /* chunks answered, in order */
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
    HRESULT hr = vd_rsp_hr(rsp, len);
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
    b->ndone++;
    return 0;
}

/* Move the ranges between the host buffer and the board in READ/WRITE chunks, pipelined:
 * rounds of up to 16 chunks of the client's chunk size now, which shrinks while frames keep
 * failing on a noisy line and grows back when they arrive whole (vd_client_chunk). */
static HRESULT transfer(vd_device *d, D3DKMT_HANDLE h, uint8_t *buf, const vd_range *ranges,
                        int nranges, int write)
{
    enum { ROUND = 16 };
    vd_range chunks[ROUND];
    int at_r[ROUND];
    uint32_t at_off[ROUND];
    int r = 0;
    uint32_t off = 0;
    while (r < nranges) {
        uint32_t size = vd_client_chunk(&d->c);
        unsigned k = 0;
        while (k < ROUND && r < nranges) {
            uint32_t left = ranges[r].length - off;
            if (!left) {
                r++;
                off = 0;
                continue;
            }
            at_r[k] = r;
            at_off[k] = off;
            chunks[k].offset = ranges[r].offset + off;
            chunks[k].length = left < size ? left : size;
            off += chunks[k].length;
            k++;
        }
        if (!k)
            break;
        rw_batch b = {d, h, buf, chunks, write, S_OK, 0};
        d->c.resizable = 1;
        HRESULT hr = vd_client_run(&d->c, write ? VD_MSG_WRITE : VD_MSG_READ, k, rw_build,
                                   rw_done, &b);
        d->c.resizable = 0;
        if (hr == VD_CLIENT_RESIZE && b.ndone < k) {
            /* The line cut the chunk: again from the first one not answered. */
            r = at_r[b.ndone];
            off = at_off[b.ndone];
            continue;
        }
        if (FAILED(hr))
            return hr;
        if (FAILED(b.hr))
            return b.hr;
    }
    return S_OK;
}

/* ---- the same over a link with device DMA (pcie): DMA_READ / DMA_WRITE through the
 * transport's bounce area. Each run moves a batch of chunks that fits the bounce area at
 * once, so every chunk in flight has its own place there. */

typedef struct dma_batch {
    vd_device *d;
    D3DKMT_HANDLE h;
    uint8_t *buf;
    const vd_range *chunks;  /* this batch's chunks */
    const uint32_t *place;   /* each one's offset in the bounce area */
    int write;
    HRESULT hr;
} dma_batch;

static size_t dma_build(void *ctx, unsigned i, uint8_t *payload)
{
    dma_batch *b = ctx;
    vd_wire_dma_req r = {
        .hDevice = b->d->hdev,
        .hAllocation = b->h,
        .offset = b->chunks[i].offset,
        .length = b->chunks[i].length,
        .host_addr = b->d->t.dma_bus + b->place[i],
    };
    memcpy(payload, &r, sizeof r);
    return sizeof r;
}

static int dma_done(void *ctx, unsigned i, const uint8_t *rsp, size_t len)
{
    dma_batch *b = ctx;
    HRESULT hr = vd_rsp_hr(rsp, len);
    if (FAILED(hr)) {
        b->hr = vd_fail(hr, "%s of %u bytes at offset %u: %s", b->write ? "DMA_WRITE" : "DMA_READ",
                        b->chunks[i].length, b->chunks[i].offset, vidalloc_hresult_name(hr));
        return 1;
    }
    /* The response follows the data (posted writes in order): it is in the bounce area. */
    if (!b->write)
        memcpy(b->buf + b->chunks[i].offset, b->d->t.dma_mem + b->place[i], b->chunks[i].length);
    return 0;
}

static HRESULT transfer_dma(vd_device *d, D3DKMT_HANDLE h, uint8_t *buf, const vd_range *ranges,
                            int nranges, int write)
{
    /* DMA moves multiples of 4 bytes; a range's last 1-3 bytes go by READ/WRITE. */
    uint32_t cap = d->t.dma_size < VD_WIRE_MAX_DMA ? d->t.dma_size : VD_WIRE_MAX_DMA;
    cap &= ~3u;
    size_t nchunks = 0;
    for (int i = 0; i < nranges; i++)
        nchunks += ((ranges[i].length & ~3u) + cap - 1) / cap;
    vd_range *chunks = malloc((nchunks + (size_t)nranges + 1) * sizeof *chunks);
    uint32_t *place = malloc((nchunks + 1) * sizeof *place);
    if (!chunks || !place) {
        free(chunks);
        free(place);
        return vd_fail(E_OUTOFMEMORY, "out of memory");
    }
    vd_range *tails = chunks + nchunks;
    size_t k = 0;
    int ntails = 0;
    for (int i = 0; i < nranges; i++) {
        uint32_t body = ranges[i].length & ~3u;
        for (uint32_t off = 0; off < body; off += cap) {
            chunks[k].offset = ranges[i].offset + off;
            chunks[k].length = body - off < cap ? body - off : cap;
            k++;
        }
        if (body < ranges[i].length) {
            tails[ntails].offset = ranges[i].offset + body;
            tails[ntails].length = ranges[i].length - body;
            ntails++;
        }
    }
    HRESULT hr = S_OK;
    for (size_t first = 0; first < nchunks && SUCCEEDED(hr);) {
        /* The chunks that fit the bounce area together. */
        size_t n = 0;
        uint32_t used = 0;
        while (first + n < nchunks && d->t.dma_size - used >= chunks[first + n].length) {
            place[first + n] = used;
            used += chunks[first + n].length;
            n++;
        }
        if (write)
            for (size_t j = first; j < first + n; j++)
                memcpy(d->t.dma_mem + place[j], buf + chunks[j].offset, chunks[j].length);
        dma_batch b = {d, h, buf, chunks + first, place + first, write, S_OK};
        hr = vd_client_run(&d->c, write ? VD_MSG_DMA_WRITE : VD_MSG_DMA_READ, (unsigned)n,
                           dma_build, dma_done, &b);
        if (SUCCEEDED(hr))
            hr = b.hr;
        first += n;
    }
    if (SUCCEEDED(hr) && ntails)
        hr = transfer(d, h, buf, tails, ntails, write);
    free(chunks);
    free(place);
    return hr;
}

/* A lock's contents: by device DMA where the link has it, else READ/WRITE. */
static HRESULT move_contents(vd_device *d, D3DKMT_HANDLE h, uint8_t *buf, const vd_range *ranges,
                             int nranges, int write)
{
    if (d->t.dma_mem && d->t.dma_size >= 4)
        return transfer_dma(d, h, buf, ranges, nranges, write);
    return transfer(d, h, buf, ranges, nranges, write);
}

static HRESULT send_unlock(vd_device *d, D3DKMT_HANDLE h)
{
    vd_wire_lock_req req = {.hDevice = d->hdev, .hAllocation = h};
    vd_wire_status_rsp rsp;
    size_t len;
    HRESULT hr = vd_client_call(&d->c, VD_MSG_UNLOCK, &req, sizeof req, &rsp, sizeof rsp, &len);
    return FAILED(hr) ? hr : vd_rsp_hr((const uint8_t *)&rsp, len);
}

HRESULT APIENTRY vidalloc_lock_cb(HANDLE hDevice, D3DDDICB_LOCK *pData)
{
    vd_clear_error();
    vd_device *d = vd_handles_live_device(hDevice, "pfnLockCb");
    if (!d)
        return vd_last_hr();
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
    HRESULT link = vd_client_call(&d->c, VD_MSG_LOCK, &req, sizeof req, &rsp, sizeof rsp, &len);
    hr = SUCCEEDED(link) ? vd_rsp_hr((const uint8_t *)&rsp, len) : link;
    if (FAILED(hr))
        return call_failed("pfnLockCb", link, hr);
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
        hr = move_contents(d, pData->hAllocation, buf, ranges, nranges, 0);
        if (FAILED(hr)) {
            free(buf);
            free(ranges);
            send_unlock(d, pData->hAllocation);
            return vd_fail(hr, "pfnLockCb: reading the contents failed: %s (%s)",
                           vidalloc_hresult_name(hr), vidalloc_last_error());
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
    vd_device *d = vd_handles_live_device(hDevice, "pfnUnlockCb");
    if (!d)
        return vd_last_hr();
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
            hr = move_contents(d, a->h, a->buf, a->ranges, a->nranges, 1);
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

