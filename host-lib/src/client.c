/*
 * The protocol client: frames (vd_frame.h), sequence numbers, a window of outstanding
 * requests, go-back-N retransmission, responses matched by seq and type; the patience for
 * requests the firmware holds while the GPU works; a response's HRESULT. Over a message
 * transport (the PCIe queues) the same window and matching, without frames or
 * retransmission (run_messages).
 */
#include <stdio.h>
#include <string.h>

#include "vd_host.h"

#define VD_RX_CHUNK 512

void vd_client_init(vd_client *c, vd_transport *t, uint16_t first_seq)
{
    memset(c, 0, sizeof *c);
    c->t = t;
    c->next_seq = first_seq;
    /* A message transport says its depth; HELLO may lower either. */
    c->window = VD_WIRE_WINDOW;
    if (vd_transport_is_msg(t) && t->window)
        c->window = t->window < VD_CLIENT_MAX_WINDOW ? t->window : VD_CLIENT_MAX_WINDOW;
    c->proc_us = 100000; /* firmware time per request: generous (the CPU runs at 12 MHz) */
    c->max_retries = 8;
    c->link_timeout_us = (uint64_t)VD_LINK_TIMEOUT_MS * 1000u * (t->slowdown ? t->slowdown : 1u);
    c->chunk = VD_CLIENT_MAX_CHUNK;
    vd_frame_decoder_init(&c->dec);
}

void vd_client_restart(vd_client *c)
{
    c->count = 0;
    c->base = 0;
    c->link = VIDALLOC_LINK_UP;
    c->session = 0;
    c->gpu_busy = 0;
    c->fw_removed = 0;
    c->backoff = 0;
    vd_frame_decoder_init(&c->dec);
}

uint32_t vd_client_chunk(const vd_client *c)
{
    return vd_transport_is_msg(c->t) ? VD_WIRE_MAX_CHUNK : c->chunk;
}

int vd_type_waits_for_gpu(uint8_t type)
{
    return type == VD_MSG_RENDER || type == VD_MSG_LOCK || type == VD_MSG_DEALLOCATE ||
           type == VD_MSG_CLOSE_DEVICE;
}

void vd_client_set_gpu_wait(vd_client *c, uint32_t clk_hz, uint32_t vram_size,
                            uint32_t tdr_delay_cycles)
{
    /* The firmware waits at most about 2 TdrDelay + 4 cycles per VRAM byte (its backstop)
     * for a submission before it recovers; then the request is answered. Plus a second. */
    uint64_t clk = clk_hz ? clk_hz : 12000000u;
    uint64_t delay = tdr_delay_cycles ? tdr_delay_cycles : (uint64_t)VD_TDR_DELAY_SECONDS * clk;
    uint64_t cycles = 2u * delay + 4u * (uint64_t)vram_size;
    uint64_t us = cycles * 1000000u / clk + 1000000u;
    c->gpu_wait_us = us * (c->t->slowdown ? c->t->slowdown : 1u);
}

HRESULT vd_rsp_hr(const uint8_t *rsp, size_t len)
{
    return len >= 4 ? (HRESULT)vd_get32(rsp) : E_FAIL;
}

uint64_t vd_client_msg_patience(const vd_client *c, uint8_t type)
{
    uint64_t quiet = (uint64_t)(c->max_retries + 1u) * c->proc_us *
                     (c->t->slowdown ? c->t->slowdown : 1u);
    if (vd_type_waits_for_gpu(type) && c->gpu_wait_us > quiet)
        quiet = c->gpu_wait_us;
    return quiet;
}

uint64_t vd_client_rto(const vd_client *c, size_t bytes)
{
    /* Everything in flight goes out and its responses come back (`bytes`: both ways, the
     * firmware's decode and encode about as slow as the line again: twice the wire time),
     * plus the firmware's own time: measured (smoothed + 4 deviations, at least 2 ms) once
     * a sample exists, the generous allowance before. Doubled per timeout in a row, up to
     * a quarter of the link timeout (so a lost link still sees several tries). */
    uint64_t slow = c->t->slowdown ? c->t->slowdown : 1u;
    uint64_t wire_us = 2u * (uint64_t)bytes * 10u * 1000000u /
                       (c->t->baud ? c->t->baud : VD_DEFAULT_BAUD);
    uint64_t proc = c->srtt_us ? (c->srtt_us + 4u * c->rttvar_us) / slow : c->proc_us;
    if (proc < 2000u)
        proc = 2000u; /* an ALLOCATE of several allocations takes about 1 ms alone */
    uint64_t rto = (wire_us + proc) * slow;
    for (unsigned k = 0; k < c->backoff && rto < c->link_timeout_us / 4u; k++)
        rto *= 2u;
    if (c->backoff && rto > c->link_timeout_us / 4u)
        rto = c->link_timeout_us / 4u;
    return rto;
}

