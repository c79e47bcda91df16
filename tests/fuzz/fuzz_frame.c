/*
 * fuzz_frame.c - libFuzzer target: bytes on the line -> vd_frame_feed -> session (sequencing,
 * replay) -> dispatcher -> response frames, which must decode and echo seq and type.
 *
 * Random bytes almost never carry a valid CRC, so most of the input is first turned into
 * well-formed frames: records [type u8][seq u16][len u16][flip u8][payload] are encoded
 * with vd_frame_encode, and a non-zero `flip` corrupts the byte at flip % frame length
 * (covering the decoder's error paths). The input after a 0xFF 0xFF 0xFF marker is fed raw.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "vd_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vd_frame_decoder s_in, s_out;

static void line_byte(uint8_t b)
{
    const vd_wire_hdr *h;
    const uint8_t *p;
    if (!vd_frame_feed(&s_in, b, &h, &p))
        return;
    uint8_t type = h->type;
    uint16_t seq = h->seq;
    const uint8_t *out;
    size_t n = vd_sess_on_frame(h, p, &out);
    if (n > VD_WIRE_MAX_FRAME)
        abort();
    int frames = 0;
    for (size_t i = 0; i < n; i++) {
        const vd_wire_hdr *rh;
        const uint8_t *rp;
        if (vd_frame_feed(&s_out, out[i], &rh, &rp)) {
            if (i != n - 1 || rh->type != (type | VD_WIRE_RESPONSE) || rh->seq != seq ||
                rh->len < 4)
                abort();
            frames++;
        }
    }
    if (n != 0 && frames != 1)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t frame[VD_WIRE_MAX_FRAME];
    size_t pos = 0;

    fuzz_reset();
    vd_frame_decoder_init(&s_in);
    vd_frame_decoder_init(&s_out);
    while (size - pos >= 6) {
        if (data[pos] == 0xFF && data[pos + 1] == 0xFF && data[pos + 2] == 0xFF)
            break;
        uint8_t type = data[pos];
        uint16_t seq = (uint16_t)(data[pos + 1] | data[pos + 2] << 8);
        size_t len = (size_t)data[pos + 3] | (size_t)data[pos + 4] << 8;
        uint8_t flip = data[pos + 5];
        pos += 6;
        if (len > size - pos)
            len = size - pos;
        if (len > VD_WIRE_MAX_PAYLOAD)
            len = VD_WIRE_MAX_PAYLOAD;
        size_t n = vd_frame_encode(frame, type, seq, data + pos, (uint16_t)len);
        pos += len;
        if (n == 0)
            abort();
        if (flip)
            frame[flip % n] ^= (uint8_t)(flip | 1u);
        for (size_t i = 0; i < n; i++)
            line_byte(frame[i]);
    }
    for (; pos < size; pos++)
        line_byte(data[pos]);
    fuzz_check_kernel();
    return 0;
}
