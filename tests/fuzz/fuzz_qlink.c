/*
 * fuzz_qlink.c - libFuzzer target: the PCIe submission-entry decoder. Records in a
 * submission ring in host memory -> the queue link's batch loop (firmware/wire/vd_qlink.c,
 * unchanged) on the real endpoint driver (firmware/drivers/pcie.c) -> the dispatcher and
 * kernel -> completion records, which a host written here from vidalloc/vd_queue.h alone
 * parses. Below the driver, a model of the endpoint: BAR0's registers, the DMA engine
 * between host memory and PCIE_BUF, IRQ_STATUS (w1c) and MSI.
 *
 * Input: one configuration byte (submission ring 4 KiB << (b & 3), completion ring
 * 4 KiB << (b >> 2 & 3)), then operations, each an opcode byte (op % 8):
 *   0, 1     a record [type u8][len u16 LE][len payload bytes], written as the host does
 *            (a pad record first when it does not fit before the ring's end); seq numbered
 *   2        [n u8]: the last record of op 0/1 again n + 1 times, new seqs, no doorbell
 *            between (the host rings only when the ring is full): wraps of both rings,
 *            batches beyond PCIE_BUF's 4 KiB, a completion ring that fills up
 *   3        [i u8][x u8]: header byte i % 8 of the last record ^= x (version, RESPONSE
 *            bit, reserved, a length past SQ_TAIL or the ring's end)
 *   4        doorbell: SQ_TAIL = the producer count, then the device runs until idle
 *   5        [n u8][n bytes]: raw bytes at the tail (rounded up to 8 with zeros)
 *   6        [d u8]: a doorbell that lies (SQ_TAIL = producer + d * 8 - 1024); the host
 *            consumes nothing meanwhile when d is odd (completion ring fills up)
 *   7        [k u8]: restart the queues (CTRL = 0, ENABLE); k & 7 != 0: the k-th DMA from
 *            now fails
 * The input ends with a doorbell.
 *
 * Checked on every input: every DMA the link asks for is legal (a multiple of 4, inside
 * PCIE_BUF, the window, and the rings or the shadow block) and never overwrites a
 * completion the host has not consumed; the shadow block and SQ_HEAD / CQ_TAIL agree;
 * every completion record is well formed (version, RESPONSE, length, pads exactly to the
 * ring's end, zero padding); while the ring holds only records written by ops 0-2 and no
 * error was raised, responses echo every non-pad record's type and seq exactly once, in
 * order; the allocator's invariants hold at the end.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_mmio.h"
#include "vd_pcie.h"
#include "vd_qlink.h"
#include "vd_regs.h"
#include "vidalloc/vd_queue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Host memory: the rings and the shadow block inside the link's DMA window (fuzz_common's,
 * which the dispatcher's DMA requests are checked against). */
#define HOST_SIZE 0x20000u
#define SQ_AT     (FUZZ_HOST_WIN_BASE + 0x00000u)
#define CQ_AT     (FUZZ_HOST_WIN_BASE + 0x08000u)
#define SHADOW_AT (FUZZ_HOST_WIN_BASE + 0x10000u)
#define NREGS     (0x200u / 4u)
#define MAX_SEQS  4096u

static uint8_t host[HOST_SIZE];
static uint32_t pbuf[VD_PCIE_BUF_SIZE / 4];

/* ---- the endpoint model ---- */

static struct {
    uint32_t reg[NREGS];
    uint32_t irq_status;
    uint32_t dmas, fail_at;
    int failed;                /* a DMA failed: the shadow block may be stale */
    uint32_t last_shadow_tail; /* cq_tail of the last shadow block written */
} ep;

/* The host's view. */
static struct {
    uint32_t sq_size, cq_size;
    uint32_t sq_tail, cq_head; /* producer / consumer counts */
    uint32_t last_rec;         /* ring offset of the last record written, or ~0 */
    uint32_t last_count;       /* ... and its producer count */
    int lying;                 /* SQ_TAIL is not the producer count */
    int tracking;              /* the ring holds only well-formed records of ops 0-2 */
    int hold;                  /* consume no completions */
    uint16_t seq;
    uint32_t nexp, nseen;      /* expected (type, seq) records: written / answered */
    uint32_t exp[MAX_SEQS];
} h;

