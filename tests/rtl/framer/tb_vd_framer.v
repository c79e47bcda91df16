`timescale 1ns/1ps
`default_nettype none
// tb_vd_framer: self-checking Icarus bench for rtl/uart/vd_framer.v against the software
// codec. framer_vectors.c (proto/vd_frame.c compiled natively) made the vectors: the
// receive stream and the bodies vd_frame_feed accepted from it (and its drop count), the
// transmit bodies and vd_frame_encode's bytes for each. The bench plays the UART's FIFOs
// (a byte source with random gaps, a sink that is randomly full: back-pressure both ways)
// and the CPU (registers and FRAMER_BUF through the block's own ports; it empties the
// receive slots late and at random, so the engine fills them all and stalls).
// The vectors (framer_*.hex) are read from the working directory (the make rule runs vvp there).

`include "vd_regs.vh"
`include "framer_vec.vh"

module tb_vd_framer;
    reg clk = 1'b0;
    always #5 clk = ~clk;
    integer cyc = 0;
    always @(posedge clk) cyc <= cyc + 1;

    reg         rst = 1'b1;
    reg         req = 1'b0, we = 1'b0;
    reg  [11:0] addr = 12'd0;
    reg  [31:0] wdata = 32'd0;
    wire        ack, irq;
    wire [31:0] rdata;
    reg         buf_en = 1'b0;
    reg  [3:0]  buf_we = 4'd0;
    reg  [11:0] buf_addr = 12'd0;
    reg  [31:0] buf_wdata = 32'd0;
    wire [31:0] buf_rdata;
    wire        rxs_pop, txs_push;
    wire [7:0]  txs_data;
    reg         rxs_valid_r = 1'b0;
    reg  [7:0]  rxs_data_r = 8'd0;
    reg         txs_full = 1'b0;

    vd_framer dut (
        .clk_i(clk), .rst_i(rst), .req_i(req), .we_i(we), .addr_i(addr), .wdata_i(wdata),
        .ack_o(ack), .rdata_o(rdata), .irq_o(irq),
        .buf_en_i(buf_en), .buf_we_i(buf_we), .buf_addr_i(buf_addr), .buf_wdata_i(buf_wdata),
        .buf_rdata_o(buf_rdata),
        .rxs_valid_i(rxs_valid_r), .rxs_data_i(rxs_data_r), .rxs_pop_o(rxs_pop),
        .txs_full_i(txs_full), .txs_push_o(txs_push), .txs_data_o(txs_data)
    );

    `include "tb_checks.vh"

    reg [7:0]  rx_in   [0:`RX_IN_N-1];
    reg [7:0]  rx_exp  [0:`RX_EXP_BYTES-1];
    reg [11:0] rx_elen [0:`RX_GOOD_N-1];
    reg [7:0]  tx_body [0:`TX_BODY_BYTES-1];
    reg [11:0] tx_blen [0:`TX_N-1];
    reg [7:0]  tx_exp  [0:`TX_EXP_BYTES-1];
    reg [11:0] tx_elen [0:`TX_N-1];

    // ------------------------------------------------------------ bus (the CPU)
    // The bench drives on the negative edge, the DUT samples on the positive one.
    task automatic reg_wr(input [11:0] a, input [31:0] d);
        begin
            @(negedge clk); req = 1'b1; we = 1'b1; addr = a; wdata = d;
            @(negedge clk); req = 1'b0; we = 1'b0;
        end
    endtask

    task automatic reg_rd(input [11:0] a, output [31:0] d);
        begin
            @(negedge clk); req = 1'b1; we = 1'b0; addr = a;
            @(negedge clk); req = 1'b0; d = rdata;
        end
    endtask

    task automatic buf_wr(input [11:0] wa, input [31:0] d);
        begin
            @(negedge clk); buf_en = 1'b1; buf_we = 4'hF; buf_addr = wa; buf_wdata = d;
            @(negedge clk); buf_en = 1'b0; buf_we = 4'h0;
        end
    endtask

    task automatic buf_rd(input [11:0] wa, output [31:0] d);
        begin
            @(negedge clk); buf_en = 1'b1; buf_we = 4'h0; buf_addr = wa;
            @(negedge clk); buf_en = 1'b0; d = buf_rdata;
        end
    endtask

    // ------------------------------------------------------------ the RX FIFO model
    // Presents rx_in[] one byte at a time, with random gaps (empty FIFO), until popped.
    integer src_i = 0;
    reg     src_run = 1'b0;
    integer seed = 1;
    integer src_gap_pct = 30;
    integer pops_while_off = 0;
    always @(posedge clk) begin
        if (rxs_pop) begin
            if (!rxs_valid_r) pops_while_off <= pops_while_off + 1;
            src_i <= src_i + 1;
        end
    end
    always @(negedge clk) begin
        if (src_run && src_i < `RX_IN_N && ($urandom(seed) % 100) >= src_gap_pct) begin
            rxs_valid_r = 1'b1;
            rxs_data_r  = rx_in[src_i];
        end else begin
            rxs_valid_r = 1'b0;
            rxs_data_r  = 8'hxx;   // never used while not valid
        end
    end

    // ------------------------------------------------------------ the TX FIFO model
    reg [7:0] tx_got [0:4095];
    integer   tx_got_n = 0;
    integer   sink_full_pct = 0;
    integer   push_while_full = 0;
    always @(posedge clk) begin
        if (txs_push) begin
            if (txs_full) push_while_full <= push_while_full + 1;
            else begin
                tx_got[tx_got_n] <= txs_data;
                tx_got_n <= tx_got_n + 1;
            end
        end
    end
    always @(negedge clk) txs_full = ($urandom(seed) % 100) < sink_full_pct;

    // ------------------------------------------------------------ tests
    integer f, j, k, e, n, pos, slot_off, frames_seen, mism, irqs, max_count;
    reg [31:0] d, r;

    // Receive everything, checking each frame against the codec's; pop_delay: idle
    // cycles (random up to it) before each frame is taken, so the slots fill up.
    task automatic run_rx(input integer pop_delay, input integer gap_pct);
        begin
            src_gap_pct = gap_pct;
            src_i = 0;
            src_run = 1'b1;
            e = 0;
            frames_seen = 0;
            mism = 0;
            irqs = 0;
            max_count = 0;
            for (f = 0; f < `RX_GOOD_N; f = f + 1) begin
                // wait for a frame (bounded: the line holds fewer bytes than this)
                k = 0;
                r = 32'd0;
                while (r[`VD_FRAMER_RX_COUNT_LSB +: 3] == 3'd0 && k < 200000) begin
                    reg_rd(`VD_FRAMER_RX, r);
                    k = k + 1;
                end
                if (pop_delay > 0) repeat ($urandom(seed) % pop_delay) @(negedge clk);
                reg_rd(`VD_FRAMER_RX, r);
                if (r[`VD_FRAMER_RX_COUNT_LSB +: 3] > max_count)
                    max_count = r[`VD_FRAMER_RX_COUNT_LSB +: 3];
                if (irq) irqs = irqs + 1;
                reg_wr(`VD_FRAMER_IRQ, `VD_FRAMER_IRQ_FRAME_MASK);
                slot_off = r[`VD_FRAMER_RX_OFFSET_LSB +: 13];
                n = rx_elen[f];
                for (j = 0; j < n; j = j + 4) begin
                    buf_rd((slot_off + j) >> 2, d);
                    for (pos = 0; pos < 4 && j + pos < n; pos = pos + 1)
                        if (d[8*pos +: 8] !== rx_exp[e + j + pos]) mism = mism + 1;
                end
                e = e + n;
                frames_seen = frames_seen + 1;
                reg_wr(`VD_FRAMER_RX_POP, 32'd0);
            end
            // the stream's tail (drops after the last good frame) drains too
            k = 0;
            while (src_i < `RX_IN_N && k < 100000) begin
                @(negedge clk);
                k = k + 1;
            end
            repeat (4) @(negedge clk);
            src_run = 1'b0;
        end
    endtask

    reg [31:0] a0, b0, fr0;
    task automatic check_rx(input [8*32-1:0] name);
        begin
            reg_rd(`VD_FRAMER_RX, r);
            check_eq(r[`VD_FRAMER_RX_COUNT_LSB +: 3], 0, "no frame left over");
            check_eq(mism, 0, "received bodies equal the codec's, byte for byte");
            check_eq(frames_seen, `RX_GOOD_N, "as many frames as the codec accepted");
            check_eq(src_i, `RX_IN_N, "every byte of the stream taken");
            check_eq(pops_while_off, 0, "no pop of an empty FIFO");
            reg_rd(`VD_FRAMER_DROP_A, a0);
            reg_rd(`VD_FRAMER_DROP_B, b0);
            reg_rd(`VD_FRAMER_FRAMES, fr0);
            // counters are cumulative since reset: the bench resets before each run
            check_eq(a0[15:0] + a0[31:16] + b0[15:0] + b0[31:16], `RX_DROPPED,
                     "drops by cause add up to the codec's drop count");
            reg_rd(`VD_FRAMER_DROPPED, d);
            check_eq(d, `RX_DROPPED, "DROPPED: the codec's drop count");
            check(a0[15:0] != 0 && a0[31:16] != 0 && b0[15:0] != 0 && b0[31:16] != 0,
                  "every drop cause seen (CRC, COBS, HEADER, OVERSIZE)");
            check_eq(fr0[15:0], `RX_GOOD_N, "FRAMES.RX");
            $display("     %0s: drops crc %0d cobs %0d header %0d oversize %0d; slots used at most %0d; irq seen %0d",
                     name, a0[15:0], a0[31:16], b0[15:0], b0[31:16], max_count, irqs);
        end
    endtask

    integer tb_i, te_i, ln, t, tmism, lmism, t0, tcycles;
    task automatic run_tx(input integer full_pct);
        begin
            sink_full_pct = full_pct;
            tb_i = 0;
            te_i = 0;
            tmism = 0;
            lmism = 0;
            tcycles = 0;
            for (t = 0; t < `TX_N; t = t + 1) begin
                ln = tx_blen[t];
                for (j = 0; j < ln; j = j + 4) begin
                    d = 32'd0;
                    for (pos = 0; pos < 4; pos = pos + 1)
                        if (j + pos < ln) d[8*pos +: 8] = tx_body[tb_i + j + pos];
                    buf_wr((`VD_FRAMER_TX_OFFSET + j) >> 2, d);
                end
                tx_got_n = 0;
                t0 = cyc;
                reg_wr(`VD_FRAMER_TX, ln);
                r = 32'h80000000;
                k = 0;
                while (r[`VD_FRAMER_TX_BUSY_LSB] && k < 100000) begin
                    reg_rd(`VD_FRAMER_TX, r);
                    k = k + 1;
                end
                tcycles = tcycles + (cyc - t0);
                if (tx_got_n != tx_elen[t]) lmism = lmism + 1;
                for (j = 0; j < tx_elen[t] && j < tx_got_n; j = j + 1)
                    if (tx_got[j] !== tx_exp[te_i + j]) tmism = tmism + 1;
                tb_i = tb_i + ln;
                te_i = te_i + tx_elen[t];
            end
            sink_full_pct = 0;
        end
    endtask

    task automatic reset_dut;
        begin
            rst = 1'b1;
            repeat (3) @(negedge clk);
            rst = 1'b0;
            reg_wr(`VD_FRAMER_CTRL, `VD_FRAMER_CTRL_EN_MASK | `VD_FRAMER_CTRL_IRQ_EN_MASK);
        end
    endtask

    initial begin
        if ($test$plusargs("vcd")) begin
            $dumpfile("tb_vd_framer.vcd");
            $dumpvars(0, tb_vd_framer);
        end
        $readmemh("framer_rx_in.hex", rx_in);
        $readmemh("framer_rx_exp.hex", rx_exp);
        $readmemh("framer_rx_exp_len.hex", rx_elen);
        $readmemh("framer_tx_body.hex", tx_body);
        $readmemh("framer_tx_body_len.hex", tx_blen);
        $readmemh("framer_tx_exp.hex", tx_exp);
        $readmemh("framer_tx_exp_len.hex", tx_elen);

        // -------------------------------------------- disabled: nothing is taken
        group_begin("CTRL.EN clear: the FIFOs stay the CPU's");
        rst = 1'b1;
        repeat (3) @(negedge clk);
        rst = 1'b0;
        src_i = 0;
        src_gap_pct = 0;
        src_run = 1'b1;
        repeat (50) @(negedge clk);
        check_eq(src_i, 0, "no byte taken while EN is 0");
        reg_wr(`VD_FRAMER_TX, 12);
        reg_rd(`VD_FRAMER_TX, r);
        check_eq(r[`VD_FRAMER_TX_BUSY_LSB], 0, "TX not started while EN is 0");
        check_eq(tx_got_n, 0, "nothing queued");
        src_run = 1'b0;
        group_end;

        // -------------------------------------------- receive, as fast as it goes
        group_begin("RX: the codec's frames, source without gaps, CPU prompt");
        reset_dut;
        run_rx(0, 0);
        check_rx("prompt");
        group_end;

        group_begin("RX: source with gaps, CPU late (slots full, engine stalls)");
        reset_dut;
        run_rx(3000, 40);
        check_rx("late");
        check(max_count == `VD_FRAMER_RX_SLOTS, "all slots were in use at some point");
        group_end;

        // -------------------------------------------- the interrupt
        group_begin("IRQ: FRAME per stored frame, IRQ_EN gates it, w1c");
        reset_dut;
        check_eq(irq, 0, "low after reset");
        src_i = 0;
        src_gap_pct = 0;
        src_run = 1'b1;
        k = 0;
        while (!irq && k < 20000) begin @(negedge clk); k = k + 1; end
        check_eq(irq, 1, "raised by the first frame");
        reg_wr(`VD_FRAMER_CTRL, `VD_FRAMER_CTRL_EN_MASK);
        check_eq(irq, 0, "IRQ_EN 0 masks it");
        reg_rd(`VD_FRAMER_IRQ, r);
        check_eq(r[`VD_FRAMER_IRQ_FRAME_LSB], 1, "IRQ.FRAME still set");
        reg_wr(`VD_FRAMER_IRQ, `VD_FRAMER_IRQ_FRAME_MASK);
        reg_rd(`VD_FRAMER_IRQ, r);
        // more frames may have completed meanwhile: only the count tells
        reg_rd(`VD_FRAMER_RX, d);
        check(d[`VD_FRAMER_RX_COUNT_LSB +: 3] != 0, "frames wait");
        src_run = 1'b0;
        group_end;

        // -------------------------------------------- transmit
        group_begin("TX: vd_frame_encode's bytes, sink never full");
        reset_dut;
        run_tx(0);
        check_eq(lmism, 0, "every frame as long as the codec's");
        check_eq(tmism, 0, "every byte equal to the codec's");
        check_eq(push_while_full, 0, "never pushed into a full FIFO");
        reg_rd(`VD_FRAMER_FRAMES, r);
        check_eq(r[31:16], `TX_N, "FRAMES.TX");
        $display("     %0d frames, %0d body bytes, %0d cycles from the TX write to not BUSY",
                 `TX_N, `TX_BODY_BYTES, tcycles);
        group_end;

        group_begin("TX: sink full 70% of the time (back-pressure)");
        reset_dut;
        run_tx(70);
        check_eq(lmism, 0, "every frame as long as the codec's");
        check_eq(tmism, 0, "every byte equal to the codec's");
        check_eq(push_while_full, 0, "never pushed into a full FIFO");
        group_end;

        group_begin("TX write while BUSY is ignored; EN clear stops a frame");
        reset_dut;
        sink_full_pct = 100;
        @(negedge clk);
        reg_wr(`VD_FRAMER_TX, 12);
        reg_wr(`VD_FRAMER_TX, 20);
        reg_rd(`VD_FRAMER_TX, r);
        check_eq(r, 32'h8000000C, "BUSY, the first LEN kept");
        reg_wr(`VD_FRAMER_CTRL, 32'd0);
        reg_rd(`VD_FRAMER_TX, r);
        check_eq(r[`VD_FRAMER_TX_BUSY_LSB], 0, "EN clear: idle");
        sink_full_pct = 0;
        group_end;

        $display("%0d passed, %0d failed", n_pass, n_fail);
        if (n_fail != 0) $fatal(1, "tb_vd_framer: %0d check(s) failed", n_fail);
        $finish;
    end

    initial begin
        #2000000000;
        $display("tb_vd_framer: timeout");
        $display("%0d passed, %0d failed", n_pass, n_fail + 1);
        $fatal(1, "timeout");
    end
endmodule

`default_nettype wire
