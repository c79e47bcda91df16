/* vd_pcie: the PCIe endpoint's DMA engine, MSI and event interrupt (vd_pcie.h). */
#include "vd_pcie.h"

#include "vd_irq.h"

static volatile uint32_t s_events;
static uint32_t s_irq_en;

void vd_pcie_init(void)
{
    vd_pcie_irq_set(0);
    /* CTRL stays: the endpoint is reset with the CPU, so a CTRL event here is a host's
     * write since then (an ENABLE sent while the firmware booted), meant for this run. */
    vd_pcie_write(VD_PCIE_IRQ_STATUS, VD_PCIE_EV_SQ | VD_PCIE_EV_CQ | VD_PCIE_EV_DMA);
    s_events = 0;
    vd_pcie_set_window(0, 0);
}

void vd_pcie_irq_set(uint32_t bits)
{
    s_irq_en = bits;
    vd_pcie_write(VD_PCIE_IRQ_EN, bits);
}

uint32_t vd_pcie_irq_get(void)
{
    return s_irq_en;
}

void vd_pcie_irq_handler(void)
{
    /* Clear only what was read: an event arriving after the read keeps its bit (and the
     * line) set for the next entry. Events are hints: the queue link re-reads the counts. */
    uint32_t hit = vd_pcie_read(VD_PCIE_IRQ_STATUS) & s_irq_en;

    vd_pcie_write(VD_PCIE_IRQ_STATUS, hit);
    s_events |= hit;
}

uint32_t vd_pcie_take_events(void)
{
    uint32_t m = vd_irq_save();
    uint32_t e = s_events;

    s_events = 0;
    vd_irq_restore(m);
    return e;
}

uint32_t vd_pcie_pending_events(void)
{
    return s_events;
}

void vd_pcie_set_window(uint32_t base, uint32_t size)
{
    vd_pcie_write(VD_PCIE_WIN_BASE, base);
    vd_pcie_write(VD_PCIE_WIN_SIZE, size);
}

void vd_pcie_dma_start(uint32_t host, uint32_t local, uint32_t len, int to_host)
{
    vd_pcie_write(VD_PCIE_DMA_HOST, host);
    vd_pcie_write(VD_PCIE_DMA_LOCAL, local);
    vd_pcie_write(VD_PCIE_DMA_LEN, len);
    vd_pcie_write(VD_PCIE_DMA_CTRL, VD_PCIE_DMA_CTRL_START_MASK |
                                        (to_host ? VD_PCIE_DMA_CTRL_TO_HOST_MASK : 0u));
}

uint32_t vd_pcie_dma_wait(void)
{
    uint32_t st;

    /* The engine always ends: reads by CPL_TIMEOUT, writes once their TLPs have left. */
    while ((st = vd_pcie_read(VD_PCIE_DMA_STATUS)) & VD_PCIE_DMA_STATUS_BUSY_MASK)
        ;
    return VD_FIELD_GET(st, VD_PCIE_DMA_STATUS_ERR);
}

uint32_t vd_pcie_dma(uint32_t host, uint32_t local, uint32_t len, int to_host)
{
    vd_pcie_dma_start(host, local, len, to_host);
    return vd_pcie_dma_wait();
}

void vd_pcie_msi(void)
{
    vd_pcie_write(VD_PCIE_CMD, VD_PCIE_CMD_MSI_MASK);
}
