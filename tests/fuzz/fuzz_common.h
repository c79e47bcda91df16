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

/* A link with DMA (the queue link's shape), so DMA_READ / DMA_WRITE reach the hook, which
 * checks that whatever the dispatcher lets through lies inside VRAM and the host window. */
#define FUZZ_HOST_WIN_BASE 0x40000000u
#define FUZZ_HOST_WIN_SIZE 0x00100000u
static const vd_disp_link fuzz_link = {32u, FUZZ_HOST_WIN_BASE, FUZZ_HOST_WIN_SIZE};

static inline int fuzz_dma(uint32_t host_addr, uint32_t vram_offset, uint32_t length, int to_host)
{
    (void)to_host;
    if (length == 0 || ((host_addr | vram_offset | length) & 3u) != 0 ||
        vram_offset > FUZZ_VRAM_SIZE || length > FUZZ_VRAM_SIZE - vram_offset ||
        host_addr - FUZZ_HOST_WIN_BASE >= FUZZ_HOST_WIN_SIZE ||
        length > FUZZ_HOST_WIN_SIZE - (host_addr - FUZZ_HOST_WIN_BASE))
        abort();
    return 0;
}

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
    fuzz_plat.dma = fuzz_dma;
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
