// The vidalloc SoC: CPU, firmware RAM, VRAM, boot ROM and the register blocks on one bus.
// Firmware RAM is on the fast path: the CPU's look-ahead interface announces each access a
// cycle early, so the RAM is read (or written) then and the access completes in the cycle
// mem_valid rises. Everything else takes two cycles: the request cycle and the acknowledge
// cycle, in which all targets answer (RAM and ROM have a registered read, register blocks a
// registered ack). Addresses outside every region are acknowledged with 0 and raise BUSERR.
// VRAM is behind the memory controller (vd_memctl), shared with the GPU command block
// (vd_gpu): a CPU access to it is held on the controller's CPU port until granted, and is
// acknowledged in the cycle after the grant (with the read data), so it takes two cycles
// when the RAM is free and up to PORTS-1 more while other masters use it.
//
// PCIe (HAS_PCIE = 1, the sim target): the endpoint vd_pcie_ep (rtl/pcie/, docs/pcie.md) on
// the pcie_* ports, its register block, PCIE_BUF (a dual-port RAM: the CPU's port is a
// two-cycle target like the boot ROM, the endpoint's DMA engine has the other) and the
// memory controller's host-DMA port. With HAS_PCIE = 0 none of it exists: the tx stream is
// idle, rx is never ready, the DMA port is tied off, PCIE and PCIE_BUF are unmapped.
//
// Build targets (spec/targets/, docs/targets.md) set the parameters: the clock, the sizes,
// HAS_GPU, HAS_PCIE.
// Without the GPU command block (HAS_GPU = 0) it is not instantiated, the memory
// controller's GPU port is tied off like the DMA and scanout ports, IRQ_GPU is 0, and the
// GPU register block's addresses are unmapped (acknowledged with 0, BUSERR). SYSCTL.FEATURES
// reports the blocks present; firmware discovers them there.
//
// Framer (HAS_FRAMER = 1, the sim target): vd_framer (rtl/uart/, docs/uart.md) between the
// UART's FIFOs and the CPU, its register block, FRAMER_BUF (two-cycle target like PCIE_BUF)
// and its interrupt, which shares the UART's line. Without it the UART's streams are tied
// off and FRAMER, FRAMER_BUF are unmapped.
`default_nettype none
`include "vd_regs.vh"

