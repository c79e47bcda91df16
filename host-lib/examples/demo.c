/*
 * demo - the pfnAllocateCb scenario of the WDK page, end to end on the simulated board:
 * a flipping chain tied to one resource, device allocations, a system-memory allocation,
 * a lock round trip, an E_INVALIDARG and a D3DERR_OUTOFVIDEOMEMORY, GPU work through
 * pfnRenderCb (a FILL and a COPY patched onto the allocations, read back through
 * pfnLockCb), everything freed and the segment back at zero; then a GPU hang: timeout
 * detection and recovery, D3DDDIERR_DEVICEREMOVED, and a reopened device that works.
 * Every call and its result is printed.
 *
 *   demo [--dev URI]   (default sim; inproc, 'sim?link=pcie', 'inproc?link=pcie' or
 *                      uart:/dev/ttyUSB1?baud=3000000)
 *   demo --bench       protocol figures (inproc: exact cycles)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vidalloc/vidalloc.h"

static HANDLE g_dev;
static D3DDDI_DEVICECALLBACKS g_cb;
static int g_unexpected;

static void show(const char *call, HRESULT hr, HRESULT expected)
{
    printf("  -> %s (0x%08X)%s\n", vidalloc_hresult_name(hr), (unsigned)hr,
           hr == expected ? "" : "   <-- UNEXPECTED");
    if (hr != expected) {
        g_unexpected++;
        fprintf(stderr, "demo: %s: %s\n", call, vidalloc_last_error());
    }
}

static void stats(const char *when)
{
    vd_wire_segment_stats s;
    HRESULT hr = vidalloc_query_segment_stats(g_dev, &s);
    if (FAILED(hr)) {
        show("stats", hr, S_OK);
        return;
    }
    printf("  segment stats %s: VRAM used %u of %u bytes, largest free %u, "
           "%u allocations, %u resources\n", when, s.used, s.size, s.largest_free,
           s.allocations, s.resources);
}

static void place(D3DKMT_HANDLE h)
{
    vd_wire_allocation_info ai;
    if (SUCCEEDED(vidalloc_query_allocation(g_dev, h, &ai)))
        printf("     hAllocation 0x%08X: %s, offset 0x%05X, size %u, align %u, parent 0x%08X\n",
               h, ai.residency == 1 ? "VRAM" : ai.residency == 2 ? "system memory" : "other",
               ai.offset, ai.size, ai.alignment, ai.hKMResource);
}

static int demo(const char *uri)
{
    printf("== vidalloc demo: pfnAllocateCb end to end (host-lib -> UART -> PicoRV32 firmware) ==\n");
    printf("vidalloc_open(\"%s\")  [boots the board, HELLO, OPEN_DEVICE]\n", uri);
    HRESULT hr = vidalloc_open(uri, NULL, &g_dev, &g_cb);
    show("vidalloc_open", hr, S_OK);
    if (FAILED(hr))
        return 1;
    vidalloc_info in;
    vidalloc_get_info(g_dev, &in);
    printf("  firmware %s, wire v%u, VRAM %u bytes, %u Hz, hDevice 0x%08X, transport %s\n",
           in.fw_version, in.wire_version, in.vram_size, in.clk_hz, in.hDevice, in.transport);
    stats("at start");

    /* 1. A flipping chain: a primary and two back buffers, one resource. */
    vd_surface_desc chain_desc;
    vidalloc_surface_desc(&chain_desc, 64, 48, D3DDDIFMT_X8R8G8B8, VD_SURFACE_USAGE_RENDERTARGET);
    chain_desc.RefreshRateNumerator = 60;
    chain_desc.RefreshRateDenominator = 1;
    D3DDDI_ALLOCATIONINFO chain[3];
    memset(chain, 0, sizeof chain);
    for (int i = 0; i < 3; i++) {
        chain[i].pPrivateDriverData = &chain_desc;
        chain[i].PrivateDriverDataSize = sizeof chain_desc;
        chain[i].Flags.Primary = TRUE; /* the primary and its fullscreen back buffers */
        chain[i].VidPnSourceId = 0;
    }
    static const char resource_data[] = "swapchain";
    D3DDDICB_ALLOCATE cb;
    memset(&cb, 0, sizeof cb);
    cb.hResource = (HANDLE)(uintptr_t)0x1001; /* the runtime's handle of the resource */
    cb.pPrivateDriverData = resource_data;
    cb.PrivateDriverDataSize = sizeof resource_data;
    cb.NumAllocations = 3;
    cb.pAllocationInfo = chain;
    printf("\n1. flipping chain: pfnAllocateCb(hResource 0x1001, 3 x 64x48 X8R8G8B8 Primary, "
           "VidPnSourceId 0)\n");
    hr = g_cb.pfnAllocateCb(g_dev, &cb);
    show("flip chain", hr, S_OK);
    D3DKMT_HANDLE kmr = cb.hKMResource;
    printf("     hKMResource 0x%08X\n", kmr);
    for (int i = 0; i < 3; i++)
        place(chain[i].hAllocation);
    for (UINT i = 0;; i++) {
        D3DKMT_HANDLE child;
        if (FAILED(vidalloc_query_child(g_dev, kmr, i, &child)) || !child)
            break;
        D3DKMT_HANDLE parent = 0;
        vidalloc_query_parent(g_dev, child, &parent);
        printf("     DxgkCbEnumHandleChildren(0x%08X, %u) = 0x%08X, "
               "DxgkCbGetHandleParent = 0x%08X\n", kmr, i, child, parent);
    }
    vd_wire_describe dsc;
    if (SUCCEEDED(vidalloc_describe_allocation(g_dev, chain[0].hAllocation, &dsc)))
        printf("     DxgkDdiDescribeAllocation(primary): %ux%u format %u at %u/%u Hz\n", dsc.Width,
               dsc.Height, dsc.Format, dsc.RefreshRateNumerator, dsc.RefreshRateDenominator);

    /* 2. Device allocations (hResource NULL): a vertex buffer and a texture. */
    vd_surface_desc vb_desc, tex_desc;
    vidalloc_buffer_desc(&vb_desc, 3000, VD_SURFACE_USAGE_CPU_WRITE | VD_SURFACE_USAGE_CPU_READ);
    vidalloc_surface_desc(&tex_desc, 32, 32, D3DDDIFMT_A8,
                          VD_SURFACE_USAGE_CPU_READ | VD_SURFACE_USAGE_CPU_WRITE);
    D3DDDI_ALLOCATIONINFO dev_allocs[2];
    memset(dev_allocs, 0, sizeof dev_allocs);
    dev_allocs[0].pPrivateDriverData = &vb_desc;
    dev_allocs[0].PrivateDriverDataSize = sizeof vb_desc;
    dev_allocs[1].pPrivateDriverData = &tex_desc;
    dev_allocs[1].PrivateDriverDataSize = sizeof tex_desc;
    memset(&cb, 0, sizeof cb);
    cb.NumAllocations = 2;
    cb.pAllocationInfo = dev_allocs;
    printf("\n2. device allocations: pfnAllocateCb(hResource NULL, 3000-byte buffer + 32x32 A8)\n");
    hr = g_cb.pfnAllocateCb(g_dev, &cb);
    show("device allocations", hr, S_OK);
    printf("     hKMResource 0x%08X (none: the allocations belong to the device)\n", cb.hKMResource);
    for (int i = 0; i < 2; i++)
        place(dev_allocs[i].hAllocation);

    /* Lock round trip on the buffer. */
    D3DDDICB_LOCK lk;
    memset(&lk, 0, sizeof lk);
    lk.hAllocation = dev_allocs[0].hAllocation;
    lk.Flags.WriteOnly = 1;
    lk.Flags.LockEntire = 1;
    printf("   pfnLockCb(buffer, WriteOnly|LockEntire), write a pattern, pfnUnlockCb\n");
    hr = g_cb.pfnLockCb(g_dev, &lk);
    show("lock", hr, S_OK);
    if (SUCCEEDED(hr)) {
        for (int i = 0; i < 3000; i++)
            ((uint8_t *)lk.pData)[i] = (uint8_t)(i * 7 + 1);
        D3DDDICB_UNLOCK ul = {1, &dev_allocs[0].hAllocation};
        show("unlock", g_cb.pfnUnlockCb(g_dev, &ul), S_OK);
    }
    memset(&lk, 0, sizeof lk);
    lk.hAllocation = dev_allocs[0].hAllocation;
    lk.Flags.ReadOnly = 1;
    printf("   pfnLockCb(buffer, ReadOnly) and compare\n");
    hr = g_cb.pfnLockCb(g_dev, &lk);
    show("lock", hr, S_OK);
    if (SUCCEEDED(hr)) {
        int same = 1;
        for (int i = 0; i < 3000; i++)
            same &= ((uint8_t *)lk.pData)[i] == (uint8_t)(i * 7 + 1);
        printf("     3000 bytes read back %s\n", same ? "identical" : "DIFFERENT");
        if (!same)
            g_unexpected++;
        D3DDDICB_UNLOCK ul = {1, &dev_allocs[0].hAllocation};
        show("unlock", g_cb.pfnUnlockCb(g_dev, &ul), S_OK);
    }

    /* 3. System memory the runtime preallocated. */
    static uint8_t sysmem[2048];
    vd_surface_desc sys_desc;
    vidalloc_buffer_desc(&sys_desc, sizeof sysmem, 0);
    D3DDDI_ALLOCATIONINFO sys_alloc;
    memset(&sys_alloc, 0, sizeof sys_alloc);
    sys_alloc.pSystemMem = sysmem;
    sys_alloc.pPrivateDriverData = &sys_desc;
    sys_alloc.PrivateDriverDataSize = sizeof sys_desc;
    memset(&cb, 0, sizeof cb);
    cb.NumAllocations = 1;
    cb.pAllocationInfo = &sys_alloc;
    printf("\n3. system memory: pfnAllocateCb(pSystemMem = 2048 host bytes)\n");
    hr = g_cb.pfnAllocateCb(g_dev, &cb);
    show("sysmem", hr, S_OK);
    place(sys_alloc.hAllocation);

    /* 4. Invalid: the miniport rejects a surface of unknown format (E_INVALIDARG from the
     * firmware), and host-lib rejects Stereo without Primary before sending anything. */
    vd_surface_desc bad_desc;
    vidalloc_surface_desc(&bad_desc, 16, 16, (D3DDDIFORMAT)999, 0);
    D3DDDI_ALLOCATIONINFO bad;
    memset(&bad, 0, sizeof bad);
    bad.pPrivateDriverData = &bad_desc;
    bad.PrivateDriverDataSize = sizeof bad_desc;
    memset(&cb, 0, sizeof cb);
    cb.NumAllocations = 1;
    cb.pAllocationInfo = &bad;
    printf("\n4. invalid: pfnAllocateCb(16x16 surface of D3DDDIFORMAT 999)  [miniport rejects]\n");
    show("bad format", g_cb.pfnAllocateCb(g_dev, &cb), E_INVALIDARG);
    bad_desc.Format = D3DDDIFMT_A8;
    bad.Flags.Stereo = 1;
    printf("   invalid: pfnAllocateCb(Flags.Stereo without Primary)  [host-lib rejects]\n");
    show("stereo", g_cb.pfnAllocateCb(g_dev, &cb), E_INVALIDARG);

    /* 5. More than the VRAM has left. */
    vd_wire_segment_stats s;
    vidalloc_query_segment_stats(g_dev, &s);
    vd_surface_desc big_desc;
    vidalloc_buffer_desc(&big_desc, s.largest_free + 4096, 0);
    D3DDDI_ALLOCATIONINFO big;
    memset(&big, 0, sizeof big);
    big.pPrivateDriverData = &big_desc;
    big.PrivateDriverDataSize = sizeof big_desc;
    cb.pAllocationInfo = &big;
    printf("\n5. too big: pfnAllocateCb(buffer of %u bytes; %u free in VRAM)\n", big_desc.ByteSize,
           s.free);
    show("too big", g_cb.pfnAllocateCb(g_dev, &cb), D3DERR_OUTOFVIDEOMEMORY);
    stats("before freeing");

    /* 6. GPU work on the two device allocations: FILL the texture, COPY part of the buffer
     * into it. The commands carry offset 0; patch entries put the allocations' addresses in
     * (DxgkDdiPatch), and the allocation list gives the GPU its windows: the texture
     * writable, the buffer read-only. */
    D3DKMT_HANDLE tex = dev_allocs[1].hAllocation, buf = dev_allocs[0].hAllocation;
    D3DDDICB_CREATECONTEXT cc;
    memset(&cc, 0, sizeof cc);
    printf("\n6. GPU: pfnCreateContextCb\n");
    hr = g_cb.pfnCreateContextCb(g_dev, &cc);
    show("create context", hr, S_OK);
    if (SUCCEEDED(hr)) {
        uint8_t *cmd = cc.pCommandBuffer;
        UINT n = vidalloc_cmd_fill(cmd, 0, 0x5A5A5A5Au, 1024);
        n += vidalloc_cmd_copy(cmd + n, 0, 0, 256);
        D3DDDI_ALLOCATIONLIST *al = cc.pAllocationList;
        al[0].hAllocation = 0; /* entry 0: the NULL allocation */
        al[1].hAllocation = tex;
        al[1].WriteOperation = 1;
        al[2].hAllocation = buf;
        D3DDDI_PATCHLOCATIONLIST *pl = cc.pPatchLocationList;
        pl[0].AllocationIndex = 1; /* FILL destination: texture + 0 */
        pl[0].PatchOffset = VIDALLOC_CMD_DST_OFFSET;
        pl[1].AllocationIndex = 1; /* COPY destination: texture + 256 */
        pl[1].AllocationOffset = 256;
        pl[1].PatchOffset = VIDALLOC_CMD_BYTES + VIDALLOC_CMD_DST_OFFSET;
        pl[2].AllocationIndex = 2; /* COPY source: buffer + 0 */
        pl[2].PatchOffset = VIDALLOC_CMD_BYTES + VIDALLOC_CMD_SRC_OFFSET;
        D3DDDICB_RENDER rd;
        memset(&rd, 0, sizeof rd);
        rd.hContext = cc.hContext;
        rd.CommandLength = n;
        rd.NumAllocations = 3;
        rd.NumPatchLocations = 3;
        printf("   pfnRenderCb(FILL texture[0,1024) = 0x5A5A5A5A; COPY buffer[0,256) -> "
               "texture[256,512); 3 allocation-list entries, 3 patch locations)\n");
        hr = g_cb.pfnRenderCb(g_dev, &rd);
        show("render", hr, S_OK);
        UINT fence = 0;
        vidalloc_last_fence(g_dev, cc.hContext, &fence);
        printf("   vidalloc_wait_fence(%u)\n", fence);
        show("wait fence", vidalloc_wait_fence(g_dev, fence, 10000), S_OK);
        memset(&lk, 0, sizeof lk);
        lk.hAllocation = tex;
        lk.Flags.ReadOnly = 1;
        printf("   pfnLockCb(texture, ReadOnly) and check what the GPU wrote\n");
        hr = g_cb.pfnLockCb(g_dev, &lk);
        show("lock", hr, S_OK);
        if (SUCCEEDED(hr)) {
            const uint8_t *t = lk.pData;
            int same = 1;
            for (int i = 0; i < 1024; i++)
                same &= t[i] == (i >= 256 && i < 512 ? (uint8_t)((i - 256) * 7 + 1) : 0x5A);
            printf("     texture: 0x5A x 256, the buffer's first 256 bytes, 0x5A x 512: %s\n",
                   same ? "exactly" : "DIFFERENT");
            if (!same)
                g_unexpected++;
            D3DDDICB_UNLOCK ul = {1, &tex};
            printf("   pfnUnlockCb\n");
            show("unlock", g_cb.pfnUnlockCb(g_dev, &ul), S_OK);
        }
        vd_wire_memctl_stats ms;
        if (SUCCEEDED(vidalloc_query_memctl_stats(g_dev, &ms)))
            printf("     memory controller: GPU %u VRAM accesses (%u stall cycles), CPU %u (%u)\n",
                   ms.gpu_req, ms.gpu_stall, ms.cpu_req, ms.cpu_stall);
        D3DDDICB_DESTROYCONTEXT dc = {cc.hContext};
        printf("   pfnDestroyContextCb\n");
        show("destroy context", g_cb.pfnDestroyContextCb(g_dev, &dc), S_OK);
    }

    /* 7. Free everything. */
    printf("\n7. pfnDeallocateCb(hResource 0x1001)  [the chain and its resource]\n");
    D3DDDICB_DEALLOCATE d;
    memset(&d, 0, sizeof d);
    d.hResource = (HANDLE)(uintptr_t)0x1001;
    show("free chain", g_cb.pfnDeallocateCb(g_dev, &d), S_OK);
    D3DKMT_HANDLE rest[3] = {dev_allocs[0].hAllocation, dev_allocs[1].hAllocation,
                             sys_alloc.hAllocation};
    memset(&d, 0, sizeof d);
    d.NumAllocations = 3;
    d.HandleList = rest;
    printf("   pfnDeallocateCb(hResource NULL, 3 handles)\n");
    show("free rest", g_cb.pfnDeallocateCb(g_dev, &d), S_OK);
    stats("at the end");
    vidalloc_query_segment_stats(g_dev, &s);
    if (s.used || s.allocations || s.resources) {
        printf("  segment NOT back at zero\n");
        g_unexpected++;
    }

    /* 8. A hung GPU: timeout detection and recovery. A short TdrDelay (the default is 2 s)
     * keeps the simulation quick. */
    printf("\n8. TDR: vidalloc_escape_set_tdr(TdrDelay 200000 cycles)\n");
    show("set TdrDelay", vidalloc_escape_set_tdr(g_dev, 200000, 0, NULL, NULL), S_OK);
    memset(&cb, 0, sizeof cb);
    cb.NumAllocations = 1;
    cb.pAllocationInfo = &dev_allocs[0];
    printf("   pfnAllocateCb(3000-byte buffer)\n");
    show("allocate", g_cb.pfnAllocateCb(g_dev, &cb), S_OK);
    memset(&cc, 0, sizeof cc);
    printf("   pfnCreateContextCb\n");
    hr = g_cb.pfnCreateContextCb(g_dev, &cc);
    show("create context", hr, S_OK);
    if (SUCCEEDED(hr)) {
        D3DDDICB_RENDER rd;
        memset(&rd, 0, sizeof rd);
        rd.hContext = cc.hContext;
        rd.CommandLength = vidalloc_cmd_hang(cc.pCommandBuffer);
        printf("   pfnRenderCb(HANG)  [fault injection: the GPU stops making progress]\n");
        show("render HANG", g_cb.pfnRenderCb(g_dev, &rd), S_OK);
        UINT fence = 0;
        vidalloc_last_fence(g_dev, cc.hContext, &fence);
        printf("   vidalloc_wait_fence(%u)  [the watchdog fires, the firmware resets the engine]\n",
               fence);
        show("wait fence", vidalloc_wait_fence(g_dev, fence, 10000), D3DDDIERR_DEVICEREMOVED);
    }
    printf("   pfnAllocateCb on the removed device\n");
    show("allocate", g_cb.pfnAllocateCb(g_dev, &cb), D3DDDIERR_DEVICEREMOVED);
    printf("   vidalloc_reopen  [CLOSE_DEVICE frees what it owned, OPEN_DEVICE]\n");
    show("reopen", vidalloc_reopen(g_dev), S_OK);
    stats("after the reopen");
    vidalloc_query_segment_stats(g_dev, &s);
    if (s.used || s.allocations) {
        printf("  VRAM leaked across the recovery\n");
        g_unexpected++;
    }
    printf("   pfnAllocateCb on the new device\n");
    show("allocate", g_cb.pfnAllocateCb(g_dev, &cb), S_OK);

    vidalloc_get_info(g_dev, &in);
    printf("\nlink: %llu frames sent, %llu received, %llu retransmissions",
           (unsigned long long)in.frames_sent, (unsigned long long)in.frames_received,
           (unsigned long long)in.retransmissions);
    if (in.sim_cycles)
        printf(", %llu simulated cycles (%.1f ms at %u MHz)", (unsigned long long)in.sim_cycles,
               (double)in.sim_cycles * 1e3 / in.clk_hz, in.clk_hz / 1000000u);
    printf("\n");
    show("close", vidalloc_close(g_dev), S_OK);
    printf("%s\n", g_unexpected ? "demo: FAILED" : "demo: every call returned what WDDM specifies");
    return g_unexpected ? 1 : 0;
}

