/*
 * vd_dxgk.h - the interface between the firmware's graphics kernel and its display
 * miniport: the DXGK (d3dkmddi.h) structures and values they exchange, declared with the
 * WDK's names and bit positions (d3dkmddi.h), and the DDI entry points the vidalloc
 * miniport implements (vd_miniport.c). Only the members this firmware uses are declared;
 * a few vidalloc-specific members are marked "vidalloc:".
 */
#ifndef VD_DXGK_H
#define VD_DXGK_H

#include <stddef.h>
#include <stdint.h>

#include "vd_config.h"
#include "vidalloc/vd_ddi_flags.h"
#include "vidalloc/vd_status.h"
#include "vidalloc/vd_surface.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- basic types (C11 allows an identical typedef to be repeated) ---- */
typedef void *HANDLE;
typedef unsigned int UINT;
typedef size_t SIZE_T;
typedef vd_ntstatus_t NTSTATUS;
typedef uint32_t D3DKMT_HANDLE; /* 0 is never a valid handle */

typedef union _LARGE_INTEGER {
    struct {
        uint32_t LowPart;
        int32_t HighPart;
    };
    int64_t QuadPart;
} LARGE_INTEGER;
typedef LARGE_INTEGER PHYSICAL_ADDRESS;

typedef struct _D3DDDI_RATIONAL {
    UINT Numerator;
    UINT Denominator;
} D3DDDI_RATIONAL;

typedef struct _D3DDDI_MULTISAMPLINGMETHOD {
    UINT NumSamples;
    UINT NumQualityLevels;
} D3DDDI_MULTISAMPLINGMETHOD;

#define D3DDDI_ROTATION_IDENTITY 1u

/* D3DDDI_ALLOCATIONINFO.Flags (runtime side), passed through as VdFlags: the
 * VD_D3DDDI_ALLOCINFO_* values of vidalloc/vd_ddi_flags.h. */

/* ---- segment ids and sets ---- */
#define VD_SEGMENT_ID_VRAM  1u  /* the adapter's only segment: local video memory */
#define VD_SEGMENT_SET_VRAM 0x1u /* bit 0 = segment 1 */

/* ---- DXGK_SEGMENTPREFERENCE (PreferredSegment) ---- */
typedef struct _DXGK_SEGMENTPREFERENCE {
    union {
        struct {
            UINT SegmentId0 : 5;
            UINT Direction0 : 1; /* 1: allocate from the end (top) of the segment */
            UINT SegmentId1 : 5;
            UINT Direction1 : 1;
            UINT SegmentId2 : 5;
            UINT Direction2 : 1;
            UINT SegmentId3 : 5;
            UINT Direction3 : 1;
            UINT SegmentId4 : 5;
            UINT Direction4 : 1;
            UINT Reserved : 2;
        };
        UINT Value;
    };
} DXGK_SEGMENTPREFERENCE;

/* ---- DXGK_ALLOCATIONINFOFLAGS ---- */
#define DXGK_ALLOCINFOFLAG_CPUVISIBLE        0x00000001u
#define DXGK_ALLOCINFOFLAG_PERMANENTSYSMEM   0x00000002u
#define DXGK_ALLOCINFOFLAG_CACHED            0x00000004u
#define DXGK_ALLOCINFOFLAG_PROTECTED         0x00000008u
#define DXGK_ALLOCINFOFLAG_EXISTINGSYSMEM    0x00000010u
#define DXGK_ALLOCINFOFLAG_FROMENDOFSEGMENT  0x00000040u
#define DXGK_ALLOCINFOFLAG_SWIZZLED          0x00000080u
#define DXGK_ALLOCINFOFLAG_OVERLAY           0x00000100u
#define DXGK_ALLOCINFOFLAG_CAPTURE           0x00000200u
#define DXGK_ALLOCINFOFLAG_SYNCHRONOUSPAGING 0x00000800u

