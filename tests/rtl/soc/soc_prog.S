/* SoC-level check, run from the boot ROM by tests/rtl/soc/tb_vd_soc.v (no firmware, no RAM
 * use), in every configuration the bench is built for. It reads SYSCTL.FEATURES and checks
 * the blocks every SoC has (the bench compares the whole word with the target's), exercises
 * them (VRAM through the memory controller, TIMER, UART, SPI flash, an unmapped address),
 * then follows the GPU bit:
 *  - with the GPU: the CPU reaches VRAM while the GPU runs a FILL, the GPU and MEMCTL
 *    interrupts reach the CPU's IRQ lines (checked by the bench), a blocked GPU write faults;
 *  - without: the GPU's register block is unmapped (reads 0, writes are dropped; the bench
 *    counts a BUSERR for each access) and the memory controller serves the CPU alone.
 * Both paths write MARK_DMA to SYSCTL.SCRATCH before the CPU's own VRAM words, and the bench
 * then drives read traffic on the memory controller's otherwise tied-off DMA and scanout
 * ports, so the CPU port has to wait. Result: SYSCTL.SCRATCH = PASS, or FAIL | the number of the failed
 * check; then the CPU spins.
 *
 *   s0 VRAM base   s1 MEMCTL base   s2 GPU base   s3 SYSCTL base   s4 current check
 *   s5 UART base   s6 TIMER base    s7 SPIFLASH base  s8 FEATURES  s9 GUARD  s10 PATTERN
 * The boot ROM holds 1 KiB: constants live in registers where that saves instructions.
 */
#include "vd_regs.h"
#include "soc_check.h"

#define MARK_DMA  0x0D3A0001    /* to SCRATCH: the bench starts its DMA traffic */
#define GUARD     0x11111111
#define PATTERN   0xA5C3A5C3
#define FILL_DST  0x1000        /* FILL target: slot 1, writable */
#define FILL_LEN  0x4000
#define CPU_AREA  0x8000        /* the CPU's own words, written while the FILL runs */
#define CPU_WORDS 64
#define FORBID    0x9000        /* no window holds it: a GPU write there faults */
#define FENCE_VAL 0xF00D
#define UART_BYTE 0x5A          /* sent on the UART; the bench decodes it from the pin */
#define UNMAPPED  (VD_PERIPH_BASE + 0xF000)   /* no register block there */

    .section .text.boot, "ax", @progbits
    .globl  _boot
