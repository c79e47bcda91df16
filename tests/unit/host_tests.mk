# Unit tests of host-lib (tests/unit/test_host_*.c; tests/unit/unit.mk builds them like
# every other unit test):
#   test_host_uri      device URIs (uri.c)
#   test_host_alloc    the allocation callbacks' validation, the ALLOCATE encoding, lock page
#                      math (alloc.c), no link
#   test_host_render   pfnRenderCb's validation, splitting, the RENDER encoding (render.c)
#   test_host_submit   contexts, pfnRenderCb, fences, escapes, removal and reopen
#   test_host_handles  every entry point given bad hDevice / hContext values; the registry
#                      under threads (handles.c)
#   test_host_hello    HELLO's features and limits, a firmware from before them, a board
#                      without the GPU
# The last three run the whole library, through the real protocol client and frame codec,
# against the scripted firmware stand-in behind a mock transport (host_standin.c).
HL_UT_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HL_UT_CFLAGS := -Ihost-lib/include -Ihost-lib/src -Isim -D_POSIX_C_SOURCE=200809L $(HL_UT_SANITIZE)
# The whole library (the transports' simulator references are weak) and the frame codec.
HL_UT_LIB    := $(sort $(wildcard host-lib/src/*.c)) $(PROTO_SRCS)

UT_SRCS_test_host_uri        := host-lib/src/uri.c host-lib/src/util.c
UT_SRCS_test_host_alloc      := host-lib/src/alloc.c host-lib/src/handles.c \
                                host-lib/src/client.c host-lib/src/util.c $(PROTO_SRCS)
UT_SRCS_test_host_render     := host-lib/src/render.c host-lib/src/util.c
UT_SRCS_test_host_submit     := $(HL_UT_LIB) tests/unit/host_standin.c
UT_SRCS_test_host_handles    := $(HL_UT_LIB) tests/unit/host_standin.c
UT_SRCS_test_host_hello      := $(HL_UT_LIB) tests/unit/host_standin.c

# The host tests run under AddressSanitizer and UndefinedBehaviorSanitizer: a handle that is
# dereferenced when it should only be looked up, a read of a closed device's freed memory, a
# leak or undefined behaviour fails the test (not only a crash).
#
# Link flags per test: unit.mk links every test with `$(UT_LIBS)`, expanded inside its
# $(call UT_TEST,<test>), and has no per-test link flags. Making UT_LIBS recursive with
# $(UT_LDFLAGS_$(1)) gives each test its own (the host tests: the sanitizer runtimes) and
# leaves every other test's link line as it was. (When unit.mk grows a per-test hook, or
# turns the sanitizers on for all tests, the UT_LIBS lines go.)
HL_UT_TESTS := $(basename $(notdir $(wildcard tests/unit/test_host_*.c)))
$(foreach t,$(HL_UT_TESTS),$(eval UT_CFLAGS_$(t) := $(HL_UT_CFLAGS)))
$(foreach t,$(HL_UT_TESTS),$(eval UT_LDFLAGS_$(t) := $(HL_UT_SANITIZE)))
HL_UT_LIBS_BASE := $(UT_LIBS)
UT_LIBS = $(HL_UT_LIBS_BASE) $(UT_LDFLAGS_$(1))
