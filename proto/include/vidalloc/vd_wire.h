/*
 * vd_wire.h - the host <-> firmware wire protocol, written once and included by both
 * host-lib and the firmware.
 *
 * Line format
 *   Every frame is COBS-encoded and followed by one 0x00 delimiter. A receiver that
 *   loses sync discards bytes up to the next 0x00. The decoded frame body is
 *       vd_wire_hdr | payload (hdr.len bytes) | CRC-32C (4 bytes, little-endian)
 *   with the CRC (Castagnoli, reflected polynomial 0x82F63B78, init and final xor
 *   0xFFFFFFFF) computed over header and payload. A frame whose CRC, length or
 *   version does not check out is dropped silently; the sender's timeout recovers it.
 *
 * Sequencing (go-back-N with a small window)
 *   The host numbers requests (seq, 16 bits, wrapping) and may have up to
 *   VD_WIRE_WINDOW requests outstanding. The firmware executes requests strictly in
 *   order: a request with seq == expected is executed and its response cached; a
 *   request whose seq is one of the last VD_WIRE_WINDOW executed gets the cached
 *   response again without executing anything (so a retried ALLOCATE never allocates
 *   twice); any other seq is dropped. HELLO is always executed and sets expected to
 *   its seq + 1 (it starts a session). Every response echoes the request's seq and
 *   type with VD_WIRE_RESPONSE set.
 *
 * Flow control
 *   The window bounds the bytes in flight: VD_WIRE_WINDOW frames of at most
 *   VD_WIRE_MAX_FRAME encoded bytes always fit the firmware's receive buffering, so
 *   no byte is lost however fast the line runs. Retransmissions count: a host keeps the
 *   bytes it has sent that the firmware may not have read yet ("unsettled") within
 *   VD_WIRE_RX_BUFFER. Bytes settle when a response proves the firmware read past them
 *   (it reads in order: a response to seq S settles everything up to the end of S's
 *   first copy; a SYNC answer everything up to the end of that SYNC).
 *
 * Sessions, SYNC and resume (added compatibly in version 1)
 *   HELLO starts a session: the firmware picks a non-zero session token. SYNC stands
 *   outside sequencing (any seq, echoed; nothing executed, cached or changed) and answers
 *   the token and the expected seq, so a host that lost the line resumes where the
 *   firmware is (next seq = expected) with every device and allocation intact, and a host
 *   that sees another token (or none) knows the board was reset. Outside a session (after
 *   a reset, before any HELLO) every request but HELLO and SYNC is answered
 *   VD_WIRE_E_NO_SESSION (4 bytes, seq and type echoed, nothing executed or cached).
 *
 * Payloads
 *   Fixed-width little-endian structs, no implicit padding (sizes checked below).
 *   Variable parts follow their struct, each padded to a multiple of 4 bytes.
 *   Every response payload starts with an int32 HRESULT (vd_status.h values; the
 *   firmware maps its NTSTATUS with vd_status_to_hresult()).
 *
 * Timeout detection and recovery
 *   When the GPU watchdog expires the firmware resets the engine, purges every
 *   allocation's contents and restarts it. From then on every well-formed request naming a
 *   device that was open at that moment (ALLOCATE ... RENDER, FENCE) returns
 *   D3DDDIERR_DEVICEREMOVED (a malformed one is E_INVALIDARG whatever the device's state);
 *   CLOSE_DEVICE still works and frees what the device owned;
 *   a device opened afterwards works. After more than VD_TDR_LIMIT timeouts inside the
 *   window the adapter is removed: OPEN_DEVICE too returns D3DDDIERR_DEVICEREMOVED until
 *   the board is reset. HELLO, QUERY and ESCAPE always work.
 *   A submission the memory controller stopped (an access outside its windows) or that
 *   held a bad command is not a timeout: the engine is reset and restarted, only the
 *   submitting device is removed, nothing is purged (the access never reached VRAM) and it
 *   does not count toward VD_TDR_LIMIT.
 *
 * Requests that wait for the GPU
 *   The firmware runs one submission at a time. RENDER, LOCK (of an allocation the running
 *   submission lists, unless DonotWait), DEALLOCATE and CLOSE_DEVICE are answered only when
 *   that submission has completed or the watchdog has ended it: at most about
 *   2 x TdrDelay + 4 cycles per VRAM byte. A host's response timeout for them must be
 *   longer than that (the link is otherwise idle meanwhile; HELLO aborts the engine).
 */
