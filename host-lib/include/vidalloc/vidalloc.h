/*
 * vidalloc/vidalloc.h - host-lib's public API: open a vidalloc board (a real one on a
 * serial port, the simulator on its pty, or the simulator linked into this process) and
 * get the D3DDDI callbacks (d3dumddi.h) that talk to its firmware over the wire protocol
 * (vd_wire.h).
 *
 *     HANDLE hDevice;
 *     D3DDDI_DEVICECALLBACKS cb;
 *     HRESULT hr = vidalloc_open("sim", NULL, &hDevice, &cb);
 *     ... cb.pfnAllocateCb(hDevice, &allocCB) ...
 *     vidalloc_close(hDevice);
 *
 * Device URIs
 *   uart:PATH[?baud=N]   a serial port (raw 8N1; default 3000000 baud)
 *   sim[?fw=IMG&sim=BIN&baud=N]
 *                        spawn vidalloc-sim --uart pty (path: $VIDALLOC_SIM or the build's)
 *                        with the firmware image ($VIDALLOC_FW_IMG or the build's); it is
 *                        stopped by vidalloc_close
 *   inproc[?fw=IMG&baud=N&trace=FILE]
 *                        the simulator linked into this process (libvidalloc_sim.a), stepped
 *                        only while the library waits: deterministic; timeouts count cycles
 *   sim?link=pcie[&shm=/NAME], inproc?link=pcie
 *                        the same boards over their PCIe link (queues in host memory,
 *                        doorbells, DMA, MSI) instead of the UART (link=uart, the default);
 *                        shm= attaches to a running `vidalloc-sim --pcie /NAME`
 *   pcie:BDF             not supported yet (no board with a PCIe hard block)
 *
 * Submission: pfnCreateContextCb gives a context with a host command buffer, allocation list
 * and patch-location list; pfnRenderCb sends them (RENDER) and vidalloc_last_fence /
 * vidalloc_wait_fence follow the GPU (FENCE). After any call returns D3DDDIERR_DEVICEREMOVED
 * (GPU timeout or fault: the board reset its GPU and purged every allocation) the device is
 * dead: close it (vidalloc_close, or vidalloc_reopen for a new device on the same link).
 *
 * Handles: hDevice and hContext are opaque values that host-lib looks up, never
 * dereferences. Any value that is not an open device (NULL, an integer, a pointer to
 * something else, a closed device, a context) passed as hDevice, or not a live context of
 * that device passed as hContext, gets E_INVALIDARG and nothing is sent. vidalloc_close
 * invalidates the device's handle and every context of it; a second close is E_INVALIDARG.
 * A closed device's handle is never handed out again.
 *
 * Threading: one device (with its contexts) is used by one thread at a time; different
 * threads may use different devices at once (the registry of handles is shared and
 * locked). Every call returns an HRESULT; vidalloc_last_error() gives a sentence about the
 * last failure of this thread.
 *
 * Boards without a GPU: a board whose HELLO features (vidalloc_info.features) lack
 * VIDALLOC_FEATURE_GPU has no GPU command block. pfnCreateContextCb, pfnRenderCb,
 * vidalloc_query_fence, vidalloc_wait_fence, vidalloc_escape_set_tdr and
 * vidalloc_escape_gpu_state then return E_FAIL at once and send nothing;
 * vidalloc_last_error() says "<call>: the board has no GPU command block (features 0x...)".
 * Allocation, locks, queries and everything else work as on any board.
 */
#ifndef VIDALLOC_VIDALLOC_H
#define VIDALLOC_VIDALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "vidalloc/d3dumddi.h"
#include "vidalloc/vd_soc.h" /* VIDALLOC_VERSION_STRING, VIDALLOC_FEATURE_* (from spec/) */
#include "vidalloc/vd_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Options of vidalloc_open (all optional: pass NULL for defaults). */
typedef struct vidalloc_open_options {
    uint32_t flags;               /* VIDALLOC_OPEN_* */
    uint32_t boot_timeout_ms;     /* sim/inproc: wait for the firmware's banner (0 = default) */
} vidalloc_open_options;

