/* The mock PCIe function and its fake device (pcie_mock.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pcie_mock.h"

mockdev mock;
uint32_t mock_sq_size;

#define MOCK_BUS 0x40000000u

uint8_t mock_pattern(uint32_t i) { return (uint8_t)(i * 7u + 3u + (i >> 9)); }

void mock_reset(uint32_t mem_size, uint32_t alloc_size)
{
    mock_free();
    memset(&mock, 0, sizeof mock);
    mock.mem_size = mem_size;
    mock.mem_bus = MOCK_BUS;
    mock.mem = calloc(mem_size, 1);
    assert_non_null(mock.mem);
    mock.alloc_size = alloc_size;
    mock.vram = malloc((size_t)alloc_size * MOCK_ALLOCS + 1);
    assert_non_null(mock.vram);
    for (uint32_t i = 0; i < alloc_size * MOCK_ALLOCS; i++)
        mock.vram[i] = mock_pattern(i);
    mock.hello_window = VD_QUEUE_DEPTH;
    mock.query_len = 64;
    mock.next_hdev = 0x20;
    mock.dma_lo = UINT32_MAX;
    mock_sq_size = 0;
}

void mock_free(void)
{
    if (!mock.mem_external)
        free(mock.mem);
    free(mock.vram);
    mock.mem = NULL;
    mock.vram = NULL;
}

/* ---------------------------------------------------------------- the device */

static int pow2_in_range(uint32_t n)
{
    return n >= VD_QUEUE_MIN_RING && n <= VD_QUEUE_MAX_RING && !(n & (n - 1));
}

/* Host memory at a bus address (asserting the range lies inside it and the window). */
static uint8_t *at(uint32_t bus, uint32_t len)
{
    assert_true(bus >= mock.mem_bus && (uint64_t)bus + len <= (uint64_t)mock.mem_bus + mock.mem_size);
    assert_true(bus >= mock.win_base && (uint64_t)bus + len <= (uint64_t)mock.win_base + mock.win_size);
    return mock.mem + (bus - mock.mem_bus);
}

static uint8_t *alloc_vram(uint32_t h, uint32_t off, uint32_t len)
{
    uint32_t i = h - 0x40000001u;
    if (i >= MOCK_ALLOCS || off > mock.alloc_size || len > mock.alloc_size - off)
        return NULL;
    return mock.vram + (size_t)i * mock.alloc_size + off;
}