#ifndef VIDALLOC_VD_WIRE_H
#define VIDALLOC_VD_WIRE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#define VD_WIRE_STATIC_ASSERT static_assert
#else
#define VD_WIRE_STATIC_ASSERT _Static_assert
#endif

#define VD_WIRE_VERSION     1u
#define VD_WIRE_WINDOW      2u     /* requests a host may have outstanding */
#define VD_WIRE_MAX_PAYLOAD 1024u  /* payload bytes per frame, either direction */
#define VD_WIRE_HDR_SIZE    8u
#define VD_WIRE_CRC_SIZE    4u
#define VD_WIRE_MAX_BODY    (VD_WIRE_HDR_SIZE + VD_WIRE_MAX_PAYLOAD + VD_WIRE_CRC_SIZE)
/* COBS adds one byte per 254 plus one; then the 0x00 delimiter. */
#define VD_WIRE_MAX_FRAME   (VD_WIRE_MAX_BODY + VD_WIRE_MAX_BODY / 254u + 2u)
/* Largest data chunk of a READ response or WRITE request. */
#define VD_WIRE_MAX_CHUNK   (VD_WIRE_MAX_PAYLOAD - 16u)

#define VD_WIRE_RESPONSE    0x80u  /* hdr.type bit: this frame is a response */

/* Message types (hdr.type without VD_WIRE_RESPONSE). */
enum vd_wire_type {
    VD_MSG_HELLO        = 0x01, /* vd_wire_hello_req -> vd_wire_hello_rsp */
    VD_MSG_OPEN_DEVICE  = 0x02, /* (no payload) -> vd_wire_open_device_rsp */
    VD_MSG_CLOSE_DEVICE = 0x03, /* vd_wire_device_req -> vd_wire_status_rsp */
    VD_MSG_SYNC         = 0x04, /* vd_wire_sync_req -> vd_wire_sync_rsp (outside sequencing) */
    VD_MSG_ALLOCATE     = 0x10, /* vd_wire_allocate_req + parts -> vd_wire_allocate_rsp + handles */
    VD_MSG_DEALLOCATE   = 0x11, /* vd_wire_deallocate_req + handles -> vd_wire_status_rsp */
    VD_MSG_LOCK         = 0x12, /* vd_wire_lock_req -> vd_wire_lock_rsp */
    VD_MSG_UNLOCK       = 0x13, /* vd_wire_lock_req -> vd_wire_status_rsp */
    VD_MSG_READ         = 0x14, /* vd_wire_rw_req -> vd_wire_read_rsp + data */
    VD_MSG_WRITE        = 0x15, /* vd_wire_rw_req + data -> vd_wire_status_rsp */
    VD_MSG_DMA_READ     = 0x16, /* vd_wire_dma_req -> vd_wire_status_rsp (links with DMA) */
    VD_MSG_DMA_WRITE    = 0x17, /* vd_wire_dma_req -> vd_wire_status_rsp (links with DMA) */
    VD_MSG_QUERY        = 0x20, /* vd_wire_query_req -> vd_wire_query_rsp + data */
    VD_MSG_RENDER       = 0x30, /* vd_wire_render_req + parts -> vd_wire_render_rsp */
    VD_MSG_FENCE        = 0x31, /* vd_wire_fence_req -> vd_wire_fence_rsp */
    VD_MSG_ESCAPE       = 0x32, /* vd_wire_escape_req -> vd_wire_escape_rsp (DxgkDdiEscape) */
};

typedef struct vd_wire_hdr {
    uint8_t  type;     /* enum vd_wire_type, | VD_WIRE_RESPONSE in responses */
    uint8_t  version;  /* VD_WIRE_VERSION */
    uint16_t seq;      /* request sequence number, echoed by the response */
    uint16_t len;      /* payload bytes, <= VD_WIRE_MAX_PAYLOAD */
    uint16_t reserved; /* 0 */
} vd_wire_hdr;