#define VIDALLOC_OPEN_VERBOSE 0x1u /* log frames and retransmissions to stderr */

/*
 * Open the board at uri, check the wire version (HELLO), open a device on it
 * (OPEN_DEVICE). *phDevice receives the device handle for the callbacks; pCallbacks (may be
 * NULL) is filled with pfnAllocateCb, pfnDeallocateCb, pfnRenderCb, pfnLockCb, pfnUnlockCb,
 * pfnCreateContextCb, pfnDestroyContextCb.
 * E_INVALIDARG for a malformed URI, E_FAIL when the board cannot be reached or speaks
 * another wire version, E_OUTOFMEMORY, or the firmware's OPEN_DEVICE status.
 */
HRESULT vidalloc_open(const char *uri, const vidalloc_open_options *options, HANDLE *phDevice,
                      D3DDDI_DEVICECALLBACKS *pCallbacks);

/* Close the device (CLOSE_DEVICE frees all it owns), the transport, and a spawned simulator.
 * Works on a removed device too (the firmware still frees what it owned); the handle and
 * every context of it are invalid afterwards. Returns CLOSE_DEVICE's status. */
HRESULT vidalloc_close(HANDLE hDevice);

/*
 * Close the device and open a new one on the same link, keeping hDevice (and the board:
 * no HELLO, a spawned simulator keeps running). CLOSE_DEVICE frees what the old device owned;
 * host-lib forgets its allocations, locks and contexts (their handles are invalid). This is
 * "destroy and re-create the device" after D3DDDIERR_DEVICEREMOVED. Returns OPEN_DEVICE's
 * status: D3DDDIERR_DEVICEREMOVED when the adapter is removed (more than VD_TDR_LIMIT
 * timeouts inside the window); the handle then only serves vidalloc_close, vidalloc_reopen,
 * escapes, queries and info, and every device call returns D3DDDIERR_DEVICEREMOVED.
 */
HRESULT vidalloc_reopen(HANDLE hDevice);

/* The callbacks (also reachable through the table). */
HRESULT APIENTRY vidalloc_allocate_cb(HANDLE hDevice, D3DDDICB_ALLOCATE *pData);
HRESULT APIENTRY vidalloc_deallocate_cb(HANDLE hDevice, const D3DDDICB_DEALLOCATE *pData);
HRESULT APIENTRY vidalloc_lock_cb(HANDLE hDevice, D3DDDICB_LOCK *pData);
HRESULT APIENTRY vidalloc_unlock_cb(HANDLE hDevice, const D3DDDICB_UNLOCK *pData);
HRESULT APIENTRY vidalloc_render_cb(HANDLE hDevice, D3DDDICB_RENDER *pData);
HRESULT APIENTRY vidalloc_create_context_cb(HANDLE hDevice, D3DDDICB_CREATECONTEXT *pData);
HRESULT APIENTRY vidalloc_destroy_context_cb(HANDLE hDevice, const D3DDDICB_DESTROYCONTEXT *pData);

/*
 * Many pfnAllocateCb calls at once, pipelined: up to the wire window of requests is kept in
 * flight. Each call is validated and executed as pfnAllocateCb would; results[i] gets its
 * HRESULT (results may be NULL). Returns S_OK when all succeeded, else the first failure.
 */
HRESULT vidalloc_allocate_batch(HANDLE hDevice, D3DDDICB_ALLOCATE *calls, UINT count,
                                HRESULT *results);

