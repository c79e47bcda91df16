#include "spi_flash.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

std::string SpiFlash::load(const std::string &path, uint32_t offset) {
    FILE *f = std::fopen(path.c_str(), "rb");
    if (!f) return path + ": " + std::strerror(errno);
    std::vector<uint8_t> data;
    uint8_t buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.insert(data.end(), buf, buf + n);
    bool err = std::ferror(f);
    std::fclose(f);
    if (err) return path + ": read error";
    if (offset + data.size() > mem_.size()) return path + ": does not fit in the flash";
    std::memcpy(&mem_[offset], data.data(), data.size());
    return "";
}

void SpiFlash::rising(bool mosi) {
    shift_ = (shift_ << 1) | (mosi ? 1u : 0u);
    bits_++;
    switch (state_) {
    case CMD:
        if (bits_ == 8) {
            uint8_t cmd = shift_ & 0xFF;
            state_ = (cmd == 0x03) ? ADDR : IGNORE;   // 0xAB (wake) needs no data phase
            bits_ = 0;
            shift_ = 0;
        }
        break;
    case ADDR:
        if (bits_ == 24) {
            addr_ = shift_ & 0xFFFFFF;
            state_ = DATA;
            out_bits_ = 0;
            bits_ = 0;
        }
        break;
    case DATA:
    case IGNORE:
        break;
    }
}

void SpiFlash::falling() {
    if (state_ != DATA) return;
    if (out_bits_ == 0) {           // previous byte fully presented: fetch the next
        out_ = mem_[addr_ % mem_.size()];
        addr_++;
        bytes_read_++;
        out_bits_ = 8;
    }
    out_bits_--;
    miso_ = (out_ >> out_bits_) & 1;
}
