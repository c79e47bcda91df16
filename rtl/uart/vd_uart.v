`default_nettype none
// vd_uart: 8N1 UART with RX and TX FIFOs (block RAM), a clocks-per-bit divider and a
// level interrupt with an RX trigger level and character timeout. Registers: spec/regs/uart.toml; every offset and bit position here
// comes from the generated vd_regs.vh. Behaviour and limits: docs/uart.md.
//
// TX: a byte leaves the FIFO when the shifter is idle or in the last clock of a stop
//     bit, so queued bytes go out back to back. Every bit lasts exactly DIV clocks.
// RX: rx_i passes a two-flop synchroniser. A falling edge while idle starts a frame
//     and re-times the bit timer to that edge. The start bit is checked DIV/2 clocks
//     after the edge (high again: a glitch, ignored), then each data bit and the stop
//     bit are sampled DIV clocks apart, i.e. mid-bit. A stop bit of 0 sets ERR.FRAMING
//     and drops the byte; a byte arriving with the RX FIFO full sets ERR.RX_OVERRUN and
//     is dropped. The receiver is idle again from mid-stop-bit, ready for the next edge.
// IRQ: RX raises it at LEVEL.RX >= RX_IRQ.THRESH, or with bytes below THRESH once the
//     line has been idle for RX_IRQ.TIMEOUT bit periods. While idle, the RX bit timer
//     keeps counting bit periods for that timeout (it is re-timed by every start edge).
// Byte streams (the framer, rtl/uart/vd_framer.v): rxs_* is the RX FIFO's head, popped by
//     rxs_pop_i as by a DATA read; txs_push_i queues a byte as a DATA write does. Whoever
//     owns the FIFOs (FRAMER.CTRL.EN) is the only one to use them; tied to 0 they are unused.

`include "vd_regs.vh"

