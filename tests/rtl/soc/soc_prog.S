/* SoC-level check, run from the boot ROM by tests/rtl/soc/tb_vd_soc.v (no firmware, no RAM
 * use): the CPU reaches VRAM through the memory controller while the GPU runs a FILL, the
 * GPU and MEMCTL register blocks answer at their addresses, and their interrupts reach the
 * CPU's IRQ lines (checked by the bench, which also drives read traffic on the memory
 * controller's otherwise tied-off DMA port while the FILL runs). Result: SYSCTL.SCRATCH = PASS, or FAIL | the number
 * of the failed check; then the CPU spins.
 *
 *   s0 VRAM base   s1 MEMCTL base   s2 GPU base   s3 SYSCTL base   s4 current check
 */
#include "vd_regs.h"

#define PASS      0x600D600D
#define FAIL      0xBAD00000
#define GUARD     0x11111111
#define PATTERN   0xA5C3A5C3
#define FILL_DST  0x1000        /* FILL target: slot 1, writable */
#define FILL_LEN  0x4000
#define CPU_AREA  0x8000        /* the CPU's own words, written while the FILL runs */
#define CPU_WORDS 64
#define FORBID    0x9000        /* no window holds it: a GPU write there faults */
#define FENCE_VAL 0xF00D
#define TIMEOUT   20000         /* poll iterations */

/* Next check: its number goes to s4; a failing branch jumps to fail. */
#define CHECK(n)  li s4, n
/* t0 = *(base + off) must equal the constant v (clobbers t1) */
#define EXPECT(base, off, v) lw t0, off(base); li t1, v; bne t0, t1, fail

    .section .text.boot, "ax", @progbits
    .globl  _boot
_boot:
    li      s0, VD_VRAM_BASE
    li      s1, VD_MEMCTL_BASE
    li      s2, VD_GPU_BASE
    li      s3, VD_SYSCTL_BASE

    /* 1: CPU writes and reads VRAM with the GPU idle (words and bytes). */
    CHECK(1)
    li      t2, GUARD
    li      a0, FILL_DST
    add     a0, a0, s0
    sw      t2, -4(a0)                      /* guards around the FILL range */
    li      a1, FILL_LEN
    add     a1, a1, a0
    sw      t2, 0(a1)
    li      a2, FORBID
    add     a2, a2, s0
    sw      t2, 0(a2)
    EXPECT(a0, -4, GUARD)
    EXPECT(a1, 0, GUARD)
    li      t2, 0x5A
    sb      t2, 1(a2)                       /* byte strobes reach the RAM */
    EXPECT(a2, 0, 0x11115A11)
    lbu     t0, 1(a2)
    bne     t0, t2, fail
    sw      zero, 0(a2)
    li      t2, GUARD
    sw      t2, 0(a2)

    /* 2: MEMCTL and GPU registers answer at their blocks. */
    CHECK(2)
    li      t2, 0x1230
    sw      t2, VD_MEMCTL_WIN_BASE(s1)
    EXPECT(s1, VD_MEMCTL_WIN_BASE, 0x1230)
    li      t2, 0x40
    sw      t2, VD_GPU_RING_SIZE(s2)
    EXPECT(s2, VD_GPU_RING_SIZE, 0x40)
    EXPECT(s2, VD_GPU_STATUS, VD_GPU_STATE_IDLE)

    /* Ring at VRAM 0: FILL, FENCE; a third command (FILL at FORBID) is queued later. */
    sw      zero, 0(s0)
    li      t2, VD_GPU_OP_FILL
    sw      t2, 4 * VD_GPU_CMD_W_OP(s0)
    li      t2, FILL_DST
    sw      t2, 4 * VD_GPU_CMD_W_DST(s0)
    li      t2, PATTERN
    sw      t2, 4 * VD_GPU_CMD_W_ARG(s0)
    li      t2, FILL_LEN
    sw      t2, 4 * VD_GPU_CMD_W_BYTES(s0)
    li      t2, VD_GPU_OP_FENCE
    sw      t2, VD_GPU_CMD_BYTES + 4 * VD_GPU_CMD_W_OP(s0)
    li      t2, FENCE_VAL
    sw      t2, VD_GPU_CMD_BYTES + 4 * VD_GPU_CMD_W_ARG(s0)
    li      t2, VD_GPU_OP_FILL
    sw      t2, 2 * VD_GPU_CMD_BYTES + 4 * VD_GPU_CMD_W_OP(s0)
    li      t2, FORBID
    sw      t2, 2 * VD_GPU_CMD_BYTES + 4 * VD_GPU_CMD_W_DST(s0)
    sw      zero, 2 * VD_GPU_CMD_BYTES + 4 * VD_GPU_CMD_W_ARG(s0)
    li      t2, 16
    sw      t2, 2 * VD_GPU_CMD_BYTES + 4 * VD_GPU_CMD_W_BYTES(s0)

    /* Window slot 1 = the FILL range, writable; counters from 0; MEMCTL interrupt on. */
    li      t2, FILL_DST
    sw      t2, VD_MEMCTL_WIN_BASE(s1)
    li      t2, FILL_LEN
    sw      t2, VD_MEMCTL_WIN_SIZE(s1)
    li      t2, 1 | VD_MEMCTL_WIN_CTRL_VALID_MASK | VD_MEMCTL_WIN_CTRL_WRITE_MASK
    sw      t2, VD_MEMCTL_WIN_CTRL(s1)
    li      t2, VD_MEMCTL_CMD_CNT_CLEAR_MASK
    sw      t2, VD_MEMCTL_CMD(s1)
    li      t2, VD_MEMCTL_CTRL_IRQ_EN_MASK
    sw      t2, VD_MEMCTL_CTRL(s1)

    /* Start: ring 0..0x100, FENCE and FAULT interrupts, doorbell after FILL + FENCE. */
    sw      zero, VD_GPU_RING_BASE(s2)
    li      t2, 0x100
    sw      t2, VD_GPU_RING_SIZE(s2)
    li      t2, VD_GPU_INT_EN_FENCE_MASK | VD_GPU_INT_EN_FAULT_MASK
    sw      t2, VD_GPU_INT_EN(s2)
    li      t2, VD_GPU_CTRL_ENABLE_MASK
    sw      t2, VD_GPU_CTRL(s2)
    li      t2, 2 * VD_GPU_CMD_BYTES
    sw      t2, VD_GPU_RING_TAIL(s2)

    /* 3: the FILL starts. */
    CHECK(3)
    li      a3, TIMEOUT
