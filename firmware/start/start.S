/* Firmware start-up and IRQ entry. Placed first in FW_RAM by firmware/link.ld.S.
 *
 *   VD_FW_RAM_BASE + 0x00  reset vector: the boot ROM jumps here after copying the image
 *   VD_CPU_IRQ_VECTOR      IRQ entry (PicoRV32 PROGADDR_IRQ; VexRiscv mtvec, set below;
 *                          from spec/soc.toml)
 *
 * The CPU-specific part of the firmware (with include/vd_cpu.h): one source, built per CPU
 * (firmware/firmware.mk FW_CPU; VD_CPU_VEXRISCV for VexRiscv). Both entries call
 * vd_irq_dispatch(pending) with vd_irq_return_addr set, and return to the interrupted code.
 *
 * PicoRV32 (ENABLE_IRQ_QREGS=0): on entry x3 (gp) holds the return address and x4 (tp) the
 * bitmask of pending IRQs; retirq returns to x3. Its traps (ebreak, illegal instruction,
 * misalignment) arrive as the EBREAK and BUSERR lines.
 *
 * VexRiscv: a machine-mode trap through mtvec. An interrupt's pending lines are CSR 0xFC0
 * (LiteX's external-interrupt array: pending & enabled); an exception becomes the line
 * PicoRV32 would raise (EBREAK for ebreak, ecall and illegal instructions, BUSERR for
 * misaligned or faulting accesses) with the return address after the instruction, so
 * drivers/irq.c reports both CPUs' traps alike. mret returns.
 *
 * C code never uses gp or tp (firmware is linked with --no-relax and no __global_pointer$,
 * and there is no TLS), so only the caller-saved registers need saving around the C
 * dispatcher.
 */
#include "vd_regs.h"

#define RETIRQ .insn r 0x0B, 0, 2, x0, x0, x0
#ifdef VD_CPU_VEXRISCV
    .option arch, +zicsr            /* the CSRs: the rest of the firmware stays plain RV32I */
#endif
#define CSR_IRQ_MASK    0xBC0  /* VexRiscv (LiteX): external lines enabled, 1 = enabled */
#define CSR_IRQ_PENDING 0xFC0  /* VexRiscv (LiteX): external lines pending & enabled */
#define MCAUSE_INSN_ILLEGAL 2
#define MCAUSE_BREAKPOINT   3
#define IRQ_FRAME 64 /* 16 caller-saved registers; keeps sp 16-byte aligned */

    .section .text.vectors, "ax", @progbits
    .globl _reset
_reset:
    j       _start

    .org    VD_CPU_IRQ_VECTOR - VD_FW_RAM_BASE
    .globl  _irq_entry
_irq_entry:
    addi    sp, sp, -IRQ_FRAME
    sw      ra,  0(sp)
    sw      t0,  4(sp)
    sw      t1,  8(sp)
    sw      t2, 12(sp)
    sw      a0, 16(sp)
    sw      a1, 20(sp)
    sw      a2, 24(sp)
    sw      a3, 28(sp)
    sw      a4, 32(sp)
    sw      a5, 36(sp)
    sw      a6, 40(sp)
    sw      a7, 44(sp)
    sw      t3, 48(sp)
    sw      t4, 52(sp)
    sw      t5, 56(sp)
    sw      t6, 60(sp)

#ifdef VD_CPU_VEXRISCV
    csrr    t1, mepc
    csrr    t2, mcause
    bltz    t2, 2f                  /* interrupt: mcause bit 31 */
    addi    t1, t1, 4               /* exception: point after the instruction */
    li      a0, 1 << VD_IRQ_BUSERR
    li      t3, MCAUSE_INSN_ILLEGAL
    bltu    t2, t3, 1f              /* 0, 1: instruction misaligned / access fault */
    li      a0, 1 << VD_IRQ_EBREAK
    li      t3, MCAUSE_BREAKPOINT
    bgeu    t3, t2, 1f              /* 2, 3: illegal instruction, ebreak */
    li      t3, 8
    bgeu    t2, t3, 1f              /* 8 and above: ecall */
    li      a0, 1 << VD_IRQ_BUSERR  /* 4-7: load / store misaligned or access fault */
    j       1f
2:  csrr    a0, CSR_IRQ_PENDING
1:  lui     t0, %hi(vd_irq_return_addr)
    sw      t1, %lo(vd_irq_return_addr)(t0)
#else
    lui     t0, %hi(vd_irq_return_addr)
    sw      gp, %lo(vd_irq_return_addr)(t0)
    mv      a0, tp
#endif
    call    vd_irq_dispatch

    lw      ra,  0(sp)
    lw      t0,  4(sp)
    lw      t1,  8(sp)
    lw      t2, 12(sp)
    lw      a0, 16(sp)
    lw      a1, 20(sp)
    lw      a2, 24(sp)
    lw      a3, 28(sp)
    lw      a4, 32(sp)
    lw      a5, 36(sp)
    lw      a6, 40(sp)
    lw      a7, 44(sp)
    lw      t3, 48(sp)
    lw      t4, 52(sp)
    lw      t5, 56(sp)
    lw      t6, 60(sp)
    addi    sp, sp, IRQ_FRAME
#ifdef VD_CPU_VEXRISCV
    mret
#else
    RETIRQ
#endif

    .text
    .globl  _start
    .type   _start, @function
_start:
    la      sp, _stack_top
#ifdef VD_CPU_VEXRISCV
    /* Every line masked (as PicoRV32 starts), then the machine external interrupt on. */
    la      t0, _irq_entry
    csrw    mtvec, t0
    csrw    CSR_IRQ_MASK, zero
    li      t0, 1 << 11             /* mie.MEIE */
    csrw    mie, t0
    csrsi   mstatus, 8              /* mstatus.MIE */
#endif
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sw      zero, 0(t0)
    addi    t0, t0, 4
    j       1b
2:  li      a0, 0
    li      a1, 0
    call    main
    call    _exit
    .size   _start, . - _start
