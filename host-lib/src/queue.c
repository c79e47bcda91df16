/*
 * The host side of the PCIe queues (proto/include/vidalloc/vd_queue.h): the layout of host
 * memory, start-up and restart, request records into the submission ring (pad records at
 * its end) with the SQ_TAIL doorbell, response records out of the completion ring as the
 * shadow block announces them, with the CQ_HEAD doorbell. Talks to the device only through
 * a vd_pcie_bus, so the same code runs on the simulator's shared memory, in process, and
 * against the unit tests' mock device.
 */
#include <stddef.h>
#include <string.h>

#include "pcie_bus.h"
#include "vd_host.h"

/* Pauses while polling STATUS at start-up, bus µs. */
#define VD_QH_POLL_FIRST_US 50u
#define VD_QH_POLL_MAX_US   5000u
/* ENABLE again when READY has not come for this long (board µs). */
#define VD_QH_REENABLE_US   20000u

/* The smallest power of two >= n (n <= 2^31). */
static uint32_t pow2_at_least(uint32_t n)
{
    uint32_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

/* The device's counts from the shadow block (acquire: what it announces is in memory). */
static uint32_t shadow_word(vd_queue_host *q, size_t off)
{
    return __atomic_load_n((uint32_t *)(void *)(q->bus->mem + q->shadow_off + off),
                           __ATOMIC_ACQUIRE);
}
#define SHADOW_CQ_TAIL(q) shadow_word(q, offsetof(vd_queue_shadow, cq_tail))
#define SHADOW_SQ_HEAD(q) shadow_word(q, offsetof(vd_queue_shadow, sq_head))

int vd_queue_layout(vd_queue_host *q, vd_pcie_bus *bus, uint32_t sq_size)
{
    memset(q, 0, sizeof *q);
    q->bus = bus;
    /* Depth requests of the largest size, plus a pad record at the wrap. */
    uint32_t ring = pow2_at_least(VD_QUEUE_MIN_CQ);
    if (ring < VD_QUEUE_MIN_RING)
        ring = VD_QUEUE_MIN_RING;
    q->shadow_off = VD_QH_SHADOW_OFF;
    q->sq_off = VD_QH_SQ_OFF;
    q->sq_size = sq_size ? sq_size : ring;
    q->cq_off = q->sq_off + q->sq_size;
    q->cq_size = ring;
    q->bounce_off = q->cq_off + q->cq_size;
    q->win_size = bus->mem_size & ~0xFFFu;
    if (q->sq_size & (q->sq_size - 1) || q->sq_size < VD_QUEUE_MIN_RING ||
        q->sq_size > VD_QUEUE_MAX_RING) {
        vd_fail(E_INVALIDARG, "pcie: submission ring of %u bytes (a power of two, %u..%u)",
                q->sq_size, VD_QUEUE_MIN_RING, VD_QUEUE_MAX_RING);
        return -1;
    }
    if (bus->mem_bus & 0xFFFu) {
        vd_fail(E_FAIL, "pcie: host memory at bus address 0x%08x is not 4 KiB aligned",
                bus->mem_bus);
        return -1;
    }
    if (q->win_size < q->bounce_off + 0x1000u ||
        (uint64_t)bus->mem_bus + q->win_size > 0x100000000ull) {
        vd_fail(E_FAIL, "pcie: %u bytes of host memory at 0x%08x: the queues need %u and a "
                "bounce page below 4 GiB", bus->mem_size, bus->mem_bus, q->bounce_off + 0x1000u);
        return -1;
    }
    q->bounce_size = q->win_size - q->bounce_off;
    return 0;
}

static int rd(vd_queue_host *q, uint32_t off, uint32_t *v)
{
    return q->bus->ops->mmio_read32(q->bus, off, v);
}

static int wr(vd_queue_host *q, uint32_t off, uint32_t v)
{
    return q->bus->ops->mmio_write32(q->bus, off, v);
}

/* Let bus time pass (the board runs) without waiting for anything in particular. */
static int pause_us(vd_queue_host *q, uint64_t us)
{
    vd_pcie_bus *b = q->bus;
    return b->ops->wait_msi(b, b->ops->msi_count(b), us) < 0 ? -1 : 0;
}

/* Poll STATUS until (STATUS & mask) == want or CONFIG_ERROR; 0, or -1 (vd_fail). While
 * waiting for READY, ENABLE is written again now and then: a firmware that was still
 * booting (or was reset) when the first one came may have dropped its event. */
static int wait_status(vd_queue_host *q, uint32_t mask, uint32_t want, uint64_t timeout_us,
                       const char *what)
{
    vd_pcie_bus *b = q->bus;
    uint64_t start = b->ops->now_us(b);
    uint64_t pause = VD_QH_POLL_FIRST_US;
    uint64_t reenable = VD_QH_REENABLE_US * (b->slowdown ? b->slowdown : 1u);
    uint64_t next_enable = start + reenable;
    for (;;) {
        uint32_t st;
        if (rd(q, VD_PCIE_STATUS, &st))
            return -1;
        if ((st & mask) == want)
            return 0;
        if (want && (st & VD_PCIE_STATUS_CONFIG_ERROR_MASK)) {
            vd_fail(E_FAIL, "pcie: the firmware refused the queue configuration (STATUS 0x%x "
                    "CONFIG_ERROR)", st);
            return -1;
        }
        uint64_t spent = b->ops->now_us(b) - start;
        if (spent >= timeout_us) {
            vd_fail(E_FAIL, "pcie: %s: STATUS 0x%x after %llu ms (does the firmware serve "
                    "the PCIe queues?)", what, st, (unsigned long long)(spent / 1000u));
            return -1;
        }
        if (want && b->ops->now_us(b) >= next_enable) {
            if (wr(q, VD_PCIE_CTRL, 0) || wr(q, VD_PCIE_CTRL, VD_PCIE_CTRL_ENABLE_MASK))
                return -1;
            next_enable = b->ops->now_us(b) + reenable;
        }
        if (pause_us(q, pause < timeout_us - spent ? pause : timeout_us - spent))
            return -1;
        if (pause < VD_QH_POLL_MAX_US)
            pause *= 2;
    }
}

int vd_queue_start(vd_queue_host *q, uint64_t timeout_us)
{
    vd_pcie_bus *b = q->bus;
    uint32_t id;
    if (rd(q, VD_PCIE_ID, &id))
        return -1;
    if (id != VD_SOC_ID) {
        vd_fail(E_FAIL, "pcie: BAR0 ID reads 0x%08x, not a vidalloc board (0x%08x)", id,
                VD_SOC_ID);
        return -1;
    }
    /* Stop first, and wait until the firmware says so: a READY left from the previous host
     * must not be taken for the answer to this ENABLE. */
    q->started = 0;
    if (wr(q, VD_PCIE_CTRL, 0) ||
        wait_status(q, VD_PCIE_STATUS_READY_MASK, 0, timeout_us, "stopping the old queues"))
        return -1;
    /* Both counts restart at 0; nothing of the old rings can be read as new. */
    memset(b->mem + q->shadow_off, 0, sizeof(vd_queue_shadow));
    memset(b->mem + q->sq_off, 0, q->sq_size);
    memset(b->mem + q->cq_off, 0, q->cq_size);
    q->sq_tail = q->sq_rung = q->cq_head = q->cq_rung = 0;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    /* The doorbells are registers that keep the previous host's counts: zero them while
     * the queues are stopped, or the firmware would fetch from a stale SQ_TAIL. */
    if (wr(q, VD_PCIE_SQ_TAIL, 0) || wr(q, VD_PCIE_CQ_HEAD, 0) ||
        wr(q, VD_PCIE_SQ_BASE, b->mem_bus + q->sq_off) ||
        wr(q, VD_PCIE_SQ_SIZE, q->sq_size) ||
        wr(q, VD_PCIE_CQ_BASE, b->mem_bus + q->cq_off) ||
        wr(q, VD_PCIE_CQ_SIZE, q->cq_size) ||
        wr(q, VD_PCIE_SHADOW, b->mem_bus + q->shadow_off) ||
        wr(q, VD_PCIE_HOST_WIN_BASE, b->mem_bus) ||
        wr(q, VD_PCIE_HOST_WIN_SIZE, q->win_size) ||
        wr(q, VD_PCIE_CTRL, VD_PCIE_CTRL_ENABLE_MASK))
        return -1;
    if (wait_status(q, VD_PCIE_STATUS_READY_MASK, VD_PCIE_STATUS_READY_MASK, timeout_us,
                    "waiting for STATUS.READY"))
        return -1;
    q->started = 1;
    return 0;
}

void vd_queue_stop(vd_queue_host *q)
{
    if (q->started)
        (void)wr(q, VD_PCIE_CTRL, 0);
    q->started = 0;
}

int vd_queue_ring(vd_queue_host *q)
{
    if (q->sq_rung == q->sq_tail)
        return 0;
    /* The records are in host memory before the doorbell (the bus orders its MMIO write
     * after earlier stores too). */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    q->sq_rung = q->sq_tail;
    return wr(q, VD_PCIE_SQ_TAIL, q->sq_tail);
}

int vd_queue_send(vd_queue_host *q, const vd_wire_hdr *hdr, const uint8_t *payload,
                  uint64_t timeout_us)
{
    return vd_queue_post(q, hdr, payload, timeout_us) || vd_queue_ring(q) ? -1 : 0;
}

int vd_queue_post(vd_queue_host *q, const vd_wire_hdr *hdr, const uint8_t *payload,
                  uint64_t timeout_us)
{
    vd_pcie_bus *b = q->bus;
    if (hdr->len > VD_WIRE_MAX_PAYLOAD) {
        vd_fail(E_FAIL, "internal: a request of %u bytes", hdr->len);
        return -1;
    }
    uint32_t need = VD_QUEUE_RECORD_SIZE(hdr->len);
    uint32_t pos = q->sq_tail & (q->sq_size - 1u);
    uint32_t pad = need > q->sq_size - pos ? q->sq_size - pos : 0;
    uint64_t start = b->ops->now_us(b);
    for (;;) {
        uint32_t seen = b->ops->msi_count(b);
        uint32_t used = q->sq_tail - SHADOW_SQ_HEAD(q);
        if (used > q->sq_size) {
            vd_fail(D3DDDIERR_DEVICEREMOVED, "pcie: the shadow block's sq_head is %u bytes "
                    "behind the tail %u (ring %u)", used, q->sq_tail, q->sq_size);
            return -1;
        }
        if (q->sq_size - used >= pad + need)
            break;
        /* Only when the host outruns the depth the ring was sized for (tests). */
        uint64_t spent = b->ops->now_us(b) - start;
        if (spent >= timeout_us) {
            vd_fail(D3DDDIERR_DEVICEREMOVED, "pcie: the submission ring stays full");
            return -1;
        }
        if (vd_queue_ring(q)) /* records posted without a doorbell: the space comes from them */
            return -1;
        if (b->ops->wait_msi(b, seen, timeout_us - spent) < 0)
            return -1;
    }
    uint8_t *ring = b->mem + q->sq_off;
    if (pad) {
        /* A record never wraps: fill the end with a pad record the firmware skips. */
        vd_wire_hdr ph = {VD_QUEUE_PAD, VD_WIRE_VERSION, 0, (uint16_t)(pad - VD_WIRE_HDR_SIZE), 0};
        memcpy(ring + pos, &ph, sizeof ph);
        memset(ring + pos + sizeof ph, 0, pad - sizeof ph);
        q->sq_tail += pad;
        pos = 0;
    }
    memcpy(ring + pos, hdr, sizeof *hdr);
    if (hdr->len)
        memcpy(ring + pos + sizeof *hdr, payload, hdr->len);
    memset(ring + pos + sizeof *hdr + hdr->len, 0, need - sizeof *hdr - hdr->len);
    q->sq_tail += need;
    return 0;
}

static int corrupt(vd_queue_host *q, const char *why, uint32_t a, uint32_t c)
{
    vd_fail(D3DDDIERR_DEVICEREMOVED, "pcie: completion ring corrupt at count %u: %s (%u, %u)",
            q->cq_head, why, a, c);
    return -1;
}

/* Free the consumed completion space once everything announced is consumed. */
static int ring_cq_head(vd_queue_host *q, uint32_t tail)
{
    if (q->cq_head != tail || q->cq_rung == q->cq_head)
        return 0;
    q->cq_rung = q->cq_head;
    return wr(q, VD_PCIE_CQ_HEAD, q->cq_head);
}

int vd_queue_recv(vd_queue_host *q, vd_wire_hdr *hdr, uint8_t *payload, uint64_t timeout_us)
{
    vd_pcie_bus *b = q->bus;
    const uint8_t *ring = b->mem + q->cq_off;
    uint64_t start = b->ops->now_us(b);
    for (;;) {
        /* The MSI count before the shadow block: an MSI after this look wakes the wait. */
        uint32_t seen = b->ops->msi_count(b);
        uint32_t tail = SHADOW_CQ_TAIL(q);
        if (tail - q->cq_head > q->cq_size)
            return corrupt(q, "cq_tail beyond the ring", tail, q->cq_size);
        while (q->cq_head != tail) {
            uint32_t pos = q->cq_head & (q->cq_size - 1u);
            uint32_t left = q->cq_size - pos, avail = tail - q->cq_head;
            vd_wire_hdr h;
            if (avail < sizeof h)
                return corrupt(q, "a partial header", avail, 0);
            memcpy(&h, ring + pos, sizeof h);
            if (h.type == VD_QUEUE_PAD) {
                if ((uint32_t)h.len + VD_WIRE_HDR_SIZE != left || left > avail)
                    return corrupt(q, "a pad record that does not end the ring", h.len, left);
                q->cq_head += left;
                continue;
            }
            uint32_t rec = VD_QUEUE_RECORD_SIZE(h.len);
            if (h.len > VD_WIRE_MAX_PAYLOAD || rec > left || rec > avail)
                return corrupt(q, "a record past the ring's end or the tail", h.len, avail);
            *hdr = h;
            memcpy(payload, ring + pos + sizeof h, h.len);
            q->cq_head += rec;
            if (ring_cq_head(q, tail))
                return -1;
            return 1;
        }
        if (ring_cq_head(q, tail) || vd_queue_ring(q)) /* pads consumed; nothing unrung */
            return -1;
        uint64_t spent = b->ops->now_us(b) - start;
        if (spent >= timeout_us)
            return 0;
        if (b->ops->wait_msi(b, seen, timeout_us - spent) < 0)
            return -1;
    }
}
