#include "uart_bridge.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved_stdin;

UartBridge::~UartBridge() {
    flush_out();
    if (restore_tty_) tcsetattr(STDIN_FILENO, TCSANOW, &saved_stdin);
    if (pty_slave_fd_ >= 0) close(pty_slave_fd_);
    if (in_fd_ >= 0 && in_fd_ != STDIN_FILENO) close(in_fd_);
}

bool UartBridge::open_pty(std::string &path, std::string &err) {
    int fd = posix_openpt(O_RDWR | O_NOCTTY);
    if (fd < 0 || grantpt(fd) || unlockpt(fd)) {
        err = std::string("pty: ") + std::strerror(errno);
        return false;
    }
    const char *name = ptsname(fd);
    if (!name) {
        err = "pty: no slave name";
        return false;
    }
    path = name;
    // Hold the slave open ourselves: clients may come and go without the master seeing EIO,
    // and the line is raw (no echo, no newline mangling) before any client sets it up.
    pty_slave_fd_ = open(name, O_RDWR | O_NOCTTY);
    if (pty_slave_fd_ < 0) {
        err = std::string("pty: ") + std::strerror(errno);
        return false;
    }
    struct termios t;
    tcgetattr(pty_slave_fd_, &t);
    cfmakeraw(&t);
    tcsetattr(pty_slave_fd_, TCSANOW, &t);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    in_fd_ = out_fd_ = fd;
    return true;
}

void UartBridge::open_stdio() {
    in_fd_ = STDIN_FILENO;
    out_fd_ = STDOUT_FILENO;
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_stdin) == 0) {
        struct termios t = saved_stdin;
        t.c_lflag &= ~(ICANON | ECHO);      // keep ISIG: Ctrl-C still stops the simulator
        t.c_iflag &= ~(ICRNL | IXON);
        t.c_cc[VMIN] = 0;
        t.c_cc[VTIME] = 0;
        restore_tty_ = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
    }
}

uint8_t UartBridge::damage(uint8_t byte) {
    uint8_t b = byte;
    if (faults_.ber > 0)
        for (unsigned i = 0; i < 8; i++)
            if (chance(faults_.ber)) b ^= uint8_t(1u << i);
    if (chance(faults_.corrupt)) b ^= uint8_t(1u << (next_rand() % 8));
    if (b != byte) fstats_.corrupted++;
    return b;
}

// Once per cycle while faults are set: the stall and the cut, the reset by cycle.
bool UartBridge::fault_tick() {
    cyc_++;
    if (faults_.reset_at_cycle && cyc_ == faults_.reset_at_cycle) {
        reset_due_ = true;
        fstats_.resets++;
    }
    if (faults_.cut_at && cyc_ >= faults_.cut_at) {
        if (drv_bits_) {
            drv_bits_ = 0;
            fstats_.cut_bytes++;
        }
        fstats_.cut_bytes += in_.size();
        in_.clear();
        smp_busy_ = false;
        return true;
    }
    if (faults_.stall_cycles && cyc_ >= faults_.stall_at &&
        cyc_ < faults_.stall_at + faults_.stall_cycles) {
        // Frozen: the byte on the wire finishes, nothing new starts, the board's bytes wait.
        fstats_.stall_cycles++;
        in_stall_ = true;
        return false;
    }
    if (in_stall_) {
        in_stall_ = false;
        out_ += held_;
        held_.clear();
        flush_out();
    }
    return false;
}

void UartBridge::start_next() {
    if (in_.empty()) return;
    if (faulty_ && in_stall_) return;
    uint8_t byte = in_.front();
    in_.pop_front();
    if (faulty_ && host_to_board() && !in_garbage_count_) {
        if (chance(faults_.drop)) {
            fstats_.dropped++;
            if (byte == 0) fstats_.host_frames++;  // the host sent it; the board never sees it
            return;  // the next byte starts on the next tick
        }
        if (chance(faults_.dup)) {
            fstats_.duplicated++;
            in_.push_front(byte);
        }
        if (chance(faults_.garbage)) {
            unsigned n = 1 + unsigned(next_rand() % (faults_.garbage_max ? faults_.garbage_max : 1));
            in_.push_front(byte);
            for (unsigned i = 0; i < n; i++) {
                uint64_t r = next_rand();
                in_.push_front((r & 7) == 0 ? 0 : uint8_t(r >> 8));  // 1 in 8 a delimiter
            }
            fstats_.garbage_bursts++;
            fstats_.garbage_bytes += n;
            in_garbage_count_ = n;
            byte = in_.front();
            in_.pop_front();
        }
    }
    if (in_garbage_count_) {
        in_garbage_count_--;
    } else if (faulty_) {
        if (host_to_board()) byte = damage(byte);
        if (byte == 0 && faults_.reset_at_request &&
            ++fstats_.host_frames == faults_.reset_at_request) {
            reset_due_ = true;
            fstats_.resets++;
        }
    }
    // start bit (0), 8 data bits LSB first, stop bit (1)
    drv_frame_ = (1u << 9) | (uint32_t(byte) << 1);
    drv_bits_ = 10;
    drv_cnt_ = bit_cycles_;
}

