/* host-lib: pfnRenderCb's host side without a link (host-lib/src/render.c): every
 * E_INVALIDARG case, splitting at command boundaries, patch entries per chunk, the RENDER
 * encoding and its sizes, the GPU command encoders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vd_host.h"
#include "vd_regs.h"

#define CMDBUF 4096u
#define NPATCH 64u

static uint8_t g_cmd[1u << 16];
static D3DDDI_ALLOCATIONLIST g_alloc[VD_WIRE_MAX_RENDER_ALLOCS + 2];
static D3DDDI_PATCHLOCATIONLIST g_patch[512];
static vd_render_src g_src;
static D3DDDICB_RENDER g_r;

static int setup(void **state)
{
    (void)state;
    memset(g_cmd, 0, sizeof g_cmd);
    memset(g_alloc, 0, sizeof g_alloc);
    memset(g_patch, 0, sizeof g_patch);
    g_src = (vd_render_src){g_cmd, CMDBUF, g_alloc, VD_WIRE_MAX_RENDER_ALLOCS, g_patch, NPATCH};
    /* One FILL at 0, patched with allocation 1. */
    vidalloc_cmd_fill(g_cmd, 0, 0xA5A5A5A5u, 64);
    g_alloc[1].hAllocation = 0x40000001u;
    g_alloc[1].WriteOperation = 1;
    g_patch[0].AllocationIndex = 1;
    g_patch[0].PatchOffset = VIDALLOC_CMD_DST_OFFSET;
    memset(&g_r, 0, sizeof g_r);
    g_r.CommandLength = 16;
    g_r.NumAllocations = 2;
    g_r.NumPatchLocations = 1;
    return 0;
}

static void test_render_ok(void **state)
{
    (void)state;
    assert_int_equal(vd_check_render(&g_r, &g_src), S_OK);
    g_r.Flags.NullRendering = 1;
    assert_int_equal(vd_check_render(&g_r, &g_src), S_OK);
    g_r.NumAllocations = 0; /* a HANG or NOPs need no allocation */
    g_r.NumPatchLocations = 0;
    assert_int_equal(vd_check_render(&g_r, &g_src), S_OK);
    g_r.CommandOffset = 16;
    g_r.CommandLength = CMDBUF;
    assert_int_equal(vd_check_render(&g_r, &g_src), S_OK);
    /* DoNotRetireInstance and OfferPriority are WDK bits: accepted. */
    g_r.NumAllocations = 2;
    g_alloc[1].Value = D3DDDI_ALLOCATIONLIST_WRITEOPERATION | D3DDDI_ALLOCATIONLIST_DONOTRETIREINSTANCE |
                       D3DDDI_ALLOCATIONLIST_OFFERPRIORITY_MASK;
    assert_int_equal(vd_check_render(&g_r, &g_src), S_OK);
    g_patch[0].SlotId = 0xFFFFFF;
    g_r.NumPatchLocations = 1;
    g_patch[0].PatchOffset = CMDBUF - 4; /* the last word */
    assert_int_equal(vd_check_render(&g_r, &g_src), S_OK);
    g_patch[0].PatchOffset = 20; /* the first patchable word after CommandOffset */
    assert_int_equal(vd_check_render(&g_r, &g_src), S_OK);
}

