/* vd_pcie: the PCIe endpoint (spec/regs/pcie.toml, docs/pcie.md): the DMA engine between
 * host memory and PCIE_BUF or VRAM, its window, MSI, and the event interrupt.
 *
 * The IRQ handler only records: it acknowledges (w1c) the enabled IRQ_STATUS bits so the
 * level line drops, and keeps them for the main loop (vd_pcie_take_events). DMA completion
 * is polled (DMA_STATUS.BUSY): the firmware has nothing else to do meanwhile, and a poll
 * costs less than an interrupt entry. Touch nothing here on a SoC without
 * SYSCTL.FEATURES.PCIE (its registers do not exist there).
 */
#ifndef VD_PCIE_H
#define VD_PCIE_H

#include <stdint.h>

#include "vd_mmio.h"
#include "vd_regs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* IRQ_STATUS / IRQ_EN bits, for short. */
#define VD_PCIE_EV_SQ   VD_PCIE_IRQ_STATUS_SQ_MASK
#define VD_PCIE_EV_CQ   VD_PCIE_IRQ_STATUS_CQ_MASK
#define VD_PCIE_EV_CTRL VD_PCIE_IRQ_STATUS_CTRL_MASK
#define VD_PCIE_EV_DMA  VD_PCIE_IRQ_STATUS_DMA_MASK

/* One register of the block (offset VD_PCIE_*): the queue link reads the host's queue
 * registers and writes STATUS / SQ_HEAD / CQ_TAIL through these. */
static inline uint32_t vd_pcie_read(uint32_t reg)
{
    return vd_mmio_read32(VD_PCIE_BASE + reg);
}

static inline void vd_pcie_write(uint32_t reg, uint32_t v)
{
    vd_mmio_write32(VD_PCIE_BASE + reg, v);
}

/* Interrupts off, events acknowledged but CTRL (a host's CTRL write since the SoC's reset
 * is kept for the queue link), none recorded, no DMA window. */
void vd_pcie_init(void);

/* IRQ_EN = bits (VD_PCIE_EV_*); the enable set is kept so the handler needs one read. */
void vd_pcie_irq_set(uint32_t bits);
uint32_t vd_pcie_irq_get(void);

/* Line VD_IRQ_PCIE: acknowledge and record the enabled events. IRQ context only. */
void vd_pcie_irq_handler(void);
/* The events recorded since the last call, cleared (IRQs masked around the swap). */
uint32_t vd_pcie_take_events(void);
/* Non-zero while events wait (for the main loop's sleep decision; no clearing). */
uint32_t vd_pcie_pending_events(void);

/* The only host memory the engine may reach: WIN_BASE / WIN_SIZE (multiples of 4 KiB). */
void vd_pcie_set_window(uint32_t base, uint32_t size);

/* GPU aperture window `slot` (< VD_PCIE_GPU_WIN_SLOTS): the GPU may reach size bytes of
 * system memory at offset `off` from WIN_BASE (write: also write them). CMD.GPU_WIN_CLEAR
 * (vd_pcie_write) empties them all. */
static inline void vd_pcie_gpu_win_load(uint32_t slot, uint32_t off, uint32_t size, int write)
{
    vd_pcie_write(VD_PCIE_GPU_WIN_BASE, off);
    vd_pcie_write(VD_PCIE_GPU_WIN_SIZE, size);
    vd_pcie_write(VD_PCIE_GPU_WIN_CTRL, (slot << VD_PCIE_GPU_WIN_CTRL_SLOT_LSB) |
                                            VD_PCIE_GPU_WIN_CTRL_VALID_MASK |
                                            (write ? VD_PCIE_GPU_WIN_CTRL_WRITE_MASK : 0u));
}

/* Start one transfer of len bytes (a multiple of 4, 4..VD_PCIE_DMA_MAX_LEN) between host
 * bus address `host` and CPU address `local` (PCIE_BUF or VRAM); to_host: local -> host. */
void vd_pcie_dma_start(uint32_t host, uint32_t local, uint32_t len, int to_host);
/* Wait for DMA_STATUS.BUSY = 0; returns DMA_STATUS.ERR (VD_PCIE_ERR_NONE = it completed). */
uint32_t vd_pcie_dma_wait(void);
/* Both. */
uint32_t vd_pcie_dma(uint32_t host, uint32_t local, uint32_t len, int to_host);

/* One MSI after every DMA write before it (CMD.MSI; nothing when MSI is disabled). */
void vd_pcie_msi(void);

#ifdef __cplusplus
}
#endif

#endif /* VD_PCIE_H */
