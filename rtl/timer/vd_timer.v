// Free-running cycle counter (MTIME) with one compare and a level interrupt.
`default_nettype none
`include "vd_regs.vh"

module vd_timer (
    input  wire        clk_i,
    input  wire        rst_i,
    input  wire        req_i,
    input  wire        we_i,
    input  wire [11:0] addr_i,
    input  wire [31:0] wdata_i,
    output reg         ack_o,
    output reg  [31:0] rdata_o,
    output wire        irq_o
);
    reg [31:0] mtime_q, cmp_q;
    reg        irq_en_q, match_q;

    wire wr = req_i && we_i;

    assign irq_o = irq_en_q && match_q;

    always @(posedge clk_i) begin
        if (rst_i) begin
            mtime_q  <= 32'b0;
            cmp_q    <= `VD_TIMER_MTIMECMP_RESET;
            irq_en_q <= 1'b0;
            match_q  <= 1'b0;
        end else begin
            mtime_q <= mtime_q + 1'b1;
            if (wr && addr_i == `VD_TIMER_MTIMECMP) cmp_q <= wdata_i;
            if (wr && addr_i == `VD_TIMER_CTRL) irq_en_q <= wdata_i[`VD_TIMER_CTRL_IRQ_EN_LSB];
            if (mtime_q == cmp_q)
                match_q <= 1'b1;
            else if (wr && addr_i == `VD_TIMER_STATUS && wdata_i[`VD_TIMER_STATUS_MATCH_LSB])
                match_q <= 1'b0;
        end
    end

    always @(posedge clk_i) begin
        ack_o   <= req_i && !rst_i;
        rdata_o <= 32'b0;
        if (req_i && !we_i) begin
            case (addr_i)
                `VD_TIMER_MTIME:    rdata_o <= mtime_q;
                `VD_TIMER_MTIMECMP: rdata_o <= cmp_q;
                `VD_TIMER_CTRL:     rdata_o <= {31'b0, irq_en_q};
                `VD_TIMER_STATUS:   rdata_o <= {31'b0, match_q};
                default:            rdata_o <= 32'b0;
            endcase
        end
    end
endmodule

`default_nettype wire