/* ---- submission: contexts, pfnRenderCb, fences ----
 *
 * pfnCreateContextCb (host-side only; NodeOrdinal 0, EngineAffinity 0 or 1, Flags
 * NullRendering or 0; private data accepted and ignored) returns the context's buffers:
 * a VIDALLOC_CONTEXT_COMMAND_BYTES command buffer, a VIDALLOC_CONTEXT_ALLOCATIONS-entry
 * allocation list and a VIDALLOC_CONTEXT_PATCHES-entry patch-location list. The UMD writes
 * 16-byte GPU commands (docs/gpu.md; vidalloc_cmd_* below) and lists into them and calls
 * pfnRenderCb, which validates everything on the host (E_INVALIDARG), sends RENDER (split at
 * command boundaries into several when the commands exceed one frame or the ring), and hands
 * the same buffers back, zeroed, in pNewCommandBuffer / pNewAllocationList /
 * pNewPatchLocationList with their sizes. Resize* flags reallocate a buffer to the New*Size
 * asked (command buffer: multiple of 16 up to VIDALLOC_MAX_COMMAND_BYTES; allocation list up
 * to VD_WIRE_MAX_RENDER_ALLOCS; patch list up to VIDALLOC_MAX_PATCHES). Contexts are freed by
 * pfnDestroyContextCb or with their device (vidalloc_close, vidalloc_reopen); their hContext
 * is then invalid (E_INVALIDARG). All of this needs the board's GPU command block: without
 * it pfnCreateContextCb, pfnRenderCb and the fence calls return E_FAIL (see above).
 */
#define VIDALLOC_CONTEXT_COMMAND_BYTES 4096u
#define VIDALLOC_CONTEXT_ALLOCATIONS   VD_WIRE_MAX_RENDER_ALLOCS
#define VIDALLOC_CONTEXT_PATCHES       64u
#define VIDALLOC_MAX_COMMAND_BYTES     (1u << 20)
#define VIDALLOC_MAX_PATCHES           4096u

/* The submission fence (SubmissionFenceId) of the last successful pfnRenderCb of hContext,
 * or of the device when hContext is NULL. Fence ids are per adapter and increase with every
 * RENDER. E_INVALIDARG for a bad handle; D3DERR_NOTAVAILABLE when nothing was submitted yet. */
HRESULT vidalloc_last_fence(HANDLE hDevice, HANDLE hContext, UINT *pFence);

/* One FENCE request: S_OK when fence has completed, D3DERR_WASSTILLDRAWING when not yet,
 * D3DDDIERR_DEVICEREMOVED after a timeout or fault. pCompleted / pSubmitted (may be NULL)
 * receive the GPU's last completed and last submitted fence ids. */
HRESULT vidalloc_query_fence(HANDLE hDevice, UINT fence, UINT *pCompleted, UINT *pSubmitted);

/* Wait until fence completes: FENCE is asked again, with a growing pause (0.2 ms doubling up
 * to 20 ms of board time) between requests, until S_OK, D3DDDIERR_DEVICEREMOVED (a timeout
 * or a fault), another failure, or timeout_ms of board time (wall clock on uart, x the
 * simulator's slowdown on sim, simulated cycles on inproc) → D3DERR_WASSTILLDRAWING.
 * timeout_ms 0 asks once; VIDALLOC_WAIT_INFINITE never times out (a hung GPU still ends in
 * D3DDDIERR_DEVICEREMOVED after the TDR delay). */
#define VIDALLOC_WAIT_INFINITE 0xFFFFFFFFu
HRESULT vidalloc_wait_fence(HANDLE hDevice, UINT fence, UINT timeout_ms);

/* ---- escapes (VD_MSG_ESCAPE, DxgkDdiEscape): work on any device, even a removed one, of a
 * board with the GPU (E_FAIL without it, see above) ---- */

/* VD_ESCAPE_SET_TDR: the watchdog's TdrDelay and the window of the "more than VD_TDR_LIMIT
 * timeouts" rule, in board cycles (0 = the defaults: 2 s and 60 s). *pDelay / *pWindow (may
 * be NULL) receive the settings now in force. */
