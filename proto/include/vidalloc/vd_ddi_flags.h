/*
 * vd_ddi_flags.h - D3DDDI flag values that cross the wire, written once for host-lib
 * (d3dumddi.h) and the firmware (kernel, dispatcher): D3DDDI_ALLOCATIONINFO.Flags and
 * D3DDDICB_LOCKFLAGS.Value bits (the WDK's d3dumddi.h / d3dukmdt.h values).
 */
#ifndef VIDALLOC_VD_DDI_FLAGS_H
#define VIDALLOC_VD_DDI_FLAGS_H

/* D3DDDI_ALLOCATIONINFO.Flags.Value */
#define VD_D3DDDI_ALLOCINFO_PRIMARY       0x00000001u /* Flags.Primary */
#define VD_D3DDDI_ALLOCINFO_STEREO        0x00000002u /* Flags.Stereo: only with Primary */
#define VD_D3DDDI_ALLOCINFO_RESERVED_MASK 0xFFFFFFFCu /* bits 2..31 must be 0 */

/* D3DDDICB_LOCKFLAGS.Value */
#define D3DDDILOCK_READONLY            0x001u
#define D3DDDILOCK_WRITEONLY           0x002u /* not with ReadOnly */
#define D3DDDILOCK_DONOTWAIT           0x004u
#define D3DDDILOCK_IGNORESYNC          0x008u
#define D3DDDILOCK_LOCKENTIRE          0x010u /* NumPages must be 0 */
#define D3DDDILOCK_DONOTEVICT          0x020u
#define D3DDDILOCK_ACQUIREAPERTURE     0x040u
#define D3DDDILOCK_DISCARD             0x080u
#define D3DDDILOCK_NOEXISTINGREFERENCE 0x100u
#define D3DDDILOCK_USEALTERNATEVA      0x200u
#define D3DDDILOCK_IGNOREREADSYNC      0x400u
#define D3DDDILOCK_RESERVED            0xFFFFF800u

#endif /* VIDALLOC_VD_DDI_FLAGS_H */
