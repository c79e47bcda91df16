/*
 * vd_kernel.h - the graphics kernel: the part of Dxgkrnl this firmware plays. It owns every
 * fact about an allocation (device, parent resource, the miniport's tracking handle, usage,
 * lock state, and through VidMm placement and residency: one record per allocation, in
 * vd_kernel.c), the devices and resources, and the rules of every request of the wire
 * contract (vd_wire.h): pfnAllocateCb / pfnDeallocateCb, Lock / Unlock and the reads and
 * writes of a locked allocation, pfnRenderCb's validation (then the GPU scheduler,
 * vd_render.h), fences, escapes, and the handle services the miniport calls
 * (DxgkCbGetHandleData, DxgkCbEnumHandleChildren, DxgkCbGetHandleParent).
 *
 * Every entry point returns an NTSTATUS; a transport's dispatcher decodes a request, calls
 * one of these and maps the result with vd_status_to_hresult() (vd_status.h), so any
 * transport feeds the same calls with no policy of its own.
 *
 * Timeouts and faults: the scheduler detects and recovers the engine; the kernel applies
 * what that means for its objects (every open device removed and VRAM contents purged after
 * a timeout, only the submitting device after a fault) before any request that depends on
 * the GPU (open, close, deallocate, lock, render, fence, escape) and in vd_kernel_poll.
 * Requests that do not touch the GPU (allocate, unlock, read, write, queries) do not look:
 * a recovery pending at that moment is ordered after them, with the same outcome as if the
 * request had come a moment earlier.
 */
#ifndef VD_KERNEL_H
#define VD_KERNEL_H

#include <stdint.h>

#include "vd_config.h"
#include "vd_dxgk.h"
#include "vd_vidmm.h"
#include "vidalloc/vd_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the board is (the dispatcher's platform, as the kernel needs it). */
typedef struct vd_kernel_platform {
    uint8_t *vram;          /* CPU pointer to VRAM */
    uint32_t vram_size;     /* SYSCTL.VRAM_SIZE */
    uint32_t vram_cpu_base; /* VRAM's CPU address as the segment descriptor reports it */
    uint32_t clk_hz;        /* SYSCTL.CLK_HZ (0: VD_CLK_HZ) */
    uint32_t features;      /* SYSCTL.FEATURES: VD_SYSCTL_FEATURES_GPU_MASK decides the ring */
} vd_kernel_platform;

/* Bench only (-DVD_KERNEL_PROFILE): TIMER.MTIME at the stages of the last vd_kernel_allocate:
 * [0] entry, [1] checked (device, arguments, resource, pools), [2] miniport's input built,
 * [3] DxgkDdiCreateAllocation returned, [4] handles taken, [5] placed (VidMm, TLSF),
 * [6] committed (records, resource, outputs). */
#define VD_KERNEL_PROF_STAMPS 7
#ifdef VD_KERNEL_PROFILE
extern uint32_t vd_kernel_prof[VD_KERNEL_PROF_STAMPS];
#endif

