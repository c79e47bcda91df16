`default_nettype none
// Proof top for vd_gpu driving vd_memctl's GPU port, as in vd_soc: a 256-byte VRAM, 4
// window slots, 2-bit counters. The module under proof is vd_memctl (formal.mk defines
// VD_FORMAL_TOP_vd_memctl, so only its reset is assumed); vd_gpu's ASSUMEs about the
// memory port (causal grants, faults and read data) and its reset become assertions,
// which vd_memctl's answers must satisfy; vd_memctl's and the arbiter's properties hold
// with the real engine on the GPU port. Both register buses, the other three ports and
// the RAM's read data are free.
module fv_gpu_memctl (
    input wire        clk_i,
    input wire        rst_i,
    input wire        g_req_i,
    input wire        g_we_i,
    input wire [11:0] g_addr_i,
    input wire [31:0] g_wdata_i,
    input wire        m_req_i,
    input wire        m_we_i,
    input wire [11:0] m_addr_i,
    input wire [31:0] m_wdata_i,
    input wire        cpu_req_i,
    input wire [3:0]  cpu_we_i,
    input wire [5:0]  cpu_addr_i,
    input wire [31:0] cpu_wdata_i,
    input wire        dma_req_i,
    input wire [3:0]  dma_we_i,
    input wire [5:0]  dma_addr_i,
    input wire [31:0] dma_wdata_i,
    input wire        scan_req_i,
    input wire [5:0]  scan_addr_i,
    input wire [31:0] ram_rdata_i
);
    wire        gpu_req, gpu_we, gpu_fetch, gpu_gnt, gpu_rvalid, gpu_fault, gpu_pend;
    wire [6:0]  gpu_addr;
    wire [31:0] gpu_wdata, port_rdata;

    /* verilator lint_off PINCONNECTEMPTY */
    vd_gpu #(.VRAM_BYTES(256)) u_gpu (
        .clk_i(clk_i), .rst_i(rst_i),
        .req_i(g_req_i), .we_i(g_we_i), .addr_i(g_addr_i), .wdata_i(g_wdata_i),
        .ack_o(), .rdata_o(), .irq_o(),
        .m_req_o(gpu_req), .m_we_o(gpu_we), .m_fetch_o(gpu_fetch), .m_addr_o(gpu_addr),
        .m_wdata_o(gpu_wdata), .m_gnt_i(gpu_gnt), .m_rvalid_i(gpu_rvalid),
        .m_rdata_i(port_rdata), .m_fault_i(gpu_fault), .m_pend_i(gpu_pend),
        .x_req_o(), .x_to_host_o(), .x_fill_o(), .x_pattern_o(), .x_host_o(), .x_vram_o(),
        .x_len_o(), .x_done_i(1'b0), .x_err_i(1'b0), .x_prog_i(1'b0), .x_busy_i(1'b0)
    );

    vd_memctl #(.VRAM_BYTES(256), .SLOTS(4), .CNT_W(2)) u_dut (
        .clk_i(clk_i), .rst_i(rst_i),
        .req_i(m_req_i), .we_i(m_we_i), .addr_i(m_addr_i), .wdata_i(m_wdata_i),
        .ack_o(), .rdata_o(), .irq_o(),
        .cpu_req_i(cpu_req_i), .cpu_we_i(cpu_we_i), .cpu_addr_i(cpu_addr_i),
        .cpu_wdata_i(cpu_wdata_i), .cpu_gnt_o(), .cpu_rvalid_o(),
        .gpu_req_i(gpu_req), .gpu_we_i(gpu_we), .gpu_fetch_i(gpu_fetch),
        .gpu_addr_i(gpu_addr), .gpu_wdata_i(gpu_wdata), .gpu_gnt_o(gpu_gnt),
        .gpu_rvalid_o(gpu_rvalid), .gpu_fault_o(gpu_fault), .gpu_pend_o(gpu_pend),
        .dma_req_i(dma_req_i), .dma_chk_i(1'b0), .dma_we_i(dma_we_i), .dma_addr_i(dma_addr_i),
        .dma_wdata_i(dma_wdata_i), .dma_gnt_o(), .dma_rvalid_o(), .dma_fault_o(),
        .scan_req_i(scan_req_i), .scan_addr_i(scan_addr_i), .scan_gnt_o(), .scan_rvalid_o(),
        .port_rdata_o(port_rdata),
        .ram_en_o(), .ram_we_o(), .ram_addr_o(), .ram_wdata_o(), .ram_rdata_i(ram_rdata_i)
    );
endmodule
`default_nettype wire
