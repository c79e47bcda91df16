`timescale 1ns/1ps
`default_nettype none
// tb_vd_uart: self-checking Icarus testbench for rtl/uart/vd_uart.v.
//
// Two instances share the clock: u_small (FIFO_DEPTH 16, makes the full-FIFO cases quick)
// and u_dflt (the default depth from the register spec). `sel` routes the CPU-like bus,
// the line monitor and the line driver to one of them; the other sees an idle line.
//  - bus_write / bus_read drive the register bus like a CPU, checking the one-cycle ack.
//  - The TX monitor decodes tx_o at the divider the test announces (mon_div): every edge
//    must fall on the DIV grid from the start edge, each bit is sampled mid-bit, and each
//    frame's start time is kept so tests can check back-to-back spacing.
//  - rx_send drives rx_i with real-valued (asynchronous) bit times, so a transmitter can
//    be off by a percentage.
// One line per check group; ends with "N passed, M failed" (N, M = checks), then $finish
// on success or $fatal (non-zero exit status from vvp) on failure. +vcd dumps waves.

`include "vd_regs.vh"

module tb_vd_uart;

    localparam integer SMALL_DEPTH = 16;
    localparam integer DFLT_DEPTH  = `VD_UART_FIFO_DEPTH;
    localparam integer DIV_RESET   = `VD_UART_DIV_RESET;
    localparam integer DIV_MIN     = `VD_UART_DIV_MIN;
    localparam real    CLK_NS      = 10.0;
    localparam integer MAX_CYCLES  = 3000000;

    // Register offsets and masks, all from the generated header.
    localparam [11:0] R_DATA   = `VD_UART_DATA;
    localparam [11:0] R_STATUS = `VD_UART_STATUS;
    localparam [11:0] R_CTRL   = `VD_UART_CTRL;
    localparam [11:0] R_DIV    = `VD_UART_DIV;
    localparam [11:0] R_LEVEL  = `VD_UART_LEVEL;
    localparam [11:0] R_ERR    = `VD_UART_ERR;
    localparam [11:0] R_RX_IRQ = `VD_UART_RX_IRQ;
    localparam [11:0] R_UNMAP  = 12'h01C;  // first offset after the last register

    localparam [31:0] M_EMPTY    = `VD_UART_DATA_EMPTY_MASK;
    localparam [31:0] M_BYTE     = `VD_UART_DATA_BYTE_MASK;
    localparam [31:0] M_TX_FULL  = `VD_UART_STATUS_TX_FULL_MASK;
    localparam [31:0] M_TX_EMPTY = `VD_UART_STATUS_TX_EMPTY_MASK;
    localparam [31:0] M_TX_IDLE  = `VD_UART_STATUS_TX_IDLE_MASK;
    localparam [31:0] M_RX_EMPTY = `VD_UART_STATUS_RX_EMPTY_MASK;
    localparam [31:0] M_RX_FULL  = `VD_UART_STATUS_RX_FULL_MASK;
    localparam [31:0] M_RX_IRQ   = `VD_UART_CTRL_RX_IRQ_EN_MASK;
    localparam [31:0] M_TX_IRQ   = `VD_UART_CTRL_TX_IRQ_EN_MASK;
    localparam [31:0] M_OVERRUN  = `VD_UART_ERR_RX_OVERRUN_MASK;
    localparam [31:0] M_FRAMING  = `VD_UART_ERR_FRAMING_MASK;
    localparam [31:0] M_TXOVF    = `VD_UART_ERR_TX_OVERFLOW_MASK;
    localparam integer LVL_RX_LSB = `VD_UART_LEVEL_RX_LSB;
    localparam integer LVL_TX_LSB = `VD_UART_LEVEL_TX_LSB;
    localparam [31:0]  LVL_RX_MSK = `VD_UART_LEVEL_RX_MASK;
    localparam [31:0]  LVL_TX_MSK = `VD_UART_LEVEL_TX_MASK;
    localparam [31:0]  RXI_RESET  = `VD_UART_RX_IRQ_RESET;
    localparam integer THRESH_LSB = `VD_UART_RX_IRQ_THRESH_LSB;
    localparam [31:0]  THRESH_MSK = `VD_UART_RX_IRQ_THRESH_MASK;
    localparam integer TMO_LSB    = `VD_UART_RX_IRQ_TIMEOUT_LSB;
    localparam [31:0]  TMO_MSK    = `VD_UART_RX_IRQ_TIMEOUT_MASK;

    // ------------------------------------------------------------ clock, reset, DUTs
    reg clk = 1'b0;
    always #(CLK_NS / 2.0) clk = ~clk;

    reg     rst = 1'b1;
    integer cyc = 0;
    always @(posedge clk) cyc <= cyc + 1;

    reg         sel   = 1'b0;  // 0: u_small, 1: u_dflt
    reg         req   = 1'b0;
    reg         we    = 1'b0;
    reg  [11:0] addr  = 12'd0;
    reg  [31:0] wdata = 32'd0;
    reg         rx_drv = 1'b1;

    wire        ack_s, ack_d, irq_s, irq_d, tx_s, tx_d;
    wire [31:0] rdata_s, rdata_d;

    vd_uart #(.FIFO_DEPTH(SMALL_DEPTH)) u_small (
        .clk_i(clk), .rst_i(rst), .req_i(req & ~sel), .we_i(we), .addr_i(addr),
        .wdata_i(wdata), .ack_o(ack_s), .rdata_o(rdata_s), .irq_o(irq_s),
        .tx_o(tx_s), .rx_i(sel ? 1'b1 : rx_drv),
        .rxs_valid_o(), .rxs_data_o(), .rxs_pop_i(1'b0),   // the framer's streams: unused
        .txs_full_o(), .txs_push_i(1'b0), .txs_data_i(8'd0)
    );

    vd_uart u_dflt (
        .clk_i(clk), .rst_i(rst), .req_i(req & sel), .we_i(we), .addr_i(addr),
        .wdata_i(wdata), .ack_o(ack_d), .rdata_o(rdata_d), .irq_o(irq_d),
        .tx_o(tx_d), .rx_i(sel ? rx_drv : 1'b1),
        .rxs_valid_o(), .rxs_data_o(), .rxs_pop_i(1'b0),
        .txs_full_o(), .txs_push_i(1'b0), .txs_data_i(8'd0)
    );

    wire        ack   = sel ? ack_d : ack_s;
    wire [31:0] rdata = sel ? rdata_d : rdata_s;
    wire        irq   = sel ? irq_d : irq_s;
    wire        txl   = sel ? tx_d : tx_s;

    // ------------------------------------------------------------ check bookkeeping
    `include "tb_checks.vh"

    task automatic finish;
        begin
            $display("%0d passed, %0d failed", n_pass, n_fail);
            if (n_fail != 0) $fatal(1, "tb_vd_uart: %0d check(s) failed", n_fail);
            $finish;
        end
    endtask

    initial begin
        #(CLK_NS * MAX_CYCLES);
        n_fail = n_fail + 1;
        $display("    FAIL: timeout after %0d cycles in group %0s", MAX_CYCLES, g_name);
        finish;
    end

    // ------------------------------------------------------------ CPU-like bus
    // Inputs change 1 ns after a rising edge; ack must be high exactly in the cycle after
    // the request, and low again at the next edge.
    integer bus_errs = 0;

    task automatic bus_start(input w, input [11:0] a, input [31:0] d);
        begin
            @(posedge clk); #1;
            if (ack !== 1'b0) begin
                bus_errs = bus_errs + 1;
                $display("    bus: ack not low before a request (cycle %0d)", cyc);
            end
            req = 1'b1; we = w; addr = a; wdata = d;
            @(posedge clk); #1;
            req = 1'b0; we = 1'b0;
            if (ack !== 1'b1) begin
                bus_errs = bus_errs + 1;
                $display("    bus: no ack one cycle after the request (cycle %0d)", cyc);
            end
        end
    endtask

    task automatic bus_write(input [11:0] a, input [31:0] d);
        bus_start(1'b1, a, d);
    endtask

    task automatic bus_read(input [11:0] a, output [31:0] d);
        begin
            bus_start(1'b0, a, 32'd0);
            d = rdata;
        end
    endtask

    // Writes to DATA on consecutive cycles (req held high), as a bus master other than
    // PicoRV32 could do.
    task automatic bus_burst_data(input integer n, input integer first);
        integer i;
        begin
            @(posedge clk); #1;
            for (i = 0; i < n; i = i + 1) begin
                req = 1'b1; we = 1'b1; addr = R_DATA; wdata = pattern[first + i];
                @(posedge clk); #1;
                if (i > 0 && ack !== 1'b1) bus_errs = bus_errs + 1;
            end
            req = 1'b0; we = 1'b0;
            if (ack !== 1'b1) bus_errs = bus_errs + 1;
        end
    endtask

    reg [31:0] rd_val;

    task automatic expect_reg(input [11:0] a, input [31:0] exp, input [8*64-1:0] what);
        begin
            bus_read(a, rd_val);
            check_eq(rd_val, exp, what);
        end
    endtask

    task automatic expect_field(input [11:0] a, input [31:0] mask, input [31:0] exp,
                                input [8*64-1:0] what);
        begin
            bus_read(a, rd_val);
            check_eq(rd_val & mask, exp & mask, what);
        end
    endtask

    function [31:0] lvl(input integer rx, input integer tx);
        lvl = ((rx << LVL_RX_LSB) & LVL_RX_MSK) | ((tx << LVL_TX_LSB) & LVL_TX_MSK);
    endfunction

    task automatic wait_cycles(input integer n);
        repeat (n) @(posedge clk);
    endtask

    // Polls STATUS until all bits in mask are set; counts a failure on timeout.
    task automatic wait_status(input [31:0] mask, input integer max_cycles, input [8*64-1:0] what);
        integer t0;
        begin
            t0 = cyc;
            rd_val = 32'd0;
            while ((rd_val & mask) != mask && cyc - t0 < max_cycles) bus_read(R_STATUS, rd_val);
            check((rd_val & mask) == mask, what);
        end
    endtask

    // ------------------------------------------------------------ test data
    reg [7:0] pattern [0:4095];
    integer   k;
    integer   seed = 32'h5EED_0001;

    task automatic fill_pattern(input integer n);
        integer i;
        begin
            for (i = 0; i < n; i = i + 1) pattern[i] = $random(seed);
            pattern[0] = 8'h55;  // an edge at every bit boundary: measures the bit period
            pattern[1] = 8'h00;
            pattern[2] = 8'hFF;
            pattern[3] = 8'h80;
            pattern[4] = 8'h01;
        end
    endtask

    // ------------------------------------------------------------ TX line monitor
    integer   mon_div = DIV_RESET;
    reg       mon_en = 1'b1;
    reg       txl_q = 1'b1;
    reg       mon_busy = 1'b0;
    integer   mon_t0, mon_last, mon_rel, mon_bit;
    integer   mon_count = 0;
    integer   mon_errs = 0;
    reg [7:0] mon_sh;
    reg [7:0] mon_byte [0:4095];
    integer   mon_start [0:4095];
    integer   mon_lastedge [0:4095];

    // Samples txl at each rising edge (the value it had through the cycle before).
    always @(posedge clk) begin
        txl_q <= txl;
        if (!rst && txl !== 1'b0 && txl !== 1'b1) begin
            mon_errs = mon_errs + 1;
            $display("    monitor: tx is %b (cycle %0d)", txl, cyc);
        end
        if (mon_busy) begin
            mon_rel = cyc - mon_t0;
            if (txl !== txl_q) begin
                if (mon_rel % mon_div != 0) begin
                    mon_errs = mon_errs + 1;
                    $display("    monitor: edge %0d clocks into a frame, not on the %0d-clock grid (cycle %0d)",
                             mon_rel, mon_div, cyc);
                end
                mon_last = mon_rel;
            end
            if (mon_rel % mon_div == mon_div / 2) begin
                mon_bit = mon_rel / mon_div;
                if (mon_bit == 0) begin
                    if (txl !== 1'b0) begin
                        mon_errs = mon_errs + 1;
                        $display("    monitor: start bit high at mid-bit (cycle %0d)", cyc);
                    end
                end else if (mon_bit <= 8) begin
                    mon_sh[mon_bit - 1] = txl;
                end else begin
                    if (txl !== 1'b1) begin
                        mon_errs = mon_errs + 1;
                        $display("    monitor: stop bit low (cycle %0d)", cyc);
                    end
                    mon_byte[mon_count]     = mon_sh;
                    mon_start[mon_count]    = mon_t0;
                    mon_lastedge[mon_count] = mon_last;
                    mon_count = mon_count + 1;
                    mon_busy  = 1'b0;
                end
            end
        end else if (mon_en && txl_q === 1'b1 && txl === 1'b0) begin
            mon_busy = 1'b1;
            mon_t0   = cyc;
            mon_last = 0;
        end
    end

    task automatic wait_frames(input integer n, input integer max_cycles);
        integer t0;
        begin
            t0 = cyc;
            while (mon_count < n && cyc - t0 < max_cycles) @(posedge clk);
            check(mon_count >= n, "expected frames seen on tx_o");
        end
    endtask

    // Checks n monitored frames starting at index m0 against pattern[p0..]; with
    // back_to_back, each start edge must follow the previous one by exactly 10 bits.
    task automatic check_frames(input integer m0, input integer p0, input integer n,
                                input back_to_back, input [8*40-1:0] what);
        integer i, bad_data, bad_gap;
        begin
            bad_data = 0;
            bad_gap  = 0;
            for (i = 0; i < n; i = i + 1) begin
                if (mon_byte[m0 + i] !== pattern[p0 + i]) begin
                    if (bad_data < 4)
                        $display("    frame %0d: got 0x%02h, expected 0x%02h", i, mon_byte[m0 + i], pattern[p0 + i]);
                    bad_data = bad_data + 1;
                end
                if (i > 0) begin
                    if (back_to_back ? (mon_start[m0 + i] - mon_start[m0 + i - 1] != 10 * mon_div)
                                     : (mon_start[m0 + i] - mon_start[m0 + i - 1] <  10 * mon_div)) begin
                        if (bad_gap < 4)
                            $display("    frame %0d starts %0d clocks after the previous one (div %0d)",
                                     i, mon_start[m0 + i] - mon_start[m0 + i - 1], mon_div);
                        bad_gap = bad_gap + 1;
                    end
                end
            end
            check(bad_data == 0, {what, ": bytes on tx_o in order"});
            check(bad_gap == 0, back_to_back ? {what, ": frames back to back, no idle gap"}
                                             : {what, ": frames never overlap"});
        end
    endtask

    // ------------------------------------------------------------ RX line driver
    task automatic rx_send(input [7:0] b, input real bit_ns, input stop_bit);
        integer i;
        begin
            rx_drv = 1'b0;
            #(bit_ns);
            for (i = 0; i < 8; i = i + 1) begin
                rx_drv = b[i];
                #(bit_ns);
            end
            rx_drv = stop_bit;
            #(bit_ns);
            rx_drv = 1'b1;
        end
    endtask

    // n bytes of pattern[p0..], back to back, bit time = div clocks * factor.
    task automatic rx_send_burst(input integer p0, input integer n, input integer div, input real factor);
        integer i;
        begin
            for (i = 0; i < n; i = i + 1) rx_send(pattern[p0 + i], div * CLK_NS * factor, 1'b1);
        end
    endtask

    // Reads DATA until n bytes arrived (or timeout); compares with pattern[p0..].
    integer got_n, got_bad;
    task automatic cpu_read_bytes(input integer p0, input integer n, input integer max_cycles);
        integer t0;
        begin
            t0 = cyc;
            got_n = 0;
            got_bad = 0;
            while (got_n < n && cyc - t0 < max_cycles) begin
                bus_read(R_DATA, rd_val);
                if ((rd_val & M_EMPTY) == 0) begin
                    if (rd_val !== {24'd0, pattern[p0 + got_n]}) begin
                        if (got_bad < 4)
                            $display("    rx byte %0d: got 0x%08h, expected 0x%02h", got_n, rd_val, pattern[p0 + got_n]);
                        got_bad = got_bad + 1;
                    end
                    got_n = got_n + 1;
                end
            end
        end
    endtask

    // ------------------------------------------------------------ test groups
    integer i, n, t_start, div, lvl_ok, lvl_bad, extra, period;
    real    factor;

    task automatic set_div(input integer d);
        begin
            bus_write(R_DIV, d);
            mon_div = d;
        end
    endtask

    task automatic do_reset;
        begin
            rst = 1'b1;
            wait_cycles(10);
            #1 rst = 1'b0;
            mon_div = DIV_RESET;
        end
    endtask

    task automatic test_reset_values;
        begin
            group_begin("reset values and unmapped offsets");
            check(txl === 1'b1, "tx_o idle high after reset");
            check(irq === 1'b0, "irq_o low after reset");
            expect_reg(R_DIV, DIV_RESET, "DIV reset value");
            expect_reg(R_CTRL, `VD_UART_CTRL_RESET, "CTRL reset value");
            expect_reg(R_STATUS, M_TX_EMPTY | M_TX_IDLE | M_RX_EMPTY, "STATUS after reset");
            expect_reg(R_LEVEL, 32'd0, "LEVEL after reset");
            expect_reg(R_ERR, 32'd0, "ERR after reset");
            expect_reg(R_DATA, M_EMPTY, "DATA read with RX empty");
            expect_reg(R_RX_IRQ, RXI_RESET, "RX_IRQ reset value (THRESH 1, TIMEOUT off)");
            expect_reg(R_UNMAP, 32'd0, "unmapped offset after the last register reads 0");
            expect_reg(12'hFFC, 32'd0, "unmapped 0xFFC reads 0");
            expect_reg(R_DIV | 12'h100, 32'd0, "DIV alias at +0x100 reads 0");
            expect_reg(R_DIV | 12'h001, 32'd0, "misaligned DIV offset reads 0");
            bus_write(R_UNMAP, 32'hFFFF_FFFF);
            bus_write(R_DIV | 12'h100, 32'd7);
            bus_write(R_CTRL | 12'h800, 32'hFFFF_FFFF);
            bus_write(R_DATA | 12'h040, 32'h0000_0041);
            expect_reg(R_DIV, DIV_RESET, "DIV unchanged by unmapped writes");
            expect_reg(R_CTRL, `VD_UART_CTRL_RESET, "CTRL unchanged by unmapped writes");
            expect_reg(R_RX_IRQ, RXI_RESET, "RX_IRQ unchanged by unmapped writes");
            expect_reg(R_LEVEL, 32'd0, "nothing queued by an unmapped write");
            wait_cycles(DIV_RESET * 2);
            check(mon_count == 0 && txl === 1'b1, "no frame sent by an unmapped write");
            group_end;
        end
    endtask

    task automatic test_div_reg;
        begin
            group_begin("DIV register and DIV_MIN clamp");
            bus_write(R_DIV, DIV_MIN);          expect_reg(R_DIV, DIV_MIN, "DIV = DIV_MIN");
            bus_write(R_DIV, 32'h0000_FFFF);    expect_reg(R_DIV, 32'h0000_FFFF, "DIV = 65535");
            bus_write(R_DIV, 32'h0001_2345);    expect_reg(R_DIV, 32'h0000_2345, "DIV ignores bits above CLKS");
            bus_write(R_DIV, DIV_MIN - 1);      expect_reg(R_DIV, DIV_MIN, "DIV below DIV_MIN reads DIV_MIN");
            bus_write(R_DIV, 32'd1);            expect_reg(R_DIV, DIV_MIN, "DIV = 1 reads DIV_MIN");
            bus_write(R_DIV, 32'd0);            expect_reg(R_DIV, DIV_MIN, "DIV = 0 reads DIV_MIN");
            bus_write(R_DIV, 32'hFFFF_0000);    expect_reg(R_DIV, DIV_MIN, "DIV = 0 in CLKS reads DIV_MIN");
            bus_write(R_DIV, DIV_MIN + 1);      expect_reg(R_DIV, DIV_MIN + 1, "DIV = DIV_MIN + 1");
            // A clamped divider must really run at DIV_MIN.
            bus_write(R_DIV, 32'd1);
            mon_div = DIV_MIN;
            n = mon_count;
            bus_write(R_DATA, 32'h55);
            wait_frames(n + 1, 20 * DIV_MIN + 100);
            check_eq(mon_byte[n], 32'h55, "DIV = 1 sends at DIV_MIN clocks per bit");
            check(mon_lastedge[n] == 9 * DIV_MIN, "DIV = 1: bit period is DIV_MIN clocks");
            set_div(DIV_RESET);
            group_end;
        end
    endtask

    // Bytes written to DATA appear on tx_o: bit period, LSB first, stop bit, back to back.
    task automatic test_tx(input integer d, input integer nbytes);
        begin
            group_begin(d == 4 ? "tx at DIV=4 (3 Mbaud at 12 MHz)" : "tx at DIV=104 (115200 at 12 MHz)");
            set_div(d);
            fill_pattern(nbytes);
            n = mon_count;
            bus_burst_data(nbytes, 0);  // consecutive-cycle writes
            // While the last frame is on the line: TX_EMPTY but not TX_IDLE.
            wait_frames(n + nbytes - 1, (nbytes + 2) * 10 * d + 100);
            while (!mon_busy) @(posedge clk);
            expect_field(R_STATUS, M_TX_EMPTY | M_TX_IDLE, M_TX_EMPTY, "STATUS: TX_EMPTY, not TX_IDLE, during the last frame");
            wait_frames(n + nbytes, 20 * d + 100);
            check_frames(n, 0, nbytes, 1'b1, "burst");
            period = mon_lastedge[n] / 9;  // 0x55: the last edge starts the stop bit
            check(mon_byte[n] == 8'h55 && mon_lastedge[n] == 9 * d, "bit period measured on 0x55 equals DIV clocks");
            wait_status(M_TX_IDLE, 20 * d, "TX_IDLE after the last stop bit");
            check(txl === 1'b1, "tx_o idle high afterwards");
            check(bus_errs == 0 && mon_errs == 0, "bus protocol and line timing clean");
            $sformat(g_note, "; bit period %0d clocks, frame spacing %0d", period,
                     mon_start[n + nbytes - 1] - mon_start[n + nbytes - 2]);
            group_end;
        end
    endtask

    // A long stream with the CPU racing the shifter: first polling TX_FULL at full speed
    // (the FIFO stays full, frames must be back to back), then with random pauses so
    // pushes land on every phase of the shifter's pop, including into an empty FIFO.
    task automatic test_tx_stream(input integer nbytes);
        integer first_half;
        begin
            group_begin("tx stream, CPU writes racing the shifter (DIV=4)");
            set_div(4);
            fill_pattern(nbytes);
            first_half = nbytes / 2;
            n = mon_count;
            for (i = 0; i < nbytes; i = i + 1) begin
                rd_val = M_TX_FULL;
                while (rd_val & M_TX_FULL) bus_read(R_STATUS, rd_val);
                bus_write(R_DATA, pattern[i]);
                if (i >= first_half) wait_cycles($unsigned($random(seed)) % 100);
            end
            wait_frames(n + nbytes, 100 * nbytes);
            check_frames(n, 0, first_half, 1'b1, "polled half");
            check_frames(n + first_half, first_half, nbytes - first_half, 1'b0, "paced half");
            expect_reg(R_ERR, 32'd0, "no TX_OVERFLOW while polling TX_FULL");
            check(bus_errs == 0 && mon_errs == 0, "bus protocol and line timing clean");
            $sformat(g_note, "; %0d bytes", nbytes);
            group_end;
        end
    endtask

    // Bytes on rx_i appear in DATA in order; LEVEL counts them; DATA empties.
    task automatic test_rx(input integer d, input integer nbytes);
        begin
            group_begin(d == 4 ? "rx at DIV=4 (3 Mbaud at 12 MHz)" : "rx at DIV=104 (115200 at 12 MHz)");
            set_div(d);
            fill_pattern(nbytes);
            @(posedge clk); #3;
            rx_send_burst(0, nbytes, d, 1.0);
            wait_cycles(10);
            expect_reg(R_LEVEL, lvl(nbytes, 0), "LEVEL.RX counts received bytes");
            expect_field(R_STATUS, M_RX_EMPTY | M_RX_FULL, 32'd0, "STATUS: RX not empty, not full");
            lvl_bad = 0;
            for (i = 0; i < nbytes; i = i + 1) begin
                bus_read(R_DATA, rd_val);
                if (rd_val !== {24'd0, pattern[i]}) begin
                    if (lvl_bad < 4) $display("    rx byte %0d: got 0x%08h, expected 0x%02h", i, rd_val, pattern[i]);
                    lvl_bad = lvl_bad + 1;
                end
                bus_read(R_LEVEL, rd_val);
                if (rd_val !== lvl(nbytes - 1 - i, 0)) lvl_bad = lvl_bad + 1;
            end
            check(lvl_bad == 0, "DATA returns the bytes in order, LEVEL.RX counts down");
            expect_reg(R_DATA, M_EMPTY, "then DATA reads EMPTY");
            expect_field(R_STATUS, M_RX_EMPTY, M_RX_EMPTY, "STATUS.RX_EMPTY");
            expect_reg(R_ERR, 32'd0, "no error flags");
            group_end;

            // A longer stream read while it arrives (more than the FIFO holds).
            group_begin(d == 4 ? "rx stream read while arriving (DIV=4)" : "rx stream read while arriving (DIV=104)");
            n = (d == 4) ? 200 : 40;
            fill_pattern(n);
            fork
                begin
                    @(posedge clk); #7;
                    rx_send_burst(0, n, d, 1.0);
                end
                cpu_read_bytes(0, n, (n + 2) * 10 * d + 200);
            join
            check(got_n == n && got_bad == 0, "all bytes read in order");
            expect_reg(R_ERR, 32'd0, "no overrun, no framing error");
            $sformat(g_note, "; %0d bytes", n);
            group_end;
        end
    endtask

    // Full RX FIFO: the next byte sets RX_OVERRUN and is dropped; old content intact.
    task automatic test_rx_overrun(input integer depth);
        begin
            group_begin(depth == SMALL_DEPTH ? "rx FIFO full, overrun (depth 16)"
                                             : "rx FIFO full, overrun (default depth)");
            set_div(4);
            fill_pattern(depth + 1);
            @(posedge clk); #3;
            rx_send_burst(0, depth, 4, 1.0);
            wait_cycles(10);
            expect_reg(R_LEVEL, lvl(depth, 0), "LEVEL.RX = depth");
            expect_field(R_STATUS, M_RX_FULL | M_RX_EMPTY, M_RX_FULL, "STATUS.RX_FULL");
            expect_reg(R_ERR, 32'd0, "no overrun yet");
            rx_send(pattern[depth], 4 * CLK_NS, 1'b1);
            wait_cycles(10);
            expect_reg(R_ERR, M_OVERRUN, "one more byte sets RX_OVERRUN");
            expect_reg(R_LEVEL, lvl(depth, 0), "LEVEL.RX still = depth");
            bus_write(R_ERR, M_FRAMING | M_TXOVF);
            expect_reg(R_ERR, M_OVERRUN, "writing other ERR bits leaves RX_OVERRUN");
            bus_write(R_ERR, M_OVERRUN);
            expect_reg(R_ERR, 32'd0, "write 1 clears RX_OVERRUN");
            cpu_read_bytes(0, depth, 4 * depth + 100);
            check(got_n == depth && got_bad == 0, "the FIFO kept its old bytes, in order");
            expect_reg(R_DATA, M_EMPTY, "the overrun byte was dropped");
            expect_reg(R_LEVEL, 32'd0, "LEVEL.RX = 0");
            // The receiver works normally afterwards.
            rx_send(8'hC3, 4 * CLK_NS, 1'b1);
            wait_cycles(10);
            expect_reg(R_DATA, 32'h0000_00C3, "next byte received normally");
            group_end;
        end
    endtask

    task automatic test_empty_reads;
        begin
            group_begin("empty reads");
            set_div(4);
            for (i = 0; i < 5; i = i + 1) expect_reg(R_DATA, M_EMPTY, "DATA reads EMPTY (bit 31, byte 0)");
            expect_reg(R_LEVEL, 32'd0, "LEVEL unchanged by empty reads");
            rx_send(8'h3A, 4 * CLK_NS, 1'b1);
            rx_send(8'hA3, 4 * CLK_NS, 1'b1);
            wait_cycles(10);
            expect_reg(R_DATA, 32'h0000_003A, "first byte after empty reads");
            expect_reg(R_DATA, 32'h0000_00A3, "second byte after empty reads");
            expect_reg(R_DATA, M_EMPTY, "EMPTY again");
            // Back-to-back DATA reads on consecutive cycles pop one byte each.
            rx_send(8'h11, 4 * CLK_NS, 1'b1);
            rx_send(8'h22, 4 * CLK_NS, 1'b1);
            wait_cycles(10);
            @(posedge clk); #1;
            req = 1'b1; we = 1'b0; addr = R_DATA;
            @(posedge clk); #1;
            rd_val = rdata;
            @(posedge clk); #1;
            req = 1'b0;
            check_eq(rd_val, 32'h11, "consecutive-cycle DATA reads: first");
            check_eq(rdata, 32'h22, "consecutive-cycle DATA reads: second");
            expect_reg(R_DATA, M_EMPTY, "both popped");
            // Writing DATA queues TX and leaves RX alone.
            rx_send(8'h5C, 4 * CLK_NS, 1'b1);
            wait_cycles(10);
            bus_write(R_DATA, 32'h0000_00C5);
            expect_field(R_LEVEL, LVL_RX_MSK, lvl(1, 0), "a DATA write does not pop RX");
            expect_reg(R_DATA, 32'h0000_005C, "RX byte intact after a DATA write");
            wait_frames(mon_count + 1, 100);
            check_eq(mon_byte[mon_count - 1], 32'hC5, "the written byte went out on tx_o");
            group_end;
        end
    endtask

    // TX FIFO full: the next write sets TX_OVERFLOW and is dropped.
    task automatic test_tx_overflow(input integer depth, input integer d);
        begin
            group_begin(depth == SMALL_DEPTH ? "tx FIFO full, TX_OVERFLOW (depth 16)"
                                             : "tx FIFO full, TX_OVERFLOW (default depth)");
            set_div(d);
            fill_pattern(depth + 2);
            n = mon_count;
            if (depth != SMALL_DEPTH) mon_en = 1'b0;  // too slow to watch, see below
            // depth + 1 fit: one goes to the shifter at once, depth wait in the FIFO.
            for (i = 0; i <= depth; i = i + 1) bus_write(R_DATA, pattern[i]);
            expect_reg(R_ERR, 32'd0, "depth + 1 bytes accepted (one in the shifter)");
            expect_reg(R_LEVEL, lvl(0, depth), "LEVEL.TX = depth");
            expect_field(R_STATUS, M_TX_FULL | M_TX_EMPTY | M_TX_IDLE, M_TX_FULL, "STATUS.TX_FULL");
            bus_write(R_DATA, 32'h0000_00EE);
            expect_reg(R_ERR, M_TXOVF, "one more write sets TX_OVERFLOW");
            expect_reg(R_LEVEL, lvl(0, depth), "LEVEL.TX still = depth");
            bus_write(R_ERR, M_OVERRUN | M_FRAMING);
            expect_reg(R_ERR, M_TXOVF, "writing other ERR bits leaves TX_OVERFLOW");
            bus_write(R_ERR, M_TXOVF);
            expect_reg(R_ERR, 32'd0, "write 1 clears TX_OVERFLOW");
            if (depth == SMALL_DEPTH) begin
                wait_frames(n + depth + 1, (depth + 3) * 10 * d);
                check_frames(n, 0, depth + 1, 1'b1, "queued bytes");
                wait_cycles(20 * d);
                check(mon_count == n + depth + 1, "the dropped byte was never sent");
            end else begin
                // Too slow to watch at this divider: speed up (the frame on the line
                // gets mixed timing) and check the FIFO drains.
                bus_write(R_DIV, 4);
                wait_status(M_TX_IDLE, (depth + 2) * 40 + 2 * d, "drains to TX_IDLE at DIV=4");
                expect_reg(R_LEVEL, 32'd0, "LEVEL.TX = 0 after draining");
                wait_cycles(8);
                mon_en = 1'b1;
                mon_div = 4;
            end
            group_end;
        end
    endtask

    task automatic test_framing;
        begin
            group_begin("framing error, glitch, break");
            set_div(104);
            @(posedge clk); #3;
            rx_send(8'hA5, 104 * CLK_NS, 1'b0);      // stop bit 0
            #(104 * CLK_NS);                          // one bit of idle, then a good byte
            rx_send(8'h5A, 104 * CLK_NS, 1'b1);
            wait_cycles(10);
            expect_reg(R_ERR, M_FRAMING, "stop bit 0 sets ERR.FRAMING");
            expect_reg(R_LEVEL, lvl(1, 0), "the bad byte was dropped");
            expect_reg(R_DATA, 32'h0000_005A, "the next byte is received");
            bus_write(R_ERR, M_FRAMING);
            expect_reg(R_ERR, 32'd0, "write 1 clears FRAMING");
            // A low pulse shorter than half a bit is not a start bit.
            rx_drv = 1'b0; #(30 * CLK_NS); rx_drv = 1'b1;
            #(20 * 104 * CLK_NS);
            expect_reg(R_LEVEL, 32'd0, "short glitch: no byte");
            expect_reg(R_ERR, 32'd0, "short glitch: no error");
            // Break: line low for 30 bit times. One framing error, no bytes, no more frames.
            rx_drv = 1'b0; #(30 * 104 * CLK_NS); rx_drv = 1'b1;
            #(2 * 104 * CLK_NS);
            expect_reg(R_ERR, M_FRAMING, "break: FRAMING");
            expect_reg(R_LEVEL, 32'd0, "break: no byte");
            bus_write(R_ERR, M_FRAMING);
            rx_send(8'h96, 104 * CLK_NS, 1'b1);
            wait_cycles(10);
            expect_reg(R_DATA, 32'h0000_0096, "byte after a break received");
            expect_reg(R_ERR, 32'd0, "and no error");
            group_end;
        end
    endtask

    task automatic test_irq;
        begin
            group_begin("irq_o (level)");
            set_div(200);
            bus_write(R_CTRL, 32'd0);
            check(irq === 1'b0, "CTRL = 0: irq low");
            bus_write(R_CTRL, M_TX_IRQ);
            expect_reg(R_CTRL, M_TX_IRQ, "CTRL reads back TX_IRQ_EN");
            check(irq === 1'b1, "TX_IRQ_EN with TX empty: irq high");
            n = mon_count;
            bus_write(R_DATA, 32'h0000_0033);
            bus_write(R_DATA, 32'h0000_0044);
            check(irq === 1'b0, "a byte waiting in TX: irq low");
            wait_status(M_TX_EMPTY, 40 * 200, "TX FIFO empties");
            check(irq === 1'b1, "TX empty again (second byte on the line): irq high");
            bus_write(R_CTRL, 32'd0);
            check(irq === 1'b0, "TX_IRQ_EN cleared: irq low");
            wait_frames(n + 2, 30 * 200);
            bus_write(R_CTRL, M_RX_IRQ);
            expect_reg(R_CTRL, M_RX_IRQ, "CTRL reads back RX_IRQ_EN");
            check(irq === 1'b0, "RX_IRQ_EN with RX empty: irq low");
            set_div(4);
            rx_send(8'h77, 4 * CLK_NS, 1'b1);
            wait_cycles(10);
            check(irq === 1'b1, "a received byte: irq high");
            bus_write(R_CTRL, 32'd0);
            check(irq === 1'b0, "RX_IRQ_EN cleared: irq low while data waits");
            bus_write(R_CTRL, M_RX_IRQ | M_TX_IRQ);
            check(irq === 1'b1, "both enables: irq high");
            expect_reg(R_DATA, 32'h0000_0077, "read the byte");
            check(irq === 1'b1, "still high: TX is empty");
            bus_write(R_CTRL, M_RX_IRQ);
            check(irq === 1'b0, "RX empty, TX irq off: irq low");
            bus_write(R_CTRL, 32'd0);
            group_end;
        end
    endtask

    // ------------------------------------------------------------ RX trigger level, timeout
    function [31:0] rxi(input integer thresh, input integer tmo);
        rxi = ((thresh << THRESH_LSB) & THRESH_MSK) | ((tmo << TMO_LSB) & TMO_MSK);
    endfunction

    // Clocks until irq is high (checked at every edge), or -1 after max_cycles.
    integer irq_dt;
    task automatic wait_irq(input integer max_cycles);
        integer t0;
        begin
            t0 = cyc;
            while (irq !== 1'b1 && cyc - t0 < max_cycles) @(posedge clk);
            irq_dt = (irq === 1'b1) ? cyc - t0 : -1;
        end
    endtask

    // Counts the edges at which irq is not low over the next n clocks.
    integer irq_high;
    task automatic irq_watch(input integer n);
        begin
            irq_high = 0;
            repeat (n) begin
                @(posedge clk);
                if (irq !== 1'b0) irq_high = irq_high + 1;
            end
        end
    endtask

    task automatic test_rx_irq_reg(input integer depth);
        begin
            group_begin(depth == SMALL_DEPTH ? "RX_IRQ register (depth 16)" : "RX_IRQ register (default depth)");
            bus_write(R_RX_IRQ, rxi(7, 20));
            expect_reg(R_RX_IRQ, rxi(7, 20), "THRESH and TIMEOUT read back");
            bus_write(R_RX_IRQ, 32'hFFFF_FFFF);
            expect_reg(R_RX_IRQ, rxi(2 * depth - 1, 32'hFF),
                       "all ones: THRESH keeps log2(depth)+1 bits, other bits ignored");
            bus_write(R_RX_IRQ, RXI_RESET);
            expect_reg(R_RX_IRQ, RXI_RESET, "back to the reset value");
            group_end;
        end
    endtask

    // Trigger level at DIV=4 on the small instance, timeout off.
    task automatic test_rx_thresh;
        begin
            group_begin("RX interrupt trigger level (THRESH)");
            set_div(4);
            rx_clean;
            fill_pattern(SMALL_DEPTH);
            bus_write(R_RX_IRQ, rxi(4, 0));
            bus_write(R_CTRL, M_RX_IRQ);
            check(irq === 1'b0, "RX empty: irq low");
            @(posedge clk); #3;
            for (i = 0; i < 3; i = i + 1) rx_send(pattern[i], 4 * CLK_NS, 1'b1);
            irq_watch(100 * 4);
            check(irq_high == 0, "3 bytes below THRESH 4, TIMEOUT off: low for 100 bit periods");
            expect_reg(R_LEVEL, lvl(3, 0), "LEVEL.RX = 3");
            rx_send(pattern[3], 4 * CLK_NS, 1'b1);
            wait_irq(10);
            check(irq_dt >= 0, "4th byte: irq high at THRESH");
            bus_write(R_CTRL, 32'd0);
            check(irq === 1'b0, "RX_IRQ_EN cleared: irq low at THRESH");
            bus_write(R_CTRL, M_RX_IRQ);
            expect_reg(R_DATA, pattern[0], "read one byte");
            check(irq === 1'b0, "one byte read, LEVEL.RX 3 < THRESH: irq low");
            @(posedge clk); #3;
            rx_send(pattern[4], 4 * CLK_NS, 1'b1);
            wait_irq(10);
            check(irq_dt >= 0, "THRESH reached again: irq high");
            cpu_read_bytes(1, 4, 100);
            check(got_n == 4 && got_bad == 0, "bytes in order");
            check(irq === 1'b0, "drained: irq low");
            // THRESH 0 acts as 1.
            bus_write(R_RX_IRQ, rxi(0, 0));
            expect_reg(R_RX_IRQ, rxi(0, 0), "THRESH 0 reads 0");
            check(irq === 1'b0, "THRESH 0, RX empty: irq low");
            @(posedge clk); #3;
            rx_send(pattern[5], 4 * CLK_NS, 1'b1);
            wait_irq(10);
            check(irq_dt >= 0, "THRESH 0, one byte: irq high");
            expect_reg(R_DATA, pattern[5], "read it");
            check(irq === 1'b0, "THRESH 0, drained: irq low");
            // THRESH = depth: raised when the FIFO is full; above depth: never.
            bus_write(R_RX_IRQ, rxi(SMALL_DEPTH, 0));
            @(posedge clk); #3;
            fork
                rx_send_burst(0, SMALL_DEPTH - 1, 4, 1.0);
                irq_watch((SMALL_DEPTH - 1) * 40);
            join
            irq_watch(40);
            check(irq_high == 0, "THRESH = depth: low with depth - 1 bytes");
            rx_send(pattern[SMALL_DEPTH - 1], 4 * CLK_NS, 1'b1);
            wait_irq(10);
            check(irq_dt >= 0, "THRESH = depth: high when full");
            bus_write(R_RX_IRQ, rxi(SMALL_DEPTH + 1, 0));
            check(irq === 1'b0, "THRESH above depth, TIMEOUT off: low when full");
            cpu_read_bytes(0, SMALL_DEPTH, 100);
            check(got_n == SMALL_DEPTH && got_bad == 0, "bytes in order");
            expect_reg(R_ERR, 32'd0, "no error flags");
            bus_write(R_CTRL, 32'd0);
            bus_write(R_RX_IRQ, RXI_RESET);
            group_end;
        end
    endtask

    // Character timeout: t bit periods of idle line after the stop bit, at divider d.
    task automatic test_rx_timeout(input integer d, input integer t);
        integer dt1, dt2;
        begin
            group_begin("RX interrupt timeout (TIMEOUT)");
            set_div(d);
            rx_clean;
            fill_pattern(8);
            bus_write(R_RX_IRQ, rxi(8, t));
            bus_write(R_CTRL, M_RX_IRQ);
            @(posedge clk); #3;
            // The stop bit is sampled half a bit before rx_send returns (plus the two
            // synchroniser clocks); the timeout follows t bit periods after that sample.
            rx_send(pattern[0], d * CLK_NS, 1'b1);
            wait_irq(t * d + 2 * d);
            dt1 = irq_dt;
            check(dt1 >= t * d - d / 2 - 2 && dt1 <= t * d - d / 2 + 4,
                  "1 byte below THRESH: irq high TIMEOUT bit periods after its stop bit, not before");
            bus_write(R_RX_IRQ, rxi(8, t));
            check(irq === 1'b0, "a write to RX_IRQ restarts the idle count: irq low");
            wait_irq(t * d + 2 * d);
            dt2 = irq_dt;
            check(dt2 >= t * d - d && dt2 <= t * d + 2, "and high again TIMEOUT bit periods later");
            // A new frame re-arms the timeout: low from its start edge to TIMEOUT after it.
            @(posedge clk); #3;
            fork
                rx_send(pattern[1], d * CLK_NS, 1'b1);
                begin
                    wait_cycles(4);
                    irq_watch(8 * d);
                end
            join
            check(irq_high == 0, "a start bit re-arms the timeout: irq low during the frame");
            wait_irq(t * d + 2 * d);
            check(irq_dt >= t * d - d / 2 - 2 && irq_dt <= t * d - d / 2 + 4,
                  "high again TIMEOUT after the new stop bit");
            cpu_read_bytes(0, 2, 100);
            check(got_n == 2 && got_bad == 0, "bytes in order");
            check(irq === 1'b0, "drained: irq low");
            irq_watch((t + 4) * d);
            check(irq_high == 0, "RX empty: the expired timeout raises nothing");
            // TIMEOUT off: nothing below THRESH.
            bus_write(R_RX_IRQ, rxi(8, 0));
            @(posedge clk); #3;
            rx_send(pattern[2], d * CLK_NS, 1'b1);
            irq_watch((t + 40) * d);
            check(irq_high == 0, "TIMEOUT 0: 1 byte below THRESH never raises irq");
            expect_reg(R_DATA, pattern[2], "read it");
            $sformat(g_note, "; DIV=%0d, TIMEOUT=%0d: irq +%0d / +%0d clocks", d, t, dt1, dt2);
            bus_write(R_CTRL, 32'd0);
            bus_write(R_RX_IRQ, RXI_RESET);
            group_end;
        end
    endtask

    // Back-to-back bytes leave the line idle for half a bit between stop and start: even
    // a short TIMEOUT must not fire inside a burst.
    task automatic test_rx_timeout_burst;
        begin
            group_begin("RX timeout: not inside a back-to-back burst");
            set_div(4);
            rx_clean;
            fill_pattern(12);
            bus_write(R_RX_IRQ, rxi(SMALL_DEPTH, 2));
            bus_write(R_CTRL, M_RX_IRQ);
            @(posedge clk); #3;
            fork
                rx_send_burst(0, 12, 4, 1.0);
                irq_watch(12 * 40 - 4);
            join
            check(irq_high == 0, "TIMEOUT 2: irq low through 12 back-to-back bytes");
            wait_irq(4 * 4);
            check(irq_dt >= 0, "and high 2 bit periods after the last");
            cpu_read_bytes(0, 12, 200);
            check(got_n == 12 && got_bad == 0, "bytes in order");
            check(irq === 1'b0, "drained: irq low");
            bus_write(R_CTRL, 32'd0);
            bus_write(R_RX_IRQ, RXI_RESET);
            group_end;
        end
    endtask

    // Empties RX and clears the error flags, so one failure does not cascade.
    task automatic rx_clean;
        begin
            wait_cycles(30 * mon_div);
            rd_val = 32'd0;
            while (!(rd_val & M_EMPTY)) bus_read(R_DATA, rd_val);
            bus_write(R_ERR, M_OVERRUN | M_FRAMING | M_TXOVF);
        end
    endtask

    // Transmitter off by pct percent (positive: slow, longer bits).
    task automatic test_tolerance(input integer d, input real pct, input integer nbytes);
        begin
            group_begin(pct > 0 ? "rx from a slow transmitter" : "rx from a fast transmitter");
            set_div(d);
            rx_clean;
            fill_pattern(nbytes);
            fork
                begin
                    @(posedge clk); #2;
                    rx_send_burst(0, nbytes, d, 1.0 + pct / 100.0);
                end
                cpu_read_bytes(0, nbytes, (nbytes + 2) * 11 * d + 200);
            join
            check(got_n == nbytes && got_bad == 0, "all bytes received in order");
            expect_reg(R_ERR, 32'd0, "no framing error, no overrun");
            $sformat(g_note, "; DIV=%0d, bit time %0s%.1f %%, %0d bytes back to back", d, pct > 0 ? "+" : "", pct, nbytes);
            group_end;
        end
    endtask

    // Both directions at once at 3 Mbaud, the CPU interleaving TX writes and RX reads.
    task automatic test_full_duplex(input integer nbytes);
        integer tx_i, m0;
        begin
            group_begin("full duplex at DIV=4");
            set_div(4);
            fill_pattern(2 * nbytes);
            m0 = mon_count;
            tx_i = 0;
            got_n = 0;
            got_bad = 0;
            fork
                begin
                    @(posedge clk); #5;
                    rx_send_burst(nbytes, nbytes, 4, 1.0);
                end
                begin
                    t_start = cyc;
                    while ((tx_i < nbytes || got_n < nbytes) && cyc - t_start < 100 * nbytes) begin
                        bus_read(R_STATUS, rd_val);
                        if (tx_i < nbytes && !(rd_val & M_TX_FULL)) begin
                            bus_write(R_DATA, pattern[tx_i]);
                            tx_i = tx_i + 1;
                        end
                        if (!(rd_val & M_RX_EMPTY)) begin
                            bus_read(R_DATA, rd_val);
                            if (rd_val !== {24'd0, pattern[nbytes + got_n]}) got_bad = got_bad + 1;
                            got_n = got_n + 1;
                        end
                    end
                end
            join
            wait_frames(m0 + nbytes, 20 * 40);
            check_frames(m0, 0, nbytes, 1'b1, "tx");
            check(got_n == nbytes && got_bad == 0, "rx bytes in order");
            expect_reg(R_ERR, 32'd0, "no error flags");
            $sformat(g_note, "; %0d bytes each way", nbytes);
            group_end;
        end
    endtask

    task automatic test_default_depth;
        begin
            sel = 1'b1;
            wait_cycles(2);
            group_begin("default-depth instance: basics");
            expect_reg(R_LEVEL, 32'd0, "LEVEL after reset");
            expect_reg(R_DIV, DIV_RESET, "DIV reset value");
            set_div(4);
            fill_pattern(8);
            n = mon_count;
            bus_burst_data(8, 0);
            wait_frames(n + 8, 20 * 40);
            check_frames(n, 0, 8, 1'b1, "tx");
            @(posedge clk); #3;
            rx_send_burst(0, 8, 4, 1.0);
            cpu_read_bytes(0, 8, 200);
            check(got_n == 8 && got_bad == 0, "rx bytes in order");
            group_end;
            test_rx_overrun(DFLT_DEPTH);
            test_tx_overflow(DFLT_DEPTH, 400);
            test_rx_irq_reg(DFLT_DEPTH);
            sel = 1'b0;
            wait_cycles(2);
        end
    endtask

    // ------------------------------------------------------------ main
    initial begin
        if ($test$plusargs("vcd")) begin
            $dumpfile("tb_vd_uart.vcd");
            $dumpvars(0, tb_vd_uart);
        end
        do_reset;
        wait_cycles(2);

        test_reset_values;
        test_div_reg;
        test_tx(104, 8);
        test_tx(4, 8);
        test_tx_stream(300);
        test_rx(104, 12);
        test_rx(4, 12);
        test_rx_overrun(SMALL_DEPTH);
        test_empty_reads;
        test_tx_overflow(SMALL_DEPTH, 200);
        test_framing;
        test_irq;
        test_rx_irq_reg(SMALL_DEPTH);
        test_rx_thresh;
        test_rx_timeout(4, 20);
        test_rx_timeout(104, 3);
        test_rx_timeout_burst;
        test_full_duplex(100);
        test_tolerance(104, -2.5, 40);
        test_tolerance(104, 2.5, 40);
        test_tolerance(104, -3.0, 40);
        test_tolerance(104, 3.0, 40);
        test_default_depth;

        group_begin("reset clears both FIFOs and flags");
        sel = 1'b0;
        set_div(200);
        mon_en = 1'b0;
        bus_write(R_DATA, 32'h12);
        bus_write(R_DATA, 32'h34);
        bus_write(R_RX_IRQ, rxi(9, 5));
        wait_cycles(300);
        do_reset;
        expect_reg(R_RX_IRQ, RXI_RESET, "RX_IRQ back to its reset value");
        expect_reg(R_LEVEL, 32'd0, "LEVEL = 0 after reset");
        expect_reg(R_STATUS, M_TX_EMPTY | M_TX_IDLE | M_RX_EMPTY, "STATUS after reset");
        check(txl === 1'b1, "tx_o high after reset, mid-frame");
        check(bus_errs == 0, "bus protocol clean over the whole run");
        check(mon_errs == 0, "line timing clean over the whole run");
        group_end;

        finish;
    end

endmodule

`default_nettype wire
