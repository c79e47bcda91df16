/*
 * disp_exec.h - driving the firmware dispatcher from a unit test (test_dispatch.c,
 * test_render.c): request and response buffers as the link hands them over (4-byte
 * aligned), exec() to run one request, u32()/hr() to read the response. One translation
 * unit per test program, so the buffers are file-static here.
 */
#ifndef VD_TEST_DISP_EXEC_H
#define VD_TEST_DISP_EXEC_H

#include <stdint.h>
#include <string.h>

#include "vd_dispatch.h"

static uint32_t rsp32[VD_WIRE_MAX_PAYLOAD / 4];
static uint8_t *const rsp = (uint8_t *)rsp32;
static uint32_t req32[(VD_WIRE_MAX_PAYLOAD + 64) / 4];
static uint8_t *const req = (uint8_t *)req32;
static uint32_t rlen;
/* The link requests come over: the UART's unless a test changes it (DMA tests). */
static vd_disp_link disp_link = {VD_WIRE_WINDOW, 0, 0};

/* The response's 32-bit word at byte offset off. */
static inline uint32_t u32(uint32_t off)
{
    uint32_t v;
    memcpy(&v, rsp + off, 4);
    return v;
}

/* The response's HRESULT (every response starts with one). */
static inline int32_t hr(void)
{
    return (int32_t)u32(0);
}

/* Run one request (p may already be req); the response must be whole words. */
static inline uint32_t exec(uint8_t type, const void *p, uint32_t len)
{
    if (p != req && len)
        memcpy(req, p, len);
    memset(rsp32, 0xA5, sizeof rsp32);
    rlen = vd_disp_execute(&disp_link, type, req, len, rsp);
    assert_true(rlen >= 4 && rlen <= VD_WIRE_MAX_PAYLOAD && rlen % 4 == 0);
    return rlen;
}

#endif /* VD_TEST_DISP_EXEC_H */
