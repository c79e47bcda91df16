/*
 * test_qlink.c - the PCIe queue link (firmware/wire/vd_qlink.c) with the endpoint driver
 * (firmware/drivers/pcie.c) on the mock register file: a model of the endpoint's DMA engine
 * and event bits, host memory as an array, and a host written here from vd_queue.h alone
 * (its own record writer and completion parser). The dispatcher is a stand-in that logs
 * every request it executes and answers with a response of the size the request asks for,
 * so ordering, exactly-once execution and completion-space rules are checked exactly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mock_mmio.h"
#include "vd_dispatch.h"
#include "vd_pcie.h"
#include "vd_qlink.h"
#include "vd_regs.h"
#include "vidalloc/vd_queue.h"

#define REG(r) (VD_PCIE_BASE + VD_PCIE_##r)

/* ---- host memory and PCIE_BUF ---- */

#define HOST_BASE 0x40000000u
#define HOST_SIZE 0x00040000u
#define SQ_AT     (HOST_BASE + 0x00000u)
#define CQ_AT     (HOST_BASE + 0x10000u)
#define SHADOW_AT (HOST_BASE + 0x30000u)

static uint8_t host[HOST_SIZE];
static uint32_t pbuf[VD_PCIE_BUF_SIZE / 4];

/* ---- the endpoint model: DMA engine, IRQ_STATUS (w1c), MSI ---- */

typedef struct dma_op {
    uint32_t host, local, len;
    int to_host;
} dma_op;

static struct {
    uint32_t irq_status;
    unsigned msis;
    unsigned ndma;
    dma_op log[4096];
    unsigned fail_at; /* 1-based DMA number that fails with ERR_COMPLETION, 0 = none */
    uint32_t cq_head; /* CQ_HEAD as the host last wrote it */
    uint32_t cq_size;
} ep;

/* A completion-ring write must not touch a record the host has not consumed: the bytes of
 * counts [CQ_HEAD, the last shadow's cq_tail). */
static void check_cq_write(uint32_t bus, uint32_t n)
{
    vd_queue_shadow sh;
    memcpy(&sh, host + (SHADOW_AT - HOST_BASE), sizeof sh);
    uint32_t unconsumed = sh.cq_tail - ep.cq_head;
    uint32_t start = ep.cq_head & (ep.cq_size - 1u);
    assert_true(unconsumed <= ep.cq_size);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t off = bus - CQ_AT + i;
        assert_true(off < ep.cq_size); /* never past the ring's end */
        assert_false(((off - start) & (ep.cq_size - 1u)) < unconsumed);
    }
}

static uint32_t irq_status_read(uint32_t addr, void *ctx)
{
    (void)addr;
    (void)ctx;
    return ep.irq_status;
}

static void irq_status_write(uint32_t addr, uint32_t v, void *ctx)
{
    (void)addr;
    (void)ctx;
    ep.irq_status &= ~v;
}

static void dma_ctrl_write(uint32_t addr, uint32_t v, void *ctx)
{
    (void)addr;
    (void)ctx;
    uint32_t h = mock_mmio_get(REG(DMA_HOST)), l = mock_mmio_get(REG(DMA_LOCAL));
    uint32_t n = mock_mmio_get(REG(DMA_LEN));
    uint32_t wb = mock_mmio_get(REG(WIN_BASE)), ws = mock_mmio_get(REG(WIN_SIZE));
    uint32_t err = VD_PCIE_ERR_NONE;
    int to_host = (v & VD_PCIE_DMA_CTRL_TO_HOST_MASK) != 0;

    assert_true(v & VD_PCIE_DMA_CTRL_START_MASK);
    assert_false(mock_mmio_get(REG(DMA_STATUS)) & VD_PCIE_DMA_STATUS_BUSY_MASK);
    assert_true(ep.ndma < sizeof ep.log / sizeof ep.log[0]);
    ep.log[ep.ndma++] = (dma_op){h, l, n, to_host};
    /* What the firmware asks for is always legal: a multiple of 4, inside PCIE_BUF and the
     * window (the engine would refuse otherwise; the link must never need it to). */
    assert_true(n >= 4 && n % 4 == 0 && h % 4 == 0 && l % 4 == 0);
    assert_true(l >= VD_PCIE_BUF_BASE && l - VD_PCIE_BUF_BASE <= VD_PCIE_BUF_SIZE - n);
    assert_true(h - wb < ws && n <= ws - (h - wb));
    assert_true(h >= HOST_BASE && h - HOST_BASE <= HOST_SIZE - n);
    if (ep.fail_at == ep.ndma) {
        err = VD_PCIE_ERR_COMPLETION;
    } else if (to_host) {
        if (h >= CQ_AT && h < CQ_AT + ep.cq_size)
            check_cq_write(h, n);
        memcpy(host + (h - HOST_BASE), (uint8_t *)pbuf + (l - VD_PCIE_BUF_BASE), n);
    } else {
        memcpy((uint8_t *)pbuf + (l - VD_PCIE_BUF_BASE), host + (h - HOST_BASE), n);
    }
    mock_mmio_set(REG(DMA_STATUS), VD_FIELD_PREP(VD_PCIE_DMA_STATUS_ERR, err));
}

static void cmd_write(uint32_t addr, uint32_t v, void *ctx)
{
    (void)addr;
    (void)ctx;
    if (v & VD_PCIE_CMD_MSI_MASK)
        ep.msis++;
}

static uint32_t mtime;
static uint32_t mtime_read(uint32_t addr, void *ctx)
{
    (void)addr;
    (void)ctx;
    return mtime += 10;
}

/* The level line: the handler runs while an enabled event is set. */
static void irq(void)
{
    if (ep.irq_status & mock_mmio_get(REG(IRQ_EN)))
        vd_pcie_irq_handler();
}

