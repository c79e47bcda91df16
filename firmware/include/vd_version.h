/* vd_version: the firmware version, VD_SOC_VERSION_STRING "+" `git describe --always --dirty`
 * (or "+unknown"), e.g. "0.1.0+3f2a9c1-dirty". Defined in firmware/lib/version.c. */
#ifndef VD_VERSION_H
#define VD_VERSION_H

#ifdef __cplusplus
extern "C" {
#endif

extern const char vd_fw_version[];

#ifdef __cplusplus
}
#endif

#endif /* VD_VERSION_H */
