/* gpu_model.c - see gpu_model.h. */
#include "gpu_model.h"

#include <string.h>

#include "vd_mmio.h"
#include "vd_regs.h"

#define GPU(r) (VD_GPU_BASE + VD_GPU_##r)
#define MC(r) (VD_MEMCTL_BASE + VD_MEMCTL_##r)
#define MTIME (VD_TIMER_BASE + VD_TIMER_MTIME)

static struct {
    uint8_t *vram;
    uint32_t vram_size;
    int deferred;
    uint32_t step;
    uint32_t now;
    /* GPU */
    uint32_t enable, state, ring_base, ring_size, head, tail, fence, wdt_limit, wdt_count;
    uint32_t int_status, int_en, hang_since;
    /* MEMCTL */
    uint32_t mc_ctrl, mc_status, fault_addr, fault_info, win_base, win_size;
    struct { uint32_t base, size; int valid, write; } win[VD_MEMCTL_WIN_SLOTS];
    /* observations */
    uint32_t doorbells, commands, resets, win_loads, blocked;
} m;

void gpu_model_reset(uint8_t *vram, uint32_t vram_size)
{
    memset(&m, 0, sizeof m);
    m.vram = vram;
    m.vram_size = vram_size;
    m.step = 1000;
}

void gpu_model_set_deferred(int on) { m.deferred = on; }
void gpu_model_set_time_step(uint32_t cycles) { m.step = cycles; }
uint32_t gpu_model_now(void) { return m.now; }
uint32_t gpu_model_doorbells(void) { return m.doorbells; }
uint32_t gpu_model_commands(void) { return m.commands; }
uint32_t gpu_model_resets(void) { return m.resets; }
uint32_t gpu_model_win_loads(void) { return m.win_loads; }
uint32_t gpu_model_blocked(void) { return m.blocked; }
int gpu_model_irq_line(void) { return (m.int_status & m.int_en) != 0; }
int gpu_model_memctl_irq_line(void) { return (m.mc_ctrl & 1u) && (m.mc_status & 1u); }

int gpu_model_window(uint32_t slot, uint32_t *base, uint32_t *size, int *write)
{
    *base = m.win[slot].base;
    *size = m.win[slot].size;
    *write = m.win[slot].write;
    return m.win[slot].valid;
}

static uint32_t rd32(uint32_t a)
{
    uint32_t v;
    memcpy(&v, m.vram + a, 4);
    return v;
}

static void wr32(uint32_t a, uint32_t v)
{
    memcpy(m.vram + a, &v, 4);
}

/* The memory controller's check of one GPU access; on a block: capture and stop. */
static int access_ok(uint64_t a, int write, int fetch)
{
    uint32_t info = (write ? VD_MEMCTL_FAULT_INFO_WRITE_MASK : 0u) |
                    (fetch ? VD_MEMCTL_FAULT_INFO_FETCH_MASK : 0u);
    if (a + 4 > m.vram_size) {
        info |= VD_MEMCTL_FAULT_INFO_OUTSIDE_MASK;
    } else if (fetch) {
        if (!write)
            return 1;
    } else {
        for (uint32_t k = 0; k < VD_MEMCTL_WIN_SLOTS; k++) {
            if (!m.win[k].valid || a < m.win[k].base || a >= (uint64_t)m.win[k].base + m.win[k].size)
                continue;
            if (!write || m.win[k].write)
                return 1;
            info |= VD_MEMCTL_FAULT_INFO_HIT_MASK | VD_FIELD_PREP(VD_MEMCTL_FAULT_INFO_SLOT, k);
        }
    }
    m.blocked++;
    m.state = VD_GPU_STATE_FAULT;
    m.int_status |= VD_GPU_INT_STATUS_FAULT_MASK;
    if (!(m.mc_status & VD_MEMCTL_STATUS_FAULT_MASK)) {
        m.mc_status |= VD_MEMCTL_STATUS_FAULT_MASK;
        m.fault_addr = (uint32_t)a;
        m.fault_info = info;
    }
    return 0;
}

static void bad_command(void)
{
    m.state = VD_GPU_STATE_ERROR;
    m.int_status |= VD_GPU_INT_STATUS_ERROR_MASK;
}

void gpu_model_run(void)
{
    while (m.enable && m.state == VD_GPU_STATE_IDLE && m.head != m.tail && m.ring_size) {
        uint32_t at = m.ring_base + m.head, w[4];
        if (!access_ok(at, 0, 1) || !access_ok((uint64_t)at + 12, 0, 1))
            return;
        for (int i = 0; i < 4; i++)
            w[i] = rd32(at + 4u * (uint32_t)i);
        uint32_t dst = w[VD_GPU_CMD_W_DST], arg = w[VD_GPU_CMD_W_ARG], n = w[VD_GPU_CMD_W_BYTES];
        switch (w[VD_GPU_CMD_W_OP] & VD_GPU_OP_MASK) {
        case VD_GPU_OP_NOP:
            break;
        case VD_GPU_OP_FILL:
            if ((dst | n) & 3u)
                return bad_command();
            for (uint64_t i = 0; i < n; i += 4) {
                if (!access_ok(dst + i, 1, 0))
                    return;
                wr32((uint32_t)(dst + i), arg);
            }
            break;
        case VD_GPU_OP_COPY:
            if ((dst | arg | n) & 3u)
                return bad_command();
            for (uint64_t i = 0; i < n; i += 4) {
                if (!access_ok(arg + i, 0, 0))
                    return;
                uint32_t v = rd32((uint32_t)(arg + i));
                if (!access_ok(dst + i, 1, 0))
                    return;
                wr32((uint32_t)(dst + i), v);
            }
            break;
        case VD_GPU_OP_FENCE:
            m.fence = arg;
            m.int_status |= VD_GPU_INT_STATUS_FENCE_MASK;
            break;
        case VD_GPU_OP_HANG:
            m.state = VD_GPU_STATE_HANG;
            m.hang_since = m.now;
            return;
        default:
            return bad_command();
        }
        m.commands++;
        m.head += VD_GPU_CMD_BYTES;
        if (m.head >= m.ring_size)
            m.head = 0;
    }
}