#define R(r) ep.reg[(r) / 4u]

static uint8_t *hmem(uint32_t bus, uint32_t n)
{
    if (bus < FUZZ_HOST_WIN_BASE || bus - FUZZ_HOST_WIN_BASE > HOST_SIZE - n)
        abort();
    return host + (bus - FUZZ_HOST_WIN_BASE);
}

static int in_part(uint32_t bus, uint32_t n, uint32_t base, uint32_t size)
{
    return bus - base < size && n <= size - (bus - base);
}

/* A completion-ring write touches no record the host has not consumed: counts
 * [cq_head, the last shadow's cq_tail). */
static void check_cq_write(uint32_t bus, uint32_t n)
{
    uint32_t unconsumed = ep.last_shadow_tail - h.cq_head;
    uint32_t start = h.cq_head & (h.cq_size - 1u);
    if (unconsumed > h.cq_size)
        abort();
    for (uint32_t i = 0; i < n; i += 4) {
        uint32_t off = bus - CQ_AT + i;
        if (((off - start) & (h.cq_size - 1u)) < unconsumed)
            abort();
    }
}

static void dma_run(uint32_t ctrl)
{
    uint32_t hb = R(VD_PCIE_DMA_HOST), l = R(VD_PCIE_DMA_LOCAL), n = R(VD_PCIE_DMA_LEN);
    uint32_t err = VD_PCIE_ERR_NONE;
    int to_host = (ctrl & VD_PCIE_DMA_CTRL_TO_HOST_MASK) != 0;

    /* The engine would refuse these; the link must never need it to. */
    if (!(ctrl & VD_PCIE_DMA_CTRL_START_MASK) || n < 4 || ((n | hb | l) & 3u) != 0 ||
        !in_part(l, n, VD_PCIE_BUF_BASE, VD_PCIE_BUF_SIZE) ||
        !in_part(hb, n, R(VD_PCIE_WIN_BASE), R(VD_PCIE_WIN_SIZE)))
        abort();
    /* The queue link reaches only its rings and the shadow block. */
    if (!in_part(hb, n, SQ_AT, h.sq_size) && !in_part(hb, n, CQ_AT, h.cq_size) &&
        !(hb == SHADOW_AT && n == sizeof(vd_queue_shadow)))
        abort();
    if (to_host && in_part(hb, n, SQ_AT, h.sq_size))
        abort(); /* never writes the submission ring */
    ep.dmas++;
    if (ep.fail_at == ep.dmas) {
        err = VD_PCIE_ERR_COMPLETION;
        ep.failed = 1;
    } else if (to_host) {
        if (in_part(hb, n, CQ_AT, h.cq_size))
            check_cq_write(hb, n);
        memcpy(hmem(hb, n), (uint8_t *)pbuf + (l - VD_PCIE_BUF_BASE), n);
        if (hb == SHADOW_AT)
            memcpy(&ep.last_shadow_tail, hmem(hb, 4), 4);
    } else {
        if (!in_part(hb, n, SQ_AT, h.sq_size))
            abort(); /* reads only the submission ring */
        memcpy((uint8_t *)pbuf + (l - VD_PCIE_BUF_BASE), hmem(hb, n), n);
    }
    R(VD_PCIE_DMA_STATUS) = VD_FIELD_PREP(VD_PCIE_DMA_STATUS_ERR, err);
}

static int ep_read(uint32_t addr, uint32_t *v)
{
    uint32_t off = addr - VD_PCIE_BASE;
    if (off >= NREGS * 4u)
        return 0;
    *v = off == VD_PCIE_IRQ_STATUS ? ep.irq_status : ep.reg[off / 4u];
    return 1;
}

