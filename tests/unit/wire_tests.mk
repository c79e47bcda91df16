# Native unit tests of the wire path: the frame codec (proto/), the session (sequencing,
# replay) and the request dispatcher with the real kernel linked in (and the submission
# path with the GPU / memory controller drivers on the mock register file).

VD_WIRE_KERNEL_SRCS := firmware/kernel/vd_tlsf.c \
                       firmware/kernel/vd_vidmm.c firmware/kernel/vd_miniport.c \
                       firmware/kernel/vd_kernel.c firmware/kernel/vd_render.c \
                       firmware/drivers/gpu.c firmware/drivers/memctl.c firmware/drivers/timer.c
VD_WIRE_UT_SRCS     := $(VD_WIRE_KERNEL_SRCS) firmware/dispatch/vd_dispatch.c \
                       firmware/wire/vd_session.c $(PROTO_SRCS)
VD_WIRE_UT_CFLAGS   := -Ifirmware/dispatch -Ifirmware/wire

UT_SRCS_test_frame      := $(PROTO_SRCS)
UT_CFLAGS_test_frame    :=
UT_SRCS_test_dispatch   := $(VD_WIRE_UT_SRCS)
UT_CFLAGS_test_dispatch := $(VD_WIRE_UT_CFLAGS)

UT_SRCS_test_dispatch_session   := $(VD_WIRE_UT_SRCS)
UT_CFLAGS_test_dispatch_session := $(VD_WIRE_UT_CFLAGS)
