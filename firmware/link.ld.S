/* Firmware linker script, run through the C preprocessor by firmware.mk. Every number comes
 * from the generated register map (vd_regs_ld.h is vd_regs.h without the C 'u' suffixes,
 * which ld does not accept) and VD_FW_STACK_SIZE from firmware.mk.
 *
 * FW_RAM: [.text: vectors, code][.rodata][.data][.bss][heap ... ][stack VD_FW_STACK_SIZE]
 * The flash image is .text..data exactly as it sits in RAM (no copy of .data at start-up).
 */
#include "vd_regs_ld.h"

OUTPUT_ARCH(riscv)
ENTRY(_reset)

MEMORY
{
    FW_RAM (rwx) : ORIGIN = VD_FW_RAM_BASE, LENGTH = VD_FW_RAM_SIZE
}

SECTIONS
{
    .text : {
        KEEP(*(.text.vectors))
        *(.text .text.*)
    } > FW_RAM

    .rodata : ALIGN(4) {
        *(.rodata .rodata.* .srodata .srodata.*)
    } > FW_RAM

    .data : ALIGN(4) {
        *(.data .data.* .sdata .sdata.*)
        . = ALIGN(4);
    } > FW_RAM

    .bss (NOLOAD) : ALIGN(4) {
        __bss_start = .;
        *(.sbss .sbss.* .bss .bss.* COMMON)
        . = ALIGN(4);
        __bss_end = .;
    } > FW_RAM

    _heap_start = ALIGN(16);
    _stack_top = ORIGIN(FW_RAM) + LENGTH(FW_RAM);
    _heap_end = _stack_top - VD_FW_STACK_SIZE;

    /* Nothing here needs unwinding or constructors. */
    /DISCARD/ : { *(.eh_frame .eh_frame_hdr .init_array* .fini_array* .preinit_array* .ctors* .dtors* .comment) }
}

/* PicoRV32's PROGADDR_IRQ is VD_CPU_IRQ_VECTOR (spec/soc.toml): the entry must sit exactly there. */
ASSERT(_irq_entry == VD_CPU_IRQ_VECTOR, "firmware: IRQ entry is not at VD_CPU_IRQ_VECTOR")
ASSERT(_heap_start <= _heap_end, "firmware: code, data and bss leave no room for the stack")
ASSERT(VD_FW_STACK_SIZE % 16 == 0, "firmware: stack size must keep sp 16-byte aligned")
