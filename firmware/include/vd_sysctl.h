/* vd_sysctl: the SYSCTL block (identification, reset cause, software reset). */
#ifndef VD_SYSCTL_H
#define VD_SYSCTL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

uint32_t vd_sysctl_id(void);      /* VD_SOC_ID, "VDAL" most significant byte first */
uint32_t vd_sysctl_version(void); /* MAJOR/MINOR/PATCH fields */
uint32_t vd_sysctl_clk_hz(void);
uint32_t vd_sysctl_fw_ram_size(void);
uint32_t vd_sysctl_vram_size(void);
/* The blocks this SoC has: VD_SYSCTL_FEATURES_*_MASK bits (its target in spec/targets/). */
uint32_t vd_sysctl_features(void);
uint32_t vd_sysctl_scratch(void);
void vd_sysctl_set_scratch(uint32_t v);
/* RESET_CAUSE bits (VD_SYSCTL_RESET_CAUSE_*_MASK) since they were last cleared; clears them. */
uint32_t vd_sysctl_take_reset_cause(void);
/* Reset the CPU and every block but SYSCTL. */
_Noreturn void vd_sysctl_soft_reset(void);

#ifdef __cplusplus
}
#endif

#endif /* VD_SYSCTL_H */
