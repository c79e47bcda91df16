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
    // Implementation properties, for yosys -D FORMAL with yosys-smtbmc. The input
    // constraint (a reset in the first cycle) uses the ASSUME macro: an assumption when
    // this module is the proof's top (VD_FORMAL_TOP_vd_fifo), an assertion inside another.
`ifdef VD_FORMAL_TOP_vd_fifo
`define ASSUME assume
`else
`define ASSUME assert
`endif
    reg f_past_valid = 1'b0;
    always @(posedge clk_i) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) `ASSUME (rst_i);

    // Entries in the RAM, counted along the LFSR sequence.
    reg [LW-1:0] f_in_mem;
    always @(posedge clk_i) begin
        if (rst_i) f_in_mem <= {LW{1'b0}};
        else       f_in_mem <= f_in_mem + {{(LW-1){fetch & ~push}}, push ^ fetch};
    end

    always @(*) begin
        if (f_past_valid && !rst_i) begin
            assert (level_q <= DEPTH);
            assert (f_in_mem + {{(LW-1){1'b0}}, head_valid_q} == level_q);
            assert (f_in_mem <= DEPTH - 1);
            assert (wptr_q != {AW{1'b0}} && rptr_q != {AW{1'b0}});
            assert (!(push && fetch && wptr_q == rptr_q));  // no read of the cell being written
            if (f_in_mem == {LW{1'b0}}) assert (wptr_q == rptr_q);
            if (!head_valid_q) assert (level_q <= 1);
        end
    end
`undef ASSUME
`endif

endmodule

`default_nettype wire
