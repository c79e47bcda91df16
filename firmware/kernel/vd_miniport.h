/*
 * vd_miniport.h - the vidalloc display miniport: the DxgkDdi* entry points the graphics
 * kernel calls. It interprets the vd_surface_desc private data (vidalloc/vd_surface.h)
 * and keeps its own per-allocation and per-resource tracking records; their addresses
 * are the HANDLEs it returns (DXGK_ALLOCATIONINFO.hAllocation, DXGKARG_CREATEALLOCATION
 * .hResource), which DxgkCbGetHandleData hands back.
 *
 * Derivation (docs/kernel.md has the table):
 *   pitch      = round_up(Width * bytes_per_pixel, 16)   (primary: 64)
 *   size       = round_up(pitch * Height, 16)            (buffer: round_up(ByteSize, 16))
 *   alignment  = 16; render target 64; primary 256
 *   segments   = segment 1 (VRAM) read/write, preferred segment 1; ExistingSysMem: none
 *   flags      = CpuVisible (CPU_READ/CPU_WRITE usage or pSystemMem), Cached, PermanentSysMem,
 *                Protected from usage; ExistingSysMem from pSystemMem; FromEndOfSegment for
 *                primaries (and PreferredSegment.Direction0)
 */
#ifndef VD_MINIPORT_H
#define VD_MINIPORT_H

#include <stdint.h>

#include "vd_config.h"
#include "vd_dxgk.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VD_MP_PITCH_ALIGN          16u
#define VD_MP_PRIMARY_PITCH_ALIGN  64u
#define VD_MP_SIZE_ALIGN           16u
#define VD_MP_ALIGN                16u
#define VD_MP_RENDERTARGET_ALIGN   64u
#define VD_MP_PRIMARY_ALIGN        256u

/* Per-allocation tracking record (what DescribeAllocation needs). */
typedef struct vd_mp_allocation {
    uint32_t width;       /* pixels; buffers: ByteSize */
    uint32_t refresh_num; /* primaries. Free list link while unused */
    uint32_t refresh_den;
    uint16_t height;      /* rows; buffers: 1 */
    uint8_t format;       /* D3DDDIFORMAT (all accepted values fit a byte) */
    uint8_t state;        /* VD_MP_ST_* | VidPnSourceId << 4 */
} vd_mp_allocation;

#define VD_MP_ST_LIVE    0x01u
#define VD_MP_ST_PRIMARY 0x02u
#define VD_MP_ST_STEREO  0x04u

/* Per-resource tracking record. */
typedef struct vd_mp_resource {
    uint16_t num_allocations; /* live child allocations; free list link while unused */
    uint8_t live;
    uint8_t reserved;
} vd_mp_resource;

/*
 * Start the adapter (DxgkDdiStartDevice's part that matters here): VRAM is at CPU
 * address vram_cpu_base and vram_size bytes long. Returns the adapter handle
 * (MiniportDeviceContext) the other entry points take; forgets every record.
 */
HANDLE vd_mp_start_device(uint32_t vram_cpu_base, uint32_t vram_size);

/* DxgkDdiCreateAllocation: all allocations are created, or none (no record kept). */
NTSTATUS vd_mp_create_allocation(const HANDLE hAdapter, DXGKARG_CREATEALLOCATION *pCreateAllocation);

/* DxgkDdiDestroyAllocation: every handle is checked first; a bad one frees nothing. */
NTSTATUS vd_mp_destroy_allocation(const HANDLE hAdapter, const DXGKARG_DESTROYALLOCATION *pDestroyAllocation);

/* DxgkDdiDescribeAllocation. */
NTSTATUS vd_mp_describe_allocation(const HANDLE hAdapter, DXGKARG_DESCRIBEALLOCATION *pDescribeAllocation);

/* DxgkDdiQueryAdapterInfo: DXGKQAITYPE_QUERYSEGMENT only (others: STATUS_NOT_SUPPORTED). */
NTSTATUS vd_mp_query_adapter_info(const HANDLE hAdapter, const DXGKARG_QUERYADAPTERINFO *pQueryAdapterInfo);

/* Live tracking records (for tests and statistics). */
uint32_t vd_mp_live_allocations(void);
uint32_t vd_mp_live_resources(void);

#ifdef __cplusplus
}
#endif

#endif /* VD_MINIPORT_H */
