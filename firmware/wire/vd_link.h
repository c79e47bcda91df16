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

/* Send a lone 0x00 (the host's decoder drops whatever it held: the banner) and serve
 * frames forever, sleeping in waitirq while nothing arrives. */
_Noreturn void vd_link_run(void);

/* Transport counters (for VD_QUERY_FW_STATS, see vd_disp_platform.fw_stats). */
void vd_link_get_stats(vd_wire_fw_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* VD_LINK_H */
