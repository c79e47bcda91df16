/* vd_memctl: the memory controller's windows and fault capture (vd_memctl.h). */
#include "vd_regs.h"

#include "vd_memctl.h"

#include "vd_mmio.h"

#define REG(r) (VD_MEMCTL_BASE + VD_MEMCTL_##r)

static volatile uint32_t s_event;

void vd_memctl_init(void)
{
    vd_mmio_write32(REG(CTRL), 0);
    vd_mmio_write32(REG(CMD), VD_MEMCTL_CMD_WIN_CLEAR_MASK | VD_MEMCTL_CMD_CNT_CLEAR_MASK);
    vd_mmio_write32(REG(STATUS), VD_MEMCTL_STATUS_FAULT_MASK);
    s_event = 0;
    vd_mmio_write32(REG(CTRL), VD_MEMCTL_CTRL_IRQ_EN_MASK);
}

void vd_memctl_win_clear(void)
{
    vd_mmio_write32(REG(CMD), VD_MEMCTL_CMD_WIN_CLEAR_MASK);
}

void vd_memctl_win_load(uint32_t slot, uint32_t base, uint32_t size, int write)
{
    vd_mmio_write32(REG(WIN_BASE), base);
    vd_mmio_write32(REG(WIN_SIZE), size);
    vd_mmio_write32(REG(WIN_CTRL), VD_FIELD_PREP(VD_MEMCTL_WIN_CTRL_SLOT, slot) |
                                       VD_MEMCTL_WIN_CTRL_VALID_MASK |
                                       (write ? VD_MEMCTL_WIN_CTRL_WRITE_MASK : 0u));
}

uint32_t vd_memctl_win_state(void)
{
    return vd_mmio_read32(REG(WIN_STATE));
}

void vd_memctl_counters(uint32_t out[8])
{
    /* CNT_<PORT>_REQ / _STALL pairs are consecutive words from CNT_CPU_REQ on. */
    for (uint32_t i = 0; i < 8u; i++)
        out[i] = vd_mmio_read32(REG(CNT_CPU_REQ) + 4u * i);
}

int vd_memctl_fault(uint32_t *addr, uint32_t *info)
{
    if (!(vd_mmio_read32(REG(STATUS)) & VD_MEMCTL_STATUS_FAULT_MASK))
        return 0;
    if (addr)
        *addr = vd_mmio_read32(REG(FAULT_ADDR));
    if (info)
        *info = vd_mmio_read32(REG(FAULT_INFO));
    return 1;
}

void vd_memctl_fault_clear(void)
{
    vd_mmio_write32(REG(STATUS), VD_MEMCTL_STATUS_FAULT_MASK);
    s_event = 0;
    vd_mmio_write32(REG(CTRL), VD_MEMCTL_CTRL_IRQ_EN_MASK);
}

void vd_memctl_irq_handler(void)
{
    /* Level line: mask it at the source; the fault stays captured for recovery. */
    vd_mmio_write32(REG(CTRL), 0);
    s_event = 1;
}

int vd_memctl_take_event(void)
{
    int e = (int)s_event;
    s_event = 0;
    return e;
}

int vd_memctl_pending_event(void)
{
    return (int)s_event;
}