/* ---- figures ---- */

static uint64_t cycles_now(void)
{
    vidalloc_info in;
    vidalloc_get_info(g_dev, &in);
    return in.sim_cycles;
}

/* One device's ALLOCATE figures: N one at a time (then freed), then N pipelined. */
enum { N = 64 };
typedef struct alloc_figs {
    double mean;                   /* round trip, cycles */
    uint64_t best;
    uint64_t batch;                /* cycles of the pipelined batch of N */
    double req_bytes, rsp_bytes;   /* per exchange, on the link */
    vd_wire_fw_stats s0, s1;       /* firmware counters around the one-at-a-time part */
    vd_wire_fw_stats p0, p1;       /* ... around the pipelined batch */
} alloc_figs;

static D3DDDI_ALLOCATIONINFO g_info[N];
static D3DDDICB_ALLOCATE g_calls[N];

static int measure_allocs(alloc_figs *f)
{
    static vd_surface_desc desc;
    vidalloc_info in;
    HRESULT hr;
    vidalloc_buffer_desc(&desc, 64, 0);
    for (int i = 0; i < N; i++) {
        memset(&g_info[i], 0, sizeof g_info[i]);
        g_info[i].pPrivateDriverData = &desc;
        g_info[i].PrivateDriverDataSize = sizeof desc;
        memset(&g_calls[i], 0, sizeof g_calls[i]);
        g_calls[i].NumAllocations = 1;
        g_calls[i].pAllocationInfo = &g_info[i];
    }
    vidalloc_query_fw_stats(g_dev, &f->s0);
    vidalloc_get_info(g_dev, &in);
    uint64_t tx0 = in.bytes_sent, rx0 = in.bytes_received;
    /* One at a time: round trip. */
    uint64_t total = 0;
    f->best = ~0ull;
    for (int i = 0; i < N; i++) {
        uint64_t c0 = cycles_now();
        hr = g_cb.pfnAllocateCb(g_dev, &g_calls[i]);
        uint64_t dc = cycles_now() - c0;
        if (FAILED(hr)) {
            fprintf(stderr, "demo: allocate: %s\n", vidalloc_hresult_name(hr));
            return -1;
        }
        total += dc;
        if (dc < f->best)
            f->best = dc;
    }
    vidalloc_get_info(g_dev, &in);
    vidalloc_query_fw_stats(g_dev, &f->s1);
    f->req_bytes = (double)(in.bytes_sent - tx0) / N;
    f->rsp_bytes = (double)(in.bytes_received - rx0) / N;
    f->mean = (double)total / N;
    D3DDDICB_DEALLOCATE d;
    for (int i = 0; i < N; i++) {
        memset(&d, 0, sizeof d);
        d.NumAllocations = 1;
        d.HandleList = &g_info[i].hAllocation;
        g_cb.pfnDeallocateCb(g_dev, &d);
    }
    /* Pipelined batch: the same live counts (0..N-1) as the one-at-a-time part. */
    vidalloc_query_fw_stats(g_dev, &f->p0);
    uint64_t c0 = cycles_now();
    hr = vidalloc_allocate_batch(g_dev, g_calls, N, NULL);
    f->batch = cycles_now() - c0;
    vidalloc_query_fw_stats(g_dev, &f->p1);
    if (FAILED(hr)) {
        fprintf(stderr, "demo: batch: %s %s\n", vidalloc_hresult_name(hr), vidalloc_last_error());
        return -1;
    }
    for (int i = 0; i < N; i++) {
        memset(&d, 0, sizeof d);
        d.NumAllocations = 1;
        d.HandleList = &g_info[i].hAllocation;
        g_cb.pfnDeallocateCb(g_dev, &d);
    }
    return 0;
}

