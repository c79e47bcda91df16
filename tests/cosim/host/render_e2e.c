/*
 * render_e2e - pfnRenderCb end to end against the real RTL (GPU command block, memory
 * controller) and firmware (DxgkDdiRender/Patch/SubmitCommand, TDR), no mocks: GPU FILL
 * and COPY through patch-location lists read back through pfnLockCb, splitting across
 * RENDERs, fences, host and firmware validation, faults stopped by the memory controller,
 * timeouts, device removal and reopen, adapter removal. Run by
 * tests/cosim/host/test_render_e2e.py for each transport:
 *
 *   render_e2e --dev URI GROUP
 *     GROUP: render split validate firmware fault tdr tdr-default window removal
 *            nogpu (on a board without the GPU command block: build target `minimal`)
 *
 * Every group opens its own device; with `sim` and `inproc` that is a fresh board, so
 * `removal` (which leaves the adapter removed until a board reset) may run in any order.
 * On `uart:` run `removal` last and reset the board afterwards.
 * Prints one "ok"/"not ok" line per check; exit status 1 when any failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vidalloc/vidalloc.h"

#include "e2e_check.h"

static D3DDDICB_CREATECONTEXT ctx;

#define TDR_SHORT 200000u /* cycles: 16.7 ms at 12 MHz */

/* ------------------------------------------------------------------ helpers */

/* A buffer allocation of bytes, on pSystemMem mem (NULL: video memory). */
static HRESULT alloc_buffer_on(uint32_t bytes, uint32_t usage, void *mem, D3DKMT_HANDLE *h)
{
    vd_surface_desc desc;
    vidalloc_buffer_desc(&desc, bytes, usage);
    D3DDDI_ALLOCATIONINFO info;
    memset(&info, 0, sizeof info);
    info.pSystemMem = mem;
    info.pPrivateDriverData = &desc;
    info.PrivateDriverDataSize = sizeof desc;
    D3DDDICB_ALLOCATE c;
    memset(&c, 0, sizeof c);
    c.NumAllocations = 1;
    c.pAllocationInfo = &info;
    HRESULT hr = cb.pfnAllocateCb(dev, &c);
    *h = info.hAllocation;
    return hr;
}

static HRESULT alloc_buffer(uint32_t bytes, uint32_t usage, D3DKMT_HANDLE *h)
{
    return alloc_buffer_on(bytes, usage, NULL, h);
}

static HRESULT free1(D3DKMT_HANDLE h)
{
    D3DDDICB_DEALLOCATE d = {NULL, 1, &h};
    return cb.pfnDeallocateCb(dev, &d);
}

static vd_wire_allocation_info placement(D3DKMT_HANDLE h)
{
    vd_wire_allocation_info ai;
    if (FAILED(vidalloc_query_allocation(dev, h, &ai)))
        memset(&ai, 0xFF, sizeof ai);
    return ai;
}

static vd_wire_segment_stats stats(void)
{
    vd_wire_segment_stats s;
    if (FAILED(vidalloc_query_segment_stats(dev, &s)))
        memset(&s, 0xFF, sizeof s);
    return s;
}

static vd_wire_gpu_state gpu(void)
{
    vd_wire_gpu_state g;
    if (FAILED(vidalloc_escape_gpu_state(dev, &g)))
        memset(&g, 0xFF, sizeof g);
    return g;
}

static vd_wire_memctl_stats memctl(void)
{
    vd_wire_memctl_stats m;
    if (FAILED(vidalloc_query_memctl_stats(dev, &m)))
        memset(&m, 0xFF, sizeof m);
    return m;
}

/* Read n bytes of h into out (a ReadOnly lock). */
static HRESULT read_back(D3DKMT_HANDLE h, uint8_t *out, uint32_t n)
{
    D3DDDICB_LOCK lk;
    memset(&lk, 0, sizeof lk);
    lk.hAllocation = h;
    lk.Flags.ReadOnly = 1;
    HRESULT hr = cb.pfnLockCb(dev, &lk);
    if (FAILED(hr))
        return hr;
    memcpy(out, lk.pData, n);
    D3DDDICB_UNLOCK u = {1, &h};
    return cb.pfnUnlockCb(dev, &u);
}

/* Write n bytes of pattern byte v into h through the CPU. */
static HRESULT cpu_fill(D3DKMT_HANDLE h, uint8_t v, uint32_t n)
{
    D3DDDICB_LOCK lk;
    memset(&lk, 0, sizeof lk);
    lk.hAllocation = h;
    lk.Flags.WriteOnly = 1;
    HRESULT hr = cb.pfnLockCb(dev, &lk);
    if (FAILED(hr))
        return hr;
    memset(lk.pData, v, n);
    D3DDDICB_UNLOCK u = {1, &h};
    return cb.pfnUnlockCb(dev, &u);
}

