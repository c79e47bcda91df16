# Unit tests of host-lib (tests/unit/test_host_*.c; tests/unit/unit.mk builds them like
# every other unit test):
#   test_host_uri      device URIs (uri.c)
#   test_host_sysmem   vidalloc_alloc_system_memory's blocks: first fit in the window's share,
#                      ordinary memory elsewhere, bus addresses only for the window's
#   test_host_alloc    the allocation callbacks' validation, the ALLOCATE encoding, lock page
#                      math (alloc.c), no link
#   test_host_render   pfnRenderCb's validation, splitting, the RENDER encoding (render.c)
#   test_host_submit   contexts, pfnRenderCb, fences, escapes, removal and reopen
#   test_host_handles  every entry point given bad hDevice / hContext values; the registry
#                      under threads (handles.c)
#   test_host_hello    HELLO's features and limits, a firmware from before them, a board
#                      without the GPU
#   test_host_pcie     the PCIe queue link against a mock device (pcie_mock.c) that plays
#                      the firmware's side of vd_queue.h from the contract alone
#   test_host_shm      the shared-memory bus (pcie_bus_shm.c) against a fake simulator
#                      thread: MMIO ring, futex waits, MSIs, owner claim and take-over
# The last three run the whole library, through the real protocol client and frame codec,
# against the scripted firmware stand-in behind a mock transport (host_standin.c).
HL_UT_CFLAGS := -Ihost-lib/include -Ihost-lib/src -Isim -D_POSIX_C_SOURCE=200809L
# The whole library (the transports' simulator references are weak) and the frame codec.
HL_UT_LIB    := $(sort $(wildcard host-lib/src/*.c)) $(PROTO_SRCS)

UT_SRCS_test_host_uri        := $(HL_UT_LIB)
UT_SRCS_test_host_alloc      := host-lib/src/alloc.c host-lib/src/handles.c \
                                host-lib/src/client.c host-lib/src/util.c host-lib/src/sysmem.c \
                                $(PROTO_SRCS)
UT_SRCS_test_host_sysmem     := host-lib/src/sysmem.c host-lib/src/util.c
UT_SRCS_test_host_render     := host-lib/src/render.c host-lib/src/util.c
UT_SRCS_test_host_submit     := $(HL_UT_LIB) tests/unit/host_standin.c
UT_SRCS_test_host_handles    := $(HL_UT_LIB) tests/unit/host_standin.c
UT_SRCS_test_host_hello      := $(HL_UT_LIB) tests/unit/host_standin.c
UT_SRCS_test_host_pcie       := $(HL_UT_LIB) tests/unit/pcie_mock.c
UT_SRCS_test_host_shm        := $(HL_UT_LIB) tests/unit/pcie_mock.c

# (Like every unit test they run under AddressSanitizer and UndefinedBehaviorSanitizer,
# unit.mk: a handle dereferenced when it should only be looked up, a read of a closed
# device's freed memory, a leak or undefined behaviour fails the test.)
HL_UT_TESTS := $(basename $(notdir $(wildcard tests/unit/test_host_*.c)))
$(foreach t,$(HL_UT_TESTS),$(eval UT_CFLAGS_$(t) := $(HL_UT_CFLAGS)))