/* D3DDDI_ALLOCATIONINFO as the kernel receives it. */
typedef struct vd_kernel_allocinfo {
    D3DKMT_HANDLE hAllocation;      /* out */
    uint32_t Flags;                 /* in: D3DDDI_ALLOCATIONINFO.Flags (Primary 0x1, Stereo 0x2) */
    uint64_t pSystemMem;            /* in: host address of runtime system memory, 0 = video memory */
    uint32_t SystemMemBus;          /* in: its bus address for the device, 0 = unreachable */
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

/* What the kernel holds about an allocation (QUERY ALLOCATION and tests). */
typedef struct vd_kernel_allocation_query {
    uint32_t hDevice;
    D3DKMT_HANDLE hKMResource;  /* parent resource or 0 */
    uint32_t residency;         /* enum vd_residency */
    uint32_t segment;           /* VD_SEGMENT_ID_VRAM or 0 */
    uint32_t offset;            /* segment offset (bytes) while in VRAM */
    uint32_t size;              /* bytes */
    uint32_t alignment;         /* bytes (0 for system memory) */
    uint32_t flags;             /* DXGK_ALLOCATIONINFOFLAGS.Value */
    uint32_t backing;           /* VD_VIDMM_BACKING_* */
    uint32_t usage;             /* vd_surface_desc.Usage the miniport accepted */
    uint32_t locked;            /* 1 while locked */
    uint32_t lock_flags;        /* D3DDDICB_LOCKFLAGS of the lock */
} vd_kernel_allocation_query;

typedef struct vd_kernel_stats {
    uint32_t devices, resources, allocations;
    uint32_t max_devices, max_resources, max_allocations;
    vd_vidmm_stats vidmm;
} vd_kernel_stats;

/* D3DDDICB_LOCKFLAGS bits the kernel implements (values in vd_ddi_flags.h);
 * any other bit is rejected as reserved. */
#define VD_LOCK_VALID_MASK  (D3DDDILOCK_READONLY | D3DDDILOCK_WRITEONLY | D3DDDILOCK_DONOTWAIT | \
                             D3DDDILOCK_IGNORESYNC | D3DDDILOCK_LOCKENTIRE | \
                             D3DDDILOCK_DONOTEVICT | D3DDDILOCK_DISCARD)

/* ---- the adapter ---- */

/*
 * Board start: the scheduler on VRAM (the ring at its top when the SoC has the GPU), then
 * the adapter as vd_kernel_init does on the rest. `p` must outlive the kernel.
 */
vd_ntstatus_t vd_kernel_start(const vd_kernel_platform *p);

/* A new session (HELLO): the GPU aborts whatever the old one queued and every device,
 * resource and allocation is forgotten. */
vd_ntstatus_t vd_kernel_reset(void);

/*
 * Start the adapter on a segment of vram_size bytes at CPU address vram_cpu_base: the
 * miniport is started, the kernel asks it for its segments (DXGKQAITYPE_QUERYSEGMENT, twice)
 * and sets the video memory manager up with segment 1. Forgets every device, resource and
 * allocation. (vd_kernel_start calls it; unit tests of the allocation path call it alone.)
 */
vd_ntstatus_t vd_kernel_init(uint32_t vram_cpu_base, uint32_t vram_size);

/* Timeouts and faults the scheduler recovered from, applied to the kernel's objects (the
 * transport's idle hook). Returns 1 if there was one. */
int vd_kernel_poll(void);
/* 1 if an interrupt recorded a GPU event vd_kernel_poll has not seen (do not sleep). */
int vd_kernel_events_pending(void);

/* ---- devices ---- */

/* STATUS_NO_MEMORY when VD_MAX_DEVICES are open; STATUS_DEVICE_REMOVED while the adapter is
 * removed (more than VD_TDR_LIMIT timeouts in the window, until the board is reset). */
vd_ntstatus_t vd_kernel_open_device(uint32_t *hDevice);
/* Frees all the device owns (a removed device too), after its submission on the GPU. */
vd_ntstatus_t vd_kernel_close_device(uint32_t hDevice);

/*
 * Device removal (TDR, docs/kernel.md): a removed device keeps its objects until it is
 * closed, but every request naming it but close returns STATUS_DEVICE_REMOVED.
 * vd_kernel_device_status: STATUS_SUCCESS, ..._DEVICE_REMOVED or STATUS_INVALID_PARAMETER
 * (not an open device). vd_kernel_remove_devices marks every open device and returns how
 * many were not removed yet.
 */
vd_ntstatus_t vd_kernel_device_status(uint32_t hDevice);
vd_ntstatus_t vd_kernel_remove_device(uint32_t hDevice);
uint32_t vd_kernel_remove_devices(void);

/* ---- pfnAllocateCb / pfnDeallocateCb ---- */

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
 * pfnDeallocateCb (STATUS_DEVICE_REMOVED for a removed device), after the device's
 * submission on the GPU. hResource != 0: that resource and all its children (the list is
 * ignored). Otherwise the listed allocations; every handle is validated first (valid, of
 * this device, not repeated), and one bad handle frees nothing.
 */
