// vidalloc-sim: the Verilator model of the vidalloc SoC with the board around it: a 12 MHz
// clock, power-on reset, the SPI configuration flash holding the firmware image, and the
// serial line on a pty or stdio. Host programs talk to it exactly as to a board.
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "board.h"
#include "pcie_shm.h"
#include "vd_regs.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

constexpr unsigned kServiceInterval = 512;      // cycles between host I/O polls
constexpr unsigned kPcieInterval = 64;          // cycles between PCIe request ring looks

void usage(FILE *f) {
    std::fprintf(f,
        "usage: vidalloc-sim [options] [+plusargs]\n"
        "Cycle-accurate simulation of the vidalloc SoC (Verilator).\n\n"
        "  --firmware FILE   firmware flash image (vidalloc-fw.img), placed at flash offset 0x%X\n"
        "  --uart MODE       stdio (default) or pty: the serial line on a new pseudo-terminal,\n"
        "                    whose path is printed as 'vidalloc-sim: uart pty PATH'\n"
        "  --baud N          serial line bit rate (default %u; the firmware sets the same)\n"
        "  --trace FILE      write an FST waveform (view with gtkwave)\n"
        "  --max-cycles N    stop after N clock cycles (default: run until a signal)\n"
        "  --expect TEXT     stop with status 0 as soon as the UART output contains TEXT;\n"
        "                    with --max-cycles, reaching the limit first is status 2\n"
        "  --pcie NAME       serve the PCIe endpoint to a host process through the POSIX shared\n"
        "                    memory object NAME (sim/vd_pcie_shm.h: host memory, MMIO request\n"
        "                    ring, futexes); printed as 'vidalloc-sim: pcie shm NAME' once the\n"
        "                    root complex has enumerated the endpoint; removed at exit. The\n"
        "                    UART keeps working beside it. Needs a target with the endpoint.\n"
        "  --pcie-host-mem N bytes of simulated host memory (default %u, at bus address 0x%08X)\n"
        "  --pcie-latency N  cycles from a DMA read request to its completions (default %u)\n"
        "  --pcie-mps N      Max Payload Size in bytes, 128..4096 (default %u)\n"
        "  --pcie-mrrs N     Max Read Request Size in bytes, 128..4096 (default %u)\n"
        "  --faults SPEC     faults on the serial line, seeded and deterministic for a given\n"
        "                    byte stream: key=value,... of seed, ber (per bit), corrupt, drop,\n"
        "                    dup, garbage (per byte; a burst of up to garbage_max random bytes,\n"
        "                    0x00 included), stall_at + stall_cycles (the line frozen, bytes wait),\n"
        "                    cut_at (nothing crosses from that cycle on), reset_at (a power-on\n"
        "                    reset at that cycle), reset_at_request (when the host's nth frame has\n"
        "                    arrived), dirs (1 host->board, 2 board->host, 3 both: the default)\n"
        "  -h, --help        this text\n\n"
        "On exit it prints cycles run and cycles per second and, when PCIe was used, the MMIO\n"
        "read round trip and DMA figures. Exit status: 0 normal, 1 usage or setup error, 2\n"
        "--expect text not seen, 3 the CPU trapped.\n",
        VD_FLASH_FW_OFFSET, VD_UART_BOOT_BAUD, VD_PCIE_SHM_HOST_MEM, VD_PCIE_SHM_HOST_BUS,
        PcieRcConfig().cpl_latency, PcieRcConfig().mps, PcieRcConfig().mrrs);
}

bool parse_u64(const char *s, unsigned long long &out) {
    char *end = nullptr;
    errno = 0;
    out = std::strtoull(s, &end, 0);
    return errno == 0 && end != s && *end == '\0';
}

}  // namespace

