/* vd_sysctl: identification, reset cause and software reset. */
#include "vd_sysctl.h"

#include "vd_mmio.h"
#include "vd_regs.h"

#define REG(r) (VD_SYSCTL_BASE + VD_SYSCTL_##r)

uint32_t vd_sysctl_id(void) { return vd_mmio_read32(REG(ID)); }
uint32_t vd_sysctl_version(void) { return vd_mmio_read32(REG(VERSION)); }
uint32_t vd_sysctl_clk_hz(void) { return vd_mmio_read32(REG(CLK_HZ)); }
uint32_t vd_sysctl_fw_ram_size(void) { return vd_mmio_read32(REG(FW_RAM_SIZE)); }
uint32_t vd_sysctl_vram_size(void) { return vd_mmio_read32(REG(VRAM_SIZE)); }
uint32_t vd_sysctl_features(void) { return vd_mmio_read32(REG(FEATURES)); }
uint32_t vd_sysctl_scratch(void) { return vd_mmio_read32(REG(SCRATCH)); }
void vd_sysctl_set_scratch(uint32_t v) { vd_mmio_write32(REG(SCRATCH), v); }

uint32_t vd_sysctl_take_reset_cause(void)
{
    uint32_t cause = vd_mmio_read32(REG(RESET_CAUSE));
    if (cause)
        vd_mmio_write32(REG(RESET_CAUSE), cause); /* w1c */
    return cause;
}

_Noreturn void vd_sysctl_soft_reset(void)
{
    vd_mmio_write32(REG(RESET), VD_SYSCTL_RESET_KEY);
    for (;;)
        ;
}
