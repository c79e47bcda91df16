/* vd_timer: TIMER.MTIME, the cycle counter. */
#include "vd_timer.h"

#include "vd_mmio.h"
#include "vd_regs.h"

void vd_timer_delay_cycles(uint32_t cycles)
{
    uint32_t start = vd_timer_now();
    while (vd_timer_now() - start < cycles)
        ;
}

void vd_timer_delay_us(uint32_t us)
{
    vd_timer_delay_cycles(us * (vd_timer_clk_hz() / 1000000u));
}