static int ep_write(uint32_t addr, uint32_t v)
{
    uint32_t off = addr - VD_PCIE_BASE;
    if (off >= NREGS * 4u)
        return 0;
    if (off == VD_PCIE_IRQ_STATUS)
        ep.irq_status &= ~v;
    else if (off == VD_PCIE_DMA_CTRL)
        dma_run(v);
    else if (off != VD_PCIE_CMD) /* CMD.MSI: the host looks at the shadow block anyway */
        ep.reg[off / 4u] = v;
    return 1;
}

static const fuzz_mmio_hook ep_hook = {ep_read, ep_write};

/* The level line: the handler runs while an enabled event is set. */
static void event(uint32_t bits)
{
    ep.irq_status |= bits;
    if (ep.irq_status & R(VD_PCIE_IRQ_EN))
        vd_pcie_irq_handler();
}

/* ---- the host ---- */

static vd_queue_shadow shadow(void)
{
    vd_queue_shadow sh;
    memcpy(&sh, hmem(SHADOW_AT, sizeof sh), sizeof sh);
    return sh;
}

/* Consume the completions the shadow block announces, checking each. */
static void consume(void)
{
    vd_queue_shadow sh = shadow();
    uint32_t mask = h.cq_size - 1u;

    if (ep.failed) { /* the link stopped; what the shadow says may be stale */
        h.tracking = 0;
        return;
    }
    if (sh.cq_tail != R(VD_PCIE_CQ_TAIL) || sh.sq_head != R(VD_PCIE_SQ_HEAD) ||
        sh.reserved != 0 || sh.cq_tail - h.cq_head > h.cq_size ||
        (!h.lying && sh.sq_head - (h.sq_tail - h.sq_size) > h.sq_size))
        abort();
    if (h.hold)
        return;
    while (h.cq_head != sh.cq_tail) {
        uint32_t pos = h.cq_head & mask, w0, w1, rec;
        if (sh.cq_tail - h.cq_head < VD_WIRE_HDR_SIZE)
            abort();
        memcpy(&w0, hmem(CQ_AT + pos, 4), 4);
        memcpy(&w1, hmem(CQ_AT + pos + 4, 4), 4);
        if (((w0 >> 8) & 0xFFu) != VD_WIRE_VERSION)
            abort();
        if ((w0 & 0xFFu) == VD_QUEUE_PAD) { /* exactly to the ring's end */
            if (w1 != h.cq_size - pos - VD_WIRE_HDR_SIZE)
                abort();
            h.cq_head += h.cq_size - pos;
            continue;
        }
        rec = VD_QUEUE_RECORD_SIZE(w1 & 0xFFFFu);
        if (!(w0 & VD_WIRE_RESPONSE) || (w1 >> 16) != 0 || (w1 & 0xFFFFu) < 4 ||
            (w1 & 0xFFFFu) > VD_WIRE_MAX_PAYLOAD || (w1 & 3u) != 0 || rec > h.cq_size - pos ||
            rec > sh.cq_tail - h.cq_head)
            abort();
        for (uint32_t i = VD_WIRE_HDR_SIZE + w1; i < rec; i++)
            if (*hmem(CQ_AT + pos + i, 1) != 0)
                abort();
        if (h.tracking) {
            /* type (a request with the RESPONSE bit is answered without it), seq */
            if (h.nseen >= h.nexp ||
                ((h.exp[h.nseen] ^ w0) & ~(uint32_t)VD_WIRE_RESPONSE) != 0)
                abort();
            h.nseen++;
        }
        h.cq_head += rec;
    }
    R(VD_PCIE_CQ_HEAD) = h.cq_head;
    event(VD_PCIE_EV_CQ);
}

/* The device runs until it has nothing left to do (or stopped); the host consumes after
 * each step. */
static void run_device(void)
{
    for (int i = 0; i < 64; i++) {
        event(0);
        int busy = vd_qlink_service();
        consume();
        if (R(VD_PCIE_STATUS) & VD_PCIE_STATUS_SQ_ERROR_MASK)
            h.tracking = 0; /* records were left unanswered: no more ordering to check */
        if (!busy && !vd_qlink_pending())
            break;
    }
}

