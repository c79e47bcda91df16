/*
 * vd_serve.h - the firmware's main loop: one image serves the UART link (vd_link.h) and,
 * on a SoC with the PCIe endpoint, the queue link (vd_qlink.h), sleeping in waitirq only
 * when neither has work and the idle hook has nothing pending.
 */
#ifndef VD_SERVE_H
#define VD_SERVE_H

#include "vidalloc/vd_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Idle hook: `poll` runs once per pass of the main loop, before it sleeps (the GPU's
 * timeout detection: the IRQ handlers only record, this acts); the loop does not sleep
 * while `pending` returns non-zero. Either may be NULL.
 */
typedef struct vd_link_idle {
    int (*poll)(void);
    int (*pending)(void);
} vd_link_idle;

/* Start the UART link and serve forever; with `queue` non-zero the queue link too
 * (vd_qlink_init done; without it no PCIE register is touched). `idle` (may be NULL) must
 * outlive the loop. */
_Noreturn void vd_serve(const vd_link_idle *idle, int queue);

/* Every transport counter for VD_QUERY_FW_STATS (vd_disp_platform.fw_stats). */
void vd_serve_get_stats(vd_wire_fw_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* VD_SERVE_H */
