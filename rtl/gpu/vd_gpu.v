`default_nettype none
// vd_gpu: the GPU command block. Registers: spec/regs/gpu.toml (every offset, bit, opcode
// and state value here comes from the generated vd_regs.vh). Behaviour, command format and
// timing: docs/gpu.md.
//
// The engine executes 16-byte commands from a ring in VRAM while HEAD != TAIL, one at a
// time: fetch the 4 words (pipelined reads, m_fetch_o set), decode, execute, then advance
// HEAD. FILL writes one word per granted cycle; COPY reads up to two words ahead and writes
// each when it arrives (straight from the RAM, or from buf_q when its write waits), i.e. 2
// cycles per word (a read's data comes 2 cycles after its grant). A FILL or COPY
// completes once its last write is in VRAM (m_pend_i low), so HEAD and FENCE never run
// ahead of the data. All accesses go through the memory controller's GPU port, which may
// block one (m_fault_i, after its grant): the engine then stops in STATE_FAULT.
// CTRL.RESET aborts at once; no request is raised afterwards until the engine is enabled
// and given work again, and the engine leaves IDLE only once every read it had issued has
// returned (so no stale word is taken for a new command's).
//
// The master port follows vd_memctl's GPU port: m_req_o and its attributes are held until
// m_gnt_i and never depend on m_gnt_i in the same cycle; m_gnt_i means "taken"; read data
// comes with m_rvalid_i 2 or more cycles later, in order; a fault comes after the grant of
// the access it blocks (1..4 cycles), and no read issued before that one is in flight then.
//
// System memory (APERTURE = 1, targets with PCIe): a FILL or COPY with one side at or above
// APERTURE_BASE is one transfer of the PCIe endpoint's DMA engine (STATE_XFER): the engine
// holds x_req_o with the transfer's description until x_done_i, then completes the command
// or, on x_err_i, stops in STATE_FAULT. The endpoint checks the system-memory side against
// its GPU aperture windows and reaches VRAM through the memory controller's host-DMA port
// with the controller's windows checking every word, as for the engine's own accesses
// (vd_memctl DMA_CHECK). Both sides in the aperture: a bad command (STATE_ERROR). Without
// APERTURE such addresses are outside VRAM, as before: a fault.

`include "vd_regs.vh"

