/* vd_link.c - the wire protocol over the UART (vd_link.h). */
#include "vd_link.h"

#include "vd_frame.h"
#include "vd_mmio.h"
#include "vd_regs.h"
#include "vd_session.h"
#include "vd_timer.h"
#include "vd_uart.h"

/* A host keeping its unsettled bytes within VD_WIRE_RX_BUFFER never makes the ring
 * overflow (vd_wire.h, Flow control): the window's whole frames, each possibly preceded by
 * a resync 0x00, and one SYNC. */
_Static_assert(VD_UART_RX_RING_SIZE >= VD_WIRE_RX_BUFFER,
               "the UART RX ring must hold VD_WIRE_RX_BUFFER bytes");

static vd_frame_decoder s_dec;
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
    vd_uart_write_burst(&resync, 1);
}

int vd_link_service(void)
{
    const uint8_t *p;
    size_t n;
    int did = 0;

    /* Until the ring is empty: the last vd_uart_rx_span call, finding nothing, set THRESH
     * to 1 so the next byte wakes a sleeping loop (vd_uart.h). */
    while ((n = vd_uart_rx_span(&p)) != 0) {
        const vd_wire_hdr *hdr;
        const uint8_t *payload;

        did = 1;
        vd_uart_rx_consume(feed(p, n, &hdr, &payload));
        if (hdr != NULL) {
            const uint8_t *out;
            size_t len;
            s_rx_frames++;
            len = vd_sess_on_frame(hdr, payload, &out);
            if (len != 0) {
                uint32_t t0 = vd_timer_now();
                vd_uart_write_burst(out, len);
                s_tx_cycles += vd_timer_now() - t0;
            }
        }
    }
    s_uart_errors |= vd_uart_take_errors();
    return did;
}

int vd_link_pending(void)
{
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
    out->rx_dropped = s_dec.dropped;
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