static int open_bench(const char *uri, vidalloc_info *in)
{
    HRESULT hr = vidalloc_open(uri, NULL, &g_dev, &g_cb);
    if (FAILED(hr)) {
        fprintf(stderr, "demo: %s: %s\n", vidalloc_hresult_name(hr), vidalloc_last_error());
        return -1;
    }
    vidalloc_get_info(g_dev, in);
    if (!in->sim_cycles) {
        fprintf(stderr, "demo --bench needs an inproc device (cycle counts)\n");
        return -1;
    }
    return 0;
}

static void uart_figures(const vidalloc_info *in, const alloc_figs *f)
{
    double clk = in->clk_hz, baud = in->baud;
    double req_bytes = f->req_bytes, rsp_bytes = f->rsp_bytes, mean = f->mean;
    const vd_wire_fw_stats *fs0 = &f->s0, *fs1 = &f->s1;
    double busier = req_bytes > rsp_bytes ? req_bytes : rsp_bytes;
    double wire_limit = baud / (busier * 10.0);
    double seq_rate = clk / mean, batch_rate = N * clk / (double)f->batch;
    printf("vidalloc host-lib figures (inproc: the Verilated SoC, %u Hz, UART %.0f baud, "
           "window %u)\n", in->clk_hz, baud, in->window);
    printf("  frame overhead: %u bytes header + %u CRC + COBS (1 per 254, >= 1) + 1 delimiter "
           "= %u bytes for a payload under 254 bytes\n", VD_WIRE_HDR_SIZE, VD_WIRE_CRC_SIZE,
           VD_WIRE_HDR_SIZE + VD_WIRE_CRC_SIZE + 2);
    printf("  one ALLOCATE (64-byte buffer, with its vd_surface_desc): request %.0f bytes on the "
           "wire, response %.0f bytes\n", req_bytes, rsp_bytes);
    printf("  round trip of one allocation: %.0f cycles mean, %llu best = %.1f us at %u MHz "
           "(wire time alone %.1f us)\n", mean, (unsigned long long)f->best, mean * 1e6 / clk,
           in->clk_hz / 1000000u, (req_bytes + rsp_bytes) * 10.0 * 1e6 / baud);
    {
        /* The firmware's own cycles per request: everything but its sleep, split by stage.
         * The QUERY that read fs1 is in the counters too; its share is small. */
        double total_fw = mean - (double)(fs1->idle_cycles - fs0->idle_cycles) / N;
        double drain = (double)(fs1->drain_cycles - fs0->drain_cycles) / N;
        double decode = (double)(fs1->decode_cycles - fs0->decode_cycles) / N;
        double exec = (double)(fs1->exec_cycles - fs0->exec_cycles) / N;
        double enc = (double)(fs1->encode_cycles - fs0->encode_cycles) / N;
        double tx = (double)(fs1->tx_cycles - fs0->tx_cycles) / N;
        double wire_cycles = (req_bytes + rsp_bytes) * 10.0 * clk / baud;
        printf("  firmware's own cycles per round trip: %.0f (not asleep): RX interrupt %.0f, "
               "frame decode %.0f, execute %.0f, response encode %.0f, TX FIFO %.0f, "
               "other %.0f\n", total_fw, drain, decode, exec, enc, tx,
               total_fw - drain - decode - exec - enc - tx);
        printf("  round-trip target: 1.2 x wire (%.0f cycles) + firmware (%.0f) = %.0f cycles; "
               "measured %.0f (%.2fx of the bound)\n", wire_cycles, total_fw,
               1.2 * wire_cycles + total_fw, mean, mean / (1.2 * wire_cycles + total_fw));
    }
    printf("  allocations per second, one at a time: %.0f (simulated time)\n", seq_rate);
    printf("  allocations per second, pipelined batch of %d: %.0f (simulated time)\n", N,
           batch_rate);
    printf("  wire limit for these frames: %.0f per second (%.0f bytes x 10 bits / %.0f baud in "
           "the busier direction): batch reaches %.0f%%\n", wire_limit, busier, baud,
           100.0 * batch_rate / wire_limit);
}