typedef struct _DXGK_ALLOCATIONINFOFLAGS {
    union {
        struct {
            UINT CpuVisible : 1;           /* 0x001 */
            UINT PermanentSysMem : 1;      /* 0x002 */
            UINT Cached : 1;               /* 0x004 */
            UINT Protected : 1;            /* 0x008 */
            UINT ExistingSysMem : 1;       /* 0x010 */
            UINT ExistingKernelSysMem : 1; /* 0x020 */
            UINT FromEndOfSegment : 1;     /* 0x040 */
            UINT Swizzled : 1;             /* 0x080 */
            UINT Overlay : 1;              /* 0x100 */
            UINT Capture : 1;              /* 0x200 */
            UINT UseAlternateVA : 1;       /* 0x400 */
            UINT SynchronousPaging : 1;    /* 0x800 */
            UINT Reserved : 20;
        };
        UINT Value;
    };
} DXGK_ALLOCATIONINFOFLAGS;

/* ---- DXGK_ALLOCATIONINFO: one per allocation of a DxgkDdiCreateAllocation call ---- */
typedef struct _DXGK_ALLOCATIONINFO {
    void *pPrivateDriverData;         /* in: per-allocation private data (vd_surface_desc) */
    UINT PrivateDriverDataSize;       /* in */
    UINT Alignment;                   /* out: bytes, power of two */
    SIZE_T Size;                      /* out: bytes */
    SIZE_T PitchAlignedSize;          /* out: 0, no pitch-aligned segment */
    UINT HintedBank;                  /* out: DXGK_SEGMENTBANKPREFERENCE, 0 (no banks) */
    DXGK_SEGMENTPREFERENCE PreferredSegment; /* out */
    UINT SupportedReadSegmentSet;     /* out */
    UINT SupportedWriteSegmentSet;    /* out */
    UINT EvictionSegmentSet;          /* out: 0 = evict to system memory */
    UINT MaximumRenamingListLength;   /* out: 0 */
    HANDLE hAllocation;               /* out: the miniport's tracking handle */
    DXGK_ALLOCATIONINFOFLAGS Flags;   /* out */
    UINT AllocationPriority;          /* out: 0 (default) */
    /* vidalloc: what the kernel passes down from D3DDDI_ALLOCATIONINFO (the WDK
     * miniport learns these through its private data; here they are explicit). */
    UINT VdFlags;                     /* in: D3DDDI_ALLOCATIONINFO.Flags (Primary, Stereo) */
    UINT VdVidPnSourceId;             /* in: D3DDDI_ALLOCATIONINFO.VidPnSourceId */
    uint64_t VdSystemMem;             /* in: pSystemMem as the host sent it, 0 = video memory */
    uint32_t VdSystemMemBus;          /* in: its bus address for the device (PCIe), 0 = none */
    UINT VdUsage;                     /* out: the usage bits the miniport accepted (the kernel
                                         keeps them: QUERY HANDLE_DATA gives them back) */
} DXGK_ALLOCATIONINFO;

typedef struct _DXGK_CREATEALLOCATIONFLAGS {
    union {
        struct {
            UINT Resource : 1; /* hResource is (or is to be) a resource */
            UINT Reserved : 31;
        };
        UINT Value;
    };
} DXGK_CREATEALLOCATIONFLAGS;

typedef struct _DXGKARG_CREATEALLOCATION {
    const void *pPrivateDriverData;   /* in: resource-level private data */
    UINT PrivateDriverDataSize;       /* in */
    UINT NumAllocations;              /* in */
    DXGK_ALLOCATIONINFO *pAllocationInfo; /* in/out */
    HANDLE hResource;                 /* in/out: the miniport's resource tracking handle */
    DXGK_CREATEALLOCATIONFLAGS Flags; /* in */
} DXGKARG_CREATEALLOCATION;

typedef struct _DXGK_DESTROYALLOCATIONFLAGS {
    union {
        struct {
            UINT DestroyResource : 1;
            UINT Reserved : 31;
        };
        UINT Value;
    };
} DXGK_DESTROYALLOCATIONFLAGS;

