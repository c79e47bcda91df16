`default_nettype none
// Proof top for vd_gpu (memory-port and reset properties, asserted in the module): a small
// VRAM (256 bytes); reset in the first cycle; register writes and the memory controller's
// answers are free except that they are causal: a grant or a fault only for a request,
// never both, and read data only the cycle after a granted read.
module fv_gpu (
    input wire        clk_i,
    input wire        rst_i,
    input wire        req_i,
    input wire        we_i,
    input wire [11:0] addr_i,
    input wire [31:0] wdata_i,
    input wire        m_gnt_i,
    input wire        m_rvalid_i,
    input wire [31:0] m_rdata_i,
    input wire        m_fault_i
);
    wire       m_req, m_we, m_fetch;
    wire [6:0] m_addr;
    wire [31:0] m_wdata;

    /* verilator lint_off PINCONNECTEMPTY */
    vd_gpu #(.VRAM_BYTES(256)) u_dut (
        .clk_i(clk_i), .rst_i(rst_i),
        .req_i(req_i), .we_i(we_i), .addr_i(addr_i), .wdata_i(wdata_i),
        .ack_o(), .rdata_o(), .irq_o(),
        .m_req_o(m_req), .m_we_o(m_we), .m_fetch_o(m_fetch), .m_addr_o(m_addr),
        .m_wdata_o(m_wdata), .m_gnt_i(m_gnt_i), .m_rvalid_i(m_rvalid_i), .m_rdata_i(m_rdata_i),
        .m_fault_i(m_fault_i)
    );

    reg f_init = 1'b1;
    always @(posedge clk_i) f_init <= 1'b0;
    always @(*) if (f_init) assume (rst_i);

    reg f_rd_gnt_q = 1'b0;
    always @(posedge clk_i) f_rd_gnt_q <= m_req && m_gnt_i && !m_we && !rst_i;
    always @(*) begin
        assume (!(m_gnt_i && m_fault_i));
        if (!m_req) assume (!m_gnt_i && !m_fault_i);
        assume (m_rvalid_i == f_rd_gnt_q);
    end
endmodule
`default_nettype wire