static void test_render_invalid(void **state)
{
    (void)state;
    D3DDDICB_RENDER r;
    assert_int_equal(vd_check_render(NULL, &g_src), E_INVALIDARG);
    assert_int_equal(vd_check_render(&g_r, NULL), E_INVALIDARG); /* bad hContext */
#define BAD(stmt)                                                   \
    do {                                                            \
        r = g_r;                                                    \
        stmt;                                                       \
        assert_int_equal(vd_check_render(&r, &g_src), E_INVALIDARG); \
    } while (0)
    BAD(r.CommandLength = 8);
    BAD(r.CommandLength = 20);
    BAD(r.CommandOffset = 4; r.CommandLength = 32);
    BAD(r.CommandLength = CMDBUF + 16);
    BAD(r.CommandOffset = 16);            /* == CommandLength: no commands */
    BAD(r.CommandOffset = 32);            /* beyond CommandLength */
    BAD(r.CommandLength = 0; r.NumPatchLocations = 0);
    BAD(r.NumAllocations = VD_WIRE_MAX_RENDER_ALLOCS + 1);
    BAD(r.NumPatchLocations = NPATCH + 1);
    for (unsigned bit = 7; bit < 32; bit++)
        BAD(r.Flags.Value = 1u << bit);
    BAD(r.Flags.PresentRedirected = 1);
    BAD(r.Flags.RenderKm = 1);
    BAD(r.Flags.RenderKmReadback = 1);
    BAD(r.Flags.ResizeCommandBuffer = 1; r.NewCommandBufferSize = 0);
    BAD(r.Flags.ResizeCommandBuffer = 1; r.NewCommandBufferSize = 100);
    BAD(r.Flags.ResizeCommandBuffer = 1; r.NewCommandBufferSize = VIDALLOC_MAX_COMMAND_BYTES + 16);
    BAD(r.Flags.ResizeAllocationList = 1; r.NewAllocationListSize = VD_WIRE_MAX_RENDER_ALLOCS + 1);
    BAD(r.Flags.ResizeAllocationList = 1; r.NewAllocationListSize = 0);
    BAD(r.Flags.ResizePatchLocationList = 1; r.NewPatchLocationListSize = VIDALLOC_MAX_PATCHES + 1);
    /* Allocation list entries. */
    g_alloc[1].Value = 1u << 5;
    BAD((void)0);
    g_alloc[1].Value = 1;
    g_alloc[1].hAllocation = 0; /* only entry 0 may be NULL: the firmware's code */
    r = g_r;
    assert_int_equal(vd_check_render(&r, &g_src), D3DDDIERR_INVALIDHANDLE);
    g_alloc[1].hAllocation = 0x40000001u;
    /* Patch entries. */
    g_patch[0].Value = 1u << 24;
    BAD((void)0);
    g_patch[0].Value = 0;
    g_patch[0].AllocationIndex = 2; /* == NumAllocations */
    BAD((void)0);
    g_patch[0].AllocationIndex = 0; /* the NULL allocation */
    BAD((void)0);
    g_patch[0].AllocationIndex = 1;
    g_patch[0].PatchOffset = 6;
    BAD((void)0);
    g_patch[0].PatchOffset = 0; /* an opcode word */
    BAD((void)0);
    g_patch[0].PatchOffset = 16; /* == CommandLength */
    BAD((void)0);
    g_patch[0].PatchOffset = 0xFFFFFFFCu;
    BAD((void)0);
    g_patch[0].PatchOffset = 4;
    BAD(r.CommandOffset = 16; r.CommandLength = 32); /* before CommandOffset */
    /* The second entry bad, the first fine. */
    g_patch[1] = g_patch[0];
    g_patch[1].PatchOffset = 16;
    BAD(r.NumPatchLocations = 2);
    /* Entries beyond NumPatchLocations / NumAllocations are not looked at. */
    r = g_r;
    assert_int_equal(vd_check_render(&r, &g_src), S_OK);
    g_alloc[5].Value = 0xFFFFFFFFu;
    assert_int_equal(vd_check_render(&r, &g_src), S_OK);
#undef BAD
}

static void test_request_size(void **state)
{
    (void)state;
    assert_int_equal(vd_render_request_size(0, 16, 0), 24 + 16);
    assert_int_equal(vd_render_request_size(2, 16, 1), 24 + 16 + 16 + 24);
    assert_int_equal(vd_render_request_size(8, 992, 0), 24 + 992 + 64);
}