vd_ntstatus_t vd_kernel_deallocate(uint32_t hDevice, const vd_kernel_deallocate_args *args);

/* ---- pfnLockCb / pfnUnlockCb and the bytes of a locked allocation ---- */

/*
 * Lock an allocation of hDevice for the CPU with D3DDDICB_LOCKFLAGS `flags`; *size = its
 * size. A second lock replaces the flags; one unlock releases. STATUS_DEVICE_REMOVED;
 * STATUS_INVALID_PARAMETER (not a live allocation of hDevice, a flag outside
 * VD_LOCK_VALID_MASK, ReadOnly with WriteOnly); STATUS_GRAPHICS_CANT_LOCK_MEMORY (not
 * CpuVisible); STATUS_GRAPHICS_ALLOCATION_BUSY (DonotWait and the running submission lists
 * it; without DonotWait the lock waits for that submission).
 */
vd_ntstatus_t vd_kernel_lock(uint32_t hDevice, D3DKMT_HANDLE hAllocation, uint32_t flags,
                             uint32_t *size);

/* Unlock: STATUS_DEVICE_REMOVED, or STATUS_INVALID_PARAMETER when it is not a locked
 * allocation of hDevice. */
vd_ntstatus_t vd_kernel_unlock(uint32_t hDevice, D3DKMT_HANDLE hAllocation);

/*
 * Where bytes [offset, offset + length) of a locked allocation lie in VRAM, for the CPU to
 * read (write 0) or write (write 1): *vram_offset. STATUS_DEVICE_REMOVED;
 * STATUS_INVALID_PARAMETER (not locked by hDevice, a write under ReadOnly or a read under
 * WriteOnly, the range past its end); STATUS_GRAPHICS_CANT_LOCK_MEMORY (a system-memory
 * allocation: its bytes are the host's).
 */
vd_ntstatus_t vd_kernel_map_range(uint32_t hDevice, D3DKMT_HANDLE hAllocation, uint32_t offset,
                                  uint32_t length, int write, uint32_t *vram_offset);

/* ---- pfnRenderCb, fences, escapes ---- */

/*
 * pfnRenderCb (vd_render_args: vd_dxgk.h): the kernel's part of DxgkDdiRender (the allocation list: a handle that is
 * not a live allocation of the device, or 0 after entry 0, is STATUS_INVALID_HANDLE; a
 * system-memory allocation STATUS_INVALID_PARAMETER; a locked one
 * STATUS_GRAPHICS_CANT_RENDER_LOCKED_ALLOCATION), residency, then the scheduler
 * (vd_render_submit: the commands and patches, the wait, the submission). *fence = the
 * submission's fence id. STATUS_NOT_SUPPORTED on a SoC without the GPU.
 */
vd_ntstatus_t vd_kernel_render(const vd_render_args *a, uint32_t *fence);

/* FENCE: STATUS_SUCCESS if completed >= fence, STATUS_TIMEOUT if not yet,
 * STATUS_DEVICE_REMOVED, STATUS_INVALID_PARAMETER (not an open device, or never handed out);
 * *completed / *submitted are filled in every case. */
vd_ntstatus_t vd_kernel_fence(uint32_t hDevice, uint32_t fence, uint32_t *completed,
                              uint32_t *submitted);

/* DxgkDdiEscape (vd_wire.h VD_ESCAPE_*): value[] as the contract says. */
vd_ntstatus_t vd_kernel_escape(const vd_wire_escape_req *q, uint32_t value[11]);

/* The memory controller's counters (vd_wire_memctl_stats order). */
void vd_kernel_memctl_counters(uint32_t out[8]);

/* ---- handle services and queries ---- */

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

/* The miniport adapter handle the kernel uses. */
HANDLE vd_kernel_adapter(void);

#ifdef __cplusplus
}
#endif

#endif /* VD_KERNEL_H */
