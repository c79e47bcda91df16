`timescale 1ns/1ps
`default_nettype none
// tb_vd_memctl: self-checking Icarus testbench for rtl/memctl/vd_memctl.v with the
// behavioural VRAM (rtl/mem/vd_spram32.v).
//
//  - Random traffic: each of the four ports raises requests at random (held until granted,
//    attributes stable), random reads and writes; a reference copy of VRAM checks every
//    read's data and cycle (rvalid the cycle after the RAM access). The GPU port goes
//    through the GPU stage: the bench keeps its own copy of the stage (taken on gpu_gnt_o
//    when empty or granted; the access is the stage's, when the arbiter grants it) and
//    checks gpu_gnt_o and gpu_pend_o against it. A monitor checks one grant per cycle,
//    grants only to requesters (the CPU/DMA/scanout ports, the GPU stage), work-conserving
//    (someone asks: someone gets it) and the round-robin bound (a held request waits at most
//    PORTS-1 cycles).
//  - Saturation: all four ports request every cycle: grants rotate, shares are equal.
//  - Counters: the MEMCTL access/stall counters match the bench's own counts; CNT_CLEAR.
//  - Pipelining: one port alone reads and writes back to back, one access per cycle.
//  - Protection: GPU accesses against windows (read-only, writable, none, beyond VRAM,
//    fetches), blocked accesses (taken, then faulted in the stage) never reach VRAM (memory compared word by word with the
//    reference), FAULT_ADDR/FAULT_INFO (first fault kept), STATUS w1c, IRQ, WIN_CLEAR,
//    staging readback and size saturation.
// Ends with "N passed, M failed" (checks); $fatal on failure. +vcd dumps waves.

