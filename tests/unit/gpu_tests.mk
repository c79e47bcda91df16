# Native unit tests of the GPU / memory-controller drivers and of the submission path
# (RENDER, FENCE, ESCAPE, timeout detection and recovery) through the dispatcher, with the
# behavioural GPU model (tests/unit/gpu_model.c) behind the mock register file.
# (Deferred "=": the wire fragment defining VD_WIRE_UT_* may be read after this one.)

UT_SRCS_test_gpu := firmware/drivers/gpu.c firmware/drivers/memctl.c firmware/drivers/irq.c \
                    firmware/drivers/pcie.c \
                    firmware/drivers/uart.c

UT_SRCS_test_render   = $(VD_WIRE_UT_SRCS) tests/unit/gpu_model.c tests/unit/gpu_model_mock.c
UT_CFLAGS_test_render = $(VD_WIRE_UT_CFLAGS)