static void event(uint32_t bits)
{
    ep.irq_status |= bits;
    irq();
}

/* ---- the dispatcher stand-in ----
 * A request's payload: u32 tag, u32 rsp_len (bytes, a multiple of 4, 8..1024), then any
 * bytes. The response: S_OK, the tag, then rsp_len - 8 bytes of (tag & 0xFF). */

#define MAX_LOG 4096
static struct {
    unsigned n;
    uint32_t tag[MAX_LOG];
    uint8_t type[MAX_LOG];
    uint32_t ctrl_on_tag; /* the host writes CTRL while this tag executes ... */
    int ctrl_armed;       /* ... when set */
} ex;

uint32_t vd_disp_execute(const vd_disp_link *link, uint8_t type, const uint8_t *req, uint32_t len,
                         uint8_t *rsp)
{
    uint32_t tag, rl;

    assert_int_equal(link->window, VD_QUEUE_DEPTH);
    assert_int_equal(link->host_win_base, HOST_BASE);
    assert_int_equal(link->host_win_size, HOST_SIZE);
    /* In place: the request in PCIE_BUF's submission part, the response in its completion
     * part with the largest payload's room, both word aligned. */
    assert_true((uintptr_t)req % 4 == 0 && (uintptr_t)rsp % 4 == 0);
    assert_true(req >= (uint8_t *)pbuf && req + len <= (uint8_t *)pbuf + VD_QLINK_SQ_BYTES);
    assert_true(rsp >= (uint8_t *)pbuf + VD_QLINK_CQ_OFF &&
                rsp + VD_WIRE_MAX_PAYLOAD <= (uint8_t *)pbuf + VD_QLINK_CQ_OFF + VD_QLINK_CQ_BYTES);
    assert_true(len >= 8 && len <= VD_WIRE_MAX_PAYLOAD);
    memcpy(&tag, req, 4);
    memcpy(&rl, req + 4, 4);
    assert_true(rl >= 8 && rl <= VD_WIRE_MAX_PAYLOAD && rl % 4 == 0);
    assert_true(ex.n < MAX_LOG);
    ex.tag[ex.n] = tag;
    ex.type[ex.n] = type;
    ex.n++;
    if (ex.ctrl_armed && tag == ex.ctrl_on_tag) { /* the IRQ handler runs during the request */
        ep.irq_status |= VD_PCIE_EV_CTRL;
        irq();
    }
    memset(rsp, 0, 4);
    memcpy(rsp + 4, &tag, 4);
    memset(rsp + 8, (int)(tag & 0xFFu), rl - 8);
    return rl;
}

/* ALLOCATE's direct entry (the link calls it for that type): the same log and answer. */
uint32_t vd_disp_allocate(const uint8_t *req, uint32_t len, uint8_t *rsp)
{
    static const vd_disp_link l = {VD_QUEUE_DEPTH, HOST_BASE, HOST_SIZE};
    return vd_disp_execute(&l, VD_MSG_ALLOCATE, req, len, rsp);
}

/* ---- the host, from vd_queue.h ---- */

static struct {
    uint32_t sq_size, cq_size;
    uint32_t sq_tail;   /* producer count */
    uint32_t cq_head;   /* consumer count */
} h;

static void wr32(uint32_t bus, uint32_t v)
{
    memcpy(host + (bus - HOST_BASE), &v, 4);
}

static uint32_t rd32(uint32_t bus)
{
    uint32_t v;
    memcpy(&v, host + (bus - HOST_BASE), 4);
    return v;
}

static vd_queue_shadow shadow(void)
{
    vd_queue_shadow s;
    memcpy(&s, host + (SHADOW_AT - HOST_BASE), sizeof s);
    return s;
}

/* Write a raw record (header words as given) of `len` payload bytes at the tail; a pad
 * record first when it does not fit before the ring's end. Not yet rung. */
static void sq_raw(uint32_t w0, uint32_t w1, const void *payload, uint32_t len)
{
    uint32_t rec = VD_QUEUE_RECORD_SIZE(len);
    uint32_t pos = h.sq_tail & (h.sq_size - 1u);

    if (rec > h.sq_size - pos) {
        uint32_t left = h.sq_size - pos;
        wr32(SQ_AT + pos, VD_QUEUE_PAD | VD_WIRE_VERSION << 8 | 0xEEEEu << 16);
        wr32(SQ_AT + pos + 4, left - VD_WIRE_HDR_SIZE);
        memset(host + (SQ_AT - HOST_BASE) + pos + 8, 0xCD, left - 8); /* skipped unread */
        h.sq_tail += left;
        pos = 0;
    }
    wr32(SQ_AT + pos, w0);
    wr32(SQ_AT + pos + 4, w1);
    memset(host + (SQ_AT - HOST_BASE) + pos + 8, 0, rec - 8);
    memcpy(host + (SQ_AT - HOST_BASE) + pos + 8, payload, len);
    h.sq_tail += rec;
}

/* A well-formed request: type, seq, tag, response length, `len` payload bytes (>= 8). */
static void sq_req(uint8_t type, uint16_t seq, uint32_t tag, uint32_t rsp_len, uint32_t len)
{
    uint8_t p[VD_WIRE_MAX_PAYLOAD];
    memset(p, 0x5A, sizeof p);
    memcpy(p, &tag, 4);
    memcpy(p + 4, &rsp_len, 4);
    sq_raw(type | VD_WIRE_VERSION << 8 | (uint32_t)seq << 16, len, p, len);
}

static void doorbell(void)
{
    mock_mmio_set(REG(SQ_TAIL), h.sq_tail);
    event(VD_PCIE_EV_SQ);
}

