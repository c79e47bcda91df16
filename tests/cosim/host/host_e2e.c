/*
 * host_e2e - end-to-end checks of host-lib against the real RTL and firmware (no mocks):
 * every rule of pfnAllocateCb / pfnDeallocateCb / pfnLockCb / pfnUnlockCb with its exact
 * HRESULT, lock data paths, exhaustion, retransmission. Run by tests/cosim/host/test_host_e2e.py for each transport:
 *
 *   host_e2e --dev URI GROUP    GROUP: rules dealloc lock vram handles retransmit
 *
 * Prints one "ok"/"not ok" line per check; exit status 1 when any failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vidalloc/vidalloc.h"

#include "e2e_check.h"



/* One allocation info with its own surface description. */
typedef struct one {
    vd_surface_desc desc;
    D3DDDI_ALLOCATIONINFO info;
} one;

static void buffer(one *o, uint32_t bytes, uint32_t usage)
{
    memset(o, 0, sizeof *o);
    vidalloc_buffer_desc(&o->desc, bytes, usage);
    o->info.pPrivateDriverData = &o->desc;
    o->info.PrivateDriverDataSize = sizeof o->desc;
}

static void call1(D3DDDICB_ALLOCATE *c, one *o, HANDLE res)
{
    memset(c, 0, sizeof *c);
    c->hResource = res;
    c->NumAllocations = 1;
    c->pAllocationInfo = &o->info;
}

static HRESULT alloc_buffer(uint32_t bytes, uint32_t usage, HANDLE res, D3DKMT_HANDLE *h)
{
    one o;
    D3DDDICB_ALLOCATE c;
    buffer(&o, bytes, usage);
    call1(&c, &o, res);
    HRESULT hr = cb.pfnAllocateCb(dev, &c);
    *h = o.info.hAllocation;
    return hr;
}

static HRESULT free1(D3DKMT_HANDLE h)
{
    D3DDDICB_DEALLOCATE d = {NULL, 1, &h};
    return cb.pfnDeallocateCb(dev, &d);
}

static vd_wire_segment_stats stats(void)
{
    vd_wire_segment_stats s;
    HRESULT hr = vidalloc_query_segment_stats(dev, &s);
    if (FAILED(hr))
        memset(&s, 0xFF, sizeof s);
    return s;
}

/* ------------------------------------------------------------------ §1 pfnAllocateCb */