/* A response to a request sent once: a sample of the firmware's time beyond the wire. */
static void rtt_sample(vd_client *c, const vd_slot *s, size_t rsp_bytes)
{
    vd_transport *t = c->t;
    uint64_t now = t->ops->now_us(t);
    uint64_t slow = t->slowdown ? t->slowdown : 1u;
    uint64_t wire = 2u * ((uint64_t)s->frame_len + rsp_bytes) * 10u * 1000000u /
                    (t->baud ? t->baud : VD_DEFAULT_BAUD) * slow;
    uint64_t rtt = now - s->sent_us;
    uint64_t m = rtt > wire ? rtt - wire : 0;
    if (!c->srtt_us) {
        c->srtt_us = m ? m : 1;
        c->rttvar_us = m / 2u;
        return;
    }
    uint64_t err = m > c->srtt_us ? m - c->srtt_us : c->srtt_us - m;
    c->rttvar_us = (3u * c->rttvar_us + err) / 4u;
    c->srtt_us = (7u * c->srtt_us + m) / 8u;
    if (!c->srtt_us)
        c->srtt_us = 1;
}

static vd_slot *slot_at(vd_client *c, unsigned k)
{
    return &c->slots[(c->base + k) % VD_CLIENT_MAX_WINDOW];
}

static int send_frame(vd_client *c, vd_slot *s)
{
    const uint8_t *data = s->frame;
    size_t len = s->frame_len;
    uint8_t damaged[VD_WIRE_MAX_FRAME];
    uint64_t index = c->frames_sent++;
    if (c->fault && c->fault_at_tx == index) {
        int f = c->fault;
        if (f == VIDALLOC_FAULT_DROP_TX) {
            c->fault = 0;
            if (c->verbose)
                fprintf(stderr, "vidalloc: [fault] dropped outgoing frame seq %u\n", s->seq);
            return 0;
        }
        if (f == VIDALLOC_FAULT_CORRUPT_TX) {
            c->fault = 0;
            memcpy(damaged, data, len);
            uint8_t *b = &damaged[len / 2 < len - 1 ? len / 2 : 0];
            *b ^= (*b ^ 0x01) ? 0x01 : 0x02; /* never turn it into a delimiter */
            data = damaged;
            if (c->verbose)
                fprintf(stderr, "vidalloc: [fault] corrupted outgoing frame seq %u\n", s->seq);
        }
    }
    c->bytes_sent += len;
    c->tx_total += len;
    if (!s->sent) {
        s->sent = 1;
        s->first_mark = c->tx_total;
        s->sent_us = c->t->ops->now_us(c->t);
    } else {
        s->resent = 1;
    }
    c->last_tx_us = c->t->ops->now_us(c->t);
    c->rx_at_tx = c->bytes_received;
    if (c->t->ops->send(c->t, data, len) < 0)
        return -1;
    return 0;
}

/* Bytes sent that the firmware may not have read yet, and whether `len` more fit the
 * contract's buffer (vd_wire.h, Flow control). Requests leave room for one SYNC. */
static uint64_t unsettled(const vd_client *c) { return c->tx_total - c->settled; }

static int fits(const vd_client *c, size_t len, int probe)
{
    uint64_t cap = VD_WIRE_RX_BUFFER - (probe ? 0u : VD_CLIENT_PROBE_RESERVE);
    return unsettled(c) + len <= cap;
}

static void settle(vd_client *c, uint64_t mark)
{
    if (mark > c->settled)
        c->settled = mark;
}

