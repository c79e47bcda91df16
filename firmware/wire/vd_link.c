/* vd_link.c - the wire protocol over the UART (vd_link.h). */
#include "vd_link.h"

#include "vd_frame.h"
#include "vd_mmio.h"
#include "vd_regs.h"
#include "vd_session.h"
#include "vd_sysctl.h"
#include "vd_timer.h"
#include "vd_uart.h"

/* A host keeping its unsettled bytes within VD_WIRE_RX_BUFFER never makes the ring
 * overflow (vd_wire.h, Flow control): the window's whole frames, each possibly preceded by
 * a resync 0x00, and one SYNC. */
_Static_assert(VD_UART_RX_RING_SIZE >= VD_WIRE_RX_BUFFER,
               "the UART RX ring must hold VD_WIRE_RX_BUFFER bytes");

/* The framer (rtl/uart/vd_framer.v) repeats the wire limits it checks (spec/regs/framer.toml):
 * they must be the contract's. */
_Static_assert(VD_FRAMER_MAX_PAYLOAD == VD_WIRE_MAX_PAYLOAD &&
                   VD_FRAMER_WIRE_VERSION == VD_WIRE_VERSION &&
                   VD_FRAMER_SLOT_BYTES >= VD_WIRE_MAX_BODY &&
                   VD_FRAMER_SLOT_BYTES >= VD_WIRE_HDR_SIZE + VD_WIRE_MAX_PAYLOAD,
               "spec/regs/framer.toml disagrees with vidalloc/vd_wire.h");

static vd_frame_decoder s_dec;
static int s_hw;              /* the framer frames (SYSCTL.FEATURES.FRAMER) */
static uint32_t s_rx_frames;
static uint32_t s_uart_errors;
static uint32_t s_decode_cycles;
static uint32_t s_decode_bytes;
static uint32_t s_tx_cycles;

/*
 * Feed one contiguous span of the ring through the decoder (vd_frame_feed_span: block
 * copies, the CRC kept up as blocks arrive). Returns how many bytes were used: it stops
 * right after a complete frame so that the frame is served (and the decoder's body, where
 * the payload lives, stays intact) before more bytes go in.
 */
static size_t feed(const uint8_t *p, size_t n, const vd_wire_hdr **hdr, const uint8_t **payload)
{
    uint32_t t0 = vd_timer_now();
    size_t used = vd_frame_feed_span(&s_dec, p, n, hdr, payload);
    s_decode_cycles += vd_timer_now() - t0;
    s_decode_bytes += (uint32_t)used;
    return used;
}

void vd_link_start(void)
{
    static const uint8_t resync = 0x00;

    vd_frame_decoder_init(&s_dec);
    vd_sess_init();
    vd_uart_flush();
    /* With the framer, it takes the FIFOs before the resync goes out (the host answers
     * that); bytes that came before are the software ring's and are dropped. */
    s_hw = (vd_sysctl_features() & VD_SYSCTL_FEATURES_FRAMER_MASK) != 0;
    if (s_hw) {
        vd_sess_set_raw(1);
        vd_uart_framer_start();
    }
    vd_uart_write_burst(&resync, 1);
}

/* One good frame: the session, then its response out (a body to the framer, or the encoded
 * frame to the TX FIFO). The framer's slot is given back once the request is used up. */
static void serve(const vd_wire_hdr *hdr, const uint8_t *payload)
{
    const uint8_t *out;
    size_t len;

    s_rx_frames++;
    len = vd_sess_on_frame(hdr, payload, &out);
    if (s_hw)
        vd_uart_frame_release();
    if (len != 0) {
        uint32_t t0 = vd_timer_now();
        if (s_hw)
            vd_uart_frame_send(out, len);
        else
            vd_uart_write_burst(out, len);
        s_tx_cycles += vd_timer_now() - t0;
    }
}

int vd_link_service(void)
{
    const uint8_t *p;
    size_t n;
    int did = 0;

    if (s_hw) {
        /* The framer decoded and checked them: decode cycles and bytes stay 0 (its own
         * counters say how many frames it stored and dropped). */
        while ((p = vd_uart_frame_peek()) != NULL) {
            did = 1;
            serve((const vd_wire_hdr *)(const void *)p, p + VD_WIRE_HDR_SIZE);
        }
    }
    /* Until the ring is empty: the last vd_uart_rx_span call, finding nothing, set THRESH
     * to 1 so the next byte wakes a sleeping loop (vd_uart.h). With the framer the ring
     * stays empty. */
    else while ((n = vd_uart_rx_span(&p)) != 0) {
        const vd_wire_hdr *hdr;
        const uint8_t *payload;

        did = 1;
        vd_uart_rx_consume(feed(p, n, &hdr, &payload));
        if (hdr != NULL)
            serve(hdr, payload);
    }
    s_uart_errors |= vd_uart_take_errors();
    return did;
}

int vd_link_pending(void)
{
    if (s_hw)
        return vd_uart_frame_wait();
    return vd_uart_rx_available() != 0;
}

void vd_link_get_stats(vd_wire_fw_stats *out)
{
    vd_sess_stats ss;
    vd_uart_rx_stats us;

    vd_sess_get_stats(&ss);
    vd_uart_get_rx_stats(&us);
    out->rx_bytes = s_decode_bytes;
    out->rx_frames = s_rx_frames;
    out->rx_dropped = s_dec.dropped + (s_hw ? vd_uart_frame_drops() : 0u);
    out->rx_overflows = vd_uart_rx_overflows();
    out->uart_errors = s_uart_errors | vd_uart_take_errors();
    out->executed = ss.executed;
    out->replayed = ss.replayed;
    out->seq_dropped = ss.dropped;
    out->drain_cycles = us.cycles;
    out->drain_bytes = us.bytes;
    out->drain_irqs = us.irqs;
    out->decode_cycles = s_decode_cycles;
    out->decode_bytes = s_decode_bytes;
    out->exec_cycles = ss.exec_cycles;
    out->encode_cycles = ss.encode_cycles;
    out->tx_cycles = s_tx_cycles;
}