static void group_rules(void)
{
    UINT limit = vidalloc_max_allocations_per_call();
    one o[16];
    D3DDDI_ALLOCATIONINFO infos[16];
    D3DDDICB_ALLOCATE c;
    vd_wire_segment_stats s0 = stats();

    /* Host-side validation. */
    CHECK_HR(cb.pfnAllocateCb(dev, NULL), E_INVALIDARG, "NULL pData");
    buffer(&o[0], 64, 0);
    call1(&c, &o[0], NULL);
    c.NumAllocations = 0;
    CHECK_HR(cb.pfnAllocateCb(dev, &c), E_INVALIDARG, "NumAllocations 0");
    for (UINT i = 0; i < 16; i++) {
        buffer(&o[i], 16, 0);
        infos[i] = o[i].info;
    }
    memset(&c, 0, sizeof c);
    c.NumAllocations = limit + 1;
    c.pAllocationInfo = infos;
    CHECK_HR(cb.pfnAllocateCb(dev, &c), E_INVALIDARG, "NumAllocations = limit + 1 (%u)", limit + 1);
    call1(&c, &o[0], NULL);
    c.pAllocationInfo = NULL;
    CHECK_HR(cb.pfnAllocateCb(dev, &c), E_INVALIDARG, "NULL pAllocationInfo");
    call1(&c, &o[0], NULL);
    c.PrivateDriverDataSize = 8; /* pointer NULL */
    CHECK_HR(cb.pfnAllocateCb(dev, &c), E_INVALIDARG, "resource private data NULL with size 8");
    static const char rdata[8] = "res";
    call1(&c, &o[0], NULL);
    c.pPrivateDriverData = rdata; /* size 0 */
    CHECK_HR(cb.pfnAllocateCb(dev, &c), E_INVALIDARG, "resource private data with size 0");
    buffer(&o[0], 64, 0);
    o[0].info.pPrivateDriverData = NULL;
    call1(&c, &o[0], NULL);
    CHECK_HR(cb.pfnAllocateCb(dev, &c), E_INVALIDARG, "allocation private data NULL with size 32");
    buffer(&o[0], 64, 0);
    o[0].info.PrivateDriverDataSize = 0;
    call1(&c, &o[0], NULL);
    CHECK_HR(cb.pfnAllocateCb(dev, &c), E_INVALIDARG, "allocation private data with size 0");
    for (UINT bit = 2; bit < 32; bit += 7) {
        buffer(&o[0], 64, 0);
        o[0].info.Flags.Value = 1u << bit;
        call1(&c, &o[0], NULL);
        CHECK_HR(cb.pfnAllocateCb(dev, &c), E_INVALIDARG, "reserved Flags bit %u", bit);
    }
    buffer(&o[0], 64, 0);
    o[0].info.Flags.Stereo = 1;
    call1(&c, &o[0], NULL);
    CHECK_HR(cb.pfnAllocateCb(dev, &c), E_INVALIDARG, "Stereo without Primary");
    static uint8_t big[VD_WIRE_MAX_PAYLOAD];
    buffer(&o[0], 64, 0);
    call1(&c, &o[0], NULL);
    c.pPrivateDriverData = big;
    c.PrivateDriverDataSize = sizeof big;
    CHECK_HR(cb.pfnAllocateCb(dev, &c), E_INVALIDARG, "request larger than VD_WIRE_MAX_PAYLOAD");
    vd_wire_segment_stats s1 = stats();
    CHECK(s1.allocations == s0.allocations && s1.used == s0.used,
          "nothing allocated by the rejected calls (%u allocations)", s1.allocations);

    /* Rules the firmware (kernel + miniport) applies. */
    buffer(&o[0], 64, 0);
    o[0].info.pPrivateDriverData = NULL;
    o[0].info.PrivateDriverDataSize = 0;
    call1(&c, &o[0], NULL);
    CHECK_HR(cb.pfnAllocateCb(dev, &c), E_INVALIDARG, "no private data at all (miniport needs it)");
    buffer(&o[0], 64, 0);
    o[0].desc.Format = 999;
    o[0].desc.Width = o[0].desc.Height = 4;
    o[0].desc.ByteSize = 0;
    call1(&c, &o[0], NULL);
    CHECK_HR(cb.pfnAllocateCb(dev, &c), E_INVALIDARG, "unknown D3DDDIFORMAT");
    buffer(&o[0], 64, 0);
    o[0].desc.Version = 2;
    call1(&c, &o[0], NULL);
    CHECK_HR(cb.pfnAllocateCb(dev, &c), E_FAIL, "private data of another version (DRIVER_MISMATCH)");
    buffer(&o[0], 0, 0);
    vidalloc_surface_desc(&o[0].desc, 16, 16, D3DDDIFMT_X8R8G8B8, 0);
    o[0].info.Flags.Primary = 1;
    o[0].info.VidPnSourceId = 1;
    call1(&c, &o[0], NULL);
    CHECK_HR(cb.pfnAllocateCb(dev, &c), E_INVALIDARG, "primary on VidPnSourceId 1 (one source)");

    /* Success paths. */
    vidalloc_surface_desc(&o[0].desc, 16, 16, D3DDDIFMT_X8R8G8B8, 0);
    o[0].info.VidPnSourceId = 0;
    o[0].info.Flags.Stereo = 1;
    call1(&c, &o[0], NULL);
    CHECK_HR(cb.pfnAllocateCb(dev, &c), S_OK, "Stereo with Primary");
    CHECK(o[0].info.hAllocation != 0, "hAllocation non-zero (0x%08X)", o[0].info.hAllocation);
    CHECK(c.hKMResource == 0, "hResource NULL: hKMResource 0 (0x%08X)", c.hKMResource);
    D3DKMT_HANDLE parent = 1;
    CHECK_HR(vidalloc_query_parent(dev, o[0].info.hAllocation, &parent), S_OK, "query parent");
    CHECK(parent == 0, "device allocation has no parent");
    free1(o[0].info.hAllocation);

    /* A resource: hKMResource returned, children in order, private data kept and replaced. */
    for (UINT i = 0; i < limit; i++) {
        buffer(&o[i], 32 * (i + 1), 0);
        infos[i] = o[i].info;
    }
    memset(&c, 0, sizeof c);
    c.hResource = (HANDLE)(uintptr_t)0x7001;
    c.pPrivateDriverData = "first";
    c.PrivateDriverDataSize = 6;
    c.NumAllocations = limit;
    c.pAllocationInfo = infos;
    CHECK_HR(cb.pfnAllocateCb(dev, &c), S_OK, "%u allocations (the limit) on a resource", limit);
    D3DKMT_HANDLE kmr = c.hKMResource;
    CHECK(kmr != 0, "hKMResource returned (0x%08X)", kmr);
    int distinct = 1;
    for (UINT i = 0; i < limit; i++)
        for (UINT k = 0; k < i; k++)
            distinct &= infos[i].hAllocation != infos[k].hAllocation && infos[i].hAllocation;
    CHECK(distinct, "all hAllocation distinct and non-zero");
    int children_ok = 1;
    for (UINT i = 0; i <= limit; i++) {
        D3DKMT_HANDLE ch = 0xFFFFFFFFu;
        vidalloc_query_child(dev, kmr, i, &ch);
        children_ok &= ch == (i < limit ? infos[i].hAllocation : 0u);
        if (i < limit) {
            vidalloc_query_parent(dev, infos[i].hAllocation, &parent);
            children_ok &= parent == kmr;
        }
    }
    CHECK(children_ok, "DxgkCbEnumHandleChildren in order, 0 past the last; parents = hKMResource");
    char rd[64] = {0};
    UINT rn = 0;
    CHECK_HR(vidalloc_query_handle_data(dev, kmr, VIDALLOC_HANDLE_RESOURCE, rd, sizeof rd, &rn),
             S_OK, "DxgkCbGetHandleData(resource)");
    CHECK(rn == 6 && !strcmp(rd, "first"), "resource private data kept (%u bytes '%s')", rn, rd);
    vd_surface_desc got;
    CHECK_HR(vidalloc_query_handle_data(dev, infos[1].hAllocation, VIDALLOC_HANDLE_ALLOCATION,
                                        &got, sizeof got, &rn), S_OK, "DxgkCbGetHandleData(allocation)");
    CHECK(rn == sizeof got && got.ByteSize == 64, "allocation private data (ByteSize %u)", got.ByteSize);
    CHECK_HR(vidalloc_query_handle_data(dev, kmr, VIDALLOC_HANDLE_ALLOCATION, rd, sizeof rd, &rn),
             E_INVALIDARG, "DxgkCbGetHandleData with the wrong type");
    buffer(&o[0], 16, 0);
    call1(&c, &o[0], (HANDLE)(uintptr_t)0x7001);
    c.pPrivateDriverData = "second!";
    c.PrivateDriverDataSize = 8;
    CHECK_HR(cb.pfnAllocateCb(dev, &c), S_OK, "add an allocation to the existing resource");
    CHECK(c.hKMResource == kmr, "same hKMResource (0x%08X)", c.hKMResource);
    memset(rd, 0, sizeof rd);
    vidalloc_query_handle_data(dev, kmr, VIDALLOC_HANDLE_RESOURCE, rd, sizeof rd, &rn);
    CHECK(rn == 8 && !strcmp(rd, "second!"), "resource private data overwritten ('%s')", rd);
    D3DKMT_HANDLE ch = 0;
    vidalloc_query_child(dev, kmr, limit, &ch);
    CHECK(ch == o[0].info.hAllocation, "the new allocation is the last child");

    /* System memory. */
    static uint8_t sysmem[1024];
    buffer(&o[0], sizeof sysmem, 0);
    o[0].info.pSystemMem = sysmem;
    call1(&c, &o[0], NULL);
    CHECK_HR(cb.pfnAllocateCb(dev, &c), S_OK, "pSystemMem allocation");
    vd_wire_allocation_info ai;
    vidalloc_query_allocation(dev, o[0].info.hAllocation, &ai);
    CHECK(ai.residency == 2 && ai.segment == 0, "system memory: residency %u segment %u",
          ai.residency, ai.segment);
    D3DDDICB_DEALLOCATE d = {(HANDLE)(uintptr_t)0x7001, 0, NULL};
    CHECK_HR(cb.pfnDeallocateCb(dev, &d), S_OK, "free the resource");
    CHECK_HR(free1(o[0].info.hAllocation), S_OK, "free the system memory allocation");
    vd_wire_segment_stats s2 = stats();
    CHECK(s2.allocations == s0.allocations && s2.used == s0.used && s2.resources == s0.resources,
          "back to the start (%u allocations, %u used, %u resources)", s2.allocations, s2.used,
          s2.resources);
}

