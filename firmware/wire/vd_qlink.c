/* vd_qlink.c - the wire protocol over PCIe queues (vd_qlink.h, vidalloc/vd_queue.h). */
#include "vd_qlink.h"

#include <stddef.h>
#include <string.h>

#include "vd_dispatch.h"
#include "vd_pcie.h"
#include "vd_regs.h"
#include "vd_timer.h"

#define MAX_REC VD_QUEUE_MAX_RECORD
#define W(off)  ((off) / 4u) /* word index of a byte offset in PCIE_BUF */

_Static_assert(VD_QLINK_SQ_BYTES >= MAX_REC && VD_QLINK_CQ_BYTES >= MAX_REC + 8u,
               "PCIE_BUF holds a largest request and a largest response");
/* Staged responses never reach a ring's size: at most one wrap per batch. */
_Static_assert(VD_QLINK_CQ_BYTES < VD_QUEUE_MIN_RING, "one wrap per batch");
_Static_assert((VD_QLINK_CQ_OFF | VD_QLINK_CQ_BYTES | VD_QLINK_PAD_OFF) % VD_QUEUE_ALIGN == 0,
               "PCIE_BUF parts are record aligned");

static struct {
    uint32_t *buf;       /* PCIE_BUF (CPU) */
    uint32_t buf_addr;   /* PCIE_BUF (DMA_LOCAL) */
    uint32_t ready;      /* serving the queues of the last ENABLE */
    uint32_t more;       /* records are known to be left: no sleeping */
    uint32_t sq_base, sq_size, cq_base, cq_size, shadow;
    uint32_t sq_head;    /* records consumed (executed or skipped) */
    uint32_t sq_told;    /* sq_head as the host was last told */
    uint32_t cq_tail;    /* responses written to the ring */
    uint32_t cq_head;    /* the host's consumer count, as last read */
    uint32_t cq_pend;    /* cq_tail + the staged responses (and pad) */
    uint32_t staged;     /* response bytes in PCIE_BUF's completion part */
    uint32_t split;      /* staged offset that goes to ring offset 0 (when wrapped) */
    uint32_t wrapped;    /* the staged responses wrap: 1, or 2 with a pad record first */
    uint32_t pad_at;     /* ring offset of that pad record */
    uint32_t fast_end;   /* while cq_pend - cq_tail < fast_end a response needs no check */
    uint32_t batches;
    vd_disp_link link;
    /* vd_wire_fw_stats' q_* fields, in their order (copied out whole). */
    struct {
        uint32_t q_batches, q_requests, q_invalid, q_fetch_cycles, q_exec_cycles;
        uint32_t q_build_cycles, q_send_cycles, q_fetch_bytes, q_send_bytes, q_cq_waits;
        uint32_t q_dma_errors, q_enables;
    } st;
} s;

_Static_assert(sizeof s.st == sizeof(vd_wire_fw_stats) - offsetof(vd_wire_fw_stats, q_batches),
               "the q_* counters, all of them");

/* ---- state changes ---- */

static void stop(uint32_t status)
{
    s.ready = 0;
    s.more = 0;
    vd_pcie_irq_set(VD_PCIE_EV_SQ | VD_PCIE_EV_CTRL); /* no CQ wait */
    vd_pcie_write(VD_PCIE_STATUS, status);
}

void vd_qlink_init(uint32_t *buf, uint32_t buf_addr)
{
    memset(&s, 0, sizeof s);
    s.buf = buf;
    s.buf_addr = buf_addr;
    stop(0);
}

/* [a, a + n) inside [base, base + size), without computing either end. */
static int inside(uint32_t a, uint32_t n, uint32_t base, uint32_t size)
{
    uint32_t rel = a - base;
    return rel < size && n <= size - rel;
}

static int ring_ok(uint32_t base, uint32_t size, uint32_t wb, uint32_t ws)
{
    return (size & (size - 1u)) == 0 && size >= VD_QUEUE_MIN_RING && size <= VD_QUEUE_MAX_RING &&
           (base & (VD_QUEUE_ALIGN - 1u)) == 0 && inside(base, size, wb, ws);
}

