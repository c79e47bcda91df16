/*
 * vd_host.h - host-lib internals, one section per source file, lowest layer first: errors
 * (util.c), URIs (uri.c), transports (transport*.c), the protocol client (client.c), the
 * host's objects and their handle registry (handles.c), the allocation callbacks
 * (alloc.c), pfnRenderCb's host side (render.c), devices (device.c). Not installed.
 *
 * Who calls whom (no circles):
 *   device.c  -> handles.c, alloc.c (forget a device's allocations), client.c, transports
 *   alloc.c   -> handles.c, client.c
 *   context.c -> handles.c, render.c, client.c
 *   client.c  -> the transports' ops: transport_uart.c, transport_inproc.c (byte streams),
 *                transport_pcie.c (messages) -> queue.c -> pcie_bus.h's ops
 *                (pcie_bus_shm.c, pcie_bus_inproc.c); sim_spawn.c for the spawned simulator
 *   handles.c, render.c, client.c -> util.c
 * device.c and context.c never call each other: device.c only names context.c's callbacks
 * in the table vidalloc_open hands out.
 */
#ifndef VD_HOST_H
#define VD_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "vd_frame.h"
#include "vd_regs.h"
#include "vidalloc/vd_queue.h"
#include "vidalloc/vidalloc.h"

/* Defaults of the device URIs. The paths are this build's (host-lib.mk passes them); the
 * baud rate is the one the firmware sets after reset (spec/soc.toml uart_boot_baud). */
#ifndef VD_DEFAULT_SIM_BIN
#define VD_DEFAULT_SIM_BIN "build/sim/vidalloc-sim"
#endif
#ifndef VD_DEFAULT_BOARD_SIM_BIN /* board-sim: the board's netlist simulator (docs/board.md) */
#define VD_DEFAULT_BOARD_SIM_BIN "build/board-sim/vidalloc-board-sim"
#endif
#ifndef VD_DEFAULT_BOARD_FW_IMG /* board-sim: the board's firmware build (its target's CPU) */
#define VD_DEFAULT_BOARD_FW_IMG "build/firmware-picorv32/vidalloc-fw.img"
#endif
#ifndef VD_DEFAULT_FW_IMG
#define VD_DEFAULT_FW_IMG "build/firmware/vidalloc-fw.img"
#endif
#define VD_DEFAULT_BAUD VD_UART_BOOT_BAUD
/* The byte stream's link is lost after this long (the board's time: transport µs divided
 * by the transport's slowdown) without one valid frame from the board. */
#define VD_LINK_TIMEOUT_MS 500u

/* ---- errors (vidalloc_last_error) ---- */
#if defined(__GNUC__)
#define VD_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define VD_PRINTF(a, b)
#endif
/* Record a sentence for vidalloc_last_error() and return hr. */
HRESULT vd_fail(HRESULT hr, const char *fmt, ...) VD_PRINTF(2, 3);
void vd_clear_error(void);
/* The HRESULT of the last vd_fail() of this thread. */
HRESULT vd_last_hr(void);

/* ---- URIs: scheme[:path][?key=value&key=value] ---- */
#define VD_URI_MAX_PARAMS 24
typedef struct vd_uri {
    char scheme[16];
    char path[256];
    unsigned nparams;
    struct {
        char key[16];
        char value[256];
    } params[VD_URI_MAX_PARAMS];
} vd_uri;

/* 0 on success; -1 with a message (vd_fail, E_INVALIDARG) on a malformed URI. */
int vd_uri_parse(const char *s, vd_uri *u);
const char *vd_uri_get(const vd_uri *u, const char *key);
/* key's value, else the environment variable env when set and not empty, else fallback. */
const char *vd_uri_get_or_env(const vd_uri *u, const char *key, const char *env,
                              const char *fallback);
/* *out = the numeric value of key, or def when absent; -1 when present but not a number. */
int vd_uri_get_u32(const vd_uri *u, const char *key, uint32_t def, uint32_t *out);
/* -1 when the URI has a key that is not in the NULL-terminated list `known`. */
int vd_uri_check_keys(const vd_uri *u, const char *const *known);
/* The same, also accepting the simulator's line-fault keys (sim, inproc). */
int vd_uri_check_keys_faults(const vd_uri *u, const char *const *known);
int vd_uri_is_fault_key(const char *key);
/* The fault keys as the simulator's "key=value,..." (fault_dirs as dirs) into out, or
 * VIDALLOC_FAULTS when the URI has none; "" for a clean line. 0, or -1 (vd_fail). */
