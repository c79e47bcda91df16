/*
 * pfnRenderCb's host side without a link: argument validation, splitting a command buffer
 * at 16-byte command boundaries into RENDER requests, the RENDER encoding, and the GPU
 * command encoders (docs/gpu.md). Unit-tested in tests/unit/test_host_render.c.
 */
#include <stdlib.h>
#include <string.h>

#include "vd_host.h"
#include "vd_regs.h" /* VD_GPU_OP_*, VD_GPU_CMD_* (generated from spec/regs/gpu.toml) */

_Static_assert(VIDALLOC_CMD_BYTES == VD_GPU_CMD_BYTES, "command size");
_Static_assert(VIDALLOC_CMD_DST_OFFSET == 4u * VD_GPU_CMD_W_DST, "DST word");
_Static_assert(VIDALLOC_CMD_SRC_OFFSET == 4u * VD_GPU_CMD_W_ARG, "COPY source word");
_Static_assert(sizeof(D3DDDI_ALLOCATIONLIST) == sizeof(vd_wire_alloc_list), "allocation list");
_Static_assert(sizeof(D3DDDI_PATCHLOCATIONLIST) == sizeof(vd_wire_patch_location), "patch list");

#define CMD VIDALLOC_CMD_BYTES

HRESULT vd_check_render(const D3DDDICB_RENDER *p, const vd_render_src *s)
{
    if (!p)
        return vd_fail(E_INVALIDARG, "pfnRenderCb: pData is NULL");
    if (!s)
        return vd_fail(E_INVALIDARG, "pfnRenderCb: hContext is not a context of this device");
    UINT f = p->Flags.Value;
    if (f & ~(UINT)VD_RENDER_FLAGS_SUPPORTED)
        return vd_fail(E_INVALIDARG, "pfnRenderCb: Flags 0x%x not supported (only the Resize* "
                       "flags and NullRendering are)", f & ~(UINT)VD_RENDER_FLAGS_SUPPORTED);
    if (p->CommandOffset % CMD || p->CommandLength % CMD)
        return vd_fail(E_INVALIDARG, "pfnRenderCb: CommandOffset %u / CommandLength %u not "
                       "multiples of %u (whole GPU commands)", p->CommandOffset, p->CommandLength,
                       CMD);
    if (p->CommandLength > s->cmd_size)
        return vd_fail(E_INVALIDARG, "pfnRenderCb: CommandLength %u beyond the %u-byte command "
                       "buffer", p->CommandLength, s->cmd_size);
    if (p->CommandOffset >= p->CommandLength)
        return vd_fail(E_INVALIDARG, "pfnRenderCb: no commands (CommandOffset %u, CommandLength "
                       "%u)", p->CommandOffset, p->CommandLength);
    if (p->NumAllocations > s->alloc_size || p->NumAllocations > VD_WIRE_MAX_RENDER_ALLOCS)
        return vd_fail(E_INVALIDARG, "pfnRenderCb: NumAllocations %u beyond the allocation list "
                       "(%u entries, at most %u)", p->NumAllocations, s->alloc_size,
                       VD_WIRE_MAX_RENDER_ALLOCS);
    if (p->NumPatchLocations > s->patch_size)
        return vd_fail(E_INVALIDARG, "pfnRenderCb: NumPatchLocations %u beyond the patch-location "
                       "list (%u entries)", p->NumPatchLocations, s->patch_size);
    for (UINT k = 0; k < p->NumAllocations; k++) {
        const D3DDDI_ALLOCATIONLIST *a = &s->alloc[k];
        if (a->Value & D3DDDI_ALLOCATIONLIST_RESERVED)
            return vd_fail(E_INVALIDARG, "pfnRenderCb: allocation list entry %u: reserved bits "
                           "0x%x", k, a->Value & D3DDDI_ALLOCATIONLIST_RESERVED);
        if (k && !a->hAllocation) /* the firmware's answer too */
            return vd_fail(D3DDDIERR_INVALIDHANDLE, "pfnRenderCb: allocation list entry %u: "
                           "hAllocation 0 (only entry 0 may be the NULL allocation)", k);
    }
    for (UINT k = 0; k < p->NumPatchLocations; k++) {
        const D3DDDI_PATCHLOCATIONLIST *pl = &s->patch[k];
        if (pl->Value & D3DDDI_PATCHLOCATIONLIST_RESERVED)
            return vd_fail(E_INVALIDARG, "pfnRenderCb: patch entry %u: reserved bits 0x%x", k,
                           pl->Value & D3DDDI_PATCHLOCATIONLIST_RESERVED);
        if (pl->AllocationIndex >= p->NumAllocations)
            return vd_fail(E_INVALIDARG, "pfnRenderCb: patch entry %u: AllocationIndex %u not "
                           "below NumAllocations %u", k, pl->AllocationIndex, p->NumAllocations);
        if (!s->alloc[pl->AllocationIndex].hAllocation)
            return vd_fail(E_INVALIDARG, "pfnRenderCb: patch entry %u refers to the NULL "
                           "allocation (entry %u)", k, pl->AllocationIndex);
        if (pl->PatchOffset % 4 || pl->PatchOffset < p->CommandOffset ||
            pl->PatchOffset > p->CommandLength - 4)
            return vd_fail(E_INVALIDARG, "pfnRenderCb: patch entry %u: PatchOffset %u not a "
                           "multiple of 4 in [CommandOffset %u, CommandLength %u - 4]", k,
                           pl->PatchOffset, p->CommandOffset, p->CommandLength);
        if (pl->PatchOffset % CMD == 0) /* word 0 of a command: its opcode */
            return vd_fail(E_INVALIDARG, "pfnRenderCb: patch entry %u: PatchOffset %u is a "
                           "command's opcode word", k, pl->PatchOffset);
    }
    if (f & D3DDDICB_RENDERFLAGS_RESIZECOMMANDBUFFER) {
        UINT n = p->NewCommandBufferSize;
        if (!n || n % CMD || n > VIDALLOC_MAX_COMMAND_BYTES)
            return vd_fail(E_INVALIDARG, "pfnRenderCb: ResizeCommandBuffer to %u bytes (a "
                           "multiple of %u up to %u)", n, CMD, VIDALLOC_MAX_COMMAND_BYTES);
    }
    if (f & D3DDDICB_RENDERFLAGS_RESIZEALLOCATIONLIST) {
        UINT n = p->NewAllocationListSize;
        if (!n || n > VD_WIRE_MAX_RENDER_ALLOCS)
            return vd_fail(E_INVALIDARG, "pfnRenderCb: ResizeAllocationList to %u entries (1..%u)",
                           n, VD_WIRE_MAX_RENDER_ALLOCS);
    }
    if (f & D3DDDICB_RENDERFLAGS_RESIZEPATCHLOCATIONLIST) {
        UINT n = p->NewPatchLocationListSize;
        if (!n || n > VIDALLOC_MAX_PATCHES)
            return vd_fail(E_INVALIDARG, "pfnRenderCb: ResizePatchLocationList to %u entries "
                           "(1..%u)", n, VIDALLOC_MAX_PATCHES);
    }
    return S_OK;
}