/* Execute one request; the response payload into rsp, its length returned. */
static uint16_t execute(const vd_wire_hdr *h, const uint8_t *p, uint8_t *rsp)
{
    int32_t hr = S_OK;
    uint16_t len = 4;
    memset(rsp, 0, VD_WIRE_MAX_PAYLOAD);
    mock.now_us += 20;
    switch (h->type) {
    case VD_MSG_HELLO: {
        vd_wire_hello_rsp r;
        memset(&r, 0, sizeof r);
        r.wire_version = VD_WIRE_VERSION;
        r.max_payload = VD_WIRE_MAX_PAYLOAD;
        r.window = mock.hello_window;
        r.soc_id = VD_SOC_ID;
        r.clk_hz = 12000000;
        r.vram_size = mock.alloc_size * MOCK_ALLOCS;
        memcpy(r.fw_version, "pcie-mock", 10);
        r.features = VIDALLOC_FEATURE_UART | VIDALLOC_FEATURE_TIMER | VIDALLOC_FEATURE_MEMCTL;
        r.max_allocs_per_call = 8;
        memcpy(rsp, &r, sizeof r);
        len = sizeof r;
        break;
    }
    case VD_MSG_OPEN_DEVICE: {
        vd_wire_open_device_rsp r = {S_OK, ++mock.next_hdev};
        memcpy(rsp, &r, sizeof r);
        len = sizeof r;
        break;
    }
    case VD_MSG_CLOSE_DEVICE:
    case VD_MSG_DEALLOCATE:
    case VD_MSG_UNLOCK:
        break;
    case VD_MSG_ALLOCATE: {
        vd_wire_allocate_req q;
        memcpy(&q, p, sizeof q);
        vd_wire_allocate_rsp r = {S_OK, 0, q.NumAllocations, 0};
        memcpy(rsp, &r, sizeof r);
        for (uint32_t k = 0; k < q.NumAllocations; k++) {
            uint32_t a = 0x40000001u + (mock.next_alloc++ % MOCK_ALLOCS);
            memcpy(rsp + sizeof r + 4 * k, &a, 4);
        }
        len = (uint16_t)(sizeof r + 4 * q.NumAllocations);
        break;
    }
    case VD_MSG_LOCK: {
        vd_wire_lock_rsp r = {S_OK, mock.alloc_size};
        memcpy(rsp, &r, sizeof r);
        len = sizeof r;
        break;
    }
    case VD_MSG_READ:
    case VD_MSG_WRITE: {
        vd_wire_rw_req q;
        memcpy(&q, p, sizeof q);
        uint8_t *v = alloc_vram(q.hAllocation, q.offset, q.length);
        if (!v || q.length > VD_WIRE_MAX_CHUNK) {
            hr = E_INVALIDARG;
            break;
        }
        if (h->type == VD_MSG_WRITE) {
            mock.writes_rw++;
            memcpy(v, p + sizeof q, q.length);
            break;
        }
        mock.reads++;
        vd_wire_read_rsp r = {S_OK, q.length};
        memcpy(rsp, &r, sizeof r);
        memcpy(rsp + sizeof r, v, q.length);
        len = (uint16_t)(sizeof r + VD_WIRE_PAD4(q.length));
        break;
    }
    case VD_MSG_DMA_READ:
    case VD_MSG_DMA_WRITE: {
        vd_wire_dma_req q;
        memcpy(&q, p, sizeof q);
        uint8_t *v = alloc_vram(q.hAllocation, q.offset, q.length);
        if (mock.dma_hr) {
            hr = mock.dma_hr;
            break;
        }
        /* The contract's rules: multiples of 4, 4..VD_WIRE_MAX_DMA, inside the window. */
        if (!v || q.length < 4 || q.length > VD_WIRE_MAX_DMA || (q.length | q.host_addr) & 3u ||
            q.host_addr < mock.win_base ||
            (uint64_t)q.host_addr + q.length > (uint64_t)mock.win_base + mock.win_size) {
            hr = E_INVALIDARG;
            break;
        }
        uint8_t *hm = at(q.host_addr, q.length);
        if (h->type == VD_MSG_DMA_READ) {
            mock.dma_reads++;
            memcpy(hm, v, q.length);
        } else {
            mock.dma_writes++;
            memcpy(v, hm, q.length);
        }
        if (q.length > mock.dma_max_len)
            mock.dma_max_len = q.length;
        if (q.host_addr < mock.dma_lo)
            mock.dma_lo = q.host_addr;
        if (q.host_addr + q.length > mock.dma_hi)
            mock.dma_hi = q.host_addr + q.length;
        mock.now_us += q.length / 64u; /* the transfer's time */
        break;
    }
    case VD_MSG_QUERY: {
        vd_wire_query_rsp r = {S_OK, 0, mock.query_len, 0};
        memcpy(rsp, &r, sizeof r);
        for (uint32_t i = 0; i < mock.query_len; i++)
            rsp[sizeof r + i] = mock_pattern(i + h->seq);
        len = (uint16_t)(sizeof r + VD_WIRE_PAD4(mock.query_len));
        break;
    }
    default:
        hr = E_INVALIDARG;
        break;
    }
    memcpy(rsp, &hr, 4);
    return len;
}

/* Append one completion record (a pad record first at the ring's end). 0, or -1 when the
 * host has not freed the space (it must never come to that within the depth). */