module vd_soc #(
    parameter CLK_HZ       = `VD_CLK_HZ,    // the target's clock: SYSCTL.CLK_HZ, UART boot divider
    parameter FW_RAM_BYTES = `VD_FW_RAM_SIZE,
    parameter VRAM_BYTES   = `VD_VRAM_SIZE,
    parameter HAS_GPU      = 1,             // GPU command block (0: left out)
    parameter HAS_PCIE     = 0,             // PCIe endpoint and PCIE_BUF (0: left out)
    parameter HAS_FRAMER   = 0,             // framing in hardware and FRAMER_BUF (0: left out)
    parameter BOOTROM_INIT = "bootrom.hex"
) (
    input  wire clk_i,
    input  wire por_i,          // power-on reset, active high
    output wire uart_tx_o,
    input  wire uart_rx_i,
    output wire flash_cs_no,
    output wire flash_sck_o,
    output wire flash_mosi_o,
    input  wire flash_miso_i,
    output wire trap_o,
    // PCIe TLP streams and configuration sideband (docs/pcie.md); unused without HAS_PCIE
    input  wire        pcie_rx_valid_i,
    output wire        pcie_rx_ready_o,
    input  wire        pcie_rx_first_i,
    input  wire        pcie_rx_last_i,
    input  wire [63:0] pcie_rx_dat_i,
    input  wire [7:0]  pcie_rx_be_i,
    output wire        pcie_tx_valid_o,
    input  wire        pcie_tx_ready_i,
    output wire        pcie_tx_first_o,
    output wire        pcie_tx_last_o,
    output wire [63:0] pcie_tx_dat_o,
    output wire [7:0]  pcie_tx_be_o,
    input  wire [31:0] pcie_cfg_bar0_i,
    input  wire        pcie_cfg_bus_master_i,
    input  wire [2:0]  pcie_cfg_mps_i,
    input  wire [2:0]  pcie_cfg_mrrs_i,
    input  wire [15:0] pcie_cfg_req_id_i,
    input  wire        pcie_cfg_msi_en_i,
    input  wire [31:0] pcie_cfg_msi_addr_i,
    input  wire [15:0] pcie_cfg_msi_data_i
);
    localparam FW_WORDS   = FW_RAM_BYTES / 4;
    localparam VRAM_WORDS = VRAM_BYTES / 4;
    localparam ROM_WORDS  = `VD_BOOTROM_SIZE / 4;
    localparam FW_AW      = $clog2(FW_WORDS);
    localparam VRAM_AW    = $clog2(VRAM_WORDS);
    localparam ROM_AW     = $clog2(ROM_WORDS);
    localparam BUF_WORDS  = `VD_PCIE_BUF_SIZE / 4;
    localparam BUF_AW     = $clog2(BUF_WORDS);
    localparam FBUF_AW    = $clog2(`VD_FRAMER_BUF_SIZE / 4);
    localparam [31:0] FW_BASE      = `VD_FW_RAM_BASE;
    localparam [31:0] VRAM_BASE    = `VD_VRAM_BASE;
    localparam [31:0] ROM_BASE     = `VD_BOOTROM_BASE;
    localparam [31:0] PERIPH_BASE  = `VD_PERIPH_BASE;
    localparam [31:0] SYSCTL_BASE  = `VD_SYSCTL_BASE;
    localparam [31:0] UART_BASE    = `VD_UART_BASE;
    localparam [31:0] TIMER_BASE   = `VD_TIMER_BASE;
    localparam [31:0] SPI_BASE     = `VD_SPIFLASH_BASE;
    localparam [31:0] MEMCTL_BASE  = `VD_MEMCTL_BASE;
    localparam [31:0] GPU_BASE     = `VD_GPU_BASE;
    localparam [31:0] PCIE_BASE    = `VD_PCIE_BASE;
    localparam [31:0] BUF_BASE     = `VD_PCIE_BUF_BASE;
    localparam [31:0] FRAMER_BASE  = `VD_FRAMER_BASE;
    localparam [31:0] FBUF_BASE    = `VD_FRAMER_BUF_BASE;

    // Interrupt lines (spec/soc.toml [irq]). EBREAK is the core's own; BUSERR is shared by
    // the core (misaligned access) and the bus decoder. The others are masked in the core.
    localparam [31:0] IRQ_EBREAK = `VD_IRQ_EBREAK;
    localparam [31:0] IRQ_BUSERR = `VD_IRQ_BUSERR;
    localparam [31:0] IRQ_UART   = `VD_IRQ_UART;
    localparam [31:0] IRQ_TIMER  = `VD_IRQ_TIMER;
    localparam [31:0] IRQ_MEMCTL = `VD_IRQ_MEMCTL;
    localparam [31:0] IRQ_GPU    = `VD_IRQ_GPU;
    localparam [31:0] IRQ_PCIE   = `VD_IRQ_PCIE;
    localparam [31:0] IRQ_USED   = (32'd1 << IRQ_EBREAK[4:0]) | (32'd1 << IRQ_BUSERR[4:0])
                                 | (32'd1 << IRQ_UART[4:0])   | (32'd1 << IRQ_TIMER[4:0])
                                 | (32'd1 << IRQ_MEMCTL[4:0])
                                 | (HAS_GPU != 0 ? 32'd1 << IRQ_GPU[4:0] : 32'd0)
                                 | (HAS_PCIE != 0 ? 32'd1 << IRQ_PCIE[4:0] : 32'd0);

    // SYSCTL.FEATURES: one bit per block this configuration has (spec/regs/sysctl.toml).
    // tools/target.py derives the same word from a target's block list; the SoC bench checks
    // that the two agree for each configuration it runs.
    localparam [31:0] FEATURES = `VD_SYSCTL_FEATURES_UART_MASK | `VD_SYSCTL_FEATURES_TIMER_MASK
                               | `VD_SYSCTL_FEATURES_SPIFLASH_MASK
                               | `VD_SYSCTL_FEATURES_MEMCTL_MASK
                               | (HAS_GPU != 0 ? `VD_SYSCTL_FEATURES_GPU_MASK : 32'd0)
                               | (HAS_PCIE != 0 ? `VD_SYSCTL_FEATURES_PCIE_MASK : 32'd0)
                               | (HAS_FRAMER != 0 ? `VD_SYSCTL_FEATURES_FRAMER_MASK : 32'd0);

    wire sys_rst;

    // ---------------------------------------------------------------- CPU
    wire        mem_valid, mem_instr, mem_ready;
    wire [31:0] mem_addr, mem_wdata;
    wire [3:0]  mem_wstrb;
    reg  [31:0] mem_rdata;
    wire [31:0] irq;
    wire        cpu_trap;
    wire        la_read, la_write;
    wire [31:0] la_addr, la_wdata;
    wire [3:0]  la_wstrb;

    vd_cpu #(
        .RESET_ADDR(ROM_BASE),
        .IRQ_ADDR  (`VD_CPU_IRQ_VECTOR),
        .IRQ_USED  (IRQ_USED),
        .IRQ_PULSED(32'd1 << IRQ_BUSERR[4:0])
    ) u_cpu (
        .clk_i      (clk_i),
        .rst_i      (sys_rst),
        .mem_valid_o(mem_valid),
        .mem_instr_o(mem_instr),
        .mem_ready_i(mem_ready),
        .mem_addr_o (mem_addr),
        .mem_wdata_o(mem_wdata),
        .mem_wstrb_o(mem_wstrb),
        .mem_rdata_i(mem_rdata),
        .mem_la_read_o (la_read),
        .mem_la_write_o(la_write),
        .mem_la_addr_o (la_addr),
        .mem_la_wdata_o(la_wdata),
        .mem_la_wstrb_o(la_wstrb),
        .irq_i      (irq),
        .trap_o     (cpu_trap)
    );
    assign trap_o = cpu_trap;

    // ---------------------------------------------------------------- decode
    reg  pend_q;                            // request issued last cycle: acknowledge now
    reg  fast_q;                            // FW RAM access done on the look-ahead: ready now
    reg  vwack_q;                           // VRAM write granted last cycle: acknowledge now
    wire vram_rvalid;                       // VRAM read granted last cycle: data and ack now
    wire vram_ack = vwack_q || vram_rvalid;
    wire req = mem_valid && !pend_q && !fast_q && !vram_ack;
    wire we  = |mem_wstrb;

    // Every region is a power of two in size and aligned to it (checked below), so a region
    // is selected by the address bits above its size, and the bits below are the offset.
    wire la_fw = (la_read || la_write) && la_addr[31:FW_AW+2] == FW_BASE[31:FW_AW+2];

    wire sel_fw     = mem_addr[31:FW_AW+2]   == FW_BASE[31:FW_AW+2];
    wire sel_vram   = mem_addr[31:VRAM_AW+2] == VRAM_BASE[31:VRAM_AW+2];
    wire sel_rom    = mem_addr[31:ROM_AW+2]  == ROM_BASE[31:ROM_AW+2];
    wire in_periph  = mem_addr[31:16] == PERIPH_BASE[31:16];
    wire sel_sysctl = in_periph && mem_addr[15:12] == SYSCTL_BASE[15:12];
    wire sel_uart   = in_periph && mem_addr[15:12] == UART_BASE[15:12];
    wire sel_timer  = in_periph && mem_addr[15:12] == TIMER_BASE[15:12];
    wire sel_spi    = in_periph && mem_addr[15:12] == SPI_BASE[15:12];
    wire sel_memctl = in_periph && mem_addr[15:12] == MEMCTL_BASE[15:12];
    wire sel_gpu    = in_periph && mem_addr[15:12] == GPU_BASE[15:12];
    wire sel_pcie   = HAS_PCIE != 0 && in_periph && mem_addr[15:12] == PCIE_BASE[15:12];
    wire sel_buf    = HAS_PCIE != 0 && mem_addr[31:BUF_AW+2] == BUF_BASE[31:BUF_AW+2];
    wire sel_framer = HAS_FRAMER != 0 && in_periph && mem_addr[15:12] == FRAMER_BASE[15:12];
    wire sel_fbuf   = HAS_FRAMER != 0 && mem_addr[31:FBUF_AW+2] == FBUF_BASE[31:FBUF_AW+2];
    // Without the GPU (PCIe) its block (and PCIE_BUF) is unmapped: left to sel_none
    // (acknowledged with 0, BUSERR).
    wire sel_none   = !(sel_fw || sel_vram || sel_rom || sel_sysctl || sel_uart || sel_timer
                        || sel_spi || sel_memctl || (HAS_GPU != 0 && sel_gpu) || sel_pcie
                        || sel_buf || sel_framer || sel_fbuf);

    generate
        if (FW_RAM_BYTES != 4 << FW_AW || VRAM_BYTES != 4 << VRAM_AW
            || `VD_BOOTROM_SIZE != 4 << ROM_AW || FW_BASE[FW_AW+1:0] != 0
            || VRAM_BASE[VRAM_AW+1:0] != 0 || ROM_BASE[ROM_AW+1:0] != 0
            || `VD_PCIE_BUF_SIZE != 4 << BUF_AW || BUF_BASE[BUF_AW+1:0] != 0
            || `VD_FRAMER_BUF_SIZE != 4 << FBUF_AW || FBUF_BASE[FBUF_AW+1:0] != 0) begin : g_bad_region
            initial $fatal(1, "vd_soc: a memory region is not a power of two aligned to its size");
        end
        if (HAS_GPU != 0 && HAS_GPU != 1) begin : g_bad_has
            initial $fatal(1, "vd_soc: HAS_GPU is 0 or 1");
        end
        if (HAS_PCIE != 0 && HAS_PCIE != 1) begin : g_bad_has_pcie
            initial $fatal(1, "vd_soc: HAS_PCIE is 0 or 1");
        end
        if (HAS_FRAMER != 0 && HAS_FRAMER != 1) begin : g_bad_has_framer
            initial $fatal(1, "vd_soc: HAS_FRAMER is 0 or 1");
        end
    endgenerate

    localparam S_FW = 0, S_VRAM = 1, S_ROM = 2, S_BUF = 3, S_FBUF = 4;
    reg [4:0] sel_q;                        // memory read by the access being acknowledged
    reg       buserr_q;

    // VRAM: the CPU holds mem_valid, address, data and strobes until mem_ready, so a VRAM
    // request that is not granted is simply raised again (req) in the next cycle, until the
    // grant; it never depends on the grant in the same cycle (memctl's rule).
    wire vram_req = req && sel_vram;
    wire vram_gnt;

    always @(posedge clk_i) begin
        if (sys_rst) begin
            pend_q   <= 1'b0;
            fast_q   <= 1'b0;
            vwack_q  <= 1'b0;
            sel_q    <= 5'b0;
            buserr_q <= 1'b0;
        end else begin
            pend_q   <= req && !sel_vram;
            fast_q   <= la_fw;
            vwack_q  <= vram_gnt && we;
            buserr_q <= req && sel_none;
            if (req) sel_q <= {sel_fbuf, sel_buf, sel_rom, sel_vram, sel_fw};
        end
    end
    assign mem_ready = pend_q || fast_q || vram_ack;

    // ---------------------------------------------------------------- memories
    wire [31:0] fw_rdata, vram_rdata, rom_rdata, buf_rdata, fbuf_rdata;

    // The look-ahead access and a two-cycle request never fall in the same cycle (the CPU
    // announces the next access only once the current one is over).
    vd_spram32 #(.WORDS(FW_WORDS)) u_fw_ram (
        .clk_i  (clk_i),
        .en_i   (la_fw || (req && sel_fw)),
        .we_i   (la_fw ? (la_write ? la_wstrb : 4'b0) : mem_wstrb),
        .addr_i (la_fw ? la_addr[FW_AW+1:2] : mem_addr[FW_AW+1:2]),
        .wdata_i(la_fw ? la_wdata : mem_wdata),
        .rdata_o(fw_rdata)
    );

    // VRAM: the RAM is driven by the memory controller only (see "VRAM" below).
    wire            ram_en;
    wire [3:0]      ram_we;
    wire [VRAM_AW-1:0] ram_addr;
    wire [31:0]     ram_wdata, ram_rdata;

    vd_spram32 #(.WORDS(VRAM_WORDS)) u_vram (
        .clk_i  (clk_i),
        .en_i   (ram_en),
        .we_i   (ram_we),
        .addr_i (ram_addr),
        .wdata_i(ram_wdata),
        .rdata_o(ram_rdata)
    );

    vd_bootrom #(.WORDS(ROM_WORDS), .INIT_FILE(BOOTROM_INIT)) u_bootrom (
        .clk_i  (clk_i),
        .addr_i (mem_addr[ROM_AW+1:2]),
        .rdata_o(rom_rdata)
    );

    // ---------------------------------------------------------------- register blocks
    wire [31:0] sysctl_rdata, uart_rdata, timer_rdata, spi_rdata;
    wire        sysctl_ack, uart_ack, timer_ack, spi_ack;
    wire        uart_irq, timer_irq;
    // The UART's FIFOs as byte streams, the framer's (tied off without it).
    wire        rxs_valid, rxs_pop, txs_full, txs_push;
    wire [7:0]  rxs_data, txs_data;

    vd_sysctl #(
        .CLK_HZ      (CLK_HZ),
        .FW_RAM_BYTES(FW_RAM_BYTES),
        .VRAM_BYTES  (VRAM_BYTES),
        .FEATURES    (FEATURES)
    ) u_sysctl (
        .clk_i    (clk_i),
        .por_i    (por_i),
        .trap_i   (cpu_trap),
        .sys_rst_o(sys_rst),
        .req_i    (req && sel_sysctl),
        .we_i     (we),
        .addr_i   (mem_addr[11:0]),
        .wdata_i  (mem_wdata),
        .ack_o    (sysctl_ack),
        .rdata_o  (sysctl_rdata)
    );

    // The boot line rate is fixed (spec/soc.toml uart_boot_baud); the divider follows the
    // clock (tools/target.py checks it divides evenly and is at least DIV_MIN).
    vd_uart #(.DIV_RESET(CLK_HZ / `VD_UART_BOOT_BAUD)) u_uart (
        .clk_i  (clk_i),
        .rst_i  (sys_rst),
        .req_i  (req && sel_uart),
        .we_i   (we),
        .addr_i (mem_addr[11:0]),
        .wdata_i(mem_wdata),
        .ack_o  (uart_ack),
        .rdata_o(uart_rdata),
        .irq_o  (uart_irq),
        .tx_o   (uart_tx_o),
        .rx_i   (uart_rx_i),
        .rxs_valid_o(rxs_valid),
        .rxs_data_o (rxs_data),
        .rxs_pop_i  (rxs_pop),
        .txs_full_o (txs_full),
        .txs_push_i (txs_push),
        .txs_data_i (txs_data)
    );

    // ---------------------------------------------------------------- framer
    wire [31:0] framer_rdata;
    wire        framer_ack, framer_irq;
    generate
        if (HAS_FRAMER != 0) begin : g_framer
            vd_framer u_framer (
                .clk_i      (clk_i),
                .rst_i      (sys_rst),
                .req_i      (req && sel_framer),
                .we_i       (we),
                .addr_i     (mem_addr[11:0]),
                .wdata_i    (mem_wdata),
                .ack_o      (framer_ack),
                .rdata_o    (framer_rdata),
                .irq_o      (framer_irq),
                .buf_en_i   (req && sel_fbuf),
                .buf_we_i   (mem_wstrb),
                .buf_addr_i (mem_addr[FBUF_AW+1:2]),
                .buf_wdata_i(mem_wdata),
                .buf_rdata_o(fbuf_rdata),
                .rxs_valid_i(rxs_valid),
                .rxs_data_i (rxs_data),
                .rxs_pop_o  (rxs_pop),
                .txs_full_i (txs_full),
                .txs_push_o (txs_push),
                .txs_data_o (txs_data)
            );
        end else begin : g_no_framer
            // No framer: the UART's FIFOs are the CPU's alone; FRAMER, FRAMER_BUF unmapped.
            assign rxs_pop      = 1'b0;
            assign txs_push     = 1'b0;
            assign txs_data     = 8'd0;
            assign framer_rdata = 32'b0;
            assign framer_ack   = 1'b0;
            assign framer_irq   = 1'b0;
            assign fbuf_rdata   = 32'b0;
            wire unused_framer = &{1'b0, rxs_valid, rxs_data, txs_full};
        end
    endgenerate

    vd_timer u_timer (
        .clk_i  (clk_i),
        .rst_i  (sys_rst),
        .req_i  (req && sel_timer),
        .we_i   (we),
        .addr_i (mem_addr[11:0]),
        .wdata_i(mem_wdata),
        .ack_o  (timer_ack),
        .rdata_o(timer_rdata),
        .irq_o  (timer_irq)
    );

    // ---------------------------------------------------------------- VRAM: memctl + GPU
    wire [31:0] memctl_rdata, gpu_rdata;
    wire        memctl_ack, gpu_ack;
    wire        memctl_irq, gpu_irq;
    wire        gpu_req, gpu_we, gpu_fetch, gpu_gnt, gpu_rvalid, gpu_fault, gpu_pend;
    wire [VRAM_AW:0] gpu_addr;
    wire [31:0] gpu_wdata;
    // The GPU's system-memory transfers (x_*) go to the PCIe endpoint, whose DMA engine runs
    // them; their VRAM side uses the host-DMA port with the memory controller's windows
    // checking it (dma_chk). Without the endpoint they are tied off.
    wire        gx_req, gx_to_host, gx_fill, gx_done, gx_err, gx_prog, gx_busy;
    wire [31:0] gx_pattern, gx_host, gx_vram, gx_len;
    // Host DMA: the PCIe endpoint's DMA engine (tied off without it). Scanout: not used yet;
    // its grant, read-valid and counters stay 0 and the synthesis tools remove that logic.
    wire        dma_gnt, dma_rvalid, dma_fault, scan_gnt, scan_rvalid;
    wire        dma_req, dma_chk;
    wire [3:0]  dma_we;
    wire [VRAM_AW-1:0] dma_addr;
    wire [31:0] dma_wdata;

    vd_memctl #(.VRAM_BYTES(VRAM_BYTES), .DMA_CHECK(HAS_PCIE != 0 && HAS_GPU != 0 ? 1 : 0)) u_memctl (
        .clk_i       (clk_i),
        .rst_i       (sys_rst),
        .req_i       (req && sel_memctl),
        .we_i        (we),
        .addr_i      (mem_addr[11:0]),
        .wdata_i     (mem_wdata),
        .ack_o       (memctl_ack),
        .rdata_o     (memctl_rdata),
        .irq_o       (memctl_irq),
        .cpu_req_i   (vram_req),
        .cpu_we_i    (mem_wstrb),
        .cpu_addr_i  (mem_addr[VRAM_AW+1:2]),
        .cpu_wdata_i (mem_wdata),
        .cpu_gnt_o   (vram_gnt),
        .cpu_rvalid_o(vram_rvalid),
        .gpu_req_i   (gpu_req),
        .gpu_we_i    (gpu_we),
        .gpu_fetch_i (gpu_fetch),
        .gpu_addr_i  (gpu_addr),
        .gpu_wdata_i (gpu_wdata),
        .gpu_gnt_o   (gpu_gnt),
        .gpu_rvalid_o(gpu_rvalid),
        .gpu_fault_o (gpu_fault),
        .gpu_pend_o  (gpu_pend),
        .dma_req_i   (dma_req),
        .dma_chk_i   (dma_chk),
        .dma_we_i    (dma_we),
        .dma_addr_i  (dma_addr),
        .dma_wdata_i (dma_wdata),
        .dma_gnt_o   (dma_gnt),
        .dma_rvalid_o(dma_rvalid),
        .dma_fault_o (dma_fault),
        .scan_req_i  (1'b0),             // tied off: no scanout engine yet
        .scan_addr_i ({VRAM_AW{1'b0}}),
        .scan_gnt_o  (scan_gnt),
        .scan_rvalid_o(scan_rvalid),
        .port_rdata_o(vram_rdata),
        .ram_en_o    (ram_en),
        .ram_we_o    (ram_we),
        .ram_addr_o  (ram_addr),
        .ram_wdata_o (ram_wdata),
        .ram_rdata_i (ram_rdata)
    );

    generate
        if (HAS_GPU != 0) begin : g_gpu
            vd_gpu #(.VRAM_BYTES(VRAM_BYTES), .APERTURE(HAS_PCIE != 0 ? 1 : 0)) u_gpu (
                .clk_i     (clk_i),
                .rst_i     (sys_rst),
                .req_i     (req && sel_gpu),
                .we_i      (we),
                .addr_i    (mem_addr[11:0]),
                .wdata_i   (mem_wdata),
                .ack_o     (gpu_ack),
                .rdata_o   (gpu_rdata),
                .irq_o     (gpu_irq),
                .m_req_o   (gpu_req),
                .m_we_o    (gpu_we),
                .m_fetch_o (gpu_fetch),
                .m_addr_o  (gpu_addr),
                .m_wdata_o (gpu_wdata),
                .m_gnt_i   (gpu_gnt),
                .m_rvalid_i(gpu_rvalid),
                .m_rdata_i (vram_rdata),
                .m_fault_i (gpu_fault),
                .m_pend_i  (gpu_pend),
                .x_req_o     (gx_req),
                .x_to_host_o (gx_to_host),
                .x_fill_o    (gx_fill),
                .x_pattern_o (gx_pattern),
                .x_host_o    (gx_host),
                .x_vram_o    (gx_vram),
                .x_len_o     (gx_len),
                .x_done_i    (gx_done),
                .x_err_i     (gx_err),
                .x_prog_i    (gx_prog),
                .x_busy_i    (gx_busy)
            );
        end else begin : g_no_gpu
            // No GPU command block: its memory controller port is tied off (grant, read-valid
            // and fault stay 0, its counters at 0), its line is 0 and its registers unmapped
            // (sel_none covers them: the decoder answers there with 0 and BUSERR).
            assign gpu_req   = 1'b0;
            assign gpu_we    = 1'b0;
            assign gpu_fetch = 1'b0;
            assign gpu_addr  = {(VRAM_AW+1){1'b0}};
            assign gpu_wdata = 32'b0;
            assign gx_req    = 1'b0;
            assign gx_to_host = 1'b0;
            assign gx_fill   = 1'b0;
            assign gx_pattern = 32'b0;
            assign gx_host   = 32'b0;
            assign gx_vram   = 32'b0;
            assign gx_len    = 32'b0;
            assign gpu_ack   = 1'b0;
            assign gpu_rdata = 32'b0;
            assign gpu_irq   = 1'b0;
            wire unused_gpu_port = &{1'b0, gpu_gnt, gpu_rvalid, gpu_fault, gpu_pend, gx_done,
                                     gx_err, gx_prog, gx_busy};
        end
    endgenerate

    // ---------------------------------------------------------------- PCIe
    wire [31:0] pcie_rdata;
    wire        pcie_ack, pcie_irq;
    generate
        if (HAS_PCIE != 0) begin : g_pcie
            wire             pb_en, pb_we;
            wire [BUF_AW-1:0] pb_addr;
            wire [31:0]      pb_wdata, pb_rdata;

            // CPU port: a two-cycle target (request, then acknowledge with the read data).
            vd_pcie_buf #(.WORDS(BUF_WORDS)) u_pcie_buf (
                .clk_i    (clk_i),
                .a_en_i   (req && sel_buf),
                .a_we_i   (mem_wstrb),
                .a_addr_i (mem_addr[BUF_AW+1:2]),
                .a_wdata_i(mem_wdata),
                .a_rdata_o(buf_rdata),
                .b_en_i   (pb_en),
                .b_we_i   (pb_we),
                .b_addr_i (pb_addr),
                .b_wdata_i(pb_wdata),
                .b_rdata_o(pb_rdata)
            );

            vd_pcie_ep #(.VRAM_BYTES(VRAM_BYTES), .FEATURES(FEATURES)) u_pcie (
                .clk_i           (clk_i),
                .rst_i           (sys_rst),
                .req_i           (req && sel_pcie),
                .we_i            (we),
                .addr_i          (mem_addr[11:0]),
                .wdata_i         (mem_wdata),
                .ack_o           (pcie_ack),
                .rdata_o         (pcie_rdata),
                .irq_o           (pcie_irq),
                .rx_valid_i      (pcie_rx_valid_i),
                .rx_ready_o      (pcie_rx_ready_o),
                .rx_first_i      (pcie_rx_first_i),
                .rx_last_i       (pcie_rx_last_i),
                .rx_dat_i        (pcie_rx_dat_i),
                .rx_be_i         (pcie_rx_be_i),
                .tx_valid_o      (pcie_tx_valid_o),
                .tx_ready_i      (pcie_tx_ready_i),
                .tx_first_o      (pcie_tx_first_o),
                .tx_last_o       (pcie_tx_last_o),
                .tx_dat_o        (pcie_tx_dat_o),
                .tx_be_o         (pcie_tx_be_o),
                .cfg_bar0_i      (pcie_cfg_bar0_i),
                .cfg_bus_master_i(pcie_cfg_bus_master_i),
                .cfg_mps_i       (pcie_cfg_mps_i),
                .cfg_mrrs_i      (pcie_cfg_mrrs_i),
                .cfg_req_id_i    (pcie_cfg_req_id_i),
                .cfg_msi_en_i    (pcie_cfg_msi_en_i),
                .cfg_msi_addr_i  (pcie_cfg_msi_addr_i),
                .cfg_msi_data_i  (pcie_cfg_msi_data_i),
                .buf_en_o        (pb_en),
                .buf_we_o        (pb_we),
                .buf_addr_o      (pb_addr),
                .buf_wdata_o     (pb_wdata),
                .buf_rdata_i     (pb_rdata),
                .dma_req_o       (dma_req),
                .dma_we_o        (dma_we),
                .dma_addr_o      (dma_addr),
                .dma_wdata_o     (dma_wdata),
                .dma_gnt_i       (dma_gnt),
                .dma_rvalid_i    (dma_rvalid),
                .dma_rdata_i     (vram_rdata),
                .dma_chk_o       (dma_chk),
                .dma_fault_i     (dma_fault),
                .g_req_i         (gx_req),
                .g_to_host_i     (gx_to_host),
                .g_fill_i        (gx_fill),
                .g_pattern_i     (gx_pattern),
                .g_host_i        (gx_host),
                .g_vram_i        (gx_vram),
                .g_len_i         (gx_len),
                .g_done_o        (gx_done),
                .g_err_o         (gx_err),
                .g_prog_o        (gx_prog),
                .g_busy_o        (gx_busy)
            );
        end else begin : g_no_pcie
            // No endpoint: rx never ready, tx idle, the DMA port tied off, no line, the
            // register block and PCIE_BUF unmapped (sel_none).
            assign pcie_rx_ready_o = 1'b0;
            assign pcie_tx_valid_o = 1'b0;
            assign pcie_tx_first_o = 1'b0;
            assign pcie_tx_last_o  = 1'b0;
            assign pcie_tx_dat_o   = 64'b0;
            assign pcie_tx_be_o    = 8'b0;
            assign dma_req   = 1'b0;
            assign dma_we    = 4'b0;
            assign dma_addr  = {VRAM_AW{1'b0}};
            assign dma_wdata = 32'b0;
            assign dma_chk   = 1'b0;
            // no system memory for the GPU
            assign gx_done   = 1'b0;
            assign gx_err    = 1'b0;
            assign gx_prog   = 1'b0;
            assign gx_busy   = 1'b0;
            assign buf_rdata = 32'b0;
            assign pcie_rdata = 32'b0;
            assign pcie_ack  = 1'b0;
            assign pcie_irq  = 1'b0;
            wire unused_pcie = &{1'b0, pcie_rx_valid_i, pcie_rx_first_i, pcie_rx_last_i,
                                 pcie_rx_dat_i, pcie_rx_be_i, pcie_tx_ready_i, pcie_cfg_bar0_i,
                                 pcie_cfg_bus_master_i, pcie_cfg_mps_i, pcie_cfg_mrrs_i,
                                 pcie_cfg_req_id_i, pcie_cfg_msi_en_i, pcie_cfg_msi_addr_i,
                                 pcie_cfg_msi_data_i, dma_gnt, dma_rvalid, dma_fault, gx_req, gx_to_host,
                                 gx_fill, gx_pattern, gx_host, gx_vram, gx_len};
        end
    endgenerate

    vd_spiflash u_spiflash (
        .clk_i  (clk_i),
        .rst_i  (sys_rst),
        .req_i  (req && sel_spi),
        .we_i   (we),
        .addr_i (mem_addr[11:0]),
        .wdata_i(mem_wdata),
        .ack_o  (spi_ack),
        .rdata_o(spi_rdata),
        .cs_no  (flash_cs_no),
        .sck_o  (flash_sck_o),
        .mosi_o (flash_mosi_o),
        .miso_i (flash_miso_i)
    );

    // Block acks always coincide with pend_q (fixed one-cycle latency); they are not needed
    // for the handshake, only the read data.
    wire unused_ok = &{1'b0, mem_instr, sysctl_ack, uart_ack, timer_ack, spi_ack,
                       memctl_ack, gpu_ack, pcie_ack, framer_ack, scan_gnt, scan_rvalid,
                       la_addr[1:0]};

    // AND-OR read multiplexer (smaller than a priority mux). A register block's rdata_o is 0
    // except in the cycle after it was read, so those are simply OR-ed; the memories' outputs
    // hold stale words and are selected. In a fast_q cycle sel_q still names the previous
    // two-cycle target, hence the !fast_q.
    always @(*) begin
        mem_rdata = ({32{fast_q || sel_q[S_FW]}}     & fw_rdata)
                  | ({32{!fast_q && sel_q[S_VRAM]}}  & vram_rdata)
                  | ({32{!fast_q && sel_q[S_ROM]}}   & rom_rdata)
                  | ({32{!fast_q && sel_q[S_BUF]}}   & buf_rdata)
                  | ({32{!fast_q && sel_q[S_FBUF]}}  & fbuf_rdata)
                  | sysctl_rdata | uart_rdata | timer_rdata | spi_rdata | memctl_rdata | gpu_rdata
                  | pcie_rdata | framer_rdata;
    end

    // ---------------------------------------------------------------- interrupts
    reg [31:0] irq_lines;
    always @(*) begin
        irq_lines = 32'b0;
        irq_lines[IRQ_BUSERR[4:0]] = buserr_q;
        irq_lines[IRQ_UART[4:0]]   = uart_irq | framer_irq;   // the framer is the UART's
        irq_lines[IRQ_TIMER[4:0]]  = timer_irq;
        irq_lines[IRQ_MEMCTL[4:0]] = memctl_irq;
        irq_lines[IRQ_GPU[4:0]]    = gpu_irq;
        irq_lines[IRQ_PCIE[4:0]]   = pcie_irq;
    end
    assign irq = irq_lines;
endmodule

`default_nettype wire