/* ---- responses that carry only a status ---- */
typedef struct vd_wire_status_rsp {
    int32_t hr;
} vd_wire_status_rsp;

/* ---- HELLO: version check and what the board is ---- */
typedef struct vd_wire_hello_req {
    uint32_t wire_version;   /* VD_WIRE_VERSION */
    uint32_t reserved;
} vd_wire_hello_req;

/*
 * The fields after fw_version were added compatibly in version 1: a firmware from before
 * answers with the first VD_WIRE_HELLO_RSP_V1_SIZE bytes only (every board it ran on had
 * UART, TIMER, SPIFLASH, MEMCTL and GPU; a host then uses its own limits), and a host from
 * before reads only those. features says which blocks the board has; a request that needs a block it lacks
 * (RENDER, FENCE and ESCAPE need VIDALLOC_FEATURE_GPU) is answered E_FAIL at once, and
 * host-lib refuses it before sending with a sentence saying so. The limits are the
 * firmware's own (spec/soc.toml [kernel]): host-lib checks requests against them.
 */
typedef struct vd_wire_hello_rsp {
    int32_t  hr;             /* S_OK, or E_FAIL when wire_version differs */
    uint32_t wire_version;   /* the firmware's VD_WIRE_VERSION */
    uint32_t max_payload;    /* VD_WIRE_MAX_PAYLOAD */
    uint32_t window;         /* VD_WIRE_WINDOW */
    uint32_t soc_id;         /* SYSCTL.ID */
    uint32_t soc_version;    /* SYSCTL.VERSION */
    uint32_t clk_hz;         /* SYSCTL.CLK_HZ */
    uint32_t vram_size;      /* SYSCTL.VRAM_SIZE */
    char     fw_version[32]; /* NUL-terminated firmware version string */
    uint32_t features;       /* SYSCTL.FEATURES: VIDALLOC_FEATURE_* (vidalloc/vd_soc.h) */
    uint32_t max_allocs_per_call; /* NumAllocations limit of one ALLOCATE */
    uint32_t max_allocations;     /* live allocations the kernel can hold */
    uint32_t max_resources;       /* live resources */
    uint32_t max_devices;         /* open devices */
    uint32_t reserved;
} vd_wire_hello_rsp;

#define VD_WIRE_HELLO_RSP_V1_SIZE 64u /* the HELLO response before features and limits */

/* ---- SYNC: where the session is (see "Sessions, SYNC and resume") ---- */
typedef struct vd_wire_sync_req {
    uint32_t session;        /* the token the host holds, 0 = none (ask) */
    uint32_t reserved;       /* 0 */
} vd_wire_sync_req;

typedef struct vd_wire_sync_rsp {
    int32_t  hr;             /* S_OK: a session runs and its token is session (req.session
                                0 or equal); VD_WIRE_E_NO_SESSION: none runs, or another */
    uint32_t session;        /* the running session's token, 0 = none */
    uint16_t expected;       /* the seq the firmware executes next */
    uint16_t reserved;
    uint32_t executed;       /* requests executed in this session (HELLO included) */
} vd_wire_sync_rsp;

/* The answer to a request outside a session: the board was reset (or never greeted).
 * DXGI_ERROR_DEVICE_RESET's value; host-lib turns it into D3DDDIERR_DEVICEREMOVED. */
#define VD_WIRE_E_NO_SESSION ((int32_t)0x887A0007)

/* The largest SYNC frame on the line (body 8 + 8 + 4, COBS + 1, delimiter). */
#define VD_WIRE_SYNC_FRAME  (VD_WIRE_HDR_SIZE + sizeof(vd_wire_sync_req) + VD_WIRE_CRC_SIZE + 2u)
/* The bytes a host may have unsettled on the line (Flow control): the window's frames,
 * each after a resync 0x00, plus one SYNC. The firmware's receive ring holds at least this. */
#define VD_WIRE_RX_BUFFER   (VD_WIRE_WINDOW * (VD_WIRE_MAX_FRAME + 1u) + VD_WIRE_SYNC_FRAME)

