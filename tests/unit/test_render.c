/*
 * test_render.c - pfnRenderCb in the firmware: RENDER, FENCE and ESCAPE through the
 * dispatcher with the real kernel, the GPU / memory-controller drivers and the behavioural
 * GPU model (gpu_model.c) behind the mock register file. Validation with exact HRESULTs,
 * patch values, windows, ring wrap, fence progress, timeout detection and recovery (device
 * removed, close frees, reopen works, the adapter removed after more than VD_TDR_LIMIT
 * timeouts in the window), faults and bad commands, freeing while the GPU runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "disp_exec.h"
#include "gpu_model_mock.h"
#include "mock_mmio.h"
#include "vd_dispatch.h"
#include "vd_gpu.h"
#include "vd_kernel.h"
#include "vd_regs.h"
#include "vd_render.h"

#define VRAM_SIZE 0x10000u
#define RING_BASE (VRAM_SIZE - VD_GPU_RING_BYTES)

static uint8_t vram[VRAM_SIZE];
static vd_disp_platform plat;
static uint32_t hdev;

static uint32_t vram32(uint32_t off)
{
    uint32_t v;
    memcpy(&v, vram + off, 4);
    return v;
}

static uint32_t open_device(void)
{
    exec(VD_MSG_OPEN_DEVICE, NULL, 0);
    assert_int_equal(hr(), S_OK);
    return u32(4);
}

static int setup(void **state)
{
    (void)state;
    mock_mmio_reset();
    memset(vram, 0, sizeof vram);
    gpu_model_attach_mock(vram, VRAM_SIZE);
    memset(&plat, 0, sizeof plat);
    plat.soc_id = 0x5644414C;
    plat.clk_hz = 12000000;
    plat.vram_size = VRAM_SIZE;
    plat.vram_cpu_base = 0x10000000;
    plat.vram = vram;
    plat.features = VD_SYSCTL_FEATURES_MEMCTL_MASK | VD_SYSCTL_FEATURES_GPU_MASK;
    plat.fw_version = "test";
    assert_int_equal(vd_disp_init(&plat), STATUS_SUCCESS);
    hdev = open_device();
    return 0;
}

/* ---- building requests ---- */

static uint32_t alloc_on(uint32_t dev, uint32_t bytes, uint64_t sysmem)
{
    vd_wire_allocate_req a = {dev, 1, 0, 0, 0};
    vd_wire_allocinfo w = {sysmem, 0, 0, sizeof(vd_surface_desc), 0};
    vd_surface_desc d =
        vd_surface_buffer(bytes, VD_SURFACE_USAGE_CPU_READ | VD_SURFACE_USAGE_CPU_WRITE);
    memcpy(req, &a, sizeof a);
    memcpy(req + sizeof a, &w, sizeof w);
    memcpy(req + sizeof a + sizeof w, &d, sizeof d);
    exec(VD_MSG_ALLOCATE, req, sizeof a + sizeof w + sizeof d);
    assert_int_equal(hr(), S_OK);
    return u32(16);
}

static uint32_t alloc_buf(uint32_t bytes) { return alloc_on(hdev, bytes, 0); }

static uint32_t offset_of(uint32_t h)
{
    vd_kernel_allocation_query q;
    assert_int_equal(vd_kernel_query_allocation(h, &q), STATUS_SUCCESS);
    return q.offset;
}

typedef struct cmd { uint32_t op, dst, arg, bytes; } cmd;

/* A command buffer of up to 62 commands from offset 0, with its lists. */
static struct {
    uint32_t hDevice, offset, flags;
    cmd c[64];
    uint32_t nc;
    vd_wire_alloc_list al[16];
    uint32_t na;
    vd_wire_patch_location pl[48];
    uint32_t np;
} rb;

static void rb_start(uint32_t dev)
{
    memset(&rb, 0, sizeof rb);
    rb.hDevice = dev;
}

static uint32_t rb_cmd(uint32_t op, uint32_t dst, uint32_t arg, uint32_t bytes)
{
    rb.c[rb.nc] = (cmd){op, dst, arg, bytes};
    return 16 * rb.nc++;
}

static void rb_alloc(uint32_t h, uint32_t write)
{
    rb.al[rb.na++] = (vd_wire_alloc_list){h, write};
}

/* Patch word `word` (1 DST, 2 ARG) of the command at byte offset `at`. */
static void rb_patch(uint32_t at, uint32_t word, uint32_t index, uint32_t alloc_off)
{
    vd_wire_patch_location p;
    memset(&p, 0, sizeof p);
    p.AllocationIndex = index;
    p.AllocationOffset = alloc_off;
    p.PatchOffset = at + 4 * word;
    rb.pl[rb.np++] = p;
}

/* RENDER of commands [offset, nc): returns the HRESULT, *fence. */
static int32_t rb_send(uint32_t *fence)
{
    vd_wire_render_req q = {rb.hDevice, rb.offset, 16 * rb.nc, rb.na, rb.np, rb.flags};
    uint32_t off = 0, cbytes = 16 * rb.nc - rb.offset;
    memcpy(req, &q, sizeof q);
    off += sizeof q;
    memcpy(req + off, (uint8_t *)rb.c + rb.offset, cbytes);
    off += cbytes;
    memcpy(req + off, rb.al, 8 * rb.na);
    off += 8 * rb.na;
    memcpy(req + off, rb.pl, 24 * rb.np);
    off += 24 * rb.np;
    exec(VD_MSG_RENDER, req, off);
    assert_int_equal(rlen, sizeof(vd_wire_render_rsp));
    if (fence)
        *fence = u32(4);
    if (hr() != S_OK)
        assert_int_equal(u32(4), 0);
    return hr();
}

static int32_t fence_q(uint32_t dev, uint32_t fence, uint32_t *completed, uint32_t *submitted)
{
    vd_wire_fence_req q = {dev, fence};
    exec(VD_MSG_FENCE, &q, sizeof q);
    assert_int_equal(rlen, sizeof(vd_wire_fence_rsp));
    if (completed)
        *completed = u32(4);
    if (submitted)
        *submitted = u32(8);
    return hr();
}

