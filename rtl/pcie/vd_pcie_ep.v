`default_nettype none
// vd_pcie_ep: the PCIe endpoint's transaction layer. Registers: spec/regs/pcie.toml (every
// offset, bit and constant comes from the generated vd_regs.vh). Streams and behaviour:
// docs/pcie.md.
//
// Four parts share this file:
//   rx decoder  one TLP at a time, beat by beat (beat 0 = DW0/DW1 is kept, beat 1 carries
//               DW2 and the first data DW of a 3-DW TLP). BAR0 MRd32/MWr32 of one DW reach
//               the registers; every other request is answered with UR (non-posted) or
//               dropped (posted); completions go to the DMA engine's tag table. Every beat
//               of every TLP is consumed: nothing can hang the decoder.
//   registers   one set, two masters: the CPU (register bus, `access`) and the host (BAR0,
//               `host`); host writes to SQ_TAIL / CQ_HEAD / CTRL raise IRQ_STATUS bits.
//   DMA engine  one transfer at a time. To the host: the local side is read one word per
//               cycle into a 4-word FIFO, MWr32 TLPs (<= MPS, never across 4 KiB) drain it
//               two words per beat. From the host: MRd32 requests (<= MRRS, never across
//               4 KiB) on up to TAGS tags; each completion's data goes to
//                 start[tag] + (length[tag] - Byte Count)
//               through a two-beat FIFO that the local writer drains one word per cycle;
//               rx `ready` falls while it is full, so the local port (4 B/cycle) sets the
//               pace. Tag values are {gen[1:0], slot[2:0]} (5 bits, Extended Tag not
//               needed): gen changes at every START, so a late completion of an aborted
//               transfer matches nothing and is dropped.
//   tx arbiter  at each TLP boundary, in priority order: the completion of a host request,
//               the MSI, a DMA write, a DMA read request. One idle cycle between TLPs.
//
// The local side is PCIE_BUF (port B of vd_pcie_buf: granted at once, data the next cycle)
// or VRAM (vd_memctl's host-DMA port: request held until granted, data the cycle after the
// grant), one of them per transfer.
//
// The GPU's transfers (vd_gpu STATE_XFER: a FILL or COPY with one side in system memory)
// use the same engine, one transfer at a time with the CPU's: the GPU holds g_req_i with
// the description; it starts when the engine is free (a CPU START meanwhile waits, DMA_STATUS
// showing BUSY, and begins right after). Before anything is issued the system-memory range
// (an offset from WIN_BASE) must lie inside one valid GPU aperture window (GPU_WIN_*, a
// writable one for a transfer to the host) and the DMA window, the VRAM range inside VRAM.
// Its VRAM side goes through the host-DMA port with dma_chk_o set: the memory controller
// checks every word against its windows (vd_memctl DMA_CHECK) as for the GPU's own
// accesses. A blocked word ends the transfer with ERR_VRAM; the TLP already on the wire is
// finished with zeros, later data is dropped. A FILL reads no VRAM: the reader yields the
// pattern. g_done_o (with g_err_o) ends it; GPU_XFER_STATUS keeps the last result.

`include "vd_regs.vh"

