// Behavioural SPI NOR flash (the iCEBreaker's configuration flash as the SoC sees it):
// mode 0, commands READ (0x03 + 24-bit address) and release-from-power-down (0xAB);
// anything else is ignored until CS# rises. The firmware image is placed at its flash
// offset, exactly as `make prog` writes it on a board.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

class SpiFlash {
public:
    explicit SpiFlash(size_t size_bytes) : mem_(size_bytes, 0xFF) {}

    // Copy a file into the flash at offset; returns an error message or "".
    std::string load(const std::string &path, uint32_t offset);

    // Call once per clock cycle after the model has been evaluated.
    // Returns the level to drive on MISO for the next cycle.
    inline bool tick(bool cs_n, bool sck, bool mosi) {
        if (cs_n) {
            bits_ = 0;
            state_ = CMD;
            sck_q_ = sck;
            return miso_;
        }
        if (sck && !sck_q_) rising(mosi);
        else if (!sck && sck_q_) falling();
        sck_q_ = sck;
        return miso_;
    }

    uint64_t bytes_read() const { return bytes_read_; }

private:
    enum State { CMD, ADDR, DATA, IGNORE };
    void rising(bool mosi);
    void falling();

    std::vector<uint8_t> mem_;
    State state_ = CMD;
    uint32_t shift_ = 0;      // bits collected so far
    unsigned bits_ = 0;
    uint32_t addr_ = 0;
    uint8_t out_ = 0;         // byte being shifted out
    unsigned out_bits_ = 0;   // bits of out_ still to present
    bool sck_q_ = false;
    bool miso_ = true;
    uint64_t bytes_read_ = 0;
};