/* CTRL was written: ENABLE restarts everything (whatever was held is dropped), 0 stops. */
static void on_ctrl(void)
{
    uint32_t wb, ws;

    stop(0);
    s.staged = s.wrapped = s.fast_end = 0;
    if (!(vd_pcie_read(VD_PCIE_CTRL) & VD_PCIE_CTRL_ENABLE_MASK))
        return;
    s.st.q_enables++;
    s.sq_base = vd_pcie_read(VD_PCIE_SQ_BASE);
    s.sq_size = vd_pcie_read(VD_PCIE_SQ_SIZE);
    s.cq_base = vd_pcie_read(VD_PCIE_CQ_BASE);
    s.cq_size = vd_pcie_read(VD_PCIE_CQ_SIZE);
    s.shadow = vd_pcie_read(VD_PCIE_SHADOW);
    wb = vd_pcie_read(VD_PCIE_HOST_WIN_BASE);
    ws = vd_pcie_read(VD_PCIE_HOST_WIN_SIZE);
    /* The window: whole 4 KiB pages (the engine's granule), not wrapping past 2^32. */
    if (((wb | ws) & 0xFFFu) != 0 || ws == 0 || ws - 1u > ~wb ||
        !ring_ok(s.sq_base, s.sq_size, wb, ws) || !ring_ok(s.cq_base, s.cq_size, wb, ws) ||
        (s.shadow & 15u) != 0 || !inside(s.shadow, sizeof(vd_queue_shadow), wb, ws)) {
        stop(VD_PCIE_STATUS_CONFIG_ERROR_MASK);
        return;
    }
    vd_pcie_set_window(wb, ws);
    s.link.window = VD_QUEUE_DEPTH;
    s.link.host_win_base = wb;
    s.link.host_win_size = ws;
    s.sq_head = s.sq_told = s.cq_tail = s.cq_head = s.cq_pend = s.batches = 0;
    vd_pcie_write(VD_PCIE_SQ_HEAD, 0);
    vd_pcie_write(VD_PCIE_CQ_TAIL, 0);
    s.ready = 1;
    s.more = 1; /* SQ_TAIL may already be ahead */
    vd_pcie_write(VD_PCIE_STATUS, VD_PCIE_STATUS_READY_MASK);
}

/* ---- DMA ---- */

static int dma(uint32_t host, uint32_t off, uint32_t len, int to_host)
{
    if (vd_pcie_dma(host, s.buf_addr + off, len, to_host) == VD_PCIE_ERR_NONE)
        return 0;
    s.st.q_dma_errors++;
    return 1;
}

/* ---- completion space ---- */

/*
 * Room to build one more response: the completion ring holds the largest record (after a
 * pad to its end when less than that is left there) beyond what the host has not consumed,
 * PCIE_BUF holds it, and a batch wraps at most once. CQ_HEAD is read only when the cached
 * value says no. When the staged responses have not wrapped, it also works out how far
 * cq_pend may go from cq_tail with none of these in question (fast_end): the batch loop
 * then checks one difference per request instead of calling this.
 */
__attribute__((noinline)) static int room(void)
{
    uint32_t mask = s.cq_size - 1u;
    uint32_t pos = s.cq_pend & mask;
    uint32_t left = s.cq_size - pos;
    uint32_t need = MAX_REC + (left < MAX_REC ? left : 0u);
    uint32_t end, tpos, free;

    s.fast_end = 0;
    if (s.staged + MAX_REC > VD_QLINK_CQ_BYTES)
        return 0;
    if (s.wrapped && (left < MAX_REC || pos == 0))
        return 0;
    if (s.cq_pend - s.cq_head + need > s.cq_size) {
        s.cq_head = vd_pcie_read(VD_PCIE_CQ_HEAD);
        /* A head ahead of the tail is the host's error: the difference wraps, no room. */
        if (s.cq_pend - s.cq_head > s.cq_size - need)
            return 0;
    }
    /* Before any wrap, staged = cq_pend - cq_tail; stay short of PCIE_BUF's end, of the
     * ring's end zone (no pad) and of the space the host has freed. */
    tpos = s.cq_tail & mask;
    free = s.cq_size - (s.cq_tail - s.cq_head); /* checked below: a head past the tail */
    if (!s.wrapped && tpos <= s.cq_size - MAX_REC && s.cq_tail - s.cq_head <= s.cq_size &&
        free >= MAX_REC) {
        end = VD_QLINK_CQ_BYTES - MAX_REC;
        if (end > s.cq_size - MAX_REC - tpos)
            end = s.cq_size - MAX_REC - tpos;
        if (end > free - MAX_REC)
            end = free - MAX_REC;
        s.fast_end = end + 1u;
    }
    return 1;
}