static vd_wire_gpu_state gpu_state(void)
{
    vd_wire_escape_req q = {VD_ESCAPE_GPU_STATE, 0, 0, 0};
    vd_wire_gpu_state g;
    exec(VD_MSG_ESCAPE, &q, sizeof q);
    assert_int_equal(rlen, sizeof(vd_wire_escape_rsp));
    assert_int_equal(hr(), S_OK);
    memcpy(&g, rsp + 4, sizeof g);
    return g;
}

static int32_t set_tdr(uint32_t delay, uint32_t window)
{
    vd_wire_escape_req q = {VD_ESCAPE_SET_TDR, delay, window, 0};
    exec(VD_MSG_ESCAPE, &q, sizeof q);
    assert_int_equal(rlen, sizeof(vd_wire_escape_rsp));
    return hr();
}

/* FILL `bytes` at allocation h + off with `pattern`, as one RENDER. */
static int32_t fill(uint32_t dev, uint32_t h, uint32_t off, uint32_t pattern, uint32_t bytes,
                    uint32_t *fence)
{
    rb_start(dev);
    rb_alloc(0, 0);
    rb_alloc(h, 1);
    uint32_t at = rb_cmd(VD_GPU_OP_FILL, 0, pattern, bytes);
    rb_patch(at, 1, 1, off);
    return rb_send(fence);
}

static int32_t hang(uint32_t dev, uint32_t *fence)
{
    rb_start(dev);
    rb_cmd(VD_GPU_OP_HANG, 0, 0, 0);
    return rb_send(fence);
}

/* The watchdog fires (time passes) and the idle hook recovers. */
static void time_out(void)
{
    gpu_model_advance(30000000);
    assert_int_equal(vd_kernel_poll(), 1);
}

/* ---- tests ---- */

static void test_fill_patch_windows(void **state)
{
    (void)state;
    uint32_t h = alloc_buf(256), fence = 0, c = 0, s = 0;
    uint32_t base = offset_of(h);
    uint32_t wb, ws;
    int ww;

    assert_int_equal(fill(hdev, h, 16, 0xC0FFEE00, 64, &fence), S_OK);
    assert_int_equal(fence, 1);
    for (uint32_t i = 0; i < 256; i += 4)
        assert_int_equal(vram32(base + i), (i >= 16 && i < 80) ? 0xC0FFEE00 : 0);
    /* The ring copy carries the patched DST (VRAM byte offset + AllocationOffset) and the
     * kernel's FENCE after it. */
    assert_int_equal(vram32(RING_BASE + 0), VD_GPU_OP_FILL);
    assert_int_equal(vram32(RING_BASE + 4), base + 16);
    assert_int_equal(vram32(RING_BASE + 16), VD_GPU_OP_FENCE);
    assert_int_equal(vram32(RING_BASE + 24), 1);
    /* Windows: entry 0 (NULL) invalid, entry 1 = the allocation, writable. */
    assert_int_equal(gpu_model_window(0, &wb, &ws, &ww), 0);
    assert_int_equal(gpu_model_window(1, &wb, &ws, &ww), 1);
    assert_int_equal(wb, base);
    assert_int_equal(ws, 256);
    assert_int_equal(ww, 1);
    assert_int_equal(gpu_model_window(2, &wb, &ws, &ww), 0);
    assert_int_equal(fence_q(hdev, 1, &c, &s), S_OK);
    assert_int_equal(c, 1);
    assert_int_equal(s, 1);
    assert_int_equal(fence_q(hdev, 0, &c, &s), S_OK);
    assert_int_equal(fence_q(hdev, 2, &c, &s), E_INVALIDARG); /* never submitted */
    assert_int_equal(gpu_model_doorbells(), 1);

    vd_wire_gpu_state g = gpu_state();
    assert_int_equal(g.engine_state, VD_GPU_STATE_IDLE);
    assert_int_equal(g.submitted, 1);
    assert_int_equal(g.completed, 1);
    assert_int_equal(g.ring_free, VD_GPU_RING_BYTES - 32);
    assert_int_equal(g.timeouts + g.faults + g.errors + g.adapter_removed, 0);

    /* The segment ends below the ring: allocations never reach it. */
    vd_kernel_stats ks;
    vd_kernel_get_stats(&ks);
    assert_int_equal(ks.vidmm.vram.total_bytes, RING_BASE);
}

/* WDDM: pfnRenderCb cannot list an allocation the CPU holds locked. */
static void test_locked_allocation_not_rendered(void **state)
{
    (void)state;
    uint32_t h = alloc_buf(256), fence = 0;
    vd_wire_lock_req lk = {hdev, h, 0, 0};

    exec(VD_MSG_LOCK, &lk, sizeof lk);
    assert_int_equal(hr(), S_OK);
    assert_int_equal(fill(hdev, h, 0, 0x12345678, 64, &fence), D3DDDIERR_CANTRENDERLOCKEDALLOCATION);
    assert_int_equal(gpu_model_doorbells(), 0); /* nothing reached the GPU */
    assert_int_equal(vram32(offset_of(h)), 0);
    exec(VD_MSG_UNLOCK, &lk, sizeof lk);
    assert_int_equal(hr(), S_OK);
    assert_int_equal(fill(hdev, h, 0, 0x12345678, 64, &fence), S_OK);
    assert_int_equal(vram32(offset_of(h)), 0x12345678);
}

