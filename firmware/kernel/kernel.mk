# The graphics kernel, miniport and video memory manager, linked into the firmware.
# Board pool sizes are in vd_config.h (the __riscv branch).
FW_SRCS += $(sort $(wildcard firmware/kernel/*.c))
FW_INCLUDES += -Ifirmware/kernel
