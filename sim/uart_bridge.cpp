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

void UartBridge::start_next() {
    if (in_.empty()) return;
    // start bit (0), 8 data bits LSB first, stop bit (1)
    drv_frame_ = (1u << 9) | (uint32_t(in_.front()) << 1);
    in_.pop_front();
    drv_bits_ = 10;
    drv_cnt_ = bit_cycles_;
}

void UartBridge::received(uint8_t byte) {
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
