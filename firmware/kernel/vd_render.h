/*
 * vd_render.h - the GPU scheduler: the parts of Dxgkrnl's scheduler and of the miniport's
 * DxgkDdiRender / DxgkDdiPatch / DxgkDdiSubmitCommand / DxgkDdiResetFromTimeout /
 * DxgkDdiRestartFromTimeout / DxgkDdiEscape that pfnRenderCb needs (vd_wire.h: RENDER, FENCE,
 * ESCAPE; docs/kernel.md "Submission").
 *
 * It sits below the graphics kernel (vd_kernel.c) and knows no kernel object: the kernel
 * validates a submission's allocation list, makes it resident and hands over the resolved
 * slots (VRAM offset, size, write); device handles are opaque numbers here. What a recovery
 * does to kernel objects (devices removed, contents purged) is the kernel's: the scheduler
 * records each recovery and the kernel takes them (vd_render_take_recovery) after every
 * call that may have run one.
 *
 * The command ring lies in the top VD_GPU_RING_BYTES of VRAM, outside segment 1 (the kernel
 * starts VidMm on the rest). One submission is on the GPU at a time: the windows of the
 * memory controller belong to it, so a new one waits for the previous fence (bounded: the
 * watchdog gives progress or a timeout). The hardware is touched only through the gpu and
 * memctl drivers and is started on first use (the first RENDER), so the allocation path
 * runs on a SoC without a GPU too; on one that lacks the GPU command block (SYSCTL.FEATURES)
 * there is no ring and RENDER, FENCE and ESCAPE return STATUS_NOT_SUPPORTED.
 *
 * Entry points return NTSTATUS; the dispatcher maps them (vd_status_to_hresult).
 */
#ifndef VD_RENDER_H
#define VD_RENDER_H

#include <stdint.h>

#include "vd_config.h"
#include "vd_dxgk.h"
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

/* One allocation-list entry as the kernel resolved it (made resident). */
typedef struct vd_render_slot {
    uint32_t h;       /* hAllocation, 0 = the NULL entry */
    uint32_t offset;  /* GPU address DxgkDdiPatch writes: VRAM byte offset, or aperture */
    uint32_t size;
    uint32_t write;   /* WriteOperation */
} vd_render_slot;

/* What recoveries did since the kernel last asked: every open device is removed after a
 * timeout (and the memory segment's content is lost); a fault or bad command removes only
 * the device whose submission it was. */
typedef struct vd_render_recovery {
    uint32_t timeouts;                     /* timeout recoveries */
    uint32_t faulted;                      /* entries of faulted_dev */
    uint32_t faulted_dev[VD_MAX_DEVICES];  /* devices whose submission faulted */
} vd_render_recovery;

/*
 * Board start: VRAM at `vram` (CPU pointer) of vram_size bytes; has_gpu: the SoC has the
 * GPU command block (then the ring takes the top of VRAM). TDR settings to their defaults
 * (clk_hz 0: VD_CLK_HZ); fence ids, counters and the adapter's removed state cleared.
 * Touches no register. STATUS_INVALID_PARAMETER if VRAM cannot hold the ring and 16 bytes.
 */
vd_ntstatus_t vd_render_init(uint8_t *vram, uint32_t vram_size, uint32_t clk_hz, int has_gpu);

/*
 * System memory for the GPU (targets with the GPU and the PCIe endpoint): FILL/COPY with one
 * side at VD_GPU_APERTURE_BASE + an offset from PCIE.WIN_BASE run in the endpoint's DMA
 * engine (docs/gpu.md). on: the SoC has the path (vd_render_init leaves it off); a
 * submission's system-memory allocations then get the endpoint's GPU aperture windows as
 * its VRAM ones get the memory controller's.
 */
void vd_render_enable_aperture(int on);
/* The GPU address of `size` bytes of system memory at bus address `bus`: 1 and *gpu when the
 * GPU reaches it (the path exists, the range lies inside the DMA window the queue link
 * programmed), else 0. */