/* The queue link's counters between two snapshots, per request. */
static void q_line(const char *what, const vd_wire_fw_stats *a, const vd_wire_fw_stats *b,
                   double wall)
{
    double req = b->q_requests - a->q_requests, bat = b->q_batches - a->q_batches;
    if (req < 1)
        req = 1;
    double fetch = (b->q_fetch_cycles - a->q_fetch_cycles) / req;
    double exec = (b->q_exec_cycles - a->q_exec_cycles) / req;
    double build = (b->q_build_cycles - a->q_build_cycles) / req;
    double send = (b->q_send_cycles - a->q_send_cycles) / req;
    double idle = (b->idle_cycles - a->idle_cycles) / req;
    printf("    %s: %.0f requests in %.0f batches; per request: execute %.0f (dispatcher + kernel), "
           "fetch %.0f, build %.0f, send %.0f (link %.0f), asleep %.0f, rest %.0f (interrupt "
           "entry, doorbell -> wake, MSI -> host)\n", what, req, bat, exec, fetch, build, send,
           fetch + build + send, idle, wall - exec - fetch - build - send - idle);
}

/* One buffer allocation of bytes, on pSystemMem mem (NULL: video memory); 0 or -1. */
static int alloc_one(uint32_t bytes, void *mem, D3DKMT_HANDLE *h)
{
    static vd_surface_desc desc;
    D3DDDI_ALLOCATIONINFO ai;
    D3DDDICB_ALLOCATE cb;
    vidalloc_buffer_desc(&desc, bytes, VD_SURFACE_USAGE_CPU_READ | VD_SURFACE_USAGE_CPU_WRITE);
    memset(&ai, 0, sizeof ai);
    ai.pSystemMem = mem;
    ai.pPrivateDriverData = &desc;
    ai.PrivateDriverDataSize = sizeof desc;
    memset(&cb, 0, sizeof cb);
    cb.NumAllocations = 1;
    cb.pAllocationInfo = &ai;
    *h = 0;
    if (FAILED(g_cb.pfnAllocateCb(g_dev, &cb)))
        return -1;
    *h = ai.hAllocation;
    return 0;
}

