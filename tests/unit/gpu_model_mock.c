/* gpu_model_mock.c - see gpu_model_mock.h. */
#include "gpu_model_mock.h"

#include "mock_mmio.h"
#include "vd_regs.h"

static uint32_t on_read(uint32_t addr, void *ctx)
{
    uint32_t v = 0;
    (void)ctx;
    (void)gpu_model_read(addr, &v);
    return v;
}

static void on_write(uint32_t addr, uint32_t value, void *ctx)
{
    (void)ctx;
    (void)gpu_model_write(addr, value);
}

static void hook(uint32_t addr)
{
    mock_mmio_on_read(addr, on_read, NULL);
    mock_mmio_on_write(addr, on_write, NULL);
}

void gpu_model_attach_mock(uint8_t *vram, uint32_t vram_size)
{
    static const uint32_t gpu[] = {VD_GPU_CTRL, VD_GPU_STATUS, VD_GPU_RING_BASE, VD_GPU_RING_SIZE,
                                   VD_GPU_RING_HEAD, VD_GPU_RING_TAIL, VD_GPU_FENCE,
                                   VD_GPU_WDT_LIMIT, VD_GPU_WDT_COUNT, VD_GPU_INT_STATUS,
                                   VD_GPU_INT_EN};
    static const uint32_t mc[] = {VD_MEMCTL_CTRL, VD_MEMCTL_CMD, VD_MEMCTL_STATUS,
                                  VD_MEMCTL_FAULT_ADDR, VD_MEMCTL_FAULT_INFO, VD_MEMCTL_WIN_BASE,
                                  VD_MEMCTL_WIN_SIZE, VD_MEMCTL_WIN_CTRL, VD_MEMCTL_WIN_STATE};

    gpu_model_reset(vram, vram_size);
    for (unsigned i = 0; i < sizeof gpu / sizeof gpu[0]; i++)
        hook(VD_GPU_BASE + gpu[i]);
    for (unsigned i = 0; i < sizeof mc / sizeof mc[0]; i++)
        hook(VD_MEMCTL_BASE + mc[i]);
    hook(VD_TIMER_BASE + VD_TIMER_MTIME);
}
