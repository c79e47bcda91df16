/*
 * vd_link.h - the wire protocol over the UART: receive ring -> frame decoder -> session
 * (sequencing, replay) -> dispatcher, and the response frame back out of the TX FIFO.
 * The dispatcher must be set up (vd_disp_init) before vd_link_run.
 */
#ifndef VD_LINK_H
#define VD_LINK_H

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

/* Send a lone 0x00 (the host's decoder drops whatever it held: the banner) and serve
 * frames forever, sleeping in waitirq while nothing arrives and the idle hook has nothing
 * to do; `idle` (may be NULL) must outlive the loop. */
_Noreturn void vd_link_run(const vd_link_idle *idle);

/* Transport counters (for VD_QUERY_FW_STATS, see vd_disp_platform.fw_stats). */
void vd_link_get_stats(vd_wire_fw_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* VD_LINK_H */
