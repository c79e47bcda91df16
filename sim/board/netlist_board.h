// The simulated board around a board top's synthesized netlist: the variant of SimBoard
// (sim/board.h) whose model is the gates yosys hands to nextpnr rather than vd_soc's RTL.
// The parts around it are the same objects (SpiFlash, UartBridge); what differs is where
// they connect: the board's package pins, named by function in spec/boards/<board>.toml
// and turned into VD_BOARD_PIN_* by tools/board.py (vd_board_pins.h), instead of vd_soc's
// ports. Power-on reset is the board top's own (as on the FPGA); the harness only drives the
// oscillator, keeps the button released, and reads the LEDs. One clock cycle is one step().
//
// The model class is Vboard (Verilator --prefix Vboard) whatever the board top is called.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "Vboard.h"
#include "verilated.h"
#include "verilated_fst_c.h"

#include "spi_flash.h"
#include "uart_bridge.h"
#include "vd_board_pins.h"

#define VD_PIN(top, fn) ((top)->VD_BOARD_PIN_##fn)

class NetlistBoard {
public:
    static constexpr size_t kFlashBytes = 16u << 20;  // W25Q128 on the iCEBreaker

    NetlistBoard(unsigned clocks_per_bit, int argc = 0, char **argv = nullptr)
        : ctx_(std::make_unique<VerilatedContext>()), flash_(kFlashBytes), uart_(clocks_per_bit) {
        // What the FPGA leaves undefined at power-up (SPRAM contents; flip-flops and EBR are
        // defined by the bitstream, and the cell models initialise them) starts random, not
        // zero, so nothing works here that would not on the board. +verilator+rand+reset+0
        // and +verilator+seed+N on the command line override it.
        ctx_->randReset(2);
        if (argc > 0) ctx_->commandArgs(argc, argv);
    }
    ~NetlistBoard() { finish(); }

    std::string load(const std::string &path, uint32_t offset) { return flash_.load(path, offset); }

    void start(const std::string &trace_path) {
        top_ = std::make_unique<Vboard>(ctx_.get(), "board");
        if (!trace_path.empty()) {
            ctx_->traceEverOn(true);
            tfp_ = std::make_unique<VerilatedFstC>();
            top_->trace(tfp_.get(), 99);
            tfp_->open(trace_path.c_str());
        }
        VD_PIN(top_, CLK) = 0;
        VD_PIN(top_, BUTTON_N) = 1;  // released: the top's power-on reset alone
        VD_PIN(top_, UART_RX) = 1;
        VD_PIN(top_, FLASH_MISO) = 1;
    }

    // One clock cycle of the board's oscillator.
    inline void step() {
        Vboard *top = top_.get();
        VD_PIN(top, CLK) = 0;
        top->eval();
        if (tfp_) tfp_->dump(t_);
        t_++;
        VD_PIN(top, CLK) = 1;
        top->eval();
        if (tfp_) tfp_->dump(t_);
        t_++;
        cycle_++;
        VD_PIN(top, UART_RX) = uart_.tick(VD_PIN(top, UART_TX));
        VD_PIN(top, FLASH_MISO) =
            flash_.tick(VD_PIN(top, FLASH_SS_N), VD_PIN(top, FLASH_SCK), VD_PIN(top, FLASH_MOSI));
    }

    void press_button(bool pressed) { VD_PIN(top_, BUTTON_N) = !pressed; }
    // The LEDs are active low on the iCEBreaker (docs/board.md: green = out of reset,
    // red = the CPU trapped).
    bool led_green() const { return !VD_PIN(top_, LED_GRN_N); }
    bool led_red() const { return !VD_PIN(top_, LED_RED_N); }

    void finish() {
        if (finished_ || !top_) return;
        finished_ = true;
        top_->final();
        if (tfp_) tfp_->close();
    }

    uint64_t cycles() const { return cycle_; }
    SpiFlash &flash() { return flash_; }
    UartBridge &uart() { return uart_; }

private:
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Vboard> top_;
    std::unique_ptr<VerilatedFstC> tfp_;
    SpiFlash flash_;
    UartBridge uart_;
    uint64_t cycle_ = 0, t_ = 0;
    bool finished_ = false;
};