static int put_record(uint8_t type, uint16_t seq, const uint8_t *payload, uint16_t len)
{
    uint32_t need = VD_QUEUE_RECORD_SIZE(len);
    uint32_t pos = mock.cq_tail & (mock.cq_size - 1u);
    uint32_t pad = mock.cq_size - pos < need ? mock.cq_size - pos : 0;
    uint32_t used = mock.cq_tail - mock.cq_head_reg;
    assert_true(used <= mock.cq_size);
    if (mock.cq_size - used < pad + need)
        return -1;
    uint8_t *ring = at(mock.cq_base, mock.cq_size);
    if (pad) {
        vd_wire_hdr ph = {VD_QUEUE_PAD, VD_WIRE_VERSION, 0, (uint16_t)(pad - VD_WIRE_HDR_SIZE), 0};
        memcpy(ring + pos, &ph, sizeof ph);
        memset(ring + pos + sizeof ph, 0xEE, pad - sizeof ph); /* the host must skip it */
        mock.cq_tail += pad;
        mock.cq_pads++;
        pos = 0;
    }
    vd_wire_hdr h = {type, VD_WIRE_VERSION, seq, len, 0};
    memcpy(ring + pos, &h, sizeof h);
    memcpy(ring + pos + sizeof h, payload, len);
    memset(ring + pos + sizeof h + len, 0, need - sizeof h - len);
    mock.cq_tail += need;
    return 0;
}

/* Fetch and answer what the host has submitted; then shadow block, then one MSI. */
static void run_device(void)
{
    if (!mock.enabled || mock.mute || mock.sq_head == mock.sq_tail_reg)
        return;
    uint8_t *ring = at(mock.sq_base, mock.sq_size);
    /* How many records are pending (the host's requests in flight). */
    unsigned pending = 0;
    for (uint32_t c = mock.sq_head; c - mock.sq_head < mock.sq_tail_reg - mock.sq_head;) {
        vd_wire_hdr h;
        memcpy(&h, ring + (c & (mock.sq_size - 1u)), sizeof h);
        pending += h.type != VD_QUEUE_PAD;
        c += h.type == VD_QUEUE_PAD ? (uint32_t)h.len + VD_WIRE_HDR_SIZE : VD_QUEUE_RECORD_SIZE(h.len);
    }
    if (pending > mock.max_pending)
        mock.max_pending = pending;
    while (mock.sq_head != mock.sq_tail_reg) {
        uint32_t pos = mock.sq_head & (mock.sq_size - 1u);
        uint32_t left = mock.sq_size - pos, avail = mock.sq_tail_reg - mock.sq_head;
        assert_true(avail <= mock.sq_size && avail >= VD_WIRE_HDR_SIZE && avail % VD_QUEUE_ALIGN == 0);
        vd_wire_hdr h;
        memcpy(&h, ring + pos, sizeof h);
        assert_int_equal(h.version, VD_WIRE_VERSION);
        assert_int_equal(h.reserved, 0);
        if (h.type == VD_QUEUE_PAD) {
            /* A pad record fills the ring exactly to its end. */
            assert_int_equal((uint32_t)h.len + VD_WIRE_HDR_SIZE, left);
            assert_true(left <= avail);
            mock.sq_pads++;
            mock.sq_head += left;
            continue;
        }
        uint32_t rec = VD_QUEUE_RECORD_SIZE(h.len);
        assert_true(h.len <= VD_WIRE_MAX_PAYLOAD);
        assert_true(rec <= left); /* never wraps */
        assert_true(rec <= avail);
        for (uint32_t i = VD_WIRE_HDR_SIZE + h.len; i < rec; i++)
            assert_int_equal(ring[pos + i], 0); /* padded with zeros */
        assert_false(h.type & VD_WIRE_RESPONSE);
        uint8_t payload[VD_WIRE_MAX_PAYLOAD], rsp[VD_WIRE_MAX_PAYLOAD];
        memcpy(payload, ring + pos + sizeof h, h.len);
        if (mock.nreqs < MOCK_MAX_REQS) {
            mock_req *r = &mock.reqs[mock.nreqs++];
            r->type = h.type;
            r->seq = h.seq;
            r->len = h.len;
            r->pending = pending;
            memcpy(r->payload, payload, h.len < sizeof r->payload ? h.len : sizeof r->payload);
        }
        pending--;
        uint16_t len = execute(&h, payload, rsp);
        if (mock.stray) {
            uint8_t junk[16] = {0};
            assert_int_equal(put_record(h.type | VD_WIRE_RESPONSE, (uint16_t)(h.seq + 1000), junk, 16), 0);
            assert_int_equal(put_record(VD_MSG_QUERY | VD_WIRE_RESPONSE, h.seq, junk, 16), 0);
        }
        assert_int_equal(put_record(h.type | VD_WIRE_RESPONSE, h.seq, rsp, len), 0);
        mock.sq_head += rec;
    }
    vd_queue_shadow s = {mock.cq_tail, mock.sq_head, ++mock.batches, 0};
    memcpy(at(mock.shadow, sizeof s), &s, sizeof s);
    mock.msi++;
}