/* Send a SYNC (outside sequencing: its seq is a nonce). 0, or -1 when the transport failed. */
static int send_probe(vd_client *c)
{
    vd_wire_sync_req req = {.session = c->session};
    uint8_t frame[VD_WIRE_SYNC_FRAME + 8];
    uint16_t nonce = c->probe_nonce++;
    size_t len = vd_frame_encode(frame, VD_MSG_SYNC, nonce, &req, sizeof req);
    c->tx_total += len;
    c->bytes_sent += len;
    c->syncs_sent++;
    c->probe_seq[nonce % 8u] = nonce;
    c->probe_mark[nonce % 8u] = c->tx_total;
    c->last_tx_us = c->t->ops->now_us(c->t);
    return c->t->ops->send(c->t, frame, len);
}

/* A decoded frame arrived: file it with its outstanding request. */
static void on_frame(vd_client *c, const vd_wire_hdr *hdr, const uint8_t *payload)
{
    if (!(hdr->type & VD_WIRE_RESPONSE))
        return; /* an echo of our own request (or noise): not for us */
    /* Any good frame from the board: the line and the board are alive. */
    c->last_rx_us = c->t->ops->now_us(c->t);
    if (hdr->type == (VD_MSG_SYNC | VD_WIRE_RESPONSE)) {
        unsigned i = hdr->seq % 8u;
        if (c->probe_seq[i] == hdr->seq && c->probe_mark[i])
            settle(c, c->probe_mark[i]); /* it read everything before that SYNC */
        if (hdr->len >= sizeof c->sync_rsp) {
            memcpy(&c->sync_rsp, payload, sizeof c->sync_rsp);
            c->sync_got = 1;
        } else if (hdr->len >= 4) {
            memset(&c->sync_rsp, 0, sizeof c->sync_rsp);
            memcpy(&c->sync_rsp.hr, payload, 4);
            c->sync_got = 1;
        }
        return;
    }
    for (unsigned k = 0; k < c->count; k++) {
        vd_slot *s = slot_at(c, k);
        if (s->seq != hdr->seq)
            continue;
        if (s->done || (hdr->type & ~VD_WIRE_RESPONSE) != s->type || hdr->len < 4)
            return; /* a replayed duplicate, or not the answer to this request */
        memcpy(s->rsp, payload, hdr->len);
        s->rsp_len = hdr->len;
        s->done = 1;
        if (s->sent)
            settle(c, s->first_mark); /* it read at least to the end of the first copy */
        if (s->sent && !s->resent)
            rtt_sample(c, s, (size_t)hdr->len + VD_WIRE_HDR_SIZE + VD_WIRE_CRC_SIZE + 2u);
        c->frames_received++;
        return;
    }
    /* A response to nothing outstanding: a replay of one already consumed. Ignore it. */
}

/* Feed received bytes through the decoder (with the receive-side fault hook). */
static void feed(vd_client *c, uint8_t *buf, long n)
{
    c->bytes_received += (uint64_t)n;
    for (long i = 0; i < n; i++) {
        if (c->fault == VIDALLOC_FAULT_CORRUPT_RX && c->fault_at_rx == c->rx_frames_raw &&
            buf[i] != 0) {
            buf[i] ^= (buf[i] ^ 0x01) ? 0x01 : 0x02;
            c->fault = 0;
            if (c->verbose)
                fprintf(stderr, "vidalloc: [fault] corrupted an incoming frame\n");
        }
        const vd_wire_hdr *hdr;
        const uint8_t *payload;
        int got = vd_frame_feed(&c->dec, buf[i], &hdr, &payload);
        if (buf[i] == 0) {
            uint64_t index = c->rx_frames_raw++;
            if (got && c->fault == VIDALLOC_FAULT_DROP_RX && c->fault_at_rx == index) {
                c->fault = 0;
                if (c->verbose)
                    fprintf(stderr, "vidalloc: [fault] dropped incoming frame seq %u\n", hdr->seq);
                continue;
            }
        }
        if (got)
            on_frame(c, hdr, payload);
    }
}

/* The line bytes of what is outstanding: the requests and their expected responses. */
static size_t bytes_in_flight(vd_client *c)
{
    size_t b = 0;
    for (unsigned k = 0; k < c->count; k++)
        b += slot_at(c, k)->frame_len + slot_at(c, k)->rsp_est;
    return b;
}