int vd_render_sysmem_address(uint32_t bus, uint32_t size, uint32_t *gpu);

/* VRAM bytes left to segment 1 (vram_size less the ring, when there is one). */
uint32_t vd_render_segment_size(void);

/*
 * The kernel is about to forget every allocation (HELLO): if the engine runs, abort it
 * (CTRL.RESET, not counted as a timeout), empty the ring and the windows, restart it.
 * Fence ids keep counting; the adapter's removed state stays (only a board reset clears it).
 */
void vd_render_restart(void);

/*
 * The submission's shape, checked before the kernel looks at its allocation list:
 * STATUS_NOT_SUPPORTED without a GPU; STATUS_INVALID_PARAMETER for offsets or a length that
 * are not whole 16-byte commands, more commands than the ring holds, more entries than
 * window slots.
 */
vd_ntstatus_t vd_render_check(const vd_render_args *a);

/*
 * DxgkDdiRender + DxgkDdiPatch + DxgkDdiSubmitCommand, for a submission vd_render_check
 * accepted and whose allocation list the kernel validated and resolved into
 * slot[0 .. NumAllocations). Checks the rest (STATUS_INVALID_PARAMETER: a patch naming
 * entry 0 or past the list or a NULL entry, a PatchOffset not a word inside the commands or
 * on an opcode word, an AllocationOffset past the allocation, an unknown opcode, reserved
 * opcode bits, a FENCE),
 * waits for the previous submission, then queues the commands and a FENCE and rings the
 * doorbell. *fence = its fence id (0 on failure). STATUS_DEVICE_REMOVED when the wait ended
 * in a recovery that removed a->hDevice.
 */
vd_ntstatus_t vd_render_submit(const vd_render_args *a, const vd_render_slot *slot,
                               uint32_t *fence);

/* Where the GPU is: *completed, *submitted; STATUS_SUCCESS if completed >= fence,
 * STATUS_TIMEOUT if not yet, STATUS_INVALID_PARAMETER if fence was never handed out. */
vd_ntstatus_t vd_render_fence(uint32_t fence, uint32_t *completed, uint32_t *submitted);

/* DxgkDdiEscape: VD_ESCAPE_SET_TDR, VD_ESCAPE_GPU_STATE; value[] as vd_wire.h says. */
vd_ntstatus_t vd_render_escape(const vd_wire_escape_req *q, uint32_t value[11]);
void vd_render_get_state(vd_wire_gpu_state *s);

/* The memory controller's counters (vd_wire_memctl_stats order). */
void vd_render_memctl_counters(uint32_t out[8]);

/*
 * Look for a timeout, fault or bad command and recover from it (the kernel calls this for
 * the link's idle hook and before requests that depend on the GPU; the IRQ handlers only
 * record). Returns 1 if it recovered.
 */
int vd_render_poll(void);
/* 1 if an interrupt recorded an event vd_render_poll has not seen (idle loop: do not sleep). */
int vd_render_events_pending(void);
/* Hand over (and forget) what recoveries did since the last call. 0: nothing happened
 * (and *r is not written). */
int vd_render_take_recovery(vd_render_recovery *r);

/* 1 after more than VD_TDR_LIMIT timeouts inside the window: OPEN_DEVICE is refused. */
int vd_render_adapter_removed(void);

/* Wait until the submission of hDevice on the GPU, if any, has completed (or was
 * recovered): nothing is freed or moved under the GPU. Returns 1 when a recovery waits to
 * be taken (vd_render_take_recovery). */
int vd_render_wait_device(uint32_t hDevice);

/*
 * Before the CPU touches an allocation (LOCK): if the submission on the GPU lists it, wait
 * for it, or with `nowait` return STATUS_GRAPHICS_ALLOCATION_BUSY without waiting.
 */
vd_ntstatus_t vd_render_wait_allocation(uint32_t hAllocation, int nowait);

#ifdef __cplusplus
}
#endif

#endif /* VD_RENDER_H */