static void test_copy_with_command_offset(void **state)
{
    (void)state;
    uint32_t src = alloc_buf(64), dst = alloc_buf(128), fence = 0;
    uint32_t so = offset_of(src), dso = offset_of(dst);
    for (uint32_t i = 0; i < 64; i += 4) {
        uint32_t v = 0x1000 + i;
        memcpy(vram + so + i, &v, 4);
    }
    rb_start(hdev);
    rb_alloc(0, 0);
    rb_alloc(src, 0);
    rb_alloc(dst, 1);
    rb_cmd(VD_GPU_OP_HANG, 0, 0, 0); /* before CommandOffset: not sent, never runs */
    rb_cmd(VD_GPU_OP_NOP, 0, 0, 0);
    rb.offset = 16;
    uint32_t at = rb_cmd(VD_GPU_OP_COPY, 0, 0, 32);
    rb_patch(at, 1, 2, 64); /* DST = dst + 64 */
    rb_patch(at, 2, 1, 8);  /* ARG = src + 8 */
    assert_int_equal(rb_send(&fence), S_OK);
    for (uint32_t i = 0; i < 32; i += 4)
        assert_int_equal(vram32(dso + 64 + i), 0x1000 + 8 + i);
    assert_int_equal(vram32(dso + 60), 0);
    assert_int_equal(vram32(dso + 96), 0);
    assert_int_equal(vram32(RING_BASE + 16 + 4), dso + 64);
    assert_int_equal(vram32(RING_BASE + 16 + 8), so + 8);
    uint32_t wb, ws;
    int ww;
    assert_int_equal(gpu_model_window(1, &wb, &ws, &ww), 1);
    assert_int_equal(ww, 0); /* WriteOperation 0: read-only */
    assert_int_equal(gpu_state().timeouts, 0);
}

static void test_render_validation(void **state)
{
    (void)state;
    uint32_t h = alloc_buf(64), other_dev = open_device();
    uint32_t oh = alloc_on(other_dev, 64, 0);
    uint32_t sys = alloc_on(hdev, 64, 0x7000);
    vd_wire_render_req q;

    /* framing */
    exec(VD_MSG_RENDER, req, 0);
    assert_int_equal(hr(), E_INVALIDARG);
    assert_int_equal(rlen, 8);
    rb_start(hdev); /* a good request, then mangled copies of it */
    rb_alloc(0, 0);
    rb_alloc(h, 1);
    uint32_t at = rb_cmd(VD_GPU_OP_FILL, 0, 1, 4);
    rb_patch(at, 1, 1, 0);
    assert_int_equal(rb_send(NULL), S_OK);
    uint32_t good = sizeof q + 16 + 16 + 24;
    exec(VD_MSG_RENDER, req, good - 4);
    assert_int_equal(hr(), E_INVALIDARG);
    exec(VD_MSG_RENDER, req, good + 4);
    assert_int_equal(hr(), E_INVALIDARG);
    memcpy(&q, req, sizeof q);
    uint32_t saved[64];
    memcpy(saved, req, good);
#define MANGLE(field, value, expect)                   \
    do {                                               \
        memcpy(req, saved, good);                      \
        vd_wire_render_req m_ = q;                     \
        m_.field = (value);                            \
        memcpy(req, &m_, sizeof m_);                   \
        exec(VD_MSG_RENDER, req, good);                \
        assert_int_equal(hr(), (expect));              \
    } while (0)
    MANGLE(hDevice, 0, E_INVALIDARG);
    MANGLE(hDevice, hdev ^ 0x10000u, E_INVALIDARG);    /* stale generation */
    MANGLE(hDevice, other_dev, D3DDDIERR_INVALIDHANDLE); /* h is not its allocation */
    MANGLE(CommandOffset, 8, E_INVALIDARG);
    MANGLE(CommandLength, 24, E_INVALIDARG);
    MANGLE(CommandLength, 0, E_INVALIDARG);
    MANGLE(CommandOffset, 16, E_INVALIDARG);           /* == CommandLength */
    MANGLE(CommandLength, 0xFFFFFFF0u, E_INVALIDARG);  /* more than the payload */
    MANGLE(NumAllocations, 9, E_INVALIDARG);
    MANGLE(NumAllocations, 0x20000001u, E_INVALIDARG); /* would wrap 8 * n */
    MANGLE(NumAllocations, 1, E_INVALIDARG);           /* sizes no longer add up */
    MANGLE(NumPatchLocations, 0, E_INVALIDARG);
    MANGLE(NumPatchLocations, 0x0AAAAAABu, E_INVALIDARG);
    MANGLE(Flags, 0xFFFFFFF7u, S_OK);                  /* other render flags are ignored */

    /* allocation list: handles */
    struct { uint32_t h0, h1; int32_t expect; } lists[] = {
        {0, 0, D3DDDIERR_INVALIDHANDLE},          /* only entry 0 may be NULL */
        {0, 0x12345678, D3DDDIERR_INVALIDHANDLE}, /* not a handle */
        {0, oh, D3DDDIERR_INVALIDHANDLE},         /* another device's */
        {0, other_dev, D3DDDIERR_INVALIDHANDLE},  /* a device handle */
        {0, sys, E_INVALIDARG},                   /* system memory: the GPU cannot reach it */
        {h, h, S_OK},                             /* entry 0 may be a real allocation */
    };
    for (unsigned i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        rb_start(hdev);
        rb_alloc(lists[i].h0, 1);
        rb_alloc(lists[i].h1, 1);
        at = rb_cmd(VD_GPU_OP_NOP, 0, 0, 0);
        assert_int_equal(rb_send(NULL), lists[i].expect);
    }

    /* patch list */
    struct { uint32_t index, patch_off, alloc_off; int32_t expect; } patches[] = {
        {2, 4, 0, E_INVALIDARG},   /* index >= NumAllocations */
        {0, 4, 0, E_INVALIDARG},   /* the NULL entry */
        {1, 6, 0, E_INVALIDARG},   /* not a multiple of 4 */
        {1, 0, 0, E_INVALIDARG},   /* an opcode word */
        {1, 16, 0, E_INVALIDARG},  /* an opcode word */
        {1, 32, 0, E_INVALIDARG},  /* past CommandLength - 4 */
        {1, 4, 64, E_INVALIDARG},  /* AllocationOffset >= size */
        {1, 28, 60, S_OK},         /* last word, last word of the allocation */
    };
    for (unsigned i = 0; i < sizeof patches / sizeof patches[0]; i++) {
        rb_start(hdev);
        rb_alloc(0, 0);
        rb_alloc(h, 1);
        rb_cmd(VD_GPU_OP_NOP, 0, 0, 0);
        rb_cmd(VD_GPU_OP_NOP, 0, 0, 0);
        vd_wire_patch_location p;
        memset(&p, 0, sizeof p);
        p.AllocationIndex = patches[i].index;
        p.PatchOffset = patches[i].patch_off;
        p.AllocationOffset = patches[i].alloc_off;
        rb.pl[rb.np++] = p;
        assert_int_equal(rb_send(NULL), patches[i].expect);
    }
    /* A patch below CommandOffset. */
    rb_start(hdev);
    rb_alloc(0, 0);
    rb_alloc(h, 1);
    rb_cmd(VD_GPU_OP_NOP, 0, 0, 0);
    rb_cmd(VD_GPU_OP_NOP, 0, 0, 0);
    rb.offset = 16;
    rb_patch(0, 1, 1, 0);
    assert_int_equal(rb_send(NULL), E_INVALIDARG);

    /* opcodes: unknown, FENCE (the kernel's), reserved bits */
    uint32_t ops[] = {5, 0xFF, VD_GPU_OP_FENCE, 0x100 | VD_GPU_OP_NOP};
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        rb_start(hdev);
        rb_cmd(VD_GPU_OP_NOP, 0, 0, 0);
        rb_cmd(ops[i], 0, 0, 0);
        assert_int_equal(rb_send(NULL), E_INVALIDARG);
    }
    /* Even with NullRendering the request is validated. */
    rb_start(hdev);
    rb.flags = VD_RENDERFLAG_NULLRENDERING;
    rb_cmd(9, 0, 0, 0);
    assert_int_equal(rb_send(NULL), E_INVALIDARG);

    /* Larger than the ring (only reachable through the API: a frame carries 992 bytes). */
    {
        static uint8_t big[VD_GPU_RING_BYTES];
        vd_render_args a;
        uint32_t f = 99;
        memset(big, 0, sizeof big);
        memset(&a, 0, sizeof a);
        a.hDevice = hdev;
        a.commands = big;
        a.CommandLength = VD_GPU_RING_BYTES - 16;
        assert_int_equal(vd_kernel_render(&a, &f), STATUS_INVALID_PARAMETER);
        assert_int_equal(f, 0);
        a.CommandLength = VD_GPU_RING_BYTES - 32;
        assert_int_equal(vd_kernel_render(&a, &f), STATUS_SUCCESS);
    }
    /* Only the good requests reached the GPU: the first, Flags, entry 0 real, last-word
     * patch, the ring-sized API call. */
    assert_int_equal(gpu_model_doorbells(), 5);
    assert_int_equal(gpu_state().submitted, 5);
    assert_int_equal(gpu_state().errors + gpu_state().faults, 0);
}