/* A response's expected size on the line: READ's data, QUERY's struct, else small. */
static uint32_t rsp_estimate(uint8_t type, const uint8_t *payload, size_t len)
{
    uint32_t body = 32;
    if (type == VD_MSG_READ && len >= sizeof(vd_wire_rw_req)) {
        vd_wire_rw_req r;
        memcpy(&r, payload, sizeof r);
        body = (uint32_t)sizeof(vd_wire_read_rsp) + (r.length < VD_WIRE_MAX_CHUNK ? r.length
                                                                                  : VD_WIRE_MAX_CHUNK);
    } else if (type == VD_MSG_QUERY || type == VD_MSG_HELLO || type == VD_MSG_ESCAPE) {
        body = 160;
    }
    return body + VD_WIRE_HDR_SIZE + VD_WIRE_CRC_SIZE + body / 254u + 2u;
}

/* Hand completed responses to done(), oldest first; 1 when any was. */
static int deliver(vd_client *c, unsigned *completed, int *stop, vd_done_fn done, void *ctx)
{
    int progressed = 0;
    while (c->count && slot_at(c, 0)->done) {
        vd_slot *s = slot_at(c, 0);
        unsigned index = (*completed)++;
        c->base = (c->base + 1) % VD_CLIENT_MAX_WINDOW;
        c->count--;
        progressed = 1;
        if (!*stop && done(ctx, index, s->rsp, s->rsp_len))
            *stop = 1;
    }
    return progressed;
}

/* vd_client_run over a message transport: the link is reliable and ordered, so a request
 * is sent once; what is not answered within the patience (no response of any kind
 * meanwhile) means the board is gone. */
static HRESULT run_messages(vd_client *c, uint8_t type, unsigned n, vd_build_fn build,
                            vd_done_fn done, void *ctx)
{
    vd_transport *t = c->t;
    unsigned issued = 0, completed = 0;
    int stop = 0;
    uint8_t rx[VD_WIRE_MAX_PAYLOAD];
    uint64_t patience = vd_client_msg_patience(c, type);
    uint64_t since = t->ops->now_us(t);

    /* Post every request the window has room for, then one doorbell for the group. */
    int grouped = t->ops->post_msg && t->ops->flush_msg;
    int (*post)(vd_transport *, const vd_wire_hdr *, const uint8_t *) =
        grouped ? t->ops->post_msg : t->ops->send_msg;

    while (completed < n && !(stop && c->count == 0)) {
        unsigned posted = 0;
        while (!stop && issued < n && c->count < c->window) {
            vd_slot *s = slot_at(c, c->count);
            size_t len = build(ctx, issued, s->frame);
            if (len > VD_WIRE_MAX_PAYLOAD) {
                c->dead = 1;
                return vd_fail(E_FAIL, "internal: request of %zu bytes exceeds the payload", len);
            }
            s->seq = c->next_seq++;
            s->type = type;
            s->done = 0;
            s->frame_len = len;
            vd_wire_hdr h = {type, VD_WIRE_VERSION, s->seq, (uint16_t)len, 0};
            if (c->count == 0)
                since = t->ops->now_us(t);
            c->count++;
            issued++;
            if (post(t, &h, s->frame) < 0) {
                c->dead = 1;
                return D3DDDIERR_DEVICEREMOVED;
            }
            posted++;
            c->frames_sent++;
            c->bytes_sent += VD_QUEUE_RECORD_SIZE(len);
        }
        if (grouped && posted && t->ops->flush_msg(t) < 0) {
            c->dead = 1;
            return D3DDDIERR_DEVICEREMOVED;
        }
        if (deliver(c, &completed, &stop, done, ctx)) {
            since = t->ops->now_us(t);
            continue;
        }
        if (c->count == 0)
            continue;
        uint64_t now = t->ops->now_us(t);
        if (now - since >= patience) {
            c->dead = 1;
            return vd_fail(D3DDDIERR_DEVICEREMOVED,
                           "no response from the board over %s (seq %u, type 0x%02x, %llu ms)",
                           t->ops->name, slot_at(c, 0)->seq, slot_at(c, 0)->type,
                           (unsigned long long)((now - since) / 1000u));
        }
        vd_wire_hdr h;
        uint64_t wait = since + patience - now;
        int got;
        /* Grouped: everything already announced is taken (no wait) before the window is
         * refilled, so the refill is one group behind one doorbell. */
        while ((got = t->ops->recv_msg(t, &h, rx, wait)) > 0) {
            c->bytes_received += VD_QUEUE_RECORD_SIZE(h.len);
            on_frame(c, &h, rx);
            if (!grouped)
                break;
            wait = 0;
        }
        if (got < 0) {
            c->dead = 1;
            return D3DDDIERR_DEVICEREMOVED; /* the transport said why */
        }
    }
    return S_OK;
}

