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

# The PCIe queue link with the endpoint driver on the mock register file; the dispatcher is
# the test's own stand-in (it logs what it executes), so no kernel is linked.
UT_SRCS_test_qlink   := firmware/wire/vd_qlink.c firmware/drivers/pcie.c firmware/drivers/irq.c \
                        firmware/drivers/uart.c firmware/drivers/gpu.c firmware/drivers/memctl.c
UT_CFLAGS_test_qlink := $(VD_WIRE_UT_CFLAGS)

# The UART link's service step on the mock UART, with the real session, dispatcher, kernel.
UT_SRCS_test_link   = $(VD_WIRE_UT_SRCS) firmware/wire/vd_link.c firmware/drivers/uart.c \
                      firmware/drivers/sysctl.c
UT_CFLAGS_test_link = $(VD_WIRE_UT_CFLAGS)