/* ------------------------------------------------------------------ §2 pfnDeallocateCb */

static void group_dealloc(void)
{
    D3DKMT_HANDLE a, b, c3;
    vd_wire_segment_stats s0 = stats();
    CHECK_HR(cb.pfnDeallocateCb(dev, NULL), E_INVALIDARG, "NULL pData");
    D3DDDICB_DEALLOCATE d = {NULL, 0, NULL};
    CHECK_HR(cb.pfnDeallocateCb(dev, &d), E_INVALIDARG, "no resource, no handles");
    d.NumAllocations = 1;
    CHECK_HR(cb.pfnDeallocateCb(dev, &d), E_INVALIDARG, "NULL HandleList");
    CHECK_HR(alloc_buffer(256, 0, NULL, &a), S_OK, "allocate a");
    CHECK_HR(alloc_buffer(256, 0, NULL, &b), S_OK, "allocate b");
    D3DKMT_HANDLE bogus[2] = {a, 0x40003FFFu};
    D3DDDICB_DEALLOCATE bad = {NULL, 2, bogus};
    CHECK_HR(cb.pfnDeallocateCb(dev, &bad), E_INVALIDARG, "one bad handle in the list");
    vd_wire_allocation_info ai;
    CHECK_HR(vidalloc_query_allocation(dev, a, &ai), S_OK, "a still exists (nothing freed)");
    D3DKMT_HANDLE twice[2] = {a, a};
    D3DDDICB_DEALLOCATE rep = {NULL, 2, twice};
    CHECK_HR(cb.pfnDeallocateCb(dev, &rep), E_INVALIDARG, "a handle listed twice");
    D3DKMT_HANDLE both[2] = {a, b};
    D3DDDICB_DEALLOCATE ok = {NULL, 2, both};
    CHECK_HR(cb.pfnDeallocateCb(dev, &ok), S_OK, "free a and b");
    CHECK_HR(free1(a), E_INVALIDARG, "free a again");
    CHECK_HR(vidalloc_query_allocation(dev, a, &ai), E_INVALIDARG, "a is gone");

    /* hResource frees the resource and every child; the list is ignored. */
    D3DKMT_HANDLE r1, r2;
    HANDLE res = (HANDLE)(uintptr_t)0x5151;
    CHECK_HR(alloc_buffer(128, 0, res, &r1), S_OK, "resource child 1");
    CHECK_HR(alloc_buffer(128, 0, res, &r2), S_OK, "resource child 2");
    CHECK_HR(alloc_buffer(128, 0, NULL, &c3), S_OK, "device allocation c");
    D3DKMT_HANDLE kmr = 0;
    vidalloc_query_parent(dev, r1, &kmr);
    D3DDDICB_DEALLOCATE byres = {res, 1, &c3}; /* list ignored */
    CHECK_HR(cb.pfnDeallocateCb(dev, &byres), S_OK, "free by hResource");
    CHECK_HR(vidalloc_query_allocation(dev, r1, &ai), E_INVALIDARG, "child 1 gone");
    CHECK_HR(vidalloc_query_allocation(dev, r2, &ai), E_INVALIDARG, "child 2 gone");
    CHECK_HR(vidalloc_query_allocation(dev, c3, &ai), S_OK, "the listed handle was ignored");
    UINT n;
    CHECK_HR(vidalloc_query_handle_data(dev, kmr, VIDALLOC_HANDLE_RESOURCE, NULL, 0, &n),
             E_INVALIDARG, "the resource is gone");
    CHECK_HR(cb.pfnDeallocateCb(dev, &byres), E_INVALIDARG, "free the same hResource again");
    CHECK_HR(free1(c3), S_OK, "free c");
    vd_wire_segment_stats s1 = stats();
    CHECK(s1.used == s0.used && s1.allocations == s0.allocations && s1.resources == s0.resources,
          "segment back to the start");
}