/* Serve until the link has nothing left and sleeps (bounded). Returns service steps. */
static unsigned run(void)
{
    unsigned steps = 0;
    for (;;) {
        irq();
        int did = vd_qlink_service();
        steps++;
        assert_true(steps < 1000);
        if (!did && !vd_qlink_pending())
            return steps;
    }
}

typedef struct rsp_rec {
    uint8_t type, version;
    uint16_t seq, len, reserved;
    uint32_t hr, tag;
    uint8_t data[VD_WIRE_MAX_PAYLOAD];
} rsp_rec;

static unsigned pads_seen;

/* The next response up to the shadow block's cq_tail (pad records skipped); 0 if none. */
static int cq_pop(rsp_rec *r)
{
    vd_queue_shadow s = shadow();
    for (;;) {
        if (h.cq_head == s.cq_tail)
            return 0;
        assert_true(s.cq_tail - h.cq_head <= h.cq_size);
        uint32_t pos = h.cq_head & (h.cq_size - 1u);
        uint32_t w0 = rd32(CQ_AT + pos), w1 = rd32(CQ_AT + pos + 4);
        uint32_t len = w1 & 0xFFFFu, rec = VD_QUEUE_RECORD_SIZE(len);
        assert_true(rec <= h.cq_size - pos);          /* never wraps */
        assert_true(rec <= s.cq_tail - h.cq_head);    /* whole */
        if ((w0 & 0xFFu) == VD_QUEUE_PAD) {
            assert_int_equal(pos + rec, h.cq_size);  /* only at the ring's end */
            pads_seen++;
            h.cq_head += rec;
            continue;
        }
        r->type = (uint8_t)w0;
        r->version = (uint8_t)(w0 >> 8);
        r->seq = (uint16_t)(w0 >> 16);
        r->len = (uint16_t)len;
        r->reserved = (uint16_t)(w1 >> 16);
        assert_true(len >= 4);
        memcpy(&r->hr, host + (CQ_AT - HOST_BASE) + pos + 8, 4);
        r->tag = len >= 8 ? rd32(CQ_AT + pos + 12) : 0;
        memcpy(r->data, host + (CQ_AT - HOST_BASE) + pos + 8, len);
        for (uint32_t i = 8 + len; i < rec; i++) /* zero padding */
            assert_int_equal(host[CQ_AT - HOST_BASE + pos + i], 0);
        h.cq_head += rec;
        return 1;
    }
}

static void cq_doorbell(void)
{
    mock_mmio_set(REG(CQ_HEAD), h.cq_head);
    ep.cq_head = h.cq_head;
    event(VD_PCIE_EV_CQ);
}

static void configure(uint32_t sq_size, uint32_t cq_size)
{
    h.sq_size = sq_size;
    h.cq_size = cq_size;
    h.sq_tail = h.cq_head = 0;
    ep.cq_size = cq_size;
    ep.cq_head = 0;
    mock_mmio_set(REG(SQ_BASE), SQ_AT);
    mock_mmio_set(REG(SQ_SIZE), sq_size);
    mock_mmio_set(REG(CQ_BASE), CQ_AT);
    mock_mmio_set(REG(CQ_SIZE), cq_size);
    mock_mmio_set(REG(SHADOW), SHADOW_AT);
    mock_mmio_set(REG(HOST_WIN_BASE), HOST_BASE);
    mock_mmio_set(REG(HOST_WIN_SIZE), HOST_SIZE);
    mock_mmio_set(REG(SQ_TAIL), 0);
    mock_mmio_set(REG(CQ_HEAD), 0);
    memset(host + (SHADOW_AT - HOST_BASE), 0, sizeof(vd_queue_shadow));
}

static void enable(int on)
{
    mock_mmio_set(REG(CTRL), on ? VD_PCIE_CTRL_ENABLE_MASK : 0);
    event(VD_PCIE_EV_CTRL);
    run();
}

static uint32_t status(void)
{
    return mock_mmio_get(REG(STATUS));
}

static int setup(void **state)
{
    (void)state;
    mock_mmio_reset();
    memset(&ep, 0, sizeof ep);
    memset(&ex, 0, sizeof ex);
    memset(&h, 0, sizeof h);
    memset(host, 0xEE, sizeof host);
    memset(pbuf, 0xEE, sizeof pbuf);
    pads_seen = 0;
    mock_mmio_on_read(REG(IRQ_STATUS), irq_status_read, NULL);
    mock_mmio_on_write(REG(IRQ_STATUS), irq_status_write, NULL);
    mock_mmio_on_write(REG(DMA_CTRL), dma_ctrl_write, NULL);
    mock_mmio_on_write(REG(CMD), cmd_write, NULL);
    mock_mmio_on_read(VD_TIMER_BASE + VD_TIMER_MTIME, mtime_read, NULL);
    vd_pcie_init();
    vd_qlink_init(pbuf, VD_PCIE_BUF_BASE);
    configure(0x1000, 0x10000);
    return 0;
}

static vd_wire_fw_stats stats(void)
{
    vd_wire_fw_stats s;
    memset(&s, 0, sizeof s);
    vd_qlink_get_stats(&s);
    return s;
}

/* ---- tests ---- */

static void test_init_waits_for_ctrl(void **state)
{
    (void)state;
    /* An ENABLE left from before a restart is not acted on: not ready, nothing fetched. */
    mock_mmio_set(REG(CTRL), VD_PCIE_CTRL_ENABLE_MASK);
    mock_mmio_set(REG(SQ_TAIL), 64);
    event(VD_PCIE_EV_SQ);
    run();
    assert_int_equal(status(), 0);
    assert_int_equal(ep.ndma, 0);
    assert_int_equal(ex.n, 0);
    assert_int_equal(mock_mmio_get(REG(IRQ_EN)), VD_PCIE_EV_SQ | VD_PCIE_EV_CTRL);
}