HRESULT vidalloc_escape_set_tdr(HANDLE hDevice, UINT delay_cycles, UINT window_cycles,
                                UINT *pDelay, UINT *pWindow);
/* VD_ESCAPE_GPU_STATE: engine state, fences, TDR and fault counters, ring space. */
HRESULT vidalloc_escape_gpu_state(HANDLE hDevice, vd_wire_gpu_state *state);
/* "IDLE", "FETCH", ... for vd_wire_gpu_state.engine_state ("?" when unknown). */
const char *vidalloc_gpu_state_name(UINT engine_state);

/* ---- GPU commands (docs/gpu.md): each writes one 16-byte command at cmd and returns
 * VIDALLOC_CMD_BYTES. Offsets are VRAM byte offsets; in a command buffer they are normally 0
 * and filled in by a patch-location entry whose PatchOffset is the command's offset +
 * VIDALLOC_CMD_DST_OFFSET (FILL, COPY destination) or + VIDALLOC_CMD_SRC_OFFSET (COPY
 * source). ---- */
#define VIDALLOC_CMD_BYTES      16u
#define VIDALLOC_CMD_DST_OFFSET 4u   /* byte offset of the DST word in a command */
#define VIDALLOC_CMD_SRC_OFFSET 8u   /* byte offset of COPY's source (the ARG word) */
UINT vidalloc_cmd_nop(void *cmd);
UINT vidalloc_cmd_fill(void *cmd, UINT dst, UINT pattern, UINT bytes);
UINT vidalloc_cmd_copy(void *cmd, UINT dst, UINT src, UINT bytes);
UINT vidalloc_cmd_hang(void *cmd);

/* ---- what the board and the link are ---- */
typedef struct vidalloc_info {
    char     uri[128];            /* as opened */
    char     transport[16];       /* "uart", "sim", "inproc" */
    char     fw_version[32];
    uint32_t wire_version, max_payload, window;
    uint32_t soc_id, soc_version, clk_hz, vram_size;
    uint32_t hDevice;             /* firmware device handle */
    uint32_t features;            /* blocks the board has: VIDALLOC_FEATURE_* (vd_soc.h) */
    /* The board's limits, from HELLO. A firmware from before they were reported answers
     * without them: max_allocations_per_call is then vidalloc_max_allocations_per_call(),
     * the others 0 (unknown), and features is UART|TIMER|SPIFLASH|MEMCTL|GPU (every board
     * then had them). */
    uint32_t max_allocations_per_call; /* NumAllocations limit of one pfnAllocateCb */
    uint32_t max_allocations;     /* live allocations the board's kernel can hold */
    uint32_t max_resources;       /* live resources */
    uint32_t max_devices;         /* open devices */
    uint32_t baud;
    /* link counters since open */
    uint64_t frames_sent, frames_received, retransmissions, bytes_sent, bytes_received;
    uint64_t frames_dropped;      /* received frames that failed CRC/length checks */
    uint64_t sim_cycles;          /* inproc: simulated cycles so far; else 0 */
    /* the link's health (added at the end; vidalloc_get_link_state says the same) */
    uint64_t link_losses;         /* times the link was declared lost */
    uint64_t resumes;             /* times the session was resumed after a loss */
    uint64_t timeouts;            /* retransmission timeouts (each may resend several frames) */
    uint64_t line_faults;         /* inproc: faults the simulated line injected (bytes
                                     corrupted, dropped, duplicated, garbage bursts, a stall,
                                     a cut, resets); else 0 */
    uint64_t syncs;               /* SYNCs sent (flow-control probes and resumes) */
    uint32_t link_state;          /* enum vidalloc_link_state */
    uint32_t device_removed;      /* the firmware answered D3DDDIERR_DEVICEREMOVED (a timeout
                                     recovery or a removed adapter), not the link */
} vidalloc_info;

