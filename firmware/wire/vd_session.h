/*
 * vd_session.h - sequencing and replay of the wire protocol (vidalloc/vd_wire.h), between
 * the frame decoder and the dispatcher. Transport-neutral: a decoded, CRC-checked frame
 * goes in; the encoded response frame (COBS + delimiter, ready to send) comes out.
 *
 * Rules (docs/wire.md):
 *   - HELLO always executes, clears the replay cache and sets expected = seq + 1.
 *   - SYNC, any seq, in or out of a session: answered with the session token and the
 *     expected seq; nothing executed, cached or changed.
 *   - Before the first HELLO every other request is answered VD_WIRE_E_NO_SESSION
 *     (4 bytes; nothing executed or cached): a host sees at once that the board was reset.
 *   - seq == expected: executed once; its encoded response is kept in the replay cache
 *     (the last VD_WIRE_WINDOW responses) and expected moves on.
 *   - seq (and type) of a cached response: that response again, nothing executed.
 *   - anything else, and any frame with VD_WIRE_RESPONSE set: dropped, no answer.
 *   - a non-zero hdr.reserved is answered E_INVALIDARG (and consumes the seq).
 */
#ifndef VD_SESSION_H
#define VD_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "vidalloc/vd_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vd_sess_stats {
    uint32_t executed;
    uint32_t replayed;
    uint32_t dropped; /* unexpected seq or a response frame */
    uint32_t syncs;      /* SYNCs answered */
    uint32_t no_session; /* requests answered VD_WIRE_E_NO_SESSION */
    uint32_t exec_cycles;   /* in the dispatcher */
    uint32_t encode_cycles; /* encoding responses */
} vd_sess_stats;

/* Forget the session (no HELLO seen) and the cache. The dispatcher is set up separately. */
void vd_sess_init(void);

/* Responses as frame bodies (header + payload, neither COBS nor CRC), for a transport that
 * frames in hardware (the UART with the framer); 0 (after vd_sess_init): encoded frames.
 * Cached responses are kept the same way; call it before the first frame. */
void vd_sess_set_raw(int raw);

/*
 * One good frame. Returns the number of bytes of the response frame at *out (valid until
 * the next call; 4-byte aligned), or 0 when the frame is dropped.
 */
size_t vd_sess_on_frame(const vd_wire_hdr *hdr, const uint8_t *payload, const uint8_t **out);

void vd_sess_get_stats(vd_sess_stats *s);

#ifdef __cplusplus
}
#endif

#endif /* VD_SESSION_H */