/* ---- devices ---- */
typedef struct vd_wire_open_device_rsp {
    int32_t  hr;
    uint32_t hDevice;        /* firmware device handle, never 0 */
} vd_wire_open_device_rsp;

typedef struct vd_wire_device_req {
    uint32_t hDevice;
} vd_wire_device_req;

/* ---- ALLOCATE: D3DDDICB_ALLOCATE ----
 * Layout: vd_wire_allocate_req, then the resource private data (PrivateDriverDataSize
 * bytes, padded to 4), then NumAllocations times { vd_wire_allocinfo, its private data
 * (PrivateDriverDataSize bytes, padded to 4) }. */
typedef struct vd_wire_allocate_req {
    uint32_t hDevice;
    uint32_t NumAllocations;
    uint64_t hResource;             /* runtime resource handle as an integer; 0 = NULL */
    uint32_t PrivateDriverDataSize; /* resource-level private data bytes */
    uint32_t reserved;
} vd_wire_allocate_req;

typedef struct vd_wire_allocinfo {
    uint64_t pSystemMem;            /* host address of runtime system memory, 0 = video memory */
    uint32_t VidPnSourceId;
    uint32_t Flags;                 /* D3DDDI_ALLOCATIONINFO.Flags.Value */
    uint32_t PrivateDriverDataSize; /* per-allocation private data bytes (vd_surface_desc) */
    /* The bus address at which the device reaches pSystemMem (the PCIe link: the host placed
     * it inside the DMA window), a multiple of 4; 0 = the device cannot reach it (the UART,
     * or memory outside the window): the allocation then lives on the host only and the
     * GPU cannot use it (RENDER listing it: E_INVALIDARG). Nonzero without pSystemMem is
     * malformed. It was `reserved` (always 0) before: older hosts send 0. */
    uint32_t SystemMemBus;
} vd_wire_allocinfo;

/* Followed by NumAllocations uint32 hAllocation values (only when hr is S_OK). */
typedef struct vd_wire_allocate_rsp {
    int32_t  hr;
    uint32_t hKMResource;           /* 0 when hResource was NULL */
    uint32_t NumAllocations;
    uint32_t reserved;
} vd_wire_allocate_rsp;

/* ---- DEALLOCATE: D3DDDICB_DEALLOCATE; followed by NumAllocations uint32 handles ---- */
typedef struct vd_wire_deallocate_req {
    uint32_t hDevice;
    uint32_t NumAllocations;        /* ignored when hResource != 0 */
    uint64_t hResource;
} vd_wire_deallocate_req;

/* ---- LOCK / UNLOCK: the firmware checks the allocation can be locked with these flags
 * (D3DDDICB_LOCKFLAGS values) and marks it locked; the data moves with READ/WRITE. ---- */
typedef struct vd_wire_lock_req {
    uint32_t hDevice;
    uint32_t hAllocation;
    uint32_t Flags;
    uint32_t reserved;
} vd_wire_lock_req;

typedef struct vd_wire_lock_rsp {
    int32_t  hr;
    uint32_t size;                  /* allocation size in bytes */
} vd_wire_lock_rsp;

/* ---- READ / WRITE a range of a locked allocation; WRITE's data follows the struct ---- */
typedef struct vd_wire_rw_req {
    uint32_t hDevice;
    uint32_t hAllocation;
    uint32_t offset;                /* bytes from the allocation's start */
    uint32_t length;                /* <= VD_WIRE_MAX_CHUNK */
} vd_wire_rw_req;

typedef struct vd_wire_read_rsp {   /* followed by `length` bytes (padded to 4) */
    int32_t  hr;
    uint32_t length;
} vd_wire_read_rsp;

/* ---- DMA_READ / DMA_WRITE: a range of a locked allocation moved by the device's DMA
 * between VRAM and host memory (PCIe; vd_queue.h). DMA_READ copies VRAM -> host_addr,
 * DMA_WRITE host_addr -> VRAM; the response is sent once the data has moved. The same
 * rules as READ/WRITE (locked by this device, inside the allocation) plus: host_addr and
 * length are multiples of 4, length 4..VD_WIRE_MAX_DMA, and [host_addr, host_addr +
 * length) lies inside the host's DMA region (BAR0 HOST_WIN_*), else E_INVALIDARG with
 * nothing moved. Over a link without DMA (the UART): E_FAIL (STATUS_NOT_SUPPORTED). ---- */