void UartBridge::received(uint8_t byte) {
    if (!faulty_ || !board_to_host()) return deliver(byte);
    if (chance(faults_.drop)) {
        fstats_.dropped++;
        return;
    }
    if (chance(faults_.garbage)) {
        unsigned n = 1 + unsigned(next_rand() % (faults_.garbage_max ? faults_.garbage_max : 1));
        for (unsigned i = 0; i < n; i++) {
            uint64_t r = next_rand();
            deliver((r & 7) == 0 ? 0 : uint8_t(r >> 8));
        }
        fstats_.garbage_bursts++;
        fstats_.garbage_bytes += n;
    }
    uint8_t b = damage(byte);
    deliver(b);
    if (chance(faults_.dup)) {
        fstats_.duplicated++;
        deliver(b);
    }
}

void UartBridge::deliver(uint8_t byte) {
    if (faulty_ && in_stall_) {
        held_.push_back(char(byte));
        return;
    }
    out_.push_back(char(byte));
    last_ = byte;
    if (!needle_.empty() && !seen_) {
        tail_.push_back(char(byte));
        if (tail_.size() > needle_.size()) tail_.erase(0, tail_.size() - needle_.size());
        seen_ = tail_ == needle_;
    }
    if (byte == '\n' || out_.size() >= 64) flush_out();
}

void UartBridge::flush_out() {
    while (!out_.empty() && out_fd_ >= 0) {
        ssize_t n = write(out_fd_, out_.data(), out_.size());
        if (n <= 0) break;                  // pty full (nobody reading): keep for later
        out_.erase(0, size_t(n));
    }
}

void UartBridge::service() {
    flush_out();
    if (in_fd_ < 0 || in_eof_ || in_.size() >= 256) return;
    struct pollfd p = {in_fd_, POLLIN, 0};
    if (poll(&p, 1, 0) <= 0) return;
    uint8_t buf[256];
    ssize_t n = read(in_fd_, buf, sizeof buf - in_.size());
    if (n > 0) in_.insert(in_.end(), buf, buf + n);
    else if (n == 0 && in_fd_ == STDIN_FILENO) in_eof_ = true;
}

// "seed=N,ber=X,corrupt=X,drop=X,dup=X,garbage=X,garbage_max=N,stall_at=C,stall_cycles=N,
//  cut_at=C,reset_at=C,reset_at_request=N,dirs=N"
bool UartBridge::parse_faults(const std::string &spec, UartFaultConfig &f, std::string &err) {
    size_t pos = 0;
    while (pos < spec.size()) {
        size_t end = spec.find(',', pos);
        if (end == std::string::npos) end = spec.size();
        std::string item = spec.substr(pos, end - pos);
        pos = end + 1;
        if (item.empty()) continue;
        size_t eq = item.find('=');
        if (eq == std::string::npos) {
            err = "fault '" + item + "' needs =value";
            return false;
        }
        std::string k = item.substr(0, eq), v = item.substr(eq + 1);
        char *e = nullptr;
        errno = 0;
        double d = std::strtod(v.c_str(), &e);
        if (v.empty() || *e || errno || d < 0) {
            err = "fault " + k + "=" + v + ": not a non-negative number";
            return false;
        }
        auto u = uint64_t(d);
        if (k == "seed") f.seed = std::strtoull(v.c_str(), nullptr, 0);
        else if (k == "ber") f.ber = d;
        else if (k == "corrupt") f.corrupt = d;
        else if (k == "drop") f.drop = d;
        else if (k == "dup") f.dup = d;
        else if (k == "garbage") f.garbage = d;
        else if (k == "garbage_max") f.garbage_max = unsigned(u);
        else if (k == "stall_at") f.stall_at = u;
        else if (k == "stall_cycles") f.stall_cycles = u;
        else if (k == "cut_at") f.cut_at = u;
        else if (k == "reset_at") f.reset_at_cycle = u;
        else if (k == "reset_at_request") f.reset_at_request = u;
        else if (k == "dirs") f.dirs = unsigned(u);
        else {
            err = "unknown fault '" + k + "' (seed, ber, corrupt, drop, dup, garbage, garbage_max, "
                  "stall_at, stall_cycles, cut_at, reset_at, reset_at_request, dirs)";
            return false;
        }
        if ((k == "ber" || k == "corrupt" || k == "drop" || k == "dup" || k == "garbage") && d > 1) {
            err = "fault " + k + " is a probability (0..1)";
            return false;
        }
    }
    return true;
}