int main(int argc, char **argv) {
    std::string firmware, uart_mode = "stdio", trace_path, expect;
    unsigned long long baud = VD_UART_BOOT_BAUD, max_cycles = 0;
    std::string pcie_name;
    unsigned long long host_mem = VD_PCIE_SHM_HOST_MEM;
    PcieRcConfig rc_cfg;
    UartFaultConfig faults;

    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto value = [&](const char *name) -> const char * {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "vidalloc-sim: %s needs a value\n", name);
                std::exit(1);
            }
            return argv[++i];
        };
        if (a == "-h" || a == "--help") { usage(stdout); return 0; }
        else if (a == "--firmware") firmware = value("--firmware");
        else if (a == "--uart") uart_mode = value("--uart");
        else if (a == "--trace") trace_path = value("--trace");
        else if (a == "--expect") expect = value("--expect");
        else if (a == "--faults") {
            std::string e;
            if (!UartBridge::parse_faults(value("--faults"), faults, e)) {
                std::fprintf(stderr, "vidalloc-sim: --faults: %s\n", e.c_str());
                return 1;
            }
        }
        else if (a == "--baud") {
            if (!parse_u64(value("--baud"), baud) || baud == 0 || VD_CLK_HZ / baud < VD_UART_DIV_MIN) {
                std::fprintf(stderr, "vidalloc-sim: --baud must be 1..%u\n", VD_CLK_HZ / VD_UART_DIV_MIN);
                return 1;
            }
        } else if (a == "--max-cycles") {
            if (!parse_u64(value("--max-cycles"), max_cycles)) {
                std::fprintf(stderr, "vidalloc-sim: --max-cycles needs a number\n");
                return 1;
            }
        } else if (a == "--pcie") {
            pcie_name = value("--pcie");
            if (pcie_name.empty() || pcie_name.find('/', 1) != std::string::npos) {
                std::fprintf(stderr, "vidalloc-sim: --pcie needs a name (no '/' but a leading one)\n");
                return 1;
            }
        } else if (a == "--pcie-host-mem") {
            if (!parse_u64(value(a.c_str()), host_mem) || host_mem < 4096 || host_mem > (1ull << 30) ||
                host_mem % 4096) {
                std::fprintf(stderr, "vidalloc-sim: --pcie-host-mem must be a multiple of 4096, at most 1 GiB\n");
                return 1;
            }
        } else if (a == "--pcie-latency" || a == "--pcie-mps" || a == "--pcie-mrrs") {
            unsigned long long v;
            bool size = a != "--pcie-latency";
            if (!parse_u64(value(a.c_str()), v) || v > 1000000 ||
                (size && (v < 128 || v > 4096 || (v & (v - 1))))) {
                std::fprintf(stderr, "vidalloc-sim: %s: %s\n", a.c_str(),
                             size ? "a power of two, 128..4096" : "a number of cycles up to 1000000");
                return 1;
            }
            (a == "--pcie-latency" ? rc_cfg.cpl_latency : a == "--pcie-mps" ? rc_cfg.mps : rc_cfg.mrrs) =
                unsigned(v);
        } else if (!a.empty() && a[0] == '+') {
            // plusargs go to the model
        } else {
            std::fprintf(stderr, "vidalloc-sim: unknown option '%s' (see --help)\n", a.c_str());
            return 1;
        }
    }
    if (uart_mode != "stdio" && uart_mode != "pty") {
        std::fprintf(stderr, "vidalloc-sim: --uart must be stdio or pty\n");
        return 1;
    }
    // Clocks per bit, rounded the same way the firmware computes UART.DIV.
    SimBoard board(unsigned((VD_CLK_HZ + baud / 2) / baud), argc, argv);
    if (!firmware.empty()) {
        std::string err = board.load_firmware(firmware, VD_FLASH_FW_OFFSET);
        if (!err.empty()) {
            std::fprintf(stderr, "vidalloc-sim: %s\n", err.c_str());
            return 1;
        }
    }

    UartBridge &uart = board.uart();
    uart.set_faults(faults);
    if (uart_mode == "pty") {
        std::string path, err;
        if (!uart.open_pty(path, err)) {
            std::fprintf(stderr, "vidalloc-sim: %s\n", err.c_str());
            return 1;
        }
        std::printf("vidalloc-sim: uart pty %s\n", path.c_str());
        std::fflush(stdout);
    } else {
        uart.open_stdio();
    }
    if (!expect.empty()) uart.expect(expect);

    // Before the shared memory exists: a signal from here on ends the loop, which removes it.
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGPIPE, SIG_IGN);

    board.pcie().configure(rc_cfg);
    PcieShmLink shm;
    if (!pcie_name.empty()) {
        std::string err;
        if (!shm.create(pcie_name, uint32_t(host_mem), board.pcie(), err)) {
            std::fprintf(stderr, "vidalloc-sim: %s\n", err.c_str());
            return 1;
        }
    }

    board.start(trace_path);
    PcieRc &rc = board.pcie();
    bool pcie_starting = shm.active();

    // The loop body is SimBoard::step() with everything in locals (see board.h).
    Vvd_soc *top = board.top();
    VerilatedFstC *tfp = board.trace();
    SpiFlash &flash = board.flash();
    constexpr unsigned kResetCycles = SimBoard::kResetCycles;
    int status = 0;
    unsigned long long cycle = 0, por_until = kResetCycles;
    uint64_t t = 0;
    unsigned service_in = kServiceInterval, pcie_in = kPcieInterval;
    auto start = std::chrono::steady_clock::now();

    while (!g_stop) {
        top->clk_i = 0;
        top->eval();
        if (tfp) tfp->dump(t);
        t++;
        rc.pre_edge(top, cycle + 1);
        top->clk_i = 1;
        top->eval();
        if (tfp) tfp->dump(t);
        t++;
        cycle++;
        rc.post_edge(top, cycle);

        if (cycle == por_until) top->por_i = 0;
        top->uart_rx_i = uart.tick(top->uart_tx_o);
        top->flash_miso_i = flash.tick(top->flash_cs_no, top->flash_sck_o, top->flash_mosi_o);

        if (top->trap_o) {
            uart.service();
            std::fprintf(stderr, "vidalloc-sim: CPU trapped at cycle %llu\n", cycle);
            status = 3;
            break;
        }
        if (--service_in == 0) {
            service_in = kServiceInterval;
            uart.service();
            if (uart.take_reset()) {  // a fault: the board resets (up to 511 cycles late)
                top->por_i = 1;
                por_until = cycle + kResetCycles;
            }
            if (!expect.empty() && uart.expected_seen()) break;
        }
        // New requests are looked for every kPcieInterval cycles; a finished one or an MSI
        // is published at once (the host is waiting on its futex).
        if (shm.active() && (--pcie_in == 0 || rc.news())) {
            pcie_in = kPcieInterval;
            if (pcie_starting && rc.enumeration() != PcieRc::ENUM_PENDING) {
                pcie_starting = false;
                if (rc.enumeration() == PcieRc::ENUM_ABSENT) {
                    std::fprintf(stderr, "vidalloc-sim: --pcie: this SoC has no PCIe endpoint "
                                         "(BAR0 never answered)\n");
                    status = 1;
                    break;
                }
                shm.running();
                std::printf("vidalloc-sim: pcie shm %s\n", pcie_name.c_str());
                std::fflush(stdout);
            }
            shm.service(rc, cycle);
        }
        if (max_cycles && cycle >= max_cycles) {
            if (!expect.empty() && !uart.expected_seen()) {
                std::fprintf(stderr, "vidalloc-sim: '%s' not seen within %llu cycles\n",
                             expect.c_str(), max_cycles);
                status = 2;
            }
            break;
        }
    }
    board.set_cycles(cycle, t);
    uart.service();
    if (uart_mode == "stdio" && uart.mid_line()) std::fputc('\n', stderr);  // keep the figure on its own line

    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    shm.stop();
    board.finish();
    std::fprintf(stderr,
                 "vidalloc-sim: %llu cycles (%.3f ms at %.0f MHz) in %.3f s: %.2f M cycles/s\n",
                 cycle, cycle * 1e3 / VD_CLK_HZ, VD_CLK_HZ / 1e6, secs,
                 secs > 0 ? cycle / secs / 1e6 : 0.0);
    if (rc.used()) {
        const PcieRcStats &s = rc.stats();
        std::fprintf(stderr,
                     "vidalloc-sim: pcie: %llu MMIO reads (round trip %llu/%.1f/%llu cycles min/avg/max, "
                     "%llu failed), %llu writes; DMA %llu bytes read in %llu requests, %llu written; "
                     "%llu MSIs; %llu UR completions, %llu TLPs dropped\n",
                     (unsigned long long)s.mmio_reads, (unsigned long long)s.mmio_rt_min,
                     s.mmio_reads ? double(s.mmio_rt_total) / double(s.mmio_reads) : 0.0,
                     (unsigned long long)s.mmio_rt_max, (unsigned long long)s.mmio_errors,
                     (unsigned long long)s.mmio_writes, (unsigned long long)s.dma_read_bytes,
                     (unsigned long long)s.dma_read_reqs, (unsigned long long)s.dma_write_bytes,
                     (unsigned long long)s.msi, (unsigned long long)s.ur, (unsigned long long)s.dropped);
    }
    if (faults.any()) {
        const UartFaultStats &f = uart.fault_stats();
        std::fprintf(stderr,
                     "vidalloc-sim: faults: %llu bytes corrupted, %llu dropped, %llu duplicated, "
                     "%llu garbage bursts (%llu bytes), %llu stall cycles, %llu bytes cut, "
                     "%llu resets\n",
                     (unsigned long long)f.corrupted, (unsigned long long)f.dropped,
                     (unsigned long long)f.duplicated, (unsigned long long)f.garbage_bursts,
                     (unsigned long long)f.garbage_bytes, (unsigned long long)f.stall_cycles,
                     (unsigned long long)f.cut_bytes, (unsigned long long)f.resets);
    }
    if (uart.framing_errors())
        std::fprintf(stderr, "vidalloc-sim: %llu UART framing errors (baud mismatch?)\n",
                     (unsigned long long)uart.framing_errors());
    return status;
}