static void test_encode_one(void **state)
{
    (void)state;
    vd_render_chunk *ch;
    assert_int_equal(vd_render_split(&g_r, &g_src, 0, &ch), 1);
    assert_int_equal(ch[0].begin, 0);
    assert_int_equal(ch[0].end, 16);
    assert_int_equal(ch[0].npatch, 1);
    uint8_t buf[VD_WIRE_MAX_PAYLOAD];
    g_patch[0].AllocationOffset = 0x20;
    g_patch[0].DriverId = 7;
    g_patch[0].SplitOffset = 9;
    size_t len = vd_encode_render(buf, 0xC0000002u, D3DDDICB_RENDERFLAGS_NULLRENDERING, &g_r,
                                  &g_src, &ch[0]);
    assert_int_equal(len, 24 + 16 + 2 * 8 + 24);
    vd_wire_render_req r;
    memcpy(&r, buf, sizeof r);
    assert_int_equal(r.hDevice, 0xC0000002u);
    assert_int_equal(r.CommandOffset, 0);
    assert_int_equal(r.CommandLength, 16);
    assert_int_equal(r.NumAllocations, 2);
    assert_int_equal(r.NumPatchLocations, 1);
    assert_int_equal(r.Flags, 8);
    assert_memory_equal(buf + 24, g_cmd, 16);
    vd_wire_alloc_list a[2];
    memcpy(a, buf + 40, sizeof a);
    assert_int_equal(a[0].hAllocation, 0);
    assert_int_equal(a[1].hAllocation, 0x40000001u);
    assert_int_equal(a[1].Value, 1);
    vd_wire_patch_location p;
    memcpy(&p, buf + 56, sizeof p);
    assert_int_equal(p.AllocationIndex, 1);
    assert_int_equal(p.AllocationOffset, 0x20);
    assert_int_equal(p.PatchOffset, 4);
    assert_int_equal(p.DriverId, 7);
    assert_int_equal(p.SplitOffset, 9);
    free(ch);
}

/* Commands [off, end) of FILLs, each patched at DST with allocation 1 + its own offset. */
static void fill_buffer(uint32_t off, uint32_t end, UINT every)
{
    g_r.CommandOffset = off;
    g_r.CommandLength = end;
    g_r.NumPatchLocations = 0;
    for (uint32_t o = off, i = 0; o < end; o += 16, i++) {
        vidalloc_cmd_fill(g_cmd + o, 0, i, 4);
        if (every && i % every == 0) {
            D3DDDI_PATCHLOCATIONLIST *p = &g_patch[g_r.NumPatchLocations++];
            memset(p, 0, sizeof *p);
            p->AllocationIndex = 1;
            p->AllocationOffset = 4 * i;
            p->PatchOffset = o + VIDALLOC_CMD_DST_OFFSET;
        }
    }
}

/* Check chunks tile [CommandOffset, CommandLength), fit the frame and the cap, and that
 * encoding gives every patch entry exactly once, in its chunk, PatchOffset unchanged. */
static void check_split(uint32_t cap, int expect_chunks)
{
    vd_render_chunk *ch;
    int n = vd_render_split(&g_r, &g_src, cap, &ch);
    assert_true(n >= 1);
    if (expect_chunks)
        assert_int_equal(n, expect_chunks);
    uint32_t at = g_r.CommandOffset, patches = 0;
    uint32_t eff = cap ? cap - cap % 16 : 0;
    for (int i = 0; i < n; i++) {
        assert_int_equal(ch[i].begin, at);
        assert_true(ch[i].end > ch[i].begin);
        assert_int_equal(ch[i].begin % 16, 0);
        assert_int_equal(ch[i].end % 16, 0);
        if (eff >= 16)
            assert_true(ch[i].end - ch[i].begin <= eff);
        uint8_t buf[VD_WIRE_MAX_PAYLOAD];
        size_t len = vd_encode_render(buf, 1, 0, &g_r, &g_src, &ch[i]);
        assert_int_equal(len, vd_render_request_size(g_r.NumAllocations, ch[i].end - ch[i].begin,
                                                     ch[i].npatch));
        assert_true(len <= VD_WIRE_MAX_PAYLOAD);
        vd_wire_render_req r;
        memcpy(&r, buf, sizeof r);
        assert_int_equal(r.CommandOffset, ch[i].begin);
        assert_int_equal(r.CommandLength, ch[i].end);
        assert_memory_equal(buf + 24, g_cmd + ch[i].begin, ch[i].end - ch[i].begin);
        const uint8_t *pp = buf + 24 + (ch[i].end - ch[i].begin) + 8 * g_r.NumAllocations;
        uint32_t last = 0;
        for (uint32_t k = 0; k < ch[i].npatch; k++) {
            vd_wire_patch_location p;
            memcpy(&p, pp + 24 * k, sizeof p);
            assert_true(p.PatchOffset >= ch[i].begin && p.PatchOffset <= ch[i].end - 4);
            /* The entry it came from: same AllocationOffset (FILL i at offset 4i). */
            assert_int_equal(p.AllocationOffset, 4 * ((p.PatchOffset - 4) / 16 -
                                                      g_r.CommandOffset / 16));
            assert_true(k == 0 || p.PatchOffset > last); /* list order kept (sorted here) */
            last = p.PatchOffset;
        }
        patches += ch[i].npatch;
        at = ch[i].end;
    }
    assert_int_equal(at, g_r.CommandLength);
    assert_int_equal(patches, g_r.NumPatchLocations);
    free(ch);
}

