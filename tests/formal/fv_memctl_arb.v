`default_nettype none
// Proof top for vd_memctl_arb (N = 4, as in vd_memctl). Every input is free; the module's
// own FORMAL block assumes its reset (formal.mk defines VD_FORMAL_TOP_vd_memctl_arb) and
// holds the properties and covers.
module fv_memctl_arb #(parameter integer N = 4) (
    input wire         clk_i,
    input wire         rst_i,
    input wire [N-1:0] req_i
);
    /* verilator lint_off PINCONNECTEMPTY */
    vd_memctl_arb #(.N(N)) u_dut (.clk_i(clk_i), .rst_i(rst_i), .req_i(req_i), .gnt_o());
endmodule
`default_nettype wire
