`default_nettype none
// vd_sync: two-flop synchroniser for one asynchronous input bit.
// q_o follows d_i two clock edges later; RESET_VAL is the level assumed during reset
// (1 for an idle-high serial line, so leaving reset never looks like a start bit).

module vd_sync #(
    parameter [0:0] RESET_VAL = 1'b0
) (
    input  wire clk_i,
    input  wire rst_i,  // synchronous, active high
    input  wire d_i,    // asynchronous
    output wire q_o
);

    (* async_reg = "true" *) reg [1:0] sync_q;

    always @(posedge clk_i) begin
        if (rst_i) sync_q <= {2{RESET_VAL}};
        else       sync_q <= {sync_q[0], d_i};
    end

    assign q_o = sync_q[1];

endmodule

`default_nettype wire