#define VD_WIRE_MAX_DMA 0x100000u       /* bytes per DMA_READ / DMA_WRITE (1 MiB) */
typedef struct vd_wire_dma_req {
    uint32_t hDevice;
    uint32_t hAllocation;
    uint32_t offset;                /* bytes from the allocation's start */
    uint32_t length;                /* bytes */
    uint32_t host_addr;             /* bus address in host memory (32-bit: MRd32/MWr32) */
    uint32_t reserved;              /* 0 */
} vd_wire_dma_req;

/* ---- QUERY: co-verification (what the kernel and miniport hold) ---- */
enum vd_wire_query {
    VD_QUERY_HANDLE_DATA   = 1, /* DxgkCbGetHandleData(handle, arg = DXGK_HANDLE_TYPE): data = the
                                   object's private data (allocation: its vd_surface_desc;
                                   resource: its current resource private data) */
    VD_QUERY_CHILD         = 2, /* DxgkCbEnumHandleChildren(handle, Index = arg): value = child */
    VD_QUERY_PARENT        = 3, /* DxgkCbGetHandleParent(handle): value = parent resource */
    VD_QUERY_ALLOCATION    = 4, /* data = vd_wire_allocation_info */
    VD_QUERY_SEGMENT_STATS = 5, /* data = vd_wire_segment_stats (handle and arg 0) */
    VD_QUERY_DESCRIBE      = 6, /* DxgkDdiDescribeAllocation: data = vd_wire_describe */
    VD_QUERY_FW_STATS      = 7, /* firmware transport counters: data = vd_wire_fw_stats
                                   (handle and arg 0); added in version 1, compatible */
    VD_QUERY_MEMCTL_STATS  = 8, /* memory controller's per-master counters: data =
                                   vd_wire_memctl_stats (handle and arg 0) */
};

typedef struct vd_wire_query_req {
    uint32_t what;                  /* enum vd_wire_query */
    uint32_t handle;
    uint32_t arg;
    uint32_t reserved;
} vd_wire_query_req;

typedef struct vd_wire_query_rsp {  /* followed by `length` bytes of data (padded to 4) */
    int32_t  hr;
    uint32_t value;
    uint32_t length;
    uint32_t reserved;
} vd_wire_query_rsp;

typedef struct vd_wire_allocation_info {
    uint32_t hDevice;
    uint32_t hKMResource;           /* parent or 0 */
    uint32_t residency;             /* firmware enum vd_residency */
    uint32_t segment;               /* 1 = VRAM, 0 = none (system memory) */
    uint32_t offset;                /* segment offset while resident */
    uint32_t size;
    uint32_t alignment;
    uint32_t flags;                 /* DXGK_ALLOCATIONINFOFLAGS.Value */
} vd_wire_allocation_info;

typedef struct vd_wire_segment_stats {
    uint32_t size, used, free, largest_free;
    uint32_t fragmentation_permille; /* 1000 * (1 - largest_free / free) */
    uint32_t allocations, resources, devices;
} vd_wire_segment_stats;

typedef struct vd_wire_describe {
    uint32_t Width, Height, Format;
    uint32_t RefreshRateNumerator, RefreshRateDenominator;
    uint32_t reserved;
} vd_wire_describe;