/* ------------------------------------------------------------------ §2 pfnLockCb / pfnUnlockCb */

static HRESULT lock(D3DKMT_HANDLE h, UINT flags, UINT npages, const UINT *pages, uint8_t **data)
{
    D3DDDICB_LOCK lk;
    memset(&lk, 0, sizeof lk);
    lk.hAllocation = h;
    lk.Flags.Value = flags;
    lk.NumPages = npages;
    lk.pPages = pages;
    HRESULT hr = cb.pfnLockCb(dev, &lk);
    *data = lk.pData;
    return hr;
}

static HRESULT unlock(D3DKMT_HANDLE h)
{
    D3DDDICB_UNLOCK u = {1, &h};
    return cb.pfnUnlockCb(dev, &u);
}

static void group_lock(void)
{
    D3DKMT_HANDLE a, b, hidden, big;
    uint8_t *p;
    CHECK_HR(alloc_buffer(1000, CPU_RW, NULL, &a), S_OK, "allocate a (1000 B, CPU visible)");
    CHECK_HR(alloc_buffer(1000, CPU_RW, NULL, &b), S_OK, "allocate b (1000 B, CPU visible)");
    CHECK_HR(alloc_buffer(256, 0, NULL, &hidden), S_OK, "allocate a GPU-only buffer");
    vd_wire_allocation_info ia, ib;
    vidalloc_query_allocation(dev, a, &ia);
    vidalloc_query_allocation(dev, b, &ib);
    CHECK(ia.offset + ia.size == ib.offset || ib.offset + ib.size == ia.offset,
          "a and b are neighbours in VRAM (0x%X+%u, 0x%X+%u)", ia.offset, ia.size, ib.offset,
          ib.size);

    CHECK_HR(cb.pfnLockCb(dev, NULL), E_INVALIDARG, "NULL pData");
    CHECK_HR(lock(a, D3DDDILOCK_READONLY | D3DDDILOCK_WRITEONLY, 0, NULL, &p), E_INVALIDARG,
             "ReadOnly with WriteOnly");
    UINT pg0 = 0;
    CHECK_HR(lock(a, D3DDDILOCK_LOCKENTIRE, 1, &pg0, &p), E_INVALIDARG, "LockEntire with NumPages 1");
    CHECK_HR(lock(a, 0, 1, NULL, &p), E_INVALIDARG, "NumPages 1 with pPages NULL");
    CHECK_HR(lock(0, 0, 0, NULL, &p), E_INVALIDARG, "hAllocation 0");
    CHECK_HR(lock(0x40003FFFu, 0, 0, NULL, &p), E_INVALIDARG, "a bad handle");
    CHECK_HR(lock(hidden, 0, 0, NULL, &p), D3DERR_NOTAVAILABLE, "lock a non-CPU-visible allocation");
    CHECK_HR(unlock(a), E_INVALIDARG, "unlock what is not locked");
    D3DDDICB_UNLOCK u0 = {0, &a};
    CHECK_HR(cb.pfnUnlockCb(dev, &u0), E_INVALIDARG, "unlock NumAllocations 0");

    /* Fill b, then write all of a: b must not change. */
    CHECK_HR(lock(b, D3DDDILOCK_WRITEONLY | D3DDDILOCK_LOCKENTIRE, 0, NULL, &p), S_OK, "lock b WriteOnly");
    memset(p, 0xB5, 1000);
    CHECK_HR(unlock(b), S_OK, "unlock b");
    CHECK_HR(lock(a, D3DDDILOCK_WRITEONLY, 0, NULL, &p), S_OK, "lock a WriteOnly");
    for (int i = 0; i < 1000; i++)
        p[i] = (uint8_t)(i * 13 + 5);
    CHECK_HR(unlock(a), S_OK, "unlock a (writes back)");
    CHECK_HR(lock(a, D3DDDILOCK_READONLY, 0, NULL, &p), S_OK, "lock a ReadOnly");
    int same = 1;
    for (int i = 0; i < 1000; i++)
        same &= p[i] == (uint8_t)(i * 13 + 5);
    CHECK(same, "a reads back what was written");
    memset(p, 0, 1000); /* ReadOnly: must not be written back */
    CHECK_HR(unlock(a), S_OK, "unlock a");
    CHECK_HR(lock(b, D3DDDILOCK_READONLY, 0, NULL, &p), S_OK, "lock b ReadOnly");
    int clean = 1;
    for (int i = 0; i < 1000; i++)
        clean &= p[i] == 0xB5;
    CHECK(clean, "b untouched by a's write (no bleed)");
    CHECK_HR(unlock(b), S_OK, "unlock b");
    CHECK_HR(lock(a, 0, 0, NULL, &p), S_OK, "lock a again");
    CHECK(p[999] == (uint8_t)(999 * 13 + 5), "a unchanged by the ReadOnly lock's edits");
    CHECK_HR(unlock(a), S_OK, "unlock a");

    /* Page lists on a 3-page allocation. */
    CHECK_HR(alloc_buffer(3 * 4096, CPU_RW, NULL, &big), S_OK, "allocate 12 KiB");
    CHECK_HR(lock(big, D3DDDILOCK_WRITEONLY | D3DDDILOCK_LOCKENTIRE, 0, NULL, &p), S_OK, "lock entire");
    memset(p, 0x11, 3 * 4096);
    CHECK_HR(unlock(big), S_OK, "unlock");
    UINT pg2 = 2, pg3 = 3;
    CHECK_HR(lock(big, 0, 1, &pg3, &p), E_INVALIDARG, "page 3 of a 3-page allocation");
    CHECK_HR(lock(big, D3DDDILOCK_WRITEONLY, 1, &pg2, &p), S_OK, "lock page 2 WriteOnly");
    memset(p + 2 * 4096, 0x22, 4096);
    memset(p, 0x99, 4096); /* page 0 is not locked: must not reach the board */
    CHECK_HR(unlock(big), S_OK, "unlock page 2");
    UINT pages01[2] = {1, 0};
    CHECK_HR(lock(big, D3DDDILOCK_READONLY, 2, pages01, &p), S_OK, "lock pages 1,0 ReadOnly");
    int p01 = 1;
    for (int i = 0; i < 2 * 4096; i++)
        p01 &= p[i] == 0x11;
    CHECK(p01, "pages 0 and 1 unchanged");
    CHECK_HR(unlock(big), S_OK, "unlock");
    CHECK_HR(lock(big, D3DDDILOCK_READONLY, 1, &pg2, &p), S_OK, "lock page 2 ReadOnly");
    int p2 = 1;
    for (int i = 2 * 4096; i < 3 * 4096; i++)
        p2 &= p[i] == 0x22;
    CHECK(p2, "page 2 holds what was written");
    CHECK_HR(unlock(big), S_OK, "unlock");

    /* System memory: the lock hands back the runtime's own memory. */
    static uint8_t sysmem[512];
    one o;
    D3DDDICB_ALLOCATE c;
    buffer(&o, sizeof sysmem, 0);
    o.info.pSystemMem = sysmem;
    call1(&c, &o, NULL);
    CHECK_HR(cb.pfnAllocateCb(dev, &c), S_OK, "allocate on system memory");
    CHECK_HR(lock(o.info.hAllocation, 0, 0, NULL, &p), S_OK, "lock the system memory allocation");
    CHECK(p == sysmem, "pData is pSystemMem");
    CHECK_HR(unlock(o.info.hAllocation), S_OK, "unlock it");

    /* Freeing while locked, then the handle is dead. */
    CHECK_HR(lock(a, 0, 0, NULL, &p), S_OK, "lock a");
    CHECK_HR(free1(a), S_OK, "free a while locked");
    CHECK_HR(lock(a, 0, 0, NULL, &p), E_INVALIDARG, "lock a freed allocation");
    D3DKMT_HANDLE rest[4] = {b, hidden, big, o.info.hAllocation};
    D3DDDICB_DEALLOCATE d = {NULL, 4, rest};
    CHECK_HR(cb.pfnDeallocateCb(dev, &d), S_OK, "free the rest");
}

