// Simulation models of the iCE40 PLLs for the netlist simulator (sim/board/), replacing the
// empty blackboxes of yosys's cells_sim.v (the flow drops those, sim/board_sim.mk).
//
// Time in the netlist simulator is counted in cycles of the SoC clock: the harness drives
// the board's clock pin once per SoC cycle, and the PLL passes it through. What matters
// for behaviour is kept: the output is the reference while RESETB is high (held low
// otherwise) and LOCK rises LOCK_CYCLES edges after RESETB, as the real PLL locks some
// microseconds after configuration, so a top that holds reset until LOCK is exercised. The
// divider parameters are accepted and not modelled (spec/boards/ gives the frequencies).
`default_nettype none

module vd_pll_sim_core #(
    parameter LOCK_CYCLES = 64
) (
    input  wire ref_i,
    input  wire resetb_i,
    input  wire bypass_i,
    output wire out_o,
    output wire lock_o
);
    reg [7:0] lock_cnt_q = 8'd0;
    always @(posedge ref_i or negedge resetb_i) begin
        if (!resetb_i) lock_cnt_q <= 8'd0;
        else if (lock_cnt_q != LOCK_CYCLES[7:0]) lock_cnt_q <= lock_cnt_q + 8'd1;
    end
    assign lock_o = resetb_i && (lock_cnt_q == LOCK_CYCLES[7:0]);
    assign out_o = (resetb_i || bypass_i) ? ref_i : 1'b0;
endmodule

module SB_PLL40_PAD (
    input  PACKAGEPIN,
    output PLLOUTCORE,
    output PLLOUTGLOBAL,
    input  EXTFEEDBACK,
    input  [7:0] DYNAMICDELAY,
    output LOCK,
    input  BYPASS,
    input  RESETB,
    input  LATCHINPUTVALUE,
    output SDO,
    input  SDI,
    input  SCLK
);
    parameter FEEDBACK_PATH = "SIMPLE";
    parameter DELAY_ADJUSTMENT_MODE_FEEDBACK = "FIXED";
    parameter DELAY_ADJUSTMENT_MODE_RELATIVE = "FIXED";
    parameter SHIFTREG_DIV_MODE = 1'b0;
    parameter FDA_FEEDBACK = 4'b0000;
    parameter FDA_RELATIVE = 4'b0000;
    parameter PLLOUT_SELECT = "GENCLK";
    parameter DIVR = 4'b0000;
    parameter DIVF = 7'b0000000;
    parameter DIVQ = 3'b000;
    parameter FILTER_RANGE = 3'b000;
    parameter ENABLE_ICEGATE = 1'b0;
    parameter TEST_MODE = 1'b0;
    parameter EXTERNAL_DIVIDE_FACTOR = 1;
    wire out;
    vd_pll_sim_core u_core (.ref_i(PACKAGEPIN), .resetb_i(RESETB), .bypass_i(BYPASS),
                            .out_o(out), .lock_o(LOCK));
    assign PLLOUTCORE = out;
    assign PLLOUTGLOBAL = out;
    assign SDO = 1'b0;
    wire unused = &{1'b0, EXTFEEDBACK, DYNAMICDELAY, LATCHINPUTVALUE, SDI, SCLK};
endmodule

module SB_PLL40_CORE (
    input  REFERENCECLK,
    output PLLOUTCORE,
    output PLLOUTGLOBAL,
    input  EXTFEEDBACK,
    input  [7:0] DYNAMICDELAY,
    output LOCK,
    input  BYPASS,
    input  RESETB,
    input  LATCHINPUTVALUE,
    output SDO,
    input  SDI,
    input  SCLK
);
    parameter FEEDBACK_PATH = "SIMPLE";
    parameter DELAY_ADJUSTMENT_MODE_FEEDBACK = "FIXED";
    parameter DELAY_ADJUSTMENT_MODE_RELATIVE = "FIXED";
    parameter SHIFTREG_DIV_MODE = 1'b0;
    parameter FDA_FEEDBACK = 4'b0000;
    parameter FDA_RELATIVE = 4'b0000;
    parameter PLLOUT_SELECT = "GENCLK";
    parameter DIVR = 4'b0000;
    parameter DIVF = 7'b0000000;
    parameter DIVQ = 3'b000;
    parameter FILTER_RANGE = 3'b000;
    parameter ENABLE_ICEGATE = 1'b0;
    parameter TEST_MODE = 1'b0;
    parameter EXTERNAL_DIVIDE_FACTOR = 1;
    wire out;
    vd_pll_sim_core u_core (.ref_i(REFERENCECLK), .resetb_i(RESETB), .bypass_i(BYPASS),
                            .out_o(out), .lock_o(LOCK));
    assign PLLOUTCORE = out;
    assign PLLOUTGLOBAL = out;
    assign SDO = 1'b0;
    wire unused = &{1'b0, EXTFEEDBACK, DYNAMICDELAY, LATCHINPUTVALUE, SDI, SCLK};
endmodule

`default_nettype wire