/* ---- responses ---- */

/* The ring place of the staged response of rec bytes, outside the fast zone: a wrap, or a
 * pad record first when it does not fit before the ring's end. */
__attribute__((noinline)) static void place_slow(uint32_t rec)
{
    uint32_t pos = s.cq_pend & (s.cq_size - 1u);
    uint32_t left = s.cq_size - pos;

    if (pos == 0 && s.cq_pend != s.cq_tail) { /* the staged part before ends at the ring's end */
        s.wrapped = 1;
        s.split = s.staged;
    } else if (rec > left) {
        uint32_t *p = s.buf + W(VD_QLINK_PAD_OFF);
        p[0] = VD_QUEUE_PAD | (VD_WIRE_VERSION << 8);
        p[1] = left - VD_WIRE_HDR_SIZE;
        s.wrapped = 2;
        s.split = s.staged;
        s.pad_at = pos;
        s.cq_pend += left;
    }
    s.staged += rec;
    s.cq_pend += rec;
}

/* Write the staged responses to the ring, then the shadow block, SQ_HEAD / CQ_TAIL and one
 * MSI. Returns 0, or 1 when a DMA failed (the link has stopped). */
static int send(void)
{
    uint32_t first = s.wrapped ? s.split : s.staged;
    uint32_t pos = s.cq_tail & (s.cq_size - 1u);
    uint32_t *sh;
    int err = 0;

    if (s.staged == 0 && s.sq_head == s.sq_told)
        return 0;
    /* The host restarted the queues while this batch ran (it may have died mid-request):
     * its responses belong to rings that are gone. Dropped; on_ctrl comes next. */
    if (vd_pcie_pending_events() & VD_PCIE_EV_CTRL) {
        s.staged = s.wrapped = 0;
        return 1;
    }
    if (first != 0)
        err |= dma(s.cq_base + pos, VD_QLINK_CQ_OFF, first, 1);
    if (s.wrapped == 2) /* only the pad's header: the host skips its body */
        err |= dma(s.cq_base + s.pad_at, VD_QLINK_PAD_OFF, VD_WIRE_HDR_SIZE, 1);
    if (s.wrapped && s.staged != s.split)
        err |= dma(s.cq_base, VD_QLINK_CQ_OFF + s.split, s.staged - s.split, 1);
    if (err) { /* no shadow block pointing at records that are not there */
        stop(VD_PCIE_STATUS_SQ_ERROR_MASK);
        return 1;
    }
    s.st.q_send_bytes += s.staged + (s.wrapped == 2 ? VD_WIRE_HDR_SIZE : 0u);
    s.cq_tail = s.cq_pend;
    s.sq_told = s.sq_head;
    s.staged = s.wrapped = s.fast_end = 0;
    sh = s.buf + W(VD_QLINK_SHADOW_OFF);
    sh[0] = s.cq_tail;
    sh[1] = s.sq_head;
    sh[2] = ++s.batches;
    sh[3] = 0;
    err = dma(s.shadow, VD_QLINK_SHADOW_OFF, sizeof(vd_queue_shadow), 1);
    vd_pcie_write(VD_PCIE_SQ_HEAD, s.sq_head);
    vd_pcie_write(VD_PCIE_CQ_TAIL, s.cq_tail);
    vd_pcie_msi();
    s.st.q_batches++;
    if (err)
        stop(VD_PCIE_STATUS_SQ_ERROR_MASK);
    return err;
}

/* ---- one batch ---- */

/* Fetch up to what PCIE_BUF holds of [sq_head, sq_head + avail), split at the ring's end.
 * Returns the bytes fetched (0 after a DMA error). */