/* A CTRL write made while the firmware booted (the event still set at init) is served. */
static void test_enable_during_boot(void **state)
{
    (void)state;
    ep.irq_status = VD_PCIE_EV_CTRL | VD_PCIE_EV_SQ;
    mock_mmio_set(REG(CTRL), VD_PCIE_CTRL_ENABLE_MASK);
    vd_pcie_init();
    assert_int_equal(ep.irq_status, VD_PCIE_EV_CTRL);
    vd_qlink_init(pbuf, VD_PCIE_BUF_BASE);
    run();
    assert_int_equal(status(), VD_PCIE_STATUS_READY_MASK);
    sq_req(VD_MSG_QUERY, 1, 0x61, 8, 8);
    doorbell();
    run();
    assert_int_equal(ex.n, 1);
}

static void test_config_validation(void **state)
{
    (void)state;
    static const struct {
        uint32_t reg, value;
    } bad[] = {
        {REG(SQ_SIZE), 0x1800},                /* not a power of two */
        {REG(SQ_SIZE), VD_QUEUE_MIN_RING / 2}, /* too small */
        {REG(CQ_SIZE), VD_QUEUE_MAX_RING * 2}, /* too large */
        {REG(CQ_SIZE), 0},
        {REG(SQ_BASE), SQ_AT + 4},             /* misaligned */
        {REG(CQ_BASE), CQ_AT + 1},
        {REG(SHADOW), SHADOW_AT + 8},          /* shadow not 16-aligned */
        {REG(SQ_BASE), HOST_BASE - 0x1000},    /* ring below the window */
        {REG(CQ_BASE), HOST_BASE + HOST_SIZE - 0x8000}, /* ring runs past its end */
        {REG(SHADOW), HOST_BASE + HOST_SIZE},  /* shadow just past it */
        {REG(HOST_WIN_BASE), HOST_BASE + 8},   /* window not whole pages */
        {REG(HOST_WIN_SIZE), 0},               /* no window */
        {REG(HOST_WIN_SIZE), 0x800},
        {REG(HOST_WIN_SIZE), 0xC0001000u},     /* wraps past 2^32 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        configure(0x1000, 0x10000);
        mock_mmio_set(bad[i].reg, bad[i].value);
        enable(1);
        assert_int_equal(status(), VD_PCIE_STATUS_CONFIG_ERROR_MASK);
        /* Nothing is served: a doorbell fetches nothing. */
        h.sq_tail = 0;
        sq_req(VD_MSG_QUERY, 1, 1, 8, 8);
        doorbell();
        run();
        assert_int_equal(ep.ndma, 0);
        assert_int_equal(ex.n, 0);
    }
    /* The good one: READY, the window programmed, counts 0 in the registers. */
    configure(0x1000, 0x10000);
    mock_mmio_set(REG(SQ_HEAD), 77);
    mock_mmio_set(REG(CQ_TAIL), 77);
    enable(1);
    assert_int_equal(status(), VD_PCIE_STATUS_READY_MASK);
    assert_int_equal(mock_mmio_get(REG(WIN_BASE)), HOST_BASE);
    assert_int_equal(mock_mmio_get(REG(WIN_SIZE)), HOST_SIZE);
    assert_int_equal(mock_mmio_get(REG(SQ_HEAD)), 0);
    assert_int_equal(mock_mmio_get(REG(CQ_TAIL)), 0);
    assert_int_equal(stats().q_enables, sizeof bad / sizeof bad[0] + 1); /* bad ones too */
    /* ENABLE 0: stopped, STATUS 0; a doorbell then does nothing. */
    enable(0);
    assert_int_equal(status(), 0);
    sq_req(VD_MSG_QUERY, 1, 1, 8, 8);
    doorbell();
    run();
    assert_int_equal(ep.ndma, 0);
}

static void test_batch(void **state)
{
    (void)state;
    enable(1);
    sq_req(VD_MSG_ALLOCATE, 100, 0xA1, 20, 80);
    sq_req(VD_MSG_LOCK, 101, 0xA2, 8, 16);
    sq_req(VD_MSG_QUERY, 102, 0xA3, 40, 12);
    doorbell();
    run();
    assert_int_equal(ex.n, 3);
    assert_int_equal(ex.tag[0], 0xA1);
    assert_int_equal(ex.tag[1], 0xA2);
    assert_int_equal(ex.tag[2], 0xA3);
    assert_int_equal(ex.type[0], VD_MSG_ALLOCATE);
    /* One fetch, one response write, one shadow write, one MSI. */
    assert_int_equal(ep.ndma, 3);
    assert_int_equal(ep.log[0].to_host, 0);
    assert_int_equal(ep.log[0].host, SQ_AT);
    assert_int_equal(ep.log[0].len, 88 + 24 + 24);
    assert_int_equal(ep.log[1].to_host, 1);
    assert_int_equal(ep.log[1].host, CQ_AT);
    assert_int_equal(ep.log[1].len, 32 + 16 + 48);
    assert_int_equal(ep.log[2].host, SHADOW_AT);
    assert_int_equal(ep.log[2].len, 16);
    assert_int_equal(ep.msis, 1);

    vd_queue_shadow s = shadow();
    assert_int_equal(s.sq_head, h.sq_tail);
    assert_int_equal(s.cq_tail, 96);
    assert_int_equal(s.batches, 1);
    assert_int_equal(s.reserved, 0);
    assert_int_equal(mock_mmio_get(REG(SQ_HEAD)), h.sq_tail);
    assert_int_equal(mock_mmio_get(REG(CQ_TAIL)), 96);

    rsp_rec r;
    static const uint16_t lens[] = {20, 8, 40};
    for (int i = 0; i < 3; i++) {
        assert_true(cq_pop(&r));
        assert_int_equal(r.type, (i == 0 ? VD_MSG_ALLOCATE : i == 1 ? VD_MSG_LOCK : VD_MSG_QUERY) |
                                     VD_WIRE_RESPONSE);
        assert_int_equal(r.version, VD_WIRE_VERSION);
        assert_int_equal(r.seq, 100 + i);
        assert_int_equal(r.len, lens[i]);
        assert_int_equal(r.reserved, 0);
        assert_int_equal(r.hr, S_OK);
        assert_int_equal(r.tag, 0xA1 + i);
    }
    assert_false(cq_pop(&r));

    vd_wire_fw_stats st = stats();
    assert_int_equal(st.q_batches, 1);
    assert_int_equal(st.q_requests, 3);
    assert_int_equal(st.q_fetch_bytes, 136);
    assert_int_equal(st.q_send_bytes, 96);
    assert_true(st.q_fetch_cycles > 0 && st.q_exec_cycles > 0 && st.q_build_cycles > 0 &&
                st.q_send_cycles > 0);

    /* A doorbell with nothing new: no DMA, no MSI. */
    doorbell();
    run();
    assert_int_equal(ep.ndma, 3);
    assert_int_equal(ep.msis, 1);
}

