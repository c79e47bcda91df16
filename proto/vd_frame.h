/*
 * vd_frame.h - the frame codec of the wire protocol (vidalloc/vd_wire.h): CRC-32C,
 * COBS encoding, and a byte-at-a-time frame decoder. One implementation, compiled into
 * both the firmware and host-lib. Freestanding C11: no libc beyond <stdint.h>/<stddef.h>.
 */
#ifndef VD_FRAME_H
#define VD_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "vidalloc/vd_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* CRC-32C (Castagnoli): start with crc = 0, feed any number of pieces. */
uint32_t vd_crc32c(uint32_t crc, const void *data, size_t len);

/*
 * Build one complete frame (COBS-encoded body + 0x00 delimiter) into out, which must
 * hold VD_WIRE_MAX_FRAME bytes. Returns the number of bytes to send, or 0 when
 * payload_len exceeds VD_WIRE_MAX_PAYLOAD.
 */
size_t vd_frame_encode(uint8_t *out, uint8_t type, uint16_t seq,
                       const void *payload, uint16_t payload_len);

/* Incremental decoder: feed received bytes one at a time. */
typedef struct vd_frame_decoder {
    uint8_t  body[VD_WIRE_MAX_BODY]; /* decoded body of the frame being received */
    uint32_t len;                    /* decoded bytes so far */
    uint8_t  code;                   /* COBS: bytes left in the current block + 1 */
    uint8_t  block_max;              /* the current block's code was 0xFF (no zero follows) */
    uint8_t  overflow;               /* frame too long: skip to the next delimiter */
    uint8_t  reserved;
    uint32_t dropped;                /* frames discarded (CRC, length, version, overflow) */
} vd_frame_decoder;

void vd_frame_decoder_init(vd_frame_decoder *d);

/*
 * Feed one byte. Returns 1 when it completed a valid frame: then *hdr points at the
 * header inside d->body and *payload at hdr->len payload bytes; both stay valid until
 * the next call. Returns 0 otherwise (mid-frame, or an invalid frame was dropped).
 */
int vd_frame_feed(vd_frame_decoder *d, uint8_t byte, const vd_wire_hdr **hdr,
                  const uint8_t **payload);

#ifdef __cplusplus
}
#endif

#endif /* VD_FRAME_H */