size_t vd_render_request_size(uint32_t nalloc, uint32_t cmd_bytes, uint32_t npatch)
{
    return sizeof(vd_wire_render_req) + (size_t)cmd_bytes + (size_t)nalloc * sizeof(vd_wire_alloc_list) +
           (size_t)npatch * sizeof(vd_wire_patch_location);
}

int vd_render_split(const D3DDDICB_RENDER *p, const vd_render_src *s, uint32_t max_cmd_bytes,
                    vd_render_chunk **out)
{
    *out = NULL;
    uint32_t first = p->CommandOffset / CMD, ncmd = p->CommandLength / CMD - first;
    if (max_cmd_bytes == 0 || max_cmd_bytes > VD_WIRE_MAX_PAYLOAD)
        max_cmd_bytes = VD_WIRE_MAX_PAYLOAD;
    max_cmd_bytes -= max_cmd_bytes % CMD;
    if (max_cmd_bytes < CMD)
        max_cmd_bytes = CMD;
    /* Patch entries per command. */
    uint32_t *npc = calloc(ncmd, sizeof *npc);
    vd_render_chunk *ch = malloc(ncmd * sizeof *ch); /* at most one chunk per command */
    if (!npc || !ch) {
        free(npc);
        free(ch);
        vd_fail(E_OUTOFMEMORY, "pfnRenderCb: out of memory");
        return -1;
    }
    for (UINT k = 0; k < p->NumPatchLocations; k++)
        npc[s->patch[k].PatchOffset / CMD - first]++;
    int n = 0;
    uint32_t c = 0;
    while (c < ncmd) {
        uint32_t begin = c, bytes = 0, np = 0;
        while (c < ncmd && bytes + CMD <= max_cmd_bytes &&
               vd_render_request_size(p->NumAllocations, bytes + CMD, np + npc[c]) <=
                   VD_WIRE_MAX_PAYLOAD) {
            bytes += CMD;
            np += npc[c];
            c++;
        }
        if (c == begin) {
            uint32_t off = (first + c) * CMD;
            uint32_t np1 = npc[c];
            free(npc);
            free(ch);
            vd_fail(E_INVALIDARG, "pfnRenderCb: the command at offset %u has %u patch entries: "
                    "more than one RENDER frame carries", off, np1);
            return -1;
        }
        ch[n].begin = (first + begin) * CMD;
        ch[n].end = (first + c) * CMD;
        ch[n].npatch = np;
        n++;
    }
    free(npc);
    *out = ch;
    return n;
}