static void test_ring_wrap(void **state)
{
    (void)state;
    uint32_t h = alloc_buf(4096), base = offset_of(h), fence = 0, c = 0, total = 0;

    /* 3 commands + FENCE = 64 bytes per submission: 40 submissions go round the 1 KiB
     * ring more than twice; every ninth has 7 commands, so some straddle the end. */
    for (uint32_t n = 0; n < 40; n++) {
        uint32_t cmds = (n % 9 == 8) ? 7 : 3;
        rb_start(hdev);
        rb_alloc(0, 0);
        rb_alloc(h, 1);
        for (uint32_t k = 0; k < cmds; k++) {
            uint32_t at = rb_cmd(VD_GPU_OP_FILL, 0, n * 16 + k, 4);
            rb_patch(at, 1, 1, 4 * ((n * 8 + k) % 1024));
        }
        assert_int_equal(rb_send(&fence), S_OK);
        assert_int_equal(fence, n + 1);
        total += cmds + 1; /* and the FENCE */
        for (uint32_t k = 0; k < cmds; k++)
            assert_int_equal(vram32(base + 4 * ((n * 8 + k) % 1024)), n * 16 + k);
    }
    assert_int_equal(fence_q(hdev, 40, &c, NULL), S_OK);
    assert_int_equal(c, 40);
    assert_int_equal(gpu_model_commands(), total);
    assert_true(total * 16 > 2 * VD_GPU_RING_BYTES);
}

static void test_fence_progress_and_one_at_a_time(void **state)
{
    (void)state;
    uint32_t h = alloc_buf(64), f1 = 0, f2 = 0, c = 0, s = 0;
    uint32_t base = offset_of(h);

    gpu_model_set_deferred(1);
    assert_int_equal(fill(hdev, h, 0, 0x11, 64, &f1), S_OK);
    assert_int_equal(fence_q(hdev, f1, &c, &s), D3DERR_WASSTILLDRAWING);
    assert_int_equal(c, 0);
    assert_int_equal(s, 1);
    assert_int_equal(vram32(base), 0);
    /* The second submission waits for the first (its windows would replace the first's). */
    assert_int_equal(fill(hdev, h, 0, 0x22, 32, &f2), S_OK);
    assert_int_equal(f2, 2);
    assert_int_equal(vram32(base + 48), 0x11); /* the first ran to its end */
    assert_int_equal(fence_q(hdev, f1, &c, &s), S_OK);
    assert_int_equal(fence_q(hdev, f2, &c, &s), D3DERR_WASSTILLDRAWING);
    gpu_model_run();
    assert_int_equal(fence_q(hdev, f2, &c, &s), S_OK);
    assert_int_equal(c, 2);
    assert_int_equal(vram32(base), 0x22);
    assert_int_equal(vram32(base + 32), 0x11);
}

