/* gpu_model_mock.h - install gpu_model.c behind the mock register file (mock_mmio.c). */
#ifndef GPU_MODEL_MOCK_H
#define GPU_MODEL_MOCK_H

#include <stdint.h>

#include "gpu_model.h"

/* gpu_model_reset(vram, vram_size) and hooks on every GPU, MEMCTL and TIMER.MTIME
 * register. Call after mock_mmio_reset(). */
void gpu_model_attach_mock(uint8_t *vram, uint32_t vram_size);

#endif /* GPU_MODEL_MOCK_H */
