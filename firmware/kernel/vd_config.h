/*
 * vd_config.h - build-time sizes of the graphics kernel, miniport and vidmm.
 * Every pool is static. The limits come from spec/soc.toml [kernel] (through the generated
 * vd_regs.h; HELLO reports them to the host); tests and benches override any of them with
 * -DNAME=value (the allocation bench's 10,000 live allocations, the exhaustion tests' tiny
 * pools). On the board (64 KiB of FW_RAM for code, wire buffers, heap and stack) 128
 * allocations cost about 10 KiB, 32 resources about 2 KiB.
 */
#ifndef VD_CONFIG_H
#define VD_CONFIG_H

#include "vd_regs.h"

/* Live allocations (handle table, miniport tracking, vidmm records). */
#ifndef VD_MAX_ALLOCATIONS
#define VD_MAX_ALLOCATIONS VD_KERNEL_MAX_ALLOCATIONS
#endif

/* Live resources (parents of allocations). */
#ifndef VD_MAX_RESOURCES
#define VD_MAX_RESOURCES VD_KERNEL_MAX_RESOURCES
#endif

/* Open devices. */
#ifndef VD_MAX_DEVICES
#define VD_MAX_DEVICES VD_KERNEL_MAX_DEVICES
#endif

/* Bytes of resource-level private driver data kept per resource. */
#ifndef VD_MAX_RESOURCE_PRIVDATA
#define VD_MAX_RESOURCE_PRIVDATA VD_KERNEL_MAX_RESOURCE_PRIVDATA
#endif

/* NumAllocations limit of one create call (size of the kernel's DXGK_ALLOCATIONINFO scratch). */
#ifndef VD_MAX_ALLOCS_PER_CALL
#define VD_MAX_ALLOCS_PER_CALL VD_KERNEL_MAX_ALLOCS_PER_CALL
#endif

/* Video present sources of the adapter (VidPnSourceId 0 .. N-1). */
#ifndef VD_NUM_VIDPN_SOURCES
#define VD_NUM_VIDPN_SOURCES 1
#endif

/* GPU-visible address of the VRAM segment's first byte (DXGK_SEGMENTDESCRIPTOR.BaseAddress). */
#ifndef VD_VRAM_GPU_BASE
#define VD_VRAM_GPU_BASE 0u
#endif

/*
 * Bytes at the top of VRAM kept for the GPU command ring (firmware/kernel/vd_render.c). They
 * lie outside segment 1: the allocator never sees them and the segment statistics do not
 * count them. 1 KiB holds the commands of the largest RENDER frame (62 commands, 992 bytes)
 * plus the kernel's FENCE and the slot that keeps HEAD != TAIL meaningful.
 */
#ifndef VD_GPU_RING_BYTES
#define VD_GPU_RING_BYTES 1024
#endif

/* TDR defaults: VD_TDR_DELAY_SECONDS / VD_TDR_WINDOW_SECONDS in vd_wire.h (the contract). */

/* Largest segment the TLSF index covers: 2^N bytes (64 MiB: ULX3S SDRAM fits). */
#ifndef VD_TLSF_SEGMENT_MAX_LOG2
#define VD_TLSF_SEGMENT_MAX_LOG2 26
#endif

/*
 * TLSF block descriptors. Adjacent free blocks are always merged, so with N live
 * allocations there are at most N+1 free blocks: 2N+1 descriptors always suffice,
 * plus descriptor 0, the sentinel.
 */
#define VD_TLSF_MAX_BLOCKS (2 * (VD_MAX_ALLOCATIONS) + 2)

_Static_assert(VD_MAX_ALLOCATIONS >= 1 && VD_MAX_ALLOCATIONS <= 16000,
               "VD_MAX_ALLOCATIONS: 1..16000 (15-bit TLSF descriptor links)");
_Static_assert(VD_MAX_RESOURCES >= 1 && VD_MAX_RESOURCES <= 32000, "VD_MAX_RESOURCES: 1..32000");
_Static_assert(VD_MAX_DEVICES >= 1 && VD_MAX_DEVICES <= 255, "VD_MAX_DEVICES: 1..255");
_Static_assert(VD_MAX_RESOURCE_PRIVDATA >= 0 && VD_MAX_RESOURCE_PRIVDATA <= 65535,
               "VD_MAX_RESOURCE_PRIVDATA: 0..65535");
_Static_assert(VD_MAX_ALLOCS_PER_CALL >= 1 && VD_MAX_ALLOCS_PER_CALL <= VD_MAX_ALLOCATIONS,
               "VD_MAX_ALLOCS_PER_CALL: 1..VD_MAX_ALLOCATIONS");
_Static_assert(VD_NUM_VIDPN_SOURCES >= 1 && VD_NUM_VIDPN_SOURCES <= 16, "VD_NUM_VIDPN_SOURCES: 1..16");
_Static_assert(VD_GPU_RING_BYTES >= 64 && VD_GPU_RING_BYTES % 16 == 0,
               "VD_GPU_RING_BYTES: a multiple of 16 (CMD_BYTES), at least 64");
_Static_assert(VD_TLSF_SEGMENT_MAX_LOG2 >= 12 && VD_TLSF_SEGMENT_MAX_LOG2 <= 31,
               "VD_TLSF_SEGMENT_MAX_LOG2: 12..31");

#endif /* VD_CONFIG_H */