static void test_null_rendering(void **state)
{
    (void)state;
    uint32_t h = alloc_buf(64), f = 0, c = 0;
    gpu_model_set_deferred(1);
    rb_start(hdev);
    rb.flags = VD_RENDERFLAG_NULLRENDERING;
    rb_alloc(0, 0);
    rb_alloc(h, 1);
    uint32_t at = rb_cmd(VD_GPU_OP_FILL, 0, 0x5A5A5A5A, 64);
    rb_patch(at, 1, 1, 0);
    assert_int_equal(rb_send(&f), S_OK);
    assert_int_equal(f, 1);
    assert_int_equal(fence_q(hdev, f, &c, NULL), S_OK); /* complete at once */
    assert_int_equal(c, 1);
    assert_int_equal(gpu_model_doorbells(), 0);
    assert_int_equal(vram32(offset_of(h)), 0);
    /* Fences stay monotonic across null and real submissions. */
    assert_int_equal(fill(hdev, h, 0, 7, 4, &f), S_OK);
    assert_int_equal(f, 2);
    gpu_model_run();
    assert_int_equal(fence_q(hdev, 2, &c, NULL), S_OK);
}

static void test_tdr_sequence(void **state)
{
    (void)state;
    uint32_t h = alloc_buf(256), other = open_device(), oh = alloc_on(other, 128, 0);
    uint32_t f = 0, c = 0, s = 0, base = offset_of(h), obase = offset_of(oh);

    memset(vram + base, 0x77, 256);
    memset(vram + obase, 0x66, 128);
    assert_int_equal(set_tdr(100000, 0), S_OK);
    assert_int_equal(hang(hdev, &f), S_OK);
    assert_int_equal(f, 1);
    assert_int_equal(fence_q(hdev, f, &c, &s), D3DERR_WASSTILLDRAWING);
    gpu_model_advance(100000); /* the watchdog fires; the next request sees it */
    unsigned resets = gpu_model_resets();
    assert_int_equal(fence_q(hdev, f, &c, &s), D3DDDIERR_DEVICEREMOVED);
    assert_int_equal(c, 1); /* the lost submission counts as done */
    assert_int_equal(s, 1);
    assert_true(gpu_model_resets() > resets);

    /* Contents purged, both devices (open at that moment) removed. */
    for (uint32_t i = 0; i < 256; i++)
        assert_int_equal(vram[base + i], 0);
    for (uint32_t i = 0; i < 128; i++)
        assert_int_equal(vram[obase + i], 0);
    uint32_t devs[] = {hdev, other};
    for (unsigned d = 0; d < 2; d++) {
        uint32_t dev = devs[d];
        uint32_t ah = d ? oh : h;
        vd_wire_lock_req l = {dev, ah, 0, 0};
        exec(VD_MSG_LOCK, &l, sizeof l);
        assert_int_equal(hr(), D3DDDIERR_DEVICEREMOVED);
        exec(VD_MSG_UNLOCK, &l, sizeof l);
        assert_int_equal(hr(), D3DDDIERR_DEVICEREMOVED);
        vd_wire_rw_req rw = {dev, ah, 0, 4};
        exec(VD_MSG_READ, &rw, sizeof rw);
        assert_int_equal(hr(), D3DDDIERR_DEVICEREMOVED);
        uint8_t wbuf[20];
        memcpy(wbuf, &rw, sizeof rw);
        memset(wbuf + 16, 1, 4);
        exec(VD_MSG_WRITE, wbuf, sizeof wbuf);
        assert_int_equal(hr(), D3DDDIERR_DEVICEREMOVED);
        vd_wire_deallocate_req dq = {dev, 1, 0};
        memcpy(req, &dq, sizeof dq);
        memcpy(req + sizeof dq, &ah, 4);
        exec(VD_MSG_DEALLOCATE, req, sizeof dq + 4);
        assert_int_equal(hr(), D3DDDIERR_DEVICEREMOVED);
        vd_wire_allocate_req a = {dev, 1, 0, 0, 0};
        exec(VD_MSG_ALLOCATE, &a, sizeof a); /* (malformed too: removed wins only after framing) */
        assert_int_equal(hr(), E_INVALIDARG);
        assert_int_equal(fill(dev, ah, 0, 1, 4, &f), D3DDDIERR_DEVICEREMOVED);
        assert_int_equal(fence_q(dev, 0, NULL, NULL), D3DDDIERR_DEVICEREMOVED);
    }
    /* ALLOCATE well-formed on a removed device */
    {
        vd_kernel_allocinfo ki;
        vd_kernel_allocate_args ka;
        memset(&ki, 0, sizeof ki);
        memset(&ka, 0, sizeof ka);
        ka.NumAllocations = 1;
        ka.pAllocationInfo = &ki;
        assert_int_equal(vd_kernel_allocate(hdev, &ka), STATUS_DEVICE_REMOVED);
    }
    /* QUERY still works on their objects. */
    vd_wire_query_req qq = {VD_QUERY_ALLOCATION, h, 0, 0};
    exec(VD_MSG_QUERY, &qq, sizeof qq);
    assert_int_equal(hr(), S_OK);

    vd_wire_gpu_state g = gpu_state();
    assert_int_equal(g.timeouts, 1);
    assert_int_equal(g.timeouts_in_window, 1);
    assert_int_equal(g.adapter_removed, 0);
    assert_int_equal(g.engine_state, VD_GPU_STATE_IDLE);
    assert_int_equal(g.completed, g.submitted);

    /* CLOSE frees everything the removed devices owned: no VRAM leak. */
    vd_wire_device_req cd = {hdev};
    exec(VD_MSG_CLOSE_DEVICE, &cd, sizeof cd);
    assert_int_equal(hr(), S_OK);
    cd.hDevice = other;
    exec(VD_MSG_CLOSE_DEVICE, &cd, sizeof cd);
    assert_int_equal(hr(), S_OK);
    vd_kernel_stats ks;
    vd_kernel_get_stats(&ks);
    assert_int_equal(ks.allocations, 0);
    assert_int_equal(ks.devices, 0);
    assert_int_equal(ks.vidmm.vram.used_bytes, 0);

    /* A device opened afterwards works: the engine was restarted. */
    hdev = open_device();
    uint32_t nh = alloc_buf(64);
    assert_int_equal(fill(hdev, nh, 0, 0xABCD, 64, &f), S_OK);
    assert_int_equal(f, 2);
    assert_int_equal(vram32(offset_of(nh) + 60), 0xABCD);
    assert_int_equal(fence_q(hdev, f, &c, NULL), S_OK);
}

