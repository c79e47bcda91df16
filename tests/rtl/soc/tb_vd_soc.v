// SoC-level check of the VRAM path: vd_soc (PicoRV32, memctl, GPU, ...) runs
// tests/rtl/soc/soc_prog.S from its boot ROM, which drives the CPU's VRAM accesses through
// the memory controller while the GPU runs a FILL, then a blocked GPU write (fault). The
// program reports in SYSCTL.SCRATCH; this bench adds what software cannot see: the
// interrupt lines (IRQ_GPU, IRQ_MEMCTL) reach the CPU, the CPU port waited for the GPU but
// within the arbiter's bound, every VRAM access was acknowledged the cycle after its grant,
// and the CPU never trapped. Run by hand with +vcd for waves (tb_vd_soc.vcd).
//
// With only the GPU beside it, the round-robin arbiter always serves the CPU at once (the
// CPU never asks twice in a row, so the GPU was the last granted). To exercise the CPU
// port's wait path, the bench stands in for the future host DMA master: while the FILL runs
// it forces read requests onto the DMA port, which vd_soc ties off.
`timescale 1ns/1ps
`default_nettype none
`include "vd_regs.vh"

module tb_vd_soc;
    localparam [31:0] SCRATCH_ADDR = `VD_SYSCTL_BASE + `VD_SYSCTL_SCRATCH;
    localparam [31:0] PASS = 32'h600D600D;
    localparam integer MAX_CYCLES = 400000;
    localparam integer IRQ_MEMCTL = `VD_IRQ_MEMCTL;
    localparam integer IRQ_GPU    = `VD_IRQ_GPU;

    reg clk = 1'b0;
    reg por = 1'b1;
    always #5 clk = !clk;

    wire uart_tx, flash_cs_n, flash_sck, flash_mosi, trap;

    vd_soc #(.BOOTROM_INIT("tb_vd_soc_rom.hex")) u_soc (
        .clk_i       (clk),
        .por_i       (por),
        .uart_tx_o   (uart_tx),
        .uart_rx_i   (1'b1),
        .flash_cs_no (flash_cs_n),
        .flash_sck_o (flash_sck),
        .flash_mosi_o(flash_mosi),
        .flash_miso_i(1'b0),
        .trap_o      (trap)
    );

    integer passed = 0, failed = 0;
    task check(input ok, input [8*64-1:0] what);
        begin
            if (ok) passed = passed + 1;
            else begin
                failed = failed + 1;
                $display("FAIL: %0s", what);
            end
        end
    endtask

    // Observations along the run.
    reg     seen_irq_gpu = 1'b0, seen_irq_memctl = 1'b0, seen_trap = 1'b0;
    integer wait_now = 0, wait_max = 0, vram_waits = 0, vram_accesses = 0, ack_errors = 0;
    reg     gnt_q = 1'b0;
    reg     done = 1'b0;
    reg [31:0] result = 32'b0;
    always @(posedge clk) begin
        if (u_soc.irq[IRQ_GPU])    seen_irq_gpu    <= 1'b1;
        if (u_soc.irq[IRQ_MEMCTL]) seen_irq_memctl <= 1'b1;
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
        // the program's verdict
        if (u_soc.mem_valid && u_soc.mem_ready && u_soc.mem_wstrb != 4'b0
            && u_soc.mem_addr == SCRATCH_ADDR) begin
            result <= u_soc.mem_wdata;
            done   <= 1'b1;
        end
    end

    // DMA stand-in: reads of VRAM word 0 on every cycle of the first DMA_CYCLES of the FILL.
    localparam integer DMA_CYCLES = 1500;
    localparam [2:0] ST_FILL = `VD_GPU_STATE_FILL;
    integer dma_left = DMA_CYCLES;
    reg     dma_on = 1'b0;
    always @(posedge clk) begin
        if (!dma_on && dma_left != 0 && u_soc.u_gpu.state_q == ST_FILL) begin
            dma_on = 1'b1;
            force u_soc.u_memctl.dma_req_i = 1'b1;
        end else if (dma_on) begin
            dma_left = dma_left - 1;
            if (dma_left == 0) begin
                dma_on = 1'b0;
                release u_soc.u_memctl.dma_req_i;
            end
        end
    end

    integer cycles = 0;
    initial begin
        if ($test$plusargs("vcd")) begin
            $dumpfile("tb_vd_soc.vcd");
            $dumpvars(0, tb_vd_soc);
        end
        repeat (4) @(posedge clk);
        por <= 1'b0;
        while (!done && !seen_trap && cycles < MAX_CYCLES) begin
            @(posedge clk);
            cycles = cycles + 1;
        end
        repeat (4) @(posedge clk);

        $display("program: SCRATCH = %08h after %0d cycles", result, cycles);
        check(done, "program finished (wrote SYSCTL.SCRATCH)");
        if (result != PASS && done)
            $display("        failed at check %0d of soc_prog.S", result[15:0]);
        check(result == PASS, "program checks (CPU VRAM access beside a GPU FILL, fault)");
        check(!seen_trap, "the CPU never trapped");
        $display("CPU VRAM port: %0d accesses, %0d wait cycles, longest wait %0d",
                 vram_accesses, vram_waits, wait_max);
        check(vram_waits > 0, "the CPU port waited (GPU and DMA contention)");
        check(wait_max <= `VD_MEMCTL_PORTS - 1, "CPU wait within the arbiter bound (PORTS-1)");
        check(ack_errors == 0, "each VRAM access acknowledged in the cycle after its grant");
        check(seen_irq_gpu, "IRQ_GPU reached the CPU (FENCE, FAULT)");
        check(seen_irq_memctl, "IRQ_MEMCTL reached the CPU (FAULT)");
        check(!u_soc.irq[IRQ_GPU] && !u_soc.irq[IRQ_MEMCTL], "both lines drop once cleared");
        $display("%0d passed, %0d failed", passed, failed);
        $finish;
    end
endmodule

`default_nettype wire
