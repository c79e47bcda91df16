/*
 * vd_status.h - NTSTATUS and HRESULT values of the WDDM allocation and submission paths,
 * and the kernel -> runtime mapping (the WDK's values). Shared by host-lib and firmware:
 * the firmware's kernel speaks NTSTATUS; its dispatcher maps every result here, once.
 *
 * Every value is guarded with #ifndef so this header coexists with another header
 * (host-lib's D3D API header, a Windows SDK) that defines the same names. Values are
 * 32-bit: vd_ntstatus_t / vd_hresult_t are int32_t, as NTSTATUS and HRESULT are LONG.
 */
#ifndef VIDALLOC_VD_STATUS_H
#define VIDALLOC_VD_STATUS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t vd_ntstatus_t; /* same representation as the WDK's NTSTATUS */
typedef int32_t vd_hresult_t;  /* same representation as the WDK's HRESULT */

/* ---- NTSTATUS (kernel side) ---- */
#ifndef STATUS_SUCCESS
#define STATUS_SUCCESS ((vd_ntstatus_t)0x00000000)
#endif
#ifndef STATUS_TIMEOUT
#define STATUS_TIMEOUT ((vd_ntstatus_t)0x00000102) /* a wait with no time left ended first */
#endif
#ifndef STATUS_INVALID_HANDLE
#define STATUS_INVALID_HANDLE ((vd_ntstatus_t)0xC0000008)
#endif
#ifndef STATUS_INVALID_PARAMETER
#define STATUS_INVALID_PARAMETER ((vd_ntstatus_t)0xC000000D)
#endif
#ifndef STATUS_NO_MEMORY
#define STATUS_NO_MEMORY ((vd_ntstatus_t)0xC0000017)
#endif
#ifndef STATUS_NOT_SUPPORTED
#define STATUS_NOT_SUPPORTED ((vd_ntstatus_t)0xC00000BB)
#endif
#ifndef STATUS_DEVICE_REMOVED
#define STATUS_DEVICE_REMOVED ((vd_ntstatus_t)0xC00002B6)
#endif
#ifndef STATUS_GRAPHICS_DRIVER_MISMATCH
#define STATUS_GRAPHICS_DRIVER_MISMATCH ((vd_ntstatus_t)0xC01E0009)
#endif
#ifndef STATUS_GRAPHICS_NO_VIDEO_MEMORY
#define STATUS_GRAPHICS_NO_VIDEO_MEMORY ((vd_ntstatus_t)0xC01E0100)
#endif
#ifndef STATUS_GRAPHICS_CANT_LOCK_MEMORY
#define STATUS_GRAPHICS_CANT_LOCK_MEMORY ((vd_ntstatus_t)0xC01E0101)
#endif
#ifndef STATUS_GRAPHICS_ALLOCATION_BUSY
#define STATUS_GRAPHICS_ALLOCATION_BUSY ((vd_ntstatus_t)0xC01E0102)
#endif
#ifndef STATUS_GRAPHICS_CANT_RENDER_LOCKED_ALLOCATION
#define STATUS_GRAPHICS_CANT_RENDER_LOCKED_ALLOCATION ((vd_ntstatus_t)0xC01E0111)
#endif
#ifndef NT_SUCCESS
#define NT_SUCCESS(Status) (((vd_ntstatus_t)(Status)) >= 0)
#endif

/* ---- HRESULT (runtime / user-mode side) ---- */
#ifndef S_OK
#define S_OK ((vd_hresult_t)0x00000000)
#endif
#ifndef E_FAIL
#define E_FAIL ((vd_hresult_t)0x80004005)
#endif
#ifndef E_OUTOFMEMORY
#define E_OUTOFMEMORY ((vd_hresult_t)0x8007000E)
#endif
#ifndef E_INVALIDARG
#define E_INVALIDARG ((vd_hresult_t)0x80070057)
#endif
#ifndef D3DERR_OUTOFVIDEOMEMORY
#define D3DERR_OUTOFVIDEOMEMORY ((vd_hresult_t)0x8876017C)
#endif
#ifndef D3DERR_WASSTILLDRAWING
#define D3DERR_WASSTILLDRAWING ((vd_hresult_t)0x8876021C)
#endif
#ifndef D3DERR_NOTAVAILABLE
#define D3DERR_NOTAVAILABLE ((vd_hresult_t)0x8876086A)
#endif
#ifndef D3DDDIERR_DEVICEREMOVED
#define D3DDDIERR_DEVICEREMOVED ((vd_hresult_t)0x88760870)
#endif
#ifndef D3DDDIERR_INVALIDHANDLE
#define D3DDDIERR_INVALIDHANDLE ((vd_hresult_t)0x88760873)
#endif
#ifndef D3DDDIERR_INVALIDUSERBUFFER
#define D3DDDIERR_INVALIDUSERBUFFER ((vd_hresult_t)0x88760879)
#endif
#ifndef D3DDDIERR_CANTRENDERLOCKEDALLOCATION
#define D3DDDIERR_CANTRENDERLOCKEDALLOCATION ((vd_hresult_t)0xC0262111)
#endif
#ifndef SUCCEEDED
#define SUCCEEDED(hr) (((vd_hresult_t)(hr)) >= 0)
#endif
#ifndef FAILED
#define FAILED(hr) (((vd_hresult_t)(hr)) < 0)
#endif

/*
 * Runtime <- kernel mapping: the five of pfnAllocateCb's documentation, then the submission
 * and lock results (a zero-time wait that found the GPU still busy, an allocation-list
 * handle that is not a live allocation of the device, a locked allocation in the list, a
 * lock the allocation cannot take). Anything not listed maps to E_FAIL (including
 * STATUS_GRAPHICS_DRIVER_MISMATCH and STATUS_NOT_SUPPORTED: a block the board lacks).
 */
static inline vd_hresult_t vd_status_to_hresult(vd_ntstatus_t status)
{
    switch (status) {
    case STATUS_SUCCESS:                  return S_OK;
    case STATUS_INVALID_PARAMETER:        return E_INVALIDARG;
    case STATUS_NO_MEMORY:                return E_OUTOFMEMORY;
    case STATUS_GRAPHICS_NO_VIDEO_MEMORY: return D3DERR_OUTOFVIDEOMEMORY;
    case STATUS_DEVICE_REMOVED:           return D3DDDIERR_DEVICEREMOVED;
    case STATUS_TIMEOUT:                  return D3DERR_WASSTILLDRAWING;
    case STATUS_GRAPHICS_ALLOCATION_BUSY: return D3DERR_WASSTILLDRAWING;
    case STATUS_INVALID_HANDLE:           return D3DDDIERR_INVALIDHANDLE;
    case STATUS_GRAPHICS_CANT_RENDER_LOCKED_ALLOCATION:
        return D3DDDIERR_CANTRENDERLOCKEDALLOCATION;
    case STATUS_GRAPHICS_CANT_LOCK_MEMORY: return D3DERR_NOTAVAILABLE;
    default:                              return E_FAIL;
    }
}

#ifdef __cplusplus
}
#endif

#endif /* VIDALLOC_VD_STATUS_H */
