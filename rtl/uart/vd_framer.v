`default_nettype none
// vd_framer: the wire protocol's framing in hardware, between the UART's FIFOs and the CPU
// (docs/uart.md "Framer", the frame format in docs/wire.md; registers spec/regs/framer.toml).
//
// Receive: takes bytes from the UART's RX FIFO head (one per clock at most), undoes COBS
//     and writes the decoded body (header, payload, CRC) straight into the next free slot
//     of FRAMER_BUF, keeping the CRC-32C up to date a byte at a time. At the delimiter the
//     frame is checked exactly as proto/vd_frame.c's decoder checks it (the RTL test feeds
//     both the same bytes): at least header + CRC, version 1, len <= MAX_PAYLOAD and equal
//     to the body's, CRC-32C residue. A good frame's slot is handed to the CPU (RX.COUNT,
//     IRQ.FRAME); a bad one is counted by cause and its slot reused. A body that would
//     exceed MAX_BODY is skipped to the next delimiter (OVERSIZE). While every slot holds
//     a frame the engine takes nothing: the UART's RX FIFO absorbs the line meanwhile.
// Transmit: the body (LEN bytes at TX_OFFSET) is sent as COBS(body | CRC-32C LE) 0x00 into
//     the UART's TX FIFO. Each COBS block is scanned first (the bytes up to the next zero,
//     at most 254; the CRC advances over them as they are scanned, so it is final when the
//     scan reaches the CRC bytes), then its code byte and data are queued from a second
//     read of the same bytes. Queuing stalls while the TX FIFO is full; the FIFO drains at
//     the line's rate, so the scan of the next block runs while earlier bytes go out.
// Buffer: two RAMs with one write and one read port each (iCE40 block RAM) behind one CPU
//     port (a two-cycle target like PCIE_BUF): the receive slots, which the CPU reads (its
//     writes are ignored), and the transmit body, which it writes (reads return 0; the body
//     is mirrored over the upper half of the region).
`include "vd_regs.vh"

