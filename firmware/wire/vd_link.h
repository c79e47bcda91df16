/*
 * vd_link.h - the wire protocol over the UART: receive ring -> frame decoder -> session
 * (sequencing, replay) -> dispatcher, and the response frame back out of the TX FIFO.
 * The dispatcher must be set up (vd_disp_init) before vd_link_start. The main loop that
 * calls vd_link_service is vd_serve (vd_serve.h), shared with the PCIe queue link.
 */
#ifndef VD_LINK_H
#define VD_LINK_H

#include "vidalloc/vd_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Send a lone 0x00 (the host's decoder drops whatever it held: the banner); start with no
 * session. */
void vd_link_start(void);

/* One non-blocking step: every frame the receive ring holds is decoded and served, its
 * response sent. Returns 1 if it took any byte. */
int vd_link_service(void);

/* Non-zero while received bytes wait in the ring (the sleep decision, IRQs masked). */
int vd_link_pending(void);

/* UART transport counters (vd_serve_get_stats adds the loop's and the queue link's). */
void vd_link_get_stats(vd_wire_fw_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* VD_LINK_H */
