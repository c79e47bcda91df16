/* SoC-level PCIe check, run from the boot ROM by tests/rtl/soc/tb_vd_soc_pcie.v (no
 * firmware, no RAM use). It follows SYSCTL.FEATURES.PCIE:
 *  - with PCIe: PCIE_BUF answers the CPU (words, bytes); the PCIE block answers (ID,
 *    SCRATCH); it waits for the host's BAR0 write of HOST_VAL to SCRATCH; a DMA copies 64
 *    bytes of PCIE_BUF to the host (interrupt enabled: the bench sees IRQ_PCIE) and 64 bytes
 *    of host memory into VRAM, which the CPU then reads; then one MSI;
 *  - without: PCIE_BUF and the PCIE block are unmapped: reads give 0, writes are dropped
 *    (the bench counts one BUSERR per access).
 * Result: SYSCTL.SCRATCH = PASS, or FAIL | the number of the failed check.
 *   s0 PCIE_BUF base   s1 PCIE base   s3 SYSCTL base   s4 current check   s2 VRAM base
 */
#include "vd_regs.h"

#include "soc_check.h"

#define HOST_VAL  0x4057BEEF    /* the bench's BAR0 write to SCRATCH */
#define HBASE     0x40000000    /* the bench's host memory (bus address) */

    .section .text.boot, "ax", @progbits
    .globl  _boot
_boot:
    li      s0, VD_PCIE_BUF_BASE
    li      s1, VD_PCIE_BASE
    li      s2, VD_VRAM_BASE
    li      s3, VD_SYSCTL_BASE
    lw      s8, VD_SYSCTL_FEATURES(s3)
    andi    t0, s8, VD_SYSCTL_FEATURES_PCIE_MASK
    beqz    t0, nopcie

    /* 1: PCIE_BUF: words at both ends, a byte */
    CHECK(1)
    li      t2, 0x12345678
    sw      t2, 0(s0)
    li      a1, VD_PCIE_BUF_SIZE - 4
    add     a1, a1, s0
    sw      t2, 0(a1)
    EXPECT(s0, 0, 0x12345678)
    EXPECT(a1, 0, 0x12345678)
    li      t2, 0xA5
    sb      t2, 2(s0)
    EXPECT(s0, 0, 0x12A55678)
    lbu     t0, 2(s0)
    bne     t0, t2, fail

    /* 2: the PCIE block: ID, FEATURES, SCRATCH */
    CHECK(2)
    EXPECT(s1, VD_PCIE_ID, VD_SOC_ID)
    lw      t0, VD_PCIE_FEATURES(s1)
    bne     t0, s8, fail
    li      t2, 0x0C0FFEE0
    sw      t2, VD_PCIE_SCRATCH(s1)
    EXPECT(s1, VD_PCIE_SCRATCH, 0x0C0FFEE0)

    /* 3: the host writes SCRATCH through BAR0 (the bench, once it saw 0x0C0FFEE0) */
    CHECK(3)
    POLL(s1, VD_PCIE_SCRATCH, 0xFFFFFFFF, HOST_VAL)
    EXPECT(s1, VD_PCIE_IRQ_STATUS, 0)

    /* 4: 64 bytes of PCIE_BUF to the host at HBASE + 0x100 (the bench checks them) */
    CHECK(4)
    li      t2, HBASE
    sw      t2, VD_PCIE_WIN_BASE(s1)
    li      t2, 0x10000
    sw      t2, VD_PCIE_WIN_SIZE(s1)
    li      a0, 16
    mv      a1, s0
    li      t2, 0x01010101
7:  sw      t2, 0(a1)
    addi    t2, t2, 0x202
    addi    a1, a1, 4
    addi    a0, a0, -1
    bnez    a0, 7b
    li      t2, VD_PCIE_IRQ_EN_DMA_MASK
    sw      t2, VD_PCIE_IRQ_EN(s1)
    li      t2, HBASE + 0x100
    sw      t2, VD_PCIE_DMA_HOST(s1)
    sw      s0, VD_PCIE_DMA_LOCAL(s1)
    li      t2, 64
    sw      t2, VD_PCIE_DMA_LEN(s1)
    li      t2, VD_PCIE_DMA_CTRL_START_MASK | VD_PCIE_DMA_CTRL_TO_HOST_MASK
    sw      t2, VD_PCIE_DMA_CTRL(s1)
    POLL(s1, VD_PCIE_DMA_STATUS, 0xFFFFFFFF, 0)
    EXPECT(s1, VD_PCIE_IRQ_STATUS, VD_PCIE_IRQ_STATUS_DMA_MASK)
    li      t2, VD_PCIE_IRQ_STATUS_DMA_MASK
    sw      t2, VD_PCIE_IRQ_STATUS(s1)

    /* 5: 64 bytes of host memory (HBASE + 0x200, the bench's pattern) into VRAM + 0x400
     * through the memory controller's DMA port; the CPU reads them */
    CHECK(5)
    li      t2, HBASE + 0x200
    sw      t2, VD_PCIE_DMA_HOST(s1)
    addi    t2, s2, 0x400
    sw      t2, VD_PCIE_DMA_LOCAL(s1)
    li      t2, VD_PCIE_DMA_CTRL_START_MASK
    sw      t2, VD_PCIE_DMA_CTRL(s1)
    POLL(s1, VD_PCIE_DMA_STATUS, 0xFFFFFFFF, 0)
    EXPECT(s2, 0x400, 0x70000000)
    EXPECT(s2, 0x43C, 0x7000000F)
    EXPECT(s1, VD_PCIE_IRQ_STATUS, VD_PCIE_IRQ_STATUS_DMA_MASK)
    li      t2, VD_PCIE_IRQ_STATUS_DMA_MASK
    sw      t2, VD_PCIE_IRQ_STATUS(s1)

    /* 6: one MSI (the bench counts it), then the counters are clean */
    CHECK(6)
    li      t2, VD_PCIE_CMD_MSI_MASK
    sw      t2, VD_PCIE_CMD(s1)
    POLL(s1, VD_PCIE_MSI_COUNT, 0xFFFFFFFF, 1)
    EXPECT0(s1, VD_PCIE_UR_COUNT)
    EXPECT0(s1, VD_PCIE_CPL_ERROR_COUNT)
    j       pass

    /* ---------------------------------------------------------------- without PCIe */
nopcie:
    /* 7: both unmapped: reads 0, writes are dropped (five accesses, five BUSERRs) */
    CHECK(7)
    li      t2, 0x12345678
    sw      t2, 0(s0)
    EXPECT0(s0, 0)
    EXPECT0(s1, VD_PCIE_ID)
    sw      t2, VD_PCIE_SCRATCH(s1)
    EXPECT0(s1, VD_PCIE_SCRATCH)

SOC_CHECK_ROUTINES