typedef struct _DXGKARG_DESTROYALLOCATION {
    UINT NumAllocations;
    const HANDLE *pAllocationList;    /* miniport tracking handles */
    HANDLE hResource;                 /* miniport resource handle, or NULL */
    DXGK_DESTROYALLOCATIONFLAGS Flags;
} DXGKARG_DESTROYALLOCATION;

typedef struct _DXGKARG_DESCRIBEALLOCATION {
    HANDLE hAllocation;                          /* in: miniport tracking handle */
    UINT Width;                                  /* out */
    UINT Height;                                 /* out */
    D3DDDIFORMAT Format;                         /* out */
    D3DDDI_MULTISAMPLINGMETHOD MultisampleMethod; /* out: 1 sample, 0 quality levels */
    D3DDDI_RATIONAL RefreshRate;                 /* out: primaries, else 0/0 */
    UINT PrivateDriverFormatAttribute;           /* out: the pitch in bytes */
    UINT Flags;                                  /* out: reserved, 0 */
    UINT Rotation;                               /* out: D3DDDI_ROTATION_IDENTITY */
} DXGKARG_DESCRIBEALLOCATION;

/* ---- DxgkDdiQueryAdapterInfo ---- */
typedef enum _DXGK_QUERYADAPTERINFOTYPE {
    DXGKQAITYPE_UMDRIVERPRIVATE = 0,
    DXGKQAITYPE_DRIVERCAPS = 1,
    DXGKQAITYPE_QUERYSEGMENT = 2
} DXGK_QUERYADAPTERINFOTYPE;

typedef struct _DXGKARG_QUERYADAPTERINFO {
    DXGK_QUERYADAPTERINFOTYPE Type;
    void *pInputData;
    UINT InputDataSize;
    void *pOutputData;
    UINT OutputDataSize;
} DXGKARG_QUERYADAPTERINFO;

#define DXGK_SEGMENTFLAG_APERTURE                  0x00000001u
#define DXGK_SEGMENTFLAG_AGP                       0x00000002u
#define DXGK_SEGMENTFLAG_CPUVISIBLE                0x00000004u
#define DXGK_SEGMENTFLAG_USEBANKING                0x00000008u
#define DXGK_SEGMENTFLAG_CACHECOHERENT             0x00000010u
#define DXGK_SEGMENTFLAG_PITCHALIGNMENT            0x00000020u
#define DXGK_SEGMENTFLAG_POPULATEDFROMSYSTEMMEMORY 0x00000040u

typedef struct _DXGK_SEGMENTFLAGS {
    union {
        struct {
            UINT Aperture : 1;                  /* 0x01 */
            UINT Agp : 1;                       /* 0x02 */
            UINT CpuVisible : 1;                /* 0x04 */
            UINT UseBanking : 1;                /* 0x08 */
            UINT CacheCoherent : 1;             /* 0x10 */
            UINT PitchAlignment : 1;            /* 0x20 */
            UINT PopulatedFromSystemMemory : 1; /* 0x40 */
            UINT Reserved : 25;
        };
        UINT Value;
    };
} DXGK_SEGMENTFLAGS;

typedef struct _DXGK_SEGMENTDESCRIPTOR {
    PHYSICAL_ADDRESS BaseAddress;          /* GPU address of the segment */
    PHYSICAL_ADDRESS CpuTranslatedAddress; /* CPU address, when CpuVisible */
    SIZE_T Size;
    UINT NbOfBanks;
    SIZE_T *pBankRangeTable;
    SIZE_T CommitLimit;
    DXGK_SEGMENTFLAGS Flags;
} DXGK_SEGMENTDESCRIPTOR;

