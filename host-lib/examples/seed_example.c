/*
 * seed_example.c - the closing code example of Microsoft's pfnAllocateCb reference page
 * (PFND3DDDI_ALLOCATECB, the page this project started from), compiled against host-lib's
 * headers. The body
 * of CreateAllocation below is the page's code verbatim (the page's text lost its closing
 * braces; they are restored); the only addition is the device-open step in main(), which
 * fills m_hD3D and m_d3dCallbacks as the Direct3D runtime does for a real driver.
 *
 * The page's code is a method of a C++ driver; its m_ members are file-scope variables here.
 * It assigns NULL to allocInfo.hAllocation, a D3DKMT_HANDLE (UINT, as in the WDK): fine with
 * MSVC, whose NULL is 0, but GCC warns (-Wint-conversion in C, -Wconversion-null in C++), so
 * this one file is built with -Wno-int-conversion.
 *
 *   seed_example [URI]   (default inproc). The page's allocation carries no private driver
 *   data, which the vidalloc miniport requires, so the firmware answers E_INVALIDARG; with
 *   --with-private-data the same code runs with a vd_surface_desc set beforehand.
 */
#include <stdio.h>
#include <string.h>

#include "vidalloc/vidalloc.h"

/* The driver's state the page's code refers to (members of its C++ driver class there). */
static struct {
    BOOL Primary;
} m_dwCurResCaps = {TRUE};
static UINT m_VidPnSourceId = 0;
static HANDLE m_hCurResRuntime = (HANDLE)(uintptr_t)0x2001;
/* What the runtime gives the driver: filled by the device-open step in main(). */
static HANDLE m_hD3D;
static D3DDDI_DEVICECALLBACKS m_d3dCallbacks;
static vd_surface_desc *m_pDesc; /* vidalloc: --with-private-data only */

static HRESULT CreateAllocation(const void *pSysMem, D3DKMT_HANDLE *phAllocation)
{
    // ---- the page's code, verbatim ----
    D3DDDICB_ALLOCATE           allocCB;
    D3DDDI_ALLOCATIONINFO       allocInfo;
    HRESULT                     hr;
    memset(&allocInfo,   0, sizeof(allocInfo));
    memset(&allocCB,     0, sizeof(allocCB));
    // Set the VidPN source ID for the primary and fullscreen back buffer
    if (m_dwCurResCaps.Primary) {
        allocInfo.Flags.Primary = TRUE;
        allocInfo.VidPnSourceId = m_VidPnSourceId;
    }
    // Check if the allocation is in system memory
    if (pSysMem) {
        allocInfo.pSystemMem = pSysMem;
    }
    // Use the runtime handle of the resource being created
    // NOTE: This is critical for supporting a shared resource
    allocCB.hResource = m_hCurResRuntime;

    allocCB.NumAllocations = 1;
    allocCB.pAllocationInfo = &allocInfo;
    // ---- (vidalloc: the miniport's private data, only with --with-private-data) ----
    if (m_pDesc) {
        allocInfo.pPrivateDriverData = m_pDesc;
        allocInfo.PrivateDriverDataSize = sizeof *m_pDesc;
    }
    // ---- the page's code, verbatim ----

    hr = m_d3dCallbacks.pfnAllocateCb(m_hD3D, &allocCB);

    if (FAILED(hr)) {
        allocInfo.hAllocation = NULL;
    }
    else {
        *phAllocation = allocInfo.hAllocation;
    }

    return (hr);
}

int main(int argc, char **argv)
{
    const char *uri = "inproc";
    int with_data = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--with-private-data"))
            with_data = 1;
        else
            uri = argv[i];
    }
    /* The device-open step (the runtime's job on Windows). */
    HRESULT hr = vidalloc_open(uri, NULL, &m_hD3D, &m_d3dCallbacks);
    if (FAILED(hr)) {
        fprintf(stderr, "seed_example: vidalloc_open(%s): %s %s\n", uri,
                vidalloc_hresult_name(hr), vidalloc_last_error());
        return 1;
    }
    vd_surface_desc desc;
    vidalloc_surface_desc(&desc, 64, 48, D3DDDIFMT_X8R8G8B8, 0);
    desc.RefreshRateNumerator = 60;
    desc.RefreshRateDenominator = 1;
    if (with_data)
        m_pDesc = &desc;
    D3DKMT_HANDLE hAllocation = 0;
    hr = CreateAllocation(NULL, &hAllocation);
    printf("CreateAllocation: %s (0x%08X), hAllocation 0x%08X\n", vidalloc_hresult_name(hr),
           (unsigned)hr, hAllocation);
    vidalloc_close(m_hD3D);
    return SUCCEEDED(hr) ? 0 : 3;
}