int vd_uri_faults(const vd_uri *u, char *out, size_t cap);

/* ---- transports ----
 * Two kinds. Byte streams (uart, sim, inproc: the UART) carry frames (vd_frame.h) and may
 * lose or damage bytes: send/recv, the client frames and retransmits. Message transports
 * (the PCIe queues, transport_pcie.c) carry whole vd_wire.h messages reliably and in
 * order: start/send_msg/recv_msg, no framing, no retransmission; send/recv are NULL.
 * Time is the transport's own clock in microseconds: the wall clock for uart and sim,
 * simulated time (cycles / clock) for inproc. */
typedef struct vd_transport vd_transport;
typedef struct vd_transport_ops {
    const char *name;
    /* 0, or -1 after vd_fail(). */
    int (*open)(vd_transport *t, const vd_uri *uri);
    int (*send)(vd_transport *t, const uint8_t *data, size_t len);
    /* Up to cap bytes, waiting at most timeout_us: >0 bytes, 0 timeout, -1 error (vd_fail). */
    long (*recv)(vd_transport *t, uint8_t *buf, size_t cap, uint64_t timeout_us);
    uint64_t (*now_us)(vd_transport *t);
    void (*close)(vd_transport *t);
    /* Message transports only (NULL on byte streams). start: (re)start the link and wait
     * at most timeout_us until the board serves it (vidalloc_open, in place of the banner).
     * send_msg: one request (hdr.len payload bytes). recv_msg: one response into hdr and
     * payload (VD_WIRE_MAX_PAYLOAD bytes), waiting at most timeout_us: 1, 0 timeout,
     * -1 link lost. All: 0 / -1 after vd_fail. */
    int (*start)(vd_transport *t, uint64_t timeout_us);
    int (*send_msg)(vd_transport *t, const vd_wire_hdr *hdr, const uint8_t *payload);
    int (*recv_msg)(vd_transport *t, vd_wire_hdr *hdr, uint8_t *payload, uint64_t timeout_us);
    /* Optional (both or neither): post_msg is send_msg without the doorbell, flush_msg
     * rings it once for everything posted (the client posts a group, then flushes). */
    int (*post_msg)(vd_transport *t, const vd_wire_hdr *hdr, const uint8_t *payload);
    int (*flush_msg)(vd_transport *t);
} vd_transport_ops;

struct vd_transport {
    const vd_transport_ops *ops;
    void *priv;
    uint32_t baud;          /* line rate for timeouts and figures */
    uint32_t slowdown;      /* transport time per real time of the board (sim pty > 1) */
    int boots;              /* the board boots on open: wait for its banner's 0x00 */
    uint64_t (*cycles)(vd_transport *t); /* inproc: simulated cycles; else NULL */
    uint64_t (*line_faults)(vd_transport *t); /* inproc: faults the line injected; else NULL */
    uint32_t window;        /* message transports: requests the link carries at once */
    /* Links with device DMA (pcie): the bounce area, host memory the device reaches at bus
     * address dma_bus (alloc.c moves lock contents through it); NULL elsewhere. */
    uint8_t *dma_mem;
    uint32_t dma_bus, dma_size;
    /* ... and the part of it set aside for system memory the GPU reaches (sysmem.c);
     * NULL elsewhere. */
    uint8_t *sys_mem;
    uint32_t sys_bus, sys_size;
};

/* A message transport (the PCIe queues)? */
static inline int vd_transport_is_msg(const vd_transport *t) { return t->ops->send_msg != NULL; }

extern const vd_transport_ops vd_transport_uart;
extern const vd_transport_ops vd_transport_sim;
extern const vd_transport_ops vd_transport_board_sim; /* board-sim (transport_uart.c) */
extern const vd_transport_ops vd_transport_inproc;
extern const vd_transport_ops vd_transport_sim_pcie;    /* sim?link=pcie (transport_pcie.c) */
extern const vd_transport_ops vd_transport_inproc_pcie; /* inproc?link=pcie */
/* The ops for a URI's scheme and link= (uart by default), or NULL (vd_fail, E_INVALIDARG)
 * for an unknown or unsupported one (pcie:BDF: no board with a PCIe hard block yet). */
const vd_transport_ops *vd_transport_for(const vd_uri *u);