`include "vd_regs.vh"

module tb_vd_memctl;
    localparam integer VRAM_BYTES = 65536;
    localparam integer WORDS = VRAM_BYTES / 4;
    localparam integer AW = 14;
    localparam integer NP = `VD_MEMCTL_PORTS;
    localparam integer P_CPU = `VD_MEMCTL_PORT_CPU;
    localparam integer P_GPU = `VD_MEMCTL_PORT_GPU;
    localparam integer P_DMA = `VD_MEMCTL_PORT_DMA;
    localparam integer P_SCAN = `VD_MEMCTL_PORT_SCAN;

    reg clk = 1'b0;
    always #5 clk = ~clk;
    reg rst = 1'b1;
    integer cyc = 0;
    always @(posedge clk) cyc <= cyc + 1;

    // ------------------------------------------------------------ DUT
    reg         rreq = 0, rwe = 0;
    reg  [11:0] raddr = 0;
    reg  [31:0] rwdata = 0;
    wire        rack, irq;
    wire [31:0] rrdata;

    reg  [NP-1:0] req = 0;
    reg  [3:0]  we [0:NP-1];
    reg  [AW:0] addr [0:NP-1];        // bit AW used by the GPU port only
    reg  [31:0] wdata [0:NP-1];
    reg         gpu_fetch = 0;
    wire [NP-1:0] gnt, rvalid;
    wire        gpu_fault, gpu_pend;
    wire [31:0] prdata;
    wire        ram_en;
    wire [3:0]  ram_we;
    wire [AW-1:0] ram_addr;
    wire [31:0] ram_wdata, ram_rdata;

    vd_memctl #(.VRAM_BYTES(VRAM_BYTES)) u_dut (
        .clk_i(clk), .rst_i(rst),
        .req_i(rreq), .we_i(rwe), .addr_i(raddr), .wdata_i(rwdata), .ack_o(rack), .rdata_o(rrdata),
        .irq_o(irq),
        .cpu_req_i(req[P_CPU]), .cpu_we_i(we[P_CPU]), .cpu_addr_i(addr[P_CPU][AW-1:0]),
        .cpu_wdata_i(wdata[P_CPU]), .cpu_gnt_o(gnt[P_CPU]), .cpu_rvalid_o(rvalid[P_CPU]),
        .gpu_req_i(req[P_GPU]), .gpu_we_i(we[P_GPU][0]), .gpu_fetch_i(gpu_fetch),
        .gpu_addr_i(addr[P_GPU]), .gpu_wdata_i(wdata[P_GPU]), .gpu_gnt_o(gnt[P_GPU]),
        .gpu_rvalid_o(rvalid[P_GPU]), .gpu_fault_o(gpu_fault), .gpu_pend_o(gpu_pend),
        .dma_req_i(req[P_DMA]), .dma_chk_i(1'b0), .dma_we_i(we[P_DMA]), .dma_addr_i(addr[P_DMA][AW-1:0]),
        .dma_wdata_i(wdata[P_DMA]), .dma_gnt_o(gnt[P_DMA]), .dma_rvalid_o(rvalid[P_DMA]), .dma_fault_o(),
        .scan_req_i(req[P_SCAN]), .scan_addr_i(addr[P_SCAN][AW-1:0]), .scan_gnt_o(gnt[P_SCAN]),
        .scan_rvalid_o(rvalid[P_SCAN]),
        .port_rdata_o(prdata),
        .ram_en_o(ram_en), .ram_we_o(ram_we), .ram_addr_o(ram_addr), .ram_wdata_o(ram_wdata),
        .ram_rdata_i(ram_rdata)
    );

    vd_spram32 #(.WORDS(WORDS)) u_ram (
        .clk_i(clk), .en_i(ram_en), .we_i(ram_we), .addr_i(ram_addr), .wdata_i(ram_wdata),
        .rdata_o(ram_rdata)
    );

    // ------------------------------------------------------------ checks
    `include "tb_checks.vh"

    // ------------------------------------------------------------ register bus
    task automatic reg_wr(input [11:0] a, input [31:0] d);
        begin
            @(posedge clk); #1 rreq = 1; rwe = 1; raddr = a; rwdata = d;
            @(posedge clk); #1 rreq = 0; rwe = 0;
        end
    endtask
    task automatic reg_rd(input [11:0] a, output [31:0] d);
        begin
            @(posedge clk); #1 rreq = 1; rwe = 0; raddr = a;
            @(posedge clk); #1 rreq = 0; d = rrdata;
            if (!rack) begin n_fail = n_fail + 1; $display("    FAIL: no ack"); end
        end
    endtask
    task automatic win(input [2:0] slot, input [31:0] base, input [31:0] size, input valid, input wr);
        begin
            reg_wr(`VD_MEMCTL_WIN_BASE, base);
            reg_wr(`VD_MEMCTL_WIN_SIZE, size);
            reg_wr(`VD_MEMCTL_WIN_CTRL, {22'b0, wr, valid, 5'b0, slot});
        end
    endtask

    // ------------------------------------------------------------ reference model, monitor
    reg [31:0] model [0:WORDS-1];
    reg [31:0] exp_rd [0:NP-1];             // data expected with next rvalid per port
    reg [NP-1:0] exp_rv;
    integer wait_cnt [0:NP-1];
    integer max_wait [0:NP-1];
    integer n_gnt [0:NP-1];
    integer n_stall [0:NP-1];
    integer mon_err = 0;
    integer i, k;
    reg mon_on = 0;
    reg hold_err = 0;

    // The bench's copy of the GPU stage, and each port's RAM requester this cycle: the port
    // itself (CPU, DMA, scanout) or the stage (GPU). ram_gnt: the arbiter's grants.
    reg         st_v = 0;
    reg  [3:0]  st_we;
    reg  [AW:0] st_addr;
    reg  [31:0] st_wdata;
    wire [NP-1:0] ram_gnt = u_dut.gnt;
    reg  [NP-1:0] rq;
    reg  [3:0]  a_we [0:NP-1];
    reg  [AW:0] a_addr [0:NP-1];
    reg  [31:0] a_wdata [0:NP-1];
    integer m;
    task automatic requesters;   // sampled by the monitor at the clock edge
        begin
            for (m = 0; m < NP; m = m + 1) begin
                rq[m] = req[m]; a_we[m] = we[m]; a_addr[m] = addr[m]; a_wdata[m] = wdata[m];
            end
            rq[P_GPU] = st_v; a_we[P_GPU] = st_we; a_addr[P_GPU] = st_addr; a_wdata[P_GPU] = st_wdata;
        end
    endtask

    always @(posedge clk) begin
        if (!rst) begin
            // the stage: taken when empty or granted; emptied by its grant or its fault (a
            // request taken in a fault's cycle is dropped)
            if (gnt[P_GPU] !== (req[P_GPU] && (!st_v || ram_gnt[P_GPU])) || gpu_pend !== st_v
                || (gpu_fault && !st_v)) begin
                mon_err = mon_err + 1;
                if (mon_err < 5) $display("    GPU stage mismatch cycle %0d", cyc);
            end
        end
        if (rst) st_v <= 1'b0;
        else if (gnt[P_GPU]) begin
            st_v <= !gpu_fault; st_we <= {4{we[P_GPU][0]}}; st_addr <= addr[P_GPU];
            st_wdata <= wdata[P_GPU];
        end else if (ram_gnt[P_GPU] || gpu_fault) st_v <= 1'b0;
    end

    always @(posedge clk) begin
        if (!rst) begin
            requesters;
            // read data of the previous cycle's grants
            for (i = 0; i < NP; i = i + 1) begin
                if (rvalid[i] !== exp_rv[i]) begin
                    mon_err = mon_err + 1;
                    if (mon_err < 5) $display("    rvalid mismatch port %0d cycle %0d", i, cyc);
                end
                if (rvalid[i] && prdata !== exp_rd[i]) begin
                    mon_err = mon_err + 1;
                    if (mon_err < 5) $display("    rdata mismatch port %0d: %08x vs %08x cycle %0d",
                                              i, prdata, exp_rd[i], cyc);
                end
            end
            exp_rv = 0;
            if ((ram_gnt & (ram_gnt - 1)) != 0 || (ram_gnt & ~rq) != 0) begin
                mon_err = mon_err + 1;
                if (mon_err < 5) $display("    bad grant %b req %b cycle %0d", ram_gnt, rq, cyc);
            end
            if (rq != 0 && ram_gnt == 0) begin
                mon_err = mon_err + 1;
                if (mon_err < 5) $display("    idle RAM with requests, cycle %0d", cyc);
            end
            for (i = 0; i < NP; i = i + 1) begin
                if (i != P_GPU && gnt[i] !== ram_gnt[i]) begin
                    mon_err = mon_err + 1;
                    if (mon_err < 5) $display("    port %0d: gnt is not the RAM grant, cycle %0d", i, cyc);
                end
                // a blocked GPU access is neither an access nor a stall (it reaches no RAM)
                if (rq[i] && !(i == P_GPU && gpu_fault)) begin
                    if (ram_gnt[i]) begin
                        n_gnt[i] = n_gnt[i] + 1;
                        if (wait_cnt[i] > max_wait[i]) max_wait[i] = wait_cnt[i];
                        wait_cnt[i] = 0;
                        // apply to the model (GPU writes are whole words)
                        if (a_we[i] == 0) begin
                            exp_rv[i] = 1;
                            exp_rd[i] = model[a_addr[i][AW-1:0]];
                        end else begin
                            if (a_we[i][0]) model[a_addr[i][AW-1:0]][7:0]   = a_wdata[i][7:0];
                            if (a_we[i][1]) model[a_addr[i][AW-1:0]][15:8]  = a_wdata[i][15:8];
                            if (a_we[i][2]) model[a_addr[i][AW-1:0]][23:16] = a_wdata[i][23:16];
                            if (a_we[i][3]) model[a_addr[i][AW-1:0]][31:24] = a_wdata[i][31:24];
                        end
                    end else begin
                        wait_cnt[i] = wait_cnt[i] + 1;
                        n_stall[i] = n_stall[i] + 1;
                    end
                end
            end
        end
    end

    task automatic stats_clear;
        for (k = 0; k < NP; k = k + 1) begin
            wait_cnt[k] = 0; max_wait[k] = 0; n_gnt[k] = 0; n_stall[k] = 0;
        end
    endtask

    // ------------------------------------------------------------ random masters
    // Each enabled port requests with probability rate_pct, holds until granted.
    reg [NP-1:0] rnd_on = 0;
    integer rate_pct = 50;
    integer seed = 1;
    always @(posedge clk) begin
        for (i = 0; i < NP; i = i + 1) begin
            if (rnd_on[i] && (!req[i] || gnt[i])) begin
                if (($random(seed) & 32'h7fffffff) % 100 < rate_pct) begin
                    req[i]   <= 1'b1;
                    addr[i]  <= {1'b0, 14'h0} | (($random(seed) & 32'h7fffffff) % 512);
                    wdata[i] <= $random(seed);
                    if (i == P_SCAN) we[i] <= 4'b0;
                    else if (i == P_GPU) we[i] <= ($random(seed) & 1) ? 4'hF : 4'h0;
                    else we[i] <= ($random(seed) & 1) ? 4'b0 : ($random(seed) & 4'hF);
                end else req[i] <= 1'b0;
            end else if (!rnd_on[i] && gnt[i]) req[i] <= 1'b0;
        end
    end

    // Drive one port by hand (rnd_on[p] clear): issue and wait until the access reached the
    // RAM (granted) or, on the GPU port, was blocked in the stage (faulted).
    task automatic port_access(input integer p, input [3:0] w, input [AW:0] a, input [31:0] d,
                               output granted, output faulted);
        integer t;
        reg taken;
        begin
            @(posedge clk); #1 req[p] = 1; we[p] = w; addr[p] = a; wdata[p] = d;
            granted = 0; faulted = 0; taken = 0;
            for (t = 0; t < 10 && !granted && !faulted; t = t + 1) begin
                #1;
                if (p != P_GPU && gnt[p]) granted = 1;
                if (p == P_GPU && taken && gpu_fault) faulted = 1;
                if (p == P_GPU && taken && ram_gnt[P_GPU] && !gpu_fault) granted = 1;
                if (p == P_GPU && gnt[P_GPU]) taken = 1;
                @(posedge clk); #1;
                if (taken) req[p] = 0;
            end
            req[p] = 0;
        end
    endtask

    reg [31:0] v;
    reg        gr, fl;
    integer    total, mism, w;
    reg [31:0] snap [0:WORDS-1];

    task automatic mem_matches_model(input [8*64-1:0] what);
        begin
            mism = 0;
            for (w = 0; w < WORDS; w = w + 1)
                if (u_ram.mem[w] !== model[w]) mism = mism + 1;
            check(mism == 0, what);
            if (mism) $display("    %0d words differ", mism);
        end
    endtask

    initial begin
        if ($test$plusargs("vcd")) begin $dumpfile("tb_vd_memctl.vcd"); $dumpvars(0, tb_vd_memctl); end
        for (i = 0; i < NP; i = i + 1) begin we[i] = 0; addr[i] = 0; wdata[i] = 0; end
        for (w = 0; w < WORDS; w = w + 1) begin
            model[w] = w * 32'h9E3779B9;
            u_ram.mem[w] = model[w];
        end
        exp_rv = 0;
        stats_clear;
        repeat (3) @(posedge clk);
        #1 rst = 0;

        // ---------------------------------------------------------- reset values
        group_begin("reset values");
        reg_rd(`VD_MEMCTL_CTRL, v);      check_eq(v, 0, "CTRL");
        reg_rd(`VD_MEMCTL_STATUS, v);    check_eq(v, 0, "STATUS");
        reg_rd(`VD_MEMCTL_WIN_STATE, v); check_eq(v, 0, "WIN_STATE");
        reg_rd(`VD_MEMCTL_CNT_CPU_REQ, v); check_eq(v, 0, "CNT_CPU_REQ");
        reg_rd(`VD_MEMCTL_CMD, v);       check_eq(v, 0, "CMD reads 0");
        check(!irq, "irq low");
        group_end;

        // every window slot writable over all of VRAM for the traffic tests: slot 7
        win(7, 0, VRAM_BYTES, 1, 1);

        // ---------------------------------------------------------- random traffic
        group_begin("random traffic, 4 ports, 50% request rate");
        reg_wr(`VD_MEMCTL_CMD, `VD_MEMCTL_CMD_CNT_CLEAR_MASK);
        stats_clear; mon_err = 0;
        @(posedge clk); #1 rnd_on = 4'hF;
        repeat (20000) @(posedge clk);
        #1 rnd_on = 0;
        repeat (12) @(posedge clk);
        check(mon_err == 0, "grant/rdata monitor clean");
        for (i = 0; i < NP; i = i + 1) begin
            check(max_wait[i] <= NP - 1, "bounded wait <= PORTS-1 cycles");
            check(n_gnt[i] > 4000, "every port served");
        end
        reg_rd(`VD_MEMCTL_CNT_CPU_REQ, v);    check_eq(v, n_gnt[P_CPU], "CNT_CPU_REQ");
        reg_rd(`VD_MEMCTL_CNT_CPU_STALL, v);  check_eq(v, n_stall[P_CPU], "CNT_CPU_STALL");
        reg_rd(`VD_MEMCTL_CNT_GPU_REQ, v);    check_eq(v, n_gnt[P_GPU], "CNT_GPU_REQ");
        reg_rd(`VD_MEMCTL_CNT_GPU_STALL, v);  check_eq(v, n_stall[P_GPU], "CNT_GPU_STALL");
        reg_rd(`VD_MEMCTL_CNT_DMA_REQ, v);    check_eq(v, n_gnt[P_DMA], "CNT_DMA_REQ");
        reg_rd(`VD_MEMCTL_CNT_DMA_STALL, v);  check_eq(v, n_stall[P_DMA], "CNT_DMA_STALL");
        reg_rd(`VD_MEMCTL_CNT_SCAN_REQ, v);   check_eq(v, n_gnt[P_SCAN], "CNT_SCAN_REQ");
        reg_rd(`VD_MEMCTL_CNT_SCAN_STALL, v); check_eq(v, n_stall[P_SCAN], "CNT_SCAN_STALL");
        mem_matches_model("VRAM equals the reference after random traffic");
        $display("     grants cpu/gpu/dma/scan %0d/%0d/%0d/%0d, stalls %0d/%0d/%0d/%0d, max wait %0d/%0d/%0d/%0d",
                 n_gnt[0], n_gnt[1], n_gnt[2], n_gnt[3], n_stall[0], n_stall[1], n_stall[2], n_stall[3],
                 max_wait[0], max_wait[1], max_wait[2], max_wait[3]);
        group_end;

        // ---------------------------------------------------------- saturation
        group_begin("saturation: 4 ports every cycle, round-robin shares");
        reg_wr(`VD_MEMCTL_CMD, `VD_MEMCTL_CMD_CNT_CLEAR_MASK);
        stats_clear; mon_err = 0; rate_pct = 100;
        @(posedge clk); #1 rnd_on = 4'hF;
        repeat (4000) @(posedge clk);
        #1 rnd_on = 0;
        repeat (12) @(posedge clk);
        check(mon_err == 0, "grant/rdata monitor clean");
        total = n_gnt[0] + n_gnt[1] + n_gnt[2] + n_gnt[3];
        for (i = 0; i < NP; i = i + 1) begin
            check(max_wait[i] == NP - 1, "wait is exactly PORTS-1 cycles under saturation");
            check(n_gnt[i] * NP >= total - NP && n_gnt[i] * NP <= total + NP, "equal share (+-1)");
        end
        reg_rd(`VD_MEMCTL_CNT_GPU_REQ, v);   check_eq(v, n_gnt[P_GPU], "CNT_GPU_REQ");
        reg_rd(`VD_MEMCTL_CNT_GPU_STALL, v); check_eq(v, n_stall[P_GPU], "CNT_GPU_STALL");
        reg_wr(`VD_MEMCTL_CMD, `VD_MEMCTL_CMD_CNT_CLEAR_MASK);
        reg_rd(`VD_MEMCTL_CNT_GPU_STALL, v); check_eq(v, 0, "CNT_CLEAR zeroes the counters");
        mem_matches_model("VRAM equals the reference");
        $display("     %0d grants in 4000 cycles: %0d/%0d/%0d/%0d", total, n_gnt[0], n_gnt[1], n_gnt[2], n_gnt[3]);
        group_end;

        // ---------------------------------------------------------- pipelining
        group_begin("one port alone: one access per cycle");
        reg_wr(`VD_MEMCTL_CMD, `VD_MEMCTL_CMD_CNT_CLEAR_MASK);
        stats_clear; mon_err = 0;
        @(posedge clk); #1 rnd_on = 4'b0001 << P_DMA;   // 100 % rate: back to back
        repeat (1000) @(posedge clk);
        #1 rnd_on = 0;
        repeat (4) @(posedge clk);
        check(mon_err == 0, "grant/rdata monitor clean");
        check(n_stall[P_DMA] == 0, "never stalled");
        reg_rd(`VD_MEMCTL_CNT_DMA_REQ, v);
        check(v >= 999 && v <= 1001, "about 1000 accesses in 1000 cycles");
        $display("     DMA alone: %0d accesses in 1000 cycles (%0d bytes/cycle peak)", v, 4 * v / 1000);
        mem_matches_model("VRAM equals the reference");
        rate_pct = 50;
        group_end;

        // ---------------------------------------------------------- protection
        group_begin("protection: windows, blocked GPU accesses, fault capture, IRQ");
        reg_wr(`VD_MEMCTL_CMD, `VD_MEMCTL_CMD_WIN_CLEAR_MASK);
        reg_rd(`VD_MEMCTL_WIN_STATE, v); check_eq(v, 0, "WIN_CLEAR invalidates all");
        win(0, 32'h1000, 32'h100, 1, 0);          // read-only
        win(1, 32'h2000, 32'h40, 1, 1);           // writable
        win(2, 32'h3000, 32'h40, 0, 1);           // not valid
        reg_rd(`VD_MEMCTL_WIN_STATE, v); check_eq(v, 32'h0603, "WIN_STATE (slot 2 writable but not valid)");
        reg_rd(`VD_MEMCTL_WIN_BASE, v);  check_eq(v, 32'h3000, "WIN_BASE readback");
        reg_wr(`VD_MEMCTL_WIN_SIZE, 32'hFFFF_FFFF);
        reg_rd(`VD_MEMCTL_WIN_SIZE, v);  check_eq(v, VRAM_BYTES, "WIN_SIZE saturates at VRAM");
        reg_wr(`VD_MEMCTL_WIN_SIZE, 32'h47);
        reg_rd(`VD_MEMCTL_WIN_SIZE, v);  check_eq(v, 32'h40, "WIN_SIZE keeps WIN_GRAN units");
        reg_wr(`VD_MEMCTL_CTRL, `VD_MEMCTL_CTRL_IRQ_EN_MASK);
        mon_err = 0;

        // allowed: write inside the writable window (first and last word)
        port_access(P_GPU, 4'hF, 32'h2000 >> 2, 32'hA5A5_0001, gr, fl);
        check(gr && !fl, "write at window start granted");
        port_access(P_GPU, 4'hF, (32'h2040 >> 2) - 1, 32'hA5A5_0002, gr, fl);
        check(gr && !fl, "write at window end - 4 granted");
        check(!irq, "no irq for allowed accesses");
        // allowed: read inside the read-only window
        port_access(P_GPU, 4'h0, 32'h10FC >> 2, 0, gr, fl);
        check(gr && !fl, "read in read-only window granted");
        // allowed: fetch read anywhere in VRAM
        gpu_fetch = 1;
        port_access(P_GPU, 4'h0, 32'h8000 >> 2, 0, gr, fl);
        check(gr && !fl, "fetch read outside windows granted");
        gpu_fetch = 0;

        // blocked: write just past the writable window
        for (w = 0; w < WORDS; w = w + 1) snap[w] = u_ram.mem[w];
        port_access(P_GPU, 4'hF, 32'h2040 >> 2, 32'hDEAD_BEEF, gr, fl);
        check(!gr && fl, "write past window end blocked");
        check(irq, "irq raised");
        reg_rd(`VD_MEMCTL_STATUS, v);     check_eq(v, `VD_MEMCTL_STATUS_FAULT_MASK, "STATUS.FAULT");
        reg_rd(`VD_MEMCTL_FAULT_ADDR, v); check_eq(v, 32'h2040, "FAULT_ADDR");
        reg_rd(`VD_MEMCTL_FAULT_INFO, v); check_eq(v, `VD_MEMCTL_FAULT_INFO_WRITE_MASK, "FAULT_INFO: write, no window");
        // second fault (write in read-only window) does not overwrite the first
        port_access(P_GPU, 4'hF, 32'h1000 >> 2, 32'hDEAD_BEEF, gr, fl);
        check(!gr && fl, "write in read-only window blocked");
        reg_rd(`VD_MEMCTL_FAULT_ADDR, v); check_eq(v, 32'h2040, "first fault kept");
        reg_wr(`VD_MEMCTL_STATUS, `VD_MEMCTL_STATUS_FAULT_MASK);
        check(!irq, "irq cleared with STATUS.FAULT");
        port_access(P_GPU, 4'hF, 32'h10F0 >> 2, 32'hDEAD_BEEF, gr, fl);
        check(!gr && fl, "write in read-only window blocked");
        reg_rd(`VD_MEMCTL_FAULT_ADDR, v); check_eq(v, 32'h10F0, "FAULT_ADDR");
        reg_rd(`VD_MEMCTL_FAULT_INFO, v);
        check_eq(v, `VD_MEMCTL_FAULT_INFO_WRITE_MASK | `VD_MEMCTL_FAULT_INFO_HIT_MASK, "FAULT_INFO: write, hit slot 0");
        reg_wr(`VD_MEMCTL_STATUS, `VD_MEMCTL_STATUS_FAULT_MASK);
        // slot number reported: read-only window in slot 5
        win(5, 32'h5000, 32'h10, 1, 0);
        port_access(P_GPU, 4'hF, 32'h500C >> 2, 32'hDEAD_BEEF, gr, fl);
        check(!gr && fl, "write in read-only slot 5 blocked");
        reg_rd(`VD_MEMCTL_FAULT_INFO, v);
        check_eq(v, `VD_MEMCTL_FAULT_INFO_WRITE_MASK | `VD_MEMCTL_FAULT_INFO_HIT_MASK
                    | (5 << `VD_MEMCTL_FAULT_INFO_SLOT_LSB), "FAULT_INFO: slot 5");
        reg_wr(`VD_MEMCTL_STATUS, `VD_MEMCTL_STATUS_FAULT_MASK);
        // read outside every window
        port_access(P_GPU, 4'h0, 32'h0FFC >> 2, 0, gr, fl);
        check(!gr && fl, "read below a window blocked");
        reg_rd(`VD_MEMCTL_FAULT_INFO, v); check_eq(v, 0, "FAULT_INFO: read, no window");
        reg_wr(`VD_MEMCTL_STATUS, `VD_MEMCTL_STATUS_FAULT_MASK);
        // invalid slot 2 does not open its range
        port_access(P_GPU, 4'hF, 32'h3000 >> 2, 32'hDEAD_BEEF, gr, fl);
        check(!gr && fl, "write in an invalid slot's range blocked");
        reg_wr(`VD_MEMCTL_STATUS, `VD_MEMCTL_STATUS_FAULT_MASK);
        // beyond VRAM (bit AW)
        port_access(P_GPU, 4'h0, {1'b1, 14'h0800}, 0, gr, fl);
        check(!gr && fl, "read beyond VRAM blocked");
        reg_rd(`VD_MEMCTL_FAULT_INFO, v); check_eq(v, `VD_MEMCTL_FAULT_INFO_OUTSIDE_MASK, "FAULT_INFO: outside");
        reg_rd(`VD_MEMCTL_FAULT_ADDR, v); check_eq(v, VRAM_BYTES + 32'h2000, "FAULT_ADDR beyond VRAM");
        reg_wr(`VD_MEMCTL_STATUS, `VD_MEMCTL_STATUS_FAULT_MASK);
        // a fetch may not write
        gpu_fetch = 1;
        port_access(P_GPU, 4'hF, 32'h2000 >> 2, 32'hDEAD_BEEF, gr, fl);
        check(!gr && fl, "fetch write blocked even in a writable window");
        gpu_fetch = 0;
        reg_rd(`VD_MEMCTL_FAULT_INFO, v);
        check_eq(v, `VD_MEMCTL_FAULT_INFO_WRITE_MASK | `VD_MEMCTL_FAULT_INFO_FETCH_MASK, "FAULT_INFO: fetch write");
        reg_wr(`VD_MEMCTL_STATUS, `VD_MEMCTL_STATUS_FAULT_MASK);
        // window re-load: slot 1 made read-only, then WIN_CLEAR
        win(1, 32'h2000, 32'h40, 1, 0);
        port_access(P_GPU, 4'hF, 32'h2000 >> 2, 32'hDEAD_BEEF, gr, fl);
        check(!gr && fl, "write blocked after the slot became read-only");
        reg_wr(`VD_MEMCTL_CMD, `VD_MEMCTL_CMD_WIN_CLEAR_MASK);
        port_access(P_GPU, 4'h0, 32'h1000 >> 2, 0, gr, fl);
        check(!gr && fl, "read blocked after WIN_CLEAR");
        // other ports are never checked
        port_access(P_CPU, 4'hF, 32'h3000 >> 2, 32'h1234_5678, gr, fl);
        check(gr, "CPU write outside windows granted");
        // memory: only the allowed writes landed
        mism = 0;
        for (w = 0; w < WORDS; w = w + 1)
            if (w != (32'h3000 >> 2) && u_ram.mem[w] !== snap[w]) mism = mism + 1;
        check(mism == 0, "no blocked write reached VRAM");
        check_eq(u_ram.mem[32'h2000 >> 2], 32'hA5A5_0001, "allowed write landed");
        check(mon_err == 0, "grant/rdata monitor clean");
        reg_wr(`VD_MEMCTL_STATUS, `VD_MEMCTL_STATUS_FAULT_MASK);
        reg_wr(`VD_MEMCTL_CTRL, 0);
        group_end;

        $display("%0d passed, %0d failed", n_pass, n_fail);
        if (n_fail != 0) $fatal(1, "tb_vd_memctl failed");
        $finish;
    end

    initial begin
        #50_000_000;
        $display("timeout");
        $display("%0d passed, %0d failed", n_pass, n_fail + 1);
        $fatal(1, "tb_vd_memctl timeout");
    end
endmodule

`default_nettype wire
