/*
 * vd_render.h - the submission path and timeout detection and recovery: the parts of
 * Dxgkrnl's GPU scheduler and of the miniport's DxgkDdiRender / DxgkDdiPatch /
 * DxgkDdiSubmitCommand / DxgkDdiResetFromTimeout / DxgkDdiRestartFromTimeout / DxgkDdiEscape
 * that pfnRenderCb needs (vd_wire.h: RENDER, FENCE, ESCAPE; docs/kernel.md "Submission").
 *
 * The command ring lies in the top VD_GPU_RING_BYTES of VRAM, outside segment 1 (the
 * dispatcher starts the kernel on the rest). One submission is on the GPU at a time: the
 * windows of the memory controller belong to it, so a new one waits for the previous
 * fence (bounded: the watchdog gives progress or a timeout). The hardware is touched
 * only through the gpu/memctl drivers and is started on first use (the first RENDER), so
 * the allocation path runs on a SoC without a GPU too.
 *
 * Entry points return HRESULTs (not NTSTATUS): the submission's codes
 * (D3DDDIERR_INVALIDHANDLE, D3DERR_WASSTILLDRAWING) have no NTSTATUS mapping.
 */
#ifndef VD_RENDER_H
#define VD_RENDER_H

#include <stdint.h>

#include "vd_config.h"
#include "vidalloc/vd_status.h"
#include "vidalloc/vd_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* D3DDDICB_RENDERFLAGS.Value: NullRendering (bit 3); the other bits are ignored. */
#define VD_RENDERFLAG_NULLRENDERING 0x00000008u

/* Smallest TdrDelay VD_ESCAPE_SET_TDR accepts: the memory controller grants a running
 * command an access at least every PORTS cycles (docs/gpu.md), so 4 only fires on a hang. */
#define VD_RENDER_TDR_MIN 4u
#define VD_RENDER_TDR_MAX 0x0FFFFFFFu   /* WDT_LIMIT.LIMIT, 28 bits */
#define VD_RENDER_WINDOW_MAX 0x7FFFFFFFu /* wrap-safe TIMER.MTIME differences */

/* One RENDER request: pointers into the (4-byte aligned) payload, read with memcpy. */
typedef struct vd_render_args {
    uint32_t hDevice;
    const uint8_t *commands;      /* bytes [CommandOffset, CommandLength) of the command buffer */
    uint32_t CommandOffset;
    uint32_t CommandLength;
    const uint8_t *alloc_list;    /* NumAllocations vd_wire_alloc_list */
    uint32_t NumAllocations;
    const uint8_t *patch_list;    /* NumPatchLocations vd_wire_patch_location */
    uint32_t NumPatchLocations;
    uint32_t Flags;               /* D3DDDICB_RENDERFLAGS.Value */
} vd_render_args;

/*
 * Board start: VRAM at `vram` (CPU pointer) of vram_size bytes, the ring at its top; TDR
 * settings to their defaults (clk_hz 0: VD_CLK_HZ); fence ids, counters and the adapter's
 * removed state cleared. Touches no register. STATUS_INVALID_PARAMETER if VRAM cannot hold
 * the ring and 16 more bytes.
 */
vd_ntstatus_t vd_render_init(uint8_t *vram, uint32_t vram_size, uint32_t clk_hz);

/* VRAM bytes left to segment 1 (vram_size - VD_GPU_RING_BYTES). */
uint32_t vd_render_segment_size(void);

/*
 * The kernel is about to forget every allocation (HELLO): if the engine runs, abort it
 * (CTRL.RESET, not counted as a timeout), empty the ring and the windows, restart it.
 * Fence ids keep counting; the adapter's removed state stays (only a board reset clears it).
 */
void vd_render_restart(void);

/*
 * pfnRenderCb: validate, make resident, patch, load the windows, queue the commands and a
 * FENCE, ring the doorbell. *fence = the submission's fence id (0 on failure).
 * S_OK, E_INVALIDARG, D3DDDIERR_INVALIDHANDLE, D3DDDIERR_DEVICEREMOVED (also when a TDR
 * happens while it waits for the previous submission).
 */
vd_hresult_t vd_render_submit(const vd_render_args *a, uint32_t *fence);

/* FENCE: S_OK if completed >= fence, D3DERR_WASSTILLDRAWING if not yet,
 * D3DDDIERR_DEVICEREMOVED, E_INVALIDARG (not an open device, or fence > submitted). */
vd_hresult_t vd_render_fence(uint32_t hDevice, uint32_t fence, uint32_t *completed,
                             uint32_t *submitted);

/* DxgkDdiEscape: VD_ESCAPE_SET_TDR, VD_ESCAPE_GPU_STATE; value[] as vd_wire.h says. */
vd_hresult_t vd_render_escape(const vd_wire_escape_req *q, uint32_t value[11]);
void vd_render_get_state(vd_wire_gpu_state *s);

/*
 * Look for a timeout, fault or bad command and recover from it (the link's idle hook and
 * every request call this; the IRQ handlers only record). Returns 1 if it recovered.
 */
int vd_render_poll(void);
/* 1 if an interrupt recorded an event vd_render_poll has not seen (idle loop: do not sleep). */
int vd_render_events_pending(void);

/* 1 after more than VD_TDR_LIMIT timeouts inside the window: OPEN_DEVICE is refused. */
int vd_render_adapter_removed(void);

/*
 * Before the allocations of hDevice are freed (DEALLOCATE, CLOSE_DEVICE): wait until its
 * submission on the GPU, if any, has completed (or was recovered). Nothing is freed or
 * moved under the GPU.
 */
void vd_render_wait_device(uint32_t hDevice);

/*
 * Before the CPU touches an allocation (LOCK): if the submission on the GPU lists it, wait
 * for it, or with `nowait` return 1 (D3DERR_WASSTILLDRAWING) without waiting. 0: free.
 */
int vd_render_wait_allocation(uint32_t hAllocation, int nowait);

#ifdef __cplusplus
}
#endif

#endif /* VD_RENDER_H */
