/*
 * vd_dispatch.h - request decoder and dispatcher of the wire protocol (vidalloc/vd_wire.h).
 *
 * Takes one request payload (already framed, checked and sequenced by a transport) and
 * produces its response payload: it decodes the request, calls the graphics kernel
 * (vd_kernel.h) and encodes the result, mapping the kernel's NTSTATUS to the HRESULT on
 * the wire once (vd_status_to_hresult). The rules of every request are the kernel's; this
 * layer knows nothing of UART, COBS or sequencing either, so any transport (UART frames
 * today, a PCIe queue next) feeds the same code.
 *
 * Nothing on the wire is trusted: every length is checked before it is used, structs are
 * copied out of the payload with memcpy (the payload is only 4-byte aligned); what the
 * kernel reads through pointers is read in place (ALLOCATE's private data, which the
 * kernel and miniport copy out; DEALLOCATE's handle list, 32-bit words), so a payload is
 * never copied, and anything malformed is
 * answered with E_INVALIDARG without calling the kernel. docs/wire.md lists every rule.
 */
#ifndef VD_DISPATCH_H
#define VD_DISPATCH_H

#include <stdint.h>

#include "vidalloc/vd_status.h"
#include "vidalloc/vd_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the board is; HELLO reports it. VRAM is reached through `vram` (CPU pointer). */
typedef struct vd_disp_platform {
    uint32_t soc_id;          /* SYSCTL.ID */
    uint32_t soc_version;     /* SYSCTL.VERSION */
    uint32_t clk_hz;          /* SYSCTL.CLK_HZ */
    uint32_t vram_size;       /* SYSCTL.VRAM_SIZE: bytes at `vram` */
    uint32_t features;        /* SYSCTL.FEATURES: the blocks this SoC has */
    uint32_t vram_cpu_base;   /* VRAM's CPU address as the kernel reports it (segment descriptor) */
    uint8_t *vram;            /* where READ/WRITE reach VRAM */
    const char *fw_version;   /* copied (truncated) into HELLO's fw_version */
    /* Fills the transport counters for VD_QUERY_FW_STATS; NULL: all zero. */
    void (*fw_stats)(vd_wire_fw_stats *out);
    /* Moves `length` bytes between VRAM byte offset vram_offset and host bus address
     * host_addr (to_host: VRAM -> host) and returns once they have moved: 0, or the
     * engine's non-zero error (answered E_FAIL). NULL: the board has no DMA engine. */
    int (*dma)(uint32_t host_addr, uint32_t vram_offset, uint32_t length, int to_host);
} vd_disp_platform;

/* The link a request came over, as the dispatcher needs it (the link passes it in). */
typedef struct vd_disp_link {
    uint32_t window;        /* HELLO's window: requests a host may keep outstanding here */
    uint32_t host_win_base; /* the host memory this link's DMA reaches (DMA_READ/WRITE): */
    uint32_t host_win_size; /* bus address and bytes; size 0: no DMA over this link */
} vd_disp_link;

/* Per-allocation private data the dispatcher accepts (vd_surface_desc is 32). */
#define VD_DISP_MAX_ALLOC_PRIVDATA 64u

/*
 * Keep `p` (it must outlive the dispatcher) and start the kernel on its VRAM.
 * Returns the kernel's status (non-success: the adapter could not start).
 */
vd_ntstatus_t vd_disp_init(const vd_disp_platform *p);

/*
 * ALLOCATE alone, vd_disp_execute(link, VD_MSG_ALLOCATE, req, len, rsp) without its checks
 * of type, req and len: for a caller that has already checked them (the queue link's hot
 * loop). req must not be NULL and len must be <= VD_WIRE_MAX_PAYLOAD; the rest as below.
 */
uint32_t vd_disp_allocate(const uint8_t *req, uint32_t len, uint8_t *rsp);

/*
 * Execute one request of `type` (without VD_WIRE_RESPONSE) whose payload is req[0..len),
 * received over `link`. req and rsp must be 4-byte aligned and must not overlap; rsp must
 * hold VD_WIRE_MAX_PAYLOAD bytes. Returns the response
 * payload length (always >= 4: every response starts with its HRESULT). HELLO with the
 * right wire version restarts the session: every device, resource and allocation is
 * forgotten (the previous host is gone).
 */
uint32_t vd_disp_execute(const vd_disp_link *link, uint8_t type, const uint8_t *req, uint32_t len,
                         uint8_t *rsp);

#ifdef __cplusplus
}
#endif

#endif /* VD_DISPATCH_H */
