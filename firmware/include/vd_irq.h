/* vd_irq: interrupt lines (VD_IRQ_* from vd_regs.h) and the C side of the IRQ entry.
 *
 * firmware/start/start.S is the IRQ entry (VD_CPU_IRQ_VECTOR): it saves the caller-saved
 * registers on the current stack, records the return address in vd_irq_return_addr and calls
 * vd_irq_dispatch() with the pending bitmask (PicoRV32: x3 and x4, retirq; VexRiscv: mepc and
 * CSR 0xFC0, or a trap turned into the EBREAK/BUSERR line, mret; docs/cpu.md). Either CPU
 * blocks every line while the handler runs; handlers are short and never nest.
 */
#ifndef VD_IRQ_H
#define VD_IRQ_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Address the interrupted code resumes at (for a trap: the instruction after it). */
extern volatile uint32_t vd_irq_return_addr;

/* Called by the IRQ entry only. */
void vd_irq_dispatch(uint32_t pending);

/* Unmask / mask one line. */
void vd_irq_enable(unsigned line);
void vd_irq_disable(unsigned line);

/* Critical sections: mask every line, returning the previous mask for vd_irq_restore(). */
uint32_t vd_irq_save(void);
void vd_irq_restore(uint32_t mask);

/* Sleep until a line is pending, masked lines included. Call inside vd_irq_save() after
 * checking for work, then restore: no wake-up is lost between the check and the sleep. */
void vd_irq_wait(void);

#ifdef __cplusplus
}
#endif

#endif /* VD_IRQ_H */
