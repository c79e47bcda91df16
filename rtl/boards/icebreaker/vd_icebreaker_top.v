// iCEBreaker board top: 12 MHz oscillator, power-on reset, FTDI UART, SPI flash, LEDs.
// The SoC's parameters come from the build target (spec/targets/icebreaker.toml, set by
// board.mk through tools/target.py); this board's SPRAM mapping takes 64 KiB per memory.
`default_nettype none
`include "vd_regs.vh"

module vd_icebreaker_top #(
    parameter FW_RAM_BYTES = `VD_FW_RAM_SIZE,
    parameter VRAM_BYTES   = `VD_VRAM_SIZE,
    parameter HAS_GPU      = 1,
    parameter BOOTROM_INIT = "bootrom.hex"
) (
    input  wire CLK,
    input  wire BTN_N,       // user button: held low = reset
    input  wire RX,
    output wire TX,
    output wire LEDR_N,      // red: the CPU trapped
    output wire LEDG_N,      // green: out of reset
    output wire FLASH_SSB,
    output wire FLASH_SCK,
    output wire FLASH_IO0,   // MOSI
    input  wire FLASH_IO1    // MISO
);
    // Power-on reset: hold for 2^6 cycles after configuration, and while the button is low.
    reg [5:0] por_cnt_q = 6'd0;
    wire      por = !por_cnt_q[5] || !BTN_N;
    always @(posedge CLK) begin
        if (!BTN_N) por_cnt_q <= 6'd0;
        else if (!por_cnt_q[5]) por_cnt_q <= por_cnt_q + 1'b1;
    end

    wire trap;

    vd_soc #(
        .FW_RAM_BYTES(FW_RAM_BYTES),
        .VRAM_BYTES  (VRAM_BYTES),
        .HAS_GPU     (HAS_GPU),
        .BOOTROM_INIT(BOOTROM_INIT)
    ) u_soc (
        .clk_i       (CLK),
        .por_i       (por),
        .uart_tx_o   (TX),
        .uart_rx_i   (RX),
        .flash_cs_no (FLASH_SSB),
        .flash_sck_o (FLASH_SCK),
        .flash_mosi_o(FLASH_IO0),
        .flash_miso_i(FLASH_IO1),
        .trap_o      (trap)
    );

    assign LEDR_N = !trap;
    assign LEDG_N = por;
endmodule

`default_nettype wire
