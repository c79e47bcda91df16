// The host end of the SoC's serial line, bit by bit: it drives the RTL UART's rx pin and
// samples its tx pin at the configured baud, so the real UART RTL is exercised. Bytes come
// from and go to a pseudo-terminal (what a board's USB serial port looks like) or stdio.
#pragma once
#include <cstdint>
#include <deque>
#include <string>

// Faults on the serial line (both directions unless `dirs` says otherwise), seeded and
// deterministic: the same seed and the same traffic give the same faults. Rates are per
// byte (corrupt, drop, dup, garbage) or per bit (ber); 0 disables each.
struct UartFaultConfig {
    uint64_t seed = 1;
    double ber = 0;            // each data bit flips with this probability
    double corrupt = 0;        // a byte gets one random bit flipped
    double drop = 0;           // a byte is lost
    double dup = 0;            // a byte arrives twice
    double garbage = 0;        // a burst of 1..garbage_max random bytes (0x00 included) first
    unsigned garbage_max = 16;
    uint64_t stall_at = 0;     // the line freezes at this cycle (bytes wait both ways) ...
    uint64_t stall_cycles = 0; // ... for this many cycles
    uint64_t cut_at = 0;       // from this cycle on nothing crosses the line (board gone)
    uint64_t reset_at_cycle = 0;   // the board is reset (power-on reset) at this cycle
    uint64_t reset_at_request = 0; // ... or when the host's nth frame has reached it (1-based)
    unsigned dirs = 3;         // 1 host->board, 2 board->host, 3 both
    bool any() const {
        return ber > 0 || corrupt > 0 || drop > 0 || dup > 0 || garbage > 0 || stall_cycles ||
               cut_at || reset_at_cycle || reset_at_request;
    }
};

struct UartFaultStats {
    uint64_t corrupted = 0;    // bytes changed (bit errors or corruption)
    uint64_t dropped = 0, duplicated = 0;
    uint64_t garbage_bursts = 0, garbage_bytes = 0;
    uint64_t stall_cycles = 0; // cycles the line was frozen
    uint64_t cut_bytes = 0;    // bytes lost to a cut line
    uint64_t host_frames = 0;  // frame delimiters that reached the board
    uint64_t resets = 0;
};

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

    // Faults (before traffic starts). A "key=value,..." string's parse error goes to err.
    void set_faults(const UartFaultConfig &f) {
        faults_ = f;
        faulty_ = f.any();
        rng_ = f.seed ? f.seed : 1;
    }
    static bool parse_faults(const std::string &spec, UartFaultConfig &f, std::string &err);
    const UartFaultConfig &faults() const { return faults_; }
    const UartFaultStats &fault_stats() const { return fstats_; }
    // True once when a fault asks for a board reset (the board's owner performs it).
    bool take_reset() {
        bool r = reset_due_;
        reset_due_ = false;
        return r;
    }

    // One clock cycle: sample the RTL's tx pin, return the level for its rx pin.
    inline bool tick(bool tx_pin) {
        if (faulty_ && fault_tick()) return true;  // frozen or cut: the rx pin idles
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
    void deliver(uint8_t byte);
    void flush_out();
    // Faults: per cycle (true while the line carries nothing), per byte each way.
    bool fault_tick();
    uint64_t next_rand() {  // xorshift64*: deterministic from the seed
        rng_ ^= rng_ >> 12;
        rng_ ^= rng_ << 25;
        rng_ ^= rng_ >> 27;
        return rng_ * 0x2545F4914F6CDD1Dull;
    }
    bool chance(double p) { return p > 0 && double(next_rand() >> 11) * 0x1p-53 < p; }
    uint8_t damage(uint8_t byte);
    bool host_to_board() const { return faults_.dirs & 1; }
    bool board_to_host() const { return faults_.dirs & 2; }

    UartFaultConfig faults_;
    UartFaultStats fstats_;
    bool faulty_ = false, reset_due_ = false, in_stall_ = false;
    unsigned in_garbage_count_ = 0;  // garbage bytes queued ahead: not damaged again
    uint64_t rng_ = 1, cyc_ = 0;
    std::string held_;          // board->host bytes waiting out a stall

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
