/*
 * vd_surface.h - the vidalloc miniport's per-allocation private driver data.
 *
 * The host (playing the user-mode display driver) puts one vd_surface_desc in
 * D3DDDI_ALLOCATIONINFO.pPrivateDriverData (PrivateDriverDataSize = sizeof) for every
 * allocation; the firmware's DxgkDdiCreateAllocation derives pitch, size, alignment,
 * segment sets and DXGK_ALLOCATIONINFOFLAGS from it. docs/kernel.md has the tables.
 *
 * Wire rules: fixed-width fields, little-endian (host x86/ARM and the RV32 firmware
 * are both little-endian, so the struct is sent as its bytes), no padding, 32 bytes.
 */
#ifndef VIDALLOC_VD_SURFACE_H
#define VIDALLOC_VD_SURFACE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * D3DDDIFORMAT values the miniport accepts (the WDK's names and values). Another header
 * that also declares D3DDDIFORMAT must test/define VD_D3DDDIFORMAT_DEFINED.
 */
#ifndef VD_D3DDDIFORMAT_DEFINED
#define VD_D3DDDIFORMAT_DEFINED 1
typedef enum _D3DDDIFORMAT {
    D3DDDIFMT_UNKNOWN  = 0,  /* here: a raw buffer, described by ByteSize */
    D3DDDIFMT_A8R8G8B8 = 21, /* 4 bytes per pixel */
    D3DDDIFMT_X8R8G8B8 = 22, /* 4 bytes per pixel */
    D3DDDIFMT_R5G6B5   = 23, /* 2 bytes per pixel */
    D3DDDIFMT_A8       = 28  /* 1 byte per pixel */
} D3DDDIFORMAT;
#endif

#define VD_SURFACE_DESC_VERSION 1u /* a different Version -> STATUS_GRAPHICS_DRIVER_MISMATCH */

/* Largest Width or Height of a pixel surface. */
#define VD_SURFACE_MAX_DIMENSION 65535u

/* Usage bits (vd_surface_desc.Usage); any other bit -> STATUS_INVALID_PARAMETER. */
#define VD_SURFACE_USAGE_RENDERTARGET     0x01u /* GPU writes it: 64-byte alignment */
#define VD_SURFACE_USAGE_CPU_READ         0x02u /* host reads it (pfnLockCb): CpuVisible */
#define VD_SURFACE_USAGE_CPU_WRITE        0x04u /* host writes it (pfnLockCb): CpuVisible */
#define VD_SURFACE_USAGE_CPU_CACHED       0x08u /* Cached; needs CPU_READ or CPU_WRITE */
#define VD_SURFACE_USAGE_PERMANENT_SYSMEM 0x10u /* PermanentSysMem; needs CPU access, no primary */
#define VD_SURFACE_USAGE_PROTECTED        0x20u /* Protected; not for a primary */
#define VD_SURFACE_USAGE_VALID_MASK       0x3Fu

typedef struct vd_surface_desc {
    uint16_t Version;                /* VD_SURFACE_DESC_VERSION */
    uint16_t Size;                   /* sizeof(vd_surface_desc) == PrivateDriverDataSize */
    uint32_t Format;                 /* D3DDDIFORMAT */
    uint32_t Width;                  /* pixels, 1..65535; 0 for a buffer */
    uint32_t Height;                 /* rows, 1..65535; 0 for a buffer */
    uint32_t ByteSize;               /* buffer (D3DDDIFMT_UNKNOWN) size in bytes; else 0 */
    uint32_t Usage;                  /* VD_SURFACE_USAGE_* */
    uint32_t RefreshRateNumerator;   /* primaries: D3DDDI_RATIONAL refresh rate, else 0/0 */
    uint32_t RefreshRateDenominator; /* must be non-zero when the numerator is */
} vd_surface_desc;

#ifdef __cplusplus
static_assert(sizeof(vd_surface_desc) == 32, "vd_surface_desc is 32 bytes on the wire");
#else
_Static_assert(sizeof(vd_surface_desc) == 32, "vd_surface_desc is 32 bytes on the wire");
#endif

/* A raw buffer of byte_size bytes (D3DDDIFMT_UNKNOWN) / a width x height pixel surface:
 * Version and Size set, no refresh rate. One builder for host-lib, tests and benches. */
static inline vd_surface_desc vd_surface_buffer(uint32_t byte_size, uint32_t usage)
{
    vd_surface_desc d = {VD_SURFACE_DESC_VERSION, sizeof(vd_surface_desc), D3DDDIFMT_UNKNOWN,
                         0, 0, byte_size, usage, 0, 0};
    return d;
}

static inline vd_surface_desc vd_surface_pixels(uint32_t format, uint32_t width,
                                                uint32_t height, uint32_t usage)
{
    vd_surface_desc d = {VD_SURFACE_DESC_VERSION, sizeof(vd_surface_desc), format,
                         width, height, 0, usage, 0, 0};
    return d;
}

#ifdef __cplusplus
}
#endif

#endif /* VIDALLOC_VD_SURFACE_H */