module vd_uart #(
    parameter integer DIV_RESET  = `VD_UART_DIV_RESET,   // clocks per bit after reset
    parameter integer FIFO_DEPTH = `VD_UART_FIFO_DEPTH   // bytes per direction: 2**n, 4..32768
) (
    input  wire        clk_i,
    input  wire        rst_i,     // synchronous, active high
    input  wire        req_i,     // one-cycle access strobe
    input  wire        we_i,
    input  wire [11:0] addr_i,    // byte offset in the block
    input  wire [31:0] wdata_i,
    output reg         ack_o,     // one cycle after req_i
    output reg  [31:0] rdata_o,   // valid while ack_o, 0 otherwise
    output wire        irq_o,     // level
    output wire        tx_o,      // serial out, idle high
    input  wire        rx_i,      // serial in, asynchronous
    output wire        rxs_valid_o,  // a received byte is at the RX FIFO's head
    output wire [7:0]  rxs_data_o,
    input  wire        rxs_pop_i,    // take it (ignored while the FIFO is empty)
    output wire        txs_full_o,   // the TX FIFO is full: a push now is dropped
    input  wire        txs_push_i,   // queue txs_data_i
    input  wire [7:0]  txs_data_i
);

    localparam integer  BW         = `VD_UART_DATA_BYTE_WIDTH;  // data bits per frame
    localparam integer  DW         = `VD_UART_DIV_CLKS_WIDTH;   // divider width
    localparam integer  LW         = $clog2(FIFO_DEPTH + 1);    // FIFO level width
    localparam integer  FRAME_I    = BW + 2;                    // start + data + stop
    localparam [3:0]    FRAME_BITS = FRAME_I[3:0];
    localparam integer  DIV_MIN_I  = `VD_UART_DIV_MIN;
    localparam [DW-1:0] DIV_MIN    = DIV_MIN_I[DW-1:0];
    localparam integer  DIV_LOW_I  = (1 << $clog2(DIV_MIN_I)) - 1;
    localparam [DW-1:0] DIV_LOW    = DIV_LOW_I[DW-1:0];         // the bits of values < DIV_MIN
    localparam [DW-1:0] DIV_RST    = (DIV_RESET < DIV_MIN_I) ? DIV_MIN : DIV_RESET[DW-1:0];
    localparam [31:0]   CTRL_RST   = `VD_UART_CTRL_RESET;
    localparam [31:0]   RXI_RST    = `VD_UART_RX_IRQ_RESET;
    localparam integer  TW         = `VD_UART_RX_IRQ_TIMEOUT_WIDTH;  // idle timeout width
    localparam [DW-1:0] CNT_ONE    = {{(DW-1){1'b0}}, 1'b1};
    localparam [DW-1:0] CNT_THREE  = {{(DW-2){1'b0}}, 2'b11};
    localparam [TW-1:0] RX_STOP_BIT = FRAME_I[TW-1:0] - 1'b1;  // rx_bits_q at the stop bit

    // ------------------------------------------------------------ bus decode
    wire rd = req_i & ~we_i;
    wire wr = req_i & we_i;

    wire a_data = (addr_i == `VD_UART_DATA);
    wire a_ctrl = (addr_i == `VD_UART_CTRL);
    wire a_div  = (addr_i == `VD_UART_DIV);
    wire a_err  = (addr_i == `VD_UART_ERR);
    wire a_rxi  = (addr_i == `VD_UART_RX_IRQ);
    wire div_wr = wr & a_div;  // also restarts both bit timers (no overshoot past DIV)
    wire rxi_wr = wr & a_rxi;  // also restarts the idle-line count

    reg [DW-1:0] div_q;
    reg          rx_irq_en_q;
    reg          tx_irq_en_q;
    reg          err_overrun_q;
    reg          err_framing_q;
    reg          err_txovf_q;
    reg [LW-1:0] rx_thresh_q;  // RX_IRQ.THRESH: LW bits fit LEVEL.RX (FIFO_DEPTH <= 32768)
    reg [TW-1:0] rx_tmo_q;

    // ------------------------------------------------------------ FIFOs
    wire [BW-1:0] tx_head;
    wire          tx_empty;   // nothing at the FIFO head yet
    wire          tx_full;
    wire [LW-1:0] tx_level;
    wire          tx_pop;
    wire          cpu_tx_push = wr & a_data;
    wire          tx_push = cpu_tx_push | txs_push_i;
    wire [BW-1:0] tx_wdata = txs_push_i ? txs_data_i : wdata_i[`VD_UART_DATA_BYTE_LSB +: BW];
    wire          tx_none = (tx_level == {LW{1'b0}});  // also right in the push-to-head cycle

    vd_fifo #(.WIDTH(BW), .DEPTH(FIFO_DEPTH)) u_tx_fifo (
        .clk_i  (clk_i),
        .rst_i  (rst_i),
        .push_i (tx_push),
        .wdata_i(tx_wdata),
        .pop_i  (tx_pop),
        .rdata_o(tx_head),
        .empty_o(tx_empty),
        .full_o (tx_full),
        .level_o(tx_level)
    );

    wire [BW-1:0] rx_head;
    wire          rx_empty;
    wire          rx_full;
    wire [LW-1:0] rx_level;
    wire          rx_push;
    reg  [BW-1:0] rx_shift_q;
    wire          rx_pop = ((rd & a_data) | rxs_pop_i) & ~rx_empty;

    assign rxs_valid_o = ~rx_empty;
    assign rxs_data_o  = rx_head;
    assign txs_full_o  = tx_full;

    vd_fifo #(.WIDTH(BW), .DEPTH(FIFO_DEPTH)) u_rx_fifo (
        .clk_i  (clk_i),
        .rst_i  (rst_i),
        .push_i (rx_push),
        .wdata_i(rx_shift_q),
        .pop_i  (rx_pop),
        .rdata_o(rx_head),
        .empty_o(rx_empty),
        .full_o (rx_full),
        .level_o(rx_level)
    );

    // ------------------------------------------------------------ transmitter
    reg [BW:0]   tx_shift_q;  // [0] drives the line; ones shift in behind (stop bit, idle)
    reg [3:0]    tx_bits_q;   // bits of the frame not yet finished
    reg [DW-1:0] tx_cnt_q;    // clock within the bit, 1..DIV; 1 while idle
    reg          tx_busy_q;

    wire tx_tick = tx_busy_q & (tx_cnt_q == div_q);  // last clock of a bit
    wire tx_end  = tx_tick & (tx_bits_q == 4'd1);     // ... of the stop bit
    assign tx_pop = ~tx_empty & (~tx_busy_q | tx_end);

    always @(posedge clk_i) begin
        if (rst_i) begin
            tx_shift_q <= {(BW+1){1'b1}};
            tx_bits_q  <= 4'd0;
            tx_busy_q  <= 1'b0;
        end else if (tx_pop) begin
            tx_shift_q <= {tx_head, 1'b0};  // start bit first, then LSB first
            tx_bits_q  <= FRAME_BITS;
            tx_busy_q  <= 1'b1;
        end else if (tx_tick) begin
            tx_shift_q <= {1'b1, tx_shift_q[BW:1]};
            tx_bits_q  <= tx_bits_q - 4'd1;
            if (tx_end) tx_busy_q <= 1'b0;
        end
    end

    always @(posedge clk_i) begin
        if (!tx_busy_q || tx_tick || div_wr) tx_cnt_q <= CNT_ONE;
        else                                 tx_cnt_q <= tx_cnt_q + 1'b1;
    end

    assign tx_o = tx_shift_q[0];

    // ------------------------------------------------------------ receiver
    wire          rx_s;       // synchronised rx_i
    reg           rx_s_q;     // rx_s one clock earlier, for the start edge
    reg  [TW-1:0] rx_bits_q;  // busy: 0 = start bit, 1..BW = data, BW+1 = stop;
                              // idle: bit periods of idle line, up to RX_IRQ.TIMEOUT
    reg  [DW-1:0] rx_cnt_q;
    reg           rx_busy_q;

    vd_sync #(.RESET_VAL(1'b1)) u_rx_sync (
        .clk_i(clk_i),
        .rst_i(rst_i),
        .d_i  (rx_i),
        .q_o  (rx_s)
    );

    // The bit timer is loaded with 3 at the start edge and counts 5, 7 ..., so the start
    // bit is sampled when bits [DW-1:1] reach DIV/2, DIV/2 clocks after the edge; then it
    // counts 1..DIV for each later bit. While idle it counts 1..DIV too: each wrap is one
    // bit period of idle line, counted in rx_bits_q for the RX interrupt timeout.
    wire rx_start    = ~rx_busy_q & rx_s_q & ~rx_s;
    wire rx_half     = (rx_bits_q == {TW{1'b0}});
    wire rx_cnt_hi   = (rx_cnt_q[DW-1:1] == div_q[DW-1:1]);
    wire rx_cnt_lo   = (rx_cnt_q[0] == div_q[0]);
    wire rx_tick     = rx_busy_q & rx_cnt_hi & (rx_half | rx_cnt_lo);
    wire rx_idle_bit = ~rx_busy_q & rx_cnt_hi & rx_cnt_lo;  // a bit period of idle line
    wire rx_step2    = rx_busy_q & rx_half;                 // start bit: count by two
    wire rx_stop     = rx_tick & (rx_bits_q == RX_STOP_BIT);
    wire rx_glitch   = rx_tick & rx_half & rx_s;
    wire rx_framing  = rx_stop & ~rx_s;
    wire rx_overrun  = rx_stop & rx_s & rx_full;
    assign rx_push   = rx_stop & rx_s;  // the FIFO drops it when full

    // Idle line: the count stops at TIMEOUT (0: at once, and the timeout is off). A write
    // to RX_IRQ restarts it, so a new TIMEOUT below the count is never skipped.
    wire rx_idle_hit = (rx_bits_q == rx_tmo_q);
    wire rx_timeout  = ~rx_busy_q & rx_idle_hit & (rx_tmo_q != {TW{1'b0}});

    always @(posedge clk_i) begin
        if (rst_i) begin
            rx_s_q    <= 1'b1;
            rx_bits_q <= {TW{1'b0}};
            rx_busy_q <= 1'b0;
        end else begin
            rx_s_q <= rx_s;
            if (rx_start) begin
                rx_busy_q <= 1'b1;
                rx_bits_q <= {TW{1'b0}};
            end else if (rx_stop || rx_glitch) begin
                rx_busy_q <= 1'b0;
                rx_bits_q <= {TW{1'b0}};
            end else if (rx_busy_q ? rx_tick : (rx_idle_bit & ~rx_idle_hit)) begin
                rx_bits_q <= rx_bits_q + 1'b1;
            end else if (!rx_busy_q && rxi_wr) begin
                rx_bits_q <= {TW{1'b0}};
            end
        end
    end

    always @(posedge clk_i) begin
        if (rst_i || rx_tick || div_wr) rx_cnt_q <= CNT_ONE;
        else if (rx_start)              rx_cnt_q <= CNT_THREE;  // the edge clock counts as 1
        else if (rx_idle_bit)           rx_cnt_q <= CNT_ONE;
        else rx_cnt_q <= rx_cnt_q + {{(DW-2){1'b0}}, rx_step2, ~rx_step2};
    end

    // Data bits arrive LSB first. The start and stop samples shift through harmlessly:
    // the byte is pushed from this register in the cycle the stop bit is sampled.
    always @(posedge clk_i) begin
        if (rx_tick) rx_shift_q <= {rx_s, rx_shift_q[BW-1:1]};
    end

    // ------------------------------------------------------------ register writes
    wire [DW-1:0] wdata_div = wdata_i[`VD_UART_DIV_CLKS_LSB +: DW];
    wire          div_clamp = ((wdata_div & ~DIV_LOW) == {DW{1'b0}})
                            && ((wdata_div & DIV_LOW) < DIV_MIN);

    // Write-data bits outside every writable field are ignored (named so lint knows).
    localparam [31:0] WR_FIELDS = `VD_UART_DATA_BYTE_MASK | `VD_UART_CTRL_RX_IRQ_EN_MASK
                                | `VD_UART_CTRL_TX_IRQ_EN_MASK | `VD_UART_DIV_CLKS_MASK
                                | `VD_UART_ERR_RX_OVERRUN_MASK | `VD_UART_ERR_FRAMING_MASK
                                | `VD_UART_ERR_TX_OVERFLOW_MASK
                                | (`VD_UART_RX_IRQ_THRESH_MASK
                                   & (((32'd1 << LW) - 32'd1) << `VD_UART_RX_IRQ_THRESH_LSB))
                                | `VD_UART_RX_IRQ_TIMEOUT_MASK;
    wire unused_wdata = ^(wdata_i & ~WR_FIELDS);

    always @(posedge clk_i) begin
        if (rst_i) begin
            div_q         <= DIV_RST;
            rx_irq_en_q   <= CTRL_RST[`VD_UART_CTRL_RX_IRQ_EN_LSB];
            tx_irq_en_q   <= CTRL_RST[`VD_UART_CTRL_TX_IRQ_EN_LSB];
            err_overrun_q <= 1'b0;
            err_framing_q <= 1'b0;
            err_txovf_q   <= 1'b0;
            rx_thresh_q   <= RXI_RST[`VD_UART_RX_IRQ_THRESH_LSB +: LW];
            rx_tmo_q      <= RXI_RST[`VD_UART_RX_IRQ_TIMEOUT_LSB +: TW];
        end else begin
            if (wr && a_ctrl) begin
                rx_irq_en_q <= wdata_i[`VD_UART_CTRL_RX_IRQ_EN_LSB];
                tx_irq_en_q <= wdata_i[`VD_UART_CTRL_TX_IRQ_EN_LSB];
            end
            if (rxi_wr) begin
                rx_thresh_q <= wdata_i[`VD_UART_RX_IRQ_THRESH_LSB +: LW];
                rx_tmo_q    <= wdata_i[`VD_UART_RX_IRQ_TIMEOUT_LSB +: TW];
            end
            // Below DIV_MIN every bit above DIV_LOW is 0 already: clear DIV_LOW, set DIV_MIN.
            if (div_wr) div_q <= (wdata_div & ~({DW{div_clamp}} & DIV_LOW))
                                    | ({DW{div_clamp}} & DIV_MIN);
            // Sticky flags: a new event wins over a write-1-to-clear in the same cycle.
            err_overrun_q <= (err_overrun_q & ~(wr & a_err & wdata_i[`VD_UART_ERR_RX_OVERRUN_LSB]))
                           | rx_overrun;
            err_framing_q <= (err_framing_q & ~(wr & a_err & wdata_i[`VD_UART_ERR_FRAMING_LSB]))
                           | rx_framing;
            err_txovf_q   <= (err_txovf_q & ~(wr & a_err & wdata_i[`VD_UART_ERR_TX_OVERFLOW_LSB]))
                           | (tx_push & tx_full);
        end
    end

    // ------------------------------------------------------------ register reads
    reg [31:0] rdata_d;

    always @(*) begin
        rdata_d = 32'd0;
        case (addr_i)
            `VD_UART_DATA: begin
                if (rx_empty) rdata_d[`VD_UART_DATA_EMPTY_LSB] = 1'b1;
                else          rdata_d[`VD_UART_DATA_BYTE_LSB +: BW] = rx_head;
            end
            `VD_UART_STATUS: begin
                rdata_d[`VD_UART_STATUS_TX_FULL_LSB]  = tx_full;
                rdata_d[`VD_UART_STATUS_TX_EMPTY_LSB] = tx_none;
                rdata_d[`VD_UART_STATUS_TX_IDLE_LSB]  = tx_none & ~tx_busy_q;
                rdata_d[`VD_UART_STATUS_RX_EMPTY_LSB] = rx_empty;
                rdata_d[`VD_UART_STATUS_RX_FULL_LSB]  = rx_full;
            end
            `VD_UART_CTRL: begin
                rdata_d[`VD_UART_CTRL_RX_IRQ_EN_LSB] = rx_irq_en_q;
                rdata_d[`VD_UART_CTRL_TX_IRQ_EN_LSB] = tx_irq_en_q;
            end
            `VD_UART_DIV: begin
                rdata_d[`VD_UART_DIV_CLKS_LSB +: DW] = div_q;
            end
            `VD_UART_LEVEL: begin
                rdata_d[`VD_UART_LEVEL_RX_LSB +: LW] = rx_level;
                rdata_d[`VD_UART_LEVEL_TX_LSB +: LW] = tx_level;
            end
            `VD_UART_ERR: begin
                rdata_d[`VD_UART_ERR_RX_OVERRUN_LSB]  = err_overrun_q;
                rdata_d[`VD_UART_ERR_FRAMING_LSB]     = err_framing_q;
                rdata_d[`VD_UART_ERR_TX_OVERFLOW_LSB] = err_txovf_q;
            end
            `VD_UART_RX_IRQ: begin
                rdata_d[`VD_UART_RX_IRQ_THRESH_LSB +: LW] = rx_thresh_q;
                rdata_d[`VD_UART_RX_IRQ_TIMEOUT_LSB +: TW] = rx_tmo_q;
            end
            default: ;
        endcase
    end

    always @(posedge clk_i) begin
        if (rst_i) begin
            ack_o   <= 1'b0;
            rdata_o <= 32'd0;
        end else begin
            ack_o   <= req_i;
            rdata_o <= rd ? rdata_d : 32'd0;
        end
    end

    // THRESH = 0 acts as 1: the interrupt also needs a byte at the FIFO head.
    // LEVEL.RX >= THRESH is the carry out of LEVEL.RX + ~THRESH + 1: one carry chain.
    wire [LW:0] rx_ge = {1'b0, rx_level} + {1'b0, ~rx_thresh_q} + {{LW{1'b0}}, 1'b1};
    wire        rx_trig = rx_ge[LW] | rx_timeout;
    assign irq_o = (rx_irq_en_q & ~rx_empty & rx_trig) | (tx_irq_en_q & tx_none);

endmodule

`default_nettype wire
