/* vd_session.c - sequencing and replay cache (vd_session.h). */
#include "vd_session.h"

#include <string.h>

#include "vd_dispatch.h"
#include "vd_frame.h"
#include "vd_mmio.h"
#include "vd_regs.h"
#include "vd_timer.h"

/* One cached response, kept encoded: a replay is a plain resend. */
typedef struct sess_slot {
    uint32_t len;   /* encoded bytes, 0 = empty */
    uint16_t seq;
    uint8_t type;   /* request type it answers */
    uint8_t reserved;
    uint8_t frame[VD_WIRE_MAX_FRAME]; /* 4-byte aligned (after the 8 bytes above) */
} sess_slot;

static sess_slot s_cache[VD_WIRE_WINDOW];
static uint32_t s_next;      /* slot the next executed response goes to (oldest) */
static uint16_t s_expected;
static uint8_t s_active;     /* a HELLO has been seen */
/* How a response is kept: encoded (vd_frame_encode) or as a body (raw_body), vd_sess_set_raw. */
static size_t (*s_encode)(uint8_t *out, uint8_t type, uint16_t seq, const void *payload,
                          uint16_t len);
static uint32_t s_session;   /* the session's token (vd_wire.h, SYNC), 0 = none */
static uint32_t s_executed;  /* requests executed in this session */
static uint32_t s_hellos;
static uint32_t s_rsp[VD_WIRE_MAX_PAYLOAD / 4]; /* response payload, 4-byte aligned */
static vd_sess_stats s_stats;
/* The UART: the replay cache's window, no DMA. */
static const vd_disp_link s_link = {VD_WIRE_WINDOW, 0, 0};

void vd_sess_init(void)
{
    memset(s_cache, 0, sizeof s_cache);
    s_next = 0;
    s_expected = 0;
    s_active = 0;
    s_encode = vd_frame_encode;
    s_session = 0;
    s_executed = 0;
    memset(&s_stats, 0, sizeof s_stats);
}

/* The response's body at out (4-byte aligned): the header as two words (vd_wire_hdr is
 * little-endian: type, version, seq | len, reserved 0), then the payload. */
static size_t raw_body(uint8_t *out, uint8_t type, uint16_t seq, const void *payload,
                       uint16_t len)
{
    uint32_t *w = (uint32_t *)(void *)out;
    w[0] = type | VD_WIRE_VERSION << 8 | (uint32_t)seq << 16;
    w[1] = len;
    memcpy(w + 2, payload, len);
    return VD_WIRE_HDR_SIZE + (size_t)len;
}

void vd_sess_set_raw(int raw)
{
    s_encode = raw ? raw_body : vd_frame_encode;
}

/* An answer outside sequencing (SYNC, no session): at most a vd_wire_sync_rsp, kept as the
 * link sends (encoded, or a body for the framer) in its own small buffer (never replayed;
 * the firmware's RAM is nearly full). Word-aligned: raw_body writes words. */
static uint8_t s_scratch[VD_WIRE_HDR_SIZE + sizeof(vd_wire_sync_rsp) + VD_WIRE_CRC_SIZE + 2u]
    __attribute__((aligned(4)));

static size_t answer_unsequenced(const vd_wire_hdr *hdr, const void *rsp, uint32_t n,
                                 const uint8_t **out)
{
    *out = s_scratch;
    return s_encode(s_scratch, (uint8_t)(hdr->type | VD_WIRE_RESPONSE), hdr->seq, rsp,
                    (uint16_t)n);
}

static size_t on_sync(const vd_wire_hdr *hdr, const uint8_t *payload, const uint8_t **out)
{
    vd_wire_sync_req req;
    vd_wire_sync_rsp rsp;
    memset(&rsp, 0, sizeof rsp);
    if (hdr->len != sizeof req || hdr->reserved != 0) {
        rsp.hr = E_INVALIDARG;
        return answer_unsequenced(hdr, &rsp, sizeof rsp.hr, out);
    }
    memcpy(&req, payload, sizeof req);
    if (req.reserved != 0) {
        rsp.hr = E_INVALIDARG;
        return answer_unsequenced(hdr, &rsp, sizeof rsp.hr, out);
    }
    rsp.session = s_active ? s_session : 0u;
    rsp.hr = s_active && (req.session == 0 || req.session == s_session) ? S_OK
                                                                        : VD_WIRE_E_NO_SESSION;
    rsp.expected = s_expected;
    rsp.executed = s_executed;
    s_stats.syncs++;
    return answer_unsequenced(hdr, &rsp, sizeof rsp, out);
}

size_t vd_sess_on_frame(const vd_wire_hdr *hdr, const uint8_t *payload, const uint8_t **out)
{
    uint8_t type = hdr->type;
    uint16_t seq = hdr->seq;
    uint32_t i, n;
    sess_slot *slot;

    if (type & VD_WIRE_RESPONSE)
        goto drop;
    if (type == VD_MSG_SYNC)
        return on_sync(hdr, payload, out);
    if (type != VD_MSG_HELLO) {
        if (!s_active) {
            /* A board that was reset says so at once (vd_wire.h, Sessions). */
            int32_t hr = VD_WIRE_E_NO_SESSION;
            s_stats.no_session++;
            return answer_unsequenced(hdr, &hr, sizeof hr, out);
        }
        if (seq != s_expected) {
            for (i = 0; i < VD_WIRE_WINDOW; i++) {
                slot = &s_cache[i];
                if (slot->len != 0 && slot->seq == seq && slot->type == type) {
                    s_stats.replayed++;
                    *out = slot->frame;
                    return slot->len;
                }
            }
            goto drop;
        }
    } else {
        /* A new session: nothing of the old one may be replayed into it. */
        for (i = 0; i < VD_WIRE_WINDOW; i++)
            s_cache[i].len = 0;
        s_active = 1;
        /* Any non-zero value another session is unlikely to repeat: the cycle count. */
        s_hellos++;
        s_session = (vd_timer_now() ^ (s_hellos << 20)) | 1u;
        s_executed = 0;
    }

    if (hdr->reserved != 0) {
        int32_t hr = E_INVALIDARG;
        memcpy(s_rsp, &hr, sizeof hr);
        n = sizeof hr;
    } else {
        uint32_t t0 = vd_timer_now();
        n = vd_disp_execute(&s_link, type, payload, hdr->len, (uint8_t *)s_rsp);
        s_stats.exec_cycles += vd_timer_now() - t0;
    }
    s_expected = (uint16_t)(seq + 1u);
    s_stats.executed++;
    s_executed++;

    slot = &s_cache[s_next];
    s_next = (s_next + 1u == VD_WIRE_WINDOW) ? 0u : s_next + 1u;
    slot->seq = seq;
    slot->type = type;
    uint32_t t1 = vd_timer_now();
    slot->len = (uint32_t)s_encode(slot->frame, (uint8_t)(type | VD_WIRE_RESPONSE), seq, s_rsp,
                                   (uint16_t)n);
    s_stats.encode_cycles += vd_timer_now() - t1;
    *out = slot->frame;
    return slot->len;
drop:
    s_stats.dropped++;
    return 0;
}

void vd_sess_get_stats(vd_sess_stats *s)
{
    *s = s_stats;
}