static void test_split(void **state)
{
    (void)state;
    g_r.NumAllocations = 2;
    /* Without patches a frame carries (1024 - 24 - 16) / 16 = 61 commands. */
    fill_buffer(0, CMDBUF, 0);
    check_split(0, (256 + 60) / 61);
    /* One patch per command: 16 + 24 = 40 bytes per command, 24 commands per frame. */
    g_src.patch_size = 512;
    fill_buffer(0, 8192, 1);
    g_src.cmd_size = 8192;
    check_split(0, (512 + 23) / 24);
    /* A patch every 3rd command, from an offset. */
    fill_buffer(160, 4096, 3);
    check_split(0, 0);
    /* The ring cap: 256 bytes = 16 commands per RENDER; unaligned caps round down. */
    fill_buffer(0, 4096, 0);
    check_split(256, 16);
    check_split(260, 16);
    check_split(1, 256);   /* at least one command */
    check_split(100000, 0); /* larger than a frame: the frame limits */
    /* The patches are given out of order: each chunk still gets its own. */
    fill_buffer(0, 2048, 1);
    for (uint32_t i = 0; i < g_r.NumPatchLocations / 2; i++) {
        D3DDDI_PATCHLOCATIONLIST t = g_patch[i];
        g_patch[i] = g_patch[g_r.NumPatchLocations - 1 - i];
        g_patch[g_r.NumPatchLocations - 1 - i] = t;
    }
    vd_render_chunk *ch;
    int n = vd_render_split(&g_r, &g_src, 0, &ch);
    assert_true(n > 1);
    uint32_t total = 0;
    for (int i = 0; i < n; i++) {
        uint8_t buf[VD_WIRE_MAX_PAYLOAD];
        vd_encode_render(buf, 1, 0, &g_r, &g_src, &ch[i]);
        const uint8_t *pp = buf + 24 + (ch[i].end - ch[i].begin) + 16;
        for (uint32_t k = 0; k < ch[i].npatch; k++) {
            vd_wire_patch_location p;
            memcpy(&p, pp + 24 * k, sizeof p);
            assert_true(p.PatchOffset >= ch[i].begin && p.PatchOffset < ch[i].end);
            assert_true(k == 0 || p.PatchOffset < vd_get32(pp + 24 * (k - 1) + 16)); /* list order */
        }
        total += ch[i].npatch;
    }
    assert_int_equal(total, g_r.NumPatchLocations);
    free(ch);
    /* 8 allocations: 24 + 64 + 16k + 24p <= 1024. */
    g_r.NumAllocations = 8;
    for (int k = 2; k < 8; k++)
        g_alloc[k].hAllocation = 0x40000010u + (UINT)k;
    fill_buffer(0, 4096, 0);
    check_split(0, (256 + 57) / 58);
}

