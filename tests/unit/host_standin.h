/*
 * host_standin.h - a scripted stand-in for the board's firmware behind a mock transport,
 * for host-lib's unit tests (test_host_submit, test_host_handles, test_host_hello).
 *
 * Requests travel through host-lib's real protocol client and the real frame codec
 * (proto/vd_frame.c); the stand-in decodes each one, records it, and answers what these
 * tests need the way the firmware would: HELLO (all of it, or only the first
 * VD_WIRE_HELLO_RSP_V1_SIZE bytes like a firmware from before features and limits),
 * OPEN_DEVICE / CLOSE_DEVICE (several devices), ALLOCATE, RENDER with a ring and fences,
 * FENCE, ESCAPE, a GPU hang ending in a TDR, RENDERs held while the GPU works. Time is the
 * stand-in's own (now_us): it passes when the client waits. It is not the firmware: the
 * co-simulation tests (tests/cosim/host) run the real one.
 */
#ifndef HOST_STANDIN_H
#define HOST_STANDIN_H

#include <stdint.h>

#include "vd_frame.h"
#include "vd_host.h"

#define STANDIN_MAX_REQS 1024
#define STANDIN_MAX_DEVS 16

typedef struct standin_req {
    uint8_t type;
    uint16_t len;
    uint64_t at_us;
    uint8_t payload[VD_WIRE_MAX_PAYLOAD];
} standin_req;

typedef struct standin {
    uint64_t now_us;
    vd_frame_decoder dec;
    uint8_t rx[64 * 1024];
    size_t rx_len, rx_pos;
    standin_req reqs[STANDIN_MAX_REQS]; /* every request executed, in order */
    unsigned nreqs;
    /* HELLO */
    int hello_legacy;              /* answer only the first VD_WIRE_HELLO_RSP_V1_SIZE bytes */
    uint16_t hello_len;            /* nonzero: answer exactly this many bytes */
    uint32_t features;             /* VIDALLOC_FEATURE_* */
    uint32_t max_allocs_per_call, max_allocations, max_resources, max_devices;
    uint32_t clk_hz, vram_size;
    /* devices */
    uint32_t hdev, next_hdev;      /* the last device opened; the next handle - 1 */
    uint32_t open_devs[STANDIN_MAX_DEVS];
    int closes, opens;
    int removed;                   /* devices removed (TDR) */
    int adapter_removed;           /* OPEN_DEVICE fails */
    uint32_t next_alloc;           /* allocation handles given out */
    /* GPU */
    uint32_t next_fence;           /* last submitted */
    uint64_t done_at[4096];        /* completion time of each fence */
    uint32_t ring_bytes[4096];     /* command bytes each fence holds in the ring */
    uint64_t exec_us;              /* time a submission takes */
    uint32_t ring_size;            /* 0: no ring limit */
    int ring_full_replies;         /* WASSTILLDRAWING answers given */
    int hang;                      /* submissions never complete; TDR after tdr_us */
    uint64_t tdr_us, hang_since;
    HRESULT render_hr_at[16];      /* scripted RENDER failures (index = RENDER number) */
    unsigned renders;
    uint32_t tdr_delay, tdr_window;
    /* A RENDER the firmware holds (waiting for the GPU): answered hold_us later. */
    uint64_t hold_us;
    uint8_t held[VD_WIRE_MAX_FRAME];
    size_t held_len;
    uint64_t release_at;
    int held_seq;                  /* seq of the held/last executed RENDER, -1 none */
    int dup_frames;                /* retransmissions of it seen */
} standin;

extern standin board;
extern const vd_transport_ops standin_ops;

/* Forget everything; a board with every block (features 0x1F), the kernel limits of
 * spec/soc.toml, 12 MHz, 64 KiB VRAM, a whole HELLO; the first device gets handle 0x11. */
void standin_reset(void);
/* Open a device on the stand-in as vidalloc_open does (HELLO, OPEN_DEVICE, registration). */
HRESULT standin_try_open(HANDLE *phDevice);
/* The same, asserting S_OK. */
HANDLE standin_open(void);
/* Forget the requests recorded so far and the open/close counts. */
void standin_forget_requests(void);
/* Requests of a type recorded; the k-th of them (NULL when there are fewer). */
unsigned standin_count(uint8_t type);
const standin_req *standin_nth(uint8_t type, unsigned k);

#endif /* HOST_STANDIN_H */
