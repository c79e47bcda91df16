/* The shared frame codec (proto/vd_frame.c), compiled into the firmware from here so that
 * firmware.mk's firmware/-relative object rules apply; the source stays in one place.
 * One CRC table (1 KiB) rather than four: 3 KiB of FW_RAM back for ~6 cycles a byte
 * (docs/wire.md, Performance). */
#ifndef VD_FRAME_CRC_TABLES
#define VD_FRAME_CRC_TABLES 1
#endif
#include "../../proto/vd_frame.c"
