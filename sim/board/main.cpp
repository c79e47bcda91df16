// vidalloc-board-sim: the board top's synthesized netlist (yosys synth_ice40, the gates
// nextpnr places) simulated with yosys's iCE40 cell models, on the same simulated board as
// vidalloc-sim: the oscillator on the clock pin, the SPI flash holding the firmware image
// (and optionally the bitstream) where `make prog` writes them, the serial line on a pty or
// stdio. Host programs talk to it exactly as to a board (host-lib URI `board-sim`).
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "netlist_board.h"
#include "vd_regs.h"

// The board target's clock (spec/targets: clk_hz; board_sim.mk passes it): what one cycle
// of the netlist stands for.
#ifndef BOARD_CLK_HZ
#define BOARD_CLK_HZ VD_CLK_HZ
#endif

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

constexpr unsigned kServiceInterval = 512;  // cycles between host I/O polls

void usage(FILE *f) {
    std::fprintf(f,
        "usage: vidalloc-board-sim [options] [+plusargs]\n"
        "The %s board top's synthesized netlist (yosys iCE40 cells) on the simulated board.\n\n"
        "  --firmware FILE   firmware image, placed at flash offset 0x%X (spec/soc.toml)\n"
        "  --bitstream FILE  also place the bitstream at flash offset 0, as `make prog` does\n"
        "  --uart MODE       stdio (default) or pty ('vidalloc-board-sim: uart pty PATH')\n"
        "  --baud N          serial line bit rate (default %u; the firmware sets the same)\n"
        "  --trace FILE      write an FST waveform of the netlist\n"
        "  --max-cycles N    stop after N clock cycles\n"
        "  --expect TEXT     stop with status 0 once the UART output contains TEXT\n"
        "                    (status 2 if --max-cycles comes first)\n"
        "  --banner TEXT     report the cycle and wall time at which TEXT first appears\n"
        "                    (to within %u cycles), and keep running\n"
        "  -h, --help        this text\n\n"
        "What the FPGA leaves undefined (SPRAM contents) starts random (+verilator+seed+N picks\n"
        "the values, +verilator+rand+reset+0 zeroes them). Prints the LEDs as they change, cycles and cycles per\n"
        "second on exit. Exit status: 0 normal, 1 usage or setup error, 2 --expect text not\n"
        "seen, 3 the red LED lit (the CPU trapped).\n",
        VD_BOARD_NAME, VD_FLASH_FW_OFFSET, VD_UART_BOOT_BAUD, kServiceInterval);
}

bool parse_u64(const char *s, unsigned long long &out) {
    char *end = nullptr;
    errno = 0;
    out = std::strtoull(s, &end, 0);
    return errno == 0 && end != s && *end == '\0';
}

}  // namespace

