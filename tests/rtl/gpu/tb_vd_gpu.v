`timescale 1ns/1ps
`default_nettype none
// tb_vd_gpu: self-checking Icarus testbench for rtl/gpu/vd_gpu.v behind rtl/memctl/vd_memctl.v
// and the behavioural VRAM (rtl/mem/vd_spram32.v), as in the SoC.
//
// Commands are written into the ring through the RAM's backdoor (firmware would use the
// CPU port); the engine is driven through both register blocks like firmware does.
//  - FILL, COPY, NOP, FENCE results (and the words around them untouched); ring wrap-around.
//  - Throughput: bytes per cycle from the doorbell write to the command's completion,
//    printed with the share of the RAM's peak (4 bytes/cycle); FILL >= 90 %, COPY >= 45 %
//    for 4 KiB; COPY also with the CPU port reading every cycle (contention).
//  - Protection: a FILL into a read-only window is blocked: memory untouched, engine FAULT,
//    GPU and MEMCTL interrupts, fault address.
//  - Bad commands: unknown opcode, unaligned length: ERROR with HEAD at the command.
//  - HANG: no memory traffic, watchdog TIMEOUT at WDT_LIMIT, RESET (no request from the next
//    cycle on), restart; RESET in the middle of a long FILL.
// Ends with "N passed, M failed"; $fatal on failure. +vcd dumps waves.