module vd_framer (
    input  wire        clk_i,
    input  wire        rst_i,
    // register block
    input  wire        req_i,
    input  wire        we_i,
    input  wire [11:0] addr_i,
    input  wire [31:0] wdata_i,
    output reg         ack_o,
    output reg  [31:0] rdata_o,
    output wire        irq_o,
    // FRAMER_BUF, the CPU's port (word address, byte enables, registered read)
    input  wire        buf_en_i,
    input  wire [3:0]  buf_we_i,
    input  wire [11:0] buf_addr_i,
    input  wire [31:0] buf_wdata_i,
    output wire [31:0] buf_rdata_o,
    // the UART's FIFOs
    input  wire        rxs_valid_i,
    input  wire [7:0]  rxs_data_i,
    output wire        rxs_pop_o,
    input  wire        txs_full_i,
    output wire        txs_push_o,
    output wire [7:0]  txs_data_o
);
    localparam integer SLOTS      = `VD_FRAMER_RX_SLOTS;
    localparam integer SLOT_BYTES = `VD_FRAMER_SLOT_BYTES;
    localparam integer SW         = $clog2(SLOTS);              // slot index bits
    localparam integer SLOT_AW    = $clog2(SLOT_BYTES / 4);     // word address in a slot
    localparam integer RX_AW      = SW + SLOT_AW;
    localparam integer TX_AW      = SLOT_AW;                    // the TX body: one slot's size
    localparam integer MAX_PL     = `VD_FRAMER_MAX_PAYLOAD;
    localparam integer HDR        = 8;                          // vd_wire_hdr
    localparam integer MAX_BODY   = HDR + MAX_PL + 4;
    localparam [10:0]  MAX_BODY_L = MAX_BODY[10:0];
    localparam [31:0]  RESIDUE    = 32'hB798B438;               // CRC register after body | CRC
    localparam [31:0]  VERSION_W  = `VD_FRAMER_WIRE_VERSION;
    localparam [7:0]   VERSION    = VERSION_W[7:0];

    generate
        if (SLOTS != (1 << SW) || SLOT_BYTES != (4 << SLOT_AW) || SLOT_BYTES < MAX_BODY
            || `VD_FRAMER_TX_OFFSET != SLOTS * SLOT_BYTES
            || `VD_FRAMER_BUF_SIZE != 2 * `VD_FRAMER_TX_OFFSET || RX_AW + 1 != 12
            || MAX_BODY > 2047) begin : g_bad_layout
            initial $fatal(1, "vd_framer: FRAMER_BUF layout (spec/regs/framer.toml) unsupported");
        end
    endgenerate

    // CRC-32C (reflected 0x82F63B78) of one byte into the register, bit-serial unrolled.
    function automatic [31:0] crc8(input [31:0] c, input [7:0] d);
        integer k;
        reg [31:0] x;
        begin
            x = c ^ {24'd0, d};
            for (k = 0; k < 8; k = k + 1)
                x = (x >> 1) ^ (32'h82F63B78 & {32{x[0]}});
            crc8 = x;
        end
    endfunction

    // ------------------------------------------------------------ registers
    wire rd = req_i & ~we_i;
    wire wr = req_i & we_i;

    reg        en_q, irq_en_q, irq_frame_q;
    localparam [31:0] WR_FIELDS = `VD_FRAMER_CTRL_EN_MASK | `VD_FRAMER_CTRL_IRQ_EN_MASK
                                | `VD_FRAMER_IRQ_FRAME_MASK | `VD_FRAMER_TX_LEN_MASK;
    wire unused_wdata = ^(wdata_i & ~WR_FIELDS);
    reg [15:0] n_crc_q, n_cobs_q, n_hdr_q, n_big_q, n_drop_q, n_rx_q, n_tx_q;

    // ------------------------------------------------------------ buffers
    wire             rx_b_we;
    wire [RX_AW-1:0] rx_b_addr;
    wire [31:0]      rx_b_wdata, rx_a_rdata;
    wire [TX_AW-1:0] tx_b_addr;
    wire [31:0]      tx_b_rdata;
    wire             cpu_tx = buf_addr_i[RX_AW];
    reg              cpu_tx_q;

    // Receive slots: the engine writes, the CPU reads (CPU writes are ignored).
    vd_framer_ram #(.WORDS(SLOTS * SLOT_BYTES / 4)) u_rx_buf (
        .clk_i  (clk_i),
        .we_i   ({4{rx_b_we}}),
        .waddr_i(rx_b_addr),
        .wdata_i(rx_b_wdata),
        .re_i   (buf_en_i && !cpu_tx),
        .raddr_i(buf_addr_i[RX_AW-1:0]),
        .rdata_o(rx_a_rdata)
    );

    // Transmit body: the CPU writes, the engine reads (CPU reads return 0).
    vd_framer_ram #(.WORDS(SLOT_BYTES / 4)) u_tx_buf (
        .clk_i  (clk_i),
        .we_i   (buf_en_i && cpu_tx ? buf_we_i : 4'b0),
        .waddr_i(buf_addr_i[TX_AW-1:0]),
        .wdata_i(buf_wdata_i),
        .re_i   (1'b1),
        .raddr_i(tx_b_addr),
        .rdata_o(tx_b_rdata)
    );

    always @(posedge clk_i) if (buf_en_i) cpu_tx_q <= cpu_tx;
    assign buf_rdata_o = cpu_tx_q ? 32'd0 : rx_a_rdata;

    // ------------------------------------------------------------ receive
    reg [10:0]   rx_len_q;      // decoded body bytes so far
    reg [7:0]    rx_code_q;     // COBS: bytes left in the block + 1; 0 before the first code
    reg          rx_max_q;      // the block's code was 0xFF (no zero after it)
    reg          rx_big_q;      // body too long: skipping to the delimiter
    reg [31:0]   rx_crc_q;
    reg [23:0]   rx_word_q;     // the body word being filled (its last byte is never kept)
    reg          rx_ver_q;      // header byte 1 == VERSION
    reg [7:0]    rx_plen_lo_q, rx_plen_hi_q;
    reg [SW-1:0] rx_wslot_q, rx_rslot_q;
    reg [SW:0]   rx_count_q;

    wire       rx_room  = rx_count_q != SLOTS[SW:0];
    wire       rx_take  = en_q && rxs_valid_i && rx_room;
    wire [7:0] b        = rxs_data_i;
    wire       rx_delim = b == 8'd0;
    wire       rx_full  = rx_len_q == MAX_BODY_L;
    // A body byte this cycle: a data byte, or the zero that ends a block before a new code.
    wire       rx_in_blk = rx_code_q > 8'd1;
    wire       rx_zero   = rx_code_q == 8'd1 && !rx_max_q;
    wire       rx_store  = rx_take && !rx_delim && !rx_big_q && (rx_in_blk || rx_zero) && !rx_full;
    wire       rx_over   = rx_take && !rx_delim && !rx_big_q && (rx_in_blk || rx_zero) && rx_full;
    wire [7:0] rx_byte   = rx_in_blk ? b : 8'd0;

    // The frame check at the delimiter, as vd_frame.c's frame_check.
    wire [10:0] rx_plen  = {rx_plen_hi_q[2:0], rx_plen_lo_q};
    wire        rx_shape = rx_len_q >= 11'd12 && rx_ver_q && rx_plen_hi_q[7:3] == 5'd0
                           && rx_plen + 11'd12 == rx_len_q;
    wire        rx_end   = rx_take && rx_delim;
    wire        rx_good  = rx_end && !rx_big_q && rx_code_q == 8'd1 && rx_shape
                           && rx_crc_q == RESIDUE;
    wire        rx_bad   = rx_end && !rx_good && (rx_len_q != 11'd0 || rx_big_q || rx_in_blk);
    wire        rx_pop_w = wr && addr_i == `VD_FRAMER_RX_POP && rx_count_q != {(SW+1){1'b0}};

    wire [31:0] rx_word_d = rx_len_q[1:0] == 2'd0 ? {24'd0, rx_byte}
                          : rx_len_q[1:0] == 2'd1 ? {16'd0, rx_byte, rx_word_q[7:0]}
                          : rx_len_q[1:0] == 2'd2 ? {8'd0, rx_byte, rx_word_q[15:0]}
                          :                         {rx_byte, rx_word_q[23:0]};
    // Every body byte writes its whole word (the bytes so far): no flush at the delimiter.
    assign rx_b_we    = rx_store;
    assign rx_b_addr  = {rx_wslot_q, rx_len_q[SLOT_AW+1:2]};
    assign rx_b_wdata = rx_word_d;
    assign rxs_pop_o  = rx_take;

    always @(posedge clk_i) begin
        if (rst_i || !en_q || rx_end) begin
            rx_len_q  <= 11'd0;
            rx_code_q <= 8'd0;
            rx_max_q  <= 1'b0;
            rx_big_q  <= 1'b0;
            rx_crc_q  <= 32'hFFFFFFFF;
        end else if (rx_take && !rx_big_q) begin
            if (rx_over) begin
                rx_big_q <= 1'b1;
            end else begin
                if (rx_store) begin
                    rx_len_q  <= rx_len_q + 11'd1;
                    rx_crc_q  <= crc8(rx_crc_q, rx_byte);
                    rx_word_q <= rx_word_d[23:0];
                    if (rx_len_q == 11'd1) rx_ver_q     <= rx_byte == VERSION;
                    if (rx_len_q == 11'd4) rx_plen_lo_q <= rx_byte;
                    if (rx_len_q == 11'd5) rx_plen_hi_q <= rx_byte;
                end
                if (rx_in_blk) begin
                    rx_code_q <= rx_code_q - 8'd1;
                end else begin         // a code byte: the first, or after a block
                    rx_code_q <= b;
                    rx_max_q  <= b == 8'hFF;
                end
            end
        end
    end

    always @(posedge clk_i) begin
        if (rst_i) begin
            rx_wslot_q <= {SW{1'b0}};
            rx_rslot_q <= {SW{1'b0}};
            rx_count_q <= {(SW+1){1'b0}};
        end else begin
            if (rx_good) rx_wslot_q <= rx_wslot_q + 1'b1;
            if (rx_pop_w) rx_rslot_q <= rx_rslot_q + 1'b1;
            if (rx_good && !rx_pop_w) rx_count_q <= rx_count_q + 1'b1;
            else if (!rx_good && rx_pop_w) rx_count_q <= rx_count_q - 1'b1;
        end
    end

    // ------------------------------------------------------------ transmit
    localparam [2:0] T_IDLE = 3'd0, T_SCAN = 3'd1, T_CODE = 3'd2, T_DATA = 3'd3, T_DELIM = 3'd4;
    reg [2:0]   tx_st_q;
    reg [10:0]  tx_len_q;       // body bytes (the CRC's 4 follow)
    reg [10:0]  tx_i_q;         // byte being scanned or sent
    reg [10:0]  tx_blk_q;       // first byte of the block
    reg [7:0]   tx_cnt_q;       // the block's data bytes (scan: so far)
    reg         tx_zero_q;      // the block ends with a zero (skipped after it)
    reg         tx_last_q;      // the block ends the frame
    reg [31:0]  tx_crc_q;
    reg [TX_AW-1:0] tx_rd_addr_q;   // word whose data tx_b_rdata holds
    reg         tx_rd_ok_q;

    wire        tx_busy  = tx_st_q != T_IDLE;
    wire        tx_start = wr && addr_i == `VD_FRAMER_TX && !tx_busy && en_q;
    wire [10:0] tx_total = tx_len_q + 11'd4;
    wire        tx_body  = tx_i_q < tx_len_q;
    wire [1:0]  tx_ci    = tx_i_q[1:0] - tx_len_q[1:0];           // index into the CRC
    wire [31:0] tx_crc_f = ~tx_crc_q;
    wire [7:0]  tx_ram_b = tx_b_rdata[{tx_i_q[1:0], 3'b000} +: 8];
    wire [7:0]  tx_crc_b = tx_crc_f[{tx_ci, 3'b000} +: 8];
    wire [7:0]  tx_byte  = tx_body ? tx_ram_b : tx_crc_b;
    wire        tx_have  = !tx_body || (tx_rd_ok_q && tx_rd_addr_q == tx_i_q[TX_AW+1:2]);
    wire        tx_at_end = tx_i_q == tx_total;

    assign tx_b_addr  = tx_i_q[TX_AW+1:2];
    assign txs_push_o = en_q && !txs_full_i
                        && (tx_st_q == T_CODE || tx_st_q == T_DELIM
                            || (tx_st_q == T_DATA && tx_cnt_q != 8'd0 && tx_have));
    assign txs_data_o = tx_st_q == T_CODE ? tx_cnt_q + 8'd1
                      : tx_st_q == T_DATA ? tx_byte : 8'd0;

    always @(posedge clk_i) begin
        tx_rd_addr_q <= tx_b_addr;
        tx_rd_ok_q   <= tx_busy;
    end

    always @(posedge clk_i) begin
        if (rst_i || !en_q) begin
            tx_st_q <= T_IDLE;
        end else begin
            case (tx_st_q)
                T_IDLE: if (tx_start) begin
                    tx_len_q  <= wdata_i[`VD_FRAMER_TX_LEN_LSB +: 11];
                    tx_i_q    <= 11'd0;
                    tx_blk_q  <= 11'd0;
                    tx_cnt_q  <= 8'd0;
                    tx_crc_q  <= 32'hFFFFFFFF;
                    tx_st_q   <= T_SCAN;
                end
                T_SCAN: begin
                    // A full block (254) comes before the end: the encoder then adds a
                    // block of its own (code 1) at the end.
                    if (tx_cnt_q == 8'd254) begin
                        tx_zero_q <= 1'b0;
                        tx_last_q <= 1'b0;
                        tx_st_q   <= T_CODE;
                    end else if (tx_at_end) begin
                        tx_zero_q <= 1'b0;
                        tx_last_q <= 1'b1;
                        tx_st_q   <= T_CODE;
                    end else if (tx_have) begin
                        if (tx_body) tx_crc_q <= crc8(tx_crc_q, tx_byte);
                        if (tx_byte == 8'd0) begin
                            tx_zero_q <= 1'b1;
                            tx_last_q <= 1'b0;
                            tx_st_q   <= T_CODE;
                        end else begin
                            tx_cnt_q <= tx_cnt_q + 8'd1;
                            tx_i_q   <= tx_i_q + 11'd1;
                        end
                    end
                end
                T_CODE: if (!txs_full_i) begin
                    tx_i_q  <= tx_blk_q;
                    tx_st_q <= T_DATA;
                end
                T_DATA: begin
                    if (tx_cnt_q == 8'd0) begin     // block sent: the next one, or the end
                        tx_i_q   <= tx_i_q + {10'd0, tx_zero_q};
                        tx_blk_q <= tx_i_q + {10'd0, tx_zero_q};
                        tx_st_q  <= tx_last_q ? T_DELIM : T_SCAN;
                    end else if (txs_push_o) begin
                        tx_i_q   <= tx_i_q + 11'd1;
                        tx_cnt_q <= tx_cnt_q - 8'd1;
                    end
                end
                T_DELIM: if (!txs_full_i) tx_st_q <= T_IDLE;
                default: tx_st_q <= T_IDLE;
            endcase
        end
    end

    // ------------------------------------------------------------ register writes, counters
    wire tx_done = en_q && tx_st_q == T_DELIM && !txs_full_i;

    always @(posedge clk_i) begin
        if (rst_i) begin
            en_q        <= 1'b0;
            irq_en_q    <= 1'b0;
            irq_frame_q <= 1'b0;
            n_crc_q     <= 16'd0;
            n_cobs_q    <= 16'd0;
            n_hdr_q     <= 16'd0;
            n_big_q     <= 16'd0;
            n_drop_q    <= 16'd0;
            n_rx_q      <= 16'd0;
            n_tx_q      <= 16'd0;
        end else begin
            if (wr && addr_i == `VD_FRAMER_CTRL) begin
                en_q     <= wdata_i[`VD_FRAMER_CTRL_EN_LSB];
                irq_en_q <= wdata_i[`VD_FRAMER_CTRL_IRQ_EN_LSB];
            end
            irq_frame_q <= (irq_frame_q & ~(wr && addr_i == `VD_FRAMER_IRQ
                                            && wdata_i[`VD_FRAMER_IRQ_FRAME_LSB]))
                         | rx_good;
            if (rx_good) n_rx_q <= n_rx_q + 16'd1;
            if (tx_done) n_tx_q <= n_tx_q + 16'd1;
            if (rx_bad) begin
                n_drop_q <= n_drop_q + 16'd1;
                if (rx_big_q)                n_big_q  <= n_big_q + 16'd1;
                else if (rx_in_blk)          n_cobs_q <= n_cobs_q + 16'd1;
                else if (!rx_shape)          n_hdr_q  <= n_hdr_q + 16'd1;
                else                         n_crc_q  <= n_crc_q + 16'd1;
            end
        end
    end

    // ------------------------------------------------------------ register reads
    reg [31:0] rdata_d;
    always @(*) begin
        rdata_d = 32'd0;
        case (addr_i)
            `VD_FRAMER_CTRL: begin
                rdata_d[`VD_FRAMER_CTRL_EN_LSB]     = en_q;
                rdata_d[`VD_FRAMER_CTRL_IRQ_EN_LSB] = irq_en_q;
            end
            `VD_FRAMER_RX: begin
                rdata_d[`VD_FRAMER_RX_OFFSET_LSB +: SW+SLOT_AW+2] = {rx_rslot_q, {(SLOT_AW+2){1'b0}}};
                rdata_d[`VD_FRAMER_RX_COUNT_LSB +: SW+1] = rx_count_q;
            end
            `VD_FRAMER_IRQ: rdata_d[`VD_FRAMER_IRQ_FRAME_LSB] = irq_frame_q;
            `VD_FRAMER_TX: begin
                rdata_d[`VD_FRAMER_TX_LEN_LSB +: 11] = tx_len_q;
                rdata_d[`VD_FRAMER_TX_BUSY_LSB]      = tx_busy;
            end
            `VD_FRAMER_DROP_A: rdata_d = {n_cobs_q, n_crc_q};
            `VD_FRAMER_DROP_B: rdata_d = {n_big_q, n_hdr_q};
            `VD_FRAMER_FRAMES: rdata_d = {n_tx_q, n_rx_q};
            `VD_FRAMER_DROPPED: rdata_d[`VD_FRAMER_DROPPED_COUNT_LSB +: 16] = n_drop_q;
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

    assign irq_o = irq_en_q & irq_frame_q;
endmodule

`default_nettype wire