int main(int argc, char **argv) {
    std::string firmware, bitstream, uart_mode = "stdio", trace_path, expect, banner;
    unsigned long long baud = VD_UART_BOOT_BAUD, max_cycles = 0;

    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto value = [&](const char *name) -> const char * {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "vidalloc-board-sim: %s needs a value\n", name);
                std::exit(1);
            }
            return argv[++i];
        };
        if (a == "-h" || a == "--help") { usage(stdout); return 0; }
        else if (a == "--firmware") firmware = value("--firmware");
        else if (a == "--bitstream") bitstream = value("--bitstream");
        else if (a == "--uart") uart_mode = value("--uart");
        else if (a == "--trace") trace_path = value("--trace");
        else if (a == "--expect") expect = value("--expect");
        else if (a == "--banner") banner = value("--banner");
        else if (a == "--baud") {
            if (!parse_u64(value("--baud"), baud) || baud == 0 || BOARD_CLK_HZ / baud < VD_UART_DIV_MIN) {
                std::fprintf(stderr, "vidalloc-board-sim: --baud must be 1..%u\n",
                             BOARD_CLK_HZ / VD_UART_DIV_MIN);
                return 1;
            }
        } else if (a == "--max-cycles") {
            if (!parse_u64(value("--max-cycles"), max_cycles)) {
                std::fprintf(stderr, "vidalloc-board-sim: --max-cycles needs a number\n");
                return 1;
            }
        } else if (!a.empty() && a[0] == '+') {
            // plusargs go to the model
        } else {
            std::fprintf(stderr, "vidalloc-board-sim: unknown option '%s' (see --help)\n", a.c_str());
            return 1;
        }
    }
    if (uart_mode != "stdio" && uart_mode != "pty") {
        std::fprintf(stderr, "vidalloc-board-sim: --uart must be stdio or pty\n");
        return 1;
    }
    if (!expect.empty() && !banner.empty()) {
        std::fprintf(stderr, "vidalloc-board-sim: --expect and --banner watch the same output; give one\n");
        return 1;
    }
    // One step() is one cycle of the SoC clock: the board top's clock pin, through the PLL
    // model (a pass-through) when the top has one, so a step stands for a cycle at the
    // target's clock (the PLL's output: 24 MHz on the iCEBreaker), and the bit time is
    // BOARD_CLK_HZ / baud cycles, as the SoC's UART divider has it.
    NetlistBoard board(unsigned((BOARD_CLK_HZ + baud / 2) / baud), argc, argv);
    if (!bitstream.empty()) {
        std::string err = board.load(bitstream, 0);
        if (!err.empty()) { std::fprintf(stderr, "vidalloc-board-sim: %s\n", err.c_str()); return 1; }
    }
    if (!firmware.empty()) {
        std::string err = board.load(firmware, VD_FLASH_FW_OFFSET);
        if (!err.empty()) { std::fprintf(stderr, "vidalloc-board-sim: %s\n", err.c_str()); return 1; }
    }

    UartBridge &uart = board.uart();
    if (uart_mode == "pty") {
        std::string path, err;
        if (!uart.open_pty(path, err)) {
            std::fprintf(stderr, "vidalloc-board-sim: %s\n", err.c_str());
            return 1;
        }
        std::printf("vidalloc-board-sim: uart pty %s\n", path.c_str());
        std::fflush(stdout);
    } else {
        uart.open_stdio();
    }
    if (!expect.empty()) uart.expect(expect);
    if (!banner.empty()) uart.expect(banner);

    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGPIPE, SIG_IGN);

    board.start(trace_path);
    int status = 0;
    unsigned service_in = kServiceInterval;
    bool green = false, banner_reported = false;
    auto start = std::chrono::steady_clock::now();
    auto since_start = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };

    while (!g_stop) {
        board.step();
        if (board.led_red()) {
            uart.service();
            std::fprintf(stderr, "vidalloc-board-sim: red LED at cycle %llu: the CPU trapped\n",
                         (unsigned long long)board.cycles());
            status = 3;
            break;
        }
        if (--service_in == 0) {
            service_in = kServiceInterval;
            uart.service();
            if (board.led_green() != green) {
                green = !green;
                std::fprintf(stderr, "vidalloc-board-sim: green LED %s at cycle %llu\n",
                             green ? "on (out of reset)" : "off (in reset)",
                             (unsigned long long)board.cycles());
            }
            if (uart.expected_seen()) {
                if (!expect.empty()) break;
                if (!banner_reported) {
                    banner_reported = true;
                    std::fprintf(stderr, "vidalloc-board-sim: banner at cycle %llu, %.2f s wall\n",
                                 (unsigned long long)board.cycles(), since_start());
                }
            }
        }
        if (max_cycles && board.cycles() >= max_cycles) {
            if (!expect.empty() && !uart.expected_seen()) {
                std::fprintf(stderr, "vidalloc-board-sim: '%s' not seen within %llu cycles\n",
                             expect.c_str(), max_cycles);
                status = 2;
            }
            break;
        }
    }
    uart.service();
    if (uart_mode == "stdio" && uart.mid_line()) std::fputc('\n', stderr);
    if (!expect.empty() && uart.expected_seen())
        std::fprintf(stderr, "vidalloc-board-sim: '%s' at cycle %llu\n", expect.c_str(),
                     (unsigned long long)board.cycles());
    double secs = since_start();
    board.finish();
    std::fprintf(stderr,
                 "vidalloc-board-sim: %llu cycles (%.3f ms at %.0f MHz) in %.3f s: %.3f M cycles/s\n",
                 (unsigned long long)board.cycles(), board.cycles() * 1e3 / BOARD_CLK_HZ, BOARD_CLK_HZ / 1e6,
                 secs, secs > 0 ? board.cycles() / secs / 1e6 : 0.0);
    if (uart.framing_errors())
        std::fprintf(stderr, "vidalloc-board-sim: %llu UART framing errors\n",
                     (unsigned long long)uart.framing_errors());
    return status;
}