static void test_depth_in_one_batch(void **state)
{
    (void)state;
    enable(1);
    for (uint32_t i = 0; i < VD_QUEUE_DEPTH; i++)
        sq_req(VD_MSG_ALLOCATE, (uint16_t)i, i, 20, 80);
    doorbell();
    run();
    assert_int_equal(ex.n, VD_QUEUE_DEPTH);
    assert_int_equal(ep.msis, 1);
    assert_int_equal(ep.ndma, 3);
    rsp_rec r;
    for (uint32_t i = 0; i < VD_QUEUE_DEPTH; i++) {
        assert_true(cq_pop(&r));
        assert_int_equal(r.seq, i);
        assert_int_equal(r.tag, i);
    }
}

static void test_pad_records_and_sq_wrap(void **state)
{
    (void)state;
    enable(1);
    /* 3 x 1032 bytes, served; then a 1032-byte record does not fit before the 4 KiB end:
     * the host pads 1000 bytes, the record goes to offset 0. */
    for (uint32_t i = 0; i < 3; i++)
        sq_req(VD_MSG_WRITE, (uint16_t)i, i, 8, VD_WIRE_MAX_PAYLOAD);
    doorbell();
    run();
    assert_int_equal(ex.n, 3);
    unsigned d0 = ep.ndma;
    sq_req(VD_MSG_WRITE, 3, 3, 8, VD_WIRE_MAX_PAYLOAD);
    sq_req(VD_MSG_QUERY, 4, 4, 8, 8);
    doorbell();
    run();
    assert_int_equal(ex.n, 5);
    assert_int_equal(ex.tag[3], 3);
    assert_int_equal(ex.tag[4], 4);
    /* The fetch was split at the ring's end: [3096, 4096) then [0, ...). */
    assert_int_equal(ep.log[d0].host, SQ_AT + 3 * 1032);
    assert_int_equal(ep.log[d0].len, 1000);
    assert_int_equal(ep.log[d0 + 1].host, SQ_AT);
    assert_int_equal(ep.log[d0 + 1].len, 1032 + 16);
    assert_int_equal(ep.log[d0 + 1].local, ep.log[d0].local + 1000);
    assert_int_equal(shadow().sq_head, h.sq_tail);
    /* A pad record in the middle of the ring is skipped too. */
    sq_raw(VD_QUEUE_PAD | VD_WIRE_VERSION << 8, 16, "", 0);
    h.sq_tail += 16;
    sq_req(VD_MSG_QUERY, 5, 5, 8, 8);
    doorbell();
    run();
    assert_int_equal(ex.n, 6);
    assert_int_equal(ex.tag[5], 5);
    rsp_rec r;
    for (int i = 0; i < 6; i++) {
        assert_true(cq_pop(&r));
        assert_int_equal(r.seq, i);
    }
    assert_false(cq_pop(&r));
    assert_int_equal(stats().q_requests, 6); /* pads not counted */
}

static void test_partial_fetch(void **state)
{
    (void)state;
    configure(0x4000, 0x10000);
    enable(1);
    /* 5 x 1032 bytes: the first fetch holds 3 whole records and part of the 4th, which is
     * fetched again (whole) by the next batch. */
    for (uint32_t i = 0; i < 5; i++)
        sq_req(VD_MSG_WRITE, (uint16_t)i, 0x100 + i, 8, VD_WIRE_MAX_PAYLOAD);
    doorbell();
    run();
    assert_int_equal(ex.n, 5);
    for (uint32_t i = 0; i < 5; i++)
        assert_int_equal(ex.tag[i], 0x100 + i);
    vd_wire_fw_stats st = stats();
    assert_int_equal(st.q_batches, 2);
    assert_int_equal(st.q_fetch_bytes, 4096 + 2 * 1032);
    assert_int_equal(ep.msis, 2);
    vd_queue_shadow s = shadow();
    assert_int_equal(s.sq_head, 5 * 1032);
    assert_int_equal(s.batches, 2);
    rsp_rec r;
    for (int i = 0; i < 5; i++) {
        assert_true(cq_pop(&r));
        assert_int_equal(r.tag, 0x100 + i);
    }
}

