# Request decoder and dispatcher (transport-neutral).
FW_SRCS += firmware/dispatch/vd_dispatch.c
FW_INCLUDES += -Ifirmware/dispatch
