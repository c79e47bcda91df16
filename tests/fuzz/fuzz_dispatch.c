/*
 * fuzz_dispatch.c - libFuzzer target: the request decoder and dispatcher with the kernel.
 * The input is a sequence of requests, each [type u8][len u16 LE][len bytes], executed in
 * order on a fresh kernel, so handles returned by one request can be used by the next
 * (they are deterministic after a reset, and libFuzzer's compare tracing finds them).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint32_t rsp[VD_WIRE_MAX_PAYLOAD / 4];
    size_t pos = 0;

    fuzz_reset();
    while (size - pos >= 3) {
        uint8_t type = data[pos];
        size_t len = (size_t)data[pos + 1] | (size_t)data[pos + 2] << 8;
        pos += 3;
        if (len > size - pos)
            len = size - pos;
        /* An exact-size heap copy: ASan sees any read past the payload. */
        uint8_t *req = malloc(len ? len : 1);
        if (req == NULL)
            abort();
        memcpy(req, data + pos, len);
        pos += len;
        uint32_t n = vd_disp_execute(&fuzz_link, type, req, (uint32_t)len, (uint8_t *)rsp);
        free(req);
        if (n < 4 || n > VD_WIRE_MAX_PAYLOAD || (n & 3u) != 0)
            abort();
        if (len > VD_WIRE_MAX_PAYLOAD && n != 4)
            abort();
    }
    fuzz_check_kernel();
    return 0;
}
