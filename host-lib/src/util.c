/* Errors, HRESULT names, surface description helpers. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vd_host.h"

static _Thread_local char g_last_error[512];
static _Thread_local HRESULT g_last_hr;

HRESULT vd_last_hr(void) { return g_last_hr; }

HRESULT vd_fail(HRESULT hr, const char *fmt, ...)
{
    /* Formatted aside, then copied: an argument may be vidalloc_last_error() itself (a
     * message that wraps the previous one), and vsnprintf into its own source garbles it. */
    char text[sizeof g_last_error];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    memcpy(g_last_error, text, sizeof g_last_error);
    g_last_hr = hr;
    return hr;
}

void vd_clear_error(void)
{
    g_last_error[0] = '\0';
    g_last_hr = S_OK;
}

const char *vidalloc_last_error(void) { return g_last_error; }

const char *vidalloc_hresult_name(HRESULT hr)
{
    switch (hr) {
    case S_OK: return "S_OK";
    case E_FAIL: return "E_FAIL";
    case E_OUTOFMEMORY: return "E_OUTOFMEMORY";
    case E_INVALIDARG: return "E_INVALIDARG";
    case D3DERR_OUTOFVIDEOMEMORY: return "D3DERR_OUTOFVIDEOMEMORY";
    case D3DERR_WASSTILLDRAWING: return "D3DERR_WASSTILLDRAWING";
    case D3DERR_NOTAVAILABLE: return "D3DERR_NOTAVAILABLE";
    case D3DDDIERR_DEVICEREMOVED: return "D3DDDIERR_DEVICEREMOVED";
    case D3DDDIERR_INVALIDHANDLE: return "D3DDDIERR_INVALIDHANDLE";
    case D3DDDIERR_INVALIDUSERBUFFER: return "D3DDDIERR_INVALIDUSERBUFFER";
    case D3DDDIERR_CANTRENDERLOCKEDALLOCATION: return "D3DDDIERR_CANTRENDERLOCKEDALLOCATION";
    default: return "HRESULT";
    }
}

void vidalloc_buffer_desc(vd_surface_desc *desc, uint32_t byte_size, uint32_t usage)
{
    *desc = vd_surface_buffer(byte_size, usage);
}

void vidalloc_surface_desc(vd_surface_desc *desc, uint32_t width, uint32_t height,
                           D3DDDIFORMAT format, uint32_t usage)
{
    *desc = vd_surface_pixels((uint32_t)format, width, height, usage);
}