typedef struct _DXGK_QUERYSEGMENTOUT {
    UINT NbSegment;                             /* first call: out; second: capacity in */
    DXGK_SEGMENTDESCRIPTOR *pSegmentDescriptor; /* NULL on the first call */
    UINT PagingBufferSegmentId;
    UINT PagingBufferSize;
    UINT PagingBufferPrivateDataSize;
} DXGK_QUERYSEGMENTOUT;

/* ---- handle services of the kernel (DxgkCbGetHandleData & co.) ---- */
typedef enum _DXGK_HANDLE_TYPE {
    DXGK_HANDLE_ALLOCATION = 1,
    DXGK_HANDLE_RESOURCE = 2
} DXGK_HANDLE_TYPE;

typedef struct _DXGKARGCB_GETHANDLEDATAFLAGS {
    union {
        struct {
            UINT DeviceSpecific : 1;
            UINT Reserved : 31;
        };
        UINT Value;
    };
} DXGKARGCB_GETHANDLEDATAFLAGS;

typedef struct _DXGKARGCB_GETHANDLEDATA {
    D3DKMT_HANDLE hObject;
    DXGK_HANDLE_TYPE Type;
    DXGKARGCB_GETHANDLEDATAFLAGS Flags;
} DXGKARGCB_GETHANDLEDATA;

typedef struct _DXGKARGCB_ENUMHANDLECHILDREN {
    D3DKMT_HANDLE hObject; /* a resource */
    UINT Index;
} DXGKARGCB_ENUMHANDLECHILDREN;

/*
 * vidalloc: DxgkDdiRender's arguments as this kernel passes them (the WDK's DXGKARG_RENDER
 * carries a DMA buffer this GPU does not have): one RENDER's parts, pointers into the
 * request's (4-byte aligned) payload, read with memcpy. The kernel checks the allocation
 * list, the scheduler (vd_render.h) the commands and patches.
 */
typedef struct vd_render_args {
    uint32_t hDevice;
    const uint8_t *commands;      /* bytes [CommandOffset, CommandLength) of the command buffer */
    uint32_t CommandOffset;
    uint32_t CommandLength;
    const uint8_t *alloc_list;    /* NumAllocations vd_wire_alloc_list (D3DDDI_ALLOCATIONLIST) */
    uint32_t NumAllocations;
    const uint8_t *patch_list;    /* NumPatchLocations vd_wire_patch_location */
    uint32_t NumPatchLocations;
    uint32_t Flags;               /* D3DDDICB_RENDERFLAGS.Value */
} vd_render_args;

/*
 * ---- the vidalloc display miniport's DDI entry points (vd_miniport.c) ----
 * It interprets the vd_surface_desc private data (vidalloc/vd_surface.h) and keeps its own
 * per-allocation and per-resource tracking records; their addresses are the HANDLEs it
 * returns (DXGK_ALLOCATIONINFO.hAllocation, DXGKARG_CREATEALLOCATION.hResource), which
 * DxgkCbGetHandleData hands back. docs/kernel.md has the derivation table.
 */

/*
 * Start the adapter (DxgkDdiStartDevice's part that matters here): VRAM is at CPU address
 * vram_cpu_base and vram_size bytes long. Returns the adapter handle (MiniportDeviceContext)
 * the other entry points take; forgets every record.
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

/* Live tracking records (for tests and statistics); a resource record's live children
 * (0 for a handle that is not a live resource record). */
uint32_t vd_mp_live_allocations(void);
uint32_t vd_mp_live_resources(void);
uint32_t vd_mp_resource_allocations(HANDLE hResource);

_Static_assert(sizeof(DXGK_ALLOCATIONINFOFLAGS) == 4, "DXGK_ALLOCATIONINFOFLAGS is a UINT");
_Static_assert(sizeof(DXGK_SEGMENTPREFERENCE) == 4, "DXGK_SEGMENTPREFERENCE is a UINT");
_Static_assert(sizeof(DXGK_SEGMENTFLAGS) == 4, "DXGK_SEGMENTFLAGS is a UINT");

#ifdef __cplusplus
}
#endif

#endif /* VD_DXGK_H */