static void test_tdr_while_waiting(void **state)
{
    (void)state;
    uint32_t other = open_device(), oh = alloc_on(other, 64, 0), f = 0;
    assert_int_equal(set_tdr(50000, 0), S_OK);
    gpu_model_set_deferred(1);
    assert_int_equal(hang(hdev, &f), S_OK);
    /* The other device's RENDER waits for the hung one: the watchdog fires during the
     * wait, the recovery removes every open device, so it is refused too. */
    assert_int_equal(fill(other, oh, 0, 1, 4, &f), D3DDDIERR_DEVICEREMOVED);
    assert_int_equal(f, 0);
    vd_wire_gpu_state g = gpu_state();
    assert_int_equal(g.timeouts, 1);
    assert_int_equal(g.submitted, 1);
}

static void test_idle_hook_sees_irq(void **state)
{
    (void)state;
    uint32_t f = 0;
    assert_int_equal(set_tdr(1000, 0), S_OK);
    assert_int_equal(hang(hdev, &f), S_OK);
    assert_int_equal(vd_kernel_events_pending(), 0);
    gpu_model_advance(2000);
    assert_int_equal(gpu_model_irq_line(), 1);
    vd_gpu_irq_handler(); /* the IRQ: records, masks the level source */
    assert_int_equal(gpu_model_irq_line(), 0);
    assert_int_equal(vd_kernel_events_pending(), 1);
    assert_int_equal(vd_kernel_poll(), 1); /* the link's idle hook recovers */
    assert_int_equal(vd_kernel_events_pending(), 0);
    assert_int_equal(vd_kernel_poll(), 0);
    assert_int_equal(gpu_state().timeouts, 1);
    assert_int_equal(fence_q(hdev, f, NULL, NULL), D3DDDIERR_DEVICEREMOVED);
}

static void test_tdr_limit_removes_adapter(void **state)
{
    (void)state;
    uint32_t f = 0;
    assert_int_equal(set_tdr(1000, 0), S_OK); /* default window: 60 s = 720,000,000 cycles */
    for (unsigned i = 1; i <= VD_TDR_LIMIT + 1; i++) {
        vd_wire_device_req cd = {hdev};
        assert_int_equal(hang(hdev, &f), S_OK);
        time_out();
        vd_wire_gpu_state g = gpu_state();
        assert_int_equal(g.timeouts, i);
        assert_int_equal(g.timeouts_in_window, i);
        assert_int_equal(g.adapter_removed, i > VD_TDR_LIMIT);
        exec(VD_MSG_CLOSE_DEVICE, &cd, sizeof cd);
        assert_int_equal(hr(), S_OK);
        exec(VD_MSG_OPEN_DEVICE, NULL, 0);
        if (i <= VD_TDR_LIMIT) {
            assert_int_equal(hr(), S_OK);
            hdev = u32(4);
        } else {
            assert_int_equal(hr(), D3DDDIERR_DEVICEREMOVED);
            assert_int_equal(u32(4), 0);
        }
    }
    /* HELLO restarts the session, not the board: still removed. QUERY and ESCAPE work. */
    vd_wire_hello_req hq = {VD_WIRE_VERSION, 0};
    exec(VD_MSG_HELLO, &hq, sizeof hq);
    assert_int_equal(hr(), S_OK);
    exec(VD_MSG_OPEN_DEVICE, NULL, 0);
    assert_int_equal(hr(), D3DDDIERR_DEVICEREMOVED);
    vd_wire_query_req qq = {VD_QUERY_SEGMENT_STATS, 0, 0, 0};
    exec(VD_MSG_QUERY, &qq, sizeof qq);
    assert_int_equal(hr(), S_OK);
    vd_wire_gpu_state g = gpu_state();
    assert_int_equal(g.adapter_removed, 1);
    assert_int_equal(g.timeouts, VD_TDR_LIMIT + 1);
    /* Only a board reset (vd_disp_init) clears it. */
    setup(NULL);
    assert_int_equal(gpu_state().adapter_removed, 0);
}

static void test_timeouts_outside_window_do_not_count(void **state)
{
    (void)state;
    uint32_t f = 0;
    assert_int_equal(set_tdr(1000, 40000000), S_OK);
    for (unsigned i = 1; i <= 2 * VD_TDR_LIMIT; i++) {
        vd_wire_device_req cd = {hdev};
        assert_int_equal(hang(hdev, &f), S_OK);
        time_out(); /* 30,000,000 cycles each: two in a row always share the window */
        vd_wire_gpu_state g = gpu_state();
        assert_int_equal(g.timeouts, i);
        assert_int_equal(g.timeouts_in_window, i == 1 ? 1 : 2);
        assert_int_equal(g.adapter_removed, 0);
        exec(VD_MSG_CLOSE_DEVICE, &cd, sizeof cd);
        hdev = open_device();
    }
    gpu_model_advance(50000000);
    assert_int_equal(gpu_state().timeouts_in_window, 0);
}