module vd_pcie_ep #(
    parameter integer VRAM_BYTES = `VD_VRAM_SIZE,       // power of two
    parameter [31:0]  FEATURES   = 32'h0,               // SYSCTL.FEATURES, for BAR0
    parameter integer BUF_BYTES  = `VD_PCIE_BUF_SIZE,   // PCIE_BUF, power of two
    parameter integer CNT_W      = 16,                  // UR/DROP/CPL_* counter width (saturating)
    // derived, not to be overridden
    parameter integer AW         = $clog2(VRAM_BYTES / 4),
    parameter integer BW         = $clog2(BUF_BYTES / 4)
) (
    input  wire          clk_i,
    input  wire          rst_i,            // synchronous, active high
    // register bus (CPU)
    input  wire          req_i,
    input  wire          we_i,
    input  wire [11:0]   addr_i,
    input  wire [31:0]   wdata_i,
    output reg           ack_o,
    output reg  [31:0]   rdata_o,
    output wire          irq_o,            // level: IRQ_STATUS & IRQ_EN
    // TLP stream root complex -> endpoint
    input  wire          rx_valid_i,
    output wire          rx_ready_o,
    input  wire          rx_first_i,
    input  wire          rx_last_i,
    input  wire [63:0]   rx_dat_i,
    input  wire [7:0]    rx_be_i,
    // TLP stream endpoint -> root complex
    output wire          tx_valid_o,
    input  wire          tx_ready_i,
    output wire          tx_first_o,
    output wire          tx_last_o,
    output wire [63:0]   tx_dat_o,
    output wire [7:0]    tx_be_o,
    // configuration space sideband
    input  wire [31:0]   cfg_bar0_i,
    input  wire          cfg_bus_master_i,
    input  wire [2:0]    cfg_mps_i,
    input  wire [2:0]    cfg_mrrs_i,
    input  wire [15:0]   cfg_req_id_i,
    input  wire          cfg_msi_en_i,
    input  wire [31:0]   cfg_msi_addr_i,
    input  wire [15:0]   cfg_msi_data_i,
    // PCIE_BUF port B
    output wire          buf_en_o,
    output wire          buf_we_o,
    output wire [BW-1:0] buf_addr_o,
    output wire [31:0]   buf_wdata_o,
    input  wire [31:0]   buf_rdata_i,
    // vd_memctl host-DMA port
    output wire          dma_req_o,
    output wire [3:0]    dma_we_o,
    output wire [AW-1:0] dma_addr_o,
    output wire [31:0]   dma_wdata_o,
    input  wire          dma_gnt_i,
    input  wire          dma_rvalid_i,
    input  wire [31:0]   dma_rdata_i,
    output wire          dma_chk_o,        // the access is the GPU's: checked by the windows
    input  wire          dma_fault_i,      // ... and blocked (this cycle's request)
    // the GPU's system-memory transfers (vd_gpu x_*; tie g_req_i low without a GPU)
    input  wire          g_req_i,
    input  wire          g_to_host_i,
    input  wire          g_fill_i,
    input  wire [31:0]   g_pattern_i,
    input  wire [31:0]   g_host_i,         // aperture byte offset (from WIN_BASE)
    input  wire [31:0]   g_vram_i,         // VRAM byte offset
    input  wire [31:0]   g_len_i,
    output wire          g_done_o,
    output wire          g_err_o,
    output wire          g_prog_o,
    output wire          g_busy_o
);
    localparam integer LW   = AW > BW ? AW : BW;        // local word address bits
    localparam integer TAGS = `VD_PCIE_TAGS;
    localparam integer VB   = AW + 2;                   // VRAM byte address bits
    localparam integer BB   = BW + 2;                   // PCIE_BUF byte address bits
    localparam [31:0] VRAM_BASE = `VD_VRAM_BASE;
    localparam [31:0] BUF_BASE  = `VD_PCIE_BUF_BASE;
    localparam [32:0] MAX_LEN   = {1'b0, `VD_PCIE_DMA_MAX_LEN};
    localparam [31:0] E32_NONE = `VD_PCIE_ERR_NONE, E32_WINDOW = `VD_PCIE_ERR_WINDOW,
                      E32_LOCAL = `VD_PCIE_ERR_LOCAL, E32_MASTER = `VD_PCIE_ERR_MASTER,
                      E32_TIMEOUT = `VD_PCIE_ERR_TIMEOUT, E32_COMPLETION = `VD_PCIE_ERR_COMPLETION,
                      E32_APERTURE = `VD_PCIE_ERR_APERTURE, E32_VRAM = `VD_PCIE_ERR_VRAM;
    localparam [2:0]  E_NONE = E32_NONE[2:0], E_WINDOW = E32_WINDOW[2:0], E_LOCAL = E32_LOCAL[2:0],
                      E_MASTER = E32_MASTER[2:0], E_TIMEOUT = E32_TIMEOUT[2:0],
                      E_COMPLETION = E32_COMPLETION[2:0], E_APERTURE = E32_APERTURE[2:0],
                      E_VRAM = E32_VRAM[2:0];
    localparam integer GWS = `VD_PCIE_GPU_WIN_SLOTS;
    localparam integer GSW = `VD_PCIE_GPU_WIN_CTRL_SLOT_WIDTH;
    localparam [31:0] BAR0_REGS = `VD_PCIE_BAR0_REGS;
    // TLP Fmt/Type (DW0[31:24])
    localparam [4:0] T_MEM = 5'b00000, T_CPL = 5'b01010, T_CPLLK = 5'b01011;
    localparam [2:0] F_3DW = 3'b000, F_3DW_D = 3'b010;
    localparam [2:0] CS_SC = 3'b000, CS_UR = 3'b001;

    localparam [31:0] BUF_B32  = BUF_BYTES;
    localparam [31:0] VRAM_B32 = VRAM_BYTES;
    localparam [32:0] BUF_LIM  = {1'b0, BUF_B32};
    localparam [32:0] VRAM_LIM = {1'b0, VRAM_B32};
    generate
        if (TAGS != 8) begin : g_bad_tags
            initial $fatal(1, "vd_pcie_ep: tag values are {gen[1:0], slot[2:0]}: TAGS must be 8");
        end
        if (BUF_BYTES != 4 << BW || VRAM_BYTES != 4 << AW) begin : g_bad_size
            initial $fatal(1, "vd_pcie_ep: VRAM and PCIE_BUF sizes are powers of two");
        end
    endgenerate

    // ================================================================ registers
    reg        ctrl_en_q;
    reg [2:0]  status_q;
    reg [31:0] scratch_q, sq_base_q, sq_size_q, sq_tail_q, sq_head_q;
    reg [31:0] cq_base_q, cq_size_q, cq_head_q, cq_tail_q, shadow_q, hwin_base_q, hwin_size_q;
    reg [CNT_W-1:0] ur_cnt_q, drop_cnt_q, tmo_cnt_q, cerr_cnt_q;
    reg [31:0] msi_cnt_q;
    reg [3:0]  irq_st_q, irq_en_q;
    reg [31:0] win_base_q, win_size_q, dma_host_q, dma_local_q, dma_len_q, cpl_tmo_q, cycles_q;
    reg        busy_q;
    reg [2:0]  err_q;
    // The GPU's side: who runs the transfer, a CPU START waiting for the GPU's, the last
    // result of each master, the aperture windows (staging, then per slot {base, end}).
    reg        gsrc_q, fill_q, cpu_pend_q, cpu_pend_th_q;
    reg [31:0] pat_q;
    reg [2:0]  cpu_err_q, g_err_q;
    reg [15:0] g_cnt_q;
    reg [31:0] gw_stg_base_q, gw_stg_size_q;
    reg [GWS-1:0] gw_valid_q, gw_wr_q;
    reg [GWS*33-1:0] gw_base_q, gw_end_q;  // slot k at [k*33 +: 33]; end exclusive

    function [31:0] zc(input [CNT_W-1:0] v);
        begin
            zc = 32'b0;
            zc[CNT_W-1:0] = v;
        end
    endfunction

    // The register read multiplexer: one instance serves both masters, the CPU's read in
    // its request cycle, else the host's pending BAR0 read (whose completion waits for it:
    // cpl_rdq_q). (An always block rather than a function: a function's reads of module
    // signals are not in a simulator's sensitivity list.) Zero unless a read needs it
    // (rd_need): Verilator then skips the multiplexer in the cycles without one, which are
    // nearly all of them (so do the other guarded blocks below: an idle endpoint costs the
    // simulator little).
    wire        cpu_rd = req_i && !we_i;
    wire [11:0] rd_a;
    wire        rd_need;
    reg  [31:0] rd_mux;
    always @(*) begin
        rd_mux = 32'b0;
        if (rd_need) case (rd_a)
            `VD_PCIE_ID:            rd_mux = `VD_SOC_ID;
            `VD_PCIE_VERSION:       rd_mux = `VD_SOC_VERSION;
            `VD_PCIE_FEATURES:      rd_mux = FEATURES;
            `VD_PCIE_CTRL:          rd_mux[`VD_PCIE_CTRL_ENABLE_LSB] = ctrl_en_q;
            `VD_PCIE_STATUS:        rd_mux[2:0] = status_q;
            `VD_PCIE_SCRATCH:       rd_mux = scratch_q;
            `VD_PCIE_SQ_BASE:       rd_mux = sq_base_q;
            `VD_PCIE_SQ_SIZE:       rd_mux = sq_size_q;
            `VD_PCIE_SQ_TAIL:       rd_mux = sq_tail_q;
            `VD_PCIE_SQ_HEAD:       rd_mux = sq_head_q;
            `VD_PCIE_CQ_BASE:       rd_mux = cq_base_q;
            `VD_PCIE_CQ_SIZE:       rd_mux = cq_size_q;
            `VD_PCIE_CQ_HEAD:       rd_mux = cq_head_q;
            `VD_PCIE_CQ_TAIL:       rd_mux = cq_tail_q;
            `VD_PCIE_SHADOW:        rd_mux = shadow_q;
            `VD_PCIE_HOST_WIN_BASE: rd_mux = hwin_base_q;
            `VD_PCIE_HOST_WIN_SIZE: rd_mux = hwin_size_q;
            `VD_PCIE_UR_COUNT:      rd_mux = zc(ur_cnt_q);
            `VD_PCIE_DROP_COUNT:    rd_mux = zc(drop_cnt_q);
            `VD_PCIE_CPL_TIMEOUT_COUNT: rd_mux = zc(tmo_cnt_q);
            `VD_PCIE_CPL_ERROR_COUNT:   rd_mux = zc(cerr_cnt_q);
            `VD_PCIE_MSI_COUNT:     rd_mux = msi_cnt_q;
            `VD_PCIE_LINK: begin
                rd_mux[`VD_PCIE_LINK_BUS_MASTER_LSB] = cfg_bus_master_i;
                rd_mux[`VD_PCIE_LINK_MSI_EN_LSB]     = cfg_msi_en_i;
                rd_mux[`VD_PCIE_LINK_MPS_LSB +: 3]   = cfg_mps_i;
                rd_mux[`VD_PCIE_LINK_MRRS_LSB +: 3]  = cfg_mrrs_i;
                rd_mux[`VD_PCIE_LINK_REQ_ID_LSB +: 16] = cfg_req_id_i;
            end
            `VD_PCIE_IRQ_STATUS:    rd_mux[3:0] = irq_st_q;
            `VD_PCIE_IRQ_EN:        rd_mux[3:0] = irq_en_q;
            `VD_PCIE_WIN_BASE:      rd_mux = win_base_q;
            `VD_PCIE_WIN_SIZE:      rd_mux = win_size_q;
            `VD_PCIE_DMA_HOST:      rd_mux = dma_host_q;
            `VD_PCIE_DMA_LOCAL:     rd_mux = dma_local_q;
            `VD_PCIE_DMA_LEN:       rd_mux = dma_len_q;
            `VD_PCIE_DMA_STATUS:    rd_mux[3:0] = {cpu_err_q, (busy_q && !gsrc_q) || cpu_pend_q};
            `VD_PCIE_GPU_WIN_BASE:  rd_mux = gw_stg_base_q;
            `VD_PCIE_GPU_WIN_SIZE:  rd_mux = gw_stg_size_q;
            `VD_PCIE_GPU_XFER_STATUS: begin
                rd_mux[`VD_PCIE_GPU_XFER_STATUS_BUSY_LSB] = busy_q && gsrc_q;
                rd_mux[`VD_PCIE_GPU_XFER_STATUS_ERR_LSB +: 3] = g_err_q;
                rd_mux[`VD_PCIE_GPU_XFER_STATUS_COUNT_LSB +: 16] = g_cnt_q;
            end
            `VD_PCIE_CPL_TIMEOUT:   rd_mux = cpl_tmo_q;
            `VD_PCIE_DMA_CYCLES:    rd_mux = cycles_q;
            default: ;
        endcase
    end

    // ================================================================ rx decoder
    reg  [1:0]  rb_q;                     // next beat: 0 a TLP's first, 1 its second, 2 later
    reg  [31:0] h0_q, h1_q;               // DW0, DW1 of the TLP being received
    reg         cpl_pend_q;               // a completion for the host waits for tx
    reg         cpl_ur_q;
    reg  [15:0] cpl_rid_q;
    reg  [7:0]  cpl_tag_q;
    reg  [6:0]  cpl_la_q;
    reg  [2:0]  cpl_tc_q, cpl_attr_q;
    reg  [31:0] cpl_data_q;
    reg         cpl_rdq_q;                // its register is still to be read (cpl_ra_q)
    reg  [11:0] cpl_ra_q;
    assign rd_a = cpu_rd ? addr_i : cpl_ra_q;
    assign rd_need = cpu_rd || cpl_rdq_q;
    reg  [1:0]  end_act_q;                // at the TLP's last beat: 1 answer UR, 2 drop
    reg         cwr_q;                    // the completion's later data beats are written
    reg  [10:0] cwl_q;                    // its data words still to come
    reg  [LW-1:0] cwa_q;                  // local word address of the next one
    localparam [LW-1:0] CWA1 = 1, CWA2 = 2;
    localparam [1:0] EA_NONE = 2'd0, EA_UR = 2'd1, EA_DROP = 2'd2;

    // Write FIFO: two beats of completion data, {word address of the first valid word,
    // lower word valid, upper word valid, both words}; the local writer drains one word a
    // cycle.
    reg [LW-1:0] wf_addr [0:1];
    reg [1:0]    wf_v    [0:1];
    reg [63:0]   wf_data [0:1];
    reg          wf_wp_q, wf_rp_q, wf_sec_q;   // wf_sec_q: the entry's second word is next
    reg [1:0]    wf_cnt_q;
    wire         wf_room = wf_cnt_q != 2'd2;

    wire       rx_go  = rx_valid_i && rx_ready_o;
    wire [2:0] r_fmt  = h0_q[31:29];
    wire [4:0] r_type = h0_q[28:24];
    wire       r_is_cpl = !r_fmt[2] && (r_type == T_CPL || r_type == T_CPLLK);
    // Non-posted requests, by Fmt/Type: answered (UR unless a BAR0 read). Other encodings
    // (posted requests, messages, prefixes, malformed ones) are dropped.
    reg        r_np;
    always @(*) begin
        case (h0_q[31:24])
            8'h00, 8'h20,                         // MRd 32/64
            8'h01, 8'h21,                         // MRdLk 32/64
            8'h02, 8'h42,                         // IORd, IOWr
            8'h04, 8'h44, 8'h05, 8'h45,           // CfgRd0, CfgWr0, CfgRd1, CfgWr1
            8'h4C, 8'h6C, 8'h4D, 8'h6D, 8'h4E, 8'h6E:   // FetchAdd, Swap, CAS (32/64)
                r_np = 1'b1;
            default: r_np = 1'b0;
        endcase
    end

    // Beat 1: DW2 (address, or completion requester/tag) and DW3 (a 3-DW TLP's first data).
    wire [31:0] dw2 = rx_dat_i[31:0];
    wire [31:0] dw3 = rx_dat_i[63:32];
    wire        is_b0 = rx_go && rx_first_i;
    wire        is_b1 = rx_go && !rx_first_i && rb_q == 2'd1;
    wire        is_bn = rx_go && !rx_first_i && rb_q == 2'd2;
    wire [11:0] h_a   = {dw2[11:2], 2'b00};
    // bar_hit, reg_in, h_rd, h_wr, np_b1: below, with the completion checks (rx_dec)

    // ---------------------------------------------------------------- DMA state
    reg          to_host_q, loc_buf_q;
    reg  [20:0]  h_left_q;                // bytes not yet put in a TLP (<= DMA_MAX_LEN)
    reg  [31:0]  h_addr_q;                // host address of the next TLP
    reg  [LW-1:0] loc_next_q;             // local word address of the next read request
    reg  [1:0]   gen_q;
    reg  [TAGS-1:0] out_q;                // read tags outstanding
    reg  [LW-1:0] t_start [0:TAGS-1];     // local word address of the request
    reg  [12:0]  t_len   [0:TAGS-1];      // its length in bytes (<= 4096)
    reg  [12:0]  t_rem   [0:TAGS-1];      // its bytes still to come
    reg  [31:0]  tmo_q;                   // cycles without a completion, tags outstanding

    // Completion checks, at its beat 1 (DW0/DW1 kept, DW2 on the bus).
    wire [7:0]  c_tag   = dw2[15:8];
    wire [2:0]  c_slot  = c_tag[2:0];
    wire [12:0] c_bc    = {h1_q[11:0] == 12'd0, h1_q[11:0]};       // 0 means 4096
    wire [10:0] c_len   = {h0_q[9:0] == 10'd0, h0_q[9:0]};         // 0 means 1024 DW

    // Later data beats of a completion being taken.
    wire        n_lo = cwl_q != 11'd0;
    wire        n_hi = cwl_q > 11'd1;

    // (the tag table read at the completion's slot: outside the block below, whose @*
    // would otherwise be sensitive to every word of the arrays)
    wire [12:0]   t_rem_c   = t_rem[c_slot];
    wire [12:0]   t_len_c   = t_len[c_slot];
    wire [LW-1:0] t_start_c = t_start[c_slot];

    // The rx beat's decode: zero unless a beat is taken (rx_go), so that the simulator
    // skips it in the cycles without one. Every use of these is qualified by a taken beat.
    reg           bar_hit, reg_in, h_rd, h_wr, np_b1;
    reg           c_ours, c_good, c_take, c_bad, c_stray, c_push_n, ur_ev, drop_ev;
    reg  [12:0]   c_off, c_rem_n;
    reg  [31:0]   c_off32;
    reg  [LW-1:0] c_wa;
    always @(*) begin
        bar_hit = 1'b0; reg_in = 1'b0; h_rd = 1'b0; h_wr = 1'b0; np_b1 = 1'b0;
        c_ours = 1'b0; c_good = 1'b0; c_take = 1'b0; c_bad = 1'b0; c_stray = 1'b0;
        c_push_n = 1'b0; ur_ev = 1'b0; drop_ev = 1'b0;
        c_off = 13'd0; c_rem_n = 13'd0; c_off32 = 32'd0; c_wa = {LW{1'b0}};
        if (rx_go) begin
            bar_hit = r_fmt[0] == 1'b0 && r_type == T_MEM && h0_q[9:0] == 10'd1
                   && h1_q[7:0] == 8'h0F && !h0_q[15]            // one DW, no digest
                   && dw2[31:12] == cfg_bar0_i[31:12] && !(r_fmt[1] && h0_q[14]);
            reg_in  = {20'b0, dw2[11:0]} < BAR0_REGS;
            h_rd    = is_b1 && rx_last_i && bar_hit && r_fmt == F_3DW;
            h_wr    = is_b1 && rx_last_i && bar_hit && r_fmt == F_3DW_D && reg_in;
            // a non-posted request ends at beat 1 and the completion slot is free (it
            // always is unless a first beat cut a TLP short)
            np_b1   = is_b1 && rx_last_i && r_np && !cpl_pend_q;
            c_ours  = busy_q && !to_host_q && dw2[31:16] == cfg_req_id_i
                   && c_tag[7:5] == 3'b0 && c_tag[4:3] == gen_q && out_q[c_slot];
            c_good  = h1_q[15:13] == CS_SC && r_fmt == F_3DW_D && r_type == T_CPL
                   && c_bc == t_rem_c && {c_len, 2'b00} <= c_bc;
            c_take  = is_b1 && r_is_cpl && c_ours && c_good && err_q == E_NONE;
            c_bad   = is_b1 && r_is_cpl && c_ours && !c_good && err_q == E_NONE;
            c_stray = is_b1 && r_is_cpl && !c_ours;      // no such request: counted, dropped
            c_off   = t_len_c - c_bc;              // byte offset inside the request
            c_off32 = {21'b0, c_off[12:2]};
            c_wa    = t_start_c + c_off32[LW-1:0];
            c_rem_n = t_rem_c - {c_len, 2'b00};
            c_push_n = is_bn && cwr_q && err_q == E_NONE;
            ur_ev   = (np_b1 && !h_rd)
                   || (is_bn && rx_last_i && end_act_q == EA_UR && !cpl_pend_q);
            drop_ev = (is_b0 && rx_last_i)
                   || (is_b1 && rx_last_i && r_np && cpl_pend_q)
                   || (is_b1 && rx_last_i && !r_np && !r_is_cpl && !h_wr
                       && !(bar_hit && r_fmt == F_3DW_D))       // ro/above-regs write: accepted
                   || (is_bn && rx_last_i && (end_act_q == EA_DROP
                                              || (end_act_q == EA_UR && cpl_pend_q)));
        end
    end

    // rx ready: a first beat waits for the completion slot (it may be a non-posted
    // request); a completion's data beats wait for room in the write FIFO; anything else
    // is taken at once.
    assign rx_ready_o = rb_q == 2'd0 ? !cpl_pend_q
                      : rb_q == 2'd1 ? (!r_is_cpl || wf_room)
                      : (!cwr_q || wf_room);

    // ================================================================ tx
    localparam [1:0] TS_IDLE = 2'd0, TS_H0 = 2'd1, TS_H1 = 2'd2, TS_DATA = 2'd3;
    localparam [1:0] TK_CPL = 2'd0, TK_MSI = 2'd1, TK_DWR = 2'd2, TK_DRD = 2'd3;
    reg  [1:0]  ts_q, tk_q;
    reg  [31:0] th0_q, th1_q, th2_q, td_q;
    reg         t_hasd_q;                 // CPL/MSI: one data DW (td_q)
    reg  [10:0] t_left_q;                 // DWR: data words after beat 1's
    wire        tx_go = tx_valid_o && tx_ready_i;
    wire        tx_in_dma = ts_q != TS_IDLE && (tk_q == TK_DWR || tk_q == TK_DRD);

    // Read FIFO (to the host): 4 words from the local side.
    reg  [31:0] rf_mem [0:3];
    reg  [1:0]  rf_rp_q, rf_wp_q;
    reg  [2:0]  rf_cnt_q;
    reg         rd_infl_q;                // a local read was granted last cycle
    reg  [LW-1:0] rd_addr_q;
    reg  [18:0] rd_left_q;                // words still to read
    wire [31:0] rf_w0 = rf_mem[rf_rp_q];
    wire [1:0]  rf_rp1 = rf_rp_q + 2'd1;   // wraps (an index expression might not)
    wire [31:0] rf_w1 = rf_mem[rf_rp1];

    // Beats.
    wire        d_two  = t_left_q > 11'd1;
    reg         tv;
    reg  [63:0] tdat;
    reg  [7:0]  tbe;
    reg         tlast;
    reg  [1:0]  t_pop;                    // read FIFO words this beat takes
    always @(*) begin
        tv = 1'b0; tdat = 64'b0; tbe = 8'hFF; tlast = 1'b0; t_pop = 2'd0;
        case (ts_q)
            TS_H0: begin tv = 1'b1; tdat = {th1_q, th0_q}; end
            TS_H1: begin
                tlast = tk_q != TK_DWR || t_left_q == 11'd0;
                if (tk_q == TK_DWR) begin
                    tv = rf_cnt_q != 3'd0; tdat = {rf_w0, th2_q}; t_pop = 2'd1;
                end else begin
                    tv = 1'b1; tdat = {td_q, th2_q};
                    if (!t_hasd_q) tbe = 8'h0F;
                end
            end
            TS_DATA: begin
                tlast = !d_two || t_left_q == 11'd2;
                tv    = rf_cnt_q >= (d_two ? 3'd2 : 3'd1);
                tdat  = {d_two ? rf_w1 : 32'b0, rf_w0};
                tbe   = d_two ? 8'hFF : 8'h0F;
                t_pop = d_two ? 2'd2 : 2'd1;
            end
            default: ;
        endcase
    end
    assign tx_valid_o = tv;
    assign tx_dat_o   = tdat;
    assign tx_be_o    = tbe;
    assign tx_first_o = ts_q == TS_H0;
    assign tx_last_o  = tlast;

    // MPS / MRRS in bytes (encodings above 5 are reserved: 4096), for chunk (busy block).
    function [12:0] sz(input [2:0] e);
        sz = 13'd128 << (e > 3'd5 ? 3'd5 : e);
    endfunction
    // A free tag slot (the lowest) and the DMA TLP choices: in the busy block below.
    reg  msi_pend_q, msi_wait_q;
    wire sel_cpl = ts_q == TS_IDLE && cpl_pend_q && !cpl_rdq_q;
    wire sel_msi = ts_q == TS_IDLE && !cpl_pend_q && msi_pend_q && !msi_wait_q;
    wire tx_free = ts_q == TS_IDLE && !cpl_pend_q && !(msi_pend_q && !msi_wait_q);

    // ================================================================ local side
    // Writer: the head entry of the write FIFO, first its first valid word, then (both
    // valid) the second.
    wire [1:0]    wv     = wf_v[wf_rp_q];
    wire          w_req  = wf_cnt_q != 2'd0;
    wire          w_hi   = wf_sec_q || !wv[0];
    wire [LW-1:0] w_addr = wf_addr[wf_rp_q] + {{(LW-1){1'b0}}, wf_sec_q};
    wire [31:0]   w_data = w_hi ? wf_data[wf_rp_q][63:32] : wf_data[wf_rp_q][31:0];
    wire          w_last = wf_sec_q || wv != 2'b11;
    // Reader (to the host): one word a cycle while the FIFO has room for it; after an
    // error only the words the TLP on the wire still needs.
    // A GPU transfer's VRAM side is the host-DMA port, checked (dma_chk_o); a FILL, or one
    // whose VRAM access was blocked, has no memory behind it (l_sink): every access is taken
    // at once, reads yield the pattern (FILL) or zeros, writes are dropped.
    reg           r_req;                  // in the busy block below
    wire          l_req  = to_host_q ? r_req : w_req;
    wire          l_sink = fill_q || (gsrc_q && err_q == E_VRAM);
    wire          l_gnt  = l_req && (loc_buf_q || l_sink || dma_gnt_i);
    wire [LW-1:0] l_addr = to_host_q ? rd_addr_q : w_addr;
    wire [31:0]   l_rdata = l_sink ? (fill_q ? pat_q : 32'b0) : loc_buf_q ? buf_rdata_i : dma_rdata_i;

    assign buf_en_o    = loc_buf_q && l_req;
    assign buf_we_o    = !to_host_q && w_req;
    assign buf_addr_o  = l_addr[BW-1:0];
    assign buf_wdata_o = w_data;
    assign dma_req_o   = !loc_buf_q && !l_sink && l_req;
    assign dma_chk_o   = gsrc_q;
    assign dma_we_o    = {4{!to_host_q && w_req}};   // reads unless writing
    assign dma_addr_o  = l_addr[AW-1:0];
    assign dma_wdata_o = w_data;

    wire          vram_blocked = gsrc_q && dma_req_o && dma_fault_i;

    // ================================================================ DMA start checks
    wire        cw  = req_i && we_i;
    // A CPU START: at once when the engine is free, after the GPU's transfer when that one
    // runs (cpu_pend_q), ignored while the CPU's own runs. A GPU request when nothing else
    // starts.
    wire        cpu_go    = cw && addr_i == `VD_PCIE_DMA_CTRL && wdata_i[`VD_PCIE_DMA_CTRL_START_LSB];
    wire        start_cpu = !busy_q && (cpu_pend_q || cpu_go);
    wire        start_gpu = !busy_q && !start_cpu && g_req_i;
    wire        start     = start_cpu || start_gpu;
    wire        s_to_host = start_gpu ? g_to_host_i
                          : cpu_pend_q ? cpu_pend_th_q : wdata_i[`VD_PCIE_DMA_CTRL_TO_HOST_LSB];
    // The checks: computed in the START cycle only (zero, E_NONE, in any other); the bus
    // master bit outside, so that the block reads no input port (Verilator would evaluate
    // it in its input-combo region too, twice a cycle).
    // (33-bit sums: a window reaching past 4 GiB must not let a transfer wrap to 0)
    // A GPU transfer: its host address is WIN_BASE + its aperture offset (s_host), checked
    // against the aperture windows (ap_ok) and, like any transfer, the DMA window.
    reg  [32:0]   len33, win_lo, win_hi, s_host, g_off, g_end;   // win_hi, g_end exclusive
    reg           len_ok, in_buf, in_vram, win_ok, ap_ok;
    reg  [2:0]    st_chk;
    reg  [31:0]   loc_b32, loc_v32;
    reg  [LW-1:0] loc_w;
    integer       gk;
    always @(*) begin
        len33 = 33'd0; win_lo = 33'd0; win_hi = 33'd0; len_ok = 1'b0; in_buf = 1'b0;
        in_vram = 1'b0; win_ok = 1'b0; st_chk = E_NONE; loc_b32 = 32'd0; loc_v32 = 32'd0;
        loc_w = {LW{1'b0}}; s_host = 33'd0; g_off = 33'd0; g_end = 33'd0; ap_ok = 1'b0;
        if (start_gpu) begin
            len33   = {1'b0, g_len_i};
            win_lo  = {1'b0, win_base_q[31:12], 12'b0};
            win_hi  = win_lo + {1'b0, win_size_q[31:12], 12'b0};
            g_off   = {1'b0, g_host_i};
            g_end   = g_off + len33;
            s_host  = win_lo + g_off;
            len_ok  = g_len_i[1:0] == 2'b0 && g_len_i != 32'b0 && len33 <= MAX_LEN
                   && g_host_i[1:0] == 2'b0 && (g_fill_i || g_vram_i[1:0] == 2'b0);
            for (gk = 0; gk < GWS; gk = gk + 1)
                if (gw_valid_q[gk] && (gw_wr_q[gk] || !g_to_host_i)
                    && g_off >= gw_base_q[gk*33 +: 33] && g_end <= gw_end_q[gk*33 +: 33])
                    ap_ok = 1'b1;
            in_vram = g_fill_i || {1'b0, g_vram_i} + len33 <= VRAM_LIM;
            // window-relative (a 33-bit s_host + len33 could wrap), and below 4 GiB
            win_ok  = win_size_q[31:12] != 20'b0 && g_end <= {1'b0, win_size_q[31:12], 12'b0}
                   && {1'b0, g_end} + {1'b0, win_lo} <= 34'h1_0000_0000;
            st_chk  = !(len_ok && ap_ok) ? E_APERTURE : !in_vram ? E_VRAM
                    : !win_ok ? E_WINDOW : E_NONE;
            loc_v32 = {{(32-AW){1'b0}}, g_vram_i[VB-1:2]};
            loc_w   = loc_v32[LW-1:0];
        end else if (start) begin
            len33   = {1'b0, dma_len_q};
            len_ok  = dma_len_q[1:0] == 2'b0 && dma_len_q != 32'b0 && len33 <= MAX_LEN
                   && dma_local_q[1:0] == 2'b0 && dma_host_q[1:0] == 2'b0;
            in_buf  = dma_local_q[31:BB] == BUF_BASE[31:BB]
                   && {1'b0, {(32-BB){1'b0}}, dma_local_q[BB-1:0]} + len33 <= BUF_LIM;
            in_vram = dma_local_q[31:VB] == VRAM_BASE[31:VB]
                   && {1'b0, {(32-VB){1'b0}}, dma_local_q[VB-1:0]} + len33 <= VRAM_LIM;
            win_lo  = {1'b0, win_base_q[31:12], 12'b0};
            win_hi  = win_lo + {1'b0, win_size_q[31:12], 12'b0};
            s_host  = {1'b0, dma_host_q};
            win_ok  = win_size_q[31:12] != 20'b0 && {1'b0, dma_host_q} >= win_lo
                   && {1'b0, dma_host_q} + len33 <= win_hi
                   && {1'b0, dma_host_q} + len33 <= 33'h1_0000_0000;
            st_chk  = !(len_ok && (in_buf || in_vram)) ? E_LOCAL
                    : !win_ok ? E_WINDOW : E_NONE;
            loc_b32 = {{(32-BW){1'b0}}, dma_local_q[BB-1:2]};
            loc_v32 = {{(32-AW){1'b0}}, dma_local_q[VB-1:2]};
            loc_w   = in_buf ? loc_b32[LW-1:0] : loc_v32[LW-1:0];
        end
    end
    wire [2:0]    st_err = !cfg_bus_master_i ? E_MASTER : st_chk;

    // ================================================================ the busy block
    // What only a transfer needs, zero while none runs (busy_q low: the simulator skips it).
    //   chunk       the next TLP's length, from the sizes (MPS / MRRS in bytes; encodings
    //               above 5 are reserved: 4096), what is left of the 4 KiB page, and what
    //               is left of the transfer: the least of those
    //   free_slot   a free tag slot (the lowest)
    //   sel_dwr/drd the tx arbiter's DMA choices (after sel_cpl, sel_msi: tx_free)
    //   r_req       the reader's request (above)
    //   done        to the host, every TLP on the wire and no read in flight; from the
    //               host, every byte requested and answered and written (or an error, and
    //               the writer idle)
    //   tmo_hit     completion timeout
    reg  [12:0] page_left, lim, lim2, chunk;
    reg  [9:0]  chunk_dw;                                // 4096 bytes -> 0 (1024 DW)
    reg  [31:0] chunk_w32;
    reg  [2:0]  free_slot;
    reg         dma_run, sel_dwr, sel_drd, done_th, done_fh, done, tmo_hit;
    integer fs;
    always @(*) begin
        page_left = 13'd0; lim = 13'd0; lim2 = 13'd0; chunk = 13'd0; chunk_dw = 10'd0;
        chunk_w32 = 32'd0; free_slot = 3'd0; dma_run = 1'b0; sel_dwr = 1'b0; sel_drd = 1'b0;
        r_req = 1'b0; done_th = 1'b0; done_fh = 1'b0; done = 1'b0; tmo_hit = 1'b0;
        if (busy_q) begin
            page_left = 13'h1000 - {1'b0, h_addr_q[11:0]};
            lim       = to_host_q ? sz(cfg_mps_i) : sz(cfg_mrrs_i);
            lim2      = lim < page_left ? lim : page_left;
            chunk     = h_left_q < {8'b0, lim2} ? h_left_q[12:0] : lim2;
            chunk_dw  = chunk[11:2];
            chunk_w32 = {21'b0, chunk[12:2]};
            for (fs = TAGS - 1; fs >= 0; fs = fs - 1)
                if (!out_q[fs]) free_slot = fs[2:0];
            dma_run = err_q == E_NONE && cfg_bus_master_i && h_left_q != 21'd0;
            sel_dwr = tx_free && dma_run && to_host_q;
            sel_drd = tx_free && dma_run && !to_host_q && !(&out_q);
            r_req   = to_host_q && rd_left_q != 19'd0
                   && rf_cnt_q + {2'b0, rd_infl_q} < 3'd4
                   && (err_q == E_NONE || tx_in_dma);
            done_th = to_host_q && (h_left_q == 21'd0 || err_q != E_NONE) && !tx_in_dma
                   && !rd_infl_q;
            done_fh = !to_host_q && ((h_left_q == 21'd0 && out_q == {TAGS{1'b0}})
                                     || err_q != E_NONE)
                   && wf_cnt_q == 2'd0 && (!cwr_q || err_q != E_NONE) && !tx_in_dma;
            done    = done_th || done_fh;
            tmo_hit = !to_host_q && err_q == E_NONE && out_q != {TAGS{1'b0}}
                   && tmo_q >= cpl_tmo_q;
        end
    end

    // ================================================================ sequential
    // The CPU's DMA interrupt is for the CPU's transfers only (a START refused by the
    // checks ends at once: DMA done too).
    wire [3:0] irq_set = {(done && !gsrc_q) || (start_cpu && st_err != E_NONE),
                          h_wr && h_a == `VD_PCIE_CTRL,
                          h_wr && h_a == `VD_PCIE_CQ_HEAD,
                          h_wr && h_a == `VD_PCIE_SQ_TAIL};
    wire       cmd_wr  = cw && addr_i == `VD_PCIE_CMD;
    wire       cnt_clr = cmd_wr && wdata_i[`VD_PCIE_CMD_CNT_CLEAR_LSB];
    wire       cerr_ev = c_bad || c_stray;

    // Anything to do this cycle. When none of these holds, no assignment below changes a
    // register (no rx beat, no register access, no transfer, tx idle with nothing pending,
    // no read in flight, write FIFO empty, timeout counter clear), so the update is skipped:
    // to the simulator an idle endpoint is this one test.
    wire       seq_act = rx_valid_i || req_i || busy_q || g_req_i || ts_q != TS_IDLE || cpl_pend_q
                      || cpl_rdq_q || msi_pend_q || tmo_q != 32'b0 || rd_infl_q
                      || wf_cnt_q != 2'd0;

    function [CNT_W-1:0] sat_inc(input [CNT_W-1:0] v, input inc);
        sat_inc = (inc && ~v != {CNT_W{1'b0}}) ? v + 1'b1 : v;
    endfunction

    always @(posedge clk_i) begin
        if (rst_i) begin
            ctrl_en_q <= 1'b0; status_q <= 3'b0; scratch_q <= 32'b0;
            sq_base_q <= 32'b0; sq_size_q <= 32'b0; sq_tail_q <= 32'b0; sq_head_q <= 32'b0;
            cq_base_q <= 32'b0; cq_size_q <= 32'b0; cq_head_q <= 32'b0; cq_tail_q <= 32'b0;
            shadow_q <= 32'b0; hwin_base_q <= 32'b0; hwin_size_q <= 32'b0;
            ur_cnt_q <= {CNT_W{1'b0}}; drop_cnt_q <= {CNT_W{1'b0}};
            tmo_cnt_q <= {CNT_W{1'b0}}; cerr_cnt_q <= {CNT_W{1'b0}}; msi_cnt_q <= 32'b0;
            irq_st_q <= 4'b0; irq_en_q <= 4'b0;
            win_base_q <= 32'b0; win_size_q <= 32'b0; dma_host_q <= 32'b0; dma_local_q <= 32'b0;
            dma_len_q <= 32'b0; cpl_tmo_q <= `VD_PCIE_CPL_TIMEOUT_RESET; cycles_q <= 32'b0;
            busy_q <= 1'b0; err_q <= E_NONE; to_host_q <= 1'b0; loc_buf_q <= 1'b0;
            gsrc_q <= 1'b0; fill_q <= 1'b0; cpu_pend_q <= 1'b0; cpu_pend_th_q <= 1'b0;
            pat_q <= 32'b0; cpu_err_q <= E_NONE; g_err_q <= E_NONE; g_cnt_q <= 16'b0;
            gw_stg_base_q <= 32'b0; gw_stg_size_q <= 32'b0;
            gw_valid_q <= {GWS{1'b0}}; gw_wr_q <= {GWS{1'b0}};
            h_left_q <= 21'b0; h_addr_q <= 32'b0; loc_next_q <= {LW{1'b0}}; gen_q <= 2'b0;
            out_q <= {TAGS{1'b0}}; tmo_q <= 32'b0;
            rb_q <= 2'd0; h0_q <= 32'b0; h1_q <= 32'b0; cpl_pend_q <= 1'b0; end_act_q <= EA_NONE;
            cpl_rdq_q <= 1'b0;
            cwr_q <= 1'b0; cwl_q <= 11'b0; cwa_q <= {LW{1'b0}};
            wf_wp_q <= 1'b0; wf_rp_q <= 1'b0; wf_sec_q <= 1'b0; wf_cnt_q <= 2'd0;
            ts_q <= TS_IDLE; tk_q <= TK_CPL; t_left_q <= 11'b0; t_hasd_q <= 1'b0;
            rf_rp_q <= 2'd0; rf_wp_q <= 2'd0; rf_cnt_q <= 3'd0; rd_infl_q <= 1'b0;
            rd_addr_q <= {LW{1'b0}}; rd_left_q <= 19'b0;
            msi_pend_q <= 1'b0; msi_wait_q <= 1'b0;
        end else if (seq_act) begin
            // ---------------------------------------------------- CPU register writes
            if (cw) begin
                case (addr_i)
                    `VD_PCIE_STATUS:      status_q  <= wdata_i[2:0];
                    `VD_PCIE_SCRATCH:     scratch_q <= wdata_i;
                    `VD_PCIE_SQ_HEAD:     sq_head_q <= wdata_i;
                    `VD_PCIE_CQ_TAIL:     cq_tail_q <= wdata_i;
                    `VD_PCIE_IRQ_EN:      irq_en_q  <= wdata_i[3:0];
                    `VD_PCIE_WIN_BASE:    win_base_q <= wdata_i;
                    `VD_PCIE_WIN_SIZE:    win_size_q <= wdata_i;
                    `VD_PCIE_DMA_HOST:    dma_host_q <= wdata_i;
                    `VD_PCIE_DMA_LOCAL:   dma_local_q <= wdata_i;
                    `VD_PCIE_DMA_LEN:     dma_len_q <= wdata_i;
                    `VD_PCIE_CPL_TIMEOUT: cpl_tmo_q <= wdata_i;
                    `VD_PCIE_GPU_WIN_BASE: gw_stg_base_q <= wdata_i;
                    `VD_PCIE_GPU_WIN_SIZE: gw_stg_size_q <= wdata_i;
                    `VD_PCIE_GPU_WIN_CTRL: begin
                        gw_valid_q[wdata_i[`VD_PCIE_GPU_WIN_CTRL_SLOT_LSB +: GSW]]
                            <= wdata_i[`VD_PCIE_GPU_WIN_CTRL_VALID_LSB];
                        gw_wr_q[wdata_i[`VD_PCIE_GPU_WIN_CTRL_SLOT_LSB +: GSW]]
                            <= wdata_i[`VD_PCIE_GPU_WIN_CTRL_WRITE_LSB];
                        gw_base_q[wdata_i[`VD_PCIE_GPU_WIN_CTRL_SLOT_LSB +: GSW] * 33 +: 33]
                            <= {1'b0, gw_stg_base_q};
                        gw_end_q[wdata_i[`VD_PCIE_GPU_WIN_CTRL_SLOT_LSB +: GSW] * 33 +: 33]
                            <= {1'b0, gw_stg_base_q} + {1'b0, gw_stg_size_q};
                    end
                    default: ;
                endcase
                if (addr_i == `VD_PCIE_CMD && wdata_i[`VD_PCIE_CMD_GPU_WIN_CLEAR_LSB]) begin
                    gw_valid_q <= {GWS{1'b0}};
                    gw_wr_q    <= {GWS{1'b0}};
                end
            end
            irq_st_q <= (irq_st_q & ~((cw && addr_i == `VD_PCIE_IRQ_STATUS) ? wdata_i[3:0] : 4'b0))
                      | irq_set;

            // ---------------------------------------------------- host register writes
            // (after the CPU's: SCRATCH written by both in one cycle keeps the host's)
            if (h_wr) begin
                case (h_a)
                    `VD_PCIE_CTRL:          ctrl_en_q   <= dw3[`VD_PCIE_CTRL_ENABLE_LSB];
                    `VD_PCIE_SCRATCH:       scratch_q   <= dw3;
                    `VD_PCIE_SQ_BASE:       sq_base_q   <= dw3;
                    `VD_PCIE_SQ_SIZE:       sq_size_q   <= dw3;
                    `VD_PCIE_SQ_TAIL:       sq_tail_q   <= dw3;
                    `VD_PCIE_CQ_BASE:       cq_base_q   <= dw3;
                    `VD_PCIE_CQ_SIZE:       cq_size_q   <= dw3;
                    `VD_PCIE_CQ_HEAD:       cq_head_q   <= dw3;
                    `VD_PCIE_SHADOW:        shadow_q    <= dw3;
                    `VD_PCIE_HOST_WIN_BASE: hwin_base_q <= dw3;
                    `VD_PCIE_HOST_WIN_SIZE: hwin_size_q <= dw3;
                    default: ;
                endcase
            end

            // ---------------------------------------------------- counters
            if (cnt_clr) begin
                ur_cnt_q <= {CNT_W{1'b0}}; drop_cnt_q <= {CNT_W{1'b0}};
                tmo_cnt_q <= {CNT_W{1'b0}}; cerr_cnt_q <= {CNT_W{1'b0}};
            end else if (ur_ev || drop_ev || tmo_hit || cerr_ev) begin
                ur_cnt_q   <= sat_inc(ur_cnt_q, ur_ev);
                drop_cnt_q <= sat_inc(drop_cnt_q, drop_ev);
                tmo_cnt_q  <= sat_inc(tmo_cnt_q, tmo_hit);
                cerr_cnt_q <= sat_inc(cerr_cnt_q, cerr_ev);
            end

            // ---------------------------------------------------- rx
            if (rx_go) begin
                if (rx_last_i) rb_q <= 2'd0;
                else if (rx_first_i) rb_q <= 2'd1;
                else if (rb_q != 2'd0) rb_q <= 2'd2;
            end
            if (is_b0) begin
                h0_q  <= rx_dat_i[31:0];
                h1_q  <= rx_dat_i[63:32];
                cwr_q <= 1'b0;            // a new TLP ends any truncated one
            end
            if (is_b1) begin
                end_act_q <= rx_last_i ? EA_NONE : r_np ? EA_UR : r_is_cpl ? EA_NONE : EA_DROP;
                // Completion for the host: a BAR0 read (CplD) or any other non-posted (UR).
                if (np_b1) begin
                    cpl_pend_q <= 1'b1;
                    cpl_ur_q   <= !h_rd;
                    cpl_la_q   <= h_rd ? {dw2[6:2], 2'b00} : 7'b0;
                    cpl_data_q <= 32'b0;
                    cpl_rdq_q  <= h_rd && reg_in;    // read below, through rd_mux
                    cpl_ra_q   <= h_a;
                end
            end
            if (is_bn && rx_last_i && end_act_q == EA_UR && !cpl_pend_q) begin
                cpl_pend_q <= 1'b1;
                cpl_ur_q   <= 1'b1;
                cpl_la_q   <= 7'b0;
                cpl_data_q <= 32'b0;
                cpl_rdq_q  <= 1'b0;
            end
            if (cpl_rdq_q && !cpu_rd) begin
                cpl_data_q <= rd_mux;
                cpl_rdq_q  <= 1'b0;
            end
            // requester ID, tag, TC, Attr of the request being answered
            if (np_b1 || (is_bn && rx_last_i && end_act_q == EA_UR && !cpl_pend_q)) begin
                cpl_rid_q  <= h1_q[31:16];
                cpl_tag_q  <= h1_q[15:8];
                cpl_tc_q   <= h0_q[22:20];
                cpl_attr_q <= {h0_q[18], h0_q[13:12]};
            end

            // DMA completions: the first data word at beat 1, then two a beat.
            if (c_take) begin
                cwr_q <= !rx_last_i && c_len > 11'd1;
                cwl_q <= c_len - 11'd1;
                cwa_q <= c_wa + 1'b1;
                t_rem[c_slot] <= c_rem_n;
            end
            if (c_push_n) begin
                cwl_q <= cwl_q - (n_hi ? 11'd2 : n_lo ? 11'd1 : 11'd0);
                cwa_q <= cwa_q + (n_hi ? CWA2 : CWA1);
                if (rx_last_i || !n_hi) cwr_q <= 1'b0;
            end
            if (is_bn && rx_last_i) cwr_q <= 1'b0;

            // ---------------------------------------------------- write FIFO
            if ((c_take) || (c_push_n && n_lo)) begin
                wf_addr[wf_wp_q] <= c_take ? c_wa : cwa_q;
                wf_v[wf_wp_q]    <= c_take ? 2'b10 : {n_hi, 1'b1};
                wf_data[wf_wp_q] <= rx_dat_i;
                wf_wp_q <= !wf_wp_q;
            end
            if (w_req && l_gnt && !to_host_q) begin
                wf_sec_q <= !w_last;
                if (w_last) wf_rp_q <= !wf_rp_q;
            end
            wf_cnt_q <= wf_cnt_q + ((c_take || (c_push_n && n_lo)) ? 2'd1 : 2'd0)
                      - ((w_req && l_gnt && !to_host_q && w_last) ? 2'd1 : 2'd0);

            // ---------------------------------------------------- read FIFO, reader
            rd_infl_q <= r_req && l_gnt;
            if (r_req && l_gnt) begin
                rd_addr_q <= rd_addr_q + 1'b1;
                rd_left_q <= rd_left_q - 1'b1;
            end
            if (rd_infl_q) begin
                rf_mem[rf_wp_q] <= l_rdata;
                rf_wp_q <= rf_wp_q + 1'b1;
            end
            if (tx_go) rf_rp_q <= rf_rp_q + t_pop;
            rf_cnt_q <= rf_cnt_q + {2'b0, rd_infl_q} - (tx_go ? {1'b0, t_pop} : 3'd0);

            // ---------------------------------------------------- tx
            if (sel_cpl) begin
                cpl_pend_q <= 1'b0;
                tk_q  <= TK_CPL;
                th0_q <= {cpl_ur_q ? F_3DW : F_3DW_D, T_CPL, 1'b0, cpl_tc_q, 1'b0, cpl_attr_q[2],
                          4'b0, cpl_attr_q[1:0], 2'b0, cpl_ur_q ? 10'd0 : 10'd1};
                th1_q <= {cfg_req_id_i, cpl_ur_q ? CS_UR : CS_SC, 1'b0, 12'd4};
                th2_q <= {cpl_rid_q, cpl_tag_q, 1'b0, cpl_la_q};
                td_q  <= cpl_data_q;
                t_hasd_q <= !cpl_ur_q;
            end else if (sel_msi) begin
                msi_pend_q <= 1'b0;
                msi_cnt_q  <= msi_cnt_q + 1'b1;
                tk_q  <= TK_MSI;
                th0_q <= {F_3DW_D, T_MEM, 14'b0, 10'd1};
                th1_q <= {cfg_req_id_i, 8'd0, 8'h0F};
                th2_q <= {cfg_msi_addr_i[31:2], 2'b00};
                td_q  <= {16'b0, cfg_msi_data_i};
                t_hasd_q <= 1'b1;
            end else if (sel_dwr || sel_drd) begin
                tk_q  <= sel_dwr ? TK_DWR : TK_DRD;
                th0_q <= {sel_dwr ? F_3DW_D : F_3DW, T_MEM, 14'b0, chunk_dw};
                th1_q <= {cfg_req_id_i, sel_dwr ? 8'd0 : {3'b0, gen_q, free_slot},
                          chunk == 13'd4 ? 4'h0 : 4'hF, 4'hF};
                th2_q <= {h_addr_q[31:2], 2'b00};
                t_hasd_q <= 1'b0;
                t_left_q <= {chunk_dw == 10'd0, chunk_dw} - 11'd1;
                h_addr_q <= h_addr_q + {19'b0, chunk};
                h_left_q <= h_left_q - {8'b0, chunk};
            end
            if (sel_cpl || sel_msi || sel_dwr || sel_drd) ts_q <= TS_H0;
            if (tx_go) begin
                case (ts_q)
                    TS_H0:   ts_q <= TS_H1;
                    TS_H1:   ts_q <= tx_last_o ? TS_IDLE : TS_DATA;
                    default: begin
                        ts_q <= tx_last_o ? TS_IDLE : TS_DATA;
                        t_left_q <= t_left_q - {9'b0, t_pop};
                    end
                endcase
            end

            // ---------------------------------------------------- MSI
            if (cmd_wr && wdata_i[`VD_PCIE_CMD_MSI_LSB] && cfg_msi_en_i && cfg_bus_master_i) begin
                msi_pend_q <= 1'b1;
                msi_wait_q <= busy_q && to_host_q && !done;   // after this transfer's writes
            end else begin
                if (done) msi_wait_q <= 1'b0;
                if (!cfg_msi_en_i || !cfg_bus_master_i) msi_pend_q <= 1'b0;
            end

            // ---------------------------------------------------- DMA engine
            if (sel_drd) begin
                out_q[free_slot]   <= 1'b1;      // merged below with the completions' clears
                t_start[free_slot] <= loc_next_q;
                t_len[free_slot]   <= chunk;
                t_rem[free_slot]   <= chunk;
                loc_next_q <= loc_next_q + chunk_w32[LW-1:0];
            end
            if (c_take && c_rem_n == 13'd0) out_q[c_slot] <= 1'b0;
            if (busy_q) cycles_q <= cycles_q + 1'b1;
            if (c_take || out_q == {TAGS{1'b0}} || !busy_q) tmo_q <= 32'b0;
            else tmo_q <= tmo_q + 1'b1;
            if (busy_q && err_q == E_NONE) begin
                if (!cfg_bus_master_i) err_q <= E_MASTER;
                else if (vram_blocked) err_q <= E_VRAM;
                else if (tmo_hit) err_q <= E_TIMEOUT;
                else if (c_bad) err_q <= E_COMPLETION;
            end
            if (done) begin
                busy_q    <= 1'b0;
                gsrc_q    <= 1'b0;
                fill_q    <= 1'b0;
                if (gsrc_q) begin
                    g_err_q <= err_q;
                    if (err_q == E_NONE) g_cnt_q <= g_cnt_q + 1'b1;
                end else begin
                    cpu_err_q <= err_q;
                end
                rd_left_q <= 19'b0;               // after an error: the rest is not read
                rf_cnt_q  <= 3'd0;
                rf_rp_q   <= 2'd0;
                rf_wp_q   <= 2'd0;
            end
            // the CPU's START while the GPU's transfer runs: held until it ends
            if (cpu_go && busy_q && gsrc_q && !cpu_pend_q) begin
                cpu_pend_q    <= 1'b1;
                cpu_pend_th_q <= wdata_i[`VD_PCIE_DMA_CTRL_TO_HOST_LSB];
            end
            if (start_cpu) begin
                cpu_pend_q <= 1'b0;
                cpu_err_q  <= st_err;
            end
            if (start_gpu && st_err != E_NONE) g_err_q <= st_err;
            if (start) begin
                err_q    <= st_err;
                cycles_q <= 32'b0;
                if (st_err == E_NONE) begin
                    busy_q     <= 1'b1;
                    gsrc_q     <= start_gpu;
                    fill_q     <= start_gpu && g_fill_i;
                    pat_q      <= g_pattern_i;
                    to_host_q  <= s_to_host;
                    loc_buf_q  <= in_buf;
                    h_addr_q   <= s_host[31:0];
                    h_left_q   <= len33[20:0];
                    loc_next_q <= loc_w;
                    rd_addr_q  <= loc_w;
                    rd_left_q  <= len33[20:2];
                    gen_q      <= gen_q + 1'b1;
                    out_q      <= {TAGS{1'b0}};
                end
            end
        end
    end

    assign irq_o = |(irq_st_q & irq_en_q);

    // The GPU's transfer ends: done, or refused at its start (nothing issued).
    assign g_done_o = (done && gsrc_q) || (start_gpu && st_err != E_NONE);
    assign g_err_o  = (done && gsrc_q) ? err_q != E_NONE : st_err != E_NONE;
    assign g_prog_o = busy_q && gsrc_q && (tx_go || rx_go || l_gnt);
    assign g_busy_o = busy_q && gsrc_q;

    // ---------------------------------------------------------------- CPU read
    always @(posedge clk_i) begin
        ack_o   <= req_i && !rst_i;
        rdata_o <= cpu_rd ? rd_mux : 32'b0;
    end

    // rx byte enables follow from Length (the layout is fixed by docs/pcie.md); the memory
    // controller's read-valid is the cycle after our own grant (rd_infl_q).
    // Unused bits: BAR0 and MSI address alignment, DW0 fields an endpoint need not check
    // (T9, T8, LN, TH, AT), the zero-padded halves of the address sums.
    wire unused_ok = &{1'b0, rx_be_i, dma_rvalid_i, s_host[32], cfg_bar0_i[11:0], cfg_msi_addr_i[1:0],
                       h0_q[23], h0_q[19], h0_q[17:16], h0_q[11:10], c_off[1:0],
                       c_off32[31:LW], loc_b32[31:LW], loc_v32[31:LW], chunk_w32[31:LW]};

`ifdef FORMAL
    // Two guarantees, for any register traffic, any tx back-pressure, any rx TLPs:
    //  (1) every non-posted request the endpoint takes (a TLP of two beats or more whose
    //      Fmt/Type is one of the specification's non-posted requests) gets exactly one
    //      completion, in order, carrying its requester ID and tag: the completions owed
    //      are counted from the streams alone (at most two: one on the wire, the next
    //      pending), a completion never leaves unless one is owed, and each one owed is
    //      held (pending, or on the wire) until it has left;
    //  (2) a DMA write TLP or read request addresses only bytes inside the window
    //      WIN_BASE/WIN_SIZE held when its transfer started.
    // The input constraints (ASSUME: assumed when this module is the proof's top, else
    // asserted): a reset in the first cycle; rx beats held until taken, first exactly on
    // a TLP's first beat; the memory controller grants only a request. Also proven: a tx
    // beat is held, unchanged, until taken.
`ifdef VD_FORMAL_TOP_vd_pcie_ep
`define ASSUME assume
`else
`define ASSUME assert
`endif
    reg f_past_valid = 1'b0;
    always @(posedge clk_i) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) `ASSUME (rst_i);

    // ---------------------------------------------------------------- input streams
    reg        f_rx_hold_q = 1'b0, f_rx_in_q = 1'b0, f_rx_first_q, f_rx_last_q;
    reg [63:0] f_rx_dat_q;
    always @(posedge clk_i) begin
        f_rx_hold_q  <= !rst_i && rx_valid_i && !rx_ready_o;
        f_rx_dat_q   <= rx_dat_i;
        f_rx_first_q <= rx_first_i;
        f_rx_last_q  <= rx_last_i;
        if (rst_i) f_rx_in_q <= 1'b0;
        else if (rx_go) f_rx_in_q <= !rx_last_i;
    end
    always @(*) if (f_past_valid && !rst_i) begin
        if (f_rx_hold_q)
            `ASSUME (rx_valid_i && rx_dat_i == f_rx_dat_q && rx_first_i == f_rx_first_q
                     && rx_last_i == f_rx_last_q);
        if (rx_valid_i) `ASSUME (rx_first_i == !f_rx_in_q);
    end
    always @(*) if (dma_gnt_i) `ASSUME (dma_req_o);
    always @(*) if (dma_fault_i) `ASSUME (dma_req_o && dma_chk_o && !dma_gnt_i);

    // ---------------------------------------------------------------- (1) completions
    // Non-posted requests by Fmt/Type byte (PCIe Base Specification, TLP type table).
    function f_np(input [7:0] ft);
        case (ft)
            8'h00, 8'h20, 8'h01, 8'h21,           // MRd 32/64, MRdLk 32/64
            8'h02, 8'h42, 8'h04, 8'h44, 8'h05, 8'h45,   // IORd/Wr, CfgRd/Wr 0/1
            8'h4C, 8'h6C, 8'h4D, 8'h6D, 8'h4E, 8'h6E:   // FetchAdd, Swap, CAS
                f_np = 1'b1;
            default: f_np = 1'b0;
        endcase
    endfunction
    reg [31:0] f_dw0_q, f_dw1_q;              // DW0, DW1 of the TLP coming in
    always @(posedge clk_i) if (rx_go && rx_first_i) begin
        f_dw0_q <= rx_dat_i[31:0];
        f_dw1_q <= rx_dat_i[63:32];
    end
    wire f_np_in = rx_go && rx_last_i && !rx_first_i && f_np(f_dw0_q[31:24]);

    // tx TLPs as seen on the wire
    reg        f_tx_in_q = 1'b0, f_tx_cpl_q, f_tx_hold_q = 1'b0;
    reg [31:0] f_tx_dw0_q;
    reg [63:0] f_tx_dat_q;
    reg [7:0]  f_tx_be_q;
    reg        f_tx_first_q, f_tx_last_q;
    reg [1:0]  f_tx_beat_q;                    // 0 first, 1 second, 2 later
    wire       f_cpl_first = tx_go && tx_first_o && tx_dat_o[28:24] == T_CPL;
    always @(posedge clk_i) begin
        f_tx_hold_q <= !rst_i && tx_valid_o && !tx_ready_i;
        f_tx_dat_q <= tx_dat_o; f_tx_be_q <= tx_be_o;
        f_tx_first_q <= tx_first_o; f_tx_last_q <= tx_last_o;
        if (rst_i) begin
            f_tx_in_q <= 1'b0; f_tx_beat_q <= 2'd0;
        end else if (tx_go) begin
            f_tx_in_q <= !tx_last_o;
            f_tx_beat_q <= tx_last_o ? 2'd0 : (f_tx_beat_q == 2'd0 ? 2'd1 : 2'd2);
            if (tx_first_o) begin
                f_tx_cpl_q <= tx_dat_o[28:24] == T_CPL;
                f_tx_dw0_q <= tx_dat_o[31:0];
            end
        end
    end
    wire f_cpl_out = tx_go && tx_last_o && !tx_first_o && f_tx_cpl_q;

    // completions owed, and the {requester ID, tag} of the oldest two, in order
    reg [1:0]  f_owed_q = 2'd0;
    reg [23:0] f_q0, f_q1;
    wire [23:0] f_in_id = {f_dw1_q[31:16], f_dw1_q[15:8]};
    always @(posedge clk_i) begin
        if (rst_i) f_owed_q <= 2'd0;
        else f_owed_q <= f_owed_q + {1'b0, f_np_in} - {1'b0, f_cpl_out};
        if (f_cpl_out) begin
            f_q0 <= f_np_in && f_owed_q == 2'd1 ? f_in_id : f_q1;
            if (f_np_in && f_owed_q == 2'd2) f_q1 <= f_in_id;
        end else if (f_np_in) begin
            if (f_owed_q == 2'd0) f_q0 <= f_in_id;
            else f_q1 <= f_in_id;
        end
    end
    wire        f_cpl_on_wire = ts_q != TS_IDLE && tk_q == TK_CPL;
    wire [23:0] f_pend_id = f_cpl_on_wire ? f_q1 : f_q0;

    always @(*) if (f_past_valid && !rst_i) begin
        // exactly one: never more than one owed, a completion leaves only when owed,
        // and the one owed is held until it has left
        f_a01: assert (f_owed_q <= 2'd2);
        if (f_cpl_first) f_a02: assert (f_owed_q != 2'd0);
        f_a03: assert (f_owed_q == {1'b0, cpl_pend_q} + {1'b0, f_cpl_on_wire});
        // to the right request: its requester ID and tag (DW2, the second beat)
        if (tx_valid_o && f_tx_cpl_q && f_tx_beat_q == 2'd1)
            f_a04: assert (tx_dat_o[31:8] == f_q0);
        // tx stream: a beat on offer is held unchanged; first exactly on a TLP's first beat
        if (f_tx_hold_q)
            f_a05: assert (tx_valid_o && tx_dat_o == f_tx_dat_q && tx_be_o == f_tx_be_q
                    && tx_first_o == f_tx_first_q && tx_last_o == f_tx_last_q);
        if (tx_valid_o) f_a06: assert (tx_first_o == !f_tx_in_q);
        // induction: the decoder's and the wire's view of the TLPs agree
        f_a07: assert ((rb_q == 2'd0) == !f_rx_in_q);
        if (f_rx_in_q) f_a08: assert (h0_q == f_dw0_q && h1_q == f_dw1_q && !cpl_pend_q);
        f_a09: assert (rb_q != 2'd3);
        if (rb_q == 2'd2) f_a09b: assert (end_act_q == (r_np ? EA_UR : r_is_cpl ? EA_NONE : EA_DROP));
        f_a10: assert ((ts_q == TS_IDLE || ts_q == TS_H0) == !f_tx_in_q);
        if (ts_q == TS_H1) f_a11: assert (f_tx_beat_q == 2'd1);
        f_a11b: assert (f_tx_in_q == (f_tx_beat_q != 2'd0) && f_tx_beat_q != 2'd3);
        if (ts_q == TS_DATA) f_a12: assert (f_tx_beat_q == 2'd2 && tk_q == TK_DWR);
        // the read FIFO's count, pointers and the read in flight agree
        f_a12b: assert (rf_cnt_q + {2'b0, rd_infl_q} <= 3'd4 && rf_wp_q == rf_rp_q + rf_cnt_q[1:0]);
        if (f_tx_in_q) f_a13: assert (f_tx_dw0_q == th0_q && f_tx_cpl_q == (tk_q == TK_CPL));
        if (cpl_pend_q) f_a14: assert ({cpl_rid_q, cpl_tag_q} == f_pend_id);
        if (f_cpl_on_wire) f_a15: assert (th2_q[31:8] == f_q0 && th0_q[28:24] == T_CPL);
        if (ts_q != TS_IDLE && tk_q != TK_CPL) f_a16: assert (th0_q[28:24] == T_MEM);
    end

    // ---------------------------------------------------------------- (2) the window
    // The window at START, and the next byte the transfer may put in a TLP (33 bits).
    reg  [32:0] f_lo, f_hi, f_next;
    always @(posedge clk_i) begin
        if (!rst_i && start && st_err == E_NONE) begin
            f_lo   <= {1'b0, win_base_q[31:12], 12'b0};
            f_hi   <= {1'b0, win_base_q[31:12], 12'b0} + {1'b0, win_size_q[31:12], 12'b0};
            f_next <= s_host;
        end else if (!rst_i && (sel_dwr || sel_drd)) begin
            f_next <= f_next + {20'b0, chunk};
        end
    end
    wire [12:0] f_len4 = {th0_q[9:0] == 10'd0, th0_q[9:0], 2'b00};   // the TLP's bytes
    always @(*) if (f_past_valid && !rst_i) begin
        // a DMA TLP's address (its second beat) and length: inside the window
        if (tx_valid_o && ts_q == TS_H1 && (tk_q == TK_DWR || tk_q == TK_DRD)) begin
            f_a17: assert ({1'b0, tx_dat_o[31:0]} >= f_lo);
            f_a18: assert ({1'b0, tx_dat_o[31:0]} + {20'b0, f_len4} <= f_hi);
        end
        // induction: the transfer walks from its start to its end inside the window
        if (tx_in_dma) begin
            f_a19: assert (busy_q);
            f_a20: assert ({1'b0, th2_q} >= f_lo && {1'b0, th2_q} + {20'b0, f_len4} == f_next);
            f_a21: assert (f_len4 != 13'd0);
        end
        if (busy_q) begin
            f_a22: assert (h_addr_q == f_next[31:0] && f_next[1:0] == 2'b0 && h_left_q[1:0] == 2'b0);
            f_a23: assert (f_next >= f_lo && {1'b0, f_next} + {13'b0, h_left_q} <= {1'b0, f_hi}
                           && {1'b0, f_next} + {13'b0, h_left_q} <= 34'h1_0000_0000);
            f_a24: assert (f_hi <= 33'h1_0000_0000 + 33'h0_FFFF_F000);
        end
    end

    // ---------------------------------------------------------------- covers
    always @(*) if (f_past_valid && !rst_i) begin
        cover (f_cpl_out && th0_q[31:29] == F_3DW_D);                  // CplD to a BAR0 read
        cover (f_cpl_out && th1_q[15:13] == CS_UR);                    // UR completion
        cover (tx_go && ts_q == TS_H1 && tk_q == TK_DWR);              // DMA write out
        cover (tx_go && ts_q == TS_DATA && tk_q == TK_DWR && tx_last_o); // ... with 2+ data DWs
        cover (tx_go && ts_q == TS_H1 && tk_q == TK_DRD);              // DMA read request
        cover (c_take);                                                // its completion taken
        cover (tx_go && ts_q == TS_H1 && tk_q == TK_MSI);              // MSI
        cover (done && err_q == E_NONE);                               // a transfer completed
        cover (done && gsrc_q && err_q == E_NONE && !to_host_q);       // a GPU transfer from the host
        cover (done && gsrc_q && fill_q);                              // a GPU FILL of system memory
        cover (done && gsrc_q && err_q == E_VRAM);                     // ... stopped by the memory controller
        cover (g_done_o && g_err_o && !busy_q);                        // ... refused at its start
        cover (start_cpu && cpu_pend_q);                               // a CPU START held for the GPU's
        cover (f_owed_q == 2'd1 && f_rx_in_q);                         // a request waits, rx goes on
    end
`undef ASSUME
`endif
endmodule

`default_nettype wire
