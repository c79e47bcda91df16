/*
 * pcie_mock.h - a mock PCIe function for host-lib's queue link (test_host_pcie): BAR0's
 * host registers, host memory, MSIs, and a fake device behind them that plays the
 * firmware's side of proto/include/vidalloc/vd_queue.h. It is written from the contract,
 * independently of host-lib's queue.c, so each checks the other: it parses every
 * submission record (alignment, zero padding, pad records exactly to the ring's end,
 * never past SQ_TAIL), writes completion records (pad records at the end, never more than
 * the space CQ_HEAD frees), then the shadow block, then one MSI per batch.
 *
 * Time is the mock's own (now_us) and passes only when the host waits. The device runs
 * when the host waits for an MSI, so the host can have many requests outstanding: the
 * mock counts how many were pending when it ran (max_pending).
 *
 * It answers HELLO, OPEN_DEVICE, CLOSE_DEVICE, ALLOCATE, DEALLOCATE, LOCK, UNLOCK, READ,
 * WRITE, DMA_READ, DMA_WRITE (VRAM: each allocation alloc_size bytes) and QUERY
 * (HANDLE_DATA: query_len bytes of a pattern); anything else E_INVALIDARG.
 */
#ifndef PCIE_MOCK_H
#define PCIE_MOCK_H

#include <stdint.h>

#include "pcie_bus.h"
#include "vd_host.h"

#define MOCK_MAX_REQS   4096
#define MOCK_MAX_WRITES 8192
#define MOCK_ALLOCS     4

typedef struct mock_req {
    uint8_t type;
    uint16_t seq, len;
    uint32_t pending;       /* records pending in the ring when this one was fetched */
    uint8_t payload[64];    /* its first bytes */
} mock_req;

typedef struct mock_write {
    uint32_t offset, value;
} mock_write;

typedef struct mockdev {
    uint8_t *mem;           /* host memory */
    int mem_external;       /* mem is not ours to free (test_host_shm: the shared memory) */
    uint32_t mem_bus, mem_size;
    uint64_t now_us;
    uint32_t msi;
    /* BAR0 as the host sees it */
    uint32_t ctrl, status, sq_tail_reg, cq_head_reg;
    uint32_t sq_base, sq_size, cq_base, cq_size, shadow, win_base, win_size;
    /* the device */
    int enabled;
    uint32_t sq_head, cq_tail, batches;
    unsigned ready_lag;     /* STATUS reads after ENABLE before READY shows */
    unsigned lag_left;
    int config_error;       /* answer ENABLE with CONFIG_ERROR */
    unsigned deaf_enables;  /* ENABLEs that go unnoticed (a firmware still booting) */
    int stopped;            /* the simulator stopped: every bus call fails */
    int mute;               /* fetches nothing, answers nothing */
    int stray;              /* before each answer, a response to nothing and one of the
                               wrong type with the right seq: both to be ignored */
    uint32_t hello_window;
    uint32_t query_len;
    /* what happened */
    mock_req reqs[MOCK_MAX_REQS];
    unsigned nreqs;
    unsigned max_pending;
    unsigned sq_pads, cq_pads, stale_executed;
    mock_write writes[MOCK_MAX_WRITES];
    unsigned nwrites;
    unsigned cq_head_writes, enables;
    /* allocations and VRAM */
    uint32_t next_hdev, next_alloc;
    uint32_t alloc_size;
    uint8_t *vram;          /* MOCK_ALLOCS x alloc_size */
    unsigned dma_reads, dma_writes, reads, writes_rw;
    uint32_t dma_max_len;   /* the largest DMA seen */
    uint32_t dma_lo, dma_hi;/* the lowest / highest host address a DMA touched */
    HRESULT dma_hr;         /* answer DMA requests with this (0: do them) */
} mockdev;

extern mockdev mock;

/* A fresh device: host memory of mem_size bytes at mem_bus (freed by mock_free), VRAM for
 * MOCK_ALLOCS allocations of alloc_size bytes filled with a pattern. */
void mock_reset(uint32_t mem_size, uint32_t alloc_size);
void mock_free(void);
/* The bus over the mock (pcie_bus.h ops). */
void mock_bus_init(vd_pcie_bus *b);
/* A transport that is the real queue link (transport_pcie.c) on the mock bus, with a
 * submission ring of sq_size bytes (0: the default). */
extern uint32_t mock_sq_size;
extern const vd_transport_ops mock_pcie_ops;
/* vd_device_open over it (HELLO, OPEN_DEVICE). */
HRESULT mock_open_device(HANDLE *phDevice);
/* BAR0 and the device without a bus (test_host_shm's fake simulator drives them). */
int mock_mmio_write32(uint32_t offset, uint32_t value);
int mock_mmio_read32(uint32_t offset, uint32_t *value);
void mock_run_device(void);
/* The pattern VRAM starts with, and what QUERY HANDLE_DATA answers. */
uint8_t mock_pattern(uint32_t i);

#endif /* PCIE_MOCK_H */