static void test_fault_stops_submission(void **state)
{
    (void)state;
    uint32_t h = alloc_buf(64), other = open_device(), oh = alloc_on(other, 64, 0);
    uint32_t victim = offset_of(oh), mine = offset_of(h), f = 0, c = 0;
    memset(vram + victim, 0x5C, 64);
    memset(vram + mine, 0x11, 64);

    /* A raw DST into another device's allocation (no patch, no window): blocked. */
    rb_start(hdev);
    rb_alloc(0, 0);
    rb_alloc(h, 1);
    rb_cmd(VD_GPU_OP_FILL, victim, 0xDEADBEEF, 64);
    assert_int_equal(rb_send(&f), S_OK);
    assert_int_equal(fence_q(hdev, f, &c, NULL), D3DDDIERR_DEVICEREMOVED);
    for (uint32_t i = 0; i < 64; i++)
        assert_int_equal(vram[victim + i], 0x5C); /* untouched */
    vd_wire_gpu_state g = gpu_state();
    assert_int_equal(g.faults, 1);
    assert_int_equal(g.last_fault_addr, victim);
    assert_int_equal(g.last_fault_info, VD_MEMCTL_FAULT_INFO_WRITE_MASK);
    assert_int_equal(g.timeouts + g.errors, 0);
    assert_int_equal(g.engine_state, VD_GPU_STATE_IDLE);
    /* Only the faulting device is removed; nothing is purged; the other one works. */
    assert_int_equal(vram[mine], 0x11);
    assert_int_equal(fill(other, oh, 0, 0x42, 4, &f), S_OK);
    assert_int_equal(vram32(victim), 0x42);
    assert_int_equal(fence_q(other, f, NULL, NULL), S_OK);

    /* A write through a read-only window: HIT and the slot. */
    rb_start(other);
    rb_alloc(0, 0);
    rb_alloc(oh, 0);
    uint32_t at = rb_cmd(VD_GPU_OP_FILL, 0, 1, 4);
    rb_patch(at, 1, 1, 8);
    assert_int_equal(rb_send(&f), S_OK);
    g = gpu_state();
    assert_int_equal(g.faults, 2);
    assert_int_equal(g.last_fault_addr, victim + 8);
    assert_int_equal(g.last_fault_info, VD_MEMCTL_FAULT_INFO_WRITE_MASK | VD_MEMCTL_FAULT_INFO_HIT_MASK |
                                            (1u << VD_MEMCTL_FAULT_INFO_SLOT_LSB));
    assert_int_equal(fence_q(other, f, NULL, NULL), D3DDDIERR_DEVICEREMOVED);
}

static void test_bad_command_error(void **state)
{
    (void)state;
    uint32_t h = alloc_buf(64), f = 0;
    assert_int_equal(fill(hdev, h, 0, 1, 6, &f), S_OK); /* unaligned length: the GPU's ERROR */
    assert_int_equal(fence_q(hdev, f, NULL, NULL), D3DDDIERR_DEVICEREMOVED);
    vd_wire_gpu_state g = gpu_state();
    assert_int_equal(g.errors, 1);
    assert_int_equal(g.faults + g.timeouts, 0);
    assert_int_equal(g.completed, 1);
    hdev = open_device();
    h = alloc_buf(64);
    assert_int_equal(fill(hdev, h, 0, 3, 8, &f), S_OK);
    assert_int_equal(f, 2);
    assert_int_equal(vram32(offset_of(h) + 4), 3);
}

static void test_escape(void **state)
{
    (void)state;
    assert_int_equal(set_tdr(0, 0), S_OK);
    assert_int_equal(u32(4), 24000000);  /* 2 s at 12 MHz */
    assert_int_equal(u32(8), 720000000); /* 60 s */
    assert_int_equal(set_tdr(5000, 90000), S_OK);
    assert_int_equal(u32(4), 5000);
    assert_int_equal(u32(8), 90000);
    struct { uint32_t a0, a1; } bad[] = {{3, 0}, {0x10000000u, 0}, {0, 0x80000000u}};
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(set_tdr(bad[i].a0, bad[i].a1), E_INVALIDARG);
        assert_int_equal(u32(4), 5000); /* unchanged, reported */
        assert_int_equal(u32(8), 90000);
    }
    vd_wire_escape_req q = {VD_ESCAPE_SET_TDR, 1000, 0, 1};
    exec(VD_MSG_ESCAPE, &q, sizeof q);
    assert_int_equal(hr(), E_INVALIDARG);
    q = (vd_wire_escape_req){99, 0, 0, 0};
    exec(VD_MSG_ESCAPE, &q, sizeof q);
    assert_int_equal(hr(), E_INVALIDARG);
    assert_int_equal(rlen, 48);
    exec(VD_MSG_ESCAPE, &q, sizeof q - 4);
    assert_int_equal(hr(), E_INVALIDARG);
    assert_int_equal(rlen, 48);
    exec(VD_MSG_FENCE, &q, 4);
    assert_int_equal(hr(), E_INVALIDARG);
    assert_int_equal(rlen, 16);

    /* The engine gets the setting when it starts, and at once afterwards. */
    uint32_t h = alloc_buf(16), f;
    assert_int_equal(fill(hdev, h, 0, 1, 4, &f), S_OK);
    assert_int_equal(mock_mmio_get(VD_GPU_BASE + VD_GPU_WDT_LIMIT), 5000);
    assert_int_equal(set_tdr(7777, 0), S_OK);
    assert_int_equal(mock_mmio_get(VD_GPU_BASE + VD_GPU_WDT_LIMIT), 7777);
}

static void test_free_and_lock_wait_for_gpu(void **state)
{
    (void)state;
    uint32_t a = alloc_buf(1024), b = alloc_buf(64), f = 0;
    gpu_model_set_deferred(1);

    /* LOCK of an allocation the running submission lists: DonotWait says so... */
    assert_int_equal(fill(hdev, a, 0, 9, 1024, &f), S_OK);
    vd_wire_lock_req l = {hdev, a, D3DDDILOCK_DONOTWAIT, 0};
    exec(VD_MSG_LOCK, &l, sizeof l);
    assert_int_equal(hr(), D3DERR_WASSTILLDRAWING);
    /* ...another allocation is free at once... */
    l.hAllocation = b;
    exec(VD_MSG_LOCK, &l, sizeof l);
    assert_int_equal(hr(), S_OK);
    assert_int_equal(fence_q(hdev, f, NULL, NULL), D3DERR_WASSTILLDRAWING);
    /* ...and without DonotWait LOCK waits for the GPU. */
    l.hAllocation = a;
    l.Flags = 0;
    exec(VD_MSG_LOCK, &l, sizeof l);
    assert_int_equal(hr(), S_OK);
    assert_int_equal(fence_q(hdev, f, NULL, NULL), S_OK);
    /* Locked allocations cannot be rendered: release both. */
    exec(VD_MSG_UNLOCK, &l, sizeof l);
    assert_int_equal(hr(), S_OK);
    l.hAllocation = b;
    exec(VD_MSG_UNLOCK, &l, sizeof l);
    assert_int_equal(hr(), S_OK);

    /* DEALLOCATE while the GPU writes it: waits, then frees. */
    assert_int_equal(fill(hdev, a, 0, 10, 1024, &f), S_OK);
    vd_wire_deallocate_req dq = {hdev, 1, 0};
    memcpy(req, &dq, sizeof dq);
    memcpy(req + sizeof dq, &a, 4);
    exec(VD_MSG_DEALLOCATE, req, sizeof dq + 4);
    assert_int_equal(hr(), S_OK);
    assert_int_equal(fence_q(hdev, f, NULL, NULL), S_OK);

    /* CLOSE_DEVICE likewise. */
    assert_int_equal(fill(hdev, b, 0, 11, 64, &f), S_OK);
    vd_wire_device_req cd = {hdev};
    exec(VD_MSG_CLOSE_DEVICE, &cd, sizeof cd);
    assert_int_equal(hr(), S_OK);
    assert_int_equal(gpu_state().completed, f);
}

