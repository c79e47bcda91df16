# Unit tests of host-lib's host-only logic (URI parsing, argument validation, the ALLOCATE
# and RENDER encodings, splitting, lock page math) and of its submission path through the
# real protocol client against a scripted stand-in (test_host_submit). tests/unit/unit.mk
# builds them like every other unit test.
HL_UT_SRCS := host-lib/src/uri.c host-lib/src/validate.c host-lib/src/util.c
# The host tests run under AddressSanitizer and UndefinedBehaviorSanitizer: a handle that is
# dereferenced when it should only be looked up, a read of a closed device's freed memory, a
# leak or undefined behaviour fails the test (not only a crash).
HL_UT_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HL_UT_CFLAGS := -Ihost-lib/include -Ihost-lib/src -Isim -D_POSIX_C_SOURCE=200809L $(HL_UT_SANITIZE)

UT_SRCS_test_host_uri        := $(HL_UT_SRCS)
UT_CFLAGS_test_host_uri      := $(HL_UT_CFLAGS)
UT_SRCS_test_host_validate   := $(HL_UT_SRCS)
UT_CFLAGS_test_host_validate := $(HL_UT_CFLAGS)
UT_SRCS_test_host_render     := $(HL_UT_SRCS) host-lib/src/render.c
UT_CFLAGS_test_host_render   := $(HL_UT_CFLAGS)
# The whole library (the transports' simulator references are weak) and the frame codec.
UT_SRCS_test_host_submit     := $(sort $(wildcard host-lib/src/*.c)) $(PROTO_SRCS)
UT_CFLAGS_test_host_submit   := $(HL_UT_CFLAGS)

# Link flags per test: unit.mk links every test with `$(UT_LIBS)`, expanded inside its
# $(call UT_TEST,<test>), and has no per-test link flags. Making UT_LIBS recursive with
# $(UT_LDFLAGS_$(1)) gives each test its own (the host tests: the sanitizer runtimes) and
# leaves every other test's link line as it was. (When unit.mk grows a per-test hook, or
# turns the sanitizers on for all tests, these three lines go.)
HL_UT_LIBS_BASE := $(UT_LIBS)
UT_LIBS = $(HL_UT_LIBS_BASE) $(UT_LDFLAGS_$(1))
$(foreach t,$(basename $(notdir $(wildcard tests/unit/test_host_*.c))),\
  $(eval UT_LDFLAGS_$(t) := $(HL_UT_SANITIZE)))
