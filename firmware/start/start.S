/* Firmware start-up and IRQ entry. Placed first in FW_RAM by firmware/link.ld.S.
 *
 *   VD_FW_RAM_BASE + 0x00  reset vector: the boot ROM jumps here after copying the image
 *   VD_CPU_IRQ_VECTOR      IRQ entry (PicoRV32 PROGADDR_IRQ, from spec/soc.toml)
 *
 * IRQ convention (ENABLE_IRQ_QREGS=0): on entry x3 (gp) holds the return address and x4 (tp)
 * the bitmask of pending IRQs; retirq returns to x3. C code never uses gp or tp (firmware is
 * linked with --no-relax and no __global_pointer$, and there is no TLS), so only the
 * caller-saved registers need saving around the C dispatcher.
 */
#include "vd_regs.h"

#define RETIRQ .insn r 0x0B, 0, 2, x0, x0, x0
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

    lui     t0, %hi(vd_irq_return_addr)
    sw      gp, %lo(vd_irq_return_addr)(t0)
    mv      a0, tp
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
    RETIRQ

    .text
    .globl  _start
    .type   _start, @function
_start:
    la      sp, _stack_top
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