/* ---- the simulator as a child process (sim_spawn.c): sim and sim?link=pcie ---- */
typedef struct vd_sim_proc {
    const char *faults;     /* --faults SPEC, or NULL: set before vd_sim_spawn */
    int pid;                /* 0: none (or already reaped) */
    int out, err;           /* its stdout and stderr (pipes), -1 when closed */
} vd_sim_proc;
/* Spawn `SIM --uart pty --firmware FW --baud B [--trace T] [--pcie NAME]` (pcie may be
 * NULL); it gets SIGTERM when this process dies. 0, or -1 after vd_fail. */
int vd_sim_spawn(vd_sim_proc *p, const char *sim, const char *fw, uint32_t baud,
                 const char *trace, const char *pcie);
/* Read its stdout lines until one matches `format` (sscanf, one %255s) within timeout_us;
 * the word into out (256 bytes). 0, or -1 (no vd_fail: the caller says what it waited for). */
int vd_sim_wait_line(vd_sim_proc *p, const char *format, char *out, uint64_t timeout_us);
/* What it printed on stderr so far (its complaint when it did not start). */
void vd_sim_stderr_tail(vd_sim_proc *p, char *out, size_t cap);
/* 1 while it runs (reaps it when it has exited). */
int vd_sim_alive(vd_sim_proc *p);
/* SIGTERM, up to 3 s, then SIGKILL; close the pipes. */
void vd_sim_stop(vd_sim_proc *p);

/* ---- the protocol client ---- */

/* The most requests in flight on any link: the UART's window (VD_WIRE_WINDOW) or the PCIe
 * queue depth (VD_QUEUE_DEPTH), whichever is larger; the slot ring is this big. */
#define VD_CLIENT_MAX_WINDOW (VD_QUEUE_DEPTH > VD_WIRE_WINDOW ? VD_QUEUE_DEPTH : VD_WIRE_WINDOW)

typedef struct vd_slot {
    uint16_t seq;
    uint8_t  type;
    uint8_t  done;
    uint8_t  sent;                     /* the byte stream: put on the line at least once */
    uint8_t  resent;                   /* ... more than once (no RTT sample: Karn) */
    uint64_t first_mark;               /* tx_total at the end of its first copy */
    uint64_t sent_us;                  /* when its first copy went out */
    uint32_t rsp_est;                  /* the response's expected size on the line */
    size_t   frame_len;
    uint8_t  frame[VD_WIRE_MAX_FRAME]; /* the encoded frame; the bare payload on a message
                                          transport (frame_len = its length) */
    uint16_t rsp_len;
    uint8_t  rsp[VD_WIRE_MAX_PAYLOAD];
} vd_slot;

typedef struct vd_client {
    vd_transport *t;
    vd_frame_decoder dec;
    uint16_t next_seq;
    uint32_t window;                 /* <= VD_CLIENT_MAX_WINDOW: the link's (VD_WIRE_WINDOW
                                        or the queue depth), lowered by HELLO's */
    vd_slot  slots[VD_CLIENT_MAX_WINDOW]; /* ring of outstanding requests, oldest at base */
    unsigned base, count;
    uint64_t proc_us;                /* firmware processing allowance per timeout */
    uint64_t gpu_wait_us;            /* how long a request that waits for the GPU (RENDER,
                                        LOCK, DEALLOCATE, CLOSE_DEVICE) may take in the
                                        firmware: the link is not declared lost sooner */
    unsigned max_retries;
    int verbose;
    int dead;                        /* the message transport failed: every call fails */
    /* The byte stream's link (docs/host-lib.md "A link that only dies when the board is
     * gone"): lost only after link_timeout_us without a valid frame; then every call first
     * tries to resume the session (SYNC); a board without the session is BOARD_RESET. */
    int link;                        /* enum vidalloc_link_state */
    uint64_t link_timeout_us;        /* transport µs without a valid frame = link lost */
    uint64_t last_rx_us;             /* when the last CRC-good frame arrived */
    uint32_t session;                /* the firmware's session token (SYNC), 0 = unknown */
    int gpu_busy;                    /* a RENDER's submission may still run (its wait counts) */
    int fw_removed;                  /* the firmware answered D3DDDIERR_DEVICEREMOVED */
    unsigned backoff;                /* retransmission timeout doublings in a row */
    uint64_t srtt_us, rttvar_us;     /* the firmware's time per request beyond the wire
                                        (smoothed, Jacobson/Karels), 0 = no sample yet */
    uint32_t chunk;                  /* READ/WRITE chunk bytes now (shrinks while frames fail) */
    unsigned clean_run;              /* responses in a row without a retransmission */
    int resizable;                   /* this run's requests may be abandoned and sent again in
                                        smaller pieces (READ/WRITE: repeating them is harmless) */
    uint64_t rx_at_tx;               /* bytes_received when the last frame went out */
    uint64_t resizes;                /* runs abandoned to shrink their frames */
    unsigned timeouts_run;           /* timeouts since the last response in this run */
    uint64_t fast_retransmits;       /* retransmissions on a damaged frame, before the RTO */
    /* flow control: bytes put on the line, and how many of them the firmware has read */
    uint64_t tx_total, settled;
    uint16_t probe_nonce;            /* SYNC's seq (SYNC stands outside sequencing) */
    uint64_t probe_mark[8];          /* tx_total after probe nonce % 8 */
    uint16_t probe_seq[8];
    uint64_t last_tx_us;
    int sync_got;                    /* a SYNC answer arrived since sync_got was cleared */
    vd_wire_sync_rsp sync_rsp;
    uint64_t link_losses, resumes, syncs_sent, timeouts;
    /* fault injection */
    int fault;
    uint64_t fault_at_tx, fault_at_rx;
    uint64_t rx_frames_raw;          /* 0x00 delimiters seen */
    /* counters */
    uint64_t frames_sent, frames_received, retransmissions, bytes_sent, bytes_received;
} vd_client;