static void doorbell(uint32_t tail)
{
    R(VD_PCIE_SQ_TAIL) = tail;
    event(VD_PCIE_EV_SQ);
    run_device();
}

/* Room for rec bytes (and a pad before them at the ring's end) beyond what the device has
 * not consumed. */
static int sq_room(uint32_t rec)
{
    uint32_t pos = h.sq_tail & (h.sq_size - 1u);
    uint32_t need = rec + (rec > h.sq_size - pos ? h.sq_size - pos : 0u);
    return h.sq_tail + need - shadow().sq_head <= h.sq_size;
}

static void wr(uint32_t off, const void *p, uint32_t n)
{
    memcpy(hmem(SQ_AT + off, n), p, n);
}

/* A record at the tail, a pad record first when it does not fit before the ring's end.
 * Returns 0 (nothing written) when the ring has no room even after the device ran. */
static int put_record(uint32_t w0, uint32_t w1, const uint8_t *payload, uint32_t len)
{
    uint32_t rec = VD_QUEUE_RECORD_SIZE(len);
    uint32_t pos;

    if (!sq_room(rec)) {
        doorbell(h.sq_tail);
        if (!sq_room(rec))
            return 0;
    }
    pos = h.sq_tail & (h.sq_size - 1u);
    if (rec > h.sq_size - pos) {
        uint32_t pad[2] = {VD_QUEUE_PAD | VD_WIRE_VERSION << 8, h.sq_size - pos - VD_WIRE_HDR_SIZE};
        wr(pos, pad, sizeof pad);
        h.sq_tail += h.sq_size - pos;
        pos = 0;
    }
    uint32_t hdr[2] = {w0, w1};
    wr(pos, hdr, sizeof hdr);
    memset(hmem(SQ_AT + pos + VD_WIRE_HDR_SIZE, rec - VD_WIRE_HDR_SIZE), 0,
           rec - VD_WIRE_HDR_SIZE);
    if (len)
        wr(pos + VD_WIRE_HDR_SIZE, payload, len);
    h.last_rec = pos;
    h.last_count = h.sq_tail;
    h.sq_tail += rec;
    return 1;
}

static void enable(uint32_t cfg)
{
    h.sq_size = VD_QUEUE_MIN_RING << (cfg & 3u);
    h.cq_size = VD_QUEUE_MIN_RING << (cfg >> 2 & 3u);
    h.sq_tail = h.cq_head = 0;
    h.last_rec = ~0u;
    h.tracking = 1;
    h.hold = 0;
    h.nexp = h.nseen = 0;
    h.lying = 0;
    memset(host, 0, sizeof host);
    R(VD_PCIE_CTRL) = 0;
    event(VD_PCIE_EV_CTRL);
    (void)vd_qlink_service();
    R(VD_PCIE_SQ_BASE) = SQ_AT;
    R(VD_PCIE_SQ_SIZE) = h.sq_size;
    R(VD_PCIE_CQ_BASE) = CQ_AT;
    R(VD_PCIE_CQ_SIZE) = h.cq_size;
    R(VD_PCIE_SHADOW) = SHADOW_AT;
    R(VD_PCIE_HOST_WIN_BASE) = FUZZ_HOST_WIN_BASE;
    R(VD_PCIE_HOST_WIN_SIZE) = FUZZ_HOST_WIN_SIZE;
    R(VD_PCIE_SQ_TAIL) = 0;
    R(VD_PCIE_CQ_HEAD) = 0;
    R(VD_PCIE_CTRL) = VD_PCIE_CTRL_ENABLE_MASK;
    ep.last_shadow_tail = 0;
    ep.failed = 0;
    ep.fail_at = 0;
    event(VD_PCIE_EV_CTRL);
    (void)vd_qlink_service();
    if (R(VD_PCIE_STATUS) != VD_PCIE_STATUS_READY_MASK)
        abort(); /* a good configuration */
}

