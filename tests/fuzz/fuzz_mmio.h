/* fuzz_mmio.h - registers a fuzz target models itself, ahead of the GPU model's
 * (fuzz_mmio.c): each function returns 1 when the address is its own. */
#ifndef FUZZ_MMIO_H
#define FUZZ_MMIO_H

#include <stdint.h>

typedef struct fuzz_mmio_hook {
    int (*read)(uint32_t addr, uint32_t *value);
    int (*write)(uint32_t addr, uint32_t value);
} fuzz_mmio_hook;

extern const fuzz_mmio_hook *fuzz_mmio_extra;

#endif /* FUZZ_MMIO_H */