static int sync_round(vd_client *c);

/* The link is lost (no valid frame for the link timeout): say so, once. */
static HRESULT link_lost(vd_client *c, uint8_t type, uint64_t quiet_us)
{
    if (c->link == VIDALLOC_LINK_UP) {
        c->link = VIDALLOC_LINK_LOST;
        c->link_losses++;
    }
    return vd_fail(D3DDDIERR_DEVICEREMOVED,
                   "link lost: no valid frame from the board for %llu ms (type 0x%02x in flight; "
                   "%llu timeouts); the next call tries to resume the session",
                   (unsigned long long)(quiet_us / 1000u), type,
                   (unsigned long long)c->timeouts);
}

static HRESULT transport_failed(vd_client *c)
{
    char why[512]; /* vd_fail formats aside anyway; keep the transport's sentence */
    snprintf(why, sizeof why, "%s", vidalloc_last_error());
    c->link = VIDALLOC_LINK_CLOSED;
    c->dead = 1;
    return vd_fail(D3DDDIERR_DEVICEREMOVED, "link closed: the board is gone (%s)",
                   why[0] ? why : "the transport failed");
}

static HRESULT board_reset(vd_client *c, const char *how)
{
    c->link = VIDALLOC_LINK_BOARD_RESET;
    c->count = 0;
    return vd_fail(D3DDDIERR_DEVICEREMOVED,
                   "board reset: %s; everything on it is gone (vidalloc_reopen starts over)", how);
}

/* How long this request type may go without a valid frame before the link is lost: the
 * link timeout, or the GPU wait where a submission may hold the firmware: a RENDER (it waits
 * for the previous one), and LOCK, DEALLOCATE, CLOSE_DEVICE after a RENDER until a FENCE
 * saw everything complete. */
static uint64_t quiet_limit(const vd_client *c, uint8_t type)
{
    uint64_t q = c->link_timeout_us;
    if ((type == VD_MSG_RENDER || c->gpu_busy) && vd_type_waits_for_gpu(type) &&
        c->gpu_wait_us > q)
        q = c->gpu_wait_us;
    return q;
}

/* Put the not-yet-sent requests on the line, oldest first, while they fit the budget. */
static int send_pending(vd_client *c)
{
    for (unsigned k = 0; k < c->count; k++) {
        vd_slot *s = slot_at(c, k);
        if (s->sent || s->done)
            continue;
        if (!fits(c, s->frame_len, 0))
            return 0;
        if (send_frame(c, s) < 0)
            return -1;
    }
    return 0;
}

/* Read what the transport has until `until` (transport µs); -1 when it failed. */
static int pump(vd_client *c, uint64_t until)
{
    vd_transport *t = c->t;
    uint8_t rx[VD_RX_CHUNK];
    uint64_t now = t->ops->now_us(t);
    if (now >= until)
        return 0;
    long got = t->ops->recv(t, rx, sizeof rx, until - now);
    if (got < 0)
        return -1;
    feed(c, rx, got);
    return 0;
}

/* A timeout with nothing answered: retransmit (go back N) what fits the budget; when
 * nothing does, a SYNC, whose answer settles what the firmware has read. */
static int retransmit(vd_client *c)
{
    vd_transport *t = c->t;
    int sent = 0;
    c->timeouts++;
    c->clean_run = 0;
    /* Back off while the line is silent; bytes arriving (even damaged) say it is alive and
     * merely noisy, where waiting longer gains nothing. */
    if (c->bytes_received == c->rx_at_tx && c->backoff < 16)
        c->backoff++;
    /* Long frames are the ones that fail: halve the READ/WRITE chunk (down to 64) when
     * what timed out carried more than that. */
    if (c->chunk > 64u && bytes_in_flight(c) > 2u * c->chunk)
        c->chunk = c->chunk / 2u < 64u ? 64u : c->chunk / 2u;
    for (unsigned k = 0; k < c->count; k++) {
        vd_slot *s = slot_at(c, k);
        if (s->done)
            continue;
        if (!fits(c, s->frame_len, 0))
            break;
        if (c->verbose)
            fprintf(stderr, "vidalloc: retransmit seq %u (type 0x%02x)\n", s->seq, s->type);
        c->retransmissions++;
        if (send_frame(c, s) < 0)
            return -1;
        sent = 1;
    }
    if (sent)
        return 0;
    if (fits(c, VD_WIRE_SYNC_FRAME, 1))
        return send_probe(c);
    /* Budget and probe room both used up and unanswered: a line that delivers nothing for
     * a quarter of the link timeout has dropped what it carried (a line that stored it all
     * and delivers later is the one case this can overrun; docs/host-lib.md). */
    if (t->ops->now_us(t) - c->last_tx_us >= c->link_timeout_us / 4u) {
        c->settled = c->tx_total;
        return send_probe(c);
    }
    return 0;
}

