// The simulated board: the Verilated SoC with the parts around it (12 MHz clock, power-on
// reset, SPI configuration flash with the firmware image, the serial line's far end).
// Used by the vidalloc-sim program (main.cpp) and by the C library API (vd_sim.h) that
// host-lib's in-process transport links; one clock cycle is one call to step().
#pragma once
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "Vvd_soc.h"
#include "verilated.h"
#include "verilated_fst_c.h"

#include "pcie_rc.h"
#include "spi_flash.h"
#include "uart_bridge.h"

class SimBoard {
public:
    static constexpr size_t kFlashBytes = 16u << 20;  // W25Q128 on the iCEBreaker
    static constexpr unsigned kResetCycles = 8;

    // clocks_per_bit: the UART bridge's bit time (the firmware's divider for the same baud).
    SimBoard(unsigned clocks_per_bit, int argc = 0, char **argv = nullptr)
        : ctx_(std::make_unique<VerilatedContext>()), flash_(kFlashBytes), uart_(clocks_per_bit) {
        if (argc > 0) ctx_->commandArgs(argc, argv);
    }
    ~SimBoard() { finish(); }

    // Place a firmware image at its flash offset; returns an error message or "".
    std::string load_firmware(const std::string &path, uint32_t offset) {
        return flash_.load(path, offset);
    }
    // Create the model (after commandArgs and firmware); optionally with an FST trace.
    void start(const std::string &trace_path) {
        top_ = std::make_unique<Vvd_soc>(ctx_.get(), "soc");
        if (!trace_path.empty()) {
            ctx_->traceEverOn(true);
            tfp_ = std::make_unique<VerilatedFstC>();
            top_->trace(tfp_.get(), 99);
            tfp_->open(trace_path.c_str());
        }
        top_->clk_i = 0;
        top_->por_i = 1;
        top_->uart_rx_i = 1;
        top_->flash_miso_i = 1;
        pcie_.start(top_.get());
    }
    // Run until the root complex knows whether the endpoint is there (a few hundred cycles
    // after reset; up to its probe timeout on a SoC without one). False if the CPU trapped.
    bool enumerate() {
        while (pcie_.enumeration() == PcieRc::ENUM_PENDING)
            if (!step()) return false;
        return true;
    }

    // One clock cycle. Returns false when the CPU has trapped.
    inline bool step() {
        top_->clk_i = 0;
        top_->eval();
        if (tfp_) tfp_->dump(t_);
        t_++;
        pcie_.pre_edge(top_.get(), cycle_ + 1);
        top_->clk_i = 1;
        top_->eval();
        if (tfp_) tfp_->dump(t_);
        t_++;
        cycle_++;
        pcie_.post_edge(top_.get(), cycle_);
        if (cycle_ == por_until_) top_->por_i = 0;
        top_->uart_rx_i = uart_.tick(top_->uart_tx_o);
        top_->flash_miso_i = flash_.tick(top_->flash_cs_no, top_->flash_sck_o, top_->flash_mosi_o);
        return !top_->trap_o;
    }

    // Power-on reset again (a fault: the board resets under the host), for kResetCycles.
    void reset() {
        top_->por_i = 1;
        por_until_ = cycle_ + kResetCycles;
    }

    void finish() {
        if (finished_ || !top_) return;
        finished_ = true;
        top_->final();
        if (tfp_) tfp_->close();
    }

    uint64_t cycles() const { return cycle_; }
    // For a caller that runs its own copy of step()'s loop body (vidalloc-sim's main loop
    // keeps everything in locals: measurably faster than calling step()).
    Vvd_soc *top() { return top_.get(); }
    VerilatedFstC *trace() { return tfp_.get(); }
    SpiFlash &flash() { return flash_; }
    void set_cycles(uint64_t c, uint64_t t) { cycle_ = c; t_ = t; }
    UartBridge &uart() { return uart_; }
    const UartBridge &uart() const { return uart_; }
    // Configure it (and give it host memory) before start().
    PcieRc &pcie() { return pcie_; }
    const PcieRc &pcie() const { return pcie_; }

private:
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Vvd_soc> top_;
    std::unique_ptr<VerilatedFstC> tfp_;
    SpiFlash flash_;
    UartBridge uart_;
    PcieRc pcie_;
    uint64_t cycle_ = 0, t_ = 0;
    uint64_t por_until_ = kResetCycles;
    bool finished_ = false;
};