`include "vd_regs.vh"

module tb_vd_gpu;
    localparam integer VRAM_BYTES = 65536;
    localparam integer WORDS = VRAM_BYTES / 4;
    localparam integer AW = 14;
    localparam [31:0] RING = 32'h0000_0400;     // ring base (byte offset)
    localparam [31:0] RING_SZ = 32'h0000_0100;  // 16 commands

    reg clk = 1'b0;
    always #5 clk = ~clk;
    reg rst = 1'b1;
    integer cyc = 0;
    always @(posedge clk) cyc <= cyc + 1;

    // ------------------------------------------------------------ DUTs
    reg         rreq_m = 0, rreq_g = 0, rwe = 0;
    reg  [11:0] raddr = 0;
    reg  [31:0] rwdata = 0;
    wire        rack_m, rack_g, irq_m, irq_g;
    wire [31:0] rrdata_m, rrdata_g;

    wire        g_req, g_we, g_fetch, g_gnt, g_rvalid, g_fault, g_pend;
    wire [AW:0] g_addr;
    wire [31:0] g_wdata, prdata;
    reg         c_req = 0;
    reg  [AW-1:0] c_addr = 0;
    wire        c_gnt, c_rvalid;
    wire        ram_en;
    wire [3:0]  ram_we;
    wire [AW-1:0] ram_addr;
    wire [31:0] ram_wdata, ram_rdata;
    wire        d_gnt, d_rv, s_gnt, s_rv;

    vd_memctl #(.VRAM_BYTES(VRAM_BYTES)) u_memctl (
        .clk_i(clk), .rst_i(rst),
        .req_i(rreq_m), .we_i(rwe), .addr_i(raddr), .wdata_i(rwdata), .ack_o(rack_m),
        .rdata_o(rrdata_m), .irq_o(irq_m),
        .cpu_req_i(c_req), .cpu_we_i(4'b0), .cpu_addr_i(c_addr), .cpu_wdata_i(32'b0),
        .cpu_gnt_o(c_gnt), .cpu_rvalid_o(c_rvalid),
        .gpu_req_i(g_req), .gpu_we_i(g_we), .gpu_fetch_i(g_fetch), .gpu_addr_i(g_addr),
        .gpu_wdata_i(g_wdata), .gpu_gnt_o(g_gnt), .gpu_rvalid_o(g_rvalid), .gpu_fault_o(g_fault),
        .gpu_pend_o(g_pend),
        .dma_req_i(1'b0), .dma_chk_i(1'b0), .dma_we_i(4'b0), .dma_addr_i({AW{1'b0}}), .dma_wdata_i(32'b0),
        .dma_gnt_o(d_gnt), .dma_rvalid_o(d_rv), .dma_fault_o(),
        .scan_req_i(1'b0), .scan_addr_i({AW{1'b0}}), .scan_gnt_o(s_gnt), .scan_rvalid_o(s_rv),
        .port_rdata_o(prdata),
        .ram_en_o(ram_en), .ram_we_o(ram_we), .ram_addr_o(ram_addr), .ram_wdata_o(ram_wdata),
        .ram_rdata_i(ram_rdata)
    );

    vd_gpu #(.VRAM_BYTES(VRAM_BYTES)) u_gpu (
        .clk_i(clk), .rst_i(rst),
        .req_i(rreq_g), .we_i(rwe), .addr_i(raddr), .wdata_i(rwdata), .ack_o(rack_g),
        .rdata_o(rrdata_g), .irq_o(irq_g),
        .m_req_o(g_req), .m_we_o(g_we), .m_fetch_o(g_fetch), .m_addr_o(g_addr),
        .m_wdata_o(g_wdata), .m_gnt_i(g_gnt), .m_rvalid_i(g_rvalid), .m_rdata_i(prdata),
        .m_fault_i(g_fault), .m_pend_i(g_pend),
        // no system memory here (APERTURE 0): tests/rtl/pcie covers the transfers
        .x_req_o(), .x_to_host_o(), .x_fill_o(), .x_pattern_o(), .x_host_o(), .x_vram_o(),
        .x_len_o(), .x_done_i(1'b0), .x_err_i(1'b0), .x_prog_i(1'b0), .x_busy_i(1'b0)
    );

    vd_spram32 #(.WORDS(WORDS)) u_ram (
        .clk_i(clk), .en_i(ram_en), .we_i(ram_we), .addr_i(ram_addr), .wdata_i(ram_wdata),
        .rdata_o(ram_rdata)
    );

    // CPU-port load: reads every cycle while hog is set (address walks, held until granted).
    reg hog = 0;
    always @(posedge clk) begin
        c_req <= hog;
        if (c_gnt) c_addr <= c_addr + 1'b1;
    end

    // ------------------------------------------------------------ checks
    `include "tb_checks.vh"

    // ------------------------------------------------------------ register buses
    // sel 0: MEMCTL, 1: GPU
    integer t_wr;                            // cycle of the last register write's request
    task automatic reg_wr(input sel, input [11:0] a, input [31:0] d);
        begin
            @(posedge clk); #1 rreq_m = !sel; rreq_g = sel; rwe = 1; raddr = a; rwdata = d;
            t_wr = cyc;
            @(posedge clk); #1 rreq_m = 0; rreq_g = 0; rwe = 0;
        end
    endtask
    task automatic reg_rd(input sel, input [11:0] a, output [31:0] d);
        begin
            @(posedge clk); #1 rreq_m = !sel; rreq_g = sel; rwe = 0; raddr = a;
            @(posedge clk); #1 rreq_m = 0; rreq_g = 0; d = sel ? rrdata_g : rrdata_m;
        end
    endtask
    task automatic win(input [2:0] slot, input [31:0] base, input [31:0] size, input wr);
        begin
            reg_wr(0, `VD_MEMCTL_WIN_BASE, base);
            reg_wr(0, `VD_MEMCTL_WIN_SIZE, size);
            reg_wr(0, `VD_MEMCTL_WIN_CTRL, (slot << `VD_MEMCTL_WIN_CTRL_SLOT_LSB)
                   | `VD_MEMCTL_WIN_CTRL_VALID_MASK | (wr ? `VD_MEMCTL_WIN_CTRL_WRITE_MASK : 0));
        end
    endtask

    // ------------------------------------------------------------ ring
    reg [31:0] tail = 0;                     // byte offset in the ring
    task automatic put(input [31:0] w0, input [31:0] w1, input [31:0] w2, input [31:0] w3);
        begin
            u_ram.mem[(RING + tail) / 4 + `VD_GPU_CMD_W_OP]    = w0;
            u_ram.mem[(RING + tail) / 4 + `VD_GPU_CMD_W_DST]   = w1;
            u_ram.mem[(RING + tail) / 4 + `VD_GPU_CMD_W_ARG]   = w2;
            u_ram.mem[(RING + tail) / 4 + `VD_GPU_CMD_W_BYTES] = w3;
            tail = (tail + `VD_GPU_CMD_BYTES) % RING_SZ;
        end
    endtask
    task automatic cmd_fill(input [31:0] dst, input [31:0] bytes, input [31:0] pat);
        put(`VD_GPU_OP_FILL, dst, pat, bytes);
    endtask
    task automatic cmd_copy(input [31:0] dst, input [31:0] src, input [31:0] bytes);
        put(`VD_GPU_OP_COPY, dst, src, bytes);
    endtask
    task automatic doorbell;
        reg_wr(1, `VD_GPU_RING_TAIL, tail);
    endtask

    // Wait until HEAD reaches TAIL (or the engine stops / times out); returns cycles.
    reg [31:0] v;
    integer t0, tw, ok;
    task automatic wait_idle(input integer limit, output integer done);
        begin
            done = 0;
            for (tw = 0; tw < limit && !done; tw = tw + 1) begin
                @(posedge clk); #1;
                if (u_gpu.head_q == u_gpu.tail_q && u_gpu.state_q == `VD_GPU_STATE_IDLE) done = 1;
            end
        end
    endtask

    // Completion cycle of the last command: the cycle in which it completes.
    integer t_done;
    always @(posedge clk) if (u_gpu.complete) t_done <= cyc;

    // No GPU request may be seen while nogpu is set.
    reg nogpu = 0;
    integer gpu_req_seen = 0;
    always @(posedge clk) if (nogpu && g_req) gpu_req_seen = gpu_req_seen + 1;

    integer w, mism, cycles, i;
    real bpc;

    task automatic perf(input [8*8-1:0] what, input integer bytes, input real min_pct);
        begin
            cycles = t_done - t_wr + 1;
            bpc = bytes * 1.0 / cycles;
            $display("     %0s %0d bytes: %0d cycles (doorbell to completion), %0.3f bytes/cycle = %0.1f %% of 4 B/cycle",
                     what, bytes, cycles, bpc, bpc * 25.0);
            if (min_pct > 0.0) check(bpc * 25.0 >= min_pct, "throughput target");
        end
    endtask

    initial begin
        if ($test$plusargs("vcd")) begin $dumpfile("tb_vd_gpu.vcd"); $dumpvars(0, tb_vd_gpu); end
        for (w = 0; w < WORDS; w = w + 1) u_ram.mem[w] = w ^ 32'h5A5A_0000;
        repeat (3) @(posedge clk);
        #1 rst = 0;

        // ---------------------------------------------------------- setup
        group_begin("reset values, ring setup");
        reg_rd(1, `VD_GPU_STATUS, v); check_eq(v, `VD_GPU_STATE_IDLE, "STATUS idle");
        reg_rd(1, `VD_GPU_CTRL, v);   check_eq(v, 0, "CTRL");
        reg_wr(1, `VD_GPU_RING_BASE, RING);
        reg_wr(1, `VD_GPU_RING_SIZE, RING_SZ);
        reg_rd(1, `VD_GPU_RING_BASE, v); check_eq(v, RING, "RING_BASE");
        reg_rd(1, `VD_GPU_RING_SIZE, v); check_eq(v, RING_SZ, "RING_SIZE");
        reg_wr(1, `VD_GPU_INT_EN, 32'hF);
        reg_wr(0, `VD_MEMCTL_CTRL, `VD_MEMCTL_CTRL_IRQ_EN_MASK);
        win(1, 32'h4000, 32'h8000, 1);            // destination area, writable
        win(2, 32'hC000, 32'h2000, 0);            // source area, read-only
        win(3, 32'h2000, 32'h100, 0);             // a read-only allocation
        reg_wr(1, `VD_GPU_CTRL, `VD_GPU_CTRL_ENABLE_MASK);
        check(!irq_g && !irq_m, "no interrupts");
        group_end;

        // ---------------------------------------------------------- FILL
        group_begin("FILL: result, neighbours untouched, throughput");
        cmd_fill(32'h4000, 4096, 32'hCAFE_F00D);
        doorbell;
        wait_idle(10000, ok);
        check(ok, "completed");
        mism = 0;
        for (w = 32'h4000 / 4; w < 32'h5000 / 4; w = w + 1) if (u_ram.mem[w] !== 32'hCAFE_F00D) mism = mism + 1;
        check(mism == 0, "4096 bytes filled");
        check_eq(u_ram.mem[32'h3FFC / 4], 32'h3FFC / 4 ^ 32'h5A5A_0000, "word before untouched");
        check_eq(u_ram.mem[32'h5000 / 4], 32'h5000 / 4 ^ 32'h5A5A_0000, "word after untouched");
        reg_rd(1, `VD_GPU_RING_HEAD, v); check_eq(v, tail, "HEAD advanced to TAIL");
        perf("FILL", 4096, 90.0);
        cmd_fill(32'h6000, 16384, 32'h1234_5678); doorbell; wait_idle(40000, ok);
        perf("FILL", 16384, 90.0);
        cmd_fill(32'h6000, 1024, 32'h1234_5678); doorbell; wait_idle(40000, ok);
        perf("FILL", 1024, 0.0);
        cmd_fill(32'h6000, 256, 32'h1234_5678); doorbell; wait_idle(40000, ok);
        perf("FILL", 256, 0.0);
        cmd_fill(32'h6000, 4, 32'h1234_5678); doorbell; wait_idle(40000, ok);
        perf("FILL", 4, 0.0);
        group_end;

        // ---------------------------------------------------------- COPY
        group_begin("COPY: result, throughput, contention");
        for (w = 32'hC000 / 4; w < 32'hE000 / 4; w = w + 1) u_ram.mem[w] = $random;
        u_ram.mem[32'h9000 / 4] = 32'h5E47_1E1;   // sentinel after the destination
        cmd_copy(32'h8000, 32'hC000, 4096);
        doorbell;
        wait_idle(20000, ok);
        check(ok, "completed");
        mism = 0;
        for (w = 0; w < 1024; w = w + 1) if (u_ram.mem[32'h8000 / 4 + w] !== u_ram.mem[32'hC000 / 4 + w]) mism = mism + 1;
        check(mism == 0, "4096 bytes copied");
        check_eq(u_ram.mem[32'h9000 / 4], 32'h5E47_1E1, "word after untouched");
        perf("COPY", 4096, 45.0);
        cmd_copy(32'h8000, 32'hC000, 8192); doorbell; wait_idle(40000, ok);
        perf("COPY", 8192, 45.0);
        cmd_copy(32'h8000, 32'hC000, 256); doorbell; wait_idle(40000, ok);
        perf("COPY", 256, 0.0);
        // contention: the CPU port reads every cycle
        for (w = 32'hC000 / 4; w < 32'hE000 / 4; w = w + 1) u_ram.mem[w] = $random;
        @(posedge clk); #1 hog = 1;
        reg_wr(0, `VD_MEMCTL_CMD, `VD_MEMCTL_CMD_CNT_CLEAR_MASK);
        cmd_copy(32'hA000, 32'hC000, 4096); doorbell; wait_idle(40000, ok);
        #1 hog = 0;
        check(ok, "completed under contention");
        mism = 0;
        for (w = 0; w < 1024; w = w + 1) if (u_ram.mem[32'hA000 / 4 + w] !== u_ram.mem[32'hC000 / 4 + w]) mism = mism + 1;
        check(mism == 0, "4096 bytes copied under contention");
        perf("COPY+CPU", 4096, 0.0);
        reg_rd(0, `VD_MEMCTL_CNT_GPU_REQ, v);
        check(v == 2048 + 4, "GPU accesses: 1024 reads + 1024 writes + 4 fetch");
        reg_rd(0, `VD_MEMCTL_CNT_GPU_STALL, v);
        $display("     under CPU contention: GPU stalled %0d cycles", v);
        check(v > 0, "GPU stalled under contention");
        group_end;

        // ---------------------------------------------------------- NOP, FENCE, wrap
        group_begin("NOP, FENCE, ring wrap-around");
        reg_wr(1, `VD_GPU_INT_STATUS, 32'hF);
        for (i = 0; i < 20; i = i + 1) begin     // 20 commands through a 16-entry ring
            if (i % 5 == 4) put(`VD_GPU_OP_FENCE, 0, 32'h100 + i, 0);
            else if (i % 5 == 2) cmd_fill(32'h7000 + 16 * i, 16, i);
            else put(`VD_GPU_OP_NOP, 0, 0, 0);
            if (i % 5 == 4) begin
                doorbell;
                wait_idle(2000, ok);
                check(ok, "batch completed");
                reg_rd(1, `VD_GPU_FENCE, v); check_eq(v, 32'h100 + i, "FENCE value");
                reg_rd(1, `VD_GPU_INT_STATUS, v);
                check_eq(v, `VD_GPU_INT_STATUS_FENCE_MASK, "INT_STATUS.FENCE");
                check(irq_g, "GPU irq");
                reg_wr(1, `VD_GPU_INT_STATUS, `VD_GPU_INT_STATUS_FENCE_MASK);
                check(!irq_g, "GPU irq cleared");
            end
        end
        for (i = 2; i < 20; i = i + 5) check_eq(u_ram.mem[(32'h7000 + 16 * i) / 4 + 3], i, "FILL in batch");
        reg_rd(1, `VD_GPU_RING_HEAD, v); check_eq(v, tail, "HEAD == TAIL after wrap");
        group_end;

        // ---------------------------------------------------------- protection
        group_begin("protection: FILL into a read-only window");
        reg_wr(0, `VD_MEMCTL_CMD, `VD_MEMCTL_CMD_CNT_CLEAR_MASK);
        cmd_fill(32'h2000, 64, 32'hBAD0_BAD0);
        doorbell;
        repeat (20) @(posedge clk);
        reg_rd(1, `VD_GPU_STATUS, v); check_eq(v, `VD_GPU_STATE_FAULT, "engine in FAULT");
        reg_rd(1, `VD_GPU_INT_STATUS, v); check_eq(v, `VD_GPU_INT_STATUS_FAULT_MASK, "INT_STATUS.FAULT");
        check(irq_g && irq_m, "GPU and MEMCTL interrupts");
        reg_rd(0, `VD_MEMCTL_FAULT_ADDR, v); check_eq(v, 32'h2000, "FAULT_ADDR");
        reg_rd(0, `VD_MEMCTL_FAULT_INFO, v);
        check_eq(v, `VD_MEMCTL_FAULT_INFO_WRITE_MASK | `VD_MEMCTL_FAULT_INFO_HIT_MASK
                    | (3 << `VD_MEMCTL_FAULT_INFO_SLOT_LSB), "FAULT_INFO: write, read-only slot 3");
        mism = 0;
        for (w = 32'h2000 / 4; w < 32'h2100 / 4; w = w + 1) if (u_ram.mem[w] !== (w ^ 32'h5A5A_0000)) mism = mism + 1;
        check(mism == 0, "read-only allocation untouched");
        reg_rd(0, `VD_MEMCTL_CNT_GPU_REQ, v); check_eq(v, 4, "only the 4 fetch reads reached VRAM");
        reg_rd(1, `VD_GPU_RING_HEAD, v); check_eq(v, (tail + RING_SZ - 16) % RING_SZ, "HEAD at the faulting command");
        // recovery: reset, skip the command, clear flags
        reg_wr(1, `VD_GPU_CTRL, `VD_GPU_CTRL_RESET_MASK);
        reg_wr(1, `VD_GPU_RING_HEAD, tail);
        reg_wr(1, `VD_GPU_INT_STATUS, 32'hF);
        reg_wr(0, `VD_MEMCTL_STATUS, `VD_MEMCTL_STATUS_FAULT_MASK);
        check(!irq_g && !irq_m, "interrupts cleared");
        // a FILL running off the end of its window faults at the first word outside
        reg_wr(1, `VD_GPU_CTRL, `VD_GPU_CTRL_ENABLE_MASK);
        cmd_fill(32'hBFF0, 32, 32'h0BAD_0BAD);    // window 1 ends at 0xC000
        doorbell;
        repeat (30) @(posedge clk);
        reg_rd(1, `VD_GPU_STATUS, v); check_eq(v, `VD_GPU_STATE_FAULT, "engine in FAULT");
        reg_rd(0, `VD_MEMCTL_FAULT_ADDR, v); check_eq(v, 32'hC000, "FAULT_ADDR at window end");
        check_eq(u_ram.mem[32'hBFFC / 4], 32'h0BAD_0BAD, "words inside the window written");
        check(u_ram.mem[32'hC000 / 4] !== 32'h0BAD_0BAD, "word past the window untouched");
        reg_wr(1, `VD_GPU_CTRL, `VD_GPU_CTRL_RESET_MASK);
        reg_wr(1, `VD_GPU_RING_HEAD, tail);
        reg_wr(1, `VD_GPU_INT_STATUS, 32'hF);
        reg_wr(0, `VD_MEMCTL_STATUS, `VD_MEMCTL_STATUS_FAULT_MASK);
        group_end;

        // ---------------------------------------------------------- bad commands
        group_begin("bad commands: unknown opcode, unaligned length");
        reg_wr(1, `VD_GPU_CTRL, `VD_GPU_CTRL_ENABLE_MASK);
        put(32'h55, 0, 0, 0);
        doorbell;
        repeat (20) @(posedge clk);
        reg_rd(1, `VD_GPU_STATUS, v); check_eq(v, `VD_GPU_STATE_ERROR, "unknown opcode: ERROR");
        reg_rd(1, `VD_GPU_INT_STATUS, v); check_eq(v, `VD_GPU_INT_STATUS_ERROR_MASK, "INT_STATUS.ERROR");
        reg_rd(1, `VD_GPU_RING_HEAD, v); check_eq(v, (tail + RING_SZ - 16) % RING_SZ, "HEAD at the bad command");
        reg_wr(1, `VD_GPU_CTRL, `VD_GPU_CTRL_RESET_MASK);
        reg_wr(1, `VD_GPU_RING_HEAD, tail);
        reg_wr(1, `VD_GPU_INT_STATUS, 32'hF);
        reg_wr(1, `VD_GPU_CTRL, `VD_GPU_CTRL_ENABLE_MASK);
        cmd_fill(32'h4000, 6, 0);
        doorbell;
        repeat (20) @(posedge clk);
        reg_rd(1, `VD_GPU_STATUS, v); check_eq(v, `VD_GPU_STATE_ERROR, "unaligned length: ERROR");
        reg_wr(1, `VD_GPU_CTRL, `VD_GPU_CTRL_RESET_MASK);
        reg_wr(1, `VD_GPU_RING_HEAD, tail);
        reg_wr(1, `VD_GPU_INT_STATUS, 32'hF);
        group_end;

        // ---------------------------------------------------------- HANG, watchdog, RESET
        group_begin("HANG: watchdog timeout, RESET, restart");
        reg_wr(1, `VD_GPU_WDT_LIMIT, 100);
        reg_wr(1, `VD_GPU_CTRL, `VD_GPU_CTRL_ENABLE_MASK);
        reg_wr(0, `VD_MEMCTL_CMD, `VD_MEMCTL_CMD_CNT_CLEAR_MASK);
        put(`VD_GPU_OP_HANG, 0, 0, 0);
        put(`VD_GPU_OP_FENCE, 0, 32'hF00D, 0);    // never reached while hung
        doorbell;
        repeat (50) @(posedge clk);
        reg_rd(1, `VD_GPU_STATUS, v); check_eq(v, `VD_GPU_STATE_HANG, "engine HANG");
        check(!irq_g, "no timeout yet");
        repeat (80) @(posedge clk);
        reg_rd(1, `VD_GPU_INT_STATUS, v); check_eq(v, `VD_GPU_INT_STATUS_TIMEOUT_MASK, "INT_STATUS.TIMEOUT");
        check(irq_g, "GPU irq on timeout");
        reg_rd(1, `VD_GPU_WDT_COUNT, v); check_eq(v, 100, "WDT_COUNT stops at WDT_LIMIT");
        reg_rd(0, `VD_MEMCTL_CNT_GPU_REQ, v); check_eq(v, 4, "no VRAM access while hung (only the fetch)");
        reg_rd(1, `VD_GPU_FENCE, v); check(v != 32'hF00D, "later FENCE not executed");
        // ResetFromTimeout
        reg_wr(1, `VD_GPU_CTRL, `VD_GPU_CTRL_RESET_MASK);
        reg_rd(1, `VD_GPU_STATUS, v); check_eq(v, `VD_GPU_STATE_IDLE, "IDLE after RESET");
        reg_rd(1, `VD_GPU_CTRL, v); check_eq(v, 0, "ENABLE cleared by RESET");
        reg_rd(1, `VD_GPU_WDT_COUNT, v); check_eq(v, 0, "watchdog cleared");
        // RestartFromTimeout: skip the hung command, run the rest
        reg_wr(1, `VD_GPU_INT_STATUS, 32'hF);
        reg_rd(1, `VD_GPU_RING_HEAD, v);
        reg_wr(1, `VD_GPU_RING_HEAD, (v + 16) % RING_SZ);
        reg_wr(1, `VD_GPU_CTRL, `VD_GPU_CTRL_ENABLE_MASK);
        wait_idle(200, ok);
        check(ok, "restarted engine drains the ring");
        reg_rd(1, `VD_GPU_FENCE, v); check_eq(v, 32'hF00D, "FENCE after restart");
        reg_wr(1, `VD_GPU_INT_STATUS, 32'hF);
        group_end;

        group_begin("RESET during a long FILL: no VRAM access afterwards");
        reg_wr(0, `VD_MEMCTL_CMD, `VD_MEMCTL_CMD_CNT_CLEAR_MASK);
        cmd_fill(32'h4000, 16384, 32'h7777_7777);
        doorbell;
        repeat (200) @(posedge clk);
        reg_wr(1, `VD_GPU_CTRL, `VD_GPU_CTRL_RESET_MASK);    // request in cycle t_wr
        nogpu = 1; gpu_req_seen = 0;                          // from cycle t_wr + 1 on
        repeat (2000) @(posedge clk);
        check(gpu_req_seen == 0, "no GPU request after the RESET cycle");
        nogpu = 0;
        reg_rd(0, `VD_MEMCTL_CNT_GPU_REQ, v);
        check(v > 100 && v < 4096, "FILL was stopped part way");
        reg_rd(1, `VD_GPU_STATUS, v); check_eq(v, `VD_GPU_STATE_IDLE, "IDLE");
        reg_rd(1, `VD_GPU_INT_STATUS, v); check_eq(v, 0, "no timeout, fault or error");
        group_end;

        $display("%0d passed, %0d failed", n_pass, n_fail);
        if (n_fail != 0) $fatal(1, "tb_vd_gpu failed");
        $finish;
    end

    initial begin
        #50_000_000;
        $display("timeout");
        $display("%0d passed, %0d failed", n_pass, n_fail + 1);
        $fatal(1, "tb_vd_gpu timeout");
    end
endmodule

`default_nettype wire