static void test_malformed_records(void **state)
{
    (void)state;
    enable(1);
    uint8_t p[16] = {0};
    sq_raw(VD_MSG_QUERY | 2u << 8 | 10u << 16, 8, p, 8);                  /* version */
    sq_raw(VD_MSG_QUERY | VD_WIRE_VERSION << 8 | 11u << 16, 8 | 1u << 16, p, 8); /* reserved */
    sq_raw((VD_MSG_QUERY | VD_WIRE_RESPONSE) | VD_WIRE_VERSION << 8 | 12u << 16, 8, p, 8);
    /* A length beyond VD_WIRE_MAX_PAYLOAD that still ends inside the ring and the tail:
     * delimited, so answered and skipped (its body is never needed). */
    sq_raw(VD_MSG_WRITE | VD_WIRE_VERSION << 8 | 13u << 16, 1100, "", 0);
    h.sq_tail += VD_QUEUE_RECORD_SIZE(1100) - 8;
    sq_req(VD_MSG_QUERY, 14, 0x77, 8, 8); /* a good one after them */
    doorbell();
    run();
    assert_int_equal(ex.n, 1);
    assert_int_equal(ex.tag[0], 0x77);
    assert_int_equal(status(), VD_PCIE_STATUS_READY_MASK);
    rsp_rec r;
    static const uint8_t types[] = {VD_MSG_QUERY, VD_MSG_QUERY, VD_MSG_QUERY, VD_MSG_WRITE};
    for (int i = 0; i < 4; i++) {
        assert_true(cq_pop(&r));
        assert_int_equal(r.seq, 10 + i);
        assert_int_equal(r.type, types[i] | VD_WIRE_RESPONSE);
        assert_int_equal(r.version, VD_WIRE_VERSION);
        assert_int_equal(r.len, 4);
        assert_int_equal(r.hr, (uint32_t)E_INVALIDARG);
    }
    assert_true(cq_pop(&r));
    assert_int_equal(r.seq, 14);
    assert_int_equal(r.hr, S_OK);
    assert_int_equal(stats().q_invalid, 4);
    assert_int_equal(stats().q_requests, 5);
}

/* Records before the bad one are executed and answered; then SQ_ERROR and nothing more
 * until ENABLE restarts the queues (counts from 0). */
static void sq_error_case(int past_ring_end)
{
    sq_req(VD_MSG_QUERY, 1, 0x11, 8, 8);
    if (past_ring_end) {
        /* fill to 16 bytes before the 4 KiB end (16 + 3 x 1032 + 968), then a record
         * claiming 1024 payload bytes there */
        for (int i = 0; i < 3; i++)
            sq_req(VD_MSG_QUERY, 2, 0x22, 8, VD_WIRE_MAX_PAYLOAD);
        sq_req(VD_MSG_QUERY, 2, 0x22, 8, 960);
        assert_int_equal(h.sq_tail, h.sq_size - 16u);
        wr32(SQ_AT + (h.sq_tail & (h.sq_size - 1u)), VD_MSG_QUERY | VD_WIRE_VERSION << 8);
        wr32(SQ_AT + (h.sq_tail & (h.sq_size - 1u)) + 4, VD_WIRE_MAX_PAYLOAD);
        h.sq_tail += 16; /* the host claims only 16 bytes: runs past the ring's end anyway */
    } else {
        wr32(SQ_AT + h.sq_tail, VD_MSG_QUERY | VD_WIRE_VERSION << 8 | 3u << 16);
        wr32(SQ_AT + h.sq_tail + 4, 64); /* 72 bytes, only 16 before the tail */
        h.sq_tail += 16;
    }
    doorbell();
    run();
}

static void test_sq_error_past_tail(void **state)
{
    (void)state;
    enable(1);
    sq_error_case(0);
    assert_int_equal(ex.n, 1);
    assert_int_equal(status(), VD_PCIE_STATUS_SQ_ERROR_MASK);
    rsp_rec r;
    assert_true(cq_pop(&r));
    assert_int_equal(r.tag, 0x11);
    assert_false(cq_pop(&r));
    assert_int_equal(shadow().sq_head, 16); /* up to the bad record */
    /* More doorbells: nothing fetched, nothing executed. */
    unsigned d = ep.ndma;
    sq_req(VD_MSG_QUERY, 4, 0x44, 8, 8);
    doorbell();
    run();
    assert_int_equal(ep.ndma, d);
    assert_int_equal(ex.n, 1);
    /* Restart: counts from 0, the old records are not executed again. */
    configure(0x1000, 0x10000);
    enable(1);
    assert_int_equal(status(), VD_PCIE_STATUS_READY_MASK);
    sq_req(VD_MSG_QUERY, 5, 0x55, 8, 8);
    doorbell();
    run();
    assert_int_equal(ex.n, 2);
    assert_int_equal(ex.tag[1], 0x55);
    assert_true(cq_pop(&r));
    assert_int_equal(r.tag, 0x55);
}

static void test_sq_error_past_ring_end(void **state)
{
    (void)state;
    enable(1);
    sq_error_case(1);
    assert_int_equal(status(), VD_PCIE_STATUS_SQ_ERROR_MASK);
    unsigned n = ex.n;
    assert_int_equal(n, 5);
    for (unsigned i = 1; i < n; i++)
        assert_int_equal(ex.tag[i], 0x22);
    assert_int_equal(shadow().sq_head, h.sq_size - 16u);
}

static void test_sq_tail_too_far_or_cut_header(void **state)
{
    (void)state;
    enable(1);
    mock_mmio_set(REG(SQ_TAIL), 0x1000 + 8); /* more than the ring ahead */
    event(VD_PCIE_EV_SQ);
    run();
    assert_int_equal(status(), VD_PCIE_STATUS_SQ_ERROR_MASK);
    assert_int_equal(ep.ndma, 0);
    configure(0x1000, 0x10000);
    enable(1);
    sq_req(VD_MSG_QUERY, 1, 1, 8, 8);
    mock_mmio_set(REG(SQ_TAIL), h.sq_tail + 4); /* a tail inside the next header */
    event(VD_PCIE_EV_SQ);
    run();
    assert_int_equal(ex.n, 1);
    assert_int_equal(status(), VD_PCIE_STATUS_SQ_ERROR_MASK);
}