/* DMA_READ (pfnLockCb) and DMA_WRITE (pfnUnlockCb) of one allocation of `bytes`: the
 * firmware's execute cycles for the request (q_exec, the dispatcher's checks included) and
 * the host's round trip. 0, -1 when it does not fit VRAM, -2 when the lock failed. */
static int dma_one(uint32_t bytes, double *rd_exec, double *wr_exec, uint64_t *rd_rt,
                   uint64_t *wr_rt)
{
    D3DKMT_HANDLE h;
    if (alloc_one(bytes, NULL, &h))
        return -1;
    vd_wire_fw_stats a, b, c;
    D3DDDICB_LOCK lk;
    memset(&lk, 0, sizeof lk);
    lk.hAllocation = h;
    lk.Flags.LockEntire = 1; /* read (DMA_READ) now, written back (DMA_WRITE) at unlock */
    vidalloc_query_fw_stats(g_dev, &a);
    uint64_t c0 = cycles_now();
    HRESULT hr = g_cb.pfnLockCb(g_dev, &lk);
    uint64_t c1 = cycles_now();
    vidalloc_query_fw_stats(g_dev, &b);
    D3DDDICB_UNLOCK ul = {1, &h};
    uint64_t c2 = cycles_now();
    if (SUCCEEDED(hr))
        hr = g_cb.pfnUnlockCb(g_dev, &ul);
    uint64_t c3 = cycles_now();
    vidalloc_query_fw_stats(g_dev, &c);
    D3DDDICB_DEALLOCATE d;
    memset(&d, 0, sizeof d);
    d.NumAllocations = 1;
    d.HandleList = &h;
    g_cb.pfnDeallocateCb(g_dev, &d);
    if (FAILED(hr)) {
        fprintf(stderr, "demo: DMA of %u bytes: %s\n", bytes, vidalloc_last_error());
        return -2;
    }
    /* Each window holds the QUERY before it, LOCK / UNLOCK and the DMA request. */
    *rd_exec = b.q_exec_cycles - a.q_exec_cycles;
    *wr_exec = c.q_exec_cycles - b.q_exec_cycles;
    *rd_rt = c1 - c0;
    *wr_rt = c3 - c2;
    return 0;
}

