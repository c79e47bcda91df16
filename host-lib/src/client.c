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
    vd_frame_decoder_init(&c->dec);
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
    /* Everything in flight goes out, the largest response comes back, plus processing. */
    uint64_t line_bits = ((uint64_t)bytes + VD_WIRE_MAX_FRAME) * 10u;
    uint64_t wire_us = line_bits * 1000000u / (c->t->baud ? c->t->baud : VD_DEFAULT_BAUD);
    return (wire_us + c->proc_us) * (c->t->slowdown ? c->t->slowdown : 1u);
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
    if (c->t->ops->send(c->t, data, len) < 0)
        return -1;
    return 0;
}

/* A decoded frame arrived: file it with its outstanding request. */
static void on_frame(vd_client *c, const vd_wire_hdr *hdr, const uint8_t *payload)
{
    if (!(hdr->type & VD_WIRE_RESPONSE))
        return; /* an echo of our own request (or noise): not for us */
    for (unsigned k = 0; k < c->count; k++) {
        vd_slot *s = slot_at(c, k);
        if (s->seq != hdr->seq)
            continue;
        if (s->done || (hdr->type & ~VD_WIRE_RESPONSE) != s->type || hdr->len < 4)
            return; /* a replayed duplicate, or not the answer to this request */
        memcpy(s->rsp, payload, hdr->len);
        s->rsp_len = hdr->len;
        s->done = 1;
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

static size_t bytes_in_flight(vd_client *c)
{
    size_t b = 0;
    for (unsigned k = 0; k < c->count; k++)
        b += slot_at(c, k)->frame_len;
    return b;
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

HRESULT vd_client_run(vd_client *c, uint8_t type, unsigned n, vd_build_fn build, vd_done_fn done,
                      void *ctx)
{
    if (c->dead)
        return vd_fail(D3DDDIERR_DEVICEREMOVED, "the link to the board is lost");
    if (vd_transport_is_msg(c->t))
        return run_messages(c, type, n, build, done, ctx);
    vd_transport *t = c->t;
    unsigned issued = 0, completed = 0, retries = 0;
    int stop = 0;
    uint8_t payload[VD_WIRE_MAX_PAYLOAD];
    uint8_t rx[VD_RX_CHUNK];
    uint64_t deadline = 0;
    /* Retransmissions are harmless (the firmware replays); a request that waits for the
     * GPU is given up only after the retries *and* gpu_wait_us without progress. */
    uint64_t patience = vd_type_waits_for_gpu(type) ? c->gpu_wait_us : 0;
    uint64_t since = t->ops->now_us(t);

    while (completed < n && !(stop && c->count == 0)) {
        /* Fill the window. */
        while (!stop && issued < n && c->count < c->window) {
            size_t len = build(ctx, issued, payload);
            vd_slot *s = slot_at(c, c->count);
            s->seq = c->next_seq++;
            s->type = type;
            s->done = 0;
            s->frame_len = vd_frame_encode(s->frame, type, s->seq, payload, (uint16_t)len);
            if (!s->frame_len) {
                c->dead = 1;
                return vd_fail(E_FAIL, "internal: request of %zu bytes does not fit a frame", len);
            }
            if (c->count == 0)
                deadline = t->ops->now_us(t) + vd_client_rto(c, s->frame_len);
            c->count++;
            issued++;
            if (send_frame(c, s) < 0) {
                c->dead = 1;
                return D3DDDIERR_DEVICEREMOVED;
            }
        }
        /* Hand completed responses over, oldest first. */
        if (deliver(c, &completed, &stop, done, ctx)) {
            retries = 0;
            since = t->ops->now_us(t);
            deadline = t->ops->now_us(t) + vd_client_rto(c, bytes_in_flight(c));
            continue;
        }
        if (c->count == 0)
            continue;
        /* Wait for bytes until the oldest request times out. */
        uint64_t now = t->ops->now_us(t);
        if (now < deadline) {
            long got = t->ops->recv(t, rx, sizeof rx, deadline - now);
            if (got < 0) {
                c->dead = 1;
                return D3DDDIERR_DEVICEREMOVED;
            }
            feed(c, rx, got);
            continue;
        }
        /* Timeout: go back N (resend everything outstanding, in order). */
        if (++retries > c->max_retries && t->ops->now_us(t) - since >= patience) {
            c->dead = 1;
            return vd_fail(D3DDDIERR_DEVICEREMOVED,
                           "no response from the board (seq %u, %u retransmissions)",
                           slot_at(c, 0)->seq, c->max_retries);
        }
        for (unsigned k = 0; k < c->count; k++) {
            vd_slot *s = slot_at(c, k);
            if (s->done)
                continue;
            if (c->verbose)
                fprintf(stderr, "vidalloc: retransmit seq %u (type 0x%02x)\n", s->seq, s->type);
            c->retransmissions++;
            if (send_frame(c, s) < 0) {
                c->dead = 1;
                return D3DDDIERR_DEVICEREMOVED;
            }
        }
        deadline = t->ops->now_us(t) + vd_client_rto(c, bytes_in_flight(c));
    }
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
