// Proof top for vd_pcie_ep: small memories (64-byte VRAM and PCIE_BUF), 2-bit counters; all
// inputs free (the GPU's transfer requests and the DMA port's window faults too). The properties and input constraints are in rtl/pcie/vd_pcie_ep.v.
`default_nettype none

module fv_pcie_ep (
    input  wire        clk_i,
    input  wire        rst_i,
    input  wire        req_i,
    input  wire        we_i,
    input  wire [11:0] addr_i,
    input  wire [31:0] wdata_i,
    input  wire        rx_valid_i,
    input  wire        rx_first_i,
    input  wire        rx_last_i,
    input  wire [63:0] rx_dat_i,
    input  wire [7:0]  rx_be_i,
    input  wire        tx_ready_i,
    input  wire [31:0] cfg_bar0_i,
    input  wire        cfg_bus_master_i,
    input  wire [2:0]  cfg_mps_i,
    input  wire [2:0]  cfg_mrrs_i,
    input  wire [15:0] cfg_req_id_i,
    input  wire        cfg_msi_en_i,
    input  wire [31:0] cfg_msi_addr_i,
    input  wire [15:0] cfg_msi_data_i,
    input  wire [31:0] buf_rdata_i,
    input  wire        dma_gnt_i,
    input  wire        dma_rvalid_i,
    input  wire [31:0] dma_rdata_i,
    input  wire        g_req_i,
    input  wire        g_to_host_i,
    input  wire        g_fill_i,
    input  wire [31:0] g_pattern_i,
    input  wire [31:0] g_host_i,
    input  wire [31:0] g_vram_i,
    input  wire [31:0] g_len_i,
    input  wire        dma_fault_i
);
    wire        ack, irq, rx_ready, tx_valid, tx_first, tx_last, buf_en, buf_we, dma_req;
    wire [31:0] rdata, buf_wdata, dma_wdata;
    wire [63:0] tx_dat;
    wire [7:0]  tx_be;
    wire [3:0]  buf_addr, dma_addr, dma_we;

    vd_pcie_ep #(.VRAM_BYTES(64), .BUF_BYTES(64), .CNT_W(2)) u_ep (
        .clk_i(clk_i), .rst_i(rst_i),
        .req_i(req_i), .we_i(we_i), .addr_i(addr_i), .wdata_i(wdata_i), .ack_o(ack),
        .rdata_o(rdata), .irq_o(irq),
        .rx_valid_i(rx_valid_i), .rx_ready_o(rx_ready), .rx_first_i(rx_first_i),
        .rx_last_i(rx_last_i), .rx_dat_i(rx_dat_i), .rx_be_i(rx_be_i),
        .tx_valid_o(tx_valid), .tx_ready_i(tx_ready_i), .tx_first_o(tx_first),
        .tx_last_o(tx_last), .tx_dat_o(tx_dat), .tx_be_o(tx_be),
        .cfg_bar0_i(cfg_bar0_i), .cfg_bus_master_i(cfg_bus_master_i), .cfg_mps_i(cfg_mps_i),
        .cfg_mrrs_i(cfg_mrrs_i), .cfg_req_id_i(cfg_req_id_i), .cfg_msi_en_i(cfg_msi_en_i),
        .cfg_msi_addr_i(cfg_msi_addr_i), .cfg_msi_data_i(cfg_msi_data_i),
        .buf_en_o(buf_en), .buf_we_o(buf_we), .buf_addr_o(buf_addr), .buf_wdata_o(buf_wdata),
        .buf_rdata_i(buf_rdata_i),
        .dma_req_o(dma_req), .dma_we_o(dma_we), .dma_addr_o(dma_addr), .dma_wdata_o(dma_wdata),
        .dma_gnt_i(dma_gnt_i), .dma_rvalid_i(dma_rvalid_i), .dma_rdata_i(dma_rdata_i),
        .g_req_i(g_req_i), .g_to_host_i(g_to_host_i), .g_fill_i(g_fill_i),
        .g_pattern_i(g_pattern_i), .g_host_i(g_host_i), .g_vram_i(g_vram_i), .g_len_i(g_len_i),
        .g_done_o(), .g_err_o(), .g_prog_o(), .g_busy_o(),
        .dma_chk_o(), .dma_fault_i(dma_fault_i)
    );
endmodule

`default_nettype wire