static void pcie_figures(const vidalloc_info *in, const alloc_figs *p, const alloc_figs *u,
                         double kernel)
{
    double clk = in->clk_hz;
    double seq = p->mean, per = (double)p->batch / N;
    double rate = N * clk / (double)p->batch, urate = N * clk / (double)u->batch;
    printf("vidalloc PCIe figures (inproc?link=pcie: the Verilated SoC with the endpoint RTL "
           "and the root-complex model, %u Hz; queue depth %u)\n", in->clk_hz, in->window);
    printf("  one ALLOCATE (64-byte buffer, with its vd_surface_desc): request record %.0f "
           "bytes, response record %.0f bytes\n", p->req_bytes, p->rsp_bytes);
    printf("  ALLOCATE round trip, one at a time: PCIe %.0f cycles mean (%llu best) = %.1f us; "
           "UART (inproc, %u baud, same run) %.0f cycles mean (%llu best): PCIe %.2fx faster\n",
           seq, (unsigned long long)p->best, seq * 1e6 / clk, in->baud, u->mean,
           (unsigned long long)u->best, u->mean / seq);
    q_line("one at a time", &p->s0, &p->s1, seq);
    printf("  allocations per second: one at a time PCIe %.0f, UART %.0f; pipelined (batch of "
           "%d, live allocations 0..%d) PCIe %.0f (%.0f cycles each), UART %.0f\n",
           clk / seq, clk / u->mean, N, N - 1, rate, per, urate);
    q_line("pipelined", &p->p0, &p->p1, per);
    if (kernel > 0) {
        double limit = clk / kernel, beyond = per - kernel;
        printf("  CPU-bound limit: %.0f Hz / %.0f kernel cycles per ALLOCATE (vd_kernel_allocate "
               "alone, live 0..%d, bench-qlink) = %.0f/s; pipelined reaches %.1f%% (target >= "
               "90%%: %s)\n", clk, kernel, N - 1, limit, 100.0 * rate / limit,
               rate >= 0.9 * limit ? "MET" : "NOT MET");
        printf("  firmware cycles per pipelined ALLOCATE beyond the kernel, end to end: %.0f - "
               "%.0f = %.0f (90%% needs <= %.0f)\n", per, kernel, beyond, kernel / 0.9 - kernel);
    } else {
        printf("  CPU-bound limit: give --kernel-cycles N (make bench passes bench-qlink's "
               "figure)\n");
    }
    vidalloc_pcie_stats ps;
    if (SUCCEEDED(vidalloc_debug_pcie_stats(g_dev, &ps)) && ps.mmio_reads)
        printf("  MMIO read round trip (root-complex model, MRd offered -> CplD taken): %llu "
               "reads, %llu min, %.1f mean, %llu max cycles; %llu posted writes\n",
               (unsigned long long)ps.mmio_reads, (unsigned long long)ps.mmio_rt_min,
               (double)ps.mmio_rt_total / (double)ps.mmio_reads,
               (unsigned long long)ps.mmio_rt_max, (unsigned long long)ps.mmio_writes);
    /* DMA: the firmware's execute cycles of LOCK + DMA_READ (UNLOCK + DMA_WRITE) less those
     * of the smallest lock: the transfer's own cycles. */
    static const uint32_t sizes[] = {64, 4096, 16384, 32768, 65536};
    double r0 = 0, w0 = 0;
    printf("  DMA of a locked allocation (pfnLockCb LockEntire: DMA_READ to the host; "
           "pfnUnlockCb: DMA_WRITE from it), cycles beyond a 64-byte lock's:\n");
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        double re, we;
        uint64_t rr, wr;
        int e = dma_one(sizes[i], &re, &we, &rr, &wr);
        if (e) {
            if (e == -1)
                printf("    %6u bytes: no room in the VRAM segment (%u bytes of VRAM less the "
                       "GPU's command ring; a larger VRAM: make sim VRAM_BYTES=4M)\n", sizes[i],
                       in->vram_size);
            continue;
        }
        if (i == 0) {
            r0 = re;
            w0 = we;
            continue;
        }
        double rb = sizes[i] - 64.0, rc = re - r0, wc = we - w0;
        printf("    %6u bytes: DMA_READ %.0f cycles = %.2f B/cycle (lock round trip %llu); "
               "DMA_WRITE %.0f cycles = %.2f B/cycle (unlock round trip %llu)\n", sizes[i], rc,
               rc > 0 ? rb / rc : 0.0, (unsigned long long)rr, wc, wc > 0 ? rb / wc : 0.0,
               (unsigned long long)wr);
    }
}

