/* Boot ROM linker script (C-preprocessed like firmware/link.ld.S). Code and constants only:
 * the boot ROM has no RAM of its own and uses no stack. */
#include "vd_regs_ld.h"

OUTPUT_ARCH(riscv)
ENTRY(_boot)

MEMORY
{
    BOOTROM (rx) : ORIGIN = VD_BOOTROM_BASE, LENGTH = VD_BOOTROM_SIZE
}

SECTIONS
{
    .text : {
        KEEP(*(.text.boot))
        *(.text .text.* .rodata .rodata.* .srodata .srodata.*)
    } > BOOTROM

    .data : { *(.data .data.* .sdata .sdata.* .bss .bss.* .sbss .sbss.* COMMON) } > BOOTROM
    /DISCARD/ : { *(.eh_frame .comment) }
}

ASSERT(SIZEOF(.data) == 0, "boot ROM: no writable data allowed")
ASSERT(_boot == ORIGIN(BOOTROM), "boot ROM: _boot must be at the reset address")
