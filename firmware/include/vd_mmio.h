/* vd_mmio: the one way firmware touches a peripheral register.
 *
 * Every register is 32 bits wide and is accessed with a 32-bit load or store. Addresses are
 * plain uint32_t values built from the generated vd_regs.h (VD_<BLOCK>_BASE + VD_<BLOCK>_<REG>).
 *
 * On the target an access is a volatile load/store. Compiled natively with -DVD_MMIO_MOCK the
 * same driver code calls a mock register file instead (tests/unit/mock_mmio.c), so drivers are
 * unit-tested on the host without any change.
 */
#ifndef VD_MMIO_H
#define VD_MMIO_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef VD_MMIO_MOCK

uint32_t vd_mock_mmio_read32(uint32_t addr);
void vd_mock_mmio_write32(uint32_t addr, uint32_t value);

static inline uint32_t vd_mmio_read32(uint32_t addr) { return vd_mock_mmio_read32(addr); }
static inline void vd_mmio_write32(uint32_t addr, uint32_t value) { vd_mock_mmio_write32(addr, value); }

#else

static inline uint32_t vd_mmio_read32(uint32_t addr)
{
    return *(volatile uint32_t *)(uintptr_t)addr;
}

static inline void vd_mmio_write32(uint32_t addr, uint32_t value)
{
    *(volatile uint32_t *)(uintptr_t)addr = value;
}

#endif

/* Field helpers over the generated _MASK/_LSB pairs: VD_FIELD_GET(v, VD_UART_DIV_CLKS). */
#define VD_FIELD_GET(v, field) (((uint32_t)(v) & field##_MASK) >> field##_LSB)
#define VD_FIELD_PREP(field, x) (((uint32_t)(x) << field##_LSB) & field##_MASK)

#ifdef __cplusplus
}
#endif

#endif /* VD_MMIO_H */