/* Why calls fail with D3DDDIERR_DEVICEREMOVED, since the recoveries differ. */
enum vidalloc_link_state {
    VIDALLOC_LINK_UP = 0,         /* the link works (the firmware may still have removed the
                                     device: vidalloc_info.device_removed; reopen) */
    VIDALLOC_LINK_LOST = 1,       /* no valid frame for the link timeout: the next call tries
                                     to resume the session (devices and allocations intact) */
    VIDALLOC_LINK_BOARD_RESET = 2, /* the board answered outside a session: it was reset;
                                     everything on it is gone; vidalloc_reopen starts over */
    VIDALLOC_LINK_CLOSED = 3,     /* the transport failed (the simulator exited, the tty went
                                     away): the board is gone; close the device */
};
/* The link's state now (enum vidalloc_link_state) into *state; S_OK. */
HRESULT vidalloc_get_link_state(HANDLE hDevice, UINT *state);

HRESULT vidalloc_get_info(HANDLE hDevice, vidalloc_info *info);

/* The NumAllocations limit of one pfnAllocateCb of the firmware built with this host-lib
 * (spec/soc.toml [kernel] max_allocs_per_call). An open device checks against its board's
 * own limit (vidalloc_info.max_allocations_per_call, from HELLO); this one stands in for a
 * firmware that does not report it. */
UINT vidalloc_max_allocations_per_call(void);

/* ---- co-verification queries (VD_MSG_QUERY): what the kernel and miniport hold ---- */

/* DXGK_HANDLE_TYPE values for vidalloc_query_handle_data. */
#define VIDALLOC_HANDLE_ALLOCATION 1u
#define VIDALLOC_HANDLE_RESOURCE   2u

/* DxgkCbGetHandleData: the object's private data (an allocation's vd_surface_desc, a
 * resource's private data). Copies up to cap bytes; *pSize = its full size. A bad handle or
 * wrong type: E_INVALIDARG (the kernel call returns NULL). */
HRESULT vidalloc_query_handle_data(HANDLE hDevice, D3DKMT_HANDLE handle, UINT type, void *buf,
                                   UINT cap, UINT *pSize);
/* DxgkCbEnumHandleChildren: *phChild = the index-th child of the resource, 0 past the last. */
HRESULT vidalloc_query_child(HANDLE hDevice, D3DKMT_HANDLE hResource, UINT index,
                             D3DKMT_HANDLE *phChild);
/* DxgkCbGetHandleParent: *phParent = the parent resource, 0 when none or a bad handle. */
HRESULT vidalloc_query_parent(HANDLE hDevice, D3DKMT_HANDLE hAllocation, D3DKMT_HANDLE *phParent);
HRESULT vidalloc_query_allocation(HANDLE hDevice, D3DKMT_HANDLE hAllocation,
                                  vd_wire_allocation_info *info);
HRESULT vidalloc_query_segment_stats(HANDLE hDevice, vd_wire_segment_stats *stats);
/* DxgkDdiDescribeAllocation. */
HRESULT vidalloc_describe_allocation(HANDLE hDevice, D3DKMT_HANDLE hAllocation,
                                     vd_wire_describe *desc);

/* The firmware's transport and timing counters since boot (VD_QUERY_FW_STATS). An older
 * firmware fills only the fields it knows; the rest read 0. */
HRESULT vidalloc_query_fw_stats(HANDLE hDevice, vd_wire_fw_stats *stats);
/* The memory controller's per-master access and stall counters (VD_QUERY_MEMCTL_STATS). */
HRESULT vidalloc_query_memctl_stats(HANDLE hDevice, vd_wire_memctl_stats *stats);

