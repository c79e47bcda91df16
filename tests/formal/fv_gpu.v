`default_nettype none
// Proof top for vd_gpu (memory-port, reset and watchdog properties, in the module): a small
// VRAM (256 bytes), with the system-memory path (APERTURE: the endpoint's answers free too).
// Every input (register writes, the memory controller's answers) is free
// here; the module's own FORMAL block assumes its reset and causal memory answers
// (formal.mk defines VD_FORMAL_TOP_vd_gpu).
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
    input wire        m_fault_i,
    input wire        m_pend_i,
    input wire        x_done_i,
    input wire        x_err_i,
    input wire        x_prog_i,
    input wire        x_busy_i
);
    /* verilator lint_off PINCONNECTEMPTY */
    vd_gpu #(.VRAM_BYTES(256), .APERTURE(1)) u_dut (
        .clk_i(clk_i), .rst_i(rst_i),
        .req_i(req_i), .we_i(we_i), .addr_i(addr_i), .wdata_i(wdata_i),
        .ack_o(), .rdata_o(), .irq_o(),
        .m_req_o(), .m_we_o(), .m_fetch_o(), .m_addr_o(), .m_wdata_o(),
        .m_gnt_i(m_gnt_i), .m_rvalid_i(m_rvalid_i), .m_rdata_i(m_rdata_i), .m_fault_i(m_fault_i),
        .m_pend_i(m_pend_i),
        .x_req_o(), .x_to_host_o(), .x_fill_o(), .x_pattern_o(), .x_host_o(), .x_vram_o(),
        .x_len_o(), .x_done_i(x_done_i), .x_err_i(x_err_i), .x_prog_i(x_prog_i),
        .x_busy_i(x_busy_i)
    );
endmodule
`default_nettype wire