1:  addi    a3, a3, -1
    beqz    a3, fail
    lw      t0, VD_GPU_STATUS(s2)
    li      t1, VD_GPU_STATE_FILL
    bne     t0, t1, 1b

    /* 4: while it runs, the CPU writes its own words and reads each back at once. */
    CHECK(4)
    li      a4, CPU_AREA
    add     a4, a4, s0
    li      a5, CPU_WORDS
    li      t2, 0x01020304
2:  sw      t2, 0(a4)
    lw      t0, 0(a4)
    bne     t0, t2, fail
    addi    t2, t2, 0x111
    addi    a4, a4, 4
    addi    a5, a5, -1
    bnez    a5, 2b

    /* 5: the GPU was still filling then; the CPU took cycles from it (GPU stalls) and, with
     * the bench's DMA traffic as third master, had to wait itself (CPU stalls). */
    CHECK(5)
    EXPECT(s2, VD_GPU_STATUS, VD_GPU_STATE_FILL)
    lw      t0, VD_MEMCTL_CNT_CPU_STALL(s1)
    beqz    t0, fail
    lw      t0, VD_MEMCTL_CNT_GPU_STALL(s1)
    beqz    t0, fail

    /* 6: the FENCE completes. */
    CHECK(6)
    li      a3, TIMEOUT
3:  addi    a3, a3, -1
    beqz    a3, fail
    lw      t0, VD_GPU_FENCE(s2)
    li      t1, FENCE_VAL
    bne     t0, t1, 3b
    EXPECT(s2, VD_GPU_INT_STATUS, VD_GPU_INT_STATUS_FENCE_MASK)

    /* 7: the FILL wrote exactly its range; the CPU's words are intact. */
    CHECK(7)
    EXPECT(a0, 0, PATTERN)
    li      t3, FILL_LEN / 2 + 12           /* one in the middle */
    add     t3, t3, a0
    EXPECT(t3, 0, PATTERN)
    EXPECT(a1, -4, PATTERN)
    EXPECT(a0, -4, GUARD)
    EXPECT(a1, 0, GUARD)
    li      a4, CPU_AREA
    add     a4, a4, s0
    EXPECT(a4, 0, 0x01020304)
    EXPECT(a4, 4 * (CPU_WORDS - 1), 0x01020304 + 0x111 * (CPU_WORDS - 1))
    lw      t0, VD_MEMCTL_CNT_GPU_REQ(s1)
    li      t1, FILL_LEN / 4 + 8            /* the FILL's words and two commands' fetches */
    bne     t0, t1, fail

    /* 8: a GPU write outside every window is blocked and reported. */
    CHECK(8)
    li      t2, 3 * VD_GPU_CMD_BYTES
    sw      t2, VD_GPU_RING_TAIL(s2)
    li      a3, TIMEOUT
4:  addi    a3, a3, -1
    beqz    a3, fail
    lw      t0, VD_GPU_STATUS(s2)
    li      t1, VD_GPU_STATE_FAULT
    bne     t0, t1, 4b
    EXPECT(s1, VD_MEMCTL_STATUS, VD_MEMCTL_STATUS_FAULT_MASK)
    EXPECT(s1, VD_MEMCTL_FAULT_ADDR, FORBID)
    EXPECT(s1, VD_MEMCTL_FAULT_INFO, VD_MEMCTL_FAULT_INFO_WRITE_MASK)
    EXPECT(a2, 0, GUARD)
    EXPECT(s2, VD_GPU_INT_STATUS, VD_GPU_INT_STATUS_FENCE_MASK | VD_GPU_INT_STATUS_FAULT_MASK)

    /* 9: recovery: CTRL.RESET, clear the flags: both interrupt lines drop (the bench). */
    CHECK(9)
    li      t2, VD_GPU_CTRL_RESET_MASK
    sw      t2, VD_GPU_CTRL(s2)
    EXPECT(s2, VD_GPU_STATUS, VD_GPU_STATE_IDLE)
    li      t2, VD_MEMCTL_STATUS_FAULT_MASK
    sw      t2, VD_MEMCTL_STATUS(s1)
    li      t2, 0xF
    sw      t2, VD_GPU_INT_STATUS(s2)
    EXPECT(s1, VD_MEMCTL_STATUS, 0)
    EXPECT(s2, VD_GPU_INT_STATUS, 0)

    li      t2, PASS
    sw      t2, VD_SYSCTL_SCRATCH(s3)
5:  j       5b

fail:
    li      t2, FAIL
    or      t2, t2, s4
    sw      t2, VD_SYSCTL_SCRATCH(s3)
6:  j       6b
