`default_nettype none
// Proof top for vd_fifo: DEPTH 8 (a 3-bit LFSR, period 7), 4-bit words. Every input is
// free; the module's own FORMAL block assumes its reset (formal.mk defines
// VD_FORMAL_TOP_vd_fifo) and holds the properties and covers.
module fv_fifo #(parameter integer WIDTH = 4, parameter integer DEPTH = 8) (
    input wire             clk_i,
    input wire             rst_i,
    input wire             push_i,
    input wire [WIDTH-1:0] wdata_i,
    input wire             pop_i
);
    /* verilator lint_off PINCONNECTEMPTY */
    vd_fifo #(.WIDTH(WIDTH), .DEPTH(DEPTH)) u_dut (
        .clk_i(clk_i), .rst_i(rst_i), .push_i(push_i), .wdata_i(wdata_i), .pop_i(pop_i),
        .rdata_o(), .empty_o(), .full_o(), .level_o()
    );
endmodule
`default_nettype wire