/* ---- RENDER: pfnRenderCb -> DxgkDdiRender / DxgkDdiPatch / DxgkDdiSubmitCommand ----
 * Layout: vd_wire_render_req, then the commands (bytes [CommandOffset, CommandLength) of
 * the UMD's command buffer: whole 16-byte GPU commands, docs/gpu.md), then NumAllocations
 * vd_wire_alloc_list entries (D3DDDI_ALLOCATIONLIST), then NumPatchLocations
 * vd_wire_patch_location entries (D3DDDI_PATCHLOCATIONLIST). PatchOffset stays relative to
 * the command buffer's start (offset 0), as in the WDK, so it lies in
 * [CommandOffset, CommandLength - 4]. A command buffer larger than one frame or than the
 * ring is split by host-lib at command boundaries into several RENDERs.
 *
 * The firmware validates everything: D3DDDIERR_INVALIDHANDLE for an allocation-list handle
 * that is not a live allocation of hDevice (0 is allowed only at entry 0); E_INVALIDARG for
 * the rest, among them: a listed system-memory allocation (no VRAM address), a patch whose
 * AllocationIndex names entry 0 or lies past the list, whose PatchOffset is not a multiple
 * of 4, outside [CommandOffset, CommandLength - 4] or on a command's opcode word, or whose
 * AllocationOffset is not below the allocation's size; an unknown opcode, reserved opcode
 * bits, or a FENCE (only the kernel fences); D3DDDIERR_CANTRENDERLOCKEDALLOCATION when a
 * listed allocation is locked (LOCK without UNLOCK). CommandLength is an end offset, as in
 * the WDK.
 * Then it makes the allocations
 * resident, patches (writes the allocation's VRAM byte offset + AllocationOffset at each
 * PatchOffset), loads the GPU windows (slot k = allocation-list entry k, WRITE from
 * WriteOperation; entry 0 is the NULL allocation and may be 0), appends a FENCE with the
 * submission's fence id and rings the doorbell. The response carries that fence id: it
 * completes when the GPU has executed the submission. */
#define VD_WIRE_MAX_RENDER_ALLOCS 8u   /* allocation-list entries (= GPU window slots) */

typedef struct vd_wire_render_req {
    uint32_t hDevice;
    uint32_t CommandOffset;         /* bytes, multiple of 16 */
    uint32_t CommandLength;         /* bytes, multiple of 16, > CommandOffset */
    uint32_t NumAllocations;        /* <= VD_WIRE_MAX_RENDER_ALLOCS */
    uint32_t NumPatchLocations;
    uint32_t Flags;                 /* D3DDDICB_RENDERFLAGS.Value (NullRendering honoured) */
} vd_wire_render_req;

typedef struct vd_wire_alloc_list {  /* D3DDDI_ALLOCATIONLIST */
    uint32_t hAllocation;
    uint32_t Value;                 /* bit 0 WriteOperation; others ignored */
} vd_wire_alloc_list;

typedef struct vd_wire_patch_location { /* D3DDDI_PATCHLOCATIONLIST */
    uint32_t AllocationIndex;
    uint32_t Value;                 /* SlotId (unused here) */
    uint32_t DriverId;              /* unused here */
    uint32_t AllocationOffset;
    uint32_t PatchOffset;           /* bytes from the command buffer's start, multiple of 4 */
    uint32_t SplitOffset;           /* unused here */
} vd_wire_patch_location;

typedef struct vd_wire_render_rsp {
    int32_t  hr;
    uint32_t fence;                 /* SubmissionFenceId of this submission (per adapter) */
} vd_wire_render_rsp;

/* ---- FENCE: where the GPU is (the host waits on a fence by asking again) ---- */
typedef struct vd_wire_fence_req {
    uint32_t hDevice;
    uint32_t fence;                 /* the fence id waited for */
} vd_wire_fence_req;

typedef struct vd_wire_fence_rsp {
    int32_t  hr;                    /* S_OK: fence completed; D3DERR_WASSTILLDRAWING: not yet;
                                       D3DDDIERR_DEVICEREMOVED after a timeout */
    uint32_t completed;             /* last completed fence id */
    uint32_t submitted;             /* last submitted fence id */
    uint32_t reserved;
} vd_wire_fence_rsp;

/* ---- ESCAPE: driver-private controls for tests and tools (DxgkDdiEscape) ---- */
enum vd_wire_escape {
    VD_ESCAPE_SET_TDR   = 1, /* arg0 = TdrDelay in cycles (0 = default, 2 s), arg1 = TdrLimitTime:
                                the window of the "more than VD_TDR_LIMIT (TdrLimitCount)
                                timeouts" rule in cycles (0 = default, 60 s); the response's
                                values are the settings now */
    VD_ESCAPE_GPU_STATE = 2, /* values = vd_wire_gpu_state fields in order (see below) */
};

