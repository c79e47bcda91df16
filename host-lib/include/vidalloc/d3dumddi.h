/*
 * vidalloc/d3dumddi.h - the D3DDDI names and values of the WDDM allocation path (as the
 * WDK's d3dumddi.h and d3dukmdt.h publish them), declared so that user-mode display driver code written against
 * the WDK's d3dumddi.h / d3dukmdt.h compiles against host-lib unchanged:
 *
 *     hr = m_d3dCallbacks.pfnAllocateCb(m_hD3D, &allocCB);
 *
 * Only what the allocation, deallocation, lock, context and render callbacks use is declared. The HRESULT
 * codes come from vd_status.h (shared with the firmware). The device behind hDevice is
 * opened with vidalloc_open() (vidalloc.h).
 */
#ifndef VIDALLOC_D3DUMDDI_H
#define VIDALLOC_D3DUMDDI_H

#include <stdint.h>

#include "vidalloc/vd_ddi_flags.h"
#include "vidalloc/vd_status.h"
#include "vidalloc/vd_surface.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Windows base types (guarded: a Windows SDK defines them itself) ---- */
#ifndef VD_WINTYPES_DEFINED
#define VD_WINTYPES_DEFINED 1
typedef uint32_t UINT;          /* 32-bit unsigned, as on Windows */
typedef int32_t  BOOL;
typedef void    *HANDLE;
typedef void     VOID;
typedef vd_hresult_t HRESULT;   /* LONG: 32-bit signed */
typedef uint64_t UINT64;
typedef uintptr_t ULONG_PTR;
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#ifndef APIENTRY
#define APIENTRY
#endif
#endif /* VD_WINTYPES_DEFINED */

/* Kernel-mode handle: 32-bit unsigned, 0 is never valid (d3dukmdt.h). */
typedef UINT D3DKMT_HANDLE;
typedef UINT D3DDDI_VIDEO_PRESENT_SOURCE_ID;
typedef UINT64 D3DGPU_VIRTUAL_ADDRESS;

/* D3DDDI_ALLOCATIONINFO.Flags: Primary bit 0, Stereo bit 1 (only with Primary), rest 0. */
typedef struct _D3DDDI_ALLOCATIONINFOFLAGS {
    union {
        struct {
            UINT Primary  : 1;  /* 0x1 */
            UINT Stereo   : 1;  /* 0x2 */
            UINT Reserved : 30; /* must be 0 */
        };
        UINT Value;
    };
} D3DDDI_ALLOCATIONINFOFLAGS;

#define D3DDDI_ALLOCATIONINFOFLAGS_PRIMARY  0x1u /* vidalloc: Flags.Value bits */
#define D3DDDI_ALLOCATIONINFOFLAGS_STEREO   0x2u
#define D3DDDI_ALLOCATIONINFOFLAGS_RESERVED 0xFFFFFFFCu

typedef struct _D3DDDI_ALLOCATIONINFO {
    D3DKMT_HANDLE hAllocation;      /* out: kernel handle of the allocation */
    const void *pSystemMem;         /* in: runtime system memory, or NULL for video memory */
    void *pPrivateDriverData;       /* in: per-allocation data for the miniport (vd_surface_desc) */
    UINT PrivateDriverDataSize;     /* in */
    D3DDDI_VIDEO_PRESENT_SOURCE_ID VidPnSourceId; /* in: primaries only */
    union {
        struct {
            UINT Primary  : 1;
            UINT Stereo   : 1;
            UINT Reserved : 30;
        };
        UINT Value;
    } Flags;                        /* in */
} D3DDDI_ALLOCATIONINFO;

