# Wire transport: frame codec (proto/), sequencing and replay, UART link, PCIe queue link,
# the main loop over both.
FW_SRCS += $(PROTO_SRCS) firmware/wire/vd_session.c firmware/wire/vd_link.c \
           firmware/wire/vd_qlink.c firmware/wire/vd_serve.c
FW_INCLUDES += -Ifirmware/wire