/* ------------------------------------------------------------------ exhaustion */

static void group_vram(void)
{
    vd_wire_segment_stats s0 = stats();
    D3DKMT_HANDLE h[64];
    unsigned n = 0;
    HRESULT hr = S_OK;
    while (n < 64 && SUCCEEDED(hr = alloc_buffer(4096, 0, NULL, &h[n])))
        n++;
    CHECK(hr == D3DERR_OUTOFVIDEOMEMORY, "VRAM exhausted after %u x 4 KiB: %s", n,
          vidalloc_hresult_name(hr));
    CHECK(n == s0.size / 4096, "exactly the segment's %u KiB were allocated", s0.size / 1024);
    vd_wire_segment_stats s1 = stats();
    CHECK(s1.allocations == s0.allocations + n, "the failed call left nothing behind");
    /* The segment need not be a multiple of 4 KiB (the GPU ring is carved off VRAM):
     * what is left goes in one allocation, then nothing fits. */
    D3DKMT_HANDLE x, tail = 0;
    if (s1.largest_free != 0)
        CHECK_HR(alloc_buffer(s1.largest_free, 0, NULL, &tail), S_OK, "the last %u bytes",
                 s1.largest_free);
    CHECK_HR(alloc_buffer(16, 0, NULL, &x), D3DERR_OUTOFVIDEOMEMORY, "even 16 bytes fail");
    if (tail != 0)
        CHECK_HR(free1(tail), S_OK, "free the last bytes");
    CHECK_HR(free1(h[n / 2]), S_OK, "free one block");
    CHECK_HR(alloc_buffer(4096, 0, NULL, &h[n / 2]), S_OK, "the device is still usable");
    D3DDDICB_DEALLOCATE d = {NULL, n, h};
    CHECK_HR(cb.pfnDeallocateCb(dev, &d), S_OK, "free all %u", n);
    vd_wire_segment_stats s2 = stats();
    CHECK(s2.used == s0.used && s2.largest_free == s0.largest_free, "segment whole again");
}