/* Cycles from pfnRenderCb of one COPY (dst <- src, bytes) to its fence seen complete. */
static double gpu_copy_cycles(D3DDDICB_CREATECONTEXT *cc, D3DKMT_HANDLE dst, D3DKMT_HANDLE src,
                              uint32_t bytes)
{
    UINT n = vidalloc_cmd_copy(cc->pCommandBuffer, 0, 0, bytes);
    D3DDDI_ALLOCATIONLIST *al = cc->pAllocationList;
    memset(al, 0, 3 * sizeof *al);
    al[1].hAllocation = dst;
    al[1].WriteOperation = 1;
    al[2].hAllocation = src;
    D3DDDI_PATCHLOCATIONLIST *pl = cc->pPatchLocationList;
    memset(pl, 0, 2 * sizeof *pl);
    pl[0].AllocationIndex = 1;
    pl[0].PatchOffset = VIDALLOC_CMD_DST_OFFSET;
    pl[1].AllocationIndex = 2;
    pl[1].PatchOffset = VIDALLOC_CMD_SRC_OFFSET;
    D3DDDICB_RENDER rd;
    memset(&rd, 0, sizeof rd);
    rd.hContext = cc->hContext;
    rd.CommandLength = n;
    rd.NumAllocations = 3;
    rd.NumPatchLocations = 2;
    uint64_t c0 = cycles_now();
    HRESULT hr = g_cb.pfnRenderCb(g_dev, &rd);
    UINT fence = 0;
    vidalloc_last_fence(g_dev, cc->hContext, &fence);
    if (SUCCEEDED(hr))
        hr = vidalloc_wait_fence(g_dev, fence, 10000);
    uint64_t c1 = cycles_now();
    cc->pCommandBuffer = rd.pNewCommandBuffer;
    cc->pAllocationList = rd.pNewAllocationList;
    cc->pPatchLocationList = rd.pNewPatchLocationList;
    if (FAILED(hr)) {
        fprintf(stderr, "demo: GPU COPY of %u bytes: %s\n", bytes, vidalloc_last_error());
        return -1;
    }
    return (double)(c1 - c0);
}

