/* fuzz_common.h - shared set-up of the wire fuzz targets: a fresh kernel and GPU model per
 * input (the state is static, so a reset is cheap and every input starts from the same
 * board). */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gpu_model.h"
#include "vd_dispatch.h"
#include "vd_kernel.h"
#include "vd_session.h"

#define FUZZ_VRAM_SIZE 0x10000u

static uint8_t fuzz_vram[FUZZ_VRAM_SIZE];
static vd_disp_platform fuzz_plat;

static inline void fuzz_reset(void)
{
    memset(&fuzz_plat, 0, sizeof fuzz_plat);
    memset(fuzz_vram, 0, sizeof fuzz_vram);
    /* A fresh GPU model; time runs fast (1 M cycles per MTIME read) so that a HANG meets
     * the default 2 s watchdog within a few dozen polls. */
    gpu_model_reset(fuzz_vram, FUZZ_VRAM_SIZE);
    gpu_model_set_time_step(1000000);
    fuzz_plat.soc_id = 0x5644414C;
    fuzz_plat.clk_hz = 12000000;
    fuzz_plat.vram_size = FUZZ_VRAM_SIZE;
    fuzz_plat.vram_cpu_base = 0x10000000u;
    fuzz_plat.vram = fuzz_vram;
    fuzz_plat.features = VD_SYSCTL_FEATURES_MEMCTL_MASK | VD_SYSCTL_FEATURES_GPU_MASK;
    fuzz_plat.fw_version = "fuzz";
    if (!NT_SUCCESS(vd_disp_init(&fuzz_plat)))
        abort();
    vd_sess_init();
}

/* Whatever the input did, the allocator's invariants hold. */
static inline void fuzz_check_kernel(void)
{
    if (vd_tlsf_check(vd_vidmm_tlsf()) != 0)
        abort();
}

#endif /* FUZZ_COMMON_H */