static void group_handles(void)
{
    UINT limit = vidalloc_max_allocations_per_call();
    enum { MAXC = 256 };
    static one o[MAXC][8];
    static D3DDDI_ALLOCATIONINFO infos[MAXC][8];
    static D3DDDICB_ALLOCATE calls[MAXC];
    static HRESULT res[MAXC];
    for (unsigned i = 0; i < MAXC; i++) {
        for (UINT k = 0; k < limit && k < 8; k++) {
            buffer(&o[i][k], 16, 0);
            infos[i][k] = o[i][k].info;
        }
        memset(&calls[i], 0, sizeof calls[i]);
        calls[i].NumAllocations = limit < 8 ? limit : 8;
        calls[i].pAllocationInfo = infos[i];
    }
    /* 16-byte buffers: the handle pool runs out long before 64 KiB of VRAM. Pipelined. */
    HRESULT hr = vidalloc_allocate_batch(dev, calls, 32, res);
    unsigned ok = 0;
    while (ok < 32 && SUCCEEDED(res[ok]))
        ok++;
    CHECK(FAILED(hr) && res[ok] == E_OUTOFMEMORY,
          "handle pool exhausted after %u allocations: %s", ok * calls[0].NumAllocations,
          ok < 32 ? vidalloc_hresult_name(res[ok]) : "no failure");
    vd_wire_segment_stats s = stats();
    CHECK(s.allocations == ok * calls[0].NumAllocations, "the kernel holds %u allocations",
          s.allocations);
    CHECK(s.used <= ok * calls[0].NumAllocations * 16u + 16u, "VRAM was not the limit (%u used)",
          s.used);
    D3DKMT_HANDLE x;
    CHECK_HR(alloc_buffer(16, 0, NULL, &x), E_OUTOFMEMORY, "one more allocation");
    CHECK_HR(free1(infos[0][0].hAllocation), S_OK, "free one");
    CHECK_HR(alloc_buffer(16, 0, NULL, &x), S_OK, "the device is still usable");
    /* Resources run out too (E_OUTOFMEMORY): free everything first. */
    for (unsigned i = 0; i < ok; i++) {
        for (UINT k = i == 0; k < calls[i].NumAllocations; k++)
            free1(infos[i][k].hAllocation);
    }
    free1(x);
    CHECK(stats().allocations == 0, "all freed");
    unsigned r = 0;
    for (; r < 1000; r++) {
        hr = alloc_buffer(16, 0, (HANDLE)(uintptr_t)(0x9000 + r), &x);
        if (FAILED(hr))
            break;
    }
    CHECK(hr == E_OUTOFMEMORY, "resource pool exhausted after %u resources: %s", r,
          vidalloc_hresult_name(hr));
    for (unsigned i = 0; i < r; i++) {
        D3DDDICB_DEALLOCATE d = {(HANDLE)(uintptr_t)(0x9000 + i), 0, NULL};
        cb.pfnDeallocateCb(dev, &d);
    }
    CHECK(stats().resources == 0, "all resources freed");
}