module vd_gpu #(
    parameter integer VRAM_BYTES = `VD_VRAM_SIZE,   // power of two
    parameter integer APERTURE   = 0,               // 1: system memory through x_* (PCIe)
    // derived, not to be overridden
    parameter integer AW         = $clog2(VRAM_BYTES / 4)
) (
    input  wire          clk_i,
    input  wire          rst_i,         // synchronous, active high
    // register bus
    input  wire          req_i,
    input  wire          we_i,
    input  wire [11:0]   addr_i,
    input  wire [31:0]   wdata_i,
    output reg           ack_o,
    output reg  [31:0]   rdata_o,
    output wire          irq_o,         // level: any INT_STATUS flag enabled in INT_EN
    // memory controller GPU port
    output reg           m_req_o,
    output reg           m_we_o,
    output reg           m_fetch_o,
    output reg  [AW:0]   m_addr_o,      // word address; bit AW set = beyond VRAM
    output reg  [31:0]   m_wdata_o,
    input  wire          m_gnt_i,
    input  wire          m_rvalid_i,
    input  wire [31:0]   m_rdata_i,
    input  wire          m_fault_i,
    input  wire          m_pend_i,      // an access taken (gnt) is not yet in VRAM
    // system-memory transfers (APERTURE): to vd_pcie_ep's GPU port
    output wire          x_req_o,       // held until x_done_i; the fields below with it
    output wire          x_to_host_o,   // VRAM (or the pattern) -> system memory
    output wire          x_fill_o,      // FILL: the pattern, no VRAM read
    output wire [31:0]   x_pattern_o,
    output wire [31:0]   x_host_o,      // aperture byte offset (address - APERTURE_BASE)
    output wire [31:0]   x_vram_o,      // VRAM byte offset
    output wire [31:0]   x_len_o,       // bytes
    input  wire          x_done_i,      // the transfer ended (a pulse) ...
    input  wire          x_err_i,       // ... with an error (PCIE.GPU_XFER_STATUS says which)
    input  wire          x_prog_i,      // it made progress this cycle (for the watchdog)
    input  wire          x_busy_i       // a transfer runs (one the engine abandoned: no fetch)
);
    localparam integer CU  = AW - 2;                           // command index bits in VRAM
    localparam integer LW  = `VD_GPU_WDT_LIMIT_LIMIT_WIDTH;    // watchdog width
    localparam [31:0] S_IDLE_W = `VD_GPU_STATE_IDLE;
    localparam [3:0] S_IDLE = S_IDLE_W[3:0];
    localparam [31:0] S_FETCH_W = `VD_GPU_STATE_FETCH;
    localparam [3:0] S_FETCH = S_FETCH_W[3:0];
    localparam [31:0] S_DECODE_W = `VD_GPU_STATE_DECODE;
    localparam [3:0] S_DECODE = S_DECODE_W[3:0];
    localparam [31:0] S_FILL_W = `VD_GPU_STATE_FILL;
    localparam [3:0] S_FILL = S_FILL_W[3:0];
    localparam [31:0] S_COPY_W = `VD_GPU_STATE_COPY;
    localparam [3:0] S_COPY = S_COPY_W[3:0];
    localparam [31:0] S_HANG_W = `VD_GPU_STATE_HANG;
    localparam [3:0] S_HANG = S_HANG_W[3:0];
    localparam [31:0] S_FAULT_W = `VD_GPU_STATE_FAULT;
    localparam [3:0] S_FAULT = S_FAULT_W[3:0];
    localparam [31:0] S_ERROR_W = `VD_GPU_STATE_ERROR;
    localparam [3:0] S_ERROR = S_ERROR_W[3:0];
    localparam [31:0] S_XFER_W = `VD_GPU_STATE_XFER;
    localparam [3:0] S_XFER = S_XFER_W[3:0];
    localparam [31:0] OP_NOP_W = `VD_GPU_OP_NOP;
    localparam [7:0] OP_NOP = OP_NOP_W[7:0];
    localparam [31:0] OP_FILL_W = `VD_GPU_OP_FILL;
    localparam [7:0] OP_FILL = OP_FILL_W[7:0];
    localparam [31:0] OP_COPY_W = `VD_GPU_OP_COPY;
    localparam [7:0] OP_COPY = OP_COPY_W[7:0];
    localparam [31:0] OP_FENCE_W = `VD_GPU_OP_FENCE;
    localparam [7:0] OP_FENCE = OP_FENCE_W[7:0];
    localparam [31:0] OP_HANG_W = `VD_GPU_OP_HANG;
    localparam [7:0] OP_HANG = OP_HANG_W[7:0];
    localparam [31:0] W_OP_W = `VD_GPU_CMD_W_OP;
    localparam [1:0] W_OP = W_OP_W[1:0];
    localparam [31:0] W_DST_W = `VD_GPU_CMD_W_DST;
    localparam [1:0] W_DST = W_DST_W[1:0];
    localparam [31:0] W_ARG_W = `VD_GPU_CMD_W_ARG;
    localparam [1:0] W_ARG = W_ARG_W[1:0];
    localparam [31:0] W_BYTES_W = `VD_GPU_CMD_W_BYTES;
    localparam [1:0] W_BYTES = W_BYTES_W[1:0];
    localparam integer I_FENCE   = `VD_GPU_INT_STATUS_FENCE_LSB;
    localparam integer I_TIMEOUT = `VD_GPU_INT_STATUS_TIMEOUT_LSB;
    localparam integer I_FAULT   = `VD_GPU_INT_STATUS_FAULT_LSB;
    localparam integer I_ERROR   = `VD_GPU_INT_STATUS_ERROR_LSB;

    // ------------------------------------------------------------ registers
    reg [3:0]    state_q;
    reg          enable_q;
    reg [CU-1:0] base_q, head_q, tail_q;    // in commands (CMD_BYTES)
    reg [CU:0]   size_q;
    reg [31:0]   fence_q;
    reg [LW-1:0] wdt_limit_q, wdt_cnt_q;
    reg [3:0]    int_q, int_en_q;

    // current command
    reg [7:0]    op_q;
    reg [AW:0]   dst_q;                     // word address, bit AW = beyond VRAM
    reg [31:0]   arg_q;                     // pattern / fence value / source byte offset
    reg          src_hi_q;                  // source beyond VRAM (arg_q bits above AW+1)
    reg [AW:0]   cnt_q;                     // FILL: words left to write, COPY: to read (saturated)
    reg          unaligned_q;               // dst or length not a multiple of 4
    reg [1:0]    iss_q, ret_q;              // fetch words issued / returned
    reg          iss_done_q;
    reg          have_q;                    // COPY: buf_q holds a word to write
    reg [31:0]   buf_q;
    reg [31:0]   dst_b_q, len_q;            // DST and BYTES as written (system-memory transfers)
    reg          rd_hold_q;                 // COPY: a read was refused last cycle: offer it again
    reg [2:0]    rd_out_q;                  // reads granted, data not yet returned (0..4)

    wire [AW:0]  src = {src_hi_q, arg_q[AW+1:2]};

    // ------------------------------------------------------------ register decode
    wire wr      = req_i && we_i;
    wire stopped = !enable_q && state_q == S_IDLE;
    wire abort   = wr && addr_i == `VD_GPU_CTRL && wdata_i[`VD_GPU_CTRL_RESET_LSB];

    // ------------------------------------------------------------ memory requests
    wire [CU:0]  ring_pos  = {1'b0, base_q} + {1'b0, head_q};   // bit CU: beyond VRAM
    // COPY: write a word when one is here (buffered or arriving), else read ahead while at
    // most 2 words are in flight or buffered; a refused read is offered again first (a
    // request is held until granted). One buffered word is enough: the port returns no data
    // in the cycle after it refused a request (vd_memctl: its stage was not granted then).
    wire         wr_avail  = have_q || m_rvalid_i;
    wire [2:0]   c_room    = rd_out_q + {2'b0, have_q};          // words in flight or buffered
    wire         copy_rd   = cnt_q != {(AW+1){1'b0}} && (rd_hold_q || (!wr_avail && c_room < 3'd2));

    always @(*) begin
        m_req_o   = 1'b0;
        m_we_o    = 1'b0;
        m_fetch_o = 1'b0;
        m_addr_o  = dst_q;
        m_wdata_o = arg_q;
        case (state_q)
            S_FETCH: begin
                m_req_o   = !iss_done_q;
                m_fetch_o = 1'b1;
                m_addr_o  = {ring_pos, iss_q};
            end
            S_FILL: begin
                m_req_o = cnt_q != {(AW+1){1'b0}};
                m_we_o  = 1'b1;
            end
            S_COPY: begin
                m_req_o   = copy_rd || wr_avail;
                m_we_o    = !copy_rd;
                m_addr_o  = copy_rd ? src : dst_q;
                m_wdata_o = have_q ? buf_q : m_rdata_i;
            end
            default: ;
        endcase
    end

    // ------------------------------------------------------------ system-memory transfer
    assign x_req_o     = state_q == S_XFER;
    assign x_to_host_o = ap_dst;
    assign x_fill_o    = op_q == OP_FILL;
    assign x_pattern_o = arg_q;
    assign x_host_o    = {1'b0, ap_dst ? dst_b_q[30:0] : arg_q[30:0]};
    assign x_vram_o    = op_q == OP_FILL ? 32'b0 : ap_dst ? arg_q : dst_b_q;
    assign x_len_o     = len_q;

    // ------------------------------------------------------------ engine
    wire         c_wr_gnt  = !copy_rd && wr_avail && m_gnt_i;   // COPY: a write taken
    // buf_q: an arriving word not written straight away (a word never arrives while one
    // waits there: proven below)
    wire         c_keep    = m_rvalid_i && !c_wr_gnt;
    wire [CU:0]  head_inc  = {1'b0, head_q} + 1'b1;
    wire [CU-1:0] head_nx  = (head_inc >= size_q) ? {CU{1'b0}} : head_inc[CU-1:0];
    // the last write in VRAM: nothing left to issue, in flight, buffered or staged
    wire         drained   = cnt_q == {(AW+1){1'b0}} && c_room == 3'd0 && !m_pend_i;
    wire         bad_op    = op_q > OP_HANG;
    wire         src_unal  = op_q == OP_COPY && arg_q[1:0] != 2'b00;
    // System memory: bit 31 of a GPU address (APERTURE_BASE) when the SoC has the path.
    wire         ap_dst    = APERTURE != 0 && dst_b_q[31];
    wire         ap_src    = APERTURE != 0 && op_q == OP_COPY && arg_q[31];
    wire         ap_both   = ap_dst && ap_src;
    wire         ap_any    = (op_q == OP_FILL || op_q == OP_COPY) && (ap_dst || ap_src);

    // A command completes in DECODE (NOP, FENCE, length 0) or with its last write.
    reg complete, to_error;
    always @(*) begin
        complete = 1'b0;
        to_error = 1'b0;
        case (state_q)
            S_DECODE: begin
                to_error = bad_op || ((op_q == OP_FILL || op_q == OP_COPY) && (unaligned_q || src_unal))
                        || (op_q == OP_COPY && ap_both);
                complete = !to_error && (op_q == OP_NOP || op_q == OP_FENCE
                         || ((op_q == OP_FILL || op_q == OP_COPY) && cnt_q == {(AW+1){1'b0}}));
            end
            S_FILL, S_COPY: complete = drained;
            S_XFER:  complete = x_done_i && !x_err_i;
            default: ;
        endcase
    end

    // Word counts above what VRAM holds behave alike (the address leaves VRAM: a fault).
    wire [AW:0] words_in = (|m_rdata_i[31:AW+3]) ? {(AW+1){1'b1}} : m_rdata_i[AW+2:2];

    always @(posedge clk_i) begin
        if (rst_i || abort) begin
            state_q    <= S_IDLE;
            iss_q      <= 2'd0;
            ret_q      <= 2'd0;
            iss_done_q <= 1'b0;
            have_q     <= 1'b0;
            rd_hold_q  <= 1'b0;
        end else if (m_fault_i) begin
            state_q <= S_FAULT;
        end else begin
            case (state_q)
                S_IDLE:
                    if (enable_q && head_q != tail_q && rd_out_q == 3'd0 && !x_busy_i) begin
                        state_q    <= S_FETCH;
                        iss_q      <= 2'd0;
                        ret_q      <= 2'd0;
                        iss_done_q <= 1'b0;
                    end
                S_FETCH: begin
                    if (m_gnt_i) begin
                        iss_q <= iss_q + 2'd1;
                        if (iss_q == 2'd3) iss_done_q <= 1'b1;
                    end
                    if (m_rvalid_i) begin
                        ret_q <= ret_q + 2'd1;
                        case (ret_q)
                            W_OP:    op_q  <= m_rdata_i[7:0];
                            W_DST: begin
                                dst_q       <= {|m_rdata_i[31:AW+2], m_rdata_i[AW+1:2]};
                                dst_b_q     <= m_rdata_i;
                                unaligned_q <= m_rdata_i[1:0] != 2'b00;
                            end
                            W_ARG: begin
                                arg_q    <= m_rdata_i;
                                src_hi_q <= |m_rdata_i[31:AW+2];
                            end
                            W_BYTES: begin
                                cnt_q <= words_in;
                                len_q <= m_rdata_i;
                                if (m_rdata_i[1:0] != 2'b00) unaligned_q <= 1'b1;
                                state_q <= S_DECODE;
                            end
                        endcase
                    end
                end
                S_DECODE: begin
                    have_q    <= 1'b0;
                    rd_hold_q <= 1'b0;
                    if (to_error) state_q <= S_ERROR;
                    else if (complete) state_q <= S_IDLE;
                    else if (op_q == OP_HANG) state_q <= S_HANG;
                    else if (ap_any) state_q <= S_XFER;
                    else if (op_q == OP_FILL) state_q <= S_FILL;
                    else state_q <= S_COPY;
                end
                S_FILL: begin
                    if (m_req_o && m_gnt_i) begin
                        dst_q <= dst_q + 1'b1;
                        cnt_q <= cnt_q - 1'b1;
                    end
                    if (complete) state_q <= S_IDLE;
                end
                S_COPY: begin
                    rd_hold_q <= copy_rd && !m_gnt_i;
                    if (copy_rd && m_gnt_i) begin
                        {src_hi_q, arg_q[AW+1:2]} <= src + 1'b1;
                        cnt_q <= cnt_q - 1'b1;
                    end
                    if (c_wr_gnt) dst_q <= dst_q + 1'b1;
                    if (c_keep) begin
                        buf_q  <= m_rdata_i;
                        have_q <= 1'b1;
                    end else if (c_wr_gnt) begin
                        have_q <= 1'b0;
                    end
                    if (complete) state_q <= S_IDLE;
                end
                S_XFER:
                    if (x_done_i) state_q <= x_err_i ? S_FAULT : S_IDLE;
                default: ;   // HANG, FAULT, ERROR: until CTRL.RESET
            endcase
        end
    end

    // Reads in flight: not cleared by CTRL.RESET (their data still comes, and is dropped in
    // IDLE); a fault leaves none (the blocked read never returns, nor one taken with it).
    always @(posedge clk_i) begin
        if (rst_i || m_fault_i) rd_out_q <= 3'd0;
        else rd_out_q <= rd_out_q + {2'b0, m_req_o && m_gnt_i && !m_we_o} - {2'b0, m_rvalid_i};
    end

    // ------------------------------------------------------------ control registers
    wire busy     = state_q == S_FETCH || state_q == S_DECODE || state_q == S_FILL
                 || state_q == S_COPY || state_q == S_HANG || state_q == S_XFER;
    wire progress = m_gnt_i || state_q == S_DECODE || (state_q == S_XFER && (x_prog_i || x_done_i));
    wire [LW-1:0] wdt_inc = wdt_cnt_q + 1'b1;
    wire wdt_run  = busy && !progress && wdt_limit_q != {LW{1'b0}} && wdt_cnt_q != wdt_limit_q;
    wire [CU:0] size_in = (|wdata_i[31:AW+3]) ? {1'b1, {CU{1'b0}}} : wdata_i[AW+2:4];

    reg [3:0] int_set;
    always @(*) begin
        int_set = 4'b0;
        int_set[I_FENCE]   = state_q == S_DECODE && complete && op_q == OP_FENCE;
        int_set[I_TIMEOUT] = wdt_run && wdt_inc == wdt_limit_q;
        int_set[I_FAULT]   = (m_fault_i || (state_q == S_XFER && x_done_i && x_err_i)) && !abort;
        int_set[I_ERROR]   = to_error && !abort;
    end

    always @(posedge clk_i) begin
        if (rst_i) begin
            enable_q    <= 1'b0;
            base_q      <= {CU{1'b0}};
            size_q      <= {(CU+1){1'b0}};
            head_q      <= {CU{1'b0}};
            tail_q      <= {CU{1'b0}};
            fence_q     <= `VD_GPU_FENCE_RESET;
            wdt_limit_q <= {LW{1'b0}};
            wdt_cnt_q   <= {LW{1'b0}};
            int_q       <= 4'b0;
            int_en_q    <= 4'b0;
        end else begin
            if (wr && addr_i == `VD_GPU_CTRL) enable_q <= wdata_i[`VD_GPU_CTRL_ENABLE_LSB] && !abort;
            if (wr && stopped && addr_i == `VD_GPU_RING_BASE) base_q <= wdata_i[AW+1:4];
            if (wr && stopped && addr_i == `VD_GPU_RING_SIZE) size_q <= size_in;
            if (wr && addr_i == `VD_GPU_RING_TAIL) tail_q <= wdata_i[AW+1:4];
            if (wr && addr_i == `VD_GPU_WDT_LIMIT) wdt_limit_q <= wdata_i[LW-1:0];
            if (wr && addr_i == `VD_GPU_INT_EN) int_en_q <= wdata_i[3:0];
            if (wr && stopped && addr_i == `VD_GPU_RING_HEAD) head_q <= wdata_i[AW+1:4];
            else if (complete && !abort) head_q <= head_nx;
            if (wr && addr_i == `VD_GPU_FENCE) fence_q <= wdata_i;
            else if (int_set[I_FENCE] && !abort) fence_q <= arg_q;
            if (abort || !busy || progress) wdt_cnt_q <= {LW{1'b0}};
            else if (wdt_run) wdt_cnt_q <= wdt_inc;
            int_q <= (wr && addr_i == `VD_GPU_INT_STATUS ? int_q & ~wdata_i[3:0] : int_q) | int_set;
        end
    end
    assign irq_o = |(int_q & int_en_q);

    // ------------------------------------------------------------ register read
    reg [31:0] rd;
    always @(*) begin
        rd = 32'b0;
        case (addr_i)
            `VD_GPU_CTRL:       rd[`VD_GPU_CTRL_ENABLE_LSB] = enable_q;
            `VD_GPU_STATUS:     rd[`VD_GPU_STATUS_STATE_LSB +: 4] = state_q;
            `VD_GPU_RING_BASE:  rd[AW+1:4] = base_q;
            `VD_GPU_RING_SIZE:  rd[AW+2:4] = size_q;
            `VD_GPU_RING_HEAD:  rd[AW+1:4] = head_q;
            `VD_GPU_RING_TAIL:  rd[AW+1:4] = tail_q;
            `VD_GPU_FENCE:      rd = fence_q;
            `VD_GPU_WDT_LIMIT:  rd[LW-1:0] = wdt_limit_q;
            `VD_GPU_WDT_COUNT:  rd[LW-1:0] = wdt_cnt_q;
            `VD_GPU_INT_STATUS: rd[3:0] = int_q;
            `VD_GPU_INT_EN:     rd[3:0] = int_en_q;
            default: ;
        endcase
    end

    always @(posedge clk_i) begin
        ack_o   <= req_i && !rst_i;
        rdata_o <= (req_i && !we_i) ? rd : 32'b0;
    end

`ifdef FORMAL
    // What the engine promises its memory port and DxgkDdiResetFromTimeout, for any
    // register writes and any memory-controller answers. Input constraints use the ASSUME
    // macro: assumptions when this module is the proof's top (formal.mk defines
    // VD_FORMAL_TOP_vd_gpu), assertions inside a larger proof (where vd_memctl must keep
    // them). They are a reset in the first cycle and causal answers, as vd_memctl's GPU
    // port gives: a grant only for a request; read data only for a read in flight (rd_out_q
    // counts them; a fault, at any time, leaves none), at least 2 cycles after its grant,
    // and never in the cycle after a refused request.
`ifdef VD_FORMAL_TOP_vd_gpu
`define ASSUME assume
`else
`define ASSUME assert
`endif
    reg f_past_valid = 1'b0;
    always @(posedge clk_i) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) `ASSUME (rst_i);

    reg f_rd_gnt_q = 1'b0, f_refused_q = 1'b0;
    always @(posedge clk_i) begin
        f_rd_gnt_q  <= m_req_o && m_gnt_i && !m_we_o && !rst_i;
        f_refused_q <= m_req_o && !m_gnt_i && !rst_i;
    end
    always @(*) begin
        if (f_past_valid) begin
            if (!m_req_o) `ASSUME (!m_gnt_i);
            // data only for a read in flight, never the one granted just before
            if (m_rvalid_i) `ASSUME (rd_out_q > {2'b0, f_rd_gnt_q});
            // and none in the cycle after a refused request
            if (f_refused_q) `ASSUME (!m_rvalid_i);
        end
    end

    reg f_abort_q = 1'b0;
    always @(posedge clk_i) f_abort_q <= abort && !rst_i;

    // The port contract vd_memctl relies on: a request not granted is raised again in the
    // next cycle with the same attributes (and data, for a write), unless it was blocked
    // (m_fault_i: the engine stops) or CTRL.RESET aborted it.
    reg          f_wait_q = 1'b0;
    reg          f_we_q, f_fetch_q;
    reg [AW:0]   f_addr_q;
    reg [31:0]   f_wdata_q;
    always @(posedge clk_i) begin
        f_wait_q  <= m_req_o && !m_gnt_i && !m_fault_i && !abort && !rst_i;
        f_we_q    <= m_we_o;
        f_fetch_q <= m_fetch_o;
        f_addr_q  <= m_addr_o;
        f_wdata_q <= m_wdata_o;
    end

    wire [2:0] f_issued = iss_done_q ? 3'd4 : {1'b0, iss_q};   // fetch reads granted

    always @(*) begin
        if (f_past_valid && !rst_i) begin
            // requests only while fetching or executing FILL/COPY
            if (m_req_o) assert (state_q == S_FETCH || state_q == S_FILL || state_q == S_COPY);
            // no access at all in the cycle after a RESET
            if (f_abort_q) assert (!m_req_o);
            // stopped (IDLE and not enabled), hung, faulted or in error: no access
            if (stopped || state_q == S_HANG || state_q == S_FAULT || state_q == S_ERROR)
                assert (!m_req_o);
            // a command fetch is always a read
            if (m_fetch_o) assert (!m_we_o);
            // COPY: a buffered word is written before any read, unless a refused read is
            // offered again
            assert (state_q != S_COPY || !have_q || m_we_o || rd_hold_q);
            // induction helpers: every fetch word issued is returned or in flight; COPY
            // never buffers a word while a read is in flight, and has one in flight at most
            if (state_q == S_FETCH) begin
                assert ({1'b0, f_issued} == {2'b0, ret_q} + {1'b0, rd_out_q});
                if (iss_done_q) assert (iss_q == 2'd0);
            end
            // COPY: words in flight and buffered fit the buffer, and every word still to
            // write is still to read, in flight or buffered
            assert (rd_out_q <= 3'd4);
            if (state_q == S_COPY) begin
                assert (c_room <= 3'd2);
                if (rd_hold_q) assert (cnt_q != {(AW+1){1'b0}} && c_room <= 3'd1);
                // the buffer never overflows: a word arriving finds it empty
                assert (!(m_rvalid_i && have_q));
            end
            if (state_q == S_FILL) assert (rd_out_q == 3'd0 && !have_q);
            if (state_q == S_DECODE) assert (rd_out_q == 3'd0);
            // held until granted
            if (f_wait_q) begin
                assert (m_req_o && m_we_o == f_we_q && m_fetch_o == f_fetch_q);
                assert (m_addr_o == f_addr_q && (!m_we_o || m_wdata_o == f_wdata_q));
            end
        end
    end

    // Not vacuous: FILL, COPY (also writing a word that had to wait in buf_q), FENCE and
    // NOP complete; a bad command, a fault, a watchdog timeout on a hung command; HEAD
    // wrapping at the ring's end; after a CTRL.RESET of a hung engine, a command completes
    // again (the TDR recovery sequence); the interrupt line.
    reg f_tdr_q = 1'b0;
    always @(posedge clk_i)
        if (rst_i) f_tdr_q <= 1'b0;
        else if (abort && state_q == S_HANG) f_tdr_q <= 1'b1;
    always @(*) begin
        if (f_past_valid && !rst_i && !abort) begin
            cover (state_q == S_FILL && complete);
            cover (state_q == S_COPY && complete);
            cover (state_q == S_COPY && have_q && m_gnt_i && m_we_o);
            cover (int_set[I_FENCE]);
            cover (state_q == S_DECODE && complete && op_q == OP_NOP);
            cover (int_set[I_ERROR]);
            cover (int_set[I_FAULT]);
            cover (int_set[I_TIMEOUT] && state_q == S_HANG);
            cover (complete && head_q != {CU{1'b0}} && head_nx == {CU{1'b0}});
            cover (f_tdr_q && complete);
            cover (irq_o);
        end
    end
    // System memory: a transfer completes (the command with it), another fails.
    generate if (APERTURE != 0) begin : f_ap
        always @(*)
            if (f_past_valid && !rst_i && !abort) begin
                cover (state_q == S_XFER && complete);
                cover (state_q == S_XFER && int_set[I_FAULT]);
            end
        always @(*)
            if (f_past_valid && !rst_i) begin
                // a transfer is asked for only in XFER, and never with both sides in system memory
                assert (x_req_o == (state_q == S_XFER));
                if (x_req_o) assert (!(ap_dst && ap_src) && (op_q == OP_FILL || op_q == OP_COPY));
            end
    end endgenerate
`undef ASSUME
`endif
endmodule

`default_nettype wire
