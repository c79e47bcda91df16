/*
 * test_link.c - the UART link's service step (firmware/wire/vd_link.c) on the mock UART,
 * with the real session, dispatcher and kernel: vd_link_start sends the resync byte, one
 * vd_link_service serves every frame waiting and returns, vd_link_pending says whether
 * bytes wait. (The loop around it, vd_serve, never returns; the queue link is
 * test_qlink.c.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mock_mmio.h"
#include "vd_dispatch.h"
#include "vd_frame.h"
#include "vd_link.h"
#include "vd_mmio.h"
#include "vd_regs.h"
#include "vd_uart.h"

#define VRAM_SIZE 0x10000u

static uint8_t vram[VRAM_SIZE];
static vd_disp_platform plat;

/* LEVEL.RX for the mock UART (its model has no LEVEL): the bytes left to drain. */
static uint32_t level_read(uint32_t addr, void *ctx)
{
    (void)addr;
    (void)ctx;
    size_t n = mock_uart_rx_left();
    return VD_FIELD_PREP(VD_UART_LEVEL_RX, n > 255 ? 255 : n);
}

static int setup(void **state)
{
    (void)state;
    mock_mmio_reset();
    mock_uart_attach();
    mock_mmio_on_read(VD_UART_BASE + VD_UART_LEVEL, level_read, NULL);
    assert_int_equal(vd_uart_init(VD_UART_BOOT_BAUD), 0);
    memset(&plat, 0, sizeof plat);
    plat.vram_size = VRAM_SIZE;
    plat.vram = vram;
    plat.features = VD_SYSCTL_FEATURES_MEMCTL_MASK;
    plat.fw_version = "test";
    assert_int_equal(vd_disp_init(&plat), STATUS_SUCCESS);
    return 0;
}

static void push_frame(uint8_t type, uint16_t seq, const void *p, uint16_t len)
{
    uint8_t wire[VD_WIRE_MAX_FRAME];
    size_t n = vd_frame_encode(wire, type, seq, p, len);
    assert_true(n > 0);
    mock_uart_rx_push(wire, n);
}

/* Decode every response frame the UART sent after `from`; returns how many. */
static int responses(size_t from, vd_wire_hdr *last, uint8_t *payload)
{
    vd_frame_decoder d;
    const vd_wire_hdr *h;
    const uint8_t *p;
    int n = 0;
    vd_frame_decoder_init(&d);
    for (size_t i = from; i < mock_uart_tx_len(); i++) {
        if (vd_frame_feed(&d, (uint8_t)mock_uart_tx()[i], &h, &p)) {
            *last = *h;
            memcpy(payload, p, h->len);
            n++;
        }
    }
    return n;
}

static void test_start_and_service(void **state)
{
    (void)state;
    vd_wire_hdr h;
    uint8_t p[VD_WIRE_MAX_PAYLOAD];

    vd_link_start();
    assert_int_equal(mock_uart_tx_len(), 1); /* the resync 0x00 */
    assert_int_equal(mock_uart_tx()[0], 0);
    assert_int_equal(vd_link_service(), 0); /* nothing waiting: returns at once */
    assert_int_equal(vd_link_pending(), 0);

    /* Two frames waiting: one step serves both, in order. */
    vd_wire_hello_req hq = {VD_WIRE_VERSION, 0};
    push_frame(VD_MSG_HELLO, 7, &hq, sizeof hq);
    push_frame(VD_MSG_OPEN_DEVICE, 8, NULL, 0);
    assert_int_equal(vd_link_service(), 1);
    assert_int_equal(mock_uart_rx_left(), 0);
    assert_int_equal(vd_link_pending(), 0);
    assert_int_equal(responses(1, &h, p), 2);
    assert_int_equal(h.type, VD_MSG_OPEN_DEVICE | VD_WIRE_RESPONSE);
    assert_int_equal(h.seq, 8);

    /* HELLO over the UART reports the UART's window. */
    mock_uart_tx_clear();
    push_frame(VD_MSG_HELLO, 9, &hq, sizeof hq);
    assert_int_equal(vd_link_service(), 1);
    assert_int_equal(responses(0, &h, p), 1);
    vd_wire_hello_rsp r;
    memcpy(&r, p, sizeof r);
    assert_int_equal(r.hr, S_OK);
    assert_int_equal(r.window, VD_WIRE_WINDOW);

    /* DMA messages over the UART: E_FAIL (no DMA on this link). */
    mock_uart_tx_clear();
    vd_wire_dma_req dq = {1, 1, 0, 4, 0x1000, 0};
    push_frame(VD_MSG_DMA_READ, 10, &dq, sizeof dq);
    assert_int_equal(vd_link_service(), 1);
    assert_int_equal(responses(0, &h, p), 1);
    int32_t hr;
    memcpy(&hr, p, 4);
    assert_int_equal(hr, E_FAIL);

    /* The counters the stats query reports. */
    vd_wire_fw_stats st;
    memset(&st, 0, sizeof st);
    vd_link_get_stats(&st);
    assert_int_equal(st.rx_frames, 4);
    assert_int_equal(st.executed, 4);
    assert_int_equal(st.q_requests, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_start_and_service, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
