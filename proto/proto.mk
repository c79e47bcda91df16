# proto/: the contracts host-lib and the firmware both build against, owned by neither side
# (it depends on nothing but spec/). Included by the top Makefile before the areas using it.
#
#   PROTO_INCLUDES     -I flags: the contract headers (include/vidalloc/) and the codec
#   PROTO_PUBLIC_HDRS  the contract headers host-lib's public headers include (installed)
#   PROTO_SRCS         the frame codec; each side compiles it with its own rules and flags

PROTO_INCLUDES    := -Iproto/include -Iproto
PROTO_PUBLIC_HDRS := $(sort $(wildcard proto/include/vidalloc/*.h))
PROTO_SRCS        := proto/vd_frame.c
PROTO_HDRS        := $(PROTO_PUBLIC_HDRS) proto/vd_frame.h