/* The GPU and system memory (the aperture): COPY between VRAM and an allocation on
 * vidalloc_alloc_system_memory's memory, render to fence. */
static void gpu_sysmem_figures(void)
{
    enum { BYTES = 16384 };
    D3DDDICB_CREATECONTEXT cc;
    memset(&cc, 0, sizeof cc);
    void *mem = NULL;
    UINT vis = 0;
    D3DKMT_HANDLE s = 0, v = 0;
    if (FAILED(g_cb.pfnCreateContextCb(g_dev, &cc)) ||
        FAILED(vidalloc_alloc_system_memory(g_dev, BYTES, &mem, &vis)) || !vis ||
        alloc_one(BYTES, mem, &s) || alloc_one(BYTES, NULL, &v)) {
        printf("  GPU <-> system memory: not measured (%s)\n", vidalloc_last_error());
        return;
    }
    double to0 = gpu_copy_cycles(&cc, s, v, 64), to = gpu_copy_cycles(&cc, s, v, BYTES);
    double fr0 = gpu_copy_cycles(&cc, v, s, 64), fr = gpu_copy_cycles(&cc, v, s, BYTES);
    /* Round trips, not rates: the fence is polled over the link (a FENCE request every few
     * thousand cycles), which hides the transfer's own time; `make rtl-pcie` measures that
     * (GPU COPY through the endpoint, request to done). */
    if (to0 >= 0 && to >= 0 && fr0 >= 0 && fr >= 0)
        printf("  GPU COPY through the aperture, pfnRenderCb to the fence seen complete: VRAM -> "
               "system memory %u bytes %.0f cycles (64 bytes %.0f), system memory -> VRAM %u "
               "bytes %.0f cycles (64 bytes %.0f); the transfer's own rate: make rtl-pcie\n",
               BYTES, to, to0, BYTES, fr, fr0);
    D3DDDICB_DEALLOCATE d;
    memset(&d, 0, sizeof d);
    d.NumAllocations = 1;
    d.HandleList = &s;
    g_cb.pfnDeallocateCb(g_dev, &d);
    d.HandleList = &v;
    g_cb.pfnDeallocateCb(g_dev, &d);
    vidalloc_free_system_memory(g_dev, mem);
}

static int bench(const char *uri, double kernel)
{
    vidalloc_info in;
    alloc_figs f;
    if (open_bench(uri, &in) || measure_allocs(&f))
        return 1;
    if (!strstr(in.transport, "pcie")) {
        uart_figures(&in, &f);
        vidalloc_close(g_dev);
        return 0;
    }
    /* The UART's figures in the same run: the same SoC and firmware, link=uart. */
    HANDLE pdev = g_dev;
    D3DDDI_DEVICECALLBACKS pcb = g_cb;
    vidalloc_info uin;
    alloc_figs u;
    if (open_bench("inproc", &uin) || measure_allocs(&u))
        return 1;
    vidalloc_close(g_dev);
    g_dev = pdev;
    g_cb = pcb;
    pcie_figures(&in, &f, &u, kernel);
    gpu_sysmem_figures();
    vidalloc_close(g_dev);
    return 0;
}

int main(int argc, char **argv)
{
    const char *uri = NULL;
    int do_bench = 0;
    double kernel = 0; /* vd_kernel_allocate's own cycles (bench-qlink): the PCIe limit */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--dev") && i + 1 < argc) {
            uri = argv[++i];
        } else if (!strcmp(argv[i], "--bench")) {
            do_bench = 1;
        } else if (!strcmp(argv[i], "--kernel-cycles") && i + 1 < argc) {
            kernel = atof(argv[++i]);
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: demo [--dev URI] [--bench [--kernel-cycles N]]\n"
                   "  --dev URI  sim (default), inproc, uart:/dev/ttyUSB1?baud=3000000\n"
                   "  --bench    protocol figures (default device inproc; over link=pcie the\n"
                   "             PCIe section, with the UART's figures of the same run)\n"
                   "  --kernel-cycles N  vd_kernel_allocate's cycles: the PCIe CPU-bound limit\n");
            return 0;
        } else {
            fprintf(stderr, "demo: unknown argument '%s' (see --help)\n", argv[i]);
            return 2;
        }
    }
    if (do_bench)
        return bench(uri ? uri : "inproc", kernel);
    return demo(uri ? uri : "sim");
}
