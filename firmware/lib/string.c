/*
 * memcpy and memset for the firmware, replacing newlib-nano's. Those are built for size
 * (one byte per loop turn, ~16 cycles a byte on PicoRV32), and the request path copies
 * and clears a lot: frame bodies, private data, responses. These move aligned words,
 * four per turn, and fall back to bytes only for the ends and for misaligned copies
 * (RV32I has no misaligned loads here).
 *
 * The attribute keeps GCC from turning the loops back into calls to memcpy/memset.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_LIBCALL void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;

    if ((((uintptr_t)d ^ (uintptr_t)s) & 3u) == 0) {
        while (n != 0 && ((uintptr_t)d & 3u) != 0) {
            *d++ = *s++;
            n--;
        }
        uint32_t *dw = (uint32_t *)(void *)d;
        const uint32_t *sw = (const uint32_t *)(const void *)s;
        for (; n >= 16; n -= 16, dw += 4, sw += 4) {
            uint32_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];
            dw[0] = a;
            dw[1] = b;
            dw[2] = c;
            dw[3] = e;
        }
        for (; n >= 4; n -= 4)
            *dw++ = *sw++;
        d = (uint8_t *)dw;
        s = (const uint8_t *)sw;
    }
    while (n-- != 0)
        *d++ = *s++;
    return dst;
}

NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    uint8_t b = (uint8_t)c;

    while (n != 0 && ((uintptr_t)d & 3u) != 0) {
        *d++ = b;
        n--;
    }
    uint32_t w = b * 0x01010101u;
    uint32_t *dw = (uint32_t *)(void *)d;
    for (; n >= 16; n -= 16, dw += 4) {
        dw[0] = w;
        dw[1] = w;
        dw[2] = w;
        dw[3] = w;
    }
    for (; n >= 4; n -= 4)
        *dw++ = w;
    d = (uint8_t *)dw;
    while (n-- != 0)
        *d++ = b;
    return dst;
}