_boot:
    li      s0, VD_VRAM_BASE
    li      s1, VD_MEMCTL_BASE
    li      s2, VD_GPU_BASE
    li      s3, VD_SYSCTL_BASE
    li      s5, VD_UART_BASE
    li      s6, VD_TIMER_BASE
    li      s7, VD_SPIFLASH_BASE
    li      s9, GUARD
    li      s10, PATTERN
    /* The blocks this SoC has; the bench checks the word against the target's. */
    lw      s8, VD_SYSCTL_FEATURES(s3)

    /* 1: CPU writes and reads VRAM (words and bytes) through the memory controller. */
    CHECK(1)
    li      a0, FILL_DST
    add     a0, a0, s0
    sw      s9, -4(a0)                      /* guards around the FILL range */
    li      a1, FILL_LEN
    add     a1, a1, a0
    sw      s9, 0(a1)
    li      a2, FORBID
    add     a2, a2, s0
    sw      s9, 0(a2)
    EXPECTR(a0, -4, s9)
    EXPECTR(a1, 0, s9)
    li      t2, 0x5A
    sb      t2, 1(a2)                       /* byte strobes reach the RAM */
    EXPECT(a2, 0, 0x11115A11)
    lbu     t0, 1(a2)
    bne     t0, t2, fail
    sw      zero, 0(a2)
    sw      s9, 0(a2)

    /* 2: the other blocks: TIMER counts; UART sends a byte at its reset divider (the bench
     * decodes it from the TX pin); an address no block answers reads 0 (the bench counts
     * its BUSERR); MEMCTL registers answer. */
    CHECK(2)
    lw      t2, VD_TIMER_MTIME(s6)
    lw      t0, VD_TIMER_MTIME(s6)
    beq     t0, t2, fail
    li      t2, UART_BYTE
    sw      t2, VD_UART_DATA(s5)
    li      t3, UNMAPPED
    EXPECT0(t3, 0)
    li      t2, 0x230
    sw      t2, VD_MEMCTL_WIN_BASE(s1)
    EXPECT(s1, VD_MEMCTL_WIN_BASE, 0x230)

    /* 3: SPI flash master shifts a byte (the bench ties MISO high: 0xFF comes in). */
    CHECK(3)
    li      t2, 0xA5
    sw      t2, VD_SPIFLASH_DATA(s7)
    POLL(s7, VD_SPIFLASH_STATUS, VD_SPIFLASH_STATUS_BUSY_MASK, 0)
    EXPECT(s7, VD_SPIFLASH_DATA, 0xFF)

    li      t1, VD_SYSCTL_FEATURES_GPU_MASK
    and     t0, s8, t1
    beqz    t0, no_gpu

    /* ---------------------------------------------------------------- with the GPU */
    /* 4: GPU registers answer at their block. */
    CHECK(4)
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
    sw      s10, 4 * VD_GPU_CMD_W_ARG(s0)
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

    /* 5: the FILL starts. */
    CHECK(5)
    POLL(s2, VD_GPU_STATUS, 0xFFFFFFFF, VD_GPU_STATE_FILL)

    /* 6: while it runs (and the bench's DMA and scanout reads), the CPU writes its own words and
     * reads each back at once. */
    CHECK(6)
    li      t2, MARK_DMA
    sw      t2, VD_SYSCTL_SCRATCH(s3)
    jal     ra, cpu_words

    /* 7: the GPU was still filling then; the CPU took cycles from it (GPU stalls) and, with
     * the bench's DMA and scanout traffic, had to wait itself (CPU stalls). */
    CHECK(7)
    EXPECT(s2, VD_GPU_STATUS, VD_GPU_STATE_FILL)
    lw      t0, VD_MEMCTL_CNT_CPU_STALL(s1)
    beqz    t0, fail
    lw      t0, VD_MEMCTL_CNT_GPU_STALL(s1)
    beqz    t0, fail

    /* 8: the FENCE completes. */
    CHECK(8)
    POLL(s2, VD_GPU_FENCE, 0xFFFFFFFF, FENCE_VAL)
    EXPECT(s2, VD_GPU_INT_STATUS, VD_GPU_INT_STATUS_FENCE_MASK)

    /* 9: the FILL wrote exactly its range; the CPU's words are intact. */
    CHECK(9)
    EXPECTR(a0, 0, s10)
    li      t3, FILL_LEN / 2 + 12           /* one in the middle */
    add     t3, t3, a0
    EXPECTR(t3, 0, s10)
    EXPECTR(a1, -4, s10)
    EXPECTR(a0, -4, s9)
    EXPECTR(a1, 0, s9)
    li      a4, CPU_AREA
    add     a4, a4, s0
    EXPECT(a4, 0, 0x01020304)
    EXPECT(a4, 4 * (CPU_WORDS - 1), 0x01020304 + 0x111 * (CPU_WORDS - 1))
    lw      t0, VD_MEMCTL_CNT_GPU_REQ(s1)
    li      t1, FILL_LEN / 4 + 8            /* the FILL's words and two commands' fetches */
    bne     t0, t1, fail

    /* 10: a GPU write outside every window is blocked and reported. */
    CHECK(10)
    li      t2, 3 * VD_GPU_CMD_BYTES
    sw      t2, VD_GPU_RING_TAIL(s2)
    POLL(s2, VD_GPU_STATUS, 0xFFFFFFFF, VD_GPU_STATE_FAULT)
    EXPECT(s1, VD_MEMCTL_STATUS, VD_MEMCTL_STATUS_FAULT_MASK)
    EXPECT(s1, VD_MEMCTL_FAULT_ADDR, FORBID)
    EXPECT(s1, VD_MEMCTL_FAULT_INFO, VD_MEMCTL_FAULT_INFO_WRITE_MASK)
    EXPECTR(a2, 0, s9)
    EXPECT(s2, VD_GPU_INT_STATUS, VD_GPU_INT_STATUS_FENCE_MASK | VD_GPU_INT_STATUS_FAULT_MASK)

    /* 11: recovery: CTRL.RESET, clear the flags: both interrupt lines drop (the bench). */
    CHECK(11)
    li      t2, VD_GPU_CTRL_RESET_MASK
    sw      t2, VD_GPU_CTRL(s2)
    EXPECT(s2, VD_GPU_STATUS, VD_GPU_STATE_IDLE)
    li      t2, VD_MEMCTL_STATUS_FAULT_MASK
    sw      t2, VD_MEMCTL_STATUS(s1)
    li      t2, 0xF
    sw      t2, VD_GPU_INT_STATUS(s2)
    EXPECT0(s1, VD_MEMCTL_STATUS)
    EXPECT0(s2, VD_GPU_INT_STATUS)
    j       pass

    /* ---------------------------------------------------------------- without the GPU */
no_gpu:
    /* 20: the GPU's register block is unmapped: the write is dropped, reads return 0 (three
     * accesses: the bench counts three more BUSERRs). */
    CHECK(20)
    li      t2, 0x40
    sw      t2, VD_GPU_RING_SIZE(s2)
    EXPECT0(s2, VD_GPU_RING_SIZE)
    EXPECT0(s2, VD_GPU_STATUS)

    /* 21: the CPU's words through the memory controller while the bench's DMA and scanout
     * read (each read back at once); the counters saw exactly the CPU's accesses, some
     * stalled, and nothing from a GPU. */
    CHECK(21)
    li      t2, VD_MEMCTL_CMD_CNT_CLEAR_MASK
    sw      t2, VD_MEMCTL_CMD(s1)
    li      t2, MARK_DMA
    sw      t2, VD_SYSCTL_SCRATCH(s3)
    jal     ra, cpu_words
    EXPECT(s1, VD_MEMCTL_CNT_CPU_REQ, 2 * CPU_WORDS)
    lw      t0, VD_MEMCTL_CNT_CPU_STALL(s1)
    beqz    t0, fail
    EXPECT0(s1, VD_MEMCTL_CNT_GPU_REQ)

SOC_CHECK_ROUTINES

/* CPU_WORDS words at VRAM + CPU_AREA: each written, then read back at once (2 accesses per
 * word). Clobbers a4, a5, t0, t1, t2; returns through ra. */
cpu_words:
    li      a4, CPU_AREA
    add     a4, a4, s0
    li      a5, CPU_WORDS
    li      t2, 0x01020304
7:  sw      t2, 0(a4)
    lw      t0, 0(a4)
    bne     t0, t2, fail
    addi    t2, t2, 0x111
    addi    a4, a4, 4
    addi    a5, a5, -1
    bnez    a5, 7b
    ret