/* ---------------------------------------------------------------- BAR0 and the bus */

static int stopped(void)
{
    if (!mock.stopped)
        return 0;
    vd_fail(D3DDDIERR_DEVICEREMOVED, "mock: the simulator stopped");
    return 1;
}

static int m_write32(vd_pcie_bus *b, uint32_t off, uint32_t v)
{
    (void)b;
    if (stopped())
        return -1;
    if (mock.nwrites < MOCK_MAX_WRITES)
        mock.writes[mock.nwrites++] = (mock_write){off, v};
    switch (off) {
    case VD_PCIE_CTRL:
        mock.ctrl = v;
        if (!(v & VD_PCIE_CTRL_ENABLE_MASK)) {
            /* Stop: drop the queues (what a host left in them is never executed). */
            mock.enabled = 0;
            mock.status = 0;
            break;
        }
        mock.enables++;
        if (mock.deaf_enables) {
            mock.deaf_enables--;
            break;
        }
        if (mock.config_error || !pow2_in_range(mock.sq_size) || !pow2_in_range(mock.cq_size) ||
            mock.cq_size < VD_QUEUE_MIN_CQ || mock.sq_base % 8 || mock.cq_base % 8 ||
            mock.shadow % 16 || mock.win_size % 4096 || mock.win_base % 4096) {
            mock.status = VD_PCIE_STATUS_CONFIG_ERROR_MASK;
            break;
        }
        mock.enabled = 1;
        mock.sq_head = mock.cq_tail = mock.batches = 0;
        /* The doorbells are registers: they keep the last host's counts unless this host
         * zeroed them (the counts restart at 0; a stale SQ_TAIL would be fetched from). */
        assert_int_equal(mock.sq_tail_reg, 0);
        assert_int_equal(mock.cq_head_reg, 0);
        mock.lag_left = mock.ready_lag;
        mock.status = mock.ready_lag ? 0 : VD_PCIE_STATUS_READY_MASK;
        break;
    case VD_PCIE_SQ_BASE: mock.sq_base = v; break;
    case VD_PCIE_SQ_SIZE: mock.sq_size = v; break;
    case VD_PCIE_CQ_BASE: mock.cq_base = v; break;
    case VD_PCIE_CQ_SIZE: mock.cq_size = v; break;
    case VD_PCIE_SHADOW: mock.shadow = v; break;
    case VD_PCIE_HOST_WIN_BASE: mock.win_base = v; break;
    case VD_PCIE_HOST_WIN_SIZE: mock.win_size = v; break;
    case VD_PCIE_SQ_TAIL:
        /* While stopped only the restart's zeroing makes sense. */
        if (!mock.enabled)
            assert_int_equal(v, 0);
        else
            assert_true(v - mock.sq_head <= mock.sq_size);
        mock.sq_tail_reg = v;
        break;
    case VD_PCIE_CQ_HEAD:
        /* Only what the device produced, never backwards. */
        if (!mock.enabled) {
            assert_int_equal(v, 0);
        } else {
            assert_true(v - mock.cq_head_reg <= mock.cq_tail - mock.cq_head_reg);
            mock.cq_head_writes++;
        }
        mock.cq_head_reg = v;
        break;
    default:
        fail_msg("mock: write of 0x%x to BAR0 0x%x", v, off);
    }
    return 0;
}

