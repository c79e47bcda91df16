// iCEBreaker board top: 12 MHz oscillator, PLL, power-on reset, FTDI UART, SPI flash, LEDs.
// The SoC's parameters come from the build target (spec/targets/icebreaker.toml, set by
// board.mk through tools/target.py); this board's SPRAM mapping takes 64 KiB per memory.
// The system clock is the target's clk_hz (CLK_HZ): the oscillator itself at 12 MHz, else
// the PLL (SB_PLL40_PAD on the oscillator's pin 35) with the dividers `icepll -i 12 -o N`
// computes, for each clock listed below; any other CLK_HZ stops the build.
`default_nettype none
`include "vd_regs.vh"

module vd_icebreaker_top #(
    parameter CLK_HZ       = `VD_CLK_HZ,
    parameter FW_RAM_BYTES = `VD_FW_RAM_SIZE,
    parameter VRAM_BYTES   = `VD_VRAM_SIZE,
    parameter HAS_GPU      = 1,
    parameter HAS_PCIE     = 0,             // the board has no PCIe: must stay 0
    parameter HAS_FRAMER   = 0,             // framing in hardware: spec/targets/icebreaker.toml decides
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
    // ------------------------------------------------------------ clock
    localparam integer OSC_HZ = 12000000;
    wire clk, pll_lock;
    generate
        if (CLK_HZ == OSC_HZ) begin : g_osc
            assign clk      = CLK;
            assign pll_lock = 1'b1;
        end else if (CLK_HZ == 24000000) begin : g_pll
            // icepll -i 12 -o 24: F_PFD 12 MHz, F_VCO 768 MHz, 24.000 MHz achieved
            SB_PLL40_PAD #(
                .FEEDBACK_PATH("SIMPLE"),
                .DIVR(4'b0000),
                .DIVF(7'b0111111),
                .DIVQ(3'b101),
                .FILTER_RANGE(3'b001)
            ) u_pll (
                .PACKAGEPIN  (CLK),
                .PLLOUTGLOBAL(clk),
                .LOCK        (pll_lock),
                .RESETB      (1'b1),
                .BYPASS      (1'b0)
            );
        end else begin : g_bad_clk
            initial $fatal(1, "vd_icebreaker_top: no PLL setting for CLK_HZ %0d (icepll -i 12 -o MHz, then add it here)", CLK_HZ);
        end
    endgenerate

    // Power-on reset: hold for 2^6 cycles after configuration and PLL lock, and while the
    // button is low.
    reg [5:0] por_cnt_q = 6'd0;
    wire      por = !por_cnt_q[5] || !BTN_N;
    always @(posedge clk) begin
        if (!BTN_N || !pll_lock) por_cnt_q <= 6'd0;
        else if (!por_cnt_q[5]) por_cnt_q <= por_cnt_q + 1'b1;
    end

    wire trap;
    // The SoC's PCIe outputs (constant 0 without the endpoint), left unconnected.
    wire        pcie_rx_ready, pcie_tx_valid, pcie_tx_first, pcie_tx_last;
    wire [63:0] pcie_tx_dat;
    wire [7:0]  pcie_tx_be;
    wire unused_pcie = &{1'b0, pcie_rx_ready, pcie_tx_valid, pcie_tx_first, pcie_tx_last,
                         pcie_tx_dat, pcie_tx_be};

    vd_soc #(
        .CLK_HZ      (CLK_HZ),
        .FW_RAM_BYTES(FW_RAM_BYTES),
        .VRAM_BYTES  (VRAM_BYTES),
        .HAS_GPU     (HAS_GPU),
        .HAS_PCIE    (HAS_PCIE),
        .HAS_FRAMER  (HAS_FRAMER),
        .BOOTROM_INIT(BOOTROM_INIT)
    ) u_soc (
        .clk_i       (clk),
        .por_i       (por),
        .uart_tx_o   (TX),
        .uart_rx_i   (RX),
        .flash_cs_no (FLASH_SSB),
        .flash_sck_o (FLASH_SCK),
        .flash_mosi_o(FLASH_IO0),
        .flash_miso_i(FLASH_IO1),
        .trap_o      (trap),
        // no PCIe on this board: streams idle, sideband 0 (bus mastering off)
        .pcie_rx_valid_i(1'b0), .pcie_rx_ready_o(pcie_rx_ready), .pcie_rx_first_i(1'b0), .pcie_rx_last_i(1'b0),
        .pcie_rx_dat_i(64'b0), .pcie_rx_be_i(8'b0),
        .pcie_tx_valid_o(pcie_tx_valid), .pcie_tx_ready_i(1'b0), .pcie_tx_first_o(pcie_tx_first),
        .pcie_tx_last_o(pcie_tx_last), .pcie_tx_dat_o(pcie_tx_dat), .pcie_tx_be_o(pcie_tx_be),
        .pcie_cfg_bar0_i(32'b0), .pcie_cfg_bus_master_i(1'b0), .pcie_cfg_mps_i(3'b0),
        .pcie_cfg_mrrs_i(3'b0), .pcie_cfg_req_id_i(16'b0), .pcie_cfg_msi_en_i(1'b0),
        .pcie_cfg_msi_addr_i(32'b0), .pcie_cfg_msi_data_i(16'b0)
    );
    generate
        if (HAS_PCIE != 0) begin : g_bad_pcie
            initial $fatal(1, "vd_icebreaker_top: the iCEBreaker has no PCIe (HAS_PCIE = 0)");
        end
    endgenerate

    assign LEDR_N = !trap;
    assign LEDG_N = por;
endmodule

`default_nettype wire
