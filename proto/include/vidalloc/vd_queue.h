/*
 * vd_queue.h - the wire protocol over PCIe: queues in host memory, doorbells in BAR0 (the
 * NVMe / virtio shape). Written once, included by host-lib and the firmware. The BAR0
 * registers named here are spec/regs/pcie.toml's (VD_PCIE_* in vd_regs.h).
 *
 * Messages
 *   The messages are vd_wire.h's, unchanged: a vd_wire_hdr and its payload. The link is
 *   reliable, so there is no COBS, no CRC and no retransmission; seq is still numbered by
 *   the host and echoed by the firmware (for tracing and matching), but never used to drop
 *   or replay: every record in the submission ring is executed exactly once, in order.
 *
 * Rings
 *   Two byte rings in host memory, each a power of two in size
 *   (VD_QUEUE_MIN_RING..VD_QUEUE_MAX_RING) at an 8-byte aligned bus address:
 *     submission ring (SQ_BASE, SQ_SIZE): the host produces request records;
 *     completion ring (CQ_BASE, CQ_SIZE): the firmware produces response records.
 *   A record is a vd_wire_hdr and hdr.len payload bytes, padded with zeros to a multiple
 *   of VD_QUEUE_ALIGN (VD_QUEUE_RECORD_SIZE). A record never wraps around the end of a
 *   ring: when the next record does not fit before the end, the producer first writes a
 *   pad record (hdr.type VD_QUEUE_PAD, hdr.len = bytes left - VD_WIRE_HDR_SIZE) that the
 *   consumer skips.
 *   Positions are free-running byte counts (modulo 2^32) since the last ENABLE; the byte
 *   of count n is at base + (n & (size - 1)). The producer never runs more than `size`
 *   bytes ahead of the consumer.
 *
 * Doorbells and the shadow block
 *   The host writes its records, then SQ_TAIL = its producer count (a posted write: the
 *   records are in host memory before the device can see the doorbell). The firmware
 *   fetches records by DMA, executes them, writes the responses into the completion ring
 *   by DMA, then writes the vd_queue_shadow block (cq_tail, sq_head) at SHADOW, then sends
 *   one MSI (posted writes arrive in order, so what the shadow block says is already in
 *   host memory). The host reads the shadow block (never a BAR0 register on the hot path),
 *   consumes responses and writes CQ_HEAD = its consumer count, which frees completion
 *   space for the firmware.
 *
 * Queue depth
 *   The host keeps at most VD_QUEUE_DEPTH requests outstanding (HELLO's window over this
 *   link says the same). The completion ring must hold VD_QUEUE_DEPTH largest responses
 *   (VD_QUEUE_MIN_CQ), so the firmware never waits for completion space while the host
 *   keeps to the depth.
 *
 * Start-up and restart (docs/pcie.md)
 *   The host writes CTRL = 0, the ring registers, SHADOW and HOST_WIN_*, SQ_TAIL = 0 and
 *   CQ_HEAD = 0 (its doorbells keep the last host's values; only the host writes them),
 *   then CTRL = ENABLE, and polls STATUS until READY (or CONFIG_ERROR), writing ENABLE
 *   again now and then (a firmware that restarted meanwhile acts only on a CTRL write).
 *   Both counts start at 0. A host
 *   that attaches after another (which may have died mid-request) does the same: the
 *   firmware drops whatever it held for the old queues. HELLO then starts the session as
 *   over the UART.
 *
 * Malformed records
 *   A record whose header is readable but wrong (version, reserved, the RESPONSE bit, an
 *   unknown type, a length beyond VD_WIRE_MAX_PAYLOAD) is answered with E_INVALIDARG (seq
 *   and type echoed), nothing executed. A record whose length runs past the end of the ring
 *   or past SQ_TAIL cannot be delimited: the firmware sets STATUS.SQ_ERROR, answers nothing
 *   more and fetches nothing until the queues are restarted. Either way nothing is
 *   executed twice.
 */
#ifndef VIDALLOC_VD_QUEUE_H
#define VIDALLOC_VD_QUEUE_H

#include <stdint.h>

#include "vidalloc/vd_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VD_QUEUE_ALIGN     8u          /* records start and end on this boundary */
#define VD_QUEUE_DEPTH     32u         /* requests a host may have outstanding */
#define VD_QUEUE_MIN_RING  0x1000u     /* 4 KiB */
#define VD_QUEUE_MAX_RING  0x100000u   /* 1 MiB */
#define VD_QUEUE_PAD       0x00u       /* hdr.type of a pad record */

/* Bytes a record of `payload_len` payload bytes occupies in a ring. */
#define VD_QUEUE_RECORD_SIZE(payload_len) \
    ((VD_WIRE_HDR_SIZE + (uint32_t)(payload_len) + VD_QUEUE_ALIGN - 1u) & ~(VD_QUEUE_ALIGN - 1u))
#define VD_QUEUE_MAX_RECORD VD_QUEUE_RECORD_SIZE(VD_WIRE_MAX_PAYLOAD)
/* The smallest completion ring that never makes the firmware wait at VD_QUEUE_DEPTH (a
 * pad record may precede a record at the wrap: one more record's worth). */
#define VD_QUEUE_MIN_CQ ((VD_QUEUE_DEPTH + 1u) * VD_QUEUE_MAX_RECORD)

/* Written by the device at SHADOW after each batch of completions, before the MSI. */
typedef struct vd_queue_shadow {
    uint32_t cq_tail;      /* firmware's producer count of the completion ring */
    uint32_t sq_head;      /* firmware's consumer count of the submission ring */
    uint32_t batches;      /* shadow writes since ENABLE (modulo 2^32) */
    uint32_t reserved;     /* 0 */
} vd_queue_shadow;

VD_WIRE_STATIC_ASSERT(sizeof(vd_queue_shadow) == 16, "queue shadow");
VD_WIRE_STATIC_ASSERT(VD_WIRE_HDR_SIZE % VD_QUEUE_ALIGN == 0, "records start aligned");

#ifdef __cplusplus
}
#endif

#endif /* VIDALLOC_VD_QUEUE_H */
