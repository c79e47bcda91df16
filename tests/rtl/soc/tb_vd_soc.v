// SoC-level check: vd_soc (PicoRV32, memctl, GPU, ...) runs tests/rtl/soc/soc_prog.S from
// its boot ROM, in the configuration of a build target (spec/targets/): the makefile sets
// HAS_GPU, VRAM_BYTES, FW_RAM_BYTES and EXPECT_FEATURES from tools/target.py, so the
// FEATURES word the RTL computes from its parameters is checked against the one the
// generator derives from the target's block list. The program drives the CPU's VRAM
// accesses through the memory controller (beside a GPU FILL when there is a GPU), the other
// blocks, and, without a GPU, the unmapped GPU region; it reports in SYSCTL.SCRATCH. This
// bench adds what software cannot see: the FEATURES word the CPU read, the byte on the
// UART's pin, the BUSERR pulses (one per unmapped access), the interrupt lines (IRQ_GPU,
// IRQ_MEMCTL reach the CPU, or IRQ_GPU stays 0 without a GPU), the CPU port waited but
// within the arbiter's bound, every VRAM access was acknowledged the cycle after its grant,
// and the CPU never trapped. Run by hand with +vcd for waves (tb_vd_soc.vcd).
//
// The round-robin arbiter serves the CPU at once beside one other master that asks every
// cycle (that master was the last granted, so the CPU comes first). To exercise the CPU
// port's wait path, the bench stands in for the future host DMA and scanout masters: when
// the program writes MARK_DMA to SCRATCH (just before its own VRAM words) it forces read
// requests onto both ports, which vd_soc ties off, for DMA_CYCLES cycles.
`timescale 1ns/1ps
`default_nettype none
`include "vd_regs.vh"

module tb_vd_soc #(
    // The build target's configuration (tools/target.py params --format iverilog).
    parameter HAS_GPU         = 1,
    parameter HAS_PCIE        = 0,
    parameter CLK_HZ          = `VD_CLK_HZ,
    parameter HAS_FRAMER      = 0,             // the wire framer (the target's, so FEATURES agrees)
    parameter VRAM_BYTES      = `VD_VRAM_SIZE,
    parameter FW_RAM_BYTES    = `VD_FW_RAM_SIZE,
    parameter EXPECT_FEATURES = 0            // the target's FEATURES word: always given
);
    localparam [31:0] SCRATCH_ADDR  = `VD_SYSCTL_BASE + `VD_SYSCTL_SCRATCH;
    localparam [31:0] FEATURES_ADDR = `VD_SYSCTL_BASE + `VD_SYSCTL_FEATURES;
    localparam [31:0] PASS      = 32'h600D600D;
    localparam [31:0] MARK_DMA  = 32'h0D3A0001;
    localparam [11:0] FAIL_TAG  = 12'hBAD;
    localparam [7:0]  UART_BYTE = 8'h5A;
    localparam integer MAX_CYCLES = 400000;
    localparam integer IRQ_MEMCTL = `VD_IRQ_MEMCTL;
    localparam integer IRQ_GPU    = `VD_IRQ_GPU;
    localparam integer IRQ_BUSERR = `VD_IRQ_BUSERR;
    localparam integer UART_BIT   = CLK_HZ / `VD_UART_BOOT_BAUD;   // clocks per bit after reset
    // Unmapped accesses the program makes: one probe, and three to the GPU block without one.
    localparam integer BUSERRS    = HAS_GPU ? 1 : 4;

    reg clk = 1'b0;
    reg por = 1'b1;
    always #5 clk = !clk;

    wire uart_tx, flash_cs_n, flash_sck, flash_mosi, trap;

    vd_soc #(
        .CLK_HZ      (CLK_HZ),
        .FW_RAM_BYTES(FW_RAM_BYTES),
        .VRAM_BYTES  (VRAM_BYTES),
        .HAS_GPU     (HAS_GPU),
        .HAS_PCIE    (HAS_PCIE),
        .HAS_FRAMER  (HAS_FRAMER),
        .BOOTROM_INIT("tb_vd_soc_rom.hex")
    ) u_soc (
        .clk_i       (clk),
        .por_i       (por),
        .uart_tx_o   (uart_tx),
        .uart_rx_i   (1'b1),
        .flash_cs_no (flash_cs_n),
        .flash_sck_o (flash_sck),
        .flash_mosi_o(flash_mosi),
        .flash_miso_i(1'b1),           // the program expects 0xFF from a transfer
        .trap_o      (trap),
        // the PCIe streams idle (tests/rtl/pcie/ tests the endpoint)
        .pcie_rx_valid_i(1'b0), .pcie_rx_ready_o(), .pcie_rx_first_i(1'b0), .pcie_rx_last_i(1'b0),
        .pcie_rx_dat_i(64'b0), .pcie_rx_be_i(8'b0),
        .pcie_tx_valid_o(), .pcie_tx_ready_i(1'b1), .pcie_tx_first_o(), .pcie_tx_last_o(),
        .pcie_tx_dat_o(), .pcie_tx_be_o(),
        .pcie_cfg_bar0_i(32'b0), .pcie_cfg_bus_master_i(1'b0), .pcie_cfg_mps_i(3'b0),
        .pcie_cfg_mrrs_i(3'b0), .pcie_cfg_req_id_i(16'b0), .pcie_cfg_msi_en_i(1'b0),
        .pcie_cfg_msi_addr_i(32'b0), .pcie_cfg_msi_data_i(16'b0)
    );

    integer cyc = 0;
    `include "tb_checks.vh"

    // Observations along the run.
    reg     seen_irq_gpu = 1'b0, seen_irq_memctl = 1'b0, seen_trap = 1'b0;
    integer wait_now = 0, wait_max = 0, vram_waits = 0, vram_accesses = 0, ack_errors = 0;
    integer buserrs = 0, features_reads = 0;
    reg [31:0] features_read = 32'b0;
    reg     gnt_q = 1'b0;
    reg     done = 1'b0, dma_go = 1'b0;
    reg [31:0] result = 32'b0;
    always @(posedge clk) begin
        if (u_soc.irq[IRQ_GPU])    seen_irq_gpu    <= 1'b1;
        if (u_soc.irq[IRQ_MEMCTL]) seen_irq_memctl <= 1'b1;
        if (u_soc.irq[IRQ_BUSERR]) buserrs = buserrs + 1;
        if (trap) seen_trap <= 1'b1;
        // CPU port of the memory controller: wait per access, ack the cycle after the grant
        gnt_q <= u_soc.vram_gnt;
        if (u_soc.vram_req && !u_soc.vram_gnt) begin
            wait_now   = wait_now + 1;
            vram_waits = vram_waits + 1;
        end
        if (u_soc.vram_gnt) begin
            if (wait_now > wait_max) wait_max = wait_now;
            wait_now      = 0;
            vram_accesses = vram_accesses + 1;
        end
        if (u_soc.vram_ack != gnt_q) ack_errors = ack_errors + 1;
        if (u_soc.vram_ack && !(u_soc.mem_valid && u_soc.mem_ready)) ack_errors = ack_errors + 1;
        // what the CPU read from SYSCTL.FEATURES
        if (u_soc.mem_valid && u_soc.mem_ready && u_soc.mem_wstrb == 4'b0
            && u_soc.mem_addr == FEATURES_ADDR) begin
            features_read  <= u_soc.mem_rdata;
            features_reads = features_reads + 1;
        end
        // the program's marks and verdict
        dma_go <= 1'b0;
        if (u_soc.mem_valid && u_soc.mem_ready && u_soc.mem_wstrb != 4'b0
            && u_soc.mem_addr == SCRATCH_ADDR) begin
            if (u_soc.mem_wdata == MARK_DMA) dma_go <= 1'b1;
            if (u_soc.mem_wdata == PASS || u_soc.mem_wdata[31:20] == FAIL_TAG) begin
                result <= u_soc.mem_wdata;
                done   <= 1'b1;
            end
        end
    end

    // DMA and scanout stand-ins: reads of VRAM word 0 on every cycle of the DMA_CYCLES
    // after MARK_DMA.
    localparam integer DMA_CYCLES = 1500;
    integer dma_left = 0;
    always @(posedge clk) begin
        if (dma_go && dma_left == 0) begin
            dma_left = DMA_CYCLES;
            force u_soc.u_memctl.dma_req_i = 1'b1;
            force u_soc.u_memctl.scan_req_i = 1'b1;
        end else if (dma_left != 0) begin
            dma_left = dma_left - 1;
            if (dma_left == 0) begin
                release u_soc.u_memctl.dma_req_i;
                release u_soc.u_memctl.scan_req_i;
            end
        end
    end

    // UART receiver on the TX pin: 8N1 at the reset divider, sampled mid-bit.
    reg [7:0] uart_byte = 8'b0;
    integer   uart_bytes = 0, uart_errors = 0;
    initial begin : uart_rx
        integer i;
        wait (!por);
        forever begin
            @(negedge uart_tx);
            repeat (UART_BIT / 2) @(posedge clk);
            if (uart_tx) uart_errors = uart_errors + 1;          // start bit
            for (i = 0; i < 8; i = i + 1) begin
                repeat (UART_BIT) @(posedge clk);
                uart_byte[i] = uart_tx;
            end
            repeat (UART_BIT) @(posedge clk);
            if (!uart_tx) uart_errors = uart_errors + 1;         // stop bit
            uart_bytes = uart_bytes + 1;
        end
    end

    initial begin
        if ($test$plusargs("vcd")) begin
            $dumpfile("tb_vd_soc.vcd");
            $dumpvars(0, tb_vd_soc);
        end
        $display("configuration: HAS_GPU %0d, HAS_PCIE %0d, VRAM %0d bytes, FW_RAM %0d bytes, FEATURES 0x%08h expected",
                 HAS_GPU, HAS_PCIE, VRAM_BYTES, FW_RAM_BYTES, EXPECT_FEATURES);
        repeat (4) @(posedge clk);
        por <= 1'b0;
        while (!done && !seen_trap && cyc < MAX_CYCLES) begin
            @(posedge clk);
            cyc = cyc + 1;
        end
        repeat (4) @(posedge clk);

        $display("program: SCRATCH = %08h after %0d cycles", result, cyc);
        check(done, "program finished (wrote PASS or FAIL to SYSCTL.SCRATCH)");
        if (result != PASS && done)
            $display("        failed at check %0d of soc_prog.S", result[15:0]);
        check(result == PASS, "program checks (soc_prog.S)");
        check(!seen_trap, "the CPU never trapped");
        check(EXPECT_FEATURES != 0, "the makefile gave the target's FEATURES word");
        check_eq(features_reads, 1, "the program read SYSCTL.FEATURES once");
        check_eq(features_read, EXPECT_FEATURES, "SYSCTL.FEATURES = the target's word");
        check_eq(uart_bytes, 1, "one byte on the UART's TX pin");
        check_eq({24'b0, uart_byte}, {24'b0, UART_BYTE}, "the byte the program sent");
        check_eq(uart_errors, 0, "UART start and stop bits");
        check_eq(buserrs, BUSERRS, "one BUSERR per unmapped access");
        $display("CPU VRAM port: %0d accesses, %0d wait cycles, longest wait %0d",
                 vram_accesses, vram_waits, wait_max);
        check(vram_waits > 0, "the CPU port waited (DMA, scanout, and GPU, contention)");
        check(wait_max <= `VD_MEMCTL_PORTS - 1, "CPU wait within the arbiter bound (PORTS-1)");
        check(ack_errors == 0, "each VRAM access acknowledged in the cycle after its grant");
        if (HAS_GPU) begin
            check(seen_irq_gpu, "IRQ_GPU reached the CPU (FENCE, FAULT)");
            check(seen_irq_memctl, "IRQ_MEMCTL reached the CPU (FAULT)");
            check(!u_soc.irq[IRQ_GPU] && !u_soc.irq[IRQ_MEMCTL], "both lines drop once cleared");
        end else begin
            check(!seen_irq_gpu, "IRQ_GPU stays 0 without a GPU");
            check(!seen_irq_memctl, "IRQ_MEMCTL stays 0 (no GPU access to fault)");
        end
        $display("%0d passed, %0d failed", n_pass, n_fail);
        $finish;
    end
endmodule

`default_nettype wire
