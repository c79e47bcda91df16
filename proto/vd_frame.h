/*
 * vd_frame.h - the frame codec of the wire protocol (vidalloc/vd_wire.h): CRC-32C,
 * COBS encoding, and an incremental frame decoder fed one byte at a time or a run of bytes
 * at a time. One implementation, compiled into both the firmware and host-lib.
 * Freestanding C11: no libc beyond <stdint.h>/<stddef.h>.
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

/* vd_frame_feed_span() is available (added compatibly; vd_frame_feed is unchanged). */
#define VD_FRAME_HAVE_SPAN 1

/* Incremental decoder: feed received bytes one at a time (vd_frame_feed) or in runs
 * (vd_frame_feed_span); both may be mixed on one decoder. The CRC is computed as the body
 * is decoded, so a frame's last byte costs no pass over the body. */
typedef struct vd_frame_decoder {
    uint8_t  body[VD_WIRE_MAX_BODY]; /* decoded body of the frame being received (4-aligned) */
    uint32_t len;                    /* decoded bytes so far */
    uint8_t  code;                   /* COBS: bytes left in the current block + 1 */
    uint8_t  block_max;              /* the current block's code was 0xFF (no zero follows) */
    uint8_t  overflow;               /* frame too long: skip to the next delimiter */
    uint8_t  reserved;
    uint32_t dropped;                /* frames discarded (CRC, length, version, overflow) */
    uint32_t crc;                    /* CRC-32C register (not inverted) over body[0..crc_len) */
    uint32_t crc_len;                /* body bytes already in crc, a multiple of 4 */
} vd_frame_decoder;

void vd_frame_decoder_init(vd_frame_decoder *d);

/*
 * Feed one byte. Returns 1 when it completed a valid frame: then *hdr points at the
 * header inside d->body and *payload at hdr->len payload bytes; both stay valid until
 * the next call. Returns 0 otherwise (mid-frame, or an invalid frame was dropped).
 */
int vd_frame_feed(vd_frame_decoder *d, uint8_t byte, const vd_wire_hdr **hdr,
                  const uint8_t **payload);

/*
 * Feed a run of n received bytes: the same decoder as vd_frame_feed, one call per run
 * (block copies, state in registers). It stops right after a byte that completes a valid
 * frame, so that the frame can be used before more bytes overwrite d->body. Returns the
 * number of bytes used. When a frame completed, *hdr and *payload are set as by
 * vd_frame_feed (valid until the next feed call) and the return value may be less than n:
 * call again with the rest. Otherwise *hdr is set to NULL and all n bytes were used.
 */
size_t vd_frame_feed_span(vd_frame_decoder *d, const uint8_t *buf, size_t n,
                          const vd_wire_hdr **hdr, const uint8_t **payload);

#ifdef __cplusplus
}
#endif

#endif /* VD_FRAME_H */
