`default_nettype none
// vd_memctl_arb: round-robin arbiter, N requesters, one grant per cycle, combinational.
//
// The priority pointer is kept as a mask of the requesters strictly after the last one
// granted (prio_q). A request inside the mask wins over one outside it; among equals the
// lowest index wins. Granting requester g sets the mask to the indices above g, so g has
// the lowest priority next. An empty mask means "start from 0".
//
// Bound: let requester i hold its request. Each cycle it is not granted, someone j ahead
// of it in the rotation is, and the pointer moves to j+1, strictly closer to i. The
// distance from the pointer to i is at most N-1, so i is granted within N-1 other grants,
// i.e. within N-1 cycles of waiting, since every cycle with a request grants one.
// Proved below (ifdef FORMAL) by induction: wait[i] + dist(ptr, i) <= N-1.

module vd_memctl_arb #(
    parameter integer N = 4
) (
    input  wire         clk_i,
    input  wire         rst_i,   // synchronous, active high
    input  wire [N-1:0] req_i,
    output wire [N-1:0] gnt_o    // one-hot or zero; gnt_o[i] only if req_i[i]
);
    reg  [N-1:0] prio_q;                     // requesters after the last grant
    wire [N-1:0] req_hi = req_i & prio_q;
    wire [N-1:0] pick   = (|req_hi) ? req_hi : req_i;
    assign gnt_o = pick & (~pick + 1'b1);    // lowest set bit

    always @(posedge clk_i) begin
        if (rst_i) prio_q <= {N{1'b1}};
        else if (|gnt_o) prio_q <= ~(gnt_o | (gnt_o - 1'b1));   // indices above the grant
    end

`ifdef FORMAL
    // Input constraints use the ASSUME macro: assumed when this module is the proof's top
    // (formal.mk defines VD_FORMAL_TOP_vd_memctl_arb), asserted when a module under proof
    // instantiates it (vd_memctl), which must then guarantee them. The only one is a reset
    // in the first cycle; no request pattern is assumed (requests may drop ungranted, as
    // vd_memctl's blocked GPU requests do), and the bounded wait holds all the same.
`ifdef VD_FORMAL_TOP_vd_memctl_arb
`define ASSUME assume
`else
`define ASSUME assert
`endif
    reg f_past_valid = 1'b0;
    always @(posedge clk_i) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) `ASSUME (rst_i);

    // The pointer as an index: lowest set bit of prio_q, or 0 when it is empty.
    integer f_k, f_ptr;
    always @(*) begin
        f_ptr = 0;
        for (f_k = N - 1; f_k >= 0; f_k = f_k - 1)
            if (prio_q[f_k]) f_ptr = f_k;
    end

    // Consecutive cycles each requester has requested without a grant.
    reg [8*N-1:0] f_wait;                   // requester i at [8*i +: 8]
    integer f_i;
    always @(posedge clk_i) begin
        for (f_i = 0; f_i < N; f_i = f_i + 1)
            if (rst_i || !req_i[f_i] || gnt_o[f_i]) f_wait[8*f_i +: 8] <= 8'd0;
            else f_wait[8*f_i +: 8] <= f_wait[8*f_i +: 8] + 8'd1;
    end

    integer f_j;
    always @(*) begin
        if (f_past_valid && !rst_i) begin
            // at most one grant, only to a requester, and someone whenever anyone asks
            assert ((gnt_o & (gnt_o - 1'b1)) == {N{1'b0}});
            assert ((gnt_o & ~req_i) == {N{1'b0}});
            assert ((|req_i) == (|gnt_o));
            // the pointer mask is contiguous from some index up to N-1
            assert (((prio_q << 1) & ~prio_q) == {N{1'b0}});
            for (f_j = 0; f_j < N; f_j = f_j + 1) begin
                // bounded wait: never more than N-1 cycles (= other grants)
                assert (f_wait[8*f_j +: 8] <= N - 1);
                // inductive strengthening: waiting only brings the pointer closer
                if (f_wait[8*f_j +: 8] != 0)
                    assert (f_wait[8*f_j +: 8] + (f_j >= f_ptr ? f_j - f_ptr : f_j - f_ptr + N) <= N - 1);
            end
        end
    end

    // Not vacuous: each requester is granted after the longest wait the bound allows
    // (N-1 cycles, so the bound is tight), and a waiting request may be withdrawn.
    genvar f_c;
    generate
        for (f_c = 0; f_c < N; f_c = f_c + 1) begin : f_cov
            always @(*)
                if (f_past_valid && !rst_i)
                    cover (gnt_o[f_c] && f_wait[8*f_c +: 8] == N - 1);
        end
    endgenerate
    always @(*) if (f_past_valid && !rst_i) cover (f_wait[8*(N-1) +: 8] != 8'd0 && !req_i[N-1]);
`undef ASSUME
`endif
endmodule

`default_nettype wire