HRESULT vd_client_run(vd_client *c, uint8_t type, unsigned n, vd_build_fn build, vd_done_fn done,
                      void *ctx)
{
    if (c->dead)
        return vd_fail(D3DDDIERR_DEVICEREMOVED, "link closed: the link to the board is lost (the board is gone)");
    if (vd_transport_is_msg(c->t))
        return run_messages(c, type, n, build, done, ctx);
    if (c->link == VIDALLOC_LINK_BOARD_RESET)
        return vd_fail(D3DDDIERR_DEVICEREMOVED, "board reset: the board lost this session "
                       "(vidalloc_reopen starts over)");
    if (c->link == VIDALLOC_LINK_LOST) {
        HRESULT hr = vd_client_resume(c);
        if (FAILED(hr))
            return hr;
    }
    vd_transport *t = c->t;
    unsigned issued = 0, completed = 0;
    int stop = 0, no_session = 0;
    uint8_t payload[VD_WIRE_MAX_PAYLOAD];
    uint64_t deadline = 0;
    uint64_t quiet = quiet_limit(c, type);
    /* The call's start counts as life: a board idle before it sent nothing. */
    uint64_t since = t->ops->now_us(t);
    c->backoff = 0;
    c->timeouts_run = 0;

    while (completed < n && !(stop && c->count == 0)) {
        /* Fill the window. */
        while (!stop && issued < n && c->count < c->window) {
            size_t len = build(ctx, issued, payload);
            vd_slot *s = slot_at(c, c->count);
            s->seq = c->next_seq++;
            s->type = type;
            s->done = 0;
            s->sent = 0;
            s->resent = 0;
            s->frame_len = vd_frame_encode(s->frame, type, s->seq, payload, (uint16_t)len);
            if (!s->frame_len) {
                c->dead = 1;
                return vd_fail(E_FAIL, "internal: request of %zu bytes does not fit a frame", len);
            }
            s->rsp_est = rsp_estimate(type, payload, len);
            if (c->count == 0)
                deadline = t->ops->now_us(t) + vd_client_rto(c, s->frame_len + s->rsp_est);
            c->count++;
            issued++;
            if (type == VD_MSG_RENDER)
                c->gpu_busy = 1;
        }
        if (send_pending(c) < 0)
            return transport_failed(c);
        /* Hand completed responses over, oldest first. */
        while (c->count && slot_at(c, 0)->done) {
            vd_slot *s = slot_at(c, 0);
            unsigned index = completed++;
            HRESULT rhr = vd_rsp_hr(s->rsp, s->rsp_len);
            c->base = (c->base + 1) % VD_CLIENT_MAX_WINDOW;
            c->count--;
            c->backoff = 0;
            c->timeouts_run = 0;
            /* Frames arrive whole again: the chunk grows back by 64 bytes per 8 responses
             * of READ/WRITE without a retransmission (it halved per timeout: AIMD, as TCP's
             * window; small requests say nothing about long frames). */
            if (c->resizable && !s->resent && ++c->clean_run >= 8u &&
                c->chunk < VD_CLIENT_MAX_CHUNK) {
                c->chunk = c->chunk + 64u > VD_CLIENT_MAX_CHUNK ? VD_CLIENT_MAX_CHUNK
                                                                : c->chunk + 64u;
                c->clean_run = 0;
            }
            since = t->ops->now_us(t);
            deadline = since + vd_client_rto(c, bytes_in_flight(c));
            if (rhr == VD_WIRE_E_NO_SESSION) {
                no_session = 1;
                stop = 1;
                continue;
            }
            if (rhr == D3DDDIERR_DEVICEREMOVED)
                c->fw_removed = 1;
            if (type == VD_MSG_FENCE && SUCCEEDED(rhr) && s->rsp_len >= sizeof(vd_wire_fence_rsp)) {
                vd_wire_fence_rsp f;
                memcpy(&f, s->rsp, sizeof f);
                if (f.completed == f.submitted)
                    c->gpu_busy = 0;
            }
            if (!stop && done(ctx, index, s->rsp, s->rsp_len))
                stop = 1;
        }
        if (no_session && c->count == 0)
            break;
        if (c->count == 0)
            continue;
        uint64_t now = t->ops->now_us(t);
        uint64_t alive = c->last_rx_us > since ? c->last_rx_us : since;
        if (now - alive >= quiet)
            return link_lost(c, type, now - alive);
        if (now < deadline) {
            uint64_t until = deadline < alive + quiet ? deadline : alive + quiet;
            uint64_t dropped = c->dec.dropped;
            if (pump(c, until) < 0)
                return transport_failed(c);
            /* A damaged frame while waiting is most likely the answer: retransmit now
             * rather than at the timeout (the firmware replays; a spare copy costs little). */
            if (c->dec.dropped != dropped && !slot_at(c, 0)->done) {
                c->fast_retransmits++;
                deadline = t->ops->now_us(t);
            }
            continue;
        }
        if (c->resizable && c->session && c->timeouts_run++ >= 1u) {
            /* Its frames are longer than the line carries whole now: abandon what is not
             * answered and let the caller send it again in the smaller chunk. The SYNC's
             * answer comes after everything sent before it was read. */
            vd_slot *o = slot_at(c, 0);
            if (o->frame_len + o->rsp_est > 2u * c->chunk + 64u) {
                int r = sync_round(c);
                if (r < 0)
                    return transport_failed(c);
                if (r == 0)
                    return link_lost(c, type, t->ops->now_us(t) - alive);
                if (c->session &&
                    (c->sync_rsp.hr != S_OK || c->sync_rsp.session != c->session))
                    return board_reset(c, "the board has no session");
                c->count = 0;
                c->base = 0;
                c->next_seq = c->sync_rsp.expected;
                c->resizes++;
                return VD_CLIENT_RESIZE;
            }
        }
        if (retransmit(c) < 0)
            return transport_failed(c);
        deadline = t->ops->now_us(t) + vd_client_rto(c, bytes_in_flight(c));
    }
    if (no_session)
        return board_reset(c, "the board answered a request outside a session");
    return S_OK;
}

