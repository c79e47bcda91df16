/* vd_memctl: the VRAM memory controller (spec/regs/memctl.toml, docs/memctl.md): the GPU
 * windows of the running submission (allocation-list slots), fault capture and counters.
 * The IRQ handler (IRQ_MEMCTL, level while STATUS.FAULT and CTRL.IRQ_EN) only records the
 * fault and clears CTRL.IRQ_EN; STATUS.FAULT and FAULT_ADDR/FAULT_INFO stay for recovery. */
#ifndef VD_MEMCTL_H
#define VD_MEMCTL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Clear every window, the fault flag and the counters; enable the fault interrupt. */
void vd_memctl_init(void);

/* CMD.WIN_CLEAR: invalidate every window. */
void vd_memctl_win_clear(void);
/* Load slot `slot` with [base, base + size) (VRAM byte offsets, multiples of WIN_GRAN),
 * writable when `write`. Atomic in the hardware (WIN_CTRL commits). */
void vd_memctl_win_load(uint32_t slot, uint32_t base, uint32_t size, int write);
uint32_t vd_memctl_win_state(void); /* WIN_STATE: VALID bits 7:0, WRITE bits 15:8 */

/* The per-master access and stall counters, in vd_wire_memctl_stats order. */
void vd_memctl_counters(uint32_t out[8]);

/* 1 if STATUS.FAULT is set; then *addr / *info are FAULT_ADDR / FAULT_INFO (may be NULL). */
int vd_memctl_fault(uint32_t *addr, uint32_t *info);
/* Clear STATUS.FAULT (releases the capture) and re-enable the fault interrupt. */
void vd_memctl_fault_clear(void);

void vd_memctl_irq_handler(void);
/* 1 if the handler ran since the last call; clears the note. */
int vd_memctl_take_event(void);
int vd_memctl_pending_event(void);

#ifdef __cplusplus
}
#endif

#endif /* VD_MEMCTL_H */