void gpu_model_advance(uint32_t cycles)
{
    m.now += cycles;
    if (m.state == VD_GPU_STATE_HANG && m.wdt_limit != 0) {
        uint32_t busy = m.now - m.hang_since;
        m.wdt_count = busy < m.wdt_limit ? busy : m.wdt_limit;
        if (busy >= m.wdt_limit)
            m.int_status |= VD_GPU_INT_STATUS_TIMEOUT_MASK;
    }
    if (m.deferred)
        gpu_model_run();
}

int gpu_model_read(uint32_t addr, uint32_t *v)
{
    switch (addr) {
    case MTIME:          gpu_model_advance(m.step); *v = m.now; return 1;
    case GPU(CTRL):      *v = m.enable; return 1;
    case GPU(STATUS):    *v = m.state; return 1;
    case GPU(RING_BASE): *v = m.ring_base; return 1;
    case GPU(RING_SIZE): *v = m.ring_size; return 1;
    case GPU(RING_HEAD): *v = m.head; return 1;
    case GPU(RING_TAIL): *v = m.tail; return 1;
    case GPU(FENCE):     *v = m.fence; return 1;
    case GPU(WDT_LIMIT): *v = m.wdt_limit; return 1;
    case GPU(WDT_COUNT): *v = m.state == VD_GPU_STATE_HANG ? m.wdt_count : 0; return 1;
    case GPU(INT_STATUS): *v = m.int_status; return 1;
    case GPU(INT_EN):    *v = m.int_en; return 1;
    case MC(CTRL):       *v = m.mc_ctrl; return 1;
    case MC(CMD):        *v = 0; return 1;
    case MC(STATUS):     *v = m.mc_status; return 1;
    case MC(FAULT_ADDR): *v = m.fault_addr; return 1;
    case MC(FAULT_INFO): *v = m.fault_info; return 1;
    case MC(WIN_BASE):   *v = m.win_base; return 1;
    case MC(WIN_SIZE):   *v = m.win_size; return 1;
    case MC(WIN_CTRL):   *v = 0; return 1;
    case MC(WIN_STATE): {
        uint32_t st = 0;
        for (uint32_t k = 0; k < VD_MEMCTL_WIN_SLOTS; k++)
            st |= (m.win[k].valid ? 1u << k : 0u) | (m.win[k].write ? 0x100u << k : 0u);
        *v = st;
        return 1;
    }
    default:
        return 0;
    }
}

static int stopped(void)
{
    return !m.enable && m.state == VD_GPU_STATE_IDLE;
}

int gpu_model_write(uint32_t addr, uint32_t v)
{
    switch (addr) {
    case GPU(CTRL):
        if (v & VD_GPU_CTRL_RESET_MASK) {
            m.resets++;
            m.enable = 0;
            m.state = VD_GPU_STATE_IDLE;
            m.wdt_count = 0;
            return 1;
        }
        m.enable = v & VD_GPU_CTRL_ENABLE_MASK;
        break;
    case GPU(RING_BASE): if (stopped()) m.ring_base = v & ~15u; return 1;
    case GPU(RING_SIZE): if (stopped()) m.ring_size = v & ~15u; return 1;
    case GPU(RING_HEAD): if (stopped()) m.head = v & ~15u; return 1;
    case GPU(RING_TAIL):
        m.tail = v & ~15u;
        if (m.enable) /* a doorbell; set-up writes while stopped are not */
            m.doorbells++;
        break;
    case GPU(FENCE):     m.fence = v; return 1;
    case GPU(WDT_LIMIT): m.wdt_limit = v & VD_GPU_WDT_LIMIT_LIMIT_MASK; return 1;
    case GPU(WDT_COUNT): return 1;
    case GPU(STATUS):    return 1;
    case GPU(INT_STATUS): m.int_status &= ~v; return 1;
    case GPU(INT_EN):    m.int_en = v & 0xFu; return 1;
    case MC(CTRL):       m.mc_ctrl = v & 1u; return 1;
    case MC(CMD):
        if (v & VD_MEMCTL_CMD_WIN_CLEAR_MASK)
            for (uint32_t k = 0; k < VD_MEMCTL_WIN_SLOTS; k++)
                m.win[k].valid = m.win[k].write = 0;
        return 1;
    case MC(STATUS):     m.mc_status &= ~v; return 1;
    case MC(WIN_BASE):   m.win_base = v & ~15u; return 1;
    case MC(WIN_SIZE):   m.win_size = (v & ~15u) > m.vram_size ? m.vram_size : (v & ~15u); return 1;
    case MC(WIN_CTRL): {
        uint32_t k = VD_FIELD_GET(v, VD_MEMCTL_WIN_CTRL_SLOT);
        m.win[k].base = m.win_base;
        m.win[k].size = m.win_size;
        m.win[k].valid = (v & VD_MEMCTL_WIN_CTRL_VALID_MASK) != 0;
        m.win[k].write = (v & VD_MEMCTL_WIN_CTRL_WRITE_MASK) != 0;
        m.win_loads++;
        return 1;
    }
    case MC(FAULT_ADDR):
    case MC(FAULT_INFO):
    case MC(WIN_STATE):
        return 1;
    default:
        return 0;
    }
    if (!m.deferred)
        gpu_model_run();
    return 1;
}
