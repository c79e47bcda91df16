`default_nettype none
// Proof top for vd_memctl_arb: reset in the first cycle; masters hold a request until it
// is granted (what vd_memctl's ports promise). The properties are in the module.
module fv_memctl_arb #(parameter integer N = 4) (
    input wire         clk_i,
    input wire         rst_i,
    input wire [N-1:0] req_i
);
    wire [N-1:0] gnt;
    vd_memctl_arb #(.N(N)) u_arb (.clk_i(clk_i), .rst_i(rst_i), .req_i(req_i), .gnt_o(gnt));

    reg f_init = 1'b1;
    always @(posedge clk_i) f_init <= 1'b0;
    always @(*) if (f_init) assume (rst_i);

    reg [N-1:0] f_req_q = {N{1'b0}}, f_gnt_q = {N{1'b0}};
    reg         f_rst_q = 1'b1;
    always @(posedge clk_i) begin
        f_req_q <= req_i;
        f_gnt_q <= gnt;
        f_rst_q <= rst_i;
    end
    // a request not granted stays up
    always @(*) if (!f_rst_q) assume ((f_req_q & ~f_gnt_q & ~req_i) == {N{1'b0}});
endmodule
`default_nettype wire
