`timescale 1ns/1ps
`default_nettype none
// tb_vd_pcie_ep: self-checking Icarus testbench for rtl/pcie/vd_pcie_ep.v with PCIE_BUF
// (vd_pcie_buf) and VRAM behind vd_memctl, as in the SoC, and a behavioural root complex
// written from docs/pcie.md:
//  - rx: a queue of beats (test TLPs and the completer's CplDs), valid with random gaps
//    when rx_gap_pct > 0, every beat held until taken;
//  - tx: ready with random back-pressure (tx_bp_pct); every TLP is parsed and checked
//    (first/last/be against its Length, a beat held while not taken), MWr land in host
//    memory (checked: <= MPS, not across 4 KiB, inside the window), MRd are checked the
//    same way (<= MRRS, tag not in use) and answered by the completer after cpl_lat cycles,
//    split at cpl_split bytes (RCB-aligned), from a random ready request when cpl_ooo
//    (completions of different tags interleave), with faults on demand (no answer, UR,
//    wrong byte count);
//  - MSIs are MWr to MSI_ADDR: their position among the tx TLPs is recorded.
// Groups: registers through both masters; every TLP type on rx (BAR0 reads/writes, the UR
// and drop paths, stray completions, malformed); DMA both ways with splits and 4 KiB
// crossings, under back-pressure; the error endings; MSI ordering; throughput figures.
// Ends with "N passed, M failed". +vcd dumps waves.

