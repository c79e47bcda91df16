`default_nettype none
// Proof top for vd_memctl (protection and one-RAM-user properties, asserted in the
// module): a small VRAM (256 bytes, so 16 window units), 4 window slots, 2-bit counters.
// Every input (register writes, all four ports, RAM data) is free; the module's own FORMAL
// block assumes its reset (formal.mk defines VD_FORMAL_TOP_vd_memctl).
module fv_memctl (
    input wire        clk_i,
    input wire        rst_i,
    input wire        req_i,
    input wire        we_i,
    input wire [11:0] addr_i,
    input wire [31:0] wdata_i,
    input wire        cpu_req_i,
    input wire [3:0]  cpu_we_i,
    input wire [5:0]  cpu_addr_i,
    input wire [31:0] cpu_wdata_i,
    input wire        gpu_req_i,
    input wire        gpu_we_i,
    input wire        gpu_fetch_i,
    input wire [6:0]  gpu_addr_i,
    input wire [31:0] gpu_wdata_i,
    input wire        dma_req_i,
    input wire        dma_chk_i,
    input wire [3:0]  dma_we_i,
    input wire [5:0]  dma_addr_i,
    input wire [31:0] dma_wdata_i,
    input wire        scan_req_i,
    input wire [5:0]  scan_addr_i,
    input wire [31:0] ram_rdata_i
);
    /* verilator lint_off PINCONNECTEMPTY */
    vd_memctl #(.VRAM_BYTES(256), .SLOTS(4), .CNT_W(2), .DMA_CHECK(1)) u_dut (
        .clk_i(clk_i), .rst_i(rst_i),
        .req_i(req_i), .we_i(we_i), .addr_i(addr_i), .wdata_i(wdata_i),
        .ack_o(), .rdata_o(), .irq_o(),
        .cpu_req_i(cpu_req_i), .cpu_we_i(cpu_we_i), .cpu_addr_i(cpu_addr_i),
        .cpu_wdata_i(cpu_wdata_i), .cpu_gnt_o(), .cpu_rvalid_o(),
        .gpu_req_i(gpu_req_i), .gpu_we_i(gpu_we_i), .gpu_fetch_i(gpu_fetch_i),
        .gpu_addr_i(gpu_addr_i), .gpu_wdata_i(gpu_wdata_i), .gpu_gnt_o(), .gpu_rvalid_o(),
        .gpu_fault_o(), .gpu_pend_o(),
        .dma_req_i(dma_req_i), .dma_chk_i(dma_chk_i), .dma_we_i(dma_we_i), .dma_addr_i(dma_addr_i),
        .dma_wdata_i(dma_wdata_i), .dma_gnt_o(), .dma_rvalid_o(), .dma_fault_o(),
        .scan_req_i(scan_req_i), .scan_addr_i(scan_addr_i), .scan_gnt_o(), .scan_rvalid_o(),
        .port_rdata_o(),
        .ram_en_o(), .ram_we_o(), .ram_addr_o(), .ram_wdata_o(), .ram_rdata_i(ram_rdata_i)
    );
endmodule
`default_nettype wire