typedef struct vd_wire_escape_req {
    uint32_t code;                  /* enum vd_wire_escape */
    uint32_t arg0, arg1;
    uint32_t reserved;
} vd_wire_escape_req;

typedef struct vd_wire_escape_rsp {
    int32_t  hr;
    uint32_t value[11];
} vd_wire_escape_rsp;

/* VD_ESCAPE_GPU_STATE's values, in this order. */
typedef struct vd_wire_gpu_state {
    uint32_t engine_state;          /* GPU STATUS.STATE (VD_GPU_STATE_*) */
    uint32_t submitted, completed;  /* fence ids */
    uint32_t timeouts;              /* TDRs since boot */
    uint32_t timeouts_in_window;    /* TDRs inside the current window */
    uint32_t adapter_removed;       /* 1: more than VD_TDR_LIMIT timeouts in the window */
    uint32_t faults;                /* submissions stopped by the memory controller */
    uint32_t last_fault_addr;       /* MEMCTL FAULT_ADDR of the last fault */
    uint32_t last_fault_info;       /* MEMCTL FAULT_INFO of the last fault, or
                                     * VD_WIRE_FAULT_XFER | a PCIE ERR_* value */
    uint32_t errors;                /* submissions stopped by a bad command */
    uint32_t ring_free;             /* command bytes one RENDER can carry now (ring space) */
} vd_wire_gpu_state;

/* last_fault_info of a fault that was a GPU system-memory transfer's (the aperture, PCIe):
 * the low bits are PCIE.GPU_XFER_STATUS.ERR (ERR_APERTURE: outside the submission's
 * system-memory entries or writing a read-only one; ERR_TIMEOUT, ERR_COMPLETION: the host's
 * side failed). A blocked VRAM word is a memory-controller fault as any other. */
#define VD_WIRE_FAULT_XFER 0x80000000u

/* TDR defaults (Windows' TdrDelay, TdrLimitCount, TdrLimitTime; VD_ESCAPE_SET_TDR with 0
 * selects them). */
#define VD_TDR_LIMIT          5u  /* TdrLimitCount: more timeouts in the window remove the adapter */
#define VD_TDR_DELAY_SECONDS  2u  /* TdrDelay */
#define VD_TDR_WINDOW_SECONDS 60u /* TdrLimitTime */

/* The memory controller's counters (MEMCTL CNT_*: CNT_BITS wide, wrapping), zeroed when
 * the GPU engine is (re)started: the first RENDER and every recovery. */
typedef struct vd_wire_memctl_stats {
    uint32_t cpu_req, cpu_stall;    /* accesses granted, cycles waited */
    uint32_t gpu_req, gpu_stall;    /* GPU command block (fetches included) */
    uint32_t dma_req, dma_stall;    /* host DMA port (tied off until PCIe) */
    uint32_t scan_req, scan_stall;  /* scanout port (tied off) */
} vd_wire_memctl_stats;

