/*
 * vd_qlink.h - the wire protocol over PCIe: submission and completion rings in host memory
 * (vidalloc/vd_queue.h), doorbells in BAR0, the endpoint's DMA and MSI (vd_pcie.h). Records
 * are executed in place in PCIE_BUF by the same dispatcher as the UART's (vd_disp_execute),
 * over a link whose HELLO window is VD_QUEUE_DEPTH and whose DMA reaches HOST_WIN.
 *
 * PCIE_BUF (the endpoint's message buffer) is split in four, fixed:
 *   [0, 4 KiB)          submission records fetched by DMA, executed where they lie
 *   [4 KiB, 8 KiB - 24) responses built in place, written to the completion ring by DMA
 *   [8 KiB - 24, -16)   a pad record's header (written at the ring's end on a wrap)
 *   [8 KiB - 16, 8 KiB) the shadow block (vd_queue_shadow)
 *
 * One service step is one batch: read SQ_TAIL, fetch [SQ_HEAD, SQ_TAIL) (as much as the
 * 4 KiB holds; two DMAs when it wraps), execute every whole record (a record cut by the
 * buffer's end is fetched again next step), then one to three DMAs of responses, the
 * shadow block, SQ_HEAD / CQ_TAIL and one MSI. A response is built only when the
 * completion ring has room for the largest one (and a pad) beyond what the host has not
 * consumed; otherwise the batch ends there and the link waits for a CQ_HEAD doorbell.
 *
 * Errors (STATUS, docs/firmware.md): a bad configuration at ENABLE -> CONFIG_ERROR; a record
 * that cannot be delimited (past the ring's end or SQ_TAIL), SQ_TAIL more than the ring
 * ahead, or a queue DMA that fails -> SQ_ERROR and nothing more until the next ENABLE.
 */
#ifndef VD_QLINK_H
#define VD_QLINK_H

#include <stdint.h>

#include "vidalloc/vd_queue.h"
#include "vidalloc/vd_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where PCIE_BUF's parts lie (byte offsets). */
#define VD_QLINK_SQ_OFF     0u
#define VD_QLINK_SQ_BYTES   0x1000u
#define VD_QLINK_SHADOW_OFF (VD_PCIE_BUF_SIZE - 16u)
#define VD_QLINK_PAD_OFF    (VD_QLINK_SHADOW_OFF - 8u)
#define VD_QLINK_CQ_OFF     VD_QLINK_SQ_BYTES
#define VD_QLINK_CQ_BYTES   (VD_QLINK_PAD_OFF - VD_QLINK_CQ_OFF)

/*
 * Start on the endpoint (vd_pcie_init done): `buf` is PCIE_BUF as the CPU reaches it (word
 * aligned), `buf_addr` its address for DMA_LOCAL. Not ready (STATUS = 0) until a CTRL
 * write with ENABLE: one made since the SoC's reset (IRQ_STATUS.CTRL still set: sent while
 * the firmware booted) counts, the CTRL register alone does not (the counts it started
 * are not the firmware's). Enables the SQ and CTRL events.
 */
void vd_qlink_init(uint32_t *buf, uint32_t buf_addr);

/* One non-blocking step: act on CTRL, serve one batch. Returns 1 if it did anything. */
int vd_qlink_service(void);

/* Non-zero while work waits (an event recorded, or records known to be left): the main
 * loop must not sleep. Call with IRQs masked for the sleep decision. */
int vd_qlink_pending(void);

/* The q_* counters of VD_QUERY_FW_STATS. */
void vd_qlink_get_stats(vd_wire_fw_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* VD_QLINK_H */