static uint32_t fetch(uint32_t avail)
{
    uint32_t n = avail < VD_QLINK_SQ_BYTES ? avail : VD_QLINK_SQ_BYTES;
    uint32_t pos = s.sq_head & (s.sq_size - 1u);
    uint32_t first = s.sq_size - pos;
    int err;

    n &= ~(VD_QUEUE_ALIGN - 1u); /* whole record units: a tail inside one is caught below */
    if (n == 0)
        return 0;
    if (first > n)
        first = n;
    err = dma(s.sq_base + pos, VD_QLINK_SQ_OFF, first, 0);
    if (first != n)
        err |= dma(s.sq_base, VD_QLINK_SQ_OFF + first, n - first, 0);
    s.st.q_fetch_bytes += n;
    return err ? 0 : n;
}

static int batch(void)
{
    uint32_t avail = vd_pcie_read(VD_PCIE_SQ_TAIL) - s.sq_head;
    uint32_t n, off, t0, t1, exec = 0, status = 0;

    s.more = 0;
    if (avail == 0)
        return 0;
    if (avail > s.sq_size) { /* the host ran more than the ring ahead */
        stop(VD_PCIE_STATUS_SQ_ERROR_MASK);
        return 1;
    }
    if (!room()) { /* wait for CQ_HEAD; a doorbell after the clear raises the line */
        vd_pcie_write(VD_PCIE_IRQ_STATUS, VD_PCIE_EV_CQ);
        if (!room()) {
            s.st.q_cq_waits++;
            vd_pcie_irq_set(VD_PCIE_EV_SQ | VD_PCIE_EV_CTRL | VD_PCIE_EV_CQ);
            return 1;
        }
    }
    if (vd_pcie_irq_get() & VD_PCIE_EV_CQ) /* the wait is over */
        vd_pcie_irq_set(VD_PCIE_EV_SQ | VD_PCIE_EV_CTRL);

    t0 = vd_timer_now();
    n = fetch(avail);
    t1 = vd_timer_now();
    s.st.q_fetch_cycles += t1 - t0;
    if (n == 0 && avail >= VD_QUEUE_ALIGN) { /* the fetch DMA failed */
        stop(VD_PCIE_STATUS_SQ_ERROR_MASK);
        return 1;
    }

    /* The hot loop keeps the link's state in registers (the dispatcher is a call away) and
     * nothing else live across the call, so nothing is spilled around it: pointers instead
     * of offsets; `left` is the fast zone's room (fast_end - (pend - tail) - 1 while >= 0);
     * `diff` = cq_pend - staged, constant in the fast zone; `wrap` where the ring ends (at
     * most one end inside a fetch: n <= SQ_BYTES <= the ring); the response header is
     * written before the call. s.staged / s.cq_pend are written back only for room() and
     * place_slow(). */
    uint8_t *sq = (uint8_t *)s.buf + VD_QLINK_SQ_OFF;
    uint8_t *p = sq, *end = sq + avail, *nend = sq + n;
    uint8_t *wrap = sq + (s.sq_size - (s.sq_head & (s.sq_size - 1u)));
    uint8_t *lim = wrap < nend ? wrap : nend; /* the nearer of the two: one check */
    uint32_t *h = (uint32_t *)((uint8_t *)s.buf + VD_QLINK_CQ_OFF + s.staged);
    uint32_t diff = s.cq_pend - s.staged;
    int32_t left = (int32_t)(s.fast_end - (s.cq_pend - s.cq_tail)) - 1;
    uint32_t done = 0;
    /* p < nend is a whole header: n and every record are multiples of 8. */
    while (p < nend) {
        const uint32_t *r = (const uint32_t *)p;
        uint32_t w0, w1, len, rec, m, bad;

        w0 = r[0];
        w1 = r[1];
        len = w1 & 0xFFFFu;
        rec = VD_QUEUE_RECORD_SIZE(len);
        /* Version and the RESPONSE bit in one compare; reserved != 0 makes w1 > 0xFFFF. */
        bad = ((w0 & 0xFF80u) ^ (VD_WIRE_VERSION << 8)) | (w1 > VD_WIRE_MAX_PAYLOAD);
        if (rec > (uint32_t)(lim - p)) {
            /* Not wholly fetched, or past the ring's end: the rare cases, in full. */
            if (rec > (uint32_t)(wrap - p) || rec > (uint32_t)(end - p)) {
                status = VD_PCIE_STATUS_SQ_ERROR_MASK; /* cannot be delimited */
                break;
            }
            if ((w0 & 0xFFu) != VD_QUEUE_PAD && !bad)
                break; /* cut by PCIE_BUF's end: fetched again next batch */
            /* a pad, or a bad record answered from its header alone: below */
        }
        if ((w0 & 0xFFu) == VD_QUEUE_PAD) {
            p += rec;
            if (p == wrap) {
                wrap += s.sq_size;
                lim = wrap < nend ? wrap : nend;
            }
            continue;
        }
        if (left < 0) {
            s.staged = (uint32_t)((uint8_t *)h - (uint8_t *)s.buf) - VD_QLINK_CQ_OFF;
            s.cq_pend = s.staged + diff;
            if (!room())
                break;
            left = (int32_t)(s.fast_end - (s.cq_pend - s.cq_tail)) - 1;
        }
        p += rec;
        if (p == wrap) {
            wrap += s.sq_size;
            lim = wrap < nend ? wrap : nend;
        }
        /* The response header: type and seq echoed, version (checked) and RESPONSE. */
        if (bad) {
            h[0] = (w0 & 0xFFFF007Fu) | VD_WIRE_RESPONSE | (VD_WIRE_VERSION << 8);
            h[2] = (uint32_t)E_INVALIDARG;
            m = 4;
            s.st.q_invalid++;
        } else {
            h[0] = w0 | VD_WIRE_RESPONSE;
            exec -= vd_timer_now();
            __asm__("" : "+r"(exec)); /* kept as one running value: no start time to spill */
            /* ALLOCATE, the hot request, straight to its handler: type, payload and
             * len <= VD_WIRE_MAX_PAYLOAD are known here (vd_disp_execute's checks). */
            if ((uint8_t)w0 == VD_MSG_ALLOCATE)
                m = vd_disp_allocate((const uint8_t *)(r + 2), len, (uint8_t *)(h + 2));
            else
                m = vd_disp_execute(&s.link, (uint8_t)w0, (const uint8_t *)(r + 2), len,
                                    (uint8_t *)(h + 2));
            exec += vd_timer_now();
        }
        h[1] = m; /* len, reserved 0 */
        if (m & 4u)
            h[2 + W(m)] = 0; /* zero padding to 8 */
        m = VD_QUEUE_RECORD_SIZE(m);
        if (left >= 0) { /* the fast zone: no wrap, no pad */
            h += W(m);
            left -= (int32_t)m;
        } else { /* left stays negative: room() again before the next one */
            s.staged = (uint32_t)((uint8_t *)h - (uint8_t *)s.buf) - VD_QLINK_CQ_OFF;
            s.cq_pend = s.staged + diff;
            place_slow(m);
            h = (uint32_t *)((uint8_t *)s.buf + VD_QLINK_CQ_OFF + s.staged);
            diff = s.cq_pend - s.staged;
        }
        done++;
    }
    /* Stopped at the fetch's end with less than a header before SQ_TAIL: a header cut. */
    if (!status && p >= nend && p < end && (uint32_t)(end - p) < VD_WIRE_HDR_SIZE)
        status = VD_PCIE_STATUS_SQ_ERROR_MASK;
    off = (uint32_t)(p - sq);
    s.staged = (uint32_t)((uint8_t *)h - (uint8_t *)s.buf) - VD_QLINK_CQ_OFF;
    s.cq_pend = s.staged + diff;
    s.st.q_requests += done;
    s.sq_head += off;
    s.st.q_exec_cycles += exec;
    t0 = vd_timer_now();
    s.st.q_build_cycles += t0 - t1 - exec;
    if (send() == 0) {
        if (status)
            stop(status);
        else
            s.more = off != avail;
    }
    s.st.q_send_cycles += vd_timer_now() - t0;
    return 1;
}

/* ---- the main loop's side ---- */

int vd_qlink_service(void)
{
    uint32_t ev = vd_pcie_take_events();

    if (ev & VD_PCIE_EV_CTRL)
        on_ctrl();
    if (!s.ready || (ev == 0 && !s.more))
        return ev != 0;
    return batch();
}

int vd_qlink_pending(void)
{
    return vd_pcie_pending_events() != 0 || s.more;
}

void vd_qlink_get_stats(vd_wire_fw_stats *out)
{
    memcpy(&out->q_batches, &s.st, sizeof s.st);
}