/* Send SYNCs (with backoff) until one is answered or the link timeout passes. 1 with
 * c->sync_rsp, 0 when none was, -1 when the transport failed. */
static int sync_round(vd_client *c)
{
    vd_transport *t = c->t;
    uint64_t start = t->ops->now_us(t);
    c->sync_got = 0;
    c->backoff = 0;
    for (;;) {
        uint64_t now = t->ops->now_us(t);
        if (now - start >= c->link_timeout_us)
            return 0;
        if (fits(c, VD_WIRE_SYNC_FRAME, 1)) {
            if (send_probe(c) < 0)
                return -1;
        } else if (now - c->last_tx_us >= c->link_timeout_us / 4u) {
            c->settled = c->tx_total; /* as in retransmit() */
            if (send_probe(c) < 0)
                return -1;
        }
        uint64_t until = t->ops->now_us(t) + vd_client_rto(c, 2u * VD_WIRE_SYNC_FRAME);
        if (until > start + c->link_timeout_us)
            until = start + c->link_timeout_us;
        while (!c->sync_got && t->ops->now_us(t) < until)
            if (pump(c, until) < 0)
                return -1;
        if (c->sync_got)
            return 1;
        if (c->backoff < 16)
            c->backoff++;
    }
}

int vd_client_sync_session(vd_client *c)
{
    c->session = 0;
    int r = sync_round(c);
    if (r < 0) {
        transport_failed(c);
        return -1;
    }
    /* A firmware from before SYNC answers E_INVALIDARG (or nothing): no resume with it, a
     * lost link stays lost (as before SYNC existed). */
    if (r == 1 && c->sync_rsp.hr == S_OK)
        c->session = c->sync_rsp.session;
    return 0;
}