/* ---- system memory for pSystemMem ----
 * size bytes (rounded up to whole 4 KiB pages), zeroed, page-aligned, for
 * D3DDDI_ALLOCATIONINFO.pSystemMem; it must hold the allocation made on it, as the runtime's
 * memory must. Over a link with device DMA (PCIe) it lies in the device's DMA window, so the
 * GPU reaches an allocation made on it (FILL/COPY through the aperture, docs/gpu.md) and
 * *pGpuVisible is 1; elsewhere (the UART) it is ordinary memory, an allocation on it lives on
 * the host only (a pfnRenderCb listing it: E_INVALIDARG) and *pGpuVisible is 0 (pGpuVisible
 * may be NULL). Any other pSystemMem is host-only too. E_OUTOFMEMORY when the window's share
 * (half of what the bounce area leaves: 3.9 MiB of the simulator's 8 MiB) or the 64 blocks
 * a device keeps are used up. Blocks live until freed or vidalloc_close. */
HRESULT vidalloc_alloc_system_memory(HANDLE hDevice, UINT size, void **ppMem, UINT *pGpuVisible);
/* Give a block back (E_INVALIDARG for anything else). Free its allocations first. */
HRESULT vidalloc_free_system_memory(HANDLE hDevice, void *pMem);

/* ---- helpers ---- */

/* "E_INVALIDARG", ..., or "HRESULT" for an unknown value. */
const char *vidalloc_hresult_name(HRESULT hr);
/* The last failure of this thread as a sentence ("" when none). */
const char *vidalloc_last_error(void);

/* A vd_surface_desc for a raw buffer of byte_size bytes / a width x height surface. */
void vidalloc_buffer_desc(vd_surface_desc *desc, uint32_t byte_size, uint32_t usage);
void vidalloc_surface_desc(vd_surface_desc *desc, uint32_t width, uint32_t height,
                           D3DDDIFORMAT format, uint32_t usage);

/* ---- test hooks: damage one frame on the link (retransmission tests) ---- */
enum vidalloc_fault {
    VIDALLOC_FAULT_NONE = 0,
    VIDALLOC_FAULT_DROP_TX,       /* the chosen outgoing frame is not sent */
    VIDALLOC_FAULT_CORRUPT_TX,    /* one byte of it is flipped on the wire (CRC fails) */
    VIDALLOC_FAULT_DROP_RX,       /* the chosen incoming frame is discarded */
    VIDALLOC_FAULT_CORRUPT_RX,    /* one byte of it is flipped before decoding */
};
/* Arm a fault for the nth frame (0 = the next one) sent (TX) or received (RX) from now,
 * counting retransmissions too. One fault at a time; VIDALLOC_FAULT_NONE disarms. */
HRESULT vidalloc_debug_fault(HANDLE hDevice, enum vidalloc_fault fault, UINT nth);

/* Test hook: send one request of any type as is (no host validation; e.g. a RENDER the host
 * would reject, to test the firmware's own checks) and copy the response payload into rsp
 * (cap bytes; *pRspLen = its length, may be NULL). Returns the response's HRESULT, or the
 * link's failure. The firmware device handle is vidalloc_info.hDevice. */
HRESULT vidalloc_debug_request(HANDLE hDevice, UINT type, const void *req, UINT req_len,
                               void *rsp, UINT cap, UINT *pRspLen);

/* Bench hook: the simulated root complex's figures since the simulator was created
 * (inproc?link=pcie only: E_FAIL on any other link). MMIO reads and their round trip in
 * cycles (the MRd's first beat offered -> its CplD taken), the endpoint's DMA traffic, MSIs. */
typedef struct vidalloc_pcie_stats {
    uint64_t mmio_reads, mmio_writes, mmio_errors;
    uint64_t mmio_rt_min, mmio_rt_max, mmio_rt_total;
    uint64_t dma_read_reqs, dma_read_bytes; /* the endpoint's reads of host memory */
    uint64_t dma_write_bytes;               /* its writes to host memory (MSIs not counted) */
    uint64_t completions, ur, msi, dropped;
} vidalloc_pcie_stats;
HRESULT vidalloc_debug_pcie_stats(HANDLE hDevice, vidalloc_pcie_stats *stats);

#ifdef __cplusplus
}
#endif

#endif /* VIDALLOC_VIDALLOC_H */
