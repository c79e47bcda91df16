# Unit tests of host-lib's host-only logic (URI parsing, argument validation, the ALLOCATE
# encoding, lock page math). tests/unit/unit.mk builds them like every other unit test.
HL_UT_SRCS := host-lib/src/uri.c host-lib/src/validate.c host-lib/src/util.c
HL_UT_CFLAGS := -Ihost-lib/src -Iproto -D_POSIX_C_SOURCE=200809L

UT_SRCS_test_host_uri        := $(HL_UT_SRCS)
UT_CFLAGS_test_host_uri      := $(HL_UT_CFLAGS)
UT_SRCS_test_host_validate   := $(HL_UT_SRCS)
UT_CFLAGS_test_host_validate := $(HL_UT_CFLAGS)
