/* Host-side validation of the callbacks' arguments, the ALLOCATE encoding, lock page math. */
#include <stdlib.h>
#include <string.h>

#include "vd_host.h"

/* The NumAllocations limit of the firmware built from this tree (spec/soc.toml [kernel]);
 * an open device uses the board's own, from HELLO. */
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

size_t vd_encode_allocate(uint8_t *buf, uint32_t hDevice, const D3DDDICB_ALLOCATE *p)
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
