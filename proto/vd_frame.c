/* vd_frame.c - see vd_frame.h. */
#include "vd_frame.h"

/* Table-driven, one byte per step: 1 KiB of table, ~6 instructions per byte on RV32I. */
static uint32_t crc_table[256];
static int crc_table_ready;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1u) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        crc_table[i] = c;
    }
    crc_table_ready = 1;
}

uint32_t vd_crc32c(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    if (!crc_table_ready)
        crc_init();
    crc = ~crc;
    while (len--)
        crc = crc_table[(crc ^ *p++) & 0xFFu] ^ (crc >> 8);
    return ~crc;
}

/* COBS-encode one byte into the frame being built. */
typedef struct {
    uint8_t *out;
    size_t pos;      /* next write position */
    size_t code_pos; /* where the current block's code byte goes */
    uint8_t code;
} cobs_enc;

static void cobs_put(cobs_enc *e, uint8_t b)
{
    if (b == 0) {
        e->out[e->code_pos] = e->code;
        e->code_pos = e->pos++;
        e->code = 1;
        return;
    }
    e->out[e->pos++] = b;
    if (++e->code == 0xFF) {
        e->out[e->code_pos] = e->code;
        e->code_pos = e->pos++;
        e->code = 1;
    }
}

static void cobs_put_all(cobs_enc *e, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len--)
        cobs_put(e, *p++);
}

size_t vd_frame_encode(uint8_t *out, uint8_t type, uint16_t seq,
                       const void *payload, uint16_t payload_len)
{
    if (payload_len > VD_WIRE_MAX_PAYLOAD)
        return 0;
    vd_wire_hdr h = {type, (uint8_t)VD_WIRE_VERSION, seq, payload_len, 0};
    uint32_t crc = vd_crc32c(0, &h, sizeof h);
    crc = vd_crc32c(crc, payload, payload_len);
    uint8_t crc_le[4] = {(uint8_t)crc, (uint8_t)(crc >> 8), (uint8_t)(crc >> 16),
                         (uint8_t)(crc >> 24)};

    cobs_enc e = {out, 1, 0, 1};
    cobs_put_all(&e, &h, sizeof h);
    cobs_put_all(&e, payload, payload_len);
    cobs_put_all(&e, crc_le, sizeof crc_le);
    out[e.code_pos] = e.code;
    out[e.pos++] = 0x00;
    return e.pos;
}

void vd_frame_decoder_init(vd_frame_decoder *d)
{
    d->len = 0;
    d->code = 0;
    d->block_max = 0;
    d->overflow = 0;
    d->dropped = 0;
}

/* A complete body is in d->body[0..len): check it. */
static int frame_check(vd_frame_decoder *d, const vd_wire_hdr **hdr, const uint8_t **payload)
{
    if (d->len < VD_WIRE_HDR_SIZE + VD_WIRE_CRC_SIZE)
        return 0;
    const vd_wire_hdr *h = (const vd_wire_hdr *)d->body;
    if (h->version != VD_WIRE_VERSION || h->len > VD_WIRE_MAX_PAYLOAD ||
        d->len != VD_WIRE_HDR_SIZE + h->len + VD_WIRE_CRC_SIZE)
        return 0;
    const uint8_t *c = d->body + VD_WIRE_HDR_SIZE + h->len;
    uint32_t want = (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 |
                    (uint32_t)c[3] << 24;
    if (vd_crc32c(0, d->body, VD_WIRE_HDR_SIZE + h->len) != want)
        return 0;
    *hdr = h;
    *payload = d->body + VD_WIRE_HDR_SIZE;
    return 1;
}

int vd_frame_feed(vd_frame_decoder *d, uint8_t byte, const vd_wire_hdr **hdr,
                  const uint8_t **payload)
{
    if (byte == 0x00) { /* delimiter: end of frame (or resync) */
        int ok = !d->overflow && d->code == 1 && frame_check(d, hdr, payload);
        if (!ok && (d->len || d->overflow || d->code > 1))
            d->dropped++;
        d->len = 0;
        d->code = 0;
        d->overflow = 0;
        return ok;
    }
    if (d->overflow)
        return 0;
    if (d->code == 0) { /* first byte of the frame: a block code */
        d->code = byte;
        d->block_max = byte == 0xFF;
        return 0;
    }
    if (d->code == 1) { /* block ended: a zero, unless the block was full; then a new code */
        if (!d->block_max) {
            if (d->len >= sizeof d->body) {
                d->overflow = 1;
                return 0;
            }
            d->body[d->len++] = 0;
        }
        d->code = byte;
        d->block_max = byte == 0xFF;
        return 0;
    }
    if (d->len >= sizeof d->body) {
        d->overflow = 1;
        return 0;
    }
    d->body[d->len++] = byte;
    d->code--;
    return 0;
}
