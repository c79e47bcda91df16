/* Linker script of the bench image: the firmware's own (firmware/link.ld.S) with FW_RAM
 * enlarged to VD_BENCH_FW_RAM_SIZE, the size the bench simulator is built with. */
#include "vd_regs_ld.h"
#undef VD_FW_RAM_SIZE
#define VD_FW_RAM_SIZE VD_BENCH_FW_RAM_SIZE
#include "../link.ld.S"