static void test_split_too_many_patches(void **state)
{
    (void)state;
    /* Patch entries on one command: 24 + 16 + 16 + 40 * 24 = 1016 fits; 41 do not. */
    g_src.patch_size = 64;
    g_r.NumPatchLocations = 40;
    for (UINT k = 0; k < 40; k++)
        g_patch[k] = g_patch[0];
    vd_render_chunk *ch;
    assert_int_equal(vd_render_split(&g_r, &g_src, 0, &ch), 1);
    free(ch);
    g_r.NumPatchLocations = 41;
    for (UINT k = 0; k < 41; k++)
        g_patch[k] = g_patch[0];
    assert_int_equal(vd_check_render(&g_r, &g_src), S_OK);
    assert_int_equal(vd_render_split(&g_r, &g_src, 0, &ch), -1);
    assert_int_equal(vd_last_hr(), E_INVALIDARG);
    assert_null(ch);
}

static void test_commands(void **state)
{
    (void)state;
    uint8_t c[16];
    assert_int_equal(vidalloc_cmd_fill(c, 0x100, 0xDEADBEEFu, 64), 16);
    assert_int_equal(vd_get32(c + 0), VD_GPU_OP_FILL);
    assert_int_equal(vd_get32(c + 4), 0x100);
    assert_int_equal(vd_get32(c + 8), 0xDEADBEEFu);
    assert_int_equal(vd_get32(c + 12), 64);
    assert_int_equal(vidalloc_cmd_copy(c, 0x10, 0x20, 32), 16);
    assert_int_equal(vd_get32(c + 0), VD_GPU_OP_COPY);
    assert_int_equal(vd_get32(c + VIDALLOC_CMD_DST_OFFSET), 0x10);
    assert_int_equal(vd_get32(c + VIDALLOC_CMD_SRC_OFFSET), 0x20);
    assert_int_equal(vd_get32(c + 12), 32);
    vidalloc_cmd_hang(c);
    assert_int_equal(vd_get32(c), VD_GPU_OP_HANG);
    assert_int_equal(vd_get32(c + 4) | vd_get32(c + 8) | vd_get32(c + 12), 0);
    vidalloc_cmd_nop(c);
    assert_int_equal(vd_get32(c), VD_GPU_OP_NOP);
    assert_string_equal(vidalloc_gpu_state_name(VD_GPU_STATE_HANG), "HANG");
    assert_string_equal(vidalloc_gpu_state_name(VD_GPU_STATE_IDLE), "IDLE");
    assert_string_equal(vidalloc_gpu_state_name(99), "?");
    /* WDK bit positions. */
    D3DDDICB_RENDERFLAGS f = {0};
    f.NullRendering = 1;
    assert_int_equal(f.Value, D3DDDICB_RENDERFLAGS_NULLRENDERING);
    f.Value = 0;
    f.RenderKmReadback = 1;
    assert_int_equal(f.Value, D3DDDICB_RENDERFLAGS_RENDERKMREADBACK);
    D3DDDI_ALLOCATIONLIST a = {0};
    a.WriteOperation = 1;
    assert_int_equal(a.Value, D3DDDI_ALLOCATIONLIST_WRITEOPERATION);
    a.Value = 0;
    a.OfferPriority = 7;
    assert_int_equal(a.Value, D3DDDI_ALLOCATIONLIST_OFFERPRIORITY_MASK);
    D3DDDI_PATCHLOCATIONLIST p = {0};
    p.SlotId = 0xFFFFFF;
    assert_int_equal(p.Value, D3DDDI_PATCHLOCATIONLIST_SLOTID_MASK);
    assert_int_equal(offsetof(D3DDDI_PATCHLOCATIONLIST, PatchOffset),
                     offsetof(vd_wire_patch_location, PatchOffset));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_render_ok, setup),
        cmocka_unit_test_setup(test_render_invalid, setup),
        cmocka_unit_test_setup(test_request_size, setup),
        cmocka_unit_test_setup(test_encode_one, setup),
        cmocka_unit_test_setup(test_split, setup),
        cmocka_unit_test_setup(test_split_too_many_patches, setup),
        cmocka_unit_test_setup(test_commands, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