/* The Windows 7 form; the user-mode driver leaves it unused (so does vidalloc). */
typedef struct _D3DDDI_ALLOCATIONINFO2 {
    D3DKMT_HANDLE hAllocation;
    union {
        HANDLE hSection;
        const void *pSystemMem;
    };
    void *pPrivateDriverData;
    UINT PrivateDriverDataSize;
    D3DDDI_VIDEO_PRESENT_SOURCE_ID VidPnSourceId;
    union {
        struct {
            UINT Primary  : 1;
            UINT Stereo   : 1;
            UINT Reserved : 30;
        };
        UINT Value;
    } Flags;
    D3DGPU_VIRTUAL_ADDRESS GpuVirtualAddress;
    union {
        UINT Priority;
        ULONG_PTR Unused;
    };
    ULONG_PTR Reserved[5];
} D3DDDI_ALLOCATIONINFO2;

typedef struct _D3DDDICB_ALLOCATE {
    const void *pPrivateDriverData; /* in: resource-level data; replaces the resource's */
    UINT PrivateDriverDataSize;     /* in */
    HANDLE hResource;               /* in: runtime resource handle, or NULL (device allocations) */
    D3DKMT_HANDLE hKMResource;      /* out: kernel resource handle (only when hResource != NULL) */
    UINT NumAllocations;            /* in */
    union {
        D3DDDI_ALLOCATIONINFO *pAllocationInfo;   /* in/out: NumAllocations entries */
        D3DDDI_ALLOCATIONINFO2 *pAllocationInfo2; /* Windows 7 form (unused) */
    };
} D3DDDICB_ALLOCATE;

typedef struct _D3DDDICB_DEALLOCATE {
    HANDLE hResource;               /* non-NULL: free the resource and all its allocations */
    UINT NumAllocations;            /* else: free these */
    const D3DKMT_HANDLE *HandleList;
} D3DDDICB_DEALLOCATE;

/* D3DDDICB_LOCK.Flags bit positions (d3dukmdt.h). */
typedef struct _D3DDDICB_LOCKFLAGS {
    union {
        struct {
            UINT ReadOnly            : 1; /* 0x001 */
            UINT WriteOnly           : 1; /* 0x002 (not with ReadOnly) */
            UINT DonotWait           : 1; /* 0x004 */
            UINT IgnoreSync          : 1; /* 0x008 */
            UINT LockEntire          : 1; /* 0x010 (NumPages must be 0) */
            UINT DonotEvict          : 1; /* 0x020 */
            UINT AcquireAperture     : 1; /* 0x040 */
            UINT Discard             : 1; /* 0x080 */
            UINT NoExistingReference : 1; /* 0x100 */
            UINT UseAlternateVA      : 1; /* 0x200 */
            UINT IgnoreReadSync      : 1; /* 0x400 */
            UINT Reserved            : 21;
        };
        UINT Value;
    };
} D3DDDICB_LOCKFLAGS;

/* D3DDDILOCK_* values of D3DDDICB_LOCKFLAGS.Value: vidalloc/vd_ddi_flags.h (shared with firmware). */

/* Pages of D3DDDICB_LOCK.pPages are 4 KiB. */
#define D3DDDI_LOCK_PAGE_SIZE 4096u

typedef struct _D3DDDICB_LOCK {
    D3DKMT_HANDLE hAllocation;      /* in */
    UINT PrivateDriverData;         /* in: passed to the miniport (unused here) */
    UINT NumPages;                  /* in: 0 = the whole allocation */
    const UINT *pPages;             /* in: NumPages page numbers (4 KiB pages) */
    void *pData;                    /* out: the allocation's contents (host buffer) */
    D3DDDICB_LOCKFLAGS Flags;       /* in */
    D3DGPU_VIRTUAL_ADDRESS GpuVirtualAddress; /* in (WDDM 2.0); unused here */
} D3DDDICB_LOCK;

typedef struct _D3DDDICB_UNLOCK {
    UINT NumAllocations;
    const D3DKMT_HANDLE *phAllocations;
} D3DDDICB_UNLOCK;

/* ---- submission (pfnCreateContextCb / pfnRenderCb) ---- */

