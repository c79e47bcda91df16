// PCIE_BUF: the endpoint's message buffer, a dual-port RAM of 32-bit words with a registered
// read on each port. Port A is the CPU's (byte enables, two-cycle access like the boot ROM),
// port B the DMA engine's (whole words). The two ports never write the same word in the
// same cycle in practice (firmware does not touch a buffer area while a DMA runs on it);
// if they do, port B's write wins (it is last). Behavioural: the sim target only (an
// ECP5/iCE40 build would map it onto true dual-port block RAM).
`default_nettype none

module vd_pcie_buf #(
    parameter WORDS = 2048
) (
    input  wire                     clk_i,
    // port A: CPU
    input  wire                     a_en_i,
    input  wire [3:0]               a_we_i,
    input  wire [$clog2(WORDS)-1:0] a_addr_i,
    input  wire [31:0]              a_wdata_i,
    output reg  [31:0]              a_rdata_o,
    // port B: DMA
    input  wire                     b_en_i,
    input  wire                     b_we_i,
    input  wire [$clog2(WORDS)-1:0] b_addr_i,
    input  wire [31:0]              b_wdata_i,
    output reg  [31:0]              b_rdata_o
);
    reg [31:0] mem [0:WORDS-1];

    always @(posedge clk_i) begin
        if (a_en_i) begin
            if (a_we_i[0]) mem[a_addr_i][7:0]   <= a_wdata_i[7:0];
            if (a_we_i[1]) mem[a_addr_i][15:8]  <= a_wdata_i[15:8];
            if (a_we_i[2]) mem[a_addr_i][23:16] <= a_wdata_i[23:16];
            if (a_we_i[3]) mem[a_addr_i][31:24] <= a_wdata_i[31:24];
            a_rdata_o <= mem[a_addr_i];
        end
        if (b_en_i) begin
            if (b_we_i) mem[b_addr_i] <= b_wdata_i;
            b_rdata_o <= mem[b_addr_i];
        end
    end
endmodule

`default_nettype wire