/* Transport counters since boot (VD_QUERY_FW_STATS); cycles are TIMER.MTIME cycles. */
typedef struct vd_wire_fw_stats {
    uint32_t rx_bytes;        /* bytes taken from the receive ring by the frame decoder */
    uint32_t rx_frames;       /* frames with a good CRC, length and version */
    uint32_t rx_dropped;      /* frames the decoder discarded (CRC, length, version, overflow) */
    uint32_t rx_overflows;    /* bytes lost because the receive ring was full */
    uint32_t uart_errors;     /* UART ERR flags seen (RX_OVERRUN 1, FRAMING 2), or-ed */
    uint32_t executed;        /* requests executed */
    uint32_t replayed;        /* cached responses sent again for a repeated seq */
    uint32_t seq_dropped;     /* good frames dropped by sequencing (unexpected seq, no HELLO) */
    uint32_t drain_cycles;    /* cycles in the UART RX interrupt handler */
    uint32_t drain_bytes;     /* bytes it moved from the RX FIFO to the ring */
    uint32_t drain_irqs;      /* times it ran */
    uint32_t decode_cycles;   /* cycles feeding ring bytes through the frame decoder */
    uint32_t decode_bytes;    /* bytes fed (rx_bytes, counted where the cycles are) */
    uint32_t exec_cycles;     /* cycles executing requests (dispatcher, kernel, miniport) */
    uint32_t encode_cycles;   /* cycles encoding responses (COBS + CRC) */
    uint32_t tx_cycles;       /* cycles handing encoded responses to the UART TX FIFO */
    uint32_t idle_cycles;     /* cycles asleep waiting for an interrupt: total - idle is the
                                 firmware's own time (IRQ handlers included) */
    /* The PCIe queue link (vd_queue.h), added compatibly at the end (a firmware from before
     * answers the first VD_WIRE_FW_STATS_V1_SIZE bytes; all 0 on a board without PCIe).
     * A batch is one fetch .. one MSI; per request = cycles / q_requests. */
    uint32_t q_batches;       /* batches sent (shadow block + one MSI each) */
    uint32_t q_requests;      /* records executed (pad records not counted) */
    uint32_t q_invalid;       /* of those, answered E_INVALIDARG for a bad header */
    uint32_t q_fetch_cycles;  /* fetching submission records by DMA (program + wait) */
    uint32_t q_exec_cycles;   /* in the dispatcher (the kernel's work included) */
    uint32_t q_build_cycles;  /* parsing records, space checks, response headers and pads */
    uint32_t q_send_cycles;   /* response DMA, shadow block, SQ_HEAD / CQ_TAIL, MSI */
    uint32_t q_fetch_bytes;   /* submission bytes fetched (a record fetched again counts twice) */
    uint32_t q_send_bytes;    /* completion bytes written (pad headers included) */
    uint32_t q_cq_waits;      /* times the link waited for completion-ring space (CQ_HEAD) */
    uint32_t q_dma_errors;    /* queue DMAs that ended with DMA_STATUS.ERR (the link stops) */
    uint32_t q_enables;       /* CTRL writes with ENABLE set that the firmware acted on */
} vd_wire_fw_stats;

#define VD_WIRE_FW_STATS_V1_SIZE 68u /* vd_wire_fw_stats before the queue link's counters */

VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_hdr) == VD_WIRE_HDR_SIZE, "wire header size");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_status_rsp) == 4, "status rsp");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_hello_req) == 8, "hello req");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_hello_rsp) == 88, "hello rsp");
VD_WIRE_STATIC_ASSERT(offsetof(vd_wire_hello_rsp, features) == VD_WIRE_HELLO_RSP_V1_SIZE,
                      "hello rsp: the version-1 fields come first");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_open_device_rsp) == 8, "open rsp");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_sync_req) == 8, "sync req");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_sync_rsp) == 16, "sync rsp");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_allocate_req) == 24, "allocate req");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_allocinfo) == 24, "allocinfo");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_allocate_rsp) == 16, "allocate rsp");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_deallocate_req) == 16, "deallocate req");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_lock_req) == 16, "lock req");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_lock_rsp) == 8, "lock rsp");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_rw_req) == 16, "rw req");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_read_rsp) == 8, "read rsp");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_dma_req) == 24, "dma req");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_query_req) == 16, "query req");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_query_rsp) == 16, "query rsp");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_allocation_info) == 32, "allocation info");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_segment_stats) == 32, "segment stats");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_describe) == 24, "describe");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_fw_stats) == 116, "fw stats");
VD_WIRE_STATIC_ASSERT(offsetof(vd_wire_fw_stats, q_batches) == VD_WIRE_FW_STATS_V1_SIZE,
                      "fw stats: the version-1 fields come first");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_memctl_stats) == 32, "memctl stats");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_render_req) == 24, "render req");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_alloc_list) == 8, "alloc list");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_patch_location) == 24, "patch location");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_render_rsp) == 8, "render rsp");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_fence_req) == 8, "fence req");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_fence_rsp) == 16, "fence rsp");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_escape_req) == 16, "escape req");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_escape_rsp) == 48, "escape rsp");
VD_WIRE_STATIC_ASSERT(sizeof(vd_wire_gpu_state) == 44, "gpu state");

/* Round a variable part up to the 4-byte alignment of the next struct. */
#define VD_WIRE_PAD4(n) (((n) + 3u) & ~3u)

#ifdef __cplusplus
}
#endif

#endif /* VIDALLOC_VD_WIRE_H */
