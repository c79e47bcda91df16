// System control: ID, version, scratch, reset cause, the SoC's sizes and feature word, and
// the system reset generator.
// SYSCTL is reset only by power-on; it holds every other block in reset while por_i is high
// and for RST_CYCLES after a software reset or a CPU trap.
`default_nettype none
`include "vd_regs.vh"

module vd_sysctl #(
    parameter [31:0] CLK_HZ       = `VD_CLK_HZ,     // SYSCTL.CLK_HZ: the target's clock
    parameter [31:0] FW_RAM_BYTES = `VD_FW_RAM_SIZE,
    parameter [31:0] VRAM_BYTES   = `VD_VRAM_SIZE,
    parameter [31:0] FEATURES     = 32'b0           // SYSCTL.FEATURES: vd_soc computes it
) (
    input  wire        clk_i,
    input  wire        por_i,       // power-on / external reset, active high
    input  wire        trap_i,      // CPU halted on a trap
    output wire        sys_rst_o,   // reset for the CPU and the other blocks
    // register bus
    input  wire        req_i,
    input  wire        we_i,
    input  wire [11:0] addr_i,
    input  wire [31:0] wdata_i,
    output reg         ack_o,
    output reg  [31:0] rdata_o
);
    localparam [4:0]  RST_CYCLES = 5'd16;   // reset length after a soft reset or trap
    localparam [31:0] CAUSE_POR  = `VD_SYSCTL_RESET_CAUSE_POR_MASK;
    localparam [31:0] CAUSE_SOFT = `VD_SYSCTL_RESET_CAUSE_SOFT_MASK;
    localparam [31:0] CAUSE_TRAP = `VD_SYSCTL_RESET_CAUSE_TRAP_MASK;

    reg [31:0] scratch_q;
    reg [2:0]  cause_q;            // {TRAP, SOFT, POR}
    reg [4:0]  rst_cnt_q;          // cycles of reset still to hold

    wire wr = req_i && we_i;
    wire soft_rst = wr && addr_i == `VD_SYSCTL_RESET && wdata_i == `VD_SYSCTL_RESET_KEY;
    // A trap restarts the system once; trap_i falls as soon as the CPU is in reset.
    wire trap_rst = trap_i && rst_cnt_q == 0;

    assign sys_rst_o = por_i || rst_cnt_q != 0;

    always @(posedge clk_i) begin
        if (por_i) begin
            scratch_q <= `VD_SYSCTL_SCRATCH_RESET;
            cause_q   <= CAUSE_POR[2:0];
            rst_cnt_q <= RST_CYCLES;
        end else begin
            if (rst_cnt_q != 0) rst_cnt_q <= rst_cnt_q - 1'b1;
            if (soft_rst || trap_rst) rst_cnt_q <= RST_CYCLES;
            if (wr && addr_i == `VD_SYSCTL_SCRATCH) scratch_q <= wdata_i;
            cause_q <= (wr && addr_i == `VD_SYSCTL_RESET_CAUSE ? cause_q & ~wdata_i[2:0] : cause_q)
                     | (soft_rst ? CAUSE_SOFT[2:0] : 3'b0)
                     | (trap_rst ? CAUSE_TRAP[2:0] : 3'b0);
        end
    end

    always @(posedge clk_i) begin
        ack_o   <= req_i && !por_i;
        rdata_o <= 32'b0;
        if (req_i && !we_i) begin
            case (addr_i)
                `VD_SYSCTL_ID:          rdata_o <= `VD_SOC_ID;
                `VD_SYSCTL_VERSION:     rdata_o <= `VD_SOC_VERSION;
                `VD_SYSCTL_SCRATCH:     rdata_o <= scratch_q;
                `VD_SYSCTL_RESET_CAUSE: rdata_o <= {29'b0, cause_q};
                `VD_SYSCTL_CLK_HZ:      rdata_o <= CLK_HZ;
                `VD_SYSCTL_FW_RAM_SIZE: rdata_o <= FW_RAM_BYTES;
                `VD_SYSCTL_VRAM_SIZE:   rdata_o <= VRAM_BYTES;
                `VD_SYSCTL_FEATURES:    rdata_o <= FEATURES;
                default:                rdata_o <= 32'b0;
            endcase
        end
    end
endmodule

`default_nettype wire
