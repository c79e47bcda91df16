/*
 * gpu_model.h - a behavioural model of the GPU command block, the memory controller's GPU
 * windows and TIMER.MTIME (docs/gpu.md, docs/memctl.md), for host tests of the firmware's
 * submission and recovery path. It is not the RTL and stands in for it only in unit tests
 * and fuzzing (the co-simulation runs the real blocks).
 *
 * No cmocka: the fuzz target links it too. Registers are reached through
 * gpu_model_read/write (addresses as in vd_regs.h); unit tests install them as mock_mmio
 * hooks with gpu_model_attach_mock() (gpu_model_mock.c).
 *
 * Time: MTIME advances by `step` cycles at every read (so firmware wait loops see time pass)
 * and by gpu_model_advance(). Commands run at the doorbell (immediate mode) or only when
 * time advances (deferred mode, so a test can see a submission still running). A HANG
 * stops the engine; once WDT_LIMIT cycles have passed INT_STATUS.TIMEOUT is set.
 */
#ifndef GPU_MODEL_H
#define GPU_MODEL_H

#include <stdint.h>

void gpu_model_reset(uint8_t *vram, uint32_t vram_size);
/* 1 if addr is a GPU, MEMCTL or TIMER.MTIME register (then *value is set). */
int gpu_model_read(uint32_t addr, uint32_t *value);
int gpu_model_write(uint32_t addr, uint32_t value);

void gpu_model_set_deferred(int on);
void gpu_model_set_time_step(uint32_t cycles);
void gpu_model_advance(uint32_t cycles);
uint32_t gpu_model_now(void);
/* Execute whatever is queued now (also in deferred mode). */
void gpu_model_run(void);

/* Observations. */
uint32_t gpu_model_doorbells(void);
uint32_t gpu_model_commands(void);      /* commands completed */
uint32_t gpu_model_resets(void);        /* CTRL.RESET writes */
uint32_t gpu_model_win_loads(void);     /* WIN_CTRL commits */
uint32_t gpu_model_blocked(void);       /* GPU accesses the windows blocked */
int gpu_model_irq_line(void);           /* GPU line: INT_STATUS & INT_EN != 0 */
int gpu_model_memctl_irq_line(void);
/* Window `slot` as loaded: returns VALID; *base, *size, *write. */
int gpu_model_window(uint32_t slot, uint32_t *base, uint32_t *size, int *write);

#endif /* GPU_MODEL_H */
