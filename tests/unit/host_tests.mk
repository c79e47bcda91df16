# Unit tests of host-lib's host-only logic (URI parsing, argument validation, the ALLOCATE
# and RENDER encodings, splitting, lock page math) and of its submission path through the
# real protocol client against a scripted stand-in (test_host_submit). tests/unit/unit.mk
# builds them like every other unit test.
HL_UT_SRCS := host-lib/src/uri.c host-lib/src/validate.c host-lib/src/util.c
HL_UT_CFLAGS := -Ihost-lib/include -Ihost-lib/src -Isim -D_POSIX_C_SOURCE=200809L

UT_SRCS_test_host_uri        := $(HL_UT_SRCS)
UT_CFLAGS_test_host_uri      := $(HL_UT_CFLAGS)
UT_SRCS_test_host_validate   := $(HL_UT_SRCS)
UT_CFLAGS_test_host_validate := $(HL_UT_CFLAGS)
UT_SRCS_test_host_render     := $(HL_UT_SRCS) host-lib/src/render.c
UT_CFLAGS_test_host_render   := $(HL_UT_CFLAGS)
# The whole library (the transports' simulator references are weak) and the frame codec.
UT_SRCS_test_host_submit     := $(sort $(wildcard host-lib/src/*.c)) $(PROTO_SRCS)
UT_CFLAGS_test_host_submit   := $(HL_UT_CFLAGS)