/* One entry of a context's allocation list. */
typedef struct _D3DDDI_ALLOCATIONLIST {
    D3DKMT_HANDLE hAllocation;      /* 0 allowed only for entry 0 (the NULL allocation) */
    union {
        struct {
            UINT WriteOperation      : 1; /* the GPU may write it */
            UINT DoNotRetireInstance : 1;
            UINT OfferPriority       : 3;
            UINT Reserved            : 27;
        };
        UINT Value;
    };
} D3DDDI_ALLOCATIONLIST;

/* vidalloc: D3DDDI_ALLOCATIONLIST.Value bits. */
#define D3DDDI_ALLOCATIONLIST_WRITEOPERATION      0x1u
#define D3DDDI_ALLOCATIONLIST_DONOTRETIREINSTANCE 0x2u
#define D3DDDI_ALLOCATIONLIST_OFFERPRIORITY_MASK  0x1Cu
#define D3DDDI_ALLOCATIONLIST_RESERVED            0xFFFFFFE0u /* must be 0 */

/* One entry of a context's patch-location list (DxgkDdiPatch writes
 * address(allocation[AllocationIndex]) + AllocationOffset at PatchOffset). */
typedef struct _D3DDDI_PATCHLOCATIONLIST {
    UINT AllocationIndex;
    union {
        struct {
            UINT SlotId   : 24;
            UINT Reserved : 8;
        };
        UINT Value;
    };
    UINT DriverId;
    UINT AllocationOffset;
    UINT PatchOffset;               /* bytes from the command buffer's start */
    UINT SplitOffset;
} D3DDDI_PATCHLOCATIONLIST;

/* vidalloc: D3DDDI_PATCHLOCATIONLIST.Value bits. */
#define D3DDDI_PATCHLOCATIONLIST_SLOTID_MASK 0x00FFFFFFu
#define D3DDDI_PATCHLOCATIONLIST_RESERVED    0xFF000000u /* must be 0 */

typedef struct _D3DDDICB_RENDERFLAGS {
    union {
        struct {
            UINT ResizeCommandBuffer      : 1;
            UINT ResizeAllocationList     : 1;
            UINT ResizePatchLocationList  : 1;
            UINT NullRendering            : 1;
            UINT PresentRedirected        : 1;
            UINT RenderKm                 : 1;
            UINT RenderKmReadback         : 1;
            UINT Reserved                 : 25;
        };
        UINT Value;
    };
} D3DDDICB_RENDERFLAGS;

/* vidalloc: D3DDDICB_RENDERFLAGS.Value bits. */
#define D3DDDICB_RENDERFLAGS_RESIZECOMMANDBUFFER     0x01u
#define D3DDDICB_RENDERFLAGS_RESIZEALLOCATIONLIST    0x02u
#define D3DDDICB_RENDERFLAGS_RESIZEPATCHLOCATIONLIST 0x04u
#define D3DDDICB_RENDERFLAGS_NULLRENDERING           0x08u
#define D3DDDICB_RENDERFLAGS_PRESENTREDIRECTED       0x10u
#define D3DDDICB_RENDERFLAGS_RENDERKM                0x20u
#define D3DDDICB_RENDERFLAGS_RENDERKMREADBACK        0x40u
#define D3DDDICB_RENDERFLAGS_RESERVED                0xFFFFFF80u

/* The members of the WDK's D3DDDICB_RENDER that vidalloc implements, by the same names
 * (broadcast, marker and API-sequence members are not part of this subset). */
typedef struct _D3DDDICB_RENDER {
    UINT CommandLength;             /* in: bytes of the command buffer, from offset 0 */
    UINT CommandOffset;             /* in: offset of the first command */
    UINT NumAllocations;            /* in: allocation-list entries used */
    UINT NumPatchLocations;         /* in: patch-location entries used */
    VOID *pNewCommandBuffer;        /* out: the buffer for the next submission */
    UINT NewCommandBufferSize;      /* in/out */
    D3DDDI_ALLOCATIONLIST *pNewAllocationList;      /* out */
    UINT NewAllocationListSize;                     /* in/out (entries) */
    D3DDDI_PATCHLOCATIONLIST *pNewPatchLocationList; /* out */
    UINT NewPatchLocationListSize;                  /* in/out (entries) */
    D3DDDICB_RENDERFLAGS Flags;     /* in */
    HANDLE hContext;                /* in: from pfnCreateContextCb */
} D3DDDICB_RENDER;

