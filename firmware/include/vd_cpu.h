/* vd_cpu: the IRQ mask, the wait for an IRQ and the halt, as inline functions, for the CPU
 * the firmware is built for (firmware/firmware.mk FW_CPU; docs/cpu.md). The semantics are
 * PicoRV32's; VexRiscv (VD_CPU_VEXRISCV) emulates them with its CSRs.
 *
 * PicoRV32 is built with ENABLE_IRQ=1 and ENABLE_IRQ_QREGS=0: custom0 opcode (0x0B), R-type,
 * funct7 2 = retirq, 3 = maskirq rd, rs (new mask in, old mask out), 4 = waitirq rd. A mask
 * bit of 1 disables that IRQ line; all lines start masked. waitirq returns when any line is
 * pending, masked or not, and yields the pending bitmask.
 *
 * vd_cpu_halt() executes ebreak with IRQs masked: the CPU stops with its trap output high (the
 * simulator exits non-zero; on the board SYSCTL restarts the system with RESET_CAUSE.TRAP).
 *
 * VexRiscv (LiteX variants): CSR 0xBC0 enables external lines (1 = enabled: the complement
 * of PicoRV32's mask), CSR 0xFC0 reads the pending lines that are enabled, and mstatus.MIE
 * stays set outside the IRQ entry (start.S). The wait enables every line with MIE clear and
 * polls 0xFC0, so masked lines wake it and no handler runs before the caller restores its
 * mask. The halt is a store to the boot ROM's base, which the CPU wrapper never
 * acknowledges: the core stops there with trap_o high (rtl/cpu/vd_cpu.v).
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

#elif defined(VD_CPU_VEXRISCV)

#include "vd_regs.h"

/* The firmware is built for plain RV32I (one newlib); the CSR instructions are allowed here. */
#define VD_CSR(insn) ".option push\n.option arch, +zicsr\n" insn "\n.option pop"

/* Set the IRQ mask, return the previous one. */
static inline uint32_t vd_cpu_maskirq(uint32_t new_mask)
{
    uint32_t old_enabled;
    __asm__ volatile(VD_CSR("csrrw %0, 0xBC0, %1") : "=r"(old_enabled) : "r"(~new_mask) : "memory");
    return ~old_enabled;
}

/* Sleep until an IRQ line is pending; return the pending bitmask. */
static inline uint32_t vd_cpu_waitirq(void)
{
    uint32_t mstatus, enabled, pending;
    __asm__ volatile(VD_CSR("csrrci %0, mstatus, 8") : "=r"(mstatus) : : "memory");
    __asm__ volatile(VD_CSR("csrrw %0, 0xBC0, %1") : "=r"(enabled) : "r"(~0u) : "memory");
    do
        __asm__ volatile(VD_CSR("csrr %0, 0xFC0") : "=r"(pending) : : "memory");
    while (!pending);
    __asm__ volatile(VD_CSR("csrw 0xBC0, %0") : : "r"(enabled) : "memory");
    __asm__ volatile(VD_CSR("csrs mstatus, %0") : : "r"(mstatus & 8u) : "memory");
    return pending;
}

static inline _Noreturn void vd_cpu_halt(void)
{
    vd_cpu_maskirq(VD_CPU_IRQ_ALL);
    __asm__ volatile(VD_CSR("csrci mstatus, 8") : : : "memory");
    for (;;)
        *(volatile uint32_t *)VD_BOOTROM_BASE = 0;
}

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