`include "vd_regs.vh"

module tb_vd_pcie_ep;
    localparam integer VRAM_BYTES = 65536;
    localparam integer AW = 14;
    localparam integer BW = 11;
    localparam [31:0] HBASE = 32'h4000_0000;       // host memory: bus addresses
    localparam integer HWORDS = 65536;               // 256 KiB
    localparam [31:0] BAR0 = 32'hF000_0000;
    localparam [15:0] RID = 16'h0100;                // the endpoint's ID (bus 1)
    localparam [15:0] HOST_ID = 16'h0000;            // the root port
    localparam [31:0] MSI_ADDR = 32'hFEE0_0000;
    localparam [15:0] MSI_DATA = 16'h4021;
    localparam [31:0] VRAM = `VD_VRAM_BASE;
    localparam [31:0] PBUF = `VD_PCIE_BUF_BASE;

    reg clk = 1'b0;
    always #5 clk = ~clk;
    reg rst = 1'b1;
    integer cyc = 0;
    always @(posedge clk) cyc <= cyc + 1;

    `include "tb_checks.vh"

    // ------------------------------------------------------------ DUT and memories
    reg         rreq = 0, rwe = 0;
    reg  [11:0] raddr = 0;
    reg  [31:0] rwdata = 0;
    wire        rack, irq;
    wire [31:0] rrdata;

    wire        rx_valid, rx_ready, rx_first, rx_last;
    wire [63:0] rx_dat;
    wire [7:0]  rx_be;
    wire        tx_valid, tx_first, tx_last;
    reg         tx_ready = 1'b1;
    wire [63:0] tx_dat;
    wire [7:0]  tx_be;
    reg         bus_master = 1'b1, msi_en = 1'b1;
    reg  [2:0]  mps = 3'd1, mrrs = 3'd2;             // 256 B, 512 B

    wire        pb_en, pb_we;
    wire [BW-1:0] pb_addr;
    wire [31:0] pb_wdata, pb_rdata, pa_rdata;
    wire        d_req, d_gnt, d_rv;
    wire [3:0]  d_we;
    wire [AW-1:0] d_addr;
    wire [31:0] d_wdata, prdata;
    wire        ram_en;
    wire [3:0]  ram_we;
    wire [AW-1:0] ram_addr;
    wire [31:0] ram_wdata, ram_rdata;
    reg         c_req = 1'b0;                         // CPU-port load on VRAM (contention)
    reg  [AW-1:0] c_addr = 0;
    wire        c_gnt, c_rv, g_gnt, g_rv, g_fault, s_gnt, s_rv, m_ack, m_irq;
    wire [31:0] m_rdata;
    // The GPU's side: its transfer requests (driven by gpu_xfer below); their VRAM side is
    // the host-DMA port, checked by the memory controller's windows (DMA_CHECK).
    reg         gx_req = 1'b0, gx_to_host = 1'b0, gx_fill = 1'b0;
    reg  [31:0] gx_pattern = 0, gx_host = 0, gx_vram = 0, gx_len = 0;
    wire        gx_done, gx_err, gx_prog, gx_busy, g_pend, d_chk, d_fault;
    reg         mreq = 1'b0;                          // memory controller registers (windows)
    reg  [11:0] maddr = 0;
    reg  [31:0] mwdata = 0;

    vd_pcie_ep #(.VRAM_BYTES(VRAM_BYTES), .FEATURES(32'h3F)) u_ep (
        .clk_i(clk), .rst_i(rst),
        .req_i(rreq), .we_i(rwe), .addr_i(raddr), .wdata_i(rwdata), .ack_o(rack),
        .rdata_o(rrdata), .irq_o(irq),
        .rx_valid_i(rx_valid), .rx_ready_o(rx_ready), .rx_first_i(rx_first),
        .rx_last_i(rx_last), .rx_dat_i(rx_dat), .rx_be_i(rx_be),
        .tx_valid_o(tx_valid), .tx_ready_i(tx_ready), .tx_first_o(tx_first),
        .tx_last_o(tx_last), .tx_dat_o(tx_dat), .tx_be_o(tx_be),
        .cfg_bar0_i(BAR0), .cfg_bus_master_i(bus_master), .cfg_mps_i(mps), .cfg_mrrs_i(mrrs),
        .cfg_req_id_i(RID), .cfg_msi_en_i(msi_en), .cfg_msi_addr_i(MSI_ADDR),
        .cfg_msi_data_i(MSI_DATA),
        .buf_en_o(pb_en), .buf_we_o(pb_we), .buf_addr_o(pb_addr), .buf_wdata_o(pb_wdata),
        .buf_rdata_i(pb_rdata),
        .dma_req_o(d_req), .dma_we_o(d_we), .dma_addr_o(d_addr), .dma_wdata_o(d_wdata),
        .dma_gnt_i(d_gnt), .dma_rvalid_i(d_rv), .dma_rdata_i(prdata),
        .g_req_i(gx_req), .g_to_host_i(gx_to_host), .g_fill_i(gx_fill), .g_pattern_i(gx_pattern),
        .g_host_i(gx_host), .g_vram_i(gx_vram), .g_len_i(gx_len),
        .g_done_o(gx_done), .g_err_o(gx_err), .g_prog_o(gx_prog), .g_busy_o(gx_busy),
        .dma_chk_o(d_chk), .dma_fault_i(d_fault)
    );

    vd_pcie_buf #(.WORDS(2048)) u_buf (
        .clk_i(clk), .a_en_i(1'b0), .a_we_i(4'b0), .a_addr_i({BW{1'b0}}), .a_wdata_i(32'b0),
        .a_rdata_o(pa_rdata), .b_en_i(pb_en), .b_we_i(pb_we), .b_addr_i(pb_addr),
        .b_wdata_i(pb_wdata), .b_rdata_o(pb_rdata)
    );

    vd_memctl #(.VRAM_BYTES(VRAM_BYTES), .DMA_CHECK(1)) u_memctl (
        .clk_i(clk), .rst_i(rst),
        .req_i(mreq), .we_i(1'b1), .addr_i(maddr), .wdata_i(mwdata), .ack_o(m_ack),
        .rdata_o(m_rdata), .irq_o(m_irq),
        .cpu_req_i(c_req), .cpu_we_i(4'b0), .cpu_addr_i(c_addr), .cpu_wdata_i(32'b0),
        .cpu_gnt_o(c_gnt), .cpu_rvalid_o(c_rv),
        .gpu_req_i(1'b0), .gpu_we_i(1'b0), .gpu_fetch_i(1'b0), .gpu_addr_i({(AW+1){1'b0}}),
        .gpu_wdata_i(32'b0), .gpu_gnt_o(g_gnt), .gpu_rvalid_o(g_rv), .gpu_fault_o(g_fault),
        .gpu_pend_o(g_pend),
        .dma_req_i(d_req), .dma_chk_i(d_chk), .dma_we_i(d_we), .dma_addr_i(d_addr), .dma_wdata_i(d_wdata),
        .dma_gnt_o(d_gnt), .dma_rvalid_o(d_rv), .dma_fault_o(d_fault),
        .scan_req_i(1'b0), .scan_addr_i({AW{1'b0}}), .scan_gnt_o(s_gnt), .scan_rvalid_o(s_rv),
        .port_rdata_o(prdata),
        .ram_en_o(ram_en), .ram_we_o(ram_we), .ram_addr_o(ram_addr), .ram_wdata_o(ram_wdata),
        .ram_rdata_i(ram_rdata)
    );

    vd_spram32 #(.WORDS(VRAM_BYTES / 4)) u_vram (
        .clk_i(clk), .en_i(ram_en), .we_i(ram_we), .addr_i(ram_addr), .wdata_i(ram_wdata),
        .rdata_o(ram_rdata)
    );

    reg hog = 1'b0;                       // CPU port reads every cycle while set
    always @(posedge clk) begin
        c_req <= hog;
        if (c_gnt) c_addr <= c_addr + 1'b1;
    end

    reg [31:0] hmem [0:HWORDS-1];         // host memory

    // ------------------------------------------------------------ random
    integer seed = 32'h1234_5678;
    function integer rnd(input integer n);   // 0..n-1
        begin
            rnd = $unsigned($random(seed)) % n;
        end
    endfunction

    // ------------------------------------------------------------ rx queue (host -> endpoint)
    localparam integer RQN = 16384;
    reg [63:0] rq_dat [0:RQN-1];
    reg [7:0]  rq_be  [0:RQN-1];
    reg        rq_first [0:RQN-1];
    reg        rq_last  [0:RQN-1];
    integer    rq_head = 0, rq_tail = 0;
    integer    rx_gap_pct = 0;
    reg        rx_gap = 1'b0;
    wire       rq_any = rq_head != rq_tail;
    assign rx_valid = rq_any && !rx_gap;
    assign rx_dat   = rq_any ? rq_dat[rq_head] : 64'b0;
    assign rx_be    = rq_any ? rq_be[rq_head] : 8'b0;
    assign rx_first = rq_any && rq_first[rq_head];
    assign rx_last  = rq_any && rq_last[rq_head];
    always @(posedge clk) begin
        if (rx_valid && rx_ready) rq_head <= (rq_head + 1) % RQN;
        // a beat on offer stays on offer until taken
        if (!(rx_valid && !rx_ready)) rx_gap <= rnd(100) < rx_gap_pct;
    end
    function integer rq_level(input integer dummy);
        rq_level = (rq_tail - rq_head + RQN) % RQN;
    endfunction

    // A TLP in tlp_dw[0 .. n-1] onto the rx queue, two DWs a beat.
    reg [31:0] tlp_dw [0:1100];
    task automatic push_tlp(input integer n);
        integer k;
        begin
            for (k = 0; k < n; k = k + 2) begin
                rq_dat[rq_tail]   = {(k + 1 < n) ? tlp_dw[k + 1] : 32'b0, tlp_dw[k]};
                rq_be[rq_tail]    = (k + 1 < n) ? 8'hFF : 8'h0F;
                rq_first[rq_tail] = k == 0;
                rq_last[rq_tail]  = k + 2 >= n;
                rq_tail = (rq_tail + 1) % RQN;
            end
        end
    endtask

    // ------------------------------------------------------------ the completer
    localparam integer PN = 64;
    reg        p_valid [0:PN-1];
    reg [31:0] p_addr  [0:PN-1];
    integer    p_rem   [0:PN-1];
    reg [7:0]  p_tag   [0:PN-1];
    integer    p_time  [0:PN-1];
    reg [2:0]  p_mode  [0:PN-1];          // 0 ok, 1 never answered, 2 UR, 3 bad byte count, 4 held
    integer    cpl_lat = 16, cpl_split = 64, cpl_ooo = 1;
    reg [2:0]  next_mode = 3'd0;          // applied to the next MRd seen
    integer    n_mrd = 0, n_cpl_sent = 0, max_out = 0;
    reg [31:0] cw [0:1100];

    function integer p_count(input integer dummy);
        integer q;
        begin
            p_count = 0;
            for (q = 0; q < PN; q = q + 1) if (p_valid[q] && p_mode[q] != 3'd1) p_count = p_count + 1;
        end
    endfunction

    // One completion TLP a cycle at most, while the rx queue is short.
    always @(posedge clk) begin : completer
        integer q, pick, nready, sz, k, wi;
        reg [31:0] sz32, rem32;
        pick = -1; nready = 0;
        if (!rst && rq_level(0) < 6) begin
            for (q = 0; q < PN; q = q + 1)
                if (p_valid[q] && (p_mode[q] == 3'd0 || p_mode[q] == 3'd2 || p_mode[q] == 3'd3)
                    && cyc >= p_time[q]) begin
                    nready = nready + 1;
                    if (pick < 0 || (cpl_ooo != 0 && rnd(nready) == 0)) pick = q;
                end
        end
        if (pick >= 0) begin
            q = pick;
            if (p_mode[q] == 3'd2) begin          // UR: a Cpl without data
                tlp_dw[0] = {3'b000, 5'b01010, 14'b0, 10'd0};
                tlp_dw[1] = {HOST_ID, 3'b001, 1'b0, 12'd4};
                tlp_dw[2] = {RID, p_tag[q], 1'b0, p_addr[q][6:0]};
                push_tlp(3);
                p_valid[q] = 1'b0;
            end else begin
                sz = p_rem[q];
                if (cpl_split > 0 && sz > cpl_split - (p_addr[q] % cpl_split))
                    sz = cpl_split - (p_addr[q] % cpl_split);
                sz32 = sz; rem32 = p_rem[q];
                if (p_mode[q] == 3'd3) rem32 = rem32 + 4;
                tlp_dw[0] = {3'b010, 5'b01010, 14'b0, sz32[11:2]};
                tlp_dw[1] = {HOST_ID, 3'b000, 1'b0, rem32[11:0]};
                tlp_dw[2] = {RID, p_tag[q], 1'b0, p_addr[q][6:0]};
                wi = (p_addr[q] - HBASE) / 4;
                for (k = 0; k < sz / 4; k = k + 1) tlp_dw[3 + k] = hmem[wi + k];
                push_tlp(3 + sz / 4);
                p_addr[q] = p_addr[q] + sz;
                p_rem[q]  = p_rem[q] - sz;
                if (p_rem[q] == 0 || p_mode[q] == 3'd3) p_valid[q] = 1'b0;
            end
            n_cpl_sent = n_cpl_sent + 1;
        end
    end

    // ------------------------------------------------------------ tx monitor
    integer tx_bp_pct = 0;
    always @(posedge clk) tx_ready <= rnd(100) >= tx_bp_pct;

    reg [31:0] tw [0:1100];               // the TLP being received
    integer    tn = 0, tbeats = 0, tx_errs = 0, tx_seq = 0;
    reg        tx_hold = 1'b0;
    reg [63:0] tx_hold_dat;
    reg [7:0]  tx_hold_be;
    // what the monitor saw
    integer    n_cpl = 0, n_dwr = 0, n_msi = 0, last_dwr_seq = -1, msi_seq = -1, dwr_bytes = 0;
    integer    n_win_viol = 0, n_mps_viol = 0, n_4k_viol = 0, n_tag_viol = 0, n_mrrs_viol = 0;
    reg [31:0] cpl_dw0, cpl_dw1, cpl_dw2, cpl_data, msi_data_seen;
    integer    win_lo_b = 0, win_sz_b = 0;    // the window the test programmed (byte offsets from HBASE)

    function integer mps_bytes(input [2:0] e);
        mps_bytes = 128 << (e > 3'd5 ? 5 : e);
    endfunction

    task automatic tx_tlp;
        integer len, nd, q, a_off, ex_beats, free;
        reg [31:0] a;
        begin
            len = tw[0][9:0] == 10'd0 ? 1024 : tw[0][9:0];
            nd  = tw[0][30] ? len : 0;            // Fmt[1]: with data
            ex_beats = (3 + nd + 1) / 2;
            if (tbeats != ex_beats || tn != 3 + nd) begin
                tx_errs = tx_errs + 1;
                $display("    tx: TLP of %0d beats/%0d DWs, header %08h says %0d data DWs (cycle %0d)",
                         tbeats, tn, tw[0], nd, cyc);
            end
            a = tw[2];
            case (tw[0][31:24])
                8'h4A, 8'h0A: begin                 // CplD, Cpl
                    n_cpl = n_cpl + 1;
                    cpl_dw0 = tw[0]; cpl_dw1 = tw[1]; cpl_dw2 = tw[2];
                    cpl_data = nd != 0 ? tw[3] : 32'hDEAD_BEEF;
                end
                8'h40: begin                         // MWr32
                    if (a == MSI_ADDR) begin
                        n_msi = n_msi + 1; msi_seq = tx_seq; msi_data_seen = tw[3];
                        if (len != 1 || tw[1][31:16] != RID || tw[1][7:0] != 8'h0F) tx_errs = tx_errs + 1;
                    end else begin
                        n_dwr = n_dwr + 1; last_dwr_seq = tx_seq; dwr_bytes = dwr_bytes + 4 * len;
                        a_off = a - HBASE;
                        if (a < HBASE || a_off < win_lo_b || a_off + 4 * len > win_lo_b + win_sz_b)
                            n_win_viol = n_win_viol + 1;
                        else
                            for (q = 0; q < len; q = q + 1) hmem[a_off / 4 + q] = tw[3 + q];
                        if (4 * len > mps_bytes(mps)) n_mps_viol = n_mps_viol + 1;
                        if ((a % 4096) + 4 * len > 4096) n_4k_viol = n_4k_viol + 1;
                        if (tw[1][3:0] != 4'hF || tw[1][7:4] != (len == 1 ? 4'h0 : 4'hF)
                            || tw[1][31:16] != RID) tx_errs = tx_errs + 1;
                    end
                end
                8'h00: begin                         // MRd32
                    n_mrd = n_mrd + 1;
                    a_off = a - HBASE;
                    if (a < HBASE || a_off < win_lo_b || a_off + 4 * len > win_lo_b + win_sz_b)
                        n_win_viol = n_win_viol + 1;
                    if (4 * len > mps_bytes(mrrs)) n_mrrs_viol = n_mrrs_viol + 1;
                    if ((a % 4096) + 4 * len > 4096) n_4k_viol = n_4k_viol + 1;
                    if (tw[1][31:16] != RID || tw[1][15:13] != 3'b0) tx_errs = tx_errs + 1;
                    free = -1;
                    for (q = 0; q < PN; q = q + 1) begin
                        if (p_valid[q] && p_tag[q] == tw[1][15:8]) n_tag_viol = n_tag_viol + 1;
                        if (!p_valid[q] && free < 0) free = q;
                    end
                    if (p_count(0) + 1 > max_out) max_out = p_count(0) + 1;
                    p_valid[free] = 1'b1; p_addr[free] = a; p_rem[free] = 4 * len;
                    p_tag[free] = tw[1][15:8]; p_time[free] = cyc + cpl_lat; p_mode[free] = next_mode;
                    next_mode = 3'd0;
                end
                default: begin
                    tx_errs = tx_errs + 1;
                    $display("    tx: unexpected TLP %08h (cycle %0d)", tw[0], cyc);
                end
            endcase
            tx_seq = tx_seq + 1;
        end
    endtask

    always @(posedge clk) begin : tx_mon
        if (!rst) begin
            if (tx_hold && (!tx_valid || tx_dat !== tx_hold_dat || tx_be !== tx_hold_be)) begin
                tx_errs = tx_errs + 1;
                $display("    tx: a beat on offer changed before it was taken (cycle %0d)", cyc);
            end
            tx_hold = tx_valid && !tx_ready;
            tx_hold_dat = tx_dat; tx_hold_be = tx_be;
            if (tx_valid && tx_ready) begin
                if (tx_first != (tn == 0)) begin
                    tx_errs = tx_errs + 1;
                    $display("    tx: first flag wrong (cycle %0d)", cyc);
                    tn = 0; tbeats = 0;
                end
                tw[tn] = tx_dat[31:0];
                if (tx_be == 8'hFF) tw[tn + 1] = tx_dat[63:32];
                else if (tx_be != 8'h0F || !tx_last) begin
                    tx_errs = tx_errs + 1;
                    $display("    tx: be %02h (cycle %0d)", tx_be, cyc);
                end
                tn = tn + (tx_be == 8'hFF ? 2 : 1);
                tbeats = tbeats + 1;
                if (tx_last) begin
                    tx_tlp;
                    tn = 0; tbeats = 0;
                end
            end
        end
    end

    // ------------------------------------------------------------ CPU register bus
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
        end
    endtask

    // ------------------------------------------------------------ host requests
    reg [7:0] htag = 8'h40;
    task automatic wait_rx_idle;
        integer t;
        begin
            t = 0;
            while ((rq_level(0) != 0 || u_ep.rb_q != 2'd0) && t < 10000) begin
                @(posedge clk); t = t + 1;
            end
            repeat (4) @(posedge clk);
            #1;
        end
    endtask
    // Wait for the next completion on tx (or time out); ok = 1 when one came.
    task automatic wait_cpl(input integer n0, output integer ok);
        integer t;
        begin
            t = 0;
            while (n_cpl == n0 && t < 2000) begin @(posedge clk); t = t + 1; end
            #1 ok = n_cpl != n0;
        end
    endtask
    // A raw request of 3 header DWs (+ data DWs already in tlp_dw[3..]), its completion.
    task automatic host_raw(input integer ndw, output integer ok);
        integer n0;
        begin
            n0 = n_cpl;
            push_tlp(ndw);
            wait_cpl(n0, ok);
        end
    endtask
    task automatic host_rd(input [31:0] a, output [31:0] d, output integer ok);
        begin
            htag = htag + 1;
            tlp_dw[0] = {3'b000, 5'b00000, 14'b0, 10'd1};
            tlp_dw[1] = {HOST_ID, htag, 4'h0, 4'hF};
            tlp_dw[2] = a;
            host_raw(3, ok);
            d = cpl_data;
            if (ok) ok = cpl_dw0 == {8'h4A, 14'b0, 10'd1} && cpl_dw1 == {RID, 3'b000, 1'b0, 12'd4}
                         && cpl_dw2 == {HOST_ID, htag, 1'b0, a[6:0]};
        end
    endtask
    task automatic host_wr(input [31:0] a, input [31:0] d);
        begin
            tlp_dw[0] = {3'b010, 5'b00000, 14'b0, 10'd1};
            tlp_dw[1] = {HOST_ID, 8'h00, 4'h0, 4'hF};
            tlp_dw[2] = a;
            tlp_dw[3] = d;
            push_tlp(4);
            wait_rx_idle;
        end
    endtask
    // Expect a UR completion to the request in tlp_dw (its tag htag).
    task automatic expect_ur(input integer ndw, input [8*48-1:0] what);
        integer ok;
        begin
            host_raw(ndw, ok);
            check(ok, what);
            check(cpl_dw0[31:24] == 8'h0A && cpl_dw0[9:0] == 10'd0 && cpl_dw1[15:13] == 3'b001
                  && cpl_dw1[31:16] == RID && cpl_dw2[31:16] == HOST_ID && cpl_dw2[15:8] == htag,
                  what);
        end
    endtask

    // ------------------------------------------------------------ DMA
    reg [31:0] v;
    integer ok, i, w, mism, t0, n0, n1;
    real    bpc;

    task automatic dma(input [31:0] host, input [31:0] lcl, input [31:0] len, input to_host,
                       output [2:0] err, output integer cycles);
        integer t;
        begin
            reg_wr(`VD_PCIE_DMA_HOST, host);
            reg_wr(`VD_PCIE_DMA_LOCAL, lcl);
            reg_wr(`VD_PCIE_DMA_LEN, len);
            reg_wr(`VD_PCIE_DMA_CTRL, to_host ? 32'h3 : 32'h1);
            t = 0;
            reg_rd(`VD_PCIE_DMA_STATUS, v);
            while (v[0] && t < 200000) begin
                repeat (8) @(posedge clk);
                reg_rd(`VD_PCIE_DMA_STATUS, v);
                t = t + 1;
            end
            err = v[3:1];
            reg_rd(`VD_PCIE_DMA_CYCLES, v);
            cycles = v;
        end
    endtask

    // Local memory backdoors (word index inside the region).
    task automatic loc_set(input [31:0] lcl, input integer words, input [31:0] salt);
        integer k;
        begin
            for (k = 0; k < words; k = k + 1)
                if (lcl >= PBUF) u_buf.mem[(lcl - PBUF) / 4 + k] = salt ^ (k * 32'h9E37_79B9);
                else u_vram.mem[(lcl - VRAM) / 4 + k] = salt ^ (k * 32'h9E37_79B9);
        end
    endtask
    function [31:0] loc_get(input [31:0] lcl, input integer k);
        loc_get = lcl >= PBUF ? u_buf.mem[(lcl - PBUF) / 4 + k] : u_vram.mem[(lcl - VRAM) / 4 + k];
    endfunction
    task automatic host_set(input [31:0] host, input integer words, input [31:0] salt);
        integer k;
        begin
            for (k = 0; k < words; k = k + 1) hmem[(host - HBASE) / 4 + k] = salt ^ (k * 32'h85EB_CA6B);
        end
    endtask

    // Copy and compare: to the host (lcl -> host memory) or from it.
    reg [2:0] derr;
    integer   dcyc;
    integer   guard = 1;                  // check 16 words each side of the destination
    task automatic xfer(input [31:0] host, input [31:0] lcl, input integer len, input to_host,
                        input [31:0] salt, input [8*40-1:0] what);
        integer k;
        begin
            if (to_host) begin
                loc_set(lcl, len / 4, salt);
                host_set(host - 64, len / 4 + 32, 32'h0BAD_0000);   // guard words around it
            end else begin
                host_set(host, len / 4, salt);
                if (guard) loc_set(lcl - 64, len / 4 + 32, 32'h0BAD_0000);
            end
            dma(host, lcl, len, to_host, derr, dcyc);
            check_eq(derr, 0, what);
            mism = 0;
            for (k = 0; k < len / 4; k = k + 1)
                if (loc_get(lcl, k) !== hmem[(host - HBASE) / 4 + k]) begin
                    if (mism < 4) $display("    %0s: word %0d: local %08h, host %08h", what, k,
                                           loc_get(lcl, k), hmem[(host - HBASE) / 4 + k]);
                    mism = mism + 1;
                end
            // the words just outside are untouched
            for (k = 1; k <= 16 && guard; k = k + 1) begin
                if (to_host && (hmem[(host - HBASE) / 4 - k] !== (32'h0BAD_0000 ^ ((16 - k) * 32'h85EB_CA6B))
                    || hmem[(host - HBASE) / 4 + len / 4 - 1 + k] !== (32'h0BAD_0000 ^ ((len / 4 + 15 + k) * 32'h85EB_CA6B))))
                    mism = mism + 1;
                if (!to_host && (loc_get(lcl, -k) !== (32'h0BAD_0000 ^ ((16 - k) * 32'h9E37_79B9))
                    || loc_get(lcl, len / 4 - 1 + k) !== (32'h0BAD_0000 ^ ((len / 4 + 15 + k) * 32'h9E37_79B9))))
                    mism = mism + 1;
            end
            check_eq(mism, 0, what);
        end
    endtask

    // ------------------------------------------------------------ the GPU's transfers
    task automatic mc_wr(input [11:0] a, input [31:0] d);
        begin
            @(posedge clk); #1 mreq = 1'b1; maddr = a; mwdata = d;
            @(posedge clk); #1 mreq = 1'b0;
        end
    endtask
    // a memory-controller window over VRAM bytes [base, base + size) (slot 0, writable)
    task automatic mc_window(input [31:0] base, input [31:0] size);
        begin
            mc_wr(`VD_MEMCTL_WIN_BASE, base);
            mc_wr(`VD_MEMCTL_WIN_SIZE, size);
            mc_wr(`VD_MEMCTL_WIN_CTRL, `VD_MEMCTL_WIN_CTRL_VALID_MASK | `VD_MEMCTL_WIN_CTRL_WRITE_MASK);
        end
    endtask
    task automatic gpu_win(input integer slot, input [31:0] base, input [31:0] size, input wr);
        begin
            reg_wr(`VD_PCIE_GPU_WIN_BASE, base);
            reg_wr(`VD_PCIE_GPU_WIN_SIZE, size);
            reg_wr(`VD_PCIE_GPU_WIN_CTRL, slot | `VD_PCIE_GPU_WIN_CTRL_VALID_MASK
                                          | (wr ? `VD_PCIE_GPU_WIN_CTRL_WRITE_MASK : 0));
        end
    endtask
    // as vd_gpu does: hold the request until done, drop it the cycle after
    integer gcyc;
    task automatic gpu_xfer(input to_host, input fill, input [31:0] pattern, input [31:0] host_off,
                            input [31:0] vram_off, input [31:0] len, output [2:0] err);
        integer t;
        reg e;
        begin
            @(posedge clk); #1
            gx_req = 1'b1; gx_to_host = to_host; gx_fill = fill; gx_pattern = pattern;
            gx_host = host_off; gx_vram = vram_off; gx_len = len;
            t = 0; e = 1'b0;
            @(posedge clk);
            while (!gx_done && t < 400000) begin @(posedge clk); t = t + 1; end
            e = gx_err;
            gcyc = t + 1;
            #1 gx_req = 1'b0;
            reg_rd(`VD_PCIE_GPU_XFER_STATUS, v);
            err = v[3:1];
            if (t >= 400000) err = 3'd7;
            check_eq(e, err != 3'd0, "g_err_o agrees with GPU_XFER_STATUS");
        end
    endtask

    task automatic perf(input integer len, input to_host, input real min_bpc);
        begin
            xfer(HBASE + 32'h1_0000, VRAM, len, to_host, 32'h7000_0000 + len, "throughput transfer");
            bpc = len * 1.0 / dcyc;
            $display("     DMA %0s %0d bytes (VRAM, MPS %0d, MRRS %0d, completion latency %0d): %0d cycles, %0.3f bytes/cycle",
                     to_host ? "to host  " : "from host", len, mps_bytes(mps), mps_bytes(mrrs), cpl_lat, dcyc, bpc);
            if (min_bpc > 0.0) check(bpc >= min_bpc, "throughput target");
        end
    endtask

    initial begin
        if ($test$plusargs("vcd")) begin $dumpfile("tb_vd_pcie_ep.vcd"); $dumpvars(0, tb_vd_pcie_ep); end
        for (i = 0; i < PN; i = i + 1) p_valid[i] = 1'b0;
        for (i = 0; i < HWORDS; i = i + 1) hmem[i] = 32'h0;
        repeat (3) @(posedge clk);
        #1 rst = 0;

        // ---------------------------------------------------------- registers
        group_begin("registers: reset values, CPU and host (BAR0) views");
        reg_rd(`VD_PCIE_ID, v);         check_eq(v, `VD_SOC_ID, "CPU ID");
        reg_rd(`VD_PCIE_FEATURES, v);   check_eq(v, 32'h3F, "CPU FEATURES");
        reg_rd(`VD_PCIE_CPL_TIMEOUT, v); check_eq(v, `VD_PCIE_CPL_TIMEOUT_RESET, "CPL_TIMEOUT reset");
        reg_rd(`VD_PCIE_LINK, v);
        check_eq(v, {RID, 5'b0, 3'd2, 1'b0, 3'd1, 2'b0, 1'b1, 1'b1}, "LINK");
        host_rd(BAR0 + `VD_PCIE_ID, v, ok);       check(ok, "CplD for ID"); check_eq(v, `VD_SOC_ID, "host ID");
        host_rd(BAR0 + `VD_PCIE_VERSION, v, ok);  check(ok, "CplD for VERSION"); check_eq(v, `VD_SOC_VERSION, "host VERSION");
        host_rd(BAR0 + `VD_PCIE_FEATURES, v, ok); check(ok, "CplD"); check_eq(v, 32'h3F, "host FEATURES");
        host_wr(BAR0 + `VD_PCIE_SCRATCH, 32'hA5A5_1234);
        reg_rd(`VD_PCIE_SCRATCH, v); check_eq(v, 32'hA5A5_1234, "host SCRATCH -> CPU");
        reg_wr(`VD_PCIE_SCRATCH, 32'h0BB0_0CC0);
        host_rd(BAR0 + `VD_PCIE_SCRATCH, v, ok); check(ok, "CplD"); check_eq(v, 32'h0BB0_0CC0, "CPU SCRATCH -> host");
        reg_wr(`VD_PCIE_STATUS, 32'h5);
        host_rd(BAR0 + `VD_PCIE_STATUS, v, ok); check_eq(v, 32'h5, "CPU STATUS -> host");
        host_wr(BAR0 + `VD_PCIE_STATUS, 32'h0);             // host ro: ignored
        reg_rd(`VD_PCIE_STATUS, v); check_eq(v, 32'h5, "host write to STATUS ignored");
        reg_wr(`VD_PCIE_SQ_BASE, 32'h1111_1110);            // CPU ro: ignored
        host_wr(BAR0 + `VD_PCIE_SQ_BASE, 32'h4000_1000);
        host_wr(BAR0 + `VD_PCIE_SQ_SIZE, 32'h0000_1000);
        reg_rd(`VD_PCIE_SQ_BASE, v); check_eq(v, 32'h4000_1000, "SQ_BASE (host rw, CPU ro)");
        reg_rd(`VD_PCIE_SQ_SIZE, v); check_eq(v, 32'h0000_1000, "SQ_SIZE");
        reg_wr(`VD_PCIE_SQ_HEAD, 32'h40);
        host_rd(BAR0 + `VD_PCIE_SQ_HEAD, v, ok); check_eq(v, 32'h40, "SQ_HEAD (CPU -> host)");
        // above BAR0_REGS: reads 0, writes dropped (the CPU's WIN_BASE is at 0x110)
        reg_wr(`VD_PCIE_WIN_BASE, 32'h1234_5000);
        host_wr(BAR0 + `VD_PCIE_WIN_BASE, 32'hFFFF_F000);
        host_rd(BAR0 + `VD_PCIE_WIN_BASE, v, ok); check(ok, "CplD above BAR0_REGS"); check_eq(v, 0, "BAR0 0x110 reads 0");
        host_rd(BAR0 + 32'hFFC, v, ok); check(ok, "CplD at BAR0 end"); check_eq(v, 0, "BAR0 0xFFC reads 0");
        reg_rd(`VD_PCIE_WIN_BASE, v); check_eq(v, 32'h1234_5000, "host write above BAR0_REGS dropped");
        reg_rd(`VD_PCIE_UR_COUNT, v); check_eq(v, 0, "no UR so far");
        reg_rd(`VD_PCIE_DROP_COUNT, v); check_eq(v, 0, "no drop so far");
        group_end;

        group_begin("doorbells: IRQ_STATUS, IRQ_EN, the level line, W1C");
        check(!irq, "line low");
        host_wr(BAR0 + `VD_PCIE_SQ_TAIL, 32'h20);
        reg_rd(`VD_PCIE_IRQ_STATUS, v); check_eq(v, `VD_PCIE_IRQ_STATUS_SQ_MASK, "SQ_TAIL -> SQ");
        check(!irq, "masked");
        reg_wr(`VD_PCIE_IRQ_EN, 32'hF);
        #1 check(irq, "enabled: line high");
        reg_rd(`VD_PCIE_SQ_TAIL, v); check_eq(v, 32'h20, "SQ_TAIL value");
        host_wr(BAR0 + `VD_PCIE_CQ_HEAD, 32'h10);
        host_wr(BAR0 + `VD_PCIE_CTRL, 32'h1);
        reg_rd(`VD_PCIE_IRQ_STATUS, v); check_eq(v, 32'h7, "CQ_HEAD -> CQ, CTRL -> CTRL");
        reg_rd(`VD_PCIE_CTRL, v); check_eq(v, 1, "CTRL.ENABLE");
        reg_wr(`VD_PCIE_IRQ_STATUS, 32'h5);
        reg_rd(`VD_PCIE_IRQ_STATUS, v); check_eq(v, 32'h2, "W1C");
        reg_wr(`VD_PCIE_IRQ_STATUS, 32'h2);
        #1 check(!irq, "cleared: line low");
        host_wr(BAR0 + `VD_PCIE_SCRATCH, 32'h1);
        reg_rd(`VD_PCIE_IRQ_STATUS, v); check_eq(v, 0, "other writes raise nothing");
        group_end;

        // ---------------------------------------------------------- UR and drops
        group_begin("rx: UR for non-posted, posted dropped, never hangs");
        htag = htag + 1;   // MRd outside BAR0
        tlp_dw[0] = {8'h00, 14'b0, 10'd1}; tlp_dw[1] = {HOST_ID, htag, 8'h0F}; tlp_dw[2] = BAR0 + 32'h1000;
        expect_ur(3, "MRd outside BAR0: UR");
        htag = htag + 1;   // length 2
        tlp_dw[0] = {8'h00, 14'b0, 10'd2}; tlp_dw[1] = {HOST_ID, htag, 8'hFF}; tlp_dw[2] = BAR0 + 32'h14;
        expect_ur(3, "MRd of 2 DW: UR");
        htag = htag + 1;   // crossing 4 KiB
        tlp_dw[0] = {8'h00, 14'b0, 10'd2}; tlp_dw[1] = {HOST_ID, htag, 8'hFF}; tlp_dw[2] = BAR0 + 32'hFFC;
        expect_ur(3, "MRd across 4 KiB: UR");
        htag = htag + 1;   // first BE 0x3
        tlp_dw[0] = {8'h00, 14'b0, 10'd1}; tlp_dw[1] = {HOST_ID, htag, 8'h03}; tlp_dw[2] = BAR0 + 32'h14;
        expect_ur(3, "MRd first BE 3: UR");
        htag = htag + 1;   // MRd64 (4-DW header) inside BAR0's low bits
        tlp_dw[0] = {8'h20, 14'b0, 10'd1}; tlp_dw[1] = {HOST_ID, htag, 8'h0F}; tlp_dw[2] = 32'h0; tlp_dw[3] = BAR0 + 32'h14;
        expect_ur(4, "MRd64: UR");
        htag = htag + 1;   // MRdLk
        tlp_dw[0] = {8'h01, 14'b0, 10'd1}; tlp_dw[1] = {HOST_ID, htag, 8'h0F}; tlp_dw[2] = BAR0;
        expect_ur(3, "MRdLk: UR");
        htag = htag + 1;   // IO read
        tlp_dw[0] = {8'h02, 14'b0, 10'd1}; tlp_dw[1] = {HOST_ID, htag, 8'h0F}; tlp_dw[2] = 32'h100;
        expect_ur(3, "IORd: UR");
        htag = htag + 1;   // IO write (non-posted, with data)
        tlp_dw[0] = {8'h42, 14'b0, 10'd1}; tlp_dw[1] = {HOST_ID, htag, 8'h0F}; tlp_dw[2] = 32'h100; tlp_dw[3] = 32'h1;
        expect_ur(4, "IOWr: UR");
        htag = htag + 1;   // CfgRd0
        tlp_dw[0] = {8'h04, 14'b0, 10'd1}; tlp_dw[1] = {HOST_ID, htag, 8'h0F}; tlp_dw[2] = {RID, 16'h0000};
        expect_ur(3, "CfgRd0: UR");
        htag = htag + 1;   // CfgWr1
        tlp_dw[0] = {8'h45, 14'b0, 10'd1}; tlp_dw[1] = {HOST_ID, htag, 8'h0F}; tlp_dw[2] = {RID, 16'h0010}; tlp_dw[3] = 32'hFFFF_FFFF;
        expect_ur(4, "CfgWr1: UR");
        htag = htag + 1;   // CAS with 4 data DWs: a long non-posted TLP (3 beats)
        tlp_dw[0] = {8'h4E, 14'b0, 10'd4}; tlp_dw[1] = {HOST_ID, htag, 8'hFF}; tlp_dw[2] = BAR0 + 32'h20;
        for (i = 0; i < 4; i = i + 1) tlp_dw[3 + i] = i;
        expect_ur(7, "CAS (3 beats): UR");
        htag = htag + 1;   // MRd with a digest (TD): 4 DWs
        tlp_dw[0] = {8'h00, 8'b0, 1'b1, 5'b0, 10'd1}; tlp_dw[1] = {HOST_ID, htag, 8'h0F}; tlp_dw[2] = BAR0; tlp_dw[3] = 32'h0;
        expect_ur(4, "MRd with TD: UR");
        reg_rd(`VD_PCIE_UR_COUNT, v); check_eq(v, 12, "UR_COUNT");
        // posted: dropped, counted, no completion
        n0 = n_cpl;
        reg_wr(`VD_PCIE_SCRATCH, 32'h5555_0000);
        tlp_dw[0] = {8'h40, 14'b0, 10'd1}; tlp_dw[1] = {HOST_ID, 8'h0, 8'h0F}; tlp_dw[2] = BAR0 + 32'h1014; tlp_dw[3] = 32'h1;
        push_tlp(4);                                            // outside BAR0
        tlp_dw[0] = {8'h40, 14'b0, 10'd2}; tlp_dw[1] = {HOST_ID, 8'h0, 8'hFF}; tlp_dw[2] = BAR0 + 32'h14; tlp_dw[3] = 32'h2; tlp_dw[4] = 32'h3;
        push_tlp(5);                                            // 2 DWs
        tlp_dw[0] = {8'h40, 14'b0, 10'd1}; tlp_dw[1] = {HOST_ID, 8'h0, 8'h03}; tlp_dw[2] = BAR0 + 32'h14; tlp_dw[3] = 32'h4;
        push_tlp(4);                                            // BE 3
        tlp_dw[0] = {8'h60, 14'b0, 10'd1}; tlp_dw[1] = {HOST_ID, 8'h0, 8'h0F}; tlp_dw[2] = 32'h0; tlp_dw[3] = BAR0 + 32'h14; tlp_dw[4] = 32'h5;
        push_tlp(5);                                            // MWr64
        tlp_dw[0] = {8'h40, 9'b0, 1'b1, 4'b0, 10'd1}; tlp_dw[1] = {HOST_ID, 8'h0, 8'h0F}; tlp_dw[2] = BAR0 + 32'h14; tlp_dw[3] = 32'h6;
        push_tlp(4);                                            // poisoned (EP)
        tlp_dw[0] = {8'h34, 14'b0, 10'd0}; tlp_dw[1] = {HOST_ID, 8'h0, 8'h7F}; tlp_dw[2] = 32'h0; tlp_dw[3] = 32'h0;
        push_tlp(4);                                            // Msg (4-DW, no data)
        tlp_dw[0] = {8'h70, 14'b0, 10'd2}; tlp_dw[1] = {HOST_ID, 8'h0, 8'h7F}; tlp_dw[2] = 32'h0; tlp_dw[3] = 32'h0; tlp_dw[4] = 1; tlp_dw[5] = 2;
        push_tlp(6);                                            // MsgD
        tlp_dw[0] = {8'h40, 14'b0, 10'd1}; tlp_dw[1] = {HOST_ID, 8'h0, 8'h0F};
        push_tlp(2);                                            // malformed: 2 DWs
        tlp_dw[0] = {8'h9F, 14'b0, 10'd1}; tlp_dw[1] = 0; tlp_dw[2] = 0; tlp_dw[3] = 0;
        push_tlp(4);                                            // a TLP prefix
        wait_rx_idle;
        check(n_cpl == n0, "posted: no completion");
        reg_rd(`VD_PCIE_DROP_COUNT, v); check_eq(v, 9, "DROP_COUNT");
        reg_rd(`VD_PCIE_SCRATCH, v); check_eq(v, 32'h5555_0000, "no dropped write landed");
        // stray completions (no DMA read running): counted, consumed
        tlp_dw[0] = {8'h4A, 14'b0, 10'd2}; tlp_dw[1] = {HOST_ID, 3'b0, 1'b0, 12'd8}; tlp_dw[2] = {RID, 8'h03, 8'h00};
        tlp_dw[3] = 1; tlp_dw[4] = 2;
        push_tlp(5);
        tlp_dw[0] = {8'h0A, 14'b0, 10'd0}; tlp_dw[1] = {HOST_ID, 3'b001, 1'b0, 12'd4}; tlp_dw[2] = {RID, 8'h05, 8'h00};
        push_tlp(3);
        tlp_dw[0] = {8'h4B, 14'b0, 10'd1}; tlp_dw[1] = {HOST_ID, 3'b0, 1'b0, 12'd4}; tlp_dw[2] = {RID, 8'h05, 8'h00}; tlp_dw[3] = 7;
        push_tlp(4);                                            // CplDLk
        wait_rx_idle;
        reg_rd(`VD_PCIE_CPL_ERROR_COUNT, v); check_eq(v, 3, "CPL_ERROR_COUNT: stray completions");
        check(n_cpl == n0, "a completion is never answered");
        host_rd(BAR0 + `VD_PCIE_SCRATCH, v, ok); check(ok, "a good MRd still answered"); check_eq(v, 32'h5555_0000, "its data");
        reg_wr(`VD_PCIE_CMD, `VD_PCIE_CMD_CNT_CLEAR_MASK);
        reg_rd(`VD_PCIE_UR_COUNT, v); check_eq(v, 0, "CNT_CLEAR: UR_COUNT");
        reg_rd(`VD_PCIE_DROP_COUNT, v); check_eq(v, 0, "CNT_CLEAR: DROP_COUNT");
        reg_rd(`VD_PCIE_CPL_ERROR_COUNT, v); check_eq(v, 0, "CNT_CLEAR: CPL_ERROR_COUNT");
        check_eq(tx_errs, 0, "tx stream well formed");
        group_end;

        group_begin("rx/tx back-pressure on BAR0 traffic (gaps, tx ready 30 %)");
        rx_gap_pct = 40; tx_bp_pct = 70;
        mism = 0;
        for (i = 0; i < 20; i = i + 1) begin
            host_wr(BAR0 + `VD_PCIE_SCRATCH, 32'hC0DE_0000 + i);
            host_rd(BAR0 + `VD_PCIE_SCRATCH, v, ok);
            if (!ok || v != 32'hC0DE_0000 + i) begin
                if (mism < 3) $display("    read back %0d: ok %0d, %08h", i, ok, v);
                mism = mism + 1;
            end
        end
        check_eq(mism, 0, "20 writes, each read back, under back-pressure");
        // several reads queued back to back: each answered, in order
        n0 = n_cpl;
        for (i = 0; i < 6; i = i + 1) begin
            htag = htag + 1;
            tlp_dw[0] = {8'h00, 14'b0, 10'd1}; tlp_dw[1] = {HOST_ID, htag, 8'h0F}; tlp_dw[2] = BAR0 + `VD_PCIE_ID;
            push_tlp(3);
        end
        wait_rx_idle; repeat (50) @(posedge clk);
        check_eq(n_cpl - n0, 6, "six queued reads, six completions");
        check_eq(cpl_dw2[15:8], htag, "the last one last");
        rx_gap_pct = 0; tx_bp_pct = 0;
        // the CPU reading every cycle holds a host read's register access (one multiplexer
        // serves both), never its value
        host_wr(BAR0 + `VD_PCIE_SCRATCH, 32'h5CA7_C4ED);
        @(posedge clk); #1 rreq = 1; rwe = 0; raddr = `VD_PCIE_ID;
        n0 = n_cpl; htag = htag + 1;
        tlp_dw[0] = {8'h00, 14'b0, 10'd1}; tlp_dw[1] = {HOST_ID, htag, 8'h0F}; tlp_dw[2] = BAR0 + `VD_PCIE_SCRATCH;
        push_tlp(3);
        repeat (60) @(posedge clk);
        #1 check(n_cpl == n0, "no completion while the CPU reads every cycle");
        check_eq(rrdata, `VD_SOC_ID, "the CPU's reads answered meanwhile");
        rreq = 0;
        wait_cpl(n0, ok);
        check(ok, "then the completion");
        check_eq(cpl_data, 32'h5CA7_C4ED, "with the register's value");
        check_eq(tx_errs, 0, "tx stream well formed");
        group_end;

        // ---------------------------------------------------------- DMA
        reg_wr(`VD_PCIE_WIN_BASE, HBASE);
        reg_wr(`VD_PCIE_WIN_SIZE, HWORDS * 4);
        win_lo_b = 0; win_sz_b = HWORDS * 4;
        reg_wr(`VD_PCIE_IRQ_STATUS, 32'hF);

        group_begin("DMA to host: MPS splits, 4 KiB crossing, tx back-pressure");
        n0 = n_dwr;
        xfer(HBASE + 32'h0F80, PBUF + 32'h100, 1024, 1, 32'h1111_0000, "PCIE_BUF -> host across 4 KiB");
        check_eq(n_dwr - n0, 5, "128 B to the boundary, then 256 B TLPs, then 128 B (5 TLPs)");
        reg_rd(`VD_PCIE_IRQ_STATUS, v); check_eq(v, `VD_PCIE_IRQ_STATUS_DMA_MASK, "IRQ_STATUS.DMA");
        reg_wr(`VD_PCIE_IRQ_STATUS, 32'hF);
        mps = 3'd0;
        xfer(HBASE + 32'h2004, VRAM + 32'h400, 4, 1, 32'h2222_0000, "one word");
        xfer(HBASE + 32'h2100, VRAM + 32'h404, 300, 1, 32'h3333_0000, "300 B at MPS 128");
        tx_bp_pct = 50; mps = 3'd2; hog = 1'b1;
        xfer(HBASE + 32'h3000, VRAM + 32'h1000, 8192, 1, 32'h4444_0000, "8 KiB, tx 50 %, CPU contention");
        tx_bp_pct = 0; hog = 1'b0;
        mps = 3'd5;
        n0 = n_dwr;
        xfer(HBASE + 32'h5000, PBUF, 8192, 1, 32'h4545_0000, "8 KiB whole PCIE_BUF, MPS 4096");
        check_eq(n_dwr - n0, 2, "two 4 KiB TLPs (Length 0)");
        mps = 3'd1;
        check_eq(n_mps_viol, 0, "no TLP above MPS");
        check_eq(n_4k_viol, 0, "no TLP across 4 KiB");
        check_eq(n_win_viol, 0, "every TLP inside the window");
        check_eq(tx_errs, 0, "tx stream well formed");
        group_end;

        group_begin("DMA from host: MRRS, split/interleaved completions, rx gaps");
        n0 = n_mrd;
        xfer(HBASE + 32'h6F00, PBUF + 32'h200, 2048, 0, 32'h5555_0000, "host -> PCIE_BUF across 4 KiB");
        check_eq(n_mrd - n0, 5, "256 B to the boundary, 3 x 512 B, 256 B (5 MRd)");
        cpl_split = 0;
        xfer(HBASE + 32'h8000, VRAM + 32'h2000, 4096, 0, 32'h6666_0000, "whole completions");
        cpl_split = 32; rx_gap_pct = 30; mrrs = 3'd5; hog = 1'b1;
        xfer(HBASE + 32'h9004, VRAM + 32'h3000, 12000, 0, 32'h7777_0000, "32 B completions, gaps, MRRS 4096");
        rx_gap_pct = 0; hog = 1'b0; mrrs = 3'd0; cpl_split = 64; cpl_lat = 60;
        xfer(HBASE + 32'hC000, VRAM + 32'h8000, 8192, 0, 32'h8888_0000, "MRRS 128, latency 60: 8 tags");
        check_eq(max_out, 8, "8 reads outstanding at most (and at some point)");
        cpl_lat = 16; mrrs = 3'd2;
        xfer(HBASE + 32'hE000, VRAM + 32'h104, 4, 0, 32'h9999_0000, "one word");
        check_eq(n_mrrs_viol, 0, "no request above MRRS");
        check_eq(n_4k_viol, 0, "no request across 4 KiB");
        check_eq(n_tag_viol, 0, "no tag reused while outstanding");
        check_eq(n_win_viol, 0, "every request inside the window");
        reg_rd(`VD_PCIE_CPL_ERROR_COUNT, v); check_eq(v, 0, "no completion error");
        check_eq(tx_errs, 0, "tx stream well formed");
        group_end;

        group_begin("DMA errors: window, local, bus master, nothing issued");
        n0 = n_dwr; n1 = n_mrd;
        dma(HBASE + HWORDS * 4 - 4, VRAM, 8, 1, derr, dcyc);
        check_eq(derr, `VD_PCIE_ERR_WINDOW, "past the window's end: ERR_WINDOW");
        dma(HBASE - 4, VRAM, 8, 0, derr, dcyc);
        check_eq(derr, `VD_PCIE_ERR_WINDOW, "below the window: ERR_WINDOW");
        reg_wr(`VD_PCIE_WIN_SIZE, 32'h0FFF);                  // low bits ignored: 0
        dma(HBASE, VRAM, 8, 1, derr, dcyc);
        check_eq(derr, `VD_PCIE_ERR_WINDOW, "WIN_SIZE 0: ERR_WINDOW");
        reg_wr(`VD_PCIE_WIN_SIZE, HWORDS * 4);
        dma(HBASE, VRAM + 2, 8, 1, derr, dcyc);
        check_eq(derr, `VD_PCIE_ERR_LOCAL, "misaligned local: ERR_LOCAL");
        dma(HBASE, VRAM, 6, 1, derr, dcyc);
        check_eq(derr, `VD_PCIE_ERR_LOCAL, "length not a multiple of 4: ERR_LOCAL");
        dma(HBASE, VRAM, 0, 0, derr, dcyc);
        check_eq(derr, `VD_PCIE_ERR_LOCAL, "length 0: ERR_LOCAL");
        dma(HBASE, VRAM + VRAM_BYTES - 4, 8, 0, derr, dcyc);
        check_eq(derr, `VD_PCIE_ERR_LOCAL, "past VRAM's end: ERR_LOCAL");
        dma(HBASE, PBUF + 32'h1FFC, 8, 1, derr, dcyc);
        check_eq(derr, `VD_PCIE_ERR_LOCAL, "past PCIE_BUF's end: ERR_LOCAL");
        dma(HBASE, 32'h0000_0100, 8, 1, derr, dcyc);
        check_eq(derr, `VD_PCIE_ERR_LOCAL, "FW_RAM: ERR_LOCAL");
        dma(HBASE + 2, VRAM, 8, 1, derr, dcyc);
        check_eq(derr, `VD_PCIE_ERR_LOCAL, "misaligned host: ERR_LOCAL");
        bus_master = 1'b0;
        dma(HBASE, VRAM, 8, 1, derr, dcyc);
        check_eq(derr, `VD_PCIE_ERR_MASTER, "bus master off: ERR_MASTER");
        bus_master = 1'b1;
        check_eq(n_dwr - n0, 0, "no write issued");
        check_eq(n_mrd - n1, 0, "no read issued");
        reg_rd(`VD_PCIE_IRQ_STATUS, v); check_eq(v, `VD_PCIE_IRQ_STATUS_DMA_MASK, "each ended with IRQ_STATUS.DMA");
        reg_wr(`VD_PCIE_IRQ_STATUS, 32'hF);
        // a narrower window: a transfer inside works, one crossing its end does not
        reg_wr(`VD_PCIE_WIN_BASE, HBASE + 32'h1_0000);
        reg_wr(`VD_PCIE_WIN_SIZE, 32'h2000);
        win_lo_b = 32'h1_0000; win_sz_b = 32'h2000;
        xfer(HBASE + 32'h1_1F00, VRAM, 256, 1, 32'h1212_0000, "256 B at the window's top");
        dma(HBASE + 32'h1_1F00, VRAM, 260, 1, derr, dcyc);
        check_eq(derr, `VD_PCIE_ERR_WINDOW, "4 B more: ERR_WINDOW");
        check_eq(n_win_viol, 0, "nothing outside the window");
        // a window reaching past 4 GiB: a transfer may not wrap to address 0
        reg_wr(`VD_PCIE_WIN_BASE, 32'hFFFF_F000);
        reg_wr(`VD_PCIE_WIN_SIZE, 32'h0001_0000);
        n0 = n_dwr;
        dma(32'hFFFF_F000, VRAM, 8192, 1, derr, dcyc);
        check_eq(derr, `VD_PCIE_ERR_WINDOW, "past 4 GiB: ERR_WINDOW");
        check_eq(n_dwr - n0, 0, "nothing issued");
        reg_wr(`VD_PCIE_WIN_BASE, HBASE);
        reg_wr(`VD_PCIE_WIN_SIZE, HWORDS * 4);
        win_lo_b = 0; win_sz_b = HWORDS * 4;
        group_end;

        group_begin("DMA errors: timeout, UR, byte count, late completion, master");
        reg_wr(`VD_PCIE_CPL_TIMEOUT, 500);
        next_mode = 3'd1;                       // the first request is never answered
        loc_set(VRAM + 32'h6000, 256, 32'h0);
        dma(HBASE + 32'h4000, VRAM + 32'h6000, 1024, 0, derr, dcyc);
        check_eq(derr, `VD_PCIE_ERR_TIMEOUT, "ERR_TIMEOUT");
        check(dcyc >= 500 && dcyc < 1500, "after about CPL_TIMEOUT cycles");
        reg_rd(`VD_PCIE_CPL_TIMEOUT_COUNT, v); check_eq(v, 1, "CPL_TIMEOUT_COUNT");
        // the lost request's completion arrives late, during the next transfer: dropped
        for (i = 0; i < PN; i = i + 1) if (p_valid[i] && p_mode[i] == 3'd1) begin
            p_mode[i] = 3'd0; p_time[i] = cyc + 40; p_addr[i] = HBASE + 32'h4000;   // the stale data
        end
        host_set(HBASE + 32'h4000, 128, 32'hDEAD_0000);
        cpl_lat = 80;
        xfer(HBASE + 32'hA000, VRAM + 32'h6000, 1024, 0, 32'hABAB_0000, "next transfer, a late completion beside it");
        cpl_lat = 16;
        reg_rd(`VD_PCIE_CPL_ERROR_COUNT, v); check(v >= 1, "the late completion counted as unexpected");
        reg_wr(`VD_PCIE_CMD, `VD_PCIE_CMD_CNT_CLEAR_MASK);
        next_mode = 3'd2;
        dma(HBASE + 32'h4000, VRAM + 32'h6000, 2048, 0, derr, dcyc);
        check_eq(derr, `VD_PCIE_ERR_COMPLETION, "UR completion: ERR_COMPLETION");
        reg_rd(`VD_PCIE_CPL_ERROR_COUNT, v); check(v >= 1, "CPL_ERROR_COUNT (and the rest of its requests' completions: unexpected)");
        repeat (200) @(posedge clk);            // the other tags' completions: dropped
        next_mode = 3'd3;
        dma(HBASE + 32'h4000, VRAM + 32'h6000, 2048, 0, derr, dcyc);
        check_eq(derr, `VD_PCIE_ERR_COMPLETION, "wrong byte count: ERR_COMPLETION");
        repeat (200) @(posedge clk);
        reg_wr(`VD_PCIE_CPL_TIMEOUT, `VD_PCIE_CPL_TIMEOUT_RESET);
        xfer(HBASE + 32'hB000, VRAM + 32'h6000, 4096, 0, 32'hCDCD_0000, "a good transfer after them");
        bus_master = 1'b0;                      // bus mastering dropped mid-transfer
        fork
            dma(HBASE + 32'h4000, VRAM + 32'h6000, 8192, 1, derr, dcyc);
            begin repeat (40) @(posedge clk); bus_master = 1'b0; end
        join
        bus_master = 1'b1;
        check_eq(derr, `VD_PCIE_ERR_MASTER, "bus master off at START: ERR_MASTER");
        fork
            dma(HBASE + 32'h4000, VRAM + 32'h6000, 8192, 0, derr, dcyc);
            begin repeat (60) @(posedge clk); bus_master = 1'b0; end
        join
        bus_master = 1'b1;
        check_eq(derr, `VD_PCIE_ERR_MASTER, "bus master off mid-read: ERR_MASTER");
        repeat (300) @(posedge clk);
        fork
            dma(HBASE + 32'h4000, VRAM + 32'h6000, 8192, 1, derr, dcyc);
            begin repeat (60) @(posedge clk); bus_master = 1'b0; end
        join
        bus_master = 1'b1;
        check_eq(derr, `VD_PCIE_ERR_MASTER, "bus master off mid-write: ERR_MASTER");
        xfer(HBASE + 32'hB000, VRAM + 32'h6000, 4096, 1, 32'hEFEF_0000, "and a good one after");
        check_eq(tx_errs, 0, "tx stream well formed");
        check_eq(n_win_viol, 0, "nothing outside the window");
        group_end;

        group_begin("MSI: after the DMA writes before it; disabled: none");
        reg_rd(`VD_PCIE_MSI_COUNT, v); check_eq(v, 0, "MSI_COUNT 0");
        loc_set(VRAM, 1024, 32'h3131_0000);
        tx_bp_pct = 30;
        reg_wr(`VD_PCIE_DMA_HOST, HBASE + 32'h2000);
        reg_wr(`VD_PCIE_DMA_LOCAL, VRAM);
        reg_wr(`VD_PCIE_DMA_LEN, 4096);
        reg_wr(`VD_PCIE_DMA_CTRL, 32'h3);
        reg_wr(`VD_PCIE_CMD, `VD_PCIE_CMD_MSI_MASK);          // while the writes are going out
        t0 = 0;
        while (n_msi == 0 && t0 < 20000) begin @(posedge clk); t0 = t0 + 1; end
        repeat (20) @(posedge clk);
        check_eq(n_msi, 1, "one MSI");
        check(msi_seq > last_dwr_seq, "after the last DMA write");
        check_eq(msi_data_seen, {16'b0, MSI_DATA}, "MSI data");
        reg_rd(`VD_PCIE_MSI_COUNT, v); check_eq(v, 1, "MSI_COUNT 1");
        reg_wr(`VD_PCIE_CMD, `VD_PCIE_CMD_MSI_MASK);          // idle: at once
        repeat (20) @(posedge clk);
        check_eq(n_msi, 2, "an MSI when idle");
        msi_en = 1'b0;
        reg_wr(`VD_PCIE_CMD, `VD_PCIE_CMD_MSI_MASK);
        repeat (20) @(posedge clk);
        msi_en = 1'b1; bus_master = 1'b0;
        reg_wr(`VD_PCIE_CMD, `VD_PCIE_CMD_MSI_MASK);
        repeat (20) @(posedge clk);
        bus_master = 1'b1;
        repeat (20) @(posedge clk);
        check_eq(n_msi, 2, "none with MSI or bus mastering off");
        reg_rd(`VD_PCIE_MSI_COUNT, v); check_eq(v, 2, "MSI_COUNT 2");
        // CMD.MSI at every cycle around a short transfer's end: always one MSI, after it
        reg_wr(`VD_PCIE_DMA_LEN, 64);
        mism = 0;
        for (i = 0; i < 40; i = i + 1) begin
            n0 = n_msi;
            reg_wr(`VD_PCIE_DMA_CTRL, 32'h3);
            repeat (i) @(posedge clk);
            reg_wr(`VD_PCIE_CMD, `VD_PCIE_CMD_MSI_MASK);
            repeat (60) @(posedge clk);
            if (n_msi != n0 + 1 || msi_seq < last_dwr_seq) mism = mism + 1;
        end
        check_eq(mism, 0, "CMD.MSI around a transfer's end: one MSI each, after its writes");
        tx_bp_pct = 0;
        group_end;

        // ---------------------------------------------------------- the GPU's transfers
        group_begin("GPU transfers: system memory through the aperture windows, VRAM through the memory controller's windows");
        guard = 1;
        win_lo_b = 32'h1_0000; win_sz_b = 32'h1_0000;           // DMA window: HBASE + 64 KiB, 64 KiB
        reg_wr(`VD_PCIE_WIN_BASE, HBASE + 32'h1_0000);
        reg_wr(`VD_PCIE_WIN_SIZE, 32'h1_0000);
        gpu_win(0, 32'h1000, 32'h2000, 1);                      // aperture [0x1000, 0x3000) rw
        gpu_win(1, 32'h4000, 32'h1000, 0);                      // [0x4000, 0x5000) read-only
        mc_window(32'h0, 32'h800);                              // VRAM [0, 0x800)
        // VRAM -> system memory
        loc_set(VRAM + 32'h100, 256, 32'h6A6A_0000);
        host_set(HBASE + 32'h1_1000 - 64, 256 + 32, 32'h0BAD_0000);
        gpu_xfer(1, 0, 0, 32'h1000, 32'h100, 1024, derr);
        check_eq(derr, 0, "COPY VRAM -> system memory");
        mism = 0;
        for (i = 0; i < 256; i = i + 1)
            if (hmem[(32'h1_1000 / 4) + i] !== loc_get(VRAM + 32'h100, i)) mism = mism + 1;
        if (hmem[(32'h1_1000 / 4) - 1] !== (32'h0BAD_0000 ^ (15 * 32'h85EB_CA6B))
            || hmem[(32'h1_1000 / 4) + 256] !== (32'h0BAD_0000 ^ (272 * 32'h85EB_CA6B)))
            mism = mism + 1;
        check_eq(mism, 0, "every byte, nothing around it");
        // system memory (a read-only window) -> VRAM
        host_set(HBASE + 32'h1_4000, 128, 32'h5C5C_0000);
        loc_set(VRAM + 32'h400 - 64, 128 + 32, 32'h0BAD_0000);
        gpu_xfer(0, 0, 0, 32'h4000, 32'h400, 512, derr);
        check_eq(derr, 0, "COPY system memory -> VRAM (read-only window)");
        mism = 0;
        for (i = 0; i < 128; i = i + 1)
            if (loc_get(VRAM + 32'h400, i) !== hmem[(32'h1_4000 / 4) + i]) mism = mism + 1;
        if (loc_get(VRAM + 32'h400, -1) !== (32'h0BAD_0000 ^ (15 * 32'h9E37_79B9))
            || loc_get(VRAM + 32'h400, 128) !== (32'h0BAD_0000 ^ (144 * 32'h9E37_79B9)))
            mism = mism + 1;
        check_eq(mism, 0, "every byte, nothing around it");
        // FILL of system memory: no VRAM read
        n0 = n_dwr;
        gpu_xfer(1, 1, 32'hF111_0A0B, 32'h2000, 32'hFFFF_FFFF, 4096, derr);   // FILL: no VRAM side
        check_eq(derr, 0, "FILL system memory");
        mism = 0;
        for (i = 0; i < 1024; i = i + 1) if (hmem[(32'h1_2000 / 4) + i] !== 32'hF111_0A0B) mism = mism + 1;
        check_eq(mism, 0, "4 KiB of the pattern");
        check(n_dwr - n0 >= 16, "as MPS-sized writes");
        reg_rd(`VD_PCIE_GPU_XFER_STATUS, v); check_eq(v[31:16], 3, "GPU_XFER_STATUS.COUNT");
        // refused before anything is issued
        n0 = n_dwr; n1 = n_mrd;
        gpu_xfer(1, 0, 0, 32'h3000, 32'h0, 256, derr);
        check_eq(derr, `VD_PCIE_ERR_APERTURE, "outside every aperture window: ERR_APERTURE");
        gpu_xfer(1, 0, 0, 32'h2F00, 32'h0, 512, derr);
        check_eq(derr, `VD_PCIE_ERR_APERTURE, "crossing a window's end: ERR_APERTURE");
        gpu_xfer(1, 1, 32'h1, 32'h4000, 32'h0, 64, derr);
        check_eq(derr, `VD_PCIE_ERR_APERTURE, "writing a read-only window: ERR_APERTURE");
        gpu_xfer(0, 0, 0, 32'h4000, 32'hFFC0, 128, derr);
        check_eq(derr, `VD_PCIE_ERR_VRAM, "VRAM side past VRAM's end: ERR_VRAM");
        gpu_xfer(0, 0, 0, 32'h4002, 32'h0, 64, derr);
        check_eq(derr, `VD_PCIE_ERR_APERTURE, "misaligned: ERR_APERTURE");
        check_eq(n_dwr - n0 + n_mrd - n1, 0, "nothing issued");
        reg_rd(`VD_PCIE_DMA_STATUS, v); check_eq(v, 0, "the CPU's DMA_STATUS untouched");
        // the memory controller's windows: the VRAM side outside them stops the transfer
        loc_set(VRAM + 32'h700, 128, 32'h0BAD_0000);
        host_set(HBASE + 32'h1_4000, 256, 32'h7E7E_0000);
        gpu_xfer(0, 0, 0, 32'h4000, 32'h700, 1024, derr);
        check_eq(derr, `VD_PCIE_ERR_VRAM, "VRAM write outside the memory controller's windows: ERR_VRAM");
        mism = 0;
        for (i = 64; i < 128; i = i + 1)
            if (loc_get(VRAM + 32'h700, i) !== (32'h0BAD_0000 ^ (i * 32'h9E37_79B9))) mism = mism + 1;
        check_eq(mism, 0, "nothing written past the window");
        // inside it: each word arrived or is untouched (completions come in any order; those
        // after the blocked word are dropped)
        for (i = 0; i < 64; i = i + 1)
            if (loc_get(VRAM + 32'h700, i) !== hmem[(32'h1_4000 / 4) + i]
                && loc_get(VRAM + 32'h700, i) !== (32'h0BAD_0000 ^ (i * 32'h9E37_79B9))) mism = mism + 1;
        check_eq(mism, 0, "inside it: the host's words or the old ones");
        host_set(HBASE + 32'h1_1000, 512, 32'h0BAD_0000);
        gpu_xfer(1, 0, 0, 32'h1000, 32'h700, 2048, derr);
        check_eq(derr, `VD_PCIE_ERR_VRAM, "VRAM read outside the windows: ERR_VRAM");
        mism = 0;
        for (i = 0; i < 64; i = i + 1)
            if (hmem[(32'h1_1000 / 4) + i] !== loc_get(VRAM + 32'h700, i)) mism = mism + 1;
        for (i = 64; i < 512; i = i + 1)
            if (hmem[(32'h1_1000 / 4) + i] !== 32'h0 && hmem[(32'h1_1000 / 4) + i] !== (32'h0BAD_0000 ^ (i * 32'h85EB_CA6B)))
                mism = mism + 1;
        check_eq(mism, 0, "the words before the fault, then zeros or nothing");
        // a CPU START while the GPU's transfer runs waits for it, then runs
        mc_window(32'h0, 32'h1_0000);
        loc_set(VRAM + 32'h2000, 1024, 32'h1919_0000);
        loc_set(VRAM + 32'h3000, 1024, 32'h2828_0000);
        fork
            gpu_xfer(1, 0, 0, 32'h1000, 32'h2000, 4096, derr);
            begin
                repeat (30) @(posedge clk);
                reg_rd(`VD_PCIE_GPU_XFER_STATUS, v); check(v[0], "the GPU's transfer runs");
                reg_wr(`VD_PCIE_DMA_HOST, HBASE + 32'h1_2000);
                reg_wr(`VD_PCIE_DMA_LOCAL, VRAM + 32'h3000);
                reg_wr(`VD_PCIE_DMA_LEN, 4096);
                reg_wr(`VD_PCIE_DMA_CTRL, 32'h3);
                reg_rd(`VD_PCIE_DMA_STATUS, v); check(v[0], "the CPU's: BUSY while it waits");
            end
        join
        check_eq(derr, 0, "the GPU's transfer");
        t0 = 0; reg_rd(`VD_PCIE_DMA_STATUS, v);
        while (v[0] && t0 < 10000) begin reg_rd(`VD_PCIE_DMA_STATUS, v); t0 = t0 + 1; end
        check_eq(v, 0, "then the CPU's, without error");
        mism = 0;
        for (i = 0; i < 1024; i = i + 1) begin
            if (hmem[(32'h1_1000 / 4) + i] !== loc_get(VRAM + 32'h2000, i)) mism = mism + 1;
            if (hmem[(32'h1_2000 / 4) + i] !== loc_get(VRAM + 32'h3000, i)) mism = mism + 1;
        end
        check_eq(mism, 0, "both landed");
        check_eq(n_win_viol, 0, "nothing outside the DMA window");
        // figures: a GPU COPY of 4 KiB each way (request to done)
        gpu_xfer(1, 0, 0, 32'h1000, 32'h2000, 4096, derr);
        check_eq(derr, 0, "4 KiB to system memory");
        $display("     GPU COPY VRAM -> system memory 4096 bytes: %0d cycles, %0.3f bytes/cycle", gcyc, 4096.0 / gcyc);
        check(4096.0 / gcyc >= 3.5, "at least 3.5 bytes/cycle");
        gpu_xfer(0, 0, 0, 32'h1000, 32'h3000, 4096, derr);
        check_eq(derr, 0, "4 KiB from system memory");
        $display("     GPU COPY system memory -> VRAM 4096 bytes: %0d cycles, %0.3f bytes/cycle", gcyc, 4096.0 / gcyc);
        check(4096.0 / gcyc >= 3.5, "at least 3.5 bytes/cycle");
        gpu_xfer(1, 1, 32'h5, 32'h1000, 32'h0, 4096, derr);
        $display("     GPU FILL system memory 4096 bytes: %0d cycles, %0.3f bytes/cycle", gcyc, 4096.0 / gcyc);
        reg_wr(`VD_PCIE_CMD, `VD_PCIE_CMD_GPU_WIN_CLEAR_MASK);
        gpu_xfer(0, 0, 0, 32'h1000, 32'h3000, 64, derr);
        check_eq(derr, `VD_PCIE_ERR_APERTURE, "after GPU_WIN_CLEAR: ERR_APERTURE");
        reg_wr(`VD_PCIE_WIN_BASE, HBASE);
        reg_wr(`VD_PCIE_WIN_SIZE, HWORDS * 4);
        win_lo_b = 0; win_sz_b = HWORDS * 4;
        group_end;

        // ---------------------------------------------------------- figures
        group_begin("throughput: 4 KiB and 64 KiB each way (VRAM)");
        mps = 3'd1; mrrs = 3'd2; cpl_lat = 16; cpl_split = 64; cpl_ooo = 1;
        guard = 0;                          // 64 KiB is the whole VRAM
        perf(4096, 1, 3.5);
        perf(4096, 0, 3.5);
        perf(65536, 1, 3.5);
        perf(65536, 0, 3.5);
        group_end;

        check_eq(tx_errs, 0, "tx stream well formed (whole run)");
        $display("%0d passed, %0d failed", n_pass, n_fail);
        if (n_fail != 0) $fatal(1, "tb_vd_pcie_ep: %0d checks failed", n_fail);
        $finish;
    end

    initial begin
        #100_000_000;
        $display("tb_vd_pcie_ep: timeout");
        $display("%0d passed, %0d failed", n_pass, n_fail + 1);
        $fatal(1, "timeout");
    end
endmodule

`default_nettype wire
