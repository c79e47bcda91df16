/* Boot ROM (VD_BOOTROM_BASE, 1 KiB of EBR; the CPU's reset address).
 *
 * Wakes the SPI flash, reads the firmware image header {u32 magic, u32 length} at
 * VD_FLASH_FW_OFFSET, checks it, copies `length` bytes to FW_RAM and jumps there. A bad
 * header prints "boot: no firmware image" and halts with the CPU's trap output set: a store to
 * the ROM's own base (VexRiscv's halt: the CPU wrapper never acknowledges it; PicoRV32's bus
 * ignores it), then ebreak (PicoRV32's halt: IRQs are still masked). One program for both
 * CPUs (docs/cpu.md). No RAM is used: everything lives in registers.
 *
 *   s0 SPIFLASH base   s1 UART base   s2 TIMER base   s3 image length   s4 magic
 */
#include "vd_regs.h"


    .section .text.boot, "ax", @progbits
    .globl  _boot
_boot:
    li      s0, VD_SPIFLASH_BASE
    li      s1, VD_UART_BASE
    li      s2, VD_TIMER_BASE

    /* Release from deep power-down, then wait tRES1. */
    li      t0, VD_SPIFLASH_CTRL_CS_MASK
    sw      t0, VD_SPIFLASH_CTRL(s0)
    li      a0, VD_SPIFLASH_CMD_WAKE
    jal     spi_xfer
    sw      zero, VD_SPIFLASH_CTRL(s0)
    /* tRES1 = 3 us at the target's clock (SYSCTL.CLK_HZ; one boot ROM for every target):
     * CLK_HZ >> 18 cycles is 3.8 us at any clock (no divide on RV32I), plus margin. */
    li      t3, VD_SYSCTL_BASE
    lw      t3, VD_SYSCTL_CLK_HZ(t3)
    srli    t3, t3, 18
    addi    t3, t3, 4
    lw      t1, VD_TIMER_MTIME(s2)
1:  lw      t2, VD_TIMER_MTIME(s2)
    sub     t2, t2, t1
    sltu    t2, t2, t3
    bnez    t2, 1b

    /* READ (0x03) + 24-bit address, MSB first; then stream bytes. */
    li      t0, VD_SPIFLASH_CTRL_CS_MASK
    sw      t0, VD_SPIFLASH_CTRL(s0)
    li      a0, VD_SPIFLASH_CMD_READ
    jal     spi_xfer
    li      a0, (VD_FLASH_FW_OFFSET >> 16) & 0xFF
    jal     spi_xfer
    li      a0, (VD_FLASH_FW_OFFSET >> 8) & 0xFF
    jal     spi_xfer
    li      a0, VD_FLASH_FW_OFFSET & 0xFF
    jal     spi_xfer

    jal     t6, read_u32
    mv      s4, a1                  /* magic */
    jal     t6, read_u32
    mv      s3, a1                  /* length */

    li      t0, VD_FLASH_FW_MAGIC
    bne     s4, t0, no_image
    beqz    s3, no_image
    li      t0, VD_FW_RAM_SIZE
    bltu    t0, s3, no_image

    /* Copy: the inner loop of every simulated boot, so keep it tight. */
    li      a2, VD_FW_RAM_BASE
    add     a3, a2, s3
copy:
    sw      zero, VD_SPIFLASH_DATA(s0)
2:  lw      t0, VD_SPIFLASH_STATUS(s0)
    andi    t0, t0, VD_SPIFLASH_STATUS_BUSY_MASK
    bnez    t0, 2b
    lw      t0, VD_SPIFLASH_DATA(s0)
    sb      t0, 0(a2)
    addi    a2, a2, 1
    bne     a2, a3, copy

    sw      zero, VD_SPIFLASH_CTRL(s0)
    li      t0, VD_FW_RAM_BASE
    jr      t0

no_image:
    sw      zero, VD_SPIFLASH_CTRL(s0)
    la      a2, msg
3:  lbu     a0, 0(a2)
    beqz    a0, 5f
4:  lw      t0, VD_UART_STATUS(s1)
    andi    t0, t0, VD_UART_STATUS_TX_FULL_MASK
    bnez    t0, 4b
    sw      a0, VD_UART_DATA(s1)
    addi    a2, a2, 1
    j       3b
5:  lw      t0, VD_UART_STATUS(s1)
    andi    t0, t0, VD_UART_STATUS_TX_IDLE_MASK
    beqz    t0, 5b
    li      t0, VD_BOOTROM_BASE
6:  sw      zero, 0(t0)
    ebreak
    j       6b

/* a0: byte out -> a0: byte in. Clobbers t0. */
spi_xfer:
    sw      a0, VD_SPIFLASH_DATA(s0)
1:  lw      t0, VD_SPIFLASH_STATUS(s0)
    andi    t0, t0, VD_SPIFLASH_STATUS_BUSY_MASK
    bnez    t0, 1b
    lw      a0, VD_SPIFLASH_DATA(s0)
    andi    a0, a0, VD_SPIFLASH_DATA_BYTE_MASK
    ret

/* Link register t6. a1: little-endian word read from the flash. Clobbers a0, a2, t0, ra. */
read_u32:
    li      a1, 0
    li      a2, 0
1:  li      a0, 0
    jal     spi_xfer
    sll     a0, a0, a2
    or      a1, a1, a0
    addi    a2, a2, 8
    li      t0, 32
    bne     a2, t0, 1b
    jr      t6

msg:
    .asciz  "boot: no firmware image\r\n"
