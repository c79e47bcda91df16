/* vd_gpu: the GPU command block (spec/regs/gpu.toml, docs/gpu.md): ring registers, doorbell,
 * fence, watchdog, interrupts and the abort used by DxgkDdiResetFromTimeout.
 *
 * The driver only touches registers; the ring's contents (VRAM) and the submission policy
 * belong to the kernel (firmware/kernel/vd_render.c). The IRQ handler only records: it reads
 * INT_STATUS, remembers the flags, acknowledges FENCE and masks (INT_EN) the stop events
 * TIMEOUT / FAULT / ERROR, which stay set in INT_STATUS until recovery clears them.
 */
#ifndef VD_GPU_H
#define VD_GPU_H

#include <stdint.h>

#include "vd_regs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* INT_STATUS / INT_EN flags, for short. */
#define VD_GPU_EV_FENCE   VD_GPU_INT_STATUS_FENCE_MASK
#define VD_GPU_EV_TIMEOUT VD_GPU_INT_STATUS_TIMEOUT_MASK
#define VD_GPU_EV_FAULT   VD_GPU_INT_STATUS_FAULT_MASK
#define VD_GPU_EV_ERROR   VD_GPU_INT_STATUS_ERROR_MASK
#define VD_GPU_EV_ALL     (VD_GPU_EV_FENCE | VD_GPU_EV_TIMEOUT | VD_GPU_EV_FAULT | VD_GPU_EV_ERROR)
#define VD_GPU_EV_STOP    (VD_GPU_EV_TIMEOUT | VD_GPU_EV_FAULT | VD_GPU_EV_ERROR)

/*
 * Abort whatever runs (CTRL.RESET), program an empty ring at VRAM byte offset ring_base of
 * ring_size bytes (multiples of CMD_BYTES), HEAD = TAIL = 0, FENCE = fence, the watchdog
 * limit, clear INT_STATUS, enable every interrupt and start the engine (CTRL.ENABLE) unless
 * `enable` is 0. Used at start-up and by RestartFromTimeout.
 */
void vd_gpu_init(uint32_t ring_base, uint32_t ring_size, uint32_t wdt_limit, uint32_t fence,
                 int enable);

/* CTRL.RESET: from the next cycle no VRAM access (DxgkDdiResetFromTimeout). ENABLE clears. */
void vd_gpu_reset(void);
void vd_gpu_enable(void);

uint32_t vd_gpu_state(void);      /* STATUS.STATE: VD_GPU_STATE_* */
uint32_t vd_gpu_head(void);       /* RING_HEAD */
uint32_t vd_gpu_tail(void);       /* RING_TAIL */
uint32_t vd_gpu_fence(void);      /* FENCE: last completed fence value */
/* Doorbell: the commands up to (not including) byte offset `tail` are queued. */
void vd_gpu_doorbell(uint32_t tail);
/* FENCE preset (only while the engine is idle, e.g. after a reset). */
void vd_gpu_set_fence(uint32_t fence);
/* Watchdog limit in cycles (WDT_LIMIT.LIMIT, 28 bits; 0 disables). */
void vd_gpu_set_wdt(uint32_t cycles);
uint32_t vd_gpu_wdt_count(void);

uint32_t vd_gpu_int_status(void);           /* INT_STATUS */
void vd_gpu_int_clear(uint32_t flags);      /* w1c */

/* IRQ_GPU handler (IRQ context). */
void vd_gpu_irq_handler(void);
/* Flags the handler recorded since the last call; clears them. */
uint32_t vd_gpu_take_events(void);
/* Flags recorded and not yet taken (for the idle loop's "work to do?" test). */
uint32_t vd_gpu_pending_events(void);
/* Interrupts taken since start-up. */
uint32_t vd_gpu_irq_count(void);

#ifdef __cplusplus
}
#endif

#endif /* VD_GPU_H */
