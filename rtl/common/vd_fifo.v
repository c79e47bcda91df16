`default_nettype none
// vd_fifo: synchronous FIFO with a first-word-fall-through output, stored in a
// synchronous-read memory so that yosys maps it to block RAM (SB_RAM40_4K on the iCE40).
//
// The RAM's registered read port is the head of the queue: whenever the head is empty
// or being popped and the RAM holds more entries, the next one is fetched into it.
// A push into an empty FIFO shows on rdata_o two cycles later (level_o counts it after
// one). Capacity is DEPTH entries, the head included, so the RAM holds at most DEPTH-1.
// A push while full is dropped (even if the same cycle pops); a pop while empty is ignored.
//
// The RAM addresses step through a maximal-length LFSR (period DEPTH-1) instead of a
// binary count: one LUT per pointer instead of an incrementer, and DEPTH-1 is exactly
// the most the RAM ever holds. Both pointers walk the same sequence, so order is kept.
// A fetch never reads the cell being written: that would need the RAM to hold 0 entries
// (no fetch) or DEPTH-1 (then the FIFO is full, no push). Hence no_rw_check: yosys need
// not add read-during-write logic.

module vd_fifo #(
    parameter integer WIDTH = 8,
    parameter integer DEPTH = 512  // power of two, 4..65536
) (
    input  wire                       clk_i,
    input  wire                       rst_i,    // synchronous, active high
    input  wire                       push_i,
    input  wire [WIDTH-1:0]           wdata_i,
    input  wire                       pop_i,
    output wire [WIDTH-1:0]           rdata_o,  // oldest entry, valid while !empty_o
    output wire                       empty_o,  // no entry at the head (rdata_o invalid)
    output wire                       full_o,   // level_o == DEPTH
    output wire [$clog2(DEPTH+1)-1:0] level_o   // entries held, 0..DEPTH
);

    localparam integer AW = $clog2(DEPTH);
    localparam integer LW = AW + 1;

    // Feedback taps of a maximal-length Fibonacci LFSR of n bits (bit k-1 = tap k).
    function [15:0] lfsr_taps(input integer n);
        case (n)
            2:  lfsr_taps = 16'b0000_0000_0000_0011;
            3:  lfsr_taps = 16'b0000_0000_0000_0110;
            4:  lfsr_taps = 16'b0000_0000_0000_1100;
            5:  lfsr_taps = 16'b0000_0000_0001_0100;
            6:  lfsr_taps = 16'b0000_0000_0011_0000;
            7:  lfsr_taps = 16'b0000_0000_0110_0000;
            8:  lfsr_taps = 16'b0000_0000_1011_1000;
            9:  lfsr_taps = 16'b0000_0001_0001_0000;
            10: lfsr_taps = 16'b0000_0010_0100_0000;
            11: lfsr_taps = 16'b0000_0101_0000_0000;
            12: lfsr_taps = 16'b0000_1000_0010_1001;
            13: lfsr_taps = 16'b0001_0000_0000_1101;
            14: lfsr_taps = 16'b0010_0000_0001_0101;
            15: lfsr_taps = 16'b0110_0000_0000_0000;
            16: lfsr_taps = 16'b1101_0000_0000_1000;
            default: lfsr_taps = 16'b0;
        endcase
    endfunction

    localparam [15:0]   TAPS_ALL = lfsr_taps(AW);
    localparam [AW-1:0] TAPS     = TAPS_ALL[AW-1:0];
    localparam [AW-1:0] PTR_INIT = {{(AW-1){1'b0}}, 1'b1};  // any non-zero state

    function [AW-1:0] lfsr_next(input [AW-1:0] p);
        lfsr_next = {p[AW-2:0], ^(p & TAPS)};
    endfunction

    (* no_rw_check *) reg [WIDTH-1:0] mem [0:DEPTH-1];
    reg [WIDTH-1:0] head_q;        // the RAM's read register
    reg             head_valid_q;
    reg [AW-1:0]    wptr_q;
    reg [AW-1:0]    rptr_q;
    reg [LW-1:0]    level_q;

    wire pop     = pop_i & head_valid_q;
    wire push    = push_i & ~full_o;
    // Entries in the RAM = level - head_valid; non-zero unless level is 0, or 1 at the head.
    wire mem_any = (level_q[LW-1:1] != {AW{1'b0}}) | (level_q[0] & ~head_valid_q);
    wire fetch   = mem_any & (~head_valid_q | pop);

    // Storage: plain synchronous write and registered read, nothing else (EBR inference).
    always @(posedge clk_i) begin
        if (push)  mem[wptr_q] <= wdata_i;
        if (fetch) head_q <= mem[rptr_q];
    end

    always @(posedge clk_i) begin
        if (rst_i) begin
            wptr_q       <= PTR_INIT;
            rptr_q       <= PTR_INIT;
            head_valid_q <= 1'b0;
            level_q      <= {LW{1'b0}};
        end else begin
            if (push)  wptr_q <= lfsr_next(wptr_q);
            if (fetch) rptr_q <= lfsr_next(rptr_q);
            if (fetch)    head_valid_q <= 1'b1;
            else if (pop) head_valid_q <= 1'b0;
            // +1 on push, -1 on pop, unchanged on both: one adder.
            level_q <= level_q + {{(LW-1){pop & ~push}}, push ^ pop};
        end
    end

    assign rdata_o = head_q;
    assign empty_o = ~head_valid_q;
    assign full_o  = level_q[LW-1];  // level never exceeds DEPTH = 2**(LW-1)
    assign level_o = level_q;

`ifdef FORMAL
    // Properties for yosys -formal with yosys-smtbmc; proof top tests/formal/fv_fifo.v.
    // Input constraints use the ASSUME macro: assumed when this module is the proof's top
    // (formal.mk defines VD_FORMAL_TOP_vd_fifo), asserted when it sits inside a module
    // under proof. The only one is a reset in the first cycle: push_i and pop_i are free.