void vd_client_init(vd_client *c, vd_transport *t, uint16_t first_seq);

/* Build request i into payload (VD_WIRE_MAX_PAYLOAD bytes); return its length. */
typedef size_t (*vd_build_fn)(void *ctx, unsigned i, uint8_t *payload);
/* Response i arrived (payload, len >= 4 guaranteed: starts with the HRESULT). Return 0 to
 * go on, nonzero to stop issuing further requests (those in flight still complete). */
typedef int (*vd_done_fn)(void *ctx, unsigned i, const uint8_t *payload, size_t len);

/*
 * Issue n requests of one type, keeping up to the window in flight, and hand each response
 * to done() in order. On a byte stream: go-back-N retransmission on timeout. On a message
 * transport: no retransmission; the link is lost when nothing is answered for
 * vd_client_msg_patience(). Returns S_OK, or D3DDDIERR_DEVICEREMOVED when the link failed
 * (no answer after the retries / the patience, or the transport lost the link).
 */
HRESULT vd_client_run(vd_client *c, uint8_t type, unsigned n, vd_build_fn build, vd_done_fn done,
                      void *ctx);
/* One request, one response copied into rsp (cap bytes); *rsp_len = its length. */
HRESULT vd_client_call(vd_client *c, uint8_t type, const void *req, size_t req_len, void *rsp,
                       size_t cap, size_t *rsp_len);
/* Let us of transport time pass (a pause between polls), decoding whatever arrives (late
 * replays are dropped as usual). 0, or -1 when the link failed. */
int vd_client_idle(vd_client *c, uint64_t us);
/* Read and decode bytes until a 0x00 arrives (the banner's end) or timeout_us passes. */
int vd_client_wait_banner(vd_client *c, uint64_t timeout_us);
/* 1 for the request types the firmware may hold until the GPU's submission completes or
 * the watchdog fires (docs/host-lib.md "Waiting for the GPU"). */
int vd_type_waits_for_gpu(uint8_t type);
/* Message transports: how long (transport µs) a request of this type may go unanswered,
 * with no other response arriving meanwhile, before the link is declared lost: what the
 * byte stream's retries amount to (9 x the firmware allowance), or the GPU wait's patience
 * for the types that wait for the GPU, whichever is longer. */
uint64_t vd_client_msg_patience(const vd_client *c, uint8_t type);
/* Retransmission timeout (transport µs) for `bytes` in flight. */
uint64_t vd_client_rto(const vd_client *c, size_t bytes);
/* The byte stream: after HELLO, learn the session's token (SYNC). 0, or -1 (vd_fail). */
int vd_client_sync_session(vd_client *c);
/* The byte stream: a lost link back (SYNC with the token). S_OK (the session goes on where
 * the firmware is), or D3DDDIERR_DEVICEREMOVED after vd_fail: still lost, or the board
 * has another session or none (c->link says which). */