static int all_bytes(const uint8_t *p, uint32_t n, uint8_t v)
{
    for (uint32_t i = 0; i < n; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

static int all_words(const uint8_t *p, uint32_t n, uint32_t w)
{
    for (uint32_t i = 0; i + 4 <= n; i += 4) {
        uint32_t x = (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 |
                     (uint32_t)p[i + 3] << 24;
        if (x != w)
            return 0;
    }
    return 1;
}

static uint32_t word_at(const uint8_t *p, uint32_t i)
{
    return (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
           (uint32_t)p[4 * i + 3] << 24;
}

static HRESULT open_context(void)
{
    memset(&ctx, 0, sizeof ctx);
    return cb.pfnCreateContextCb(dev, &ctx);
}

/* The context's command buffer / lists, as the runtime last handed them out. */
static uint8_t *cmdbuf(void) { return ctx.pCommandBuffer; }

static void list_entry(UINT k, D3DKMT_HANDLE h, int write)
{
    memset(&ctx.pAllocationList[k], 0, sizeof ctx.pAllocationList[k]);
    ctx.pAllocationList[k].hAllocation = h;
    ctx.pAllocationList[k].WriteOperation = write ? 1u : 0u;
}

static void patch_entry(UINT k, UINT index, UINT alloc_offset, UINT patch_offset)
{
    D3DDDI_PATCHLOCATIONLIST *p = &ctx.pPatchLocationList[k];
    memset(p, 0, sizeof *p);
    p->AllocationIndex = index;
    p->AllocationOffset = alloc_offset;
    p->PatchOffset = patch_offset;
}

/* pfnRenderCb of the first ncmd commands; keeps the buffers handed back. */
static HRESULT render(UINT ncmd, UINT nalloc, UINT npatch, UINT flags, UINT *fence)
{
    D3DDDICB_RENDER r;
    memset(&r, 0, sizeof r);
    r.hContext = ctx.hContext;
    r.CommandLength = ncmd * VIDALLOC_CMD_BYTES;
    r.NumAllocations = nalloc;
    r.NumPatchLocations = npatch;
    r.Flags.Value = flags;
    HRESULT hr = cb.pfnRenderCb(dev, &r);
    if (SUCCEEDED(hr)) {
        ctx.pCommandBuffer = r.pNewCommandBuffer;
        ctx.CommandBufferSize = r.NewCommandBufferSize;
        ctx.pAllocationList = r.pNewAllocationList;
        ctx.AllocationListSize = r.NewAllocationListSize;
        ctx.pPatchLocationList = r.pNewPatchLocationList;
        ctx.PatchLocationListSize = r.NewPatchLocationListSize;
    }
    if (fence) {
        *fence = 0;
        vidalloc_last_fence(dev, ctx.hContext, fence);
    }
    return hr;
}

/* One GPU FILL of h at [off, off + bytes) with pattern; entry 1, written unless readonly. */
static HRESULT gpu_fill(D3DKMT_HANDLE h, uint32_t off, uint32_t bytes, uint32_t pattern,
                        int readonly, UINT *fence)
{
    vidalloc_cmd_fill(cmdbuf(), 0, pattern, bytes);
    list_entry(0, 0, 0);
    list_entry(1, h, !readonly);
    patch_entry(0, 1, off, VIDALLOC_CMD_DST_OFFSET);
    return render(1, 2, 1, 0, fence);
}

static HRESULT gpu_copy(D3DKMT_HANDLE dst, uint32_t doff, D3DKMT_HANDLE src, uint32_t soff,
                        uint32_t bytes, UINT *fence)
{
    vidalloc_cmd_copy(cmdbuf(), 0, 0, bytes);
    list_entry(0, 0, 0);
    list_entry(1, dst, 1);
    list_entry(2, src, 0);
    patch_entry(0, 1, doff, VIDALLOC_CMD_DST_OFFSET);
    patch_entry(1, 2, soff, VIDALLOC_CMD_SRC_OFFSET);
    return render(1, 3, 2, 0, fence);
}

static HRESULT gpu_hang(UINT *fence)
{
    vidalloc_cmd_hang(cmdbuf());
    return render(1, 0, 0, 0, fence);
}

static HRESULT wait(UINT fence) { return vidalloc_wait_fence(dev, fence, 5000); }

/* After a removal: everything naming the device says so; escapes and queries still work. */
static void check_removed(D3DKMT_HANDLE h, UINT fence)
{
    D3DKMT_HANDLE x;
    CHECK_HR(alloc_buffer(64, 0, &x), D3DDDIERR_DEVICEREMOVED, "pfnAllocateCb after the removal");
    uint8_t b[4];
    CHECK_HR(read_back(h, b, 4), D3DDDIERR_DEVICEREMOVED, "pfnLockCb after the removal");
    UINT f2;
    CHECK_HR(gpu_fill(h, 0, 16, 1, 0, &f2), D3DDDIERR_DEVICEREMOVED, "pfnRenderCb after the removal");
    CHECK_HR(vidalloc_query_fence(dev, fence, NULL, NULL), D3DDDIERR_DEVICEREMOVED, "FENCE after the removal");
    vd_wire_gpu_state g;
    CHECK_HR(vidalloc_escape_gpu_state(dev, &g), S_OK, "ESCAPE still works");
    vd_wire_segment_stats s;
    CHECK_HR(vidalloc_query_segment_stats(dev, &s), S_OK, "QUERY still works");
}

/* ------------------------------------------------------------------ system memory */

/* The GPU and system memory: over PCIe, FILL and COPY between VRAM and an allocation on
 * vidalloc_alloc_system_memory's memory (every byte checked where the host sees it), the
 * aperture windows (read-only entry, neighbours untouched, too many entries); over the
 * UART, and for any other pSystemMem, E_INVALIDARG. */
static void group_sysmem(void)
{
    CHECK_HR(open_context(), S_OK, "pfnCreateContextCb");
    void *m1 = NULL, *m2 = NULL, *other = NULL;
    UINT vis = 9;
    CHECK_HR(vidalloc_alloc_system_memory(dev, 8192, &m1, &vis), S_OK, "system memory, 8 KiB");
    UINT vis2 = 9;
    CHECK_HR(vidalloc_alloc_system_memory(dev, 4096, &m2, &vis2), S_OK, "system memory, 4 KiB");
    int pcie = strstr(uri, "link=pcie") != NULL;
    CHECK(vis == (UINT)pcie && vis2 == vis, "GPU-visible exactly over PCIe (%u)", vis);
    CHECK(m1 && ((uintptr_t)m1 & 4095) == 0 && all_bytes(m1, 8192, 0), "page-aligned, zeroed");
    CHECK_HR(vidalloc_free_system_memory(dev, (uint8_t *)m1 + 4), E_INVALIDARG,
             "freeing a pointer inside a block");

    D3DKMT_HANDLE s1, s2, v, o;
    CHECK_HR(alloc_buffer_on(8192, CPU_RW, m1, &s1), S_OK, "allocate on it (8 KiB)");
    CHECK_HR(alloc_buffer_on(4096, CPU_RW, m2, &s2), S_OK, "allocate on the second (4 KiB, read by the GPU)");
    CHECK_HR(alloc_buffer(8192, CPU_RW, &v), S_OK, "a VRAM buffer (8 KiB)");
    other = malloc(4096);
    CHECK_HR(alloc_buffer_on(4096, CPU_RW, other, &o), S_OK, "allocate on ordinary memory (host only)");
    memset(other, 0x77, 4096);
    UINT f = 0;
    CHECK_HR(gpu_fill(o, 0, 64, 1, 0, &f), E_INVALIDARG, "RENDER listing ordinary memory: E_INVALIDARG");
    CHECK(all_bytes(other, 4096, 0x77), "untouched");
    if (!pcie) {
        CHECK_HR(gpu_fill(s1, 0, 64, 1, 0, &f), E_INVALIDARG, "no device DMA: E_INVALIDARG");
        CHECK(all_bytes(m1, 8192, 0), "untouched");
    } else {
        /* FILL system memory: the middle 4 KiB; neighbours untouched */
        CHECK_HR(gpu_fill(s1, 2048, 4096, 0xC0DE5EED, 0, &f), S_OK, "FILL 4 KiB of system memory");
        CHECK_HR(wait(f), S_OK, "its fence");
        vd_wire_gpu_state g1 = gpu();
        CHECK(g1.faults == 0, "no fault (last: addr 0x%X info 0x%X)", g1.last_fault_addr, g1.last_fault_info);
        CHECK(all_bytes(m1, 2048, 0) && all_words((uint8_t *)m1 + 2048, 4096, 0xC0DE5EED) &&
              all_bytes((uint8_t *)m1 + 6144, 2048, 0), "the pattern where the host sees it, nothing around");
        /* COPY VRAM -> system memory */
        CHECK_HR(cpu_fill(v, 0xA5, 8192), S_OK, "VRAM = A5 (CPU)");
        CHECK_HR(gpu_copy(s1, 0, v, 4096, 4096, &f), S_OK, "COPY VRAM -> system memory");
        CHECK_HR(wait(f), S_OK, "its fence");
        CHECK(all_bytes(m1, 4096, 0xA5) && all_words((uint8_t *)m1 + 4096, 2048, 0xC0DE5EED),
              "landed in the host's memory");
        /* COPY system memory (a read-only entry) -> VRAM */
        for (uint32_t i = 0; i < 4096; i++)
            ((uint8_t *)m2)[i] = (uint8_t)(i * 7u + 3u);
        CHECK_HR(gpu_copy(v, 1024, s2, 0, 4096, &f), S_OK, "COPY system memory -> VRAM");
        CHECK_HR(wait(f), S_OK, "its fence");
        uint8_t back[8192];
        CHECK_HR(read_back(v, back, 8192), S_OK, "lock VRAM");
        int ok = all_bytes(back, 1024, 0xA5) && all_bytes(back + 5120, 3072, 0xA5);
        for (uint32_t i = 0; i < 4096; i++)
            ok = ok && back[1024 + i] == (uint8_t)(i * 7u + 3u);
        CHECK(ok, "every byte in VRAM, nothing around it");
        /* the GPU writing a read-only entry: a fault, the device removed, memory untouched */
        vidalloc_cmd_fill(cmdbuf(), 0, 0xBAD0BAD0, 64);
        list_entry(0, 0, 0);
        list_entry(1, s2, 0);
        patch_entry(0, 1, 0, VIDALLOC_CMD_DST_OFFSET);
        CHECK_HR(render(1, 2, 1, 0, &f), S_OK, "FILL into a read-only system-memory entry");
        HRESULT hw = wait(f);
        CHECK(hw == D3DDDIERR_DEVICEREMOVED || hw == S_OK, "its fence: %s", vidalloc_hresult_name(hw));
        CHECK(((uint8_t *)m2)[0] == 3 && ((uint8_t *)m2)[63] == (uint8_t)(63 * 7 + 3), "not written");
        vd_wire_gpu_state g = gpu();
        CHECK(g.faults >= 1, "counted as a fault (%u)", g.faults);
        CHECK_HR(gpu_fill(s1, 0, 16, 1, 0, &f), D3DDDIERR_DEVICEREMOVED, "the device is removed");
    }
    /* the allocations and blocks go back (a removed device's frees answer as they may) */
    free1(s1);
    free1(s2);
    free1(v);
    free1(o);
    CHECK_HR(vidalloc_free_system_memory(dev, m1), S_OK, "free the first block");
    CHECK_HR(vidalloc_free_system_memory(dev, m1), E_INVALIDARG, "twice: E_INVALIDARG");
    free(other);
}

/* ------------------------------------------------------------------ render */

static void group_render(void)
{
    CHECK_HR(open_context(), S_OK, "pfnCreateContextCb");
    CHECK(ctx.CommandBufferSize == VIDALLOC_CONTEXT_COMMAND_BYTES &&
          ctx.AllocationListSize == VD_WIRE_MAX_RENDER_ALLOCS &&
          ctx.PatchLocationListSize == VIDALLOC_CONTEXT_PATCHES && ctx.CommandBuffer == 0,
          "buffers: %u command bytes, %u allocations, %u patches", ctx.CommandBufferSize,
          ctx.AllocationListSize, ctx.PatchLocationListSize);
    vd_wire_gpu_state g0 = gpu();
    CHECK(g0.ring_free >= 256 && g0.ring_free % 16 == 0, "GPU_STATE: ring_free %u", g0.ring_free);

    D3DKMT_HANDLE a, b, c;
    CHECK_HR(alloc_buffer(1024, CPU_RW, &a), S_OK, "allocate A (1 KiB)");
    CHECK_HR(alloc_buffer(1024, CPU_RW, &b), S_OK, "allocate B (1 KiB)");
    CHECK_HR(alloc_buffer(256, CPU_RW, &c), S_OK, "allocate C (256 B)");
    vd_wire_allocation_info ia = placement(a), ib = placement(b);
    CHECK(ia.offset + ia.size == ib.offset, "A and B neighbours (0x%X+%u, 0x%X)", ia.offset,
          ia.size, ib.offset);
    CHECK_HR(cpu_fill(a, 0x00, 1024), S_OK, "A = 00 (CPU)");
    CHECK_HR(cpu_fill(b, 0x00, 1024), S_OK, "B = 00 (CPU)");
    CHECK_HR(cpu_fill(c, 0xCC, 256), S_OK, "C = CC (CPU)");

    /* FILL A[16, 528) through a patch. */
    UINT f1 = 0, f2 = 0, f3 = 0;
    CHECK_HR(gpu_fill(a, 16, 512, 0xA1B2C3D4u, 0, &f1), S_OK, "GPU FILL A[16,528)");
    CHECK(f1 != 0, "fence %u", f1);
    CHECK_HR(wait(f1), S_OK, "wait fence %u", f1);
    /* The hardware's own count (the engine started at this first RENDER, zeroing it):
     * 128 word writes, and 4 fetch reads for each of FILL and the kernel's FENCE. */
    vd_wire_memctl_stats m1 = memctl();
    CHECK(m1.gpu_req == 512 / 4 + 2 * 4 && m1.dma_req == 0 && m1.scan_req == 0,
          "MEMCTL counters: GPU %u accesses (want 136), DMA %u, scanout %u", m1.gpu_req,
          m1.dma_req, m1.scan_req);
    uint8_t buf[4096];
    CHECK_HR(read_back(a, buf, 1024), S_OK, "read A");
    CHECK(all_bytes(buf, 16, 0) && all_words(buf + 16, 512, 0xA1B2C3D4u) &&
          all_bytes(buf + 528, 1024 - 528, 0), "A: 16 zero bytes, 512 filled, the rest zero");
    CHECK_HR(read_back(b, buf, 1024), S_OK, "read B");
    CHECK(all_bytes(buf, 1024, 0), "B (A's neighbour) untouched");

    /* COPY A[16, 528) -> B[64, 576). */
    CHECK_HR(gpu_copy(b, 64, a, 16, 512, &f2), S_OK, "GPU COPY A[16,528) -> B[64,576)");
    CHECK(f2 > f1, "fences increase (%u > %u)", f2, f1);
    CHECK_HR(wait(f2), S_OK, "wait fence %u", f2);
    vd_wire_memctl_stats m2 = memctl();
    CHECK(m2.gpu_req - m1.gpu_req == 2 * 512 / 4 + 2 * 4, "COPY: %u GPU accesses (want 264: "
          "128 reads, 128 writes, 8 fetches)", m2.gpu_req - m1.gpu_req);
    CHECK_HR(read_back(b, buf, 1024), S_OK, "read B");
    CHECK(all_bytes(buf, 64, 0) && all_words(buf + 64, 512, 0xA1B2C3D4u) &&
          all_bytes(buf + 576, 1024 - 576, 0), "B: the copy, exactly");
    CHECK_HR(read_back(a, buf, 1024), S_OK, "read A");
    CHECK(all_words(buf + 16, 512, 0xA1B2C3D4u) && all_bytes(buf + 528, 496, 0), "A unchanged by the copy");
    CHECK_HR(read_back(c, buf, 256), S_OK, "read C");
    CHECK(all_bytes(buf, 256, 0xCC), "C untouched");

    /* Several commands in order: FILL A = 1; COPY A[0,256) -> B; FILL A[0,256) = 2. */
    uint8_t *cmd = cmdbuf();
    vidalloc_cmd_fill(cmd, 0, 0x11111111u, 1024);
    vidalloc_cmd_copy(cmd + 16, 0, 0, 256);
    vidalloc_cmd_fill(cmd + 32, 0, 0x22222222u, 256);
    vidalloc_cmd_nop(cmd + 48);
    list_entry(0, 0, 0);
    list_entry(1, a, 1);
    list_entry(2, b, 1);
    patch_entry(0, 1, 0, 0 + VIDALLOC_CMD_DST_OFFSET);
    patch_entry(1, 2, 0, 16 + VIDALLOC_CMD_DST_OFFSET);
    patch_entry(2, 1, 0, 16 + VIDALLOC_CMD_SRC_OFFSET);
    patch_entry(3, 1, 0, 32 + VIDALLOC_CMD_DST_OFFSET);
    CHECK_HR(render(4, 3, 4, 0, &f3), S_OK, "FILL, COPY, FILL, NOP in one submission");
    CHECK_HR(wait(f3), S_OK, "wait");
    read_back(b, buf, 1024);
    CHECK(all_words(buf, 256, 0x11111111u), "B[0,256) = the first FILL (COPY ran after it)");
    read_back(a, buf, 1024);
    CHECK(all_words(buf, 256, 0x22222222u) && all_words(buf + 256, 768, 0x11111111u),
          "A = 2 then 1 (the last FILL ran last)");

    /* NullRendering: validated, fenced, not executed. */
    UINT f4 = 0;
    vidalloc_cmd_fill(cmdbuf(), 0, 0xDEADDEADu, 1024);
    list_entry(0, 0, 0);
    list_entry(1, a, 1);
    patch_entry(0, 1, 0, VIDALLOC_CMD_DST_OFFSET);
    CHECK_HR(render(1, 2, 1, D3DDDICB_RENDERFLAGS_NULLRENDERING, &f4), S_OK, "NullRendering");
    CHECK_HR(wait(f4), S_OK, "its fence completes");
    read_back(a, buf, 1024);
    CHECK(all_words(buf, 256, 0x22222222u), "NullRendering did not touch A");

    /* Fences. */
    UINT done = 0, sub = 0;
    CHECK_HR(vidalloc_query_fence(dev, f1, &done, &sub), S_OK, "an old fence is complete");
    CHECK(done >= f4 && sub == f4, "completed %u, submitted %u", done, sub);
    CHECK_HR(vidalloc_wait_fence(dev, f4 + 5, 10), E_INVALIDARG, "a fence never handed out");
    UINT last = 0;
    CHECK_HR(vidalloc_last_fence(dev, NULL, &last), S_OK, "vidalloc_last_fence(device)");
    CHECK(last == f4, "= %u", last);

    /* Two contexts share the GPU. */
    D3DDDICB_CREATECONTEXT c1 = ctx;
    CHECK_HR(open_context(), S_OK, "a second context");
    UINT f5 = 0;
    CHECK_HR(gpu_fill(c, 0, 256, 0x5A5A5A5Au, 0, &f5), S_OK, "FILL C from it");
    CHECK_HR(wait(f5), S_OK, "wait");
    read_back(c, buf, 256);
    CHECK(all_words(buf, 256, 0x5A5A5A5Au), "C filled");
    D3DDDICB_DESTROYCONTEXT dc = {ctx.hContext};
    CHECK_HR(cb.pfnDestroyContextCb(dev, &dc), S_OK, "pfnDestroyContextCb");
    CHECK_HR(cb.pfnDestroyContextCb(dev, &dc), E_INVALIDARG, "destroy it again");
    ctx = c1;

    /* System-memory allocations cannot be listed (the GPU reaches VRAM only). */
    static uint8_t sysmem[256];
    vd_surface_desc desc;
    vidalloc_buffer_desc(&desc, sizeof sysmem, 0);
    D3DDDI_ALLOCATIONINFO info = {0};
    info.pSystemMem = sysmem;
    info.pPrivateDriverData = &desc;
    info.PrivateDriverDataSize = sizeof desc;
    D3DDDICB_ALLOCATE ac = {0};
    ac.NumAllocations = 1;
    ac.pAllocationInfo = &info;
    CHECK_HR(cb.pfnAllocateCb(dev, &ac), S_OK, "a system-memory allocation");
    UINT f6;
    CHECK_HR(gpu_fill(info.hAllocation, 0, 16, 1, 0, &f6), E_INVALIDARG, "listing it in a render");

    D3DKMT_HANDLE all[4] = {a, b, c, info.hAllocation};
    D3DDDICB_DEALLOCATE d = {NULL, 4, all};
    CHECK_HR(cb.pfnDeallocateCb(dev, &d), S_OK, "free all");
}

/* ------------------------------------------------------------------ split */

static void group_split(void)
{
    CHECK_HR(open_context(), S_OK, "pfnCreateContextCb");
    D3DKMT_HANDLE a, b;
    CHECK_HR(alloc_buffer(4096, CPU_RW, &a), S_OK, "allocate A (4 KiB)");
    CHECK_HR(alloc_buffer(4096, CPU_RW, &b), S_OK, "allocate B (4 KiB)");
    CHECK_HR(cpu_fill(a, 0xEE, 4096), S_OK, "A = EE");
    static uint8_t buf[8192];
    vidalloc_info i0, i1;

    /* 200 FILLs, one word each, one patch each: 40 bytes a command on the wire, so several
     * RENDERs; every patch must land in its own chunk. */
    uint8_t *cmd = cmdbuf();
    list_entry(0, 0, 0);
    list_entry(1, a, 1);
    for (UINT i = 0; i < 64; i++) {
        vidalloc_cmd_fill(cmd + 16 * i, 0, 0xC0DE0000u + i, 4);
        patch_entry(i, 1, 4 * i, 16 * i + VIDALLOC_CMD_DST_OFFSET);
    }
    vidalloc_get_info(dev, &i0);
    UINT f = 0;
    CHECK_HR(render(64, 2, 64, 0, &f), S_OK, "64 patched FILLs (2.5 KiB on the wire)");
    vidalloc_get_info(dev, &i1);
    CHECK(i1.frames_sent - i0.frames_sent >= 3, "sent as %llu RENDERs",
          (unsigned long long)(i1.frames_sent - i0.frames_sent));
    CHECK_HR(wait(f), S_OK, "wait for the last one's fence %u", f);
    read_back(a, buf, 4096);
    int ok = 1;
    for (UINT i = 0; i < 64; i++)
        ok &= word_at(buf, i) == 0xC0DE0000u + i;
    CHECK(ok && all_bytes(buf + 256, 4096 - 256, 0xEE), "every word where its patch said");

    /* Order across RENDERs: word 0 = X, then COPY word k-1 -> word k for k = 1..200
     * (64 bytes a command on the wire: ~15 per RENDER). */
    D3DDDICB_RENDER rs;
    memset(&rs, 0, sizeof rs);
    UINT np = 0;
    const UINT ncopy = 200;
    /* Room for 201 commands and 401 patches: ask for bigger lists first (Resize*). */
    rs.hContext = ctx.hContext;
    vidalloc_cmd_nop(cmdbuf());
    rs.CommandLength = 16;
    rs.Flags.ResizeCommandBuffer = 1;
    rs.NewCommandBufferSize = 16384;
    rs.Flags.ResizePatchLocationList = 1;
    rs.NewPatchLocationListSize = 512;
    CHECK_HR(cb.pfnRenderCb(dev, &rs), S_OK, "a NOP with ResizeCommandBuffer / ResizePatchLocationList");
    CHECK(rs.NewCommandBufferSize == 16384 && rs.NewPatchLocationListSize == 512,
          "new sizes %u bytes, %u patches", rs.NewCommandBufferSize, rs.NewPatchLocationListSize);
    ctx.pCommandBuffer = rs.pNewCommandBuffer;
    ctx.pAllocationList = rs.pNewAllocationList;
    ctx.pPatchLocationList = rs.pNewPatchLocationList;
    cmd = cmdbuf();
    vidalloc_cmd_fill(cmd, 0, 0x0BADF00Du, 4);
    list_entry(0, 0, 0);
    list_entry(1, b, 1);
    patch_entry(np++, 1, 0, VIDALLOC_CMD_DST_OFFSET);
    for (UINT k = 1; k <= ncopy; k++) {
        vidalloc_cmd_copy(cmd + 16 * k, 0, 0, 4);
        patch_entry(np++, 1, 4 * k, 16 * k + VIDALLOC_CMD_DST_OFFSET);
        patch_entry(np++, 1, 4 * (k - 1), 16 * k + VIDALLOC_CMD_SRC_OFFSET);
    }
    vidalloc_get_info(dev, &i0);
    CHECK_HR(render(ncopy + 1, 2, np, 0, &f), S_OK, "FILL + %u chained COPYs (%u patches)", ncopy, np);
    vidalloc_get_info(dev, &i1);
    CHECK(i1.frames_sent - i0.frames_sent >= 10, "sent as %llu RENDERs",
          (unsigned long long)(i1.frames_sent - i0.frames_sent));
    CHECK_HR(wait(f), S_OK, "wait");
    read_back(b, buf, 4096);
    CHECK(all_words(buf, 4 * (ncopy + 1), 0x0BADF00Du), "the value went through all %u copies in order",
          ncopy);

    /* 1000 commands (16000 bytes, the resized buffer): FILL word i of A with i * 0x10001
     * for i < 512, NOPs after. */
    cmd = cmdbuf();
    list_entry(0, 0, 0);
    list_entry(1, a, 1);
    np = 0;
    for (UINT i = 0; i < 1000; i++) {
        vidalloc_cmd_fill(cmd + 16 * i, 0, i * 0x00010001u, 4);
        if (i < 512)
            patch_entry(np++, 1, 4 * i, 16 * i + VIDALLOC_CMD_DST_OFFSET);
        else
            vidalloc_cmd_nop(cmd + 16 * i);
    }
    CHECK_HR(render(1000, 2, np, 0, &f), S_OK, "1000 commands, 512 patches");
    CHECK_HR(wait(f), S_OK, "wait");
    read_back(a, buf, 4096);
    ok = 1;
    for (UINT i = 0; i < 512; i++)
        ok &= word_at(buf, i) == i * 0x00010001u;
    CHECK(ok && all_bytes(buf + 2048, 2048, 0xEE), "words 0..511 = i, the rest untouched");
    D3DKMT_HANDLE both[2] = {a, b};
    D3DDDICB_DEALLOCATE d = {NULL, 2, both};
    CHECK_HR(cb.pfnDeallocateCb(dev, &d), S_OK, "free");
}

/* ------------------------------------------------------------------ validation */

static void group_validate(void)
{
    CHECK_HR(open_context(), S_OK, "pfnCreateContextCb");
    D3DKMT_HANDLE a;
    CHECK_HR(alloc_buffer(256, CPU_RW, &a), S_OK, "allocate A");
    vidalloc_info i0, i1;
    vidalloc_get_info(dev, &i0);
    D3DDDICB_RENDER r;
#define BAD(hrx, what, stmt)                                                     \
    do {                                                                         \
        vidalloc_cmd_fill(cmdbuf(), 0, 1, 16);                                   \
        list_entry(0, 0, 0);                                                     \
        list_entry(1, a, 1);                                                     \
        patch_entry(0, 1, 0, VIDALLOC_CMD_DST_OFFSET);                           \
        memset(&r, 0, sizeof r);                                                 \
        r.hContext = ctx.hContext;                                               \
        r.CommandLength = 16;                                                    \
        r.NumAllocations = 2;                                                    \
        r.NumPatchLocations = 1;                                                 \
        stmt;                                                                    \
        CHECK_HR(cb.pfnRenderCb(dev, &r), hrx, "host: %s", what);                \
    } while (0)
    CHECK_HR(cb.pfnRenderCb(dev, NULL), E_INVALIDARG, "host: NULL pData");
    BAD(E_INVALIDARG, "hContext NULL", r.hContext = NULL);
    BAD(E_INVALIDARG, "hContext not a context", r.hContext = &r);
    BAD(E_INVALIDARG, "CommandLength 8", r.CommandLength = 8);
    BAD(E_INVALIDARG, "CommandOffset 4", r.CommandOffset = 4);
    BAD(E_INVALIDARG, "CommandOffset = CommandLength", r.CommandOffset = 16);
    BAD(E_INVALIDARG, "CommandLength beyond the buffer", r.CommandLength = ctx.CommandBufferSize + 16);
    BAD(E_INVALIDARG, "NumAllocations 9", r.NumAllocations = VD_WIRE_MAX_RENDER_ALLOCS + 1);
    BAD(E_INVALIDARG, "NumPatchLocations beyond the list", r.NumPatchLocations = ctx.PatchLocationListSize + 1);
    BAD(E_INVALIDARG, "reserved Flags bit 7", r.Flags.Value = 0x80);
    BAD(E_INVALIDARG, "Flags.RenderKm", r.Flags.RenderKm = 1);
    BAD(E_INVALIDARG, "allocation list reserved bit 5", ctx.pAllocationList[1].Value |= 0x20);
    BAD(D3DDDIERR_INVALIDHANDLE, "hAllocation 0 at entry 1", ctx.pAllocationList[1].hAllocation = 0);
    BAD(E_INVALIDARG, "patch AllocationIndex 2", ctx.pPatchLocationList[0].AllocationIndex = 2);
    BAD(E_INVALIDARG, "patch on the NULL allocation", ctx.pPatchLocationList[0].AllocationIndex = 0);
    BAD(E_INVALIDARG, "PatchOffset 6", ctx.pPatchLocationList[0].PatchOffset = 6);
    BAD(E_INVALIDARG, "PatchOffset 16 (past CommandLength)", ctx.pPatchLocationList[0].PatchOffset = 16);
    BAD(E_INVALIDARG, "PatchOffset 0 (opcode word)", ctx.pPatchLocationList[0].PatchOffset = 0);
    BAD(E_INVALIDARG, "patch reserved bits", ctx.pPatchLocationList[0].Value = 0x01000000u);
    BAD(E_INVALIDARG, "ResizeCommandBuffer to 100", r.Flags.ResizeCommandBuffer = 1;
        r.NewCommandBufferSize = 100);
    vidalloc_get_info(dev, &i1);
    CHECK(i1.frames_sent == i0.frames_sent, "none of that reached the wire");
    /* The firmware's rule: an allocation the CPU holds locked cannot be rendered. */
    D3DDDICB_LOCK lk;
    memset(&lk, 0, sizeof lk);
    lk.hAllocation = a;
    CHECK_HR(cb.pfnLockCb(dev, &lk), S_OK, "lock A");
    BAD(D3DDDIERR_CANTRENDERLOCKEDALLOCATION, "A is locked", (void)0);
    D3DDDICB_UNLOCK ul = {1, &a};
    CHECK_HR(cb.pfnUnlockCb(dev, &ul), S_OK, "unlock A");
    UINT f;
    BAD(S_OK, "the same submission, valid", f = 0);
    vidalloc_last_fence(dev, NULL, &f);
    CHECK_HR(wait(f), S_OK, "and it runs");
    free1(a);
#undef BAD
}

/* The firmware's own checks, bypassing the host's (vidalloc_debug_request). */
static HRESULT raw_render(uint32_t hdev, uint32_t coff, uint32_t clen, const uint8_t *cmds,
                          UINT nalloc, const vd_wire_alloc_list *al, UINT npatch,
                          const vd_wire_patch_location *pl, int trim)
{
    uint8_t req[VD_WIRE_MAX_PAYLOAD];
    vd_wire_render_req q = {hdev, coff, clen, nalloc, npatch, 0};
    size_t n = 0;
    memcpy(req, &q, sizeof q);
    n += sizeof q;
    memcpy(req + n, cmds, clen - coff);
    n += clen - coff;
    memcpy(req + n, al, nalloc * sizeof *al);
    n += nalloc * sizeof *al;
    memcpy(req + n, pl, npatch * sizeof *pl);
    n += npatch * sizeof *pl;
    vd_wire_render_rsp rsp;
    return vidalloc_debug_request(dev, VD_MSG_RENDER, req, (UINT)(n - (size_t)trim), &rsp,
                                  sizeof rsp, NULL);
}

static void group_firmware(void)
{
    vidalloc_info in;
    vidalloc_get_info(dev, &in);
    uint32_t hd = in.hDevice;
    D3DKMT_HANDLE a;
    CHECK_HR(alloc_buffer(256, CPU_RW, &a), S_OK, "allocate A");
    uint8_t cmd[64];
    vidalloc_cmd_fill(cmd, 0, 0x01020304u, 16);
    vidalloc_cmd_nop(cmd + 16);
    vd_wire_alloc_list al[9] = {{0, 0}, {a, 1}};
    vd_wire_patch_location pl = {1, 0, 0, 0, 4, 0};
    CHECK_HR(raw_render(hd, 0, 16, cmd, 2, al, 1, &pl, 0), S_OK, "a valid raw RENDER");
    CHECK_HR(raw_render(hd, 8, 24, cmd, 2, al, 1, &pl, 0), E_INVALIDARG, "CommandOffset 8");
    CHECK_HR(raw_render(hd, 0, 16, cmd, 2, al, 1, &pl, 4), E_INVALIDARG, "payload 4 bytes short");
    CHECK_HR(raw_render(hd, 0, 16, cmd, 9, al, 0, &pl, 0), E_INVALIDARG, "NumAllocations 9");
    vd_wire_alloc_list bad[2] = {{0, 0}, {0x40003FFFu, 1}};
    CHECK_HR(raw_render(hd, 0, 16, cmd, 2, bad, 0, &pl, 0), D3DDDIERR_INVALIDHANDLE, "a bad handle");
    vd_wire_alloc_list zero1[2] = {{0, 0}, {0, 1}};
    CHECK_HR(raw_render(hd, 0, 16, cmd, 2, zero1, 0, &pl, 0), D3DDDIERR_INVALIDHANDLE,
             "hAllocation 0 at entry 1");
    vd_wire_patch_location p2 = pl;
    p2.PatchOffset = 0;
    CHECK_HR(raw_render(hd, 0, 16, cmd, 2, al, 1, &p2, 0), E_INVALIDARG, "patch on the opcode word");
    p2 = pl;
    p2.PatchOffset = 16;
    CHECK_HR(raw_render(hd, 0, 16, cmd, 2, al, 1, &p2, 0), E_INVALIDARG, "PatchOffset past the commands");
    p2 = pl;
    p2.AllocationOffset = 256;
    CHECK_HR(raw_render(hd, 0, 16, cmd, 2, al, 1, &p2, 0), E_INVALIDARG, "AllocationOffset = size");
    p2 = pl;
    p2.AllocationIndex = 0;
    CHECK_HR(raw_render(hd, 0, 16, cmd, 2, al, 1, &p2, 0), E_INVALIDARG, "patch on the NULL entry");
    uint8_t op[16];
    memcpy(op, cmd, 16);
    op[0] = 3; /* FENCE: the kernel's */
    CHECK_HR(raw_render(hd, 0, 16, op, 2, al, 0, &pl, 0), E_INVALIDARG, "a FENCE command");
    op[0] = 9;
    CHECK_HR(raw_render(hd, 0, 16, op, 2, al, 0, &pl, 0), E_INVALIDARG, "an unknown opcode");
    op[0] = 1;
    op[1] = 1; /* reserved bits of word 0 */
    CHECK_HR(raw_render(hd, 0, 16, op, 2, al, 0, &pl, 0), E_INVALIDARG, "reserved opcode bits");
    CHECK_HR(raw_render(hd + 1, 0, 16, cmd, 2, al, 1, &pl, 0), E_INVALIDARG, "not an open device");
    CHECK_HR(vidalloc_wait_fence(dev, 1000, 0), E_INVALIDARG, "FENCE of a fence never handed out");
    vd_wire_escape_req eq = {99, 0, 0, 0};
    vd_wire_escape_rsp er;
    CHECK_HR(vidalloc_debug_request(dev, VD_MSG_ESCAPE, &eq, sizeof eq, &er, sizeof er, NULL),
             E_INVALIDARG, "an unknown escape");
    CHECK_HR(vidalloc_escape_set_tdr(dev, 1, 0, NULL, NULL), E_INVALIDARG, "TdrDelay 1 cycle (< 4)");
    /* None of that hurt the device. */
    CHECK_HR(open_context(), S_OK, "pfnCreateContextCb");
    UINT f;
    CHECK_HR(gpu_fill(a, 0, 256, 0x600DF00Du, 0, &f), S_OK, "the device still renders");
    CHECK_HR(wait(f), S_OK, "wait");
    uint8_t buf[256];
    read_back(a, buf, 256);
    CHECK(all_words(buf, 256, 0x600DF00Du), "A filled");
    vd_wire_gpu_state g = gpu();
    CHECK(g.faults == 0 && g.errors == 0 && g.timeouts == 0, "no fault, error or timeout counted");
    free1(a);
}

/* ------------------------------------------------------------------ faults */

/* After a removal, on a new device: allocate all that is free and read it, to see what
 * the hardware left in the old allocations' bytes (freeing does not clear VRAM, a fault
 * purges nothing). *base = its VRAM offset. */
static HRESULT read_vram(uint8_t *buf, uint32_t *base, uint32_t *len)
{
    vd_wire_segment_stats s = stats();
    D3DKMT_HANDLE x;
    HRESULT hr = alloc_buffer(s.largest_free, CPU_RW, &x);
    if (FAILED(hr))
        return hr;
    vd_wire_allocation_info ai = placement(x);
    *base = ai.offset;
    *len = s.largest_free;
    hr = read_back(x, buf, s.largest_free);
    free1(x);
    return hr;
}

static void group_fault(void)
{
    static uint8_t vram[128 * 1024];
    vd_wire_segment_stats s0 = stats();
    vd_wire_gpu_state g0 = gpu();
    CHECK_HR(open_context(), S_OK, "pfnCreateContextCb");
    D3DKMT_HANDLE a, b;
    CHECK_HR(alloc_buffer(256, CPU_RW, &a), S_OK, "allocate A (256 B)");
    CHECK_HR(alloc_buffer(256, CPU_RW, &b), S_OK, "allocate B (256 B)");
    vd_wire_allocation_info ia = placement(a), ib = placement(b);
    CHECK(ia.offset + ia.size == ib.offset, "B right after A (0x%X, 0x%X)", ia.offset, ib.offset);
    CHECK_HR(cpu_fill(a, 0x00, 256), S_OK, "A = 00");
    CHECK_HR(cpu_fill(b, 0x5A, 256), S_OK, "B = 5A");

    /* A FILL of 512 bytes from A's start: the window ends at A's end. */
    UINT f;
    CHECK_HR(gpu_fill(a, 0, 512, 0xF00DFACEu, 0, &f), S_OK, "FILL 512 bytes into 256-byte A");
    CHECK_HR(wait(f), D3DDDIERR_DEVICEREMOVED, "its fence: the device is removed");
    vd_wire_gpu_state g1 = gpu();
    CHECK(g1.faults == g0.faults + 1, "GPU_STATE: one fault (%u)", g1.faults);
    CHECK(g1.last_fault_addr == ia.offset + ia.size, "stopped at A's end: FAULT_ADDR 0x%X (want 0x%X)",
          g1.last_fault_addr, ia.offset + ia.size);
    CHECK(g1.timeouts == g0.timeouts && !g1.adapter_removed, "a fault is not a timeout; adapter present");
    check_removed(a, f);

    CHECK_HR(vidalloc_reopen(dev), S_OK, "vidalloc_reopen");
    vd_wire_segment_stats s1 = stats();
    CHECK(s1.used == s0.used && s1.allocations == s0.allocations,
          "nothing leaked (used %u, %u allocations)", s1.used, s1.allocations);
    uint32_t base = 0, len = 0;
    CHECK_HR(read_vram(vram, &base, &len), S_OK, "read the freed VRAM from the new device");
    int covers = base <= ia.offset && ib.offset + 256 <= base + len;
    CHECK(covers, "it covers old A and B (0x%X+%u)", base, len);
    if (covers) {
        CHECK(all_words(vram + ia.offset - base, 256, 0xF00DFACEu), "old A: filled to its end");
        CHECK(all_bytes(vram + ib.offset - base, 256, 0x5A), "old B: untouched (5A)");
    }

    /* A write to an entry listed read-only (WriteOperation 0). */
    CHECK_HR(open_context(), S_OK, "pfnCreateContextCb on the new device");
    CHECK_HR(alloc_buffer(256, CPU_RW, &a), S_OK, "allocate A");
    CHECK_HR(cpu_fill(a, 0x77, 256), S_OK, "A = 77");
    ia = placement(a);
    CHECK_HR(gpu_fill(a, 0, 256, 0xBAD0BAD0u, 1, &f), S_OK, "FILL A listed read-only");
    CHECK_HR(wait(f), D3DDDIERR_DEVICEREMOVED, "removed");
    vd_wire_gpu_state g2 = gpu();
    CHECK(g2.faults == g1.faults + 1 && g2.last_fault_addr == ia.offset,
          "fault at A's first word (0x%X, want 0x%X)", g2.last_fault_addr, ia.offset);
    CHECK_HR(vidalloc_reopen(dev), S_OK, "vidalloc_reopen");
    CHECK_HR(read_vram(vram, &base, &len), S_OK, "read the freed VRAM");
    CHECK(base <= ia.offset && all_bytes(vram + ia.offset - base, 256, 0x77), "A untouched (77)");

    /* A bad command at run time (unaligned FILL): the engine stops, the device is removed. */
    CHECK_HR(open_context(), S_OK, "pfnCreateContextCb");
    CHECK_HR(alloc_buffer(256, CPU_RW, &a), S_OK, "allocate A");
    CHECK_HR(gpu_fill(a, 2, 16, 1, 0, &f), S_OK, "FILL at an unaligned address");
    CHECK_HR(wait(f), D3DDDIERR_DEVICEREMOVED, "removed");
    vd_wire_gpu_state g3 = gpu();
    CHECK(g3.errors == g2.errors + 1, "GPU_STATE: one bad command (%u)", g3.errors);
    CHECK_HR(vidalloc_reopen(dev), S_OK, "vidalloc_reopen");
    vd_wire_segment_stats s2 = stats();
    CHECK(s2.used == s0.used && s2.allocations == s0.allocations, "nothing leaked");
    CHECK(gpu().timeouts == g0.timeouts, "no timeout counted for faults and errors");
}

/* ------------------------------------------------------------------ TDR */

static void group_tdr(void)
{
    vd_wire_segment_stats s0 = stats();
    UINT delay = 0, window = 0;
    CHECK_HR(vidalloc_escape_set_tdr(dev, TDR_SHORT, 0, &delay, &window), S_OK, "TdrDelay %u cycles", TDR_SHORT);
    CHECK(delay == TDR_SHORT && window > 0, "settings now: delay %u, window %u", delay, window);
    CHECK_HR(open_context(), S_OK, "pfnCreateContextCb");
    D3DKMT_HANDLE a;
    CHECK_HR(alloc_buffer(256, CPU_RW, &a), S_OK, "allocate A");
    UINT f;
    CHECK_HR(gpu_fill(a, 0, 256, 0x12345678u, 0, &f), S_OK, "FILL A");
    CHECK_HR(wait(f), S_OK, "wait");

    /* FILL A then HANG: A is in use until the watchdog fires. */
    uint8_t *cmd = cmdbuf();
    vidalloc_cmd_fill(cmd, 0, 0x87654321u, 256);
    vidalloc_cmd_hang(cmd + 16);
    list_entry(0, 0, 0);
    list_entry(1, a, 1);
    patch_entry(0, 1, 0, VIDALLOC_CMD_DST_OFFSET);
    CHECK_HR(render(2, 2, 1, 0, &f), S_OK, "FILL + HANG");
    D3DDDICB_LOCK lk;
    memset(&lk, 0, sizeof lk);
    lk.hAllocation = a;
    lk.Flags.DonotWait = 1;
    CHECK_HR(cb.pfnLockCb(dev, &lk), D3DERR_WASSTILLDRAWING, "pfnLockCb DonotWait on A while the GPU has it");
    CHECK_HR(vidalloc_wait_fence(dev, f, 0), D3DERR_WASSTILLDRAWING, "fence not reached yet");
    CHECK_HR(wait(f), D3DDDIERR_DEVICEREMOVED, "the watchdog fires: DEVICEREMOVED");
    vd_wire_gpu_state g = gpu();
    CHECK(g.timeouts == 1 && g.timeouts_in_window == 1 && !g.adapter_removed,
          "GPU_STATE: %u timeout(s), %u in the window, adapter present", g.timeouts, g.timeouts_in_window);
    CHECK(g.engine_state == 0, "engine restarted (%s)", vidalloc_gpu_state_name(g.engine_state));
    check_removed(a, f);

    CHECK_HR(vidalloc_reopen(dev), S_OK, "vidalloc_reopen (CLOSE_DEVICE + OPEN_DEVICE)");
    vd_wire_segment_stats s1 = stats();
    CHECK(s1.used == s0.used && s1.allocations == s0.allocations,
          "no VRAM leaked (used %u = %u, %u allocations)", s1.used, s0.used, s1.allocations);
    CHECK_HR(open_context(), S_OK, "pfnCreateContextCb on the new device");
    CHECK_HR(alloc_buffer(256, CPU_RW, &a), S_OK, "allocate A again");
    CHECK_HR(gpu_fill(a, 0, 256, 0x0F0F0F0Fu, 0, &f), S_OK, "FILL A");
    CHECK_HR(wait(f), S_OK, "wait");
    uint8_t buf[256];
    CHECK_HR(read_back(a, buf, 256), S_OK, "read A");
    CHECK(all_words(buf, 256, 0x0F0F0F0Fu), "the new device renders");

    /* HANG, then a RENDER the firmware holds until the TDR: answered DEVICEREMOVED. */
    CHECK_HR(gpu_hang(&f), S_OK, "HANG");
    UINT f2;
    CHECK_HR(gpu_fill(a, 0, 16, 1, 0, &f2), D3DDDIERR_DEVICEREMOVED, "a RENDER behind it");
    CHECK(gpu().timeouts == 2, "two timeouts");

    /* vidalloc_close + vidalloc_open (with sim/inproc: a new board) works too. */
    CHECK_HR(vidalloc_close(dev), S_OK, "vidalloc_close on a removed device (CLOSE_DEVICE)");
    dev = NULL;
    CHECK_HR(vidalloc_open(uri, NULL, &dev, &cb), S_OK, "vidalloc_open again");
    if (!dev)
        return;
    CHECK_HR(open_context(), S_OK, "pfnCreateContextCb");
    CHECK_HR(alloc_buffer(256, CPU_RW, &a), S_OK, "allocate");
    CHECK_HR(gpu_fill(a, 0, 256, 0x31415926u, 0, &f), S_OK, "FILL");
    CHECK_HR(wait(f), S_OK, "wait");
    read_back(a, buf, 256);
    CHECK(all_words(buf, 256, 0x31415926u), "renders after close + open");
}

/* The default TdrDelay (2 s): a RENDER behind a HANG is held by the firmware for 2 s; the
 * link must survive that (host-lib's patience for requests that wait for the GPU). */
static void group_tdr_default(void)
{
    CHECK_HR(open_context(), S_OK, "pfnCreateContextCb");
    D3DKMT_HANDLE a;
    CHECK_HR(alloc_buffer(256, CPU_RW, &a), S_OK, "allocate A");
    UINT f, f2;
    vidalloc_info i0, i1;
    vidalloc_get_info(dev, &i0);
    CHECK_HR(gpu_hang(&f), S_OK, "HANG (TdrDelay 2 s)");
    CHECK_HR(gpu_fill(a, 0, 16, 1, 0, &f2), D3DDDIERR_DEVICEREMOVED, "a RENDER behind it: held, then removed");
    vidalloc_get_info(dev, &i1);
    if (i1.sim_cycles)
        CHECK(i1.sim_cycles - i0.sim_cycles >= 24000000u, "held ~2 s of board time (%llu cycles)",
              (unsigned long long)(i1.sim_cycles - i0.sim_cycles));
    vd_wire_gpu_state g;
    CHECK_HR(vidalloc_escape_gpu_state(dev, &g), S_OK, "the link is alive");
    CHECK(g.timeouts == 1, "one timeout");
    CHECK_HR(vidalloc_reopen(dev), S_OK, "vidalloc_reopen");
}

/* Hangs spread over more than the window do not add up (window 1 cycle). */
static void group_window(void)
{
    CHECK_HR(vidalloc_escape_set_tdr(dev, TDR_SHORT, 1, NULL, NULL), S_OK, "TdrDelay %u, window 1 cycle", TDR_SHORT);
    for (unsigned i = 1; i <= VD_TDR_LIMIT + 1; i++) {
        UINT f;
        CHECK_HR(open_context(), S_OK, "context %u", i);
        CHECK_HR(gpu_hang(&f), S_OK, "HANG %u", i);
        CHECK_HR(wait(f), D3DDDIERR_DEVICEREMOVED, "removed");
        CHECK_HR(vidalloc_reopen(dev), S_OK, "reopen %u", i);
    }
    vd_wire_gpu_state g = gpu();
    CHECK(g.timeouts == VD_TDR_LIMIT + 1 && g.timeouts_in_window <= 1 && !g.adapter_removed,
          "%u timeouts, %u in the window: adapter present", g.timeouts, g.timeouts_in_window);
}

/* More than VD_TDR_LIMIT timeouts inside the window remove the adapter. */
static void group_removal(void)
{
    vd_wire_segment_stats s0 = stats();
    CHECK_HR(vidalloc_escape_set_tdr(dev, TDR_SHORT, 0, NULL, NULL), S_OK, "TdrDelay %u, default window", TDR_SHORT);
    for (unsigned i = 1; i <= VD_TDR_LIMIT + 1; i++) {
        UINT f;
        D3DKMT_HANDLE a;
        CHECK_HR(open_context(), S_OK, "context %u", i);
        CHECK_HR(alloc_buffer(512, CPU_RW, &a), S_OK, "an allocation to purge");
        CHECK_HR(gpu_hang(&f), S_OK, "HANG %u", i);
        CHECK_HR(wait(f), D3DDDIERR_DEVICEREMOVED, "removed");
        vd_wire_gpu_state g = gpu();
        CHECK(g.timeouts == i && g.timeouts_in_window == i && g.adapter_removed == (i > VD_TDR_LIMIT),
              "%u timeouts in the window; adapter %s", g.timeouts_in_window,
              g.adapter_removed ? "removed" : "present");
        CHECK_HR(vidalloc_reopen(dev), i > VD_TDR_LIMIT ? D3DDDIERR_DEVICEREMOVED : S_OK,
                 "reopen after timeout %u", i);
    }
    D3DKMT_HANDLE x;
    CHECK_HR(alloc_buffer(64, 0, &x), D3DDDIERR_DEVICEREMOVED, "no device: pfnAllocateCb");
    CHECK_HR(vidalloc_reopen(dev), D3DDDIERR_DEVICEREMOVED, "OPEN_DEVICE stays refused");
    vd_wire_segment_stats s1;
    CHECK_HR(vidalloc_query_segment_stats(dev, &s1), S_OK, "QUERY still works");
    CHECK(s1.used == s0.used && s1.allocations == s0.allocations && s1.devices == 0,
          "everything freed (used %u, %u allocations, %u devices)", s1.used, s1.allocations, s1.devices);
    CHECK(gpu().adapter_removed == 1, "ESCAPE still works: adapter removed");
}

/*
 * A board without the GPU command block (build target `minimal`): HELLO says so, VRAM has
 * no ring, the allocation path works, host-lib refuses the GPU calls at once with E_FAIL and
 * a sentence, and the firmware answers raw RENDER, FENCE and ESCAPE requests E_FAIL itself
 * (without touching the missing block: the board stays up).
 */
static void group_nogpu(void)
{
    vidalloc_info in;
    CHECK_HR(vidalloc_get_info(dev, &in), S_OK, "vidalloc_get_info");
    CHECK(in.features == (VIDALLOC_FEATURE_UART | VIDALLOC_FEATURE_TIMER |
                          VIDALLOC_FEATURE_SPIFLASH | VIDALLOC_FEATURE_MEMCTL),
          "HELLO features 0x%08x: every block but the GPU", in.features);
    vd_wire_segment_stats s = stats();
    CHECK(s.size == in.vram_size, "segment 1 is all of VRAM (%u of %u bytes): no ring", s.size,
          in.vram_size);

    D3DKMT_HANDLE a;
    CHECK_HR(alloc_buffer(4096, CPU_RW, &a), S_OK, "pfnAllocateCb");
    D3DDDICB_LOCK lk;
    memset(&lk, 0, sizeof lk);
    lk.hAllocation = a;
    CHECK_HR(cb.pfnLockCb(dev, &lk), S_OK, "pfnLockCb");
    for (uint32_t i = 0; i < 4096; i++)
        ((uint8_t *)lk.pData)[i] = (uint8_t)(i * 7u);
    D3DDDICB_UNLOCK ul = {1, &a};
    CHECK_HR(cb.pfnUnlockCb(dev, &ul), S_OK, "pfnUnlockCb writes it back");
    lk.Flags.ReadOnly = 1;
    CHECK_HR(cb.pfnLockCb(dev, &lk), S_OK, "pfnLockCb, read only");
    int same = 1;
    for (uint32_t i = 0; i < 4096; i++)
        same &= ((uint8_t *)lk.pData)[i] == (uint8_t)(i * 7u);
    CHECK(same, "the 4096 bytes read back from VRAM");
    CHECK_HR(cb.pfnUnlockCb(dev, &ul), S_OK, "pfnUnlockCb");

    CHECK_HR(open_context(), E_FAIL, "pfnCreateContextCb");
    CHECK(strstr(vidalloc_last_error(), "no GPU command block") != NULL, "says why: \"%s\"",
          vidalloc_last_error());
    UINT c = 0, sub = 0;
    CHECK_HR(vidalloc_query_fence(dev, 1, &c, &sub), E_FAIL, "vidalloc_query_fence");
    vd_wire_gpu_state g;
    CHECK_HR(vidalloc_escape_gpu_state(dev, &g), E_FAIL, "vidalloc_escape_gpu_state");

    /* The firmware's own answer (nothing checked on the host first). */
    uint8_t cmd[16];
    vidalloc_cmd_fill(cmd, 0, 0x11223344u, 64);
    vd_wire_alloc_list al[2] = {{0, 0}, {a, 1}};
    vd_wire_patch_location pl;
    memset(&pl, 0, sizeof pl);
    pl.AllocationIndex = 1;
    pl.PatchOffset = VIDALLOC_CMD_DST_OFFSET;
    CHECK_HR(raw_render(in.hDevice, 0, 16, cmd, 2, al, 1, &pl, 0), E_FAIL, "raw RENDER: E_FAIL");
    vd_wire_fence_req fq = {in.hDevice, 1};
    vd_wire_fence_rsp fr;
    CHECK_HR(vidalloc_debug_request(dev, VD_MSG_FENCE, &fq, sizeof fq, &fr, sizeof fr, NULL),
             E_FAIL, "raw FENCE: E_FAIL");
    vd_wire_escape_req eq = {VD_ESCAPE_GPU_STATE, 0, 0, 0};
    vd_wire_escape_rsp er;
    CHECK_HR(vidalloc_debug_request(dev, VD_MSG_ESCAPE, &eq, sizeof eq, &er, sizeof er, NULL),
             E_FAIL, "raw ESCAPE: E_FAIL");

    CHECK_HR(free1(a), S_OK, "pfnDeallocateCb (no submission to wait for)");
    s = stats();
    CHECK(s.used == 0 && s.allocations == 0, "nothing left (used %u, %u allocations)", s.used,
          s.allocations);
}

int main(int argc, char **argv)
{
    static const e2e_group groups[] = {
        {"render", group_render},   {"split", group_split},   {"validate", group_validate},
        {"firmware", group_firmware}, {"fault", group_fault}, {"tdr", group_tdr},
        {"tdr-default", group_tdr_default}, {"window", group_window}, {"removal", group_removal},
        {"nogpu", group_nogpu},     {"sysmem", group_sysmem},
    };
    return e2e_main("render_e2e", argc, argv, groups, sizeof groups / sizeof groups[0]);
}
