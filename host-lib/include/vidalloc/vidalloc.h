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
 *
 * Threading: one device is used by one thread at a time. Every call returns an HRESULT;
 * vidalloc_last_error() gives a sentence about the last failure of this thread.
 */
#ifndef VIDALLOC_VIDALLOC_H
#define VIDALLOC_VIDALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "vidalloc/d3dumddi.h"
#include "vidalloc/vd_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VIDALLOC_VERSION_STRING "0.1.0"

/* Options of vidalloc_open (all optional: pass NULL for defaults). */
typedef struct vidalloc_open_options {
    uint32_t flags;               /* VIDALLOC_OPEN_* */
    uint32_t boot_timeout_ms;     /* sim/inproc: wait for the firmware's banner (0 = default) */
} vidalloc_open_options;

#define VIDALLOC_OPEN_VERBOSE 0x1u /* log frames and retransmissions to stderr */

/*
 * Open the board at uri, check the wire version (HELLO), open a device on it
 * (OPEN_DEVICE). *phDevice receives the device handle for the callbacks; pCallbacks (may be
 * NULL) is filled with pfnAllocateCb, pfnDeallocateCb, pfnLockCb, pfnUnlockCb.
 * E_INVALIDARG for a malformed URI, E_FAIL when the board cannot be reached or speaks
 * another wire version, E_OUTOFMEMORY, or the firmware's OPEN_DEVICE status.
 */
HRESULT vidalloc_open(const char *uri, const vidalloc_open_options *options, HANDLE *phDevice,
                      D3DDDI_DEVICECALLBACKS *pCallbacks);

/* Close the device (CLOSE_DEVICE frees all it owns), the transport, and a spawned simulator. */
HRESULT vidalloc_close(HANDLE hDevice);

/* The callbacks (also reachable through the table). */
HRESULT APIENTRY vidalloc_allocate_cb(HANDLE hDevice, D3DDDICB_ALLOCATE *pData);
HRESULT APIENTRY vidalloc_deallocate_cb(HANDLE hDevice, const D3DDDICB_DEALLOCATE *pData);
HRESULT APIENTRY vidalloc_lock_cb(HANDLE hDevice, D3DDDICB_LOCK *pData);
HRESULT APIENTRY vidalloc_unlock_cb(HANDLE hDevice, const D3DDDICB_UNLOCK *pData);

/*
 * Many pfnAllocateCb calls at once, pipelined: up to the wire window of requests is kept in
 * flight. Each call is validated and executed as pfnAllocateCb would; results[i] gets its
 * HRESULT (results may be NULL). Returns S_OK when all succeeded, else the first failure.
 */
HRESULT vidalloc_allocate_batch(HANDLE hDevice, D3DDDICB_ALLOCATE *calls, UINT count,
                                HRESULT *results);

/* ---- what the board and the link are ---- */
typedef struct vidalloc_info {
    char     uri[128];            /* as opened */
    char     transport[16];       /* "uart", "sim", "inproc" */
    char     fw_version[32];
    uint32_t wire_version, max_payload, window;
    uint32_t soc_id, soc_version, clk_hz, vram_size;
    uint32_t hDevice;             /* firmware device handle */
    uint32_t max_allocations_per_call; /* NumAllocations limit */
    uint32_t baud;
    /* link counters since open */
    uint64_t frames_sent, frames_received, retransmissions, bytes_sent, bytes_received;
    uint64_t frames_dropped;      /* received frames that failed CRC/length checks */
    uint64_t sim_cycles;          /* inproc: simulated cycles so far; else 0 */
} vidalloc_info;

HRESULT vidalloc_get_info(HANDLE hDevice, vidalloc_info *info);

/* The NumAllocations limit of one pfnAllocateCb (the firmware's VD_MAX_ALLOCS_PER_CALL). */
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

#ifdef __cplusplus
}
#endif

#endif /* VIDALLOC_VIDALLOC_H */