HRESULT vd_client_resume(vd_client *c);
/* Of the contract's VD_WIRE_RX_BUFFER the host keeps room for this many SYNCs beyond its
 * requests: a SYNC's answer settles what lost frames left unsettled (client.c). */
#define VD_CLIENT_PROBE_RESERVE (4u * VD_WIRE_SYNC_FRAME)
/* The largest READ/WRITE chunk over the byte stream: two such WRITEs in flight (16 + 960
 * bytes of payload, 993 on the line) fit the buffer beside the SYNC reserve, so the window
 * stays full on a clean line. */
#define VD_CLIENT_MAX_CHUNK 960u
_Static_assert(2u * (VD_WIRE_HDR_SIZE + 16u + VD_CLIENT_MAX_CHUNK + VD_WIRE_CRC_SIZE +
                     (VD_WIRE_HDR_SIZE + 16u + VD_CLIENT_MAX_CHUNK + VD_WIRE_CRC_SIZE) / 254u + 2u) +
                   VD_CLIENT_PROBE_RESERVE <= VD_WIRE_RX_BUFFER,
               "two maximum READ/WRITE chunks and the SYNC reserve fit the firmware's buffer");
/* vd_client_run's answer when c->resizable and its frames were too long for the line: the
 * requests not yet answered were abandoned (the firmware has read past them: a SYNC said
 * where it is); send them again, in chunks of vd_client_chunk(). */
#define VD_CLIENT_RESIZE ((HRESULT)0x8000000AL) /* E_PENDING */
/* The byte stream's frame budget for READ/WRITE data now (VD_WIRE_MAX_CHUNK while frames
 * arrive whole, down to 64 bytes while they keep failing). */
uint32_t vd_client_chunk(const vd_client *c);
/* Send a fresh 0x00 and HELLO-less state: forget outstanding requests and the decoder's
 * partial frame (a new session follows). */
void vd_client_restart(vd_client *c);
/* The client's patience for requests that wait for the GPU (gpu_wait_us), from the board's
 * clock, VRAM size and TdrDelay (cycles; 0 = the default): docs/host-lib.md "Waiting for the
 * GPU". */
void vd_client_set_gpu_wait(vd_client *c, uint32_t clk_hz, uint32_t vram_size,
                            uint32_t tdr_delay_cycles);
/* A response payload's HRESULT (its first 4 bytes; E_FAIL when shorter). */
HRESULT vd_rsp_hr(const uint8_t *rsp, size_t len);

/* ---- the host's objects: devices, their contexts and tracked allocations ---- */

/* What the host keeps per allocation it created: system memory and lock state (alloc.c). */
typedef struct vd_halloc {
    D3DKMT_HANDLE h;
    HANDLE hResource;
    const void *pSystemMem;
    int locked;
    UINT lock_flags;
    uint8_t *buf;            /* host copy while locked (video memory allocations) */
    struct vd_range *ranges; /* what the lock covers */
    int nranges;
} vd_halloc;

/* A context (pfnCreateContextCb): host buffers only; the firmware has no contexts. */
typedef struct vd_context {
    HANDLE handle;           /* its hContext (handles.c): a registry value, not its address */
    uint8_t *cmd;
    UINT cmd_size;
    D3DDDI_ALLOCATIONLIST *alloc;
    UINT alloc_size;
    D3DDDI_PATCHLOCATIONLIST *patch;
    UINT patch_size;
    UINT null_rendering;     /* D3DDDI_CREATECONTEXTFLAGS.NullRendering */
    UINT last_fence;
    int fenced;              /* last_fence is valid */
} vd_context;

/* ---- system memory for pSystemMem (sysmem.c) ---- */
#define VD_SYSMEM_MAX_BLOCKS 64
typedef struct vd_sysmem_block {
    uint8_t *ptr;
    uint32_t size;          /* whole pages */
    int in_window;          /* from the DMA window (the device reaches it), else malloc'd */
} vd_sysmem_block;
typedef struct vd_sysmem {
    uint8_t *mem;           /* the transport's sys_* (NULL: ordinary memory only) */
    uint32_t bus, size;
    uint32_t n;
    vd_sysmem_block blk[VD_SYSMEM_MAX_BLOCKS];   /* sorted by ptr */
} vd_sysmem;
/* A zeroed block of size bytes (whole pages): S_OK, or E_INVALIDARG / E_OUTOFMEMORY after
 * vd_fail. *in_window: whether the device reaches it. */
