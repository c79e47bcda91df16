/* vd_timer: the TIMER block. MTIME counts clock cycles and wraps at 32 bits; it is the
 * firmware's cycle counter (the CPU's own counters are left out). The clock is the build
 * target's (spec/targets clk_hz): one firmware image serves every target, so time is
 * converted with the rate SYSCTL.CLK_HZ reports at run time, never a compile-time one. */
#ifndef VD_TIMER_H
#define VD_TIMER_H

#include <stdint.h>

#include "vd_mmio.h"
#include "vd_regs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Inline: the profiling counters read it around hot paths. */
static inline uint32_t vd_timer_now(void)
{
#ifdef VD_TIMER_DIRECT
    /* make bench-qlink: the code under the register shim (-DVD_MMIO_MOCK) still reads the
     * real TIMER as the board's firmware does, one load, not a call through the shim. */
    return *(volatile uint32_t *)(uintptr_t)(VD_TIMER_BASE + VD_TIMER_MTIME);
#else
    return vd_mmio_read32(VD_TIMER_BASE + VD_TIMER_MTIME);
#endif
}

/* The system clock in Hz: SYSCTL.CLK_HZ (an SoC whose register reads 0, from before it
 * was reported, runs at the default VD_CLK_HZ). */
static inline uint32_t vd_timer_clk_hz(void)
{
    uint32_t hz = vd_mmio_read32(VD_SYSCTL_BASE + VD_SYSCTL_CLK_HZ);
    return hz ? hz : VD_CLK_HZ;
}

/* Busy-wait; wrap-safe for waits below 2^31 cycles. */
void vd_timer_delay_cycles(uint32_t cycles);
void vd_timer_delay_us(uint32_t us); /* at vd_timer_clk_hz() */

#ifdef __cplusplus
}
#endif

#endif /* VD_TIMER_H */
