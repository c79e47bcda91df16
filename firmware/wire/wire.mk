# Wire transport: frame codec (proto/), sequencing and replay, UART link.
FW_SRCS += $(PROTO_SRCS) firmware/wire/vd_session.c firmware/wire/vd_link.c
FW_INCLUDES += -Ifirmware/wire