HRESULT vd_sysmem_alloc(vd_sysmem *h, uint32_t size, void **pp, int *in_window);
HRESULT vd_sysmem_free(vd_sysmem *h, void *p);
void vd_sysmem_free_all(vd_sysmem *h);
/* The bus address of p when it lies in a block the device reaches, else 0 (h may be NULL). */
uint32_t vd_sysmem_bus(const vd_sysmem *h, const void *p);

typedef struct vd_device {
    HANDLE handle;           /* its hDevice (handles.c): a registry value, not its address */
    vd_transport t;
    vd_client c;
    vidalloc_info info;      /* HELLO's answer, limits and features (device.c) */
    uint32_t hdev;           /* firmware device handle; 0 after a failed vidalloc_reopen */
    vd_halloc *allocs;       /* alloc.c */
    size_t nallocs, cap;
    uint32_t ring_cap;       /* command bytes per RENDER the ring takes (0 = unknown) */
    UINT last_fence;
    int fenced;
    vd_sysmem sysmem;        /* sysmem.c: vidalloc_alloc_system_memory's blocks */
} vd_device;

/* ---- the handle registry (handles.c) ----
 * Every live device and context, found by the value a caller passes as hDevice or hContext.
 * That value is compared with the registry's entries and never dereferenced, so NULL, an
 * integer, a pointer to anything, a closed device's handle or a context passed as a device
 * is refused with E_INVALIDARG. Handle values are not addresses: a serial number never
 * reused in the process, with a tag for the kind, so a closed device's handle stays invalid
 * even when a new device lands at the same address. The registry is global and locked (a
 * mutex); the objects themselves follow the API's rule of one device per thread at a time. */

/* Register d and set d->handle. S_OK, or E_OUTOFMEMORY after vd_fail. */
HRESULT vd_handles_add_device(vd_device *d);
/* The open device whose handle is h, or NULL after vd_fail(E_INVALIDARG, "<fn>: ..."). */
vd_device *vd_handles_device(HANDLE h, const char *fn);
/* The same, for a call that needs the firmware device: also NULL after
 * vd_fail(D3DDDIERR_DEVICEREMOVED) when a failed vidalloc_reopen left it without one.
 * Either way the HRESULT is vd_last_hr(). */
vd_device *vd_handles_live_device(HANDLE h, const char *fn);
/* Unregister d and every context of it (and free those contexts). Their handles are
 * invalid from now on; the device's memory is the caller's to free. */
void vd_handles_remove_device(vd_device *d);
/* Register c as a context of d and set c->handle. S_OK, or E_OUTOFMEMORY after vd_fail. */
HRESULT vd_handles_add_context(vd_device *d, vd_context *c);
/* The live context of d whose handle is h, or NULL (no error recorded: the caller says
 * which call and which argument). A context of another device is NULL too. */
vd_context *vd_handles_context(const vd_device *d, HANDLE h);
/* Unregister and free the context h of d: 0, or -1 when h is not a live context of d. */
int vd_handles_remove_context(const vd_device *d, HANDLE h);
/* Unregister and free every context of d (vidalloc_reopen). */
void vd_handles_remove_contexts(const vd_device *d);
/* Free a context's buffers and the context (one not registered, or just unregistered). */
void vd_handles_free_context(vd_context *c);

/* ---- the allocation callbacks' host side (alloc.c) ----
 * pfnAllocateCb, vidalloc_allocate_batch, pfnDeallocateCb, pfnLockCb, pfnUnlockCb and the
 * READ/WRITE transfers are public (vidalloc.h); these are their parts the tests and
 * device.c use. Validation happens before anything is sent. */

/* E_INVALIDARG or S_OK; max_allocs is the open device's NumAllocations limit (the board's,
 * from HELLO); *payload_len = the ALLOCATE request's size. */
HRESULT vd_check_allocate(const D3DDDICB_ALLOCATE *p, uint32_t max_allocs, size_t *payload_len);
/* The ALLOCATE request (vd_wire.h layout) into buf (VD_WIRE_MAX_PAYLOAD bytes). */
/* sysmem: the device's blocks (each pSystemMem inside one the device reaches is sent with
 * its bus address, vd_wire_allocinfo.SystemMemBus), or NULL (every SystemMemBus 0). */