size_t vd_encode_render(uint8_t *buf, uint32_t hDevice, uint32_t wire_flags,
                        const D3DDDICB_RENDER *p, const vd_render_src *s,
                        const vd_render_chunk *ch)
{
    vd_wire_render_req r = {
        .hDevice = hDevice,
        .CommandOffset = ch->begin,
        .CommandLength = ch->end,
        .NumAllocations = p->NumAllocations,
        .NumPatchLocations = ch->npatch,
        .Flags = wire_flags,
    };
    uint8_t *o = buf;
    memcpy(o, &r, sizeof r);
    o += sizeof r;
    memcpy(o, s->cmd + ch->begin, ch->end - ch->begin);
    o += ch->end - ch->begin;
    for (UINT k = 0; k < p->NumAllocations; k++) {
        vd_wire_alloc_list a = {.hAllocation = s->alloc[k].hAllocation,
                                .Value = s->alloc[k].Value};
        memcpy(o, &a, sizeof a);
        o += sizeof a;
    }
    for (UINT k = 0; k < p->NumPatchLocations; k++) {
        const D3DDDI_PATCHLOCATIONLIST *pl = &s->patch[k];
        if (pl->PatchOffset < ch->begin || pl->PatchOffset >= ch->end)
            continue;
        vd_wire_patch_location w = {
            .AllocationIndex = pl->AllocationIndex,
            .Value = pl->Value,
            .DriverId = pl->DriverId,
            .AllocationOffset = pl->AllocationOffset,
            .PatchOffset = pl->PatchOffset,
            .SplitOffset = pl->SplitOffset,
        };
        memcpy(o, &w, sizeof w);
        o += sizeof w;
    }
    return (size_t)(o - buf);
}

/* ------------------------------------------------------------------ GPU commands */

static UINT put_cmd(void *cmd, uint32_t op, uint32_t dst, uint32_t arg, uint32_t bytes)
{
    uint32_t w[4];
    w[VD_GPU_CMD_W_OP] = op;
    w[VD_GPU_CMD_W_DST] = dst;
    w[VD_GPU_CMD_W_ARG] = arg;
    w[VD_GPU_CMD_W_BYTES] = bytes;
    uint8_t *b = cmd;
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 4; k++)
            b[4 * i + k] = (uint8_t)(w[i] >> (8 * k)); /* little-endian, any host */
    return VIDALLOC_CMD_BYTES;
}

UINT vidalloc_cmd_nop(void *cmd) { return put_cmd(cmd, VD_GPU_OP_NOP, 0, 0, 0); }

UINT vidalloc_cmd_fill(void *cmd, UINT dst, UINT pattern, UINT bytes)
{
    return put_cmd(cmd, VD_GPU_OP_FILL, dst, pattern, bytes);
}

UINT vidalloc_cmd_copy(void *cmd, UINT dst, UINT src, UINT bytes)
{
    return put_cmd(cmd, VD_GPU_OP_COPY, dst, src, bytes);
}

UINT vidalloc_cmd_hang(void *cmd) { return put_cmd(cmd, VD_GPU_OP_HANG, 0, 0, 0); }

const char *vidalloc_gpu_state_name(UINT engine_state)
{
    switch (engine_state) {
    case VD_GPU_STATE_IDLE: return "IDLE";
    case VD_GPU_STATE_FETCH: return "FETCH";
    case VD_GPU_STATE_DECODE: return "DECODE";
    case VD_GPU_STATE_FILL: return "FILL";
    case VD_GPU_STATE_COPY: return "COPY";
    case VD_GPU_STATE_HANG: return "HANG";
    case VD_GPU_STATE_FAULT: return "FAULT";
    case VD_GPU_STATE_ERROR: return "ERROR";
    default: return "?";
    }
}