/* A well-formed record of ops 0-2 at the tail, seq numbered, its answer expected. */
static void put_request(uint8_t type, const uint8_t *payload, uint32_t len)
{
    uint32_t w0 = type | VD_WIRE_VERSION << 8 | (uint32_t)h.seq << 16;
    if (!put_record(w0, len, payload, len))
        return;
    h.seq++;
    if (type == VD_QUEUE_PAD) /* skipped wherever it lies: no answer */
        return;
    if (h.nexp < MAX_SEQS)
        h.exp[h.nexp++] = w0;
    else
        h.tracking = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t payload[VD_WIRE_MAX_PAYLOAD];
    uint8_t last_type = 0;
    uint32_t last_len = 0;
    int have_last = 0;
    size_t pos = 1;

    if (size < 1)
        return 0;
    fuzz_reset();
    memset(&ep, 0, sizeof ep);
    memset(pbuf, 0, sizeof pbuf);
    fuzz_mmio_extra = &ep_hook;
    vd_pcie_init();
    vd_qlink_init(pbuf, VD_PCIE_BUF_BASE);
    enable(data[0]);

    while (pos < size) {
        uint8_t op = data[pos++] % 8u;
        size_t left = size - pos;
        if (op <= 1) {
            if (left < 3)
                break;
            uint8_t type = data[pos];
            uint32_t len = (uint32_t)data[pos + 1] | (uint32_t)data[pos + 2] << 8;
            pos += 3;
            if (len > size - pos)
                len = (uint32_t)(size - pos);
            if (len > VD_WIRE_MAX_PAYLOAD) /* a header with this length: op 3 */
                len = VD_WIRE_MAX_PAYLOAD;
            memcpy(payload, data + pos, len);
            pos += len;
            put_request(type, payload, len);
            last_type = type;
            last_len = len;
            have_last = 1;
        } else if (op == 2) {
            if (left < 1)
                break;
            uint32_t n = data[pos++] + 1u;
            for (uint32_t i = 0; have_last && i < n; i++)
                put_request(last_type, payload, last_len);
        } else if (op == 3) {
            if (left < 2)
                break;
            if (h.last_rec != ~0u && (int32_t)(h.last_count - shadow().sq_head) >= 0) {
                uint8_t *b = hmem(SQ_AT + h.last_rec + data[pos] % 8u, 1);
                *b ^= data[pos + 1];
                h.tracking = 0;
            }
            pos += 2;
        } else if (op == 4) {
            doorbell(h.sq_tail);
        } else if (op == 5) {
            if (left < 1)
                break;
            uint32_t n = data[pos++];
            if (n > size - pos)
                n = (uint32_t)(size - pos);
            uint32_t rec = (n + 7u) & ~7u;
            if (rec == 0 || !sq_room(rec) ||
                rec > h.sq_size - (h.sq_tail & (h.sq_size - 1u))) {
                pos += n;
                continue;
            }
            uint32_t at = h.sq_tail & (h.sq_size - 1u);
            memset(hmem(SQ_AT + at, rec), 0, rec);
            wr(at, data + pos, n);
            pos += n;
            h.sq_tail += rec;
            h.last_rec = ~0u;
            h.tracking = 0;
        } else if (op == 6) {
            if (left < 1)
                break;
            uint8_t d = data[pos++];
            h.hold = d & 1u;
            h.lying = 1;
            h.tracking = 0;
            doorbell(h.sq_tail + (uint32_t)d * 8u - 1024u);
            /* The device may have consumed (zeros: pad records) past the producer: the
             * host continues from there; the next doorbell tells the truth. */
            if ((int32_t)(shadow().sq_head - h.sq_tail) > 0)
                h.sq_tail = shadow().sq_head;
            R(VD_PCIE_SQ_TAIL) = h.sq_tail;
            h.lying = 0;
            h.hold = 0;
            consume();
        } else {
            if (left < 1)
                break;
            uint8_t k = data[pos++];
            enable(k >> 3);
            if (k & 7u)
                ep.fail_at = ep.dmas + (k & 7u);
        }
    }
    doorbell(h.sq_tail);
    fuzz_check_kernel();
    fuzz_mmio_extra = NULL;
    return 0;
}
