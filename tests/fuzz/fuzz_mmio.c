/*
 * fuzz_mmio.c - the register file the fuzz targets run the firmware against (built with
 * -DVD_MMIO_MOCK like the unit tests, without cmocka): the GPU, the memory controller and
 * TIMER.MTIME come from the behavioural model tests/unit/gpu_model.c, so RENDER, FENCE,
 * ESCAPE and the timeout / fault recovery run for real; a target may claim more registers
 * first (fuzz_mmio_hook: fuzz_qlink's PCIe endpoint); any other register reads 0.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_mmio.h"
#include "gpu_model.h"
#include "vd_cpu.h"
#include "vd_mmio.h"

const fuzz_mmio_hook *fuzz_mmio_extra;

uint32_t vd_mock_mmio_read32(uint32_t addr)
{
    uint32_t v = 0;
    if (fuzz_mmio_extra != NULL && fuzz_mmio_extra->read(addr, &v))
        return v;
    (void)gpu_model_read(addr, &v);
    return v;
}

void vd_mock_mmio_write32(uint32_t addr, uint32_t value)
{
    if (fuzz_mmio_extra != NULL && fuzz_mmio_extra->write(addr, value))
        return;
    (void)gpu_model_write(addr, value);
}

static uint32_t s_mask = VD_CPU_IRQ_ALL;

uint32_t vd_mock_cpu_maskirq(uint32_t new_mask)
{
    uint32_t old = s_mask;
    s_mask = new_mask;
    return old;
}

uint32_t vd_mock_cpu_waitirq(void)
{
    return 0;
}

_Noreturn void vd_mock_cpu_halt(void)
{
    abort();
}