`ifdef VD_FORMAL_TOP_vd_fifo
`define ASSUME assume
`else
`define ASSUME assert
`endif
    reg f_past_valid = 1'b0;
    always @(posedge clk_i) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) `ASSUME (rst_i);

    // The pointer sequence by index: state i (0 <= i < PERIOD) is lfsr_next applied i
    // times to PTR_INIT. Shadow indices step with the pointers, modulo PERIOD, so RAM
    // occupancy becomes plain arithmetic; asserting that each pointer equals the state of
    // its index also checks that the LFSR returns to PTR_INIT after exactly PERIOD steps,
    // and the data property below fails if two states of the period coincide.
    localparam integer PERIOD = DEPTH - 1;
    localparam [AW-1:0] F_LAST = PERIOD - 1;

    // the sequence as a constant table, state i at [AW*i +: AW]
    function [AW*PERIOD-1:0] f_seq(input integer unused);
        integer n;
        reg [AW-1:0] st;
        begin
            f_seq = {(AW*PERIOD){1'b0}};
            st = PTR_INIT;
            for (n = 0; n < PERIOD; n = n + 1) begin
                f_seq[AW*n +: AW] = st;
                st = lfsr_next(st);
            end
        end
    endfunction
    localparam [AW*PERIOD-1:0] F_SEQ = f_seq(0);

    function [AW-1:0] f_lfsr_at(input [AW-1:0] idx);
        f_lfsr_at = F_SEQ[AW*idx +: AW];
    endfunction

    function [AW-1:0] f_inc(input [AW-1:0] idx);
        f_inc = (idx == F_LAST) ? {AW{1'b0}} : idx + 1'b1;
    endfunction

    // cells from index a forward to index b, 0..PERIOD-1
    function [LW-1:0] f_span(input [AW-1:0] a, input [AW-1:0] b);
        f_span = (b >= a) ? {1'b0, b - a} : {1'b0, b} + PERIOD[LW-1:0] - {1'b0, a};
    endfunction

    reg [AW-1:0] f_widx, f_ridx;
    reg [LW-1:0] f_in_mem;                 // entries in the RAM (the head excluded)
    always @(posedge clk_i) begin
        if (rst_i) begin
            f_widx   <= {AW{1'b0}};
            f_ridx   <= {AW{1'b0}};
            f_in_mem <= {LW{1'b0}};
        end else begin
            if (push)  f_widx <= f_inc(f_widx);
            if (fetch) f_ridx <= f_inc(f_ridx);
            f_in_mem <= f_in_mem + {{(LW-1){fetch & ~push}}, push ^ fetch};
        end
    end

    // One tracked entry: any push may be chosen (f_pick is free), then its value, the
    // number of entries ahead of it and its RAM cell are followed until it is popped.
    (* anyseq *) wire f_pick;
    reg             f_trk;                 // the tracked entry is in the FIFO
    reg [WIDTH-1:0] f_tdata;
    reg [LW-1:0]    f_tahead;              // entries to be popped before it
    reg [AW-1:0]    f_tidx;                // its RAM cell, by index
    reg             f_tlast;               // it was pushed as the DEPTH-th entry (FIFO full)
    always @(posedge clk_i) begin
        if (rst_i) begin
            f_trk <= 1'b0;
        end else if (!f_trk) begin
            if (push && f_pick) begin
                f_trk    <= 1'b1;
                f_tdata  <= wdata_i;
                f_tahead <= level_q - {{(LW-1){1'b0}}, pop};
                f_tidx   <= f_widx;
                f_tlast  <= level_q == DEPTH - 1 && !pop;
            end
        end else if (pop) begin
            if (f_tahead == {LW{1'b0}}) f_trk <= 1'b0;
            else f_tahead <= f_tahead - 1'b1;
        end
    end
    // Ignored requests: a pop with no valid head, a push into a full FIFO.
    reg [LW-1:0] f_level_q;
    reg          f_ignored_q = 1'b0;
    always @(posedge clk_i) begin
        f_level_q   <= level_q;
        f_ignored_q <= !rst_i && ((pop_i && empty_o && !push_i) || (push_i && full_o && !pop_i));
    end

    wire          f_t_head  = f_trk && f_tahead == {LW{1'b0}} && head_valid_q;
    wire [LW-1:0] f_t_ahead_mem = f_tahead - {{(LW-1){1'b0}}, head_valid_q};
    wire [AW-1:0] f_taddr   = f_lfsr_at(f_tidx);

    always @(*) begin
        if (f_past_valid && !rst_i) begin
            // level: bounded, full exactly at DEPTH, split between the RAM and the head
            assert (level_q <= DEPTH);
            assert (full_o == (level_q == DEPTH));
            assert (f_in_mem + {{(LW-1){1'b0}}, head_valid_q} == level_q);
            assert (f_in_mem <= PERIOD);
            // a valid head is a counted entry; an empty head means at most one in flight
            if (!empty_o) assert (level_q != {LW{1'b0}});
            if (empty_o) assert (level_q <= 1);
            // a pop of an empty head or a push into a full FIFO changes nothing
            if (f_ignored_q) assert (level_q == f_level_q);
            // pointers: the states of their indices, as far apart as the RAM holds
            assert (f_widx <= F_LAST && f_ridx <= F_LAST);
            assert (wptr_q == f_lfsr_at(f_widx) && rptr_q == f_lfsr_at(f_ridx));
            assert (f_span(f_ridx, f_widx) == (f_in_mem == PERIOD ? {LW{1'b0}} : f_in_mem));
            assert (wptr_q != {AW{1'b0}} && rptr_q != {AW{1'b0}});
            // no read of the cell being written (why no_rw_check is sound)
            assert (!(push && fetch && wptr_q == rptr_q));
            // the tracked entry: in the FIFO behind f_tahead others; at the head it is what
            // rdata_o shows (order and value kept), before that it sits unchanged in its
            // RAM cell, as many cells after the read pointer as entries ahead of it there
            if (f_trk) begin
                assert (f_tahead < level_q);
                assert (f_tidx <= F_LAST);
                if (f_t_head) assert (rdata_o == f_tdata);
                else begin
                    assert (f_span(f_ridx, f_tidx) == f_t_ahead_mem);
                    assert (mem[f_taddr] == f_tdata);
                end
            end
        end
    end

    // Not vacuous: full, then empty again; push and pop together when full (the push is
    // dropped), when empty (the pop is ignored) and in between (both happen); a push in
    // flight to the head; the entry pushed last into a full FIFO popped in its turn.
    reg f_was_full = 1'b0;
    always @(posedge clk_i)
        if (rst_i) f_was_full <= 1'b0;
        else if (full_o) f_was_full <= 1'b1;
    always @(*) begin
        if (f_past_valid && !rst_i) begin
            cover (full_o);
            cover (f_was_full && level_q == {LW{1'b0}});
            cover (full_o && push_i && pop_i);
            cover (empty_o && level_q == {LW{1'b0}} && push_i && pop_i);
            cover (push && pop);
            cover (empty_o && level_q == 1);
            cover (f_t_head && pop && f_tlast);
        end
    end
`undef ASSUME
`endif

endmodule

`default_nettype wire
