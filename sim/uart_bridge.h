// The host end of the SoC's serial line, bit by bit: it drives the RTL UART's rx pin and
// samples its tx pin at the configured baud, so the real UART RTL is exercised. Bytes come
// from and go to a pseudo-terminal (what a board's USB serial port looks like) or stdio.
#pragma once
#include <cstdint>
#include <deque>
#include <string>

class UartBridge {
public:
    UartBridge(unsigned clocks_per_bit) : bit_cycles_(clocks_per_bit) {}
    ~UartBridge();

    // Create a pty (raw 8-bit, no echo) and return its path in `path`.
    bool open_pty(std::string &path, std::string &err);
    // Use stdin/stdout (stdin set to raw mode while running if it is a terminal).
    void open_stdio();
    // Neither: the program that owns the bridge moves bytes itself with push()/pop()
    // (the in-process library, vd_sim.h). That is the state after construction.

    // Queue bytes for the RTL's rx pin / take bytes the RTL sent (queue mode).
    void push(const uint8_t *data, size_t len) { in_.insert(in_.end(), data, data + len); }
    size_t pop(uint8_t *buf, size_t cap) {
        size_t n = out_.size() < cap ? out_.size() : cap;
        out_.copy(reinterpret_cast<char *>(buf), n);
        out_.erase(0, n);
        return n;
    }
    bool has_output() const { return !out_.empty(); }
    size_t pending_input() const { return in_.size() + (drv_bits_ ? 1 : 0); }

    // One clock cycle: sample the RTL's tx pin, return the level for its rx pin.
    inline bool tick(bool tx_pin) {
        sample(tx_pin);
        if (drv_bits_) {
            if (--drv_cnt_ == 0) {
                drv_frame_ >>= 1;
                drv_cnt_ = bit_cycles_;
                if (--drv_bits_ == 0) start_next();
            }
        } else if (!in_.empty()) {
            start_next();
        }
        return drv_bits_ ? (drv_frame_ & 1) : true;
    }

    // Move bytes between the host side and the queues; cheap, call every few hundred cycles.
    void service();
    bool input_idle() const { return in_.empty() && drv_bits_ == 0; }

    // --expect support: true once `needle` has appeared in the RTL's output.
    void expect(const std::string &needle) { needle_ = needle; }
    bool expected_seen() const { return seen_; }
    uint64_t framing_errors() const { return framing_errors_; }
    bool mid_line() const { return last_ != '\n'; }   // last byte out was not a newline

private:
    inline void sample(bool tx_pin) {
        if (!smp_busy_) {
            if (!tx_pin) {               // start bit edge: sample mid-bit from here
                smp_busy_ = true;
                smp_idx_ = 0;
                smp_cnt_ = bit_cycles_ / 2;
            }
            return;
        }
        if (--smp_cnt_) return;
        smp_cnt_ = bit_cycles_;
        if (smp_idx_ == 0) {
            if (tx_pin) smp_busy_ = false;   // glitch, not a start bit
        } else if (smp_idx_ <= 8) {
            smp_byte_ = (smp_byte_ >> 1) | (tx_pin ? 0x80 : 0);
        } else {
            smp_busy_ = false;
            if (tx_pin) received(smp_byte_);
            else framing_errors_++;
            return;
        }
        smp_idx_++;
    }
    void start_next();
    void received(uint8_t byte);
    void flush_out();

    unsigned bit_cycles_;
    // host -> RTL
    std::deque<uint8_t> in_;
    uint32_t drv_frame_ = 0;
    unsigned drv_bits_ = 0, drv_cnt_ = 0;
    // RTL -> host
    bool smp_busy_ = false;
    unsigned smp_idx_ = 0, smp_cnt_ = 0;
    uint8_t smp_byte_ = 0;
    uint8_t last_ = '\n';
    std::string out_;
    uint64_t framing_errors_ = 0;
    // endpoints
    int in_fd_ = -1, out_fd_ = -1, pty_slave_fd_ = -1;
    bool in_eof_ = false;
    bool restore_tty_ = false;
    std::string needle_, tail_;
    bool seen_ = false;
};