static int m_read32(vd_pcie_bus *b, uint32_t off, uint32_t *v)
{
    (void)b;
    if (stopped())
        return -1;
    mock.now_us += 1;
    switch (off) {
    case VD_PCIE_ID: *v = VD_SOC_ID; break;
    case VD_PCIE_STATUS:
        if (mock.enabled && mock.lag_left && --mock.lag_left == 0)
            mock.status |= VD_PCIE_STATUS_READY_MASK;
        *v = mock.status;
        break;
    case VD_PCIE_CTRL: *v = mock.ctrl; break;
    default: *v = 0; break;
    }
    return 0;
}

static uint32_t m_msi_count(vd_pcie_bus *b)
{
    (void)b;
    return mock.msi;
}

static int m_wait_msi(vd_pcie_bus *b, uint32_t seen, uint64_t timeout_us)
{
    (void)b;
    if (stopped())
        return -1;
    if (mock.msi != seen)
        return 1;
    run_device();
    if (mock.msi != seen)
        return 1;
    mock.now_us += timeout_us; /* nothing came: the time passes */
    return 0;
}

static uint64_t m_now(vd_pcie_bus *b)
{
    (void)b;
    return mock.now_us;
}

static void m_close(vd_pcie_bus *b) { (void)b; }

int mock_mmio_write32(uint32_t offset, uint32_t value) { return m_write32(NULL, offset, value); }
int mock_mmio_read32(uint32_t offset, uint32_t *value) { return m_read32(NULL, offset, value); }
void mock_run_device(void) { run_device(); }

static const vd_pcie_bus_ops mock_bus_ops = {
    .name = "mock",
    .mmio_read32 = m_read32,
    .mmio_write32 = m_write32,
    .msi_count = m_msi_count,
    .wait_msi = m_wait_msi,
    .now_us = m_now,
    .close = m_close,
};

void mock_bus_init(vd_pcie_bus *b)
{
    memset(b, 0, sizeof *b);
    b->ops = &mock_bus_ops;
    b->priv = &mock;
    b->mem = mock.mem;
    b->mem_bus = mock.mem_bus;
    b->mem_size = mock.mem_size;
    b->slowdown = 1;
}

static int bus_open(vd_pcie_bus *b, const vd_uri *u, void *ctx)
{
    (void)u;
    (void)ctx;
    mock_bus_init(b);
    return 0;
}

static int mock_open(vd_transport *t, const vd_uri *u)
{
    return vd_pcie_transport_open(t, u, bus_open, NULL, mock_sq_size);
}

const vd_transport_ops mock_pcie_ops = {
    .name = "mock-pcie",
    .open = mock_open,
    .now_us = vd_pcie_transport_now,
    .close = vd_pcie_transport_close,
    .start = vd_pcie_transport_start,
    .send_msg = vd_pcie_transport_send,
    .recv_msg = vd_pcie_transport_recv,
};

HRESULT mock_open_device(HANDLE *phDevice)
{
    vd_uri u;
    assert_int_equal(vd_uri_parse("mock", &u), 0);
    return vd_device_open(&mock_pcie_ops, &u, "mock-pcie", NULL, phDevice);
}
