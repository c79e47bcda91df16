/* The shared frame codec (proto/vd_frame.c), compiled into the firmware from here so that
 * firmware.mk's firmware/-relative object rules apply; the source stays in one place. */
#include "../../proto/vd_frame.c"