size_t vd_encode_allocate(uint8_t *buf, uint32_t hDevice, const D3DDDICB_ALLOCATE *p,
                          const vd_sysmem *sysmem);
HRESULT vd_check_deallocate(const D3DDDICB_DEALLOCATE *p, size_t *payload_len);
HRESULT vd_check_lock(const D3DDDICB_LOCK *p);
HRESULT vd_check_unlock(const D3DDDICB_UNLOCK *p);

/* Byte ranges a lock covers: the whole allocation (NumPages 0) or its listed 4 KiB pages,
 * sorted, merged, clipped to size. out has room for max(NumPages, 1) ranges.
 * Returns the number of ranges, or -1 when a page lies beyond the allocation. */
typedef struct vd_range {
    uint32_t offset, length;
} vd_range;
int vd_lock_ranges(uint32_t size, UINT num_pages, const UINT *pages, vd_range *out);

/* Forget every allocation the host tracks for d, lock buffers included (close, reopen: the
 * firmware has freed them). */
void vd_alloc_forget_all(vd_device *d);

/* ---- pfnRenderCb: validation, splitting, the RENDER encoding (render.c, no link) ---- */

/* A context's buffers as pfnRenderCb reads them. */
typedef struct vd_render_src {
    const uint8_t *cmd;
    UINT cmd_size;                           /* bytes */
    const D3DDDI_ALLOCATIONLIST *alloc;
    UINT alloc_size;                         /* entries */
    const D3DDDI_PATCHLOCATIONLIST *patch;
    UINT patch_size;                         /* entries */
} vd_render_src;

/* D3DDDICB_RENDERFLAGS host-lib accepts (the Resize* ones are done on the host). */
#define VD_RENDER_FLAGS_SUPPORTED                                                          \
    (D3DDDICB_RENDERFLAGS_RESIZECOMMANDBUFFER | D3DDDICB_RENDERFLAGS_RESIZEALLOCATIONLIST | \
     D3DDDICB_RENDERFLAGS_RESIZEPATCHLOCATIONLIST | D3DDDICB_RENDERFLAGS_NULLRENDERING)

/* E_INVALIDARG (with a sentence) or S_OK. */
HRESULT vd_check_render(const D3DDDICB_RENDER *p, const vd_render_src *s);

/* One RENDER of a submission: commands [begin, end) of the buffer and the npatch patch
 * entries whose PatchOffset lies in that span. */
typedef struct vd_render_chunk {
    uint32_t begin, end, npatch;
} vd_render_chunk;

/* The RENDER request's size for these parts. */
size_t vd_render_request_size(uint32_t nalloc, uint32_t cmd_bytes, uint32_t npatch);
/* Split a validated submission at 16-byte command boundaries, greedily, so that each chunk
 * carries at most max_cmd_bytes of commands (0 = no limit but the frame's; rounded down to
 * 16, at least 16) and each request fits VD_WIRE_MAX_PAYLOAD. *out (malloc'd, caller frees)
 * receives the chunks; returns their number, or -1 after vd_fail (E_INVALIDARG when a single
 * command has more patch entries than a frame carries, E_OUTOFMEMORY). */
int vd_render_split(const D3DDDICB_RENDER *p, const vd_render_src *s, uint32_t max_cmd_bytes,
                    vd_render_chunk **out);
/* The RENDER request (vd_wire.h layout) of one chunk into buf (VD_WIRE_MAX_PAYLOAD bytes):
 * the chunk's commands, the whole allocation list, its patch entries in list order with
 * PatchOffset unchanged (relative to the buffer's start). Returns its length. */
size_t vd_encode_render(uint8_t *buf, uint32_t hDevice, uint32_t wire_flags,
                        const D3DDDICB_RENDER *p, const vd_render_src *s,
                        const vd_render_chunk *ch);

/* ---- devices (device.c) ---- */

/* vidalloc_open after the URI is parsed and its transport chosen: open the transport, wait
 * for the banner, HELLO, OPEN_DEVICE, register the device; *phDevice = its handle. (Unit
 * tests open a device this way over a scripted transport.) */
HRESULT vd_device_open(const vd_transport_ops *ops, const vd_uri *u, const char *uri,
                       const vidalloc_open_options *options, HANDLE *phDevice);

/* Little-endian access (the wire is little-endian; so are the hosts we build for). */
static inline uint32_t vd_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#endif /* VD_HOST_H */