HRESULT vd_client_resume(vd_client *c)
{
    if (c->dead)
        return vd_fail(D3DDDIERR_DEVICEREMOVED, "link closed: the link to the board is lost (the board is gone)");
    /* A 0x00 ends whatever partial frame the board holds; then ask where the session is. */
    static const uint8_t zero = 0;
    c->tx_total += 1;
    if (c->t->ops->send(c->t, &zero, 1) < 0)
        return transport_failed(c);
    vd_frame_decoder_init(&c->dec);
    int r = sync_round(c);
    if (r < 0)
        return transport_failed(c);
    if (r == 0)
        return vd_fail(D3DDDIERR_DEVICEREMOVED, "link lost: no answer to SYNC for %llu ms; "
                       "the next call tries again",
                       (unsigned long long)(c->link_timeout_us / 1000u));
    if (!c->session)
        return vd_fail(D3DDDIERR_DEVICEREMOVED, "link lost: this firmware cannot resume a "
                       "session (no SYNC); reopen the device");
    if (c->sync_rsp.hr != S_OK || c->sync_rsp.session != c->session)
        return board_reset(c, c->sync_rsp.session ? "the board runs another session"
                                                  : "the board has no session");
    /* Everything sent before the SYNC has been read (the answer settled it): go on at the
     * seq the firmware expects. A request the lost call had in flight may have executed;
     * its call reported the loss (docs/host-lib.md). */
    c->count = 0;
    c->base = 0;
    c->next_seq = c->sync_rsp.expected;
    c->link = VIDALLOC_LINK_UP;
    c->backoff = 0;
    c->resumes++;
    return S_OK;
}

struct one_call {
    const void *req;
    size_t req_len;
    void *rsp;
    size_t cap, len;
};

static size_t one_build(void *ctx, unsigned i, uint8_t *payload)
{
    struct one_call *oc = ctx;
    (void)i;
    if (oc->req_len) /* OPEN_DEVICE has no payload (and a NULL req) */
        memcpy(payload, oc->req, oc->req_len);
    return oc->req_len;
}

static int one_done(void *ctx, unsigned i, const uint8_t *payload, size_t len)
{
    struct one_call *oc = ctx;
    (void)i;
    oc->len = len < oc->cap ? len : oc->cap;
    memcpy(oc->rsp, payload, oc->len);
    return 0;
}

HRESULT vd_client_call(vd_client *c, uint8_t type, const void *req, size_t req_len, void *rsp,
                       size_t cap, size_t *rsp_len)
{
    struct one_call oc = {req, req_len, rsp, cap, 0};
    memset(rsp, 0, cap);
    HRESULT hr = vd_client_run(c, type, 1, one_build, one_done, &oc);
    if (rsp_len)
        *rsp_len = oc.len;
    return hr;
}

int vd_client_idle(vd_client *c, uint64_t us)
{
    if (c->dead)
        return vd_fail(D3DDDIERR_DEVICEREMOVED, "the link to the board is lost"), -1;
    vd_transport *t = c->t;
    uint64_t deadline = t->ops->now_us(t) + us;
    uint8_t rx[VD_WIRE_MAX_PAYLOAD > VD_RX_CHUNK ? VD_WIRE_MAX_PAYLOAD : VD_RX_CHUNK];
    for (;;) {
        uint64_t now = t->ops->now_us(t);
        if (now >= deadline)
            return 0;
        if (vd_transport_is_msg(t)) {
            vd_wire_hdr h;
            if (t->ops->recv_msg(t, &h, rx, deadline - now) < 0) {
                c->dead = 1;
                return -1;
            }
            continue; /* nothing is outstanding: whatever came is dropped */
        }
        long got = t->ops->recv(t, rx, sizeof rx, deadline - now);
        if (got < 0) {
            c->dead = 1;
            return -1;
        }
        feed(c, rx, got); /* nothing is outstanding: late replays are ignored */
    }
}

int vd_client_wait_banner(vd_client *c, uint64_t timeout_us)
{
    vd_transport *t = c->t;
    uint64_t deadline = t->ops->now_us(t) + timeout_us;
    uint8_t b;
    for (;;) {
        uint64_t now = t->ops->now_us(t);
        if (now >= deadline)
            return 0;
        long got = t->ops->recv(t, &b, 1, deadline - now);
        if (got < 0)
            return -1;
        if (got == 0)
            continue;
        c->bytes_received++;
        const vd_wire_hdr *hdr;
        const uint8_t *payload;
        (void)vd_frame_feed(&c->dec, b, &hdr, &payload);
        if (c->verbose && b)
            fputc(b, stderr);
        if (b == 0)
            return 1;
    }
}
