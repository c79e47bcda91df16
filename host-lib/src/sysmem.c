/*
 * sysmem.c - system memory for pSystemMem: vidalloc_alloc_system_memory /
 * vidalloc_free_system_memory, and the bus address an ALLOCATE carries (vd_sysmem_bus).
 *
 * Over a link with device DMA (PCIe) the blocks come from the part of the DMA window that
 * the transport sets aside (vd_transport.sys_*): the device reaches them at a bus address,
 * so an allocation on one is reachable by the GPU (its aperture, docs/gpu.md). Elsewhere
 * (the UART) they are ordinary page-aligned memory: allocations on them live on the host
 * only. Blocks are whole pages, first fit, kept in a short table sorted by address; the
 * device frees what is left at close.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vd_host.h"

#define PAGE 4096u

static uint32_t pages(uint32_t size) { return (size + PAGE - 1u) & ~(PAGE - 1u); }

/* The block holding p (anywhere inside it), or -1. */
static int find(const vd_sysmem *h, const void *p)
{
    const uint8_t *b = p;
    for (uint32_t i = 0; i < h->n; i++)
        if (b >= h->blk[i].ptr && b < h->blk[i].ptr + h->blk[i].size)
            return (int)i;
    return -1;
}

static int insert(vd_sysmem *h, uint8_t *ptr, uint32_t size, int in_window)
{
    uint32_t i = 0;
    if (h->n == VD_SYSMEM_MAX_BLOCKS)
        return -1;
    while (i < h->n && h->blk[i].ptr < ptr)
        i++;
    memmove(&h->blk[i + 1], &h->blk[i], (h->n - i) * sizeof h->blk[0]);
    h->blk[i] = (vd_sysmem_block){ptr, size, in_window};
    h->n++;
    return 0;
}

/* First fit in the window's part: the lowest gap between window blocks that holds size. */
static uint8_t *fit(const vd_sysmem *h, uint32_t size)
{
    uint8_t *at = h->mem;
    for (uint32_t i = 0; i < h->n; i++) {
        if (!h->blk[i].in_window)
            continue;
        if ((size_t)(h->blk[i].ptr - at) >= size)
            return at;
        at = h->blk[i].ptr + h->blk[i].size;
    }
    return (size_t)(h->mem + h->size - at) >= size ? at : NULL;
}

HRESULT vd_sysmem_alloc(vd_sysmem *h, uint32_t size, void **pp, int *in_window)
{
    uint32_t sz = pages(size);
    uint8_t *p;
    int win = h->mem != NULL;

    if (size == 0 || sz < size)
        return vd_fail(E_INVALIDARG, "vidalloc_alloc_system_memory: size %u", size);
    if (h->n == VD_SYSMEM_MAX_BLOCKS)
        return vd_fail(E_OUTOFMEMORY, "vidalloc_alloc_system_memory: %u blocks live, the most "
                       "a device keeps", VD_SYSMEM_MAX_BLOCKS);
    if (win) {
        p = fit(h, sz);
        if (!p)
            return vd_fail(E_OUTOFMEMORY, "vidalloc_alloc_system_memory: no %u bytes free in the "
                           "%u bytes of the DMA window set aside for system memory", sz, h->size);
    } else {
        p = aligned_alloc(PAGE, sz);
        if (!p)
            return vd_fail(E_OUTOFMEMORY, "vidalloc_alloc_system_memory: out of memory");
    }
    memset(p, 0, sz);
    if (insert(h, p, sz, win)) {
        if (!win)
            free(p);
        return vd_fail(E_OUTOFMEMORY, "vidalloc_alloc_system_memory: too many blocks");
    }
    *pp = p;
    if (in_window)
        *in_window = win;
    return S_OK;
}

HRESULT vd_sysmem_free(vd_sysmem *h, void *p)
{
    int i = p ? find(h, p) : -1;
    if (i < 0 || h->blk[i].ptr != p)
        return vd_fail(E_INVALIDARG, "vidalloc_free_system_memory: %p is not a block of "
                       "vidalloc_alloc_system_memory on this device", p);
    if (!h->blk[i].in_window)
        free(h->blk[i].ptr);
    memmove(&h->blk[i], &h->blk[i + 1], (h->n - (uint32_t)i - 1u) * sizeof h->blk[0]);
    h->n--;
    return S_OK;
}

void vd_sysmem_free_all(vd_sysmem *h)
{
    for (uint32_t i = 0; i < h->n; i++)
        if (!h->blk[i].in_window)
            free(h->blk[i].ptr);
    h->n = 0;
}

uint32_t vd_sysmem_bus(const vd_sysmem *h, const void *p)
{
    int i = (h && p) ? find(h, p) : -1;
    if (i < 0 || !h->blk[i].in_window)
        return 0;
    return h->bus + (uint32_t)((const uint8_t *)p - h->mem);
}
