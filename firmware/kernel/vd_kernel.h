/*
 * vd_kernel.h - the graphics kernel side (the part of Dxgkrnl this firmware plays):
 * devices, resources and allocations with their D3DKMT_HANDLEs, the pfnAllocateCb /
 * pfnDeallocateCb requests, and the handle services the miniport calls
 * (DxgkCbGetHandleData, DxgkCbEnumHandleChildren, DxgkCbGetHandleParent).
 *
 * Every entry point returns an NTSTATUS; the host maps it with vd_status_to_hresult().
 * The dispatcher copies a request's arrays into firmware memory and calls these.
 */
#ifndef VD_KERNEL_H
#define VD_KERNEL_H

#include <stdint.h>

#include "vd_config.h"
#include "vd_dxgk.h"
#include "vd_vidmm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* D3DDDI_ALLOCATIONINFO as the kernel receives it. */
typedef struct vd_kernel_allocinfo {
    D3DKMT_HANDLE hAllocation;      /* out */
    uint32_t Flags;                 /* in: D3DDDI_ALLOCATIONINFO.Flags (Primary 0x1, Stereo 0x2) */
    uint64_t pSystemMem;            /* in: host address of runtime system memory, 0 = video memory */
    const void *pPrivateDriverData; /* in: vd_surface_desc */
    uint32_t PrivateDriverDataSize; /* in */
    uint32_t VidPnSourceId;         /* in: primaries only */
} vd_kernel_allocinfo;

/* D3DDDICB_ALLOCATE as the kernel receives it. */
typedef struct vd_kernel_allocate {
    const void *pPrivateDriverData;  /* in: resource-level data, <= VD_MAX_RESOURCE_PRIVDATA bytes */
    uint32_t PrivateDriverDataSize;  /* in */
    uint64_t hResource;              /* in: runtime resource handle; 0 = device allocations */
    D3DKMT_HANDLE hKMResource;       /* out: kernel resource handle when hResource != 0, else 0 */
    uint32_t NumAllocations;         /* in: 1 .. VD_MAX_ALLOCS_PER_CALL */
    vd_kernel_allocinfo *pAllocationInfo; /* in/out */
} vd_kernel_allocate_args;

/* D3DDDICB_DEALLOCATE as the kernel receives it. */
typedef struct vd_kernel_deallocate {
    uint64_t hResource;              /* runtime resource handle: frees it and all its allocations */
    uint32_t NumAllocations;         /* used when hResource == 0 */
    const D3DKMT_HANDLE *HandleList;
} vd_kernel_deallocate_args;

/* What the rest of the firmware (lock, render, scanout) needs to know of an allocation. */
typedef struct vd_kernel_allocation_query {
    uint32_t hDevice;
    D3DKMT_HANDLE hKMResource;  /* parent resource or 0 */
    uint32_t residency;         /* enum vd_residency */
    uint32_t segment;           /* VD_SEGMENT_ID_VRAM or 0 */
    uint32_t offset;            /* segment offset (bytes) while in VRAM */
    uint32_t size;              /* bytes */
    uint32_t flags;             /* DXGK_ALLOCATIONINFOFLAGS.Value */
    uint32_t backing;           /* VD_VIDMM_BACKING_* */
} vd_kernel_allocation_query;

typedef struct vd_kernel_stats {
    uint32_t devices, resources, allocations;
    uint32_t max_devices, max_resources, max_allocations;
    vd_vidmm_stats vidmm;
} vd_kernel_stats;

/*
 * Start the adapter: the miniport is started, the kernel asks it for its segments
 * (DXGKQAITYPE_QUERYSEGMENT, twice) and sets the video memory manager up with segment 1.
 * Forgets every device, resource and allocation.
 */
vd_ntstatus_t vd_kernel_init(uint32_t vram_cpu_base, uint32_t vram_size);

/* Devices: STATUS_NO_MEMORY when VD_MAX_DEVICES are open. Closing frees all a device owns
 * (a removed device too). */
vd_ntstatus_t vd_kernel_open_device(uint32_t *hDevice);
vd_ntstatus_t vd_kernel_close_device(uint32_t hDevice);

/*
 * Device removal (TDR, docs/kernel.md): a removed device keeps its objects until it is
 * closed, but allocate and deallocate return STATUS_DEVICE_REMOVED (the dispatcher refuses
 * its other requests the same way). vd_kernel_device_status: STATUS_SUCCESS, ..._DEVICE_REMOVED
 * or STATUS_INVALID_PARAMETER (not an open device). vd_kernel_remove_devices marks every
 * open device and returns how many were not removed yet.
 */
vd_ntstatus_t vd_kernel_device_status(uint32_t hDevice);
vd_ntstatus_t vd_kernel_remove_device(uint32_t hDevice);
uint32_t vd_kernel_remove_devices(void);

/*
 * pfnAllocateCb. Atomic: on any failure nothing is left allocated (handles, VRAM,
 * miniport records, resource children) and an existing resource's private data is
 * unchanged. With hResource != 0 the allocations become children of the device's
 * resource with that runtime handle (created on first use); its private data is
 * replaced by this call's. STATUS_INVALID_PARAMETER, STATUS_NO_MEMORY (handle or
 * record pools), STATUS_GRAPHICS_NO_VIDEO_MEMORY, STATUS_GRAPHICS_DRIVER_MISMATCH,
 * STATUS_DEVICE_REMOVED (the device was removed by a TDR).
 */
vd_ntstatus_t vd_kernel_allocate(uint32_t hDevice, vd_kernel_allocate_args *args);

/*
 * pfnDeallocateCb (STATUS_DEVICE_REMOVED for a removed device). hResource != 0: that resource and all its children (the list is
 * ignored). Otherwise the listed allocations; every handle is validated first (valid,
 * of this device, not repeated), and one bad handle frees nothing.
 */
vd_ntstatus_t vd_kernel_deallocate(uint32_t hDevice, const vd_kernel_deallocate_args *args);

/* DxgkCbGetHandleData: the miniport's tracking handle, NULL for a bad handle or wrong type. */
void *vd_kernel_cb_get_handle_data(const DXGKARGCB_GETHANDLEDATA *args);

/* DxgkCbEnumHandleChildren: the Index-th child allocation (creation order), 0 past the last. */
D3DKMT_HANDLE vd_kernel_cb_enum_handle_children(const DXGKARGCB_ENUMHANDLECHILDREN *args);

/* DxgkCbGetHandleParent: the parent resource, 0 when none or the handle is bad. */
D3DKMT_HANDLE vd_kernel_cb_get_handle_parent(D3DKMT_HANDLE hAllocation);

/* DxgkDdiDescribeAllocation through the kernel handle (out->hAllocation is filled in). */
vd_ntstatus_t vd_kernel_describe_allocation(D3DKMT_HANDLE hAllocation, DXGKARG_DESCRIBEALLOCATION *out);

vd_ntstatus_t vd_kernel_query_allocation(D3DKMT_HANDLE hAllocation, vd_kernel_allocation_query *q);

/*
 * A resource's current private data: copies up to cap bytes to buf (may be NULL with
 * cap 0), *size = its full size, *num_children = its allocation count.
 */
vd_ntstatus_t vd_kernel_get_resource_info(D3DKMT_HANDLE hKMResource, void *buf, uint32_t cap,
                                          uint32_t *size, uint32_t *num_children);

void vd_kernel_get_stats(vd_kernel_stats *s);

/* The miniport adapter handle the kernel uses (for the dispatcher's QueryAdapterInfo). */
HANDLE vd_kernel_adapter(void);

#ifdef __cplusplus
}
#endif

#endif /* VD_KERNEL_H */