/* The host does not consume: the link fills the completion ring as far as it may, never
 * over an unconsumed record, waits for CQ_HEAD, then goes on; every request once. */
static void test_cq_space(void **state)
{
    (void)state;
    configure(0x4000, 0x1000);
    enable(1);
    uint32_t sent = 0;
    for (; sent < 12; sent++)
        sq_req(VD_MSG_READ, (uint16_t)sent, sent, VD_WIRE_MAX_PAYLOAD, 8);
    doorbell();
    run();
    /* 4 KiB of ring: a largest response (and a pad) must fit beyond the unconsumed ones. */
    unsigned first = ex.n;
    assert_true(first >= 1 && first < 12);
    vd_queue_shadow s = shadow();
    assert_true(s.cq_tail - h.cq_head <= h.cq_size);
    assert_int_equal(mock_mmio_get(REG(IRQ_EN)) & VD_PCIE_EV_CQ, VD_PCIE_EV_CQ);
    assert_true(stats().q_cq_waits >= 1);
    /* The host consumes; each CQ_HEAD doorbell lets more through, until all are done. */
    uint32_t got = 0;
    rsp_rec r;
    while (got < 12) {
        unsigned before = ex.n;
        while (cq_pop(&r)) {
            assert_int_equal(r.seq, got);
            assert_int_equal(r.tag, got);
            assert_int_equal(r.len, VD_WIRE_MAX_PAYLOAD);
            for (uint32_t i = 8; i < VD_WIRE_MAX_PAYLOAD; i++)
                assert_int_equal(r.data[i], got & 0xFFu);
            got++;
        }
        cq_doorbell();
        run();
        assert_true(shadow().cq_tail - h.cq_head <= h.cq_size);
        assert_true(ex.n > before || got == 12);
    }
    assert_int_equal(ex.n, 12);
    for (uint32_t i = 0; i < 12; i++)
        assert_int_equal(ex.tag[i], i);
    assert_true(pads_seen >= 1); /* 1032-byte records wrap a 4 KiB ring with a pad */
    assert_int_equal(mock_mmio_get(REG(IRQ_EN)) & VD_PCIE_EV_CQ, 0);
}

/* A response that does not fit before the completion ring's end: a pad header there (only
 * its header is written), the record at offset 0, in one batch with three DMAs. */
static void test_cq_wrap_pad(void **state)
{
    (void)state;
    configure(0x1000, 0x1000);
    enable(1);
    /* 3 x 1032 = 3096, then 24 + 8 bytes: 3128; consume them all. */
    rsp_rec r;
    for (uint32_t i = 0; i < 3; i++)
        sq_req(VD_MSG_READ, (uint16_t)i, i, VD_WIRE_MAX_PAYLOAD, 8);
    sq_req(VD_MSG_QUERY, 3, 3, 24, 8);
    doorbell();
    run();
    /* Only three fit at first (room for a largest response and a pad); the host consumes,
     * the fourth follows. */
    assert_int_equal(ex.n, 3);
    while (ex.n < 4 || h.cq_head < 3128) {
        while (cq_pop(&r))
            ;
        cq_doorbell();
        run();
    }
    assert_int_equal(h.cq_head, 3128);
    assert_int_equal(ex.n, 4);
    assert_int_equal(ep.msis, 2);
    /* Next: 40-byte record fits (3168), then a 1032 one does not (928 left): pad. */
    unsigned d0 = ep.ndma;
    sq_req(VD_MSG_QUERY, 4, 4, 32, 8);
    sq_req(VD_MSG_READ, 5, 5, VD_WIRE_MAX_PAYLOAD, 8);
    sq_req(VD_MSG_QUERY, 6, 6, 8, 8);
    doorbell();
    run();
    assert_int_equal(ex.n, 7);
    /* fetch, first segment, pad header, second segment, shadow */
    assert_int_equal(ep.ndma - d0, 5);
    assert_int_equal(ep.log[d0 + 1].host, CQ_AT + 3128);
    assert_int_equal(ep.log[d0 + 1].len, 40);
    assert_int_equal(ep.log[d0 + 2].host, CQ_AT + 3168);
    assert_int_equal(ep.log[d0 + 2].len, 8);
    assert_int_equal(ep.log[d0 + 3].host, CQ_AT);
    assert_int_equal(ep.log[d0 + 3].len, 1032 + 16);
    assert_int_equal(ep.msis, 3);
    assert_int_equal(shadow().cq_tail, 4096 + 1048);
    for (int i = 4; i < 7; i++) {
        assert_true(cq_pop(&r));
        assert_int_equal(r.seq, i);
    }
    assert_int_equal(pads_seen, 1);
    assert_int_equal(rd32(CQ_AT + 3172), 4096 - 3168 - 8);
}

static void test_dma_error_stops(void **state)
{
    (void)state;
    enable(1);
    sq_req(VD_MSG_QUERY, 1, 1, 8, 8);
    ep.fail_at = ep.ndma + 1; /* the fetch */
    doorbell();
    run();
    assert_int_equal(ex.n, 0);
    assert_int_equal(status(), VD_PCIE_STATUS_SQ_ERROR_MASK);
    assert_int_equal(stats().q_dma_errors, 1);
    /* Restarted, the response write fails: executed once, the link stops. */
    configure(0x1000, 0x10000);
    enable(1);
    sq_req(VD_MSG_QUERY, 2, 2, 8, 8);
    ep.fail_at = ep.ndma + 2;
    doorbell();
    run();
    assert_int_equal(ex.n, 1);
    assert_int_equal(status(), VD_PCIE_STATUS_SQ_ERROR_MASK);
    doorbell();
    run();
    assert_int_equal(ex.n, 1);
}