typedef struct _D3DDDI_CREATECONTEXTFLAGS {
    union {
        struct {
            UINT NullRendering : 1;
            UINT Reserved      : 31;
        };
        UINT Value;
    };
} D3DDDI_CREATECONTEXTFLAGS;

/* vidalloc: D3DDDI_CREATECONTEXTFLAGS.Value bits. */
#define D3DDDI_CREATECONTEXTFLAGS_NULLRENDERING 0x1u
#define D3DDDI_CREATECONTEXTFLAGS_RESERVED      0xFFFFFFFEu

typedef struct _D3DDDICB_CREATECONTEXT {
    UINT NodeOrdinal;               /* in: 0 (one engine) */
    UINT EngineAffinity;            /* in: 0 or 1 */
    D3DDDI_CREATECONTEXTFLAGS Flags; /* in */
    VOID *pPrivateDriverData;       /* in */
    UINT PrivateDriverDataSize;     /* in */
    HANDLE hContext;                /* out */
    VOID *pCommandBuffer;           /* out */
    UINT CommandBufferSize;         /* out: bytes */
    D3DDDI_ALLOCATIONLIST *pAllocationList;         /* out */
    UINT AllocationListSize;                        /* out: entries */
    D3DDDI_PATCHLOCATIONLIST *pPatchLocationList;   /* out */
    UINT PatchLocationListSize;                     /* out: entries */
    D3DGPU_VIRTUAL_ADDRESS CommandBuffer;           /* out: 0 (no GPU VA here) */
} D3DDDICB_CREATECONTEXT;

typedef struct _D3DDDICB_DESTROYCONTEXT {
    HANDLE hContext;
} D3DDDICB_DESTROYCONTEXT;

typedef HRESULT (APIENTRY *PFND3DDDI_ALLOCATECB)(HANDLE hDevice, D3DDDICB_ALLOCATE *pData);
typedef HRESULT (APIENTRY *PFND3DDDI_DEALLOCATECB)(HANDLE hDevice, const D3DDDICB_DEALLOCATE *pData);
typedef HRESULT (APIENTRY *PFND3DDDI_LOCKCB)(HANDLE hDevice, D3DDDICB_LOCK *pData);
typedef HRESULT (APIENTRY *PFND3DDDI_UNLOCKCB)(HANDLE hDevice, const D3DDDICB_UNLOCK *pData);
typedef HRESULT (APIENTRY *PFND3DDDI_RENDERCB)(HANDLE hDevice, D3DDDICB_RENDER *pData);
typedef HRESULT (APIENTRY *PFND3DDDI_CREATECONTEXTCB)(HANDLE hDevice, D3DDDICB_CREATECONTEXT *pData);
typedef HRESULT (APIENTRY *PFND3DDDI_DESTROYCONTEXTCB)(HANDLE hDevice, const D3DDDICB_DESTROYCONTEXT *pData);

/* The runtime's callback table (the callbacks vidalloc implements, in the WDK's order). */
typedef struct _D3DDDI_DEVICECALLBACKS {
    PFND3DDDI_ALLOCATECB   pfnAllocateCb;
    PFND3DDDI_DEALLOCATECB pfnDeallocateCb;
    PFND3DDDI_RENDERCB     pfnRenderCb;
    PFND3DDDI_LOCKCB       pfnLockCb;
    PFND3DDDI_UNLOCKCB     pfnUnlockCb;
    PFND3DDDI_CREATECONTEXTCB  pfnCreateContextCb;
    PFND3DDDI_DESTROYCONTEXTCB pfnDestroyContextCb;
} D3DDDI_DEVICECALLBACKS;

#ifdef __cplusplus
}
#endif

#endif /* VIDALLOC_D3DUMDDI_H */
