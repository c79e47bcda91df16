// SoC-level PCIe check: vd_soc runs tests/rtl/soc/soc_pcie_prog.S from its boot ROM in the
// configuration of a build target (the makefile sets HAS_PCIE, HAS_GPU, the sizes and
// EXPECT_FEATURES from tools/target.py), and this bench plays a small root complex on the
// pcie_* ports (the endpoint's own bench, tests/rtl/pcie/, covers the protocol): it reads
// BAR0's ID and writes SCRATCH once the CPU has written it, keeps host memory, stores the
// endpoint's memory writes there, answers its reads with one CplD each, and counts MSIs. It
// checks what the program cannot see: the BAR0 completion, the 64 bytes the DMA wrote, the
// IRQ_PCIE line, the MSI; and without PCIe, one BUSERR per access to the unmapped PCIE_BUF
// and PCIE block, the rx stream never ready and the tx stream idle. +vcd dumps waves.
`timescale 1ns/1ps
`default_nettype none
`include "vd_regs.vh"

module tb_vd_soc_pcie #(
    parameter HAS_GPU         = 1,
    parameter HAS_PCIE        = 1,
    parameter CLK_HZ          = `VD_CLK_HZ,
    parameter HAS_FRAMER      = 0,             // the wire framer (the target's, so FEATURES agrees)
    parameter VRAM_BYTES      = `VD_VRAM_SIZE,
    parameter FW_RAM_BYTES    = `VD_FW_RAM_SIZE,
    parameter EXPECT_FEATURES = 0
);
    localparam [31:0] SCRATCH_ADDR = `VD_SYSCTL_BASE + `VD_SYSCTL_SCRATCH;
    localparam [31:0] PASS     = 32'h600D600D;
    localparam [11:0] FAIL_TAG = 12'hBAD;
    localparam [31:0] HOST_VAL = 32'h4057BEEF;
    localparam [31:0] HBASE    = 32'h4000_0000;
    localparam [31:0] BAR0     = 32'hE000_0000;
    localparam [31:0] MSI_ADDR = 32'hFEE0_0000;
    localparam [15:0] RID      = 16'h0200;
    localparam integer MAX_CYCLES = 200000;
    localparam integer IRQ_PCIE   = `VD_IRQ_PCIE;
    localparam integer IRQ_BUSERR = `VD_IRQ_BUSERR;

    reg clk = 1'b0;
    reg por = 1'b1;
    always #5 clk = !clk;
    integer cyc = 0;
    `include "tb_checks.vh"

    wire uart_tx, flash_cs_n, flash_sck, flash_mosi, trap;
    reg         rx_valid = 1'b0, rx_first = 1'b0, rx_last = 1'b0;
    reg  [63:0] rx_dat = 64'b0;
    reg  [7:0]  rx_be = 8'b0;
    wire        rx_ready, tx_valid, tx_first, tx_last;
    wire [63:0] tx_dat;
    wire [7:0]  tx_be;

    vd_soc #(
        .CLK_HZ      (CLK_HZ),
        .FW_RAM_BYTES(FW_RAM_BYTES),
        .VRAM_BYTES  (VRAM_BYTES),
        .HAS_GPU     (HAS_GPU),
        .HAS_PCIE    (HAS_PCIE),
        .HAS_FRAMER  (HAS_FRAMER),
        .BOOTROM_INIT("tb_vd_soc_pcie_rom.hex")
    ) u_soc (
        .clk_i       (clk),
        .por_i       (por),
        .uart_tx_o   (uart_tx),
        .uart_rx_i   (1'b1),
        .flash_cs_no (flash_cs_n),
        .flash_sck_o (flash_sck),
        .flash_mosi_o(flash_mosi),
        .flash_miso_i(1'b1),
        .trap_o      (trap),
        .pcie_rx_valid_i(rx_valid), .pcie_rx_ready_o(rx_ready), .pcie_rx_first_i(rx_first),
        .pcie_rx_last_i(rx_last), .pcie_rx_dat_i(rx_dat), .pcie_rx_be_i(rx_be),
        .pcie_tx_valid_o(tx_valid), .pcie_tx_ready_i(1'b1), .pcie_tx_first_o(tx_first),
        .pcie_tx_last_o(tx_last), .pcie_tx_dat_o(tx_dat), .pcie_tx_be_o(tx_be),
        .pcie_cfg_bar0_i(BAR0), .pcie_cfg_bus_master_i(1'b1), .pcie_cfg_mps_i(3'd0),
        .pcie_cfg_mrrs_i(3'd0), .pcie_cfg_req_id_i(RID), .pcie_cfg_msi_en_i(1'b1),
        .pcie_cfg_msi_addr_i(MSI_ADDR), .pcie_cfg_msi_data_i(16'h0033)
    );

    // ------------------------------------------------------------ host side
    reg [31:0] hmem [0:1023];             // 4 KiB at HBASE
    integer    n_msi = 0, n_cpl = 0, n_mwr = 0, n_mrd = 0, tx_beats = 0, rx_taken = 0;
    reg [31:0] cpl_data, cpl_dw1, cpl_dw2;
    reg [31:0] tw [0:40];
    integer    tn = 0;
    // read requests to answer: address and length (one at a time is enough here)
    reg        rd_pend = 1'b0;
    reg [31:0] rd_addr;
    reg [7:0]  rd_tag;
    integer    rd_len;

    always @(posedge clk) begin : tx_mon
        integer k;
        if (tx_valid) begin
            tx_beats = tx_beats + 1;
            tw[tn] = tx_dat[31:0];
            if (tx_be == 8'hFF) tw[tn + 1] = tx_dat[63:32];
            tn = tn + (tx_be == 8'hFF ? 2 : 1);
            if (tx_last) begin
                case (tw[0][31:24])
                    8'h4A: begin n_cpl = n_cpl + 1; cpl_dw1 = tw[1]; cpl_dw2 = tw[2]; cpl_data = tw[3]; end
                    8'h40: if (tw[2] == MSI_ADDR) n_msi = n_msi + 1;
                           else begin
                               n_mwr = n_mwr + 1;
                               for (k = 0; k < tw[0][9:0]; k = k + 1) hmem[(tw[2] - HBASE) / 4 + k] = tw[3 + k];
                           end
                    8'h00: begin
                        n_mrd = n_mrd + 1;
                        rd_pend = 1'b1; rd_addr = tw[2]; rd_len = tw[0][9:0]; rd_tag = tw[1][15:8];
                    end
                    default: ;
                endcase
                tn = 0;
            end
        end
    end

    // rx: one beat at a time, held until taken
    task automatic beat(input [63:0] d, input [7:0] be, input f, input l);
        begin
            @(negedge clk);
            rx_valid = 1'b1; rx_dat = d; rx_be = be; rx_first = f; rx_last = l;
            @(posedge clk);
            while (!rx_ready) @(posedge clk);
            rx_taken = rx_taken + 1;
            @(negedge clk) rx_valid = 1'b0;
        end
    endtask

    // The CplD for a pending read, whole (the endpoint's bench splits them).
    always @(posedge clk) begin : completer
        integer k;
        if (rd_pend && !rx_valid) begin
            rd_pend = 1'b0;
            fork begin : send
                reg [31:0] d [0:20];
                integer n, j;
                d[0] = {8'h4A, 14'b0, rd_len[9:0]};
                d[1] = {16'h0000, 4'b0, rd_len[9:0], 2'b00};
                d[2] = {RID, rd_tag, 1'b0, rd_addr[6:0]};
                for (k = 0; k < rd_len; k = k + 1) d[3 + k] = hmem[(rd_addr - HBASE) / 4 + k];
                n = 3 + rd_len;
                for (j = 0; j < n; j = j + 2)
                    beat({j + 1 < n ? d[j + 1] : 32'b0, d[j]}, j + 1 < n ? 8'hFF : 8'h0F, j == 0, j + 2 >= n);
            end join_none
        end
    end

    // ------------------------------------------------------------ observations
    reg     done = 1'b0, seen_irq_pcie = 1'b0, seen_trap = 1'b0;
    integer buserrs = 0, k0;
    reg [31:0] result = 32'b0;
    always @(posedge clk) begin
        if (u_soc.irq[IRQ_PCIE]) seen_irq_pcie <= 1'b1;
        if (u_soc.irq[IRQ_BUSERR]) buserrs = buserrs + 1;
        if (trap) seen_trap <= 1'b1;
        if (u_soc.mem_valid && u_soc.mem_ready && u_soc.mem_wstrb != 4'b0
            && u_soc.mem_addr == SCRATCH_ADDR
            && (u_soc.mem_wdata == PASS || u_soc.mem_wdata[31:20] == FAIL_TAG)) begin
            result <= u_soc.mem_wdata;
            done   <= 1'b1;
        end
    end

    // the host's side of the program: BAR0 read of ID, then SCRATCH once the CPU wrote it
    reg [31:0] bar_id = 32'b0;
    initial begin : host
        integer t;
        for (t = 0; t < 1024; t = t + 1) hmem[t] = 32'h0;
        for (t = 0; t < 16; t = t + 1) hmem[32'h200 / 4 + t] = 32'h7000_0000 + t;
        wait (!por);
        if (HAS_PCIE) begin
            repeat (20) @(posedge clk);
            beat({16'h0000, 8'h21, 8'h0F, 8'h00, 14'b0, 10'd1}, 8'hFF, 1'b1, 1'b0);   // MRd32 ID
            beat({32'b0, BAR0 + `VD_PCIE_ID}, 8'h0F, 1'b0, 1'b1);
            t = 0;
            while (n_cpl == 0 && t < 1000) begin @(posedge clk); t = t + 1; end
            bar_id = cpl_data;
            t = 0;
            while (u_soc.g_pcie.u_pcie.scratch_q != 32'h0C0FFEE0 && t < 100000) begin
                @(posedge clk); t = t + 1;
            end
            repeat (200) @(posedge clk);        // after the CPU has read its own value back
            beat({16'h0000, 8'h00, 8'h0F, 8'h40, 14'b0, 10'd1}, 8'hFF, 1'b1, 1'b0);   // MWr32 SCRATCH
            beat({HOST_VAL, BAR0 + `VD_PCIE_SCRATCH}, 8'hFF, 1'b0, 1'b1);
        end else begin
            // without the endpoint rx is never ready: offer a beat and see it refused
            repeat (20) @(posedge clk);
            @(negedge clk) rx_valid = 1'b1; rx_first = 1'b1; rx_dat = 64'h1;
            repeat (50) @(posedge clk) if (rx_ready) rx_taken = rx_taken + 1;
            @(negedge clk) rx_valid = 1'b0;
        end
    end

    initial begin
        if ($test$plusargs("vcd")) begin
            $dumpfile("tb_vd_soc_pcie.vcd");
            $dumpvars(0, tb_vd_soc_pcie);
        end
        $display("configuration: HAS_PCIE %0d, HAS_GPU %0d, FEATURES 0x%08h expected", HAS_PCIE, HAS_GPU, EXPECT_FEATURES);
        repeat (4) @(posedge clk);
        por <= 1'b0;
        while (!done && !seen_trap && cyc < MAX_CYCLES) begin
            @(posedge clk);
            cyc = cyc + 1;
        end
        repeat (20) @(posedge clk);
        $display("program: SCRATCH = %08h after %0d cycles", result, cyc);
        check(done, "program finished (wrote PASS or FAIL to SYSCTL.SCRATCH)");
        if (result != PASS && done) $display("        failed at check %0d of soc_pcie_prog.S", result[15:0]);
        check(result == PASS, "program checks (soc_pcie_prog.S)");
        check(!seen_trap, "the CPU never trapped");
        check_eq(u_soc.FEATURES, EXPECT_FEATURES, "FEATURES = the target's word");
        if (HAS_PCIE) begin
            check_eq(bar_id, `VD_SOC_ID, "BAR0 ID through the SoC's pcie_* ports");
            check_eq(cpl_dw1, {RID, 3'b000, 1'b0, 12'd4}, "its CplD: completer ID, SC, byte count 4");
            check_eq(n_mwr, 1, "one DMA write TLP (64 bytes)");
            mism_check;
            check_eq(n_mrd, 1, "one DMA read request (64 bytes, MRRS 128)");
            check_eq(n_msi, 1, "one MSI");
            check(seen_irq_pcie, "IRQ_PCIE reached the CPU (DMA done)");
            check(!u_soc.irq[IRQ_PCIE], "and dropped once cleared");
            check_eq(buserrs, 0, "no BUSERR");
        end else begin
            check_eq(buserrs, 5, "one BUSERR per access to PCIE_BUF and the PCIE block");
            check_eq(rx_taken, 0, "rx never ready");
            check_eq(tx_beats, 0, "tx idle");
            check(!seen_irq_pcie, "IRQ_PCIE stays 0");
        end
        $display("%0d passed, %0d failed", n_pass, n_fail);
        $finish;
    end

    task automatic mism_check;
        integer k, bad;
        begin
            bad = 0;
            for (k = 0; k < 16; k = k + 1)
                if (hmem[32'h100 / 4 + k] !== 32'h0101_0101 + k * 32'h202) bad = bad + 1;
            if (hmem[32'h100 / 4 + 16] !== 32'h0) bad = bad + 1;
            check_eq(bad, 0, "the 64 bytes of PCIE_BUF in host memory, nothing after");
        end
    endtask
endmodule

`default_nettype wire