static void test_hello_stops_the_engine(void **state)
{
    (void)state;
    uint32_t f = 0;
    assert_int_equal(hang(hdev, &f), S_OK);
    unsigned resets = gpu_model_resets();
    vd_wire_hello_req hq = {VD_WIRE_VERSION, 0};
    exec(VD_MSG_HELLO, &hq, sizeof hq);
    assert_int_equal(hr(), S_OK);
    assert_true(gpu_model_resets() > resets);
    vd_wire_gpu_state g = gpu_state();
    assert_int_equal(g.timeouts, 0); /* not a timeout */
    assert_int_equal(g.completed, 1);
    hdev = open_device();
    uint32_t h = alloc_buf(16);
    assert_int_equal(fill(hdev, h, 0, 5, 16, &f), S_OK);
    assert_int_equal(f, 2); /* fence ids go on counting */
    assert_int_equal(vram32(offset_of(h)), 5);
}

/* A SoC without the GPU command block (the `minimal` target): RENDER, FENCE and ESCAPE are
 * refused with E_FAIL (STATUS_NOT_SUPPORTED), no GPU register is ever touched, VRAM has no
 * ring (segment 1 is all of it), and the allocation path works. */
static unsigned gpu_register_accesses(void)
{
    unsigned n = 0;
    for (uint32_t off = 0; off < 0x1000u; off += 4)
        n += mock_mmio_reads(VD_GPU_BASE + off) + mock_mmio_writes(VD_GPU_BASE + off);
    return n;
}

static void test_no_gpu_block(void **state)
{
    (void)state;
    uint32_t h, f = 7;
    vd_wire_escape_req q = {VD_ESCAPE_GPU_STATE, 0, 0, 0};

    mock_mmio_reset(); /* no GPU model behind the registers */
    memset(vram, 0, sizeof vram);
    plat.features = VD_SYSCTL_FEATURES_UART_MASK | VD_SYSCTL_FEATURES_TIMER_MASK |
                    VD_SYSCTL_FEATURES_SPIFLASH_MASK | VD_SYSCTL_FEATURES_MEMCTL_MASK;
    assert_int_equal(vd_disp_init(&plat), STATUS_SUCCESS);
    hdev = open_device();

    h = alloc_buf(256);
    {
        vd_kernel_stats ks;
        vd_kernel_get_stats(&ks);
        assert_int_equal(ks.vidmm.vram.total_bytes, VRAM_SIZE); /* no ring carved off */
    }
    rb_start(hdev);
    rb_alloc(0, 0);
    rb_alloc(h, 1);
    rb_patch(rb_cmd(VD_GPU_OP_FILL, 0, 0x11223344u, 64), 1, 1, 0);
    assert_int_equal(rb_send(&f), E_FAIL);
    assert_int_equal(f, 0);
    assert_int_equal(fence_q(hdev, 1, NULL, NULL), E_FAIL);
    exec(VD_MSG_ESCAPE, &q, sizeof q);
    assert_int_equal(hr(), E_FAIL);
    assert_int_equal(set_tdr(1000, 0), E_FAIL);
    /* A bad device is still a bad device. */
    assert_int_equal(fence_q(hdev + 1, 1, NULL, NULL), E_INVALIDARG);
    /* Freeing and closing do not wait for a GPU that is not there. */
    {
        vd_wire_deallocate_req d = {hdev, 1, 0};
        memcpy(req, &d, sizeof d);
        memcpy(req + sizeof d, &h, 4);
        exec(VD_MSG_DEALLOCATE, req, sizeof d + 4);
        assert_int_equal(hr(), S_OK);
    }
    assert_int_equal(gpu_register_accesses(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_fill_patch_windows, setup),
        cmocka_unit_test_setup(test_copy_with_command_offset, setup),
        cmocka_unit_test_setup(test_locked_allocation_not_rendered, setup),
        cmocka_unit_test_setup(test_render_validation, setup),
        cmocka_unit_test_setup(test_ring_wrap, setup),
        cmocka_unit_test_setup(test_fence_progress_and_one_at_a_time, setup),
        cmocka_unit_test_setup(test_null_rendering, setup),
        cmocka_unit_test_setup(test_tdr_sequence, setup),
        cmocka_unit_test_setup(test_tdr_while_waiting, setup),
        cmocka_unit_test_setup(test_idle_hook_sees_irq, setup),
        cmocka_unit_test_setup(test_tdr_limit_removes_adapter, setup),
        cmocka_unit_test_setup(test_timeouts_outside_window_do_not_count, setup),
        cmocka_unit_test_setup(test_fault_stops_submission, setup),
        cmocka_unit_test_setup(test_bad_command_error, setup),
        cmocka_unit_test_setup(test_escape, setup),
        cmocka_unit_test_setup(test_free_and_lock_wait_for_gpu, setup),
        cmocka_unit_test_setup(test_hello_stops_the_engine, setup),
        cmocka_unit_test_setup(test_no_gpu_block, setup),
    };
    return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