/* ------------------------------------------------------------------ retransmission */

static void group_retransmit(void)
{
    static const struct {
        enum vidalloc_fault f;
        const char *name;
    } faults[] = {
        {VIDALLOC_FAULT_DROP_TX, "request dropped"},
        {VIDALLOC_FAULT_CORRUPT_TX, "request corrupted"},
        {VIDALLOC_FAULT_DROP_RX, "response dropped (firmware replays its cached response)"},
        {VIDALLOC_FAULT_CORRUPT_RX, "response corrupted (replayed)"},
    };
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        vidalloc_info before, after;
        vidalloc_get_info(dev, &before);
        vd_wire_segment_stats s0 = stats();
        D3DKMT_HANDLE h = 0;
        vidalloc_debug_fault(dev, faults[i].f, 0);
        CHECK_HR(alloc_buffer(256, 0, NULL, &h), S_OK, "allocate with the %s", faults[i].name);
        vidalloc_get_info(dev, &after);
        vd_wire_segment_stats s1 = stats();
        CHECK(after.retransmissions > before.retransmissions, "%s: retransmitted (%llu)",
              faults[i].name, (unsigned long long)(after.retransmissions - before.retransmissions));
        CHECK(s1.allocations == s0.allocations + 1 && s1.used == s0.used + 256,
              "%s: exactly one allocation made (%u -> %u)", faults[i].name, s0.allocations,
              s1.allocations);
        free1(h);
    }
    /* A window of pipelined requests, the first lost: go back N. */
    enum { N = 6 };
    one o[N];
    D3DDDICB_ALLOCATE calls[N];
    HRESULT res[N];
    for (int i = 0; i < N; i++) {
        buffer(&o[i], 64, 0);
        call1(&calls[i], &o[i], NULL);
    }
    vd_wire_segment_stats s0 = stats();
    vidalloc_debug_fault(dev, VIDALLOC_FAULT_DROP_TX, 0);
    CHECK_HR(vidalloc_allocate_batch(dev, calls, N, res), S_OK, "pipelined batch, first frame lost");
    vd_wire_segment_stats s1 = stats();
    CHECK(s1.allocations == s0.allocations + N, "batch: %u allocations made (want %u)",
          s1.allocations - s0.allocations, N);
    int distinct = 1;
    for (int i = 0; i < N; i++)
        for (int k = 0; k < i; k++)
            distinct &= o[i].info.hAllocation != o[k].info.hAllocation;
    CHECK(distinct, "batch: distinct handles");
    vidalloc_debug_fault(dev, VIDALLOC_FAULT_NONE, 0);
    for (int i = 0; i < N; i++)
        free1(o[i].info.hAllocation);
    CHECK(stats().allocations == s0.allocations, "batch freed");
}

int main(int argc, char **argv)
{
    static const e2e_group groups[] = {
        {"rules", group_rules},     {"dealloc", group_dealloc}, {"lock", group_lock},
        {"vram", group_vram},       {"handles", group_handles}, {"retransmit", group_retransmit},
    };
    return e2e_main("host_e2e", argc, argv, groups, sizeof groups / sizeof groups[0]);
}
