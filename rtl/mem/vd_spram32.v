// Single-port 32-bit RAM with byte write enables and a registered read. This is the
// behavioural model used in simulation (any size); the iCE40 build replaces this file with
// rtl/boards/icebreaker/vd_spram32.v, which maps it onto SB_SPRAM256KA blocks.
`default_nettype none

module vd_spram32 #(
    parameter WORDS = 16384
) (
    input  wire                     clk_i,
    input  wire                     en_i,
    input  wire [3:0]               we_i,
    input  wire [$clog2(WORDS)-1:0] addr_i,
    input  wire [31:0]              wdata_i,
    output reg  [31:0]              rdata_o
);
    reg [31:0] mem [0:WORDS-1];

    always @(posedge clk_i) begin
        if (en_i) begin
            if (we_i[0]) mem[addr_i][7:0]   <= wdata_i[7:0];
            if (we_i[1]) mem[addr_i][15:8]  <= wdata_i[15:8];
            if (we_i[2]) mem[addr_i][23:16] <= wdata_i[23:16];
            if (we_i[3]) mem[addr_i][31:24] <= wdata_i[31:24];
            rdata_o <= mem[addr_i];
        end
    end
endmodule

`default_nettype wire
