/* vd_timer: the TIMER block. MTIME counts clock cycles (VD_CLK_HZ) and wraps at 32 bits;
 * it is the firmware's cycle counter (the CPU's own counters are left out). */
#ifndef VD_TIMER_H
#define VD_TIMER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

uint32_t vd_timer_now(void);
/* Busy-wait; wrap-safe for waits below 2^31 cycles. */
void vd_timer_delay_cycles(uint32_t cycles);
void vd_timer_delay_us(uint32_t us);

#ifdef __cplusplus
}
#endif

#endif /* VD_TIMER_H */
