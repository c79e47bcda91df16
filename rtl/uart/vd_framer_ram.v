`default_nettype none
// vd_framer_ram: one write port (byte enables) and one registered read port, the shape of
// the iCE40's SB_RAM40_4K (which has no second write port), so the framer's buffers map
// onto block RAM: the receive slots are written by the engine and read by the CPU, the
// transmit body written by the CPU and read by the engine.
module vd_framer_ram #(
    parameter WORDS = 512
) (
    input  wire                     clk_i,
    input  wire [3:0]               we_i,
    input  wire [$clog2(WORDS)-1:0] waddr_i,
    input  wire [31:0]              wdata_i,
    input  wire                     re_i,
    input  wire [$clog2(WORDS)-1:0] raddr_i,
    output reg  [31:0]              rdata_o
);
    reg [31:0] mem [0:WORDS-1];

    always @(posedge clk_i) begin
        if (we_i[0]) mem[waddr_i][7:0]   <= wdata_i[7:0];
        if (we_i[1]) mem[waddr_i][15:8]  <= wdata_i[15:8];
        if (we_i[2]) mem[waddr_i][23:16] <= wdata_i[23:16];
        if (we_i[3]) mem[waddr_i][31:24] <= wdata_i[31:24];
        if (re_i) rdata_o <= mem[raddr_i];
    end
endmodule

`default_nettype wire
