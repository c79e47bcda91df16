/* vd_cpu: PicoRV32's custom IRQ instructions and the halt, as inline functions.
 *
 * PicoRV32 is built with ENABLE_IRQ=1 and ENABLE_IRQ_QREGS=0: custom0 opcode (0x0B), R-type,
 * funct7 2 = retirq, 3 = maskirq rd, rs (new mask in, old mask out), 4 = waitirq rd. A mask
 * bit of 1 disables that IRQ line; all lines start masked. waitirq returns when any line is
 * pending, masked or not, and yields the pending bitmask.
 *
 * vd_cpu_halt() executes ebreak with IRQs masked: the CPU stops with its trap output high (the
 * simulator exits non-zero; on the board SYSCTL restarts the system with RESET_CAUSE.TRAP).
 *
 * With -DVD_MMIO_MOCK these call the host mock (tests/unit/mock_mmio.c).
 */
#ifndef VD_CPU_H
#define VD_CPU_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VD_CPU_IRQ_ALL 0xFFFFFFFFu

#ifdef VD_MMIO_MOCK

uint32_t vd_mock_cpu_maskirq(uint32_t new_mask);
uint32_t vd_mock_cpu_waitirq(void);
_Noreturn void vd_mock_cpu_halt(void);

static inline uint32_t vd_cpu_maskirq(uint32_t new_mask) { return vd_mock_cpu_maskirq(new_mask); }
static inline uint32_t vd_cpu_waitirq(void) { return vd_mock_cpu_waitirq(); }
static inline _Noreturn void vd_cpu_halt(void) { vd_mock_cpu_halt(); }

#else

/* Set the IRQ mask, return the previous one. */
static inline uint32_t vd_cpu_maskirq(uint32_t new_mask)
{
    uint32_t old;
    __asm__ volatile(".insn r 0x0B, 0, 3, %0, %1, x0" : "=r"(old) : "r"(new_mask) : "memory");
    return old;
}

/* Sleep until an IRQ line is pending; return the pending bitmask. */
static inline uint32_t vd_cpu_waitirq(void)
{
    uint32_t pending;
    __asm__ volatile(".insn r 0x0B, 0, 4, %0, x0, x0" : "=r"(pending) : : "memory");
    return pending;
}

static inline _Noreturn void vd_cpu_halt(void)
{
    vd_cpu_maskirq(VD_CPU_IRQ_ALL);
    for (;;)
        __asm__ volatile("ebreak" : : : "memory");
}

#endif

#ifdef __cplusplus
}
#endif

#endif /* VD_CPU_H */
