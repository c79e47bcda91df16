/* vd_gpu: the GPU command block's registers (vd_gpu.h). */
#include "vd_regs.h"

#include "vd_gpu.h"

#include "vd_mmio.h"

#define REG(r) (VD_GPU_BASE + VD_GPU_##r)

static volatile uint32_t s_events;
static volatile uint32_t s_irqs;

void vd_gpu_init(uint32_t ring_base, uint32_t ring_size, uint32_t wdt_limit, uint32_t fence,
                 int enable)
{
    vd_mmio_write32(REG(CTRL), VD_GPU_CTRL_RESET_MASK); /* stopped and IDLE from here */
    vd_mmio_write32(REG(INT_EN), 0);
    vd_mmio_write32(REG(RING_BASE), ring_base);
    vd_mmio_write32(REG(RING_SIZE), ring_size);
    vd_mmio_write32(REG(RING_HEAD), 0);
    vd_mmio_write32(REG(RING_TAIL), 0);
    vd_mmio_write32(REG(FENCE), fence);
    vd_mmio_write32(REG(WDT_LIMIT), VD_FIELD_PREP(VD_GPU_WDT_LIMIT_LIMIT, wdt_limit));
    vd_mmio_write32(REG(INT_STATUS), VD_GPU_EV_ALL);
    s_events = 0;
    vd_mmio_write32(REG(INT_EN), VD_GPU_EV_ALL);
    if (enable)
        vd_mmio_write32(REG(CTRL), VD_GPU_CTRL_ENABLE_MASK);
}

void vd_gpu_reset(void)
{
    vd_mmio_write32(REG(CTRL), VD_GPU_CTRL_RESET_MASK);
}

void vd_gpu_enable(void)
{
    vd_mmio_write32(REG(CTRL), VD_GPU_CTRL_ENABLE_MASK);
}

uint32_t vd_gpu_state(void)
{
    return VD_FIELD_GET(vd_mmio_read32(REG(STATUS)), VD_GPU_STATUS_STATE);
}

uint32_t vd_gpu_head(void) { return vd_mmio_read32(REG(RING_HEAD)); }
uint32_t vd_gpu_tail(void) { return vd_mmio_read32(REG(RING_TAIL)); }
uint32_t vd_gpu_fence(void) { return vd_mmio_read32(REG(FENCE)); }
void vd_gpu_doorbell(uint32_t tail) { vd_mmio_write32(REG(RING_TAIL), tail); }
void vd_gpu_set_fence(uint32_t fence) { vd_mmio_write32(REG(FENCE), fence); }

void vd_gpu_set_wdt(uint32_t cycles)
{
    vd_mmio_write32(REG(WDT_LIMIT), VD_FIELD_PREP(VD_GPU_WDT_LIMIT_LIMIT, cycles));
}

uint32_t vd_gpu_wdt_count(void)
{
    return VD_FIELD_GET(vd_mmio_read32(REG(WDT_COUNT)), VD_GPU_WDT_COUNT_COUNT);
}

uint32_t vd_gpu_int_status(void) { return vd_mmio_read32(REG(INT_STATUS)); }
void vd_gpu_int_clear(uint32_t flags) { vd_mmio_write32(REG(INT_STATUS), flags); }

void vd_gpu_irq_handler(void)
{
    uint32_t en = vd_mmio_read32(REG(INT_EN));
    uint32_t hit = vd_mmio_read32(REG(INT_STATUS)) & en;

    s_irqs++;
    s_events |= hit;
    if (hit & VD_GPU_EV_FENCE)
        vd_mmio_write32(REG(INT_STATUS), VD_GPU_EV_FENCE); /* the FENCE register has the value */
    /* The level line would hold while a stop flag is set: mask it until recovery. */
    if (hit & VD_GPU_EV_STOP)
        vd_mmio_write32(REG(INT_EN), en & ~(hit & VD_GPU_EV_STOP));
}

uint32_t vd_gpu_take_events(void)
{
    uint32_t e = s_events; /* a read-modify-write race with the handler only loses a */
    s_events = 0;          /* FENCE note: stop flags stay in INT_STATUS until recovery */
    return e;
}

uint32_t vd_gpu_pending_events(void) { return s_events; }
uint32_t vd_gpu_irq_count(void) { return s_irqs; }