/* The host restarts the queues while a batch executes: the batch's responses are dropped,
 * not written into the new rings, and the new session starts clean. */
static void test_restart_mid_batch(void **state)
{
    (void)state;
    enable(1);
    sq_req(VD_MSG_QUERY, 1, 0x31, 8, 8);
    sq_req(VD_MSG_QUERY, 2, 0x32, 8, 8);
    ex.ctrl_on_tag = 0x31;
    ex.ctrl_armed = 1;
    mock_mmio_set(REG(CTRL), 0); /* what the host wrote meanwhile: stop */
    doorbell();
    run();
    assert_int_equal(ex.n, 2);
    assert_int_equal(ep.msis, 0);
    for (unsigned i = 0; i < ep.ndma; i++) /* only the fetch */
        assert_int_equal(ep.log[i].to_host, 0);
    assert_int_equal(status(), 0);
    /* Enabled again: counts from 0, nothing of the old batch shows up. */
    ex.ctrl_armed = 0;
    configure(0x1000, 0x10000);
    memset(host + (CQ_AT - HOST_BASE), 0xEE, 0x1000);
    enable(1);
    sq_req(VD_MSG_QUERY, 3, 0x33, 8, 8);
    doorbell();
    run();
    rsp_rec r;
    assert_true(cq_pop(&r));
    assert_int_equal(r.tag, 0x33);
    assert_false(cq_pop(&r));
    assert_int_equal(shadow().batches, 1);
}

/* Random traffic against the model host: request and response sizes, ring sizes, how
 * often the host rings and consumes; every request executed exactly once, in order, its
 * response intact, the completion ring never overrun. */
static void test_random_traffic(void **state)
{
    (void)state;
    const char *env = getenv("VD_SEED");
    unsigned seed = env ? (unsigned)strtoul(env, NULL, 0) : 12345u;
    srand(seed);
    unsigned waits = 0, pads = 0, refetched = 0;
    for (int round = 0; round < 40; round++) {
        setup(NULL);
        uint32_t sqs = 0x1000u << (rand() % 3), cqs = 0x1000u << (rand() % 3);
        configure(sqs, cqs);
        enable(1);
        uint32_t next = 0, done = 0, total = 200;
        while (done < total) {
            /* Submit while the depth and the submission ring allow. */
            uint32_t burst = (uint32_t)(rand() % 40);
            for (uint32_t k = 0; k < burst && next < total && next - done < VD_QUEUE_DEPTH; k++) {
                uint32_t len = 8 + 4 * (uint32_t)(rand() % 255);
                uint32_t rl = 8 + 4 * (uint32_t)(rand() % 255);
                uint32_t need = VD_QUEUE_RECORD_SIZE(len) + VD_QUEUE_MAX_RECORD; /* + a pad */
                if (h.sq_tail - shadow().sq_head + need > sqs)
                    break;
                sq_req(VD_MSG_QUERY, (uint16_t)next, next | (rl << 16), rl, len);
                next++;
            }
            if (rand() % 3)
                doorbell();
            run();
            rsp_rec r;
            uint32_t take = (uint32_t)(rand() % 40);
            for (uint32_t k = 0; k < take && cq_pop(&r); k++) {
                assert_int_equal(r.seq, (uint16_t)done);
                assert_int_equal(r.tag, done | (r.len << 16));
                for (uint32_t i = 8; i < r.len; i++)
                    assert_int_equal(r.data[i], r.tag & 0xFFu);
                done++;
            }
            if (rand() % 2)
                cq_doorbell();
            if (rand() % 4 == 0 && next > done) { /* make sure progress is possible */
                doorbell();
                cq_doorbell();
            }
        }
        assert_int_equal(ex.n, total);
        for (uint32_t i = 0; i < total; i++)
            assert_int_equal(ex.tag[i] & 0xFFFFu, i);
        assert_int_equal(status(), VD_PCIE_STATUS_READY_MASK);
        vd_wire_fw_stats st = stats();
        waits += st.q_cq_waits;
        pads += pads_seen;
        refetched += st.q_fetch_bytes > h.sq_tail;
    }
    /* The traffic reached the cases it is for. */
    assert_true(waits > 0 && pads > 0 && refetched > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init_waits_for_ctrl, setup),
        cmocka_unit_test_setup(test_enable_during_boot, setup),
        cmocka_unit_test_setup(test_config_validation, setup),
        cmocka_unit_test_setup(test_batch, setup),
        cmocka_unit_test_setup(test_depth_in_one_batch, setup),
        cmocka_unit_test_setup(test_pad_records_and_sq_wrap, setup),
        cmocka_unit_test_setup(test_partial_fetch, setup),
        cmocka_unit_test_setup(test_malformed_records, setup),
        cmocka_unit_test_setup(test_sq_error_past_tail, setup),
        cmocka_unit_test_setup(test_sq_error_past_ring_end, setup),
        cmocka_unit_test_setup(test_sq_tail_too_far_or_cut_header, setup),
        cmocka_unit_test_setup(test_cq_space, setup),
        cmocka_unit_test_setup(test_cq_wrap_pad, setup),
        cmocka_unit_test_setup(test_dma_error_stops, setup),
        cmocka_unit_test_setup(test_restart_mid_batch, setup),
        cmocka_unit_test_setup(test_random_traffic, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
