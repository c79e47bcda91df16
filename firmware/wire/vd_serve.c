/* vd_serve.c - the main loop over both links (vd_serve.h). */
#include "vd_serve.h"

#include "vd_irq.h"
#include "vd_link.h"
#include "vd_qlink.h"
#include "vd_timer.h"

static uint32_t s_idle_cycles;
static int s_queue;

_Noreturn void vd_serve(const vd_link_idle *idle, int queue)
{
    s_queue = queue;
    vd_link_start();
    for (;;) {
        if (idle != NULL && idle->poll != NULL)
            (void)idle->poll(); /* e.g. a GPU timeout: recover before the next request */

        uint32_t mask = vd_irq_save();
        if (!vd_link_pending() && !(queue && vd_qlink_pending()) &&
            (idle == NULL || idle->pending == NULL || !idle->pending())) {
            uint32_t t0 = vd_timer_now();
            vd_irq_wait(); /* any line wakes us even while masked (UART, GPU, MEMCTL, PCIE) */
            s_idle_cycles += vd_timer_now() - t0;
        }
        vd_irq_restore(mask); /* the handlers run here */

        (void)vd_link_service();
        if (queue)
            (void)vd_qlink_service();
    }
}

void vd_serve_get_stats(vd_wire_fw_stats *out)
{
    vd_link_get_stats(out);
    out->idle_cycles = s_idle_cycles;
    if (s_queue)
        vd_qlink_get_stats(out);
}
