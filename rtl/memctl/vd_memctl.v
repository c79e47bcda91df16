`default_nettype none
// vd_memctl: the VRAM memory controller. Registers: spec/regs/memctl.toml (every offset,
// bit and constant here comes from the generated vd_regs.vh). Behaviour: docs/memctl.md.
//
// Four master ports share one single-port 32-bit RAM with a registered read (vd_spram32):
//   CPU (PORT_CPU), GPU command block (PORT_GPU), host DMA (PORT_DMA), scanout (PORT_SCAN,
//   read-only). A port raises req and holds it (with we/addr/wdata stable) until gnt; a port
//   may issue again in the cycle after a grant, so one port alone gets one access per cycle
//   (4 bytes/cycle, the RAM's peak). Arbitration: vd_memctl_arb (round-robin; a held request
//   is granted within PORTS-1 other grants).
//   CPU, DMA, scanout: the access happens in the grant cycle; read data comes in the next
//   cycle with rvalid.
//   GPU: gnt means "taken into the GPU stage", a one-entry register in front of the arbiter
//   in which the window check runs from flip-flops. The stage competes for the RAM from the
//   next cycle on, so the access happens 1..PORTS cycles after gnt and read data comes one
//   cycle after the access (at least 2 after gnt). The stage takes the next request in the
//   cycle it is granted, so the GPU too gets one access per cycle. Why: the window compare
//   (a carry chain per slot) and the GPU's address adders in front of the same-cycle grant
//   were the UP5K's critical path (docs/boards.md); now neither reaches the grant.
//
// GPU protection: a GPU access reaches the RAM only if it lies inside VRAM and
//   - it is a command fetch (fetch_i: the engine reads its ring, whose place firmware set in
//     the GPU registers) and a read, or
//   - a valid window (slot) holds it, and for a write that window is writable.
// Anything else is blocked in its first cycle in the stage (the cycle after its gnt):
//   gpu_fault_o (the engine stops on it), the stage is emptied (a request taken in that
//   same cycle is dropped too: the engine stops), the first fault's address and kind are
//   captured, STATUS.FAULT is set (MEMCTL interrupt).
// Windows are programmed atomically: WIN_BASE and WIN_SIZE are staged, a WIN_CTRL write
// loads them with the flags into one slot. Base and size are kept in WIN_GRAN units.
//
// Checked host DMA (DMA_CHECK = 1, targets with PCIe and the GPU): while dma_chk_i is set
// (the PCIe endpoint runs a GPU system-memory transfer, docs/pcie.md) a host-DMA access must
// lie in a valid window (a writable one to write) like a GPU access; one that does not is
// never granted: dma_fault_o in that cycle, captured in FAULT_ADDR/FAULT_INFO and STATUS.FAULT
// like a GPU fault. The DMA port keeps its same-cycle grant (its check is on the grant path
// only in the simulated target, which has no clock to meet).

`include "vd_regs.vh"

module vd_memctl #(
    parameter integer VRAM_BYTES = `VD_VRAM_SIZE,        // power of two
    parameter integer SLOTS      = `VD_MEMCTL_WIN_SLOTS, // 1..8
    parameter integer CNT_W      = `VD_MEMCTL_CNT_BITS,  // counter width, 1..32
    parameter integer DMA_CHECK  = 0,                    // 1: dma_chk_i checks DMA accesses
    // derived, not to be overridden
    parameter integer AW         = $clog2(VRAM_BYTES / 4)  // VRAM word address bits
) (
    input  wire          clk_i,
    input  wire          rst_i,           // synchronous, active high
    // register bus
    input  wire          req_i,
    input  wire          we_i,
    input  wire [11:0]   addr_i,
    input  wire [31:0]   wdata_i,
    output reg           ack_o,
    output reg  [31:0]   rdata_o,
    output wire          irq_o,           // level: CTRL.IRQ_EN and STATUS.FAULT
    // CPU port
    input  wire          cpu_req_i,
    input  wire [3:0]    cpu_we_i,        // byte enables; 0 = read
    input  wire [AW-1:0] cpu_addr_i,      // word address in VRAM
    input  wire [31:0]   cpu_wdata_i,
    output wire          cpu_gnt_o,
    output wire          cpu_rvalid_o,
    // GPU port (checked)
    input  wire          gpu_req_i,
    input  wire          gpu_we_i,        // whole-word write
    input  wire          gpu_fetch_i,     // command fetch (read of the ring)
    input  wire [AW:0]   gpu_addr_i,      // word address; bit AW set = beyond VRAM
    input  wire [31:0]   gpu_wdata_i,
    output wire          gpu_gnt_o,       // taken into the GPU stage
    output wire          gpu_rvalid_o,
    output wire          gpu_fault_o,     // the staged request is blocked
    output wire          gpu_pend_o,      // a request is staged (taken, not yet in VRAM)
    // host DMA port
    input  wire          dma_req_i,
    input  wire          dma_chk_i,       // check this access against the windows (DMA_CHECK)
    input  wire [3:0]    dma_we_i,
    input  wire [AW-1:0] dma_addr_i,
    input  wire [31:0]   dma_wdata_i,
    output wire          dma_gnt_o,
    output wire          dma_rvalid_o,
    output wire          dma_fault_o,     // this cycle's checked request was blocked
    // scanout port (read-only)
    input  wire          scan_req_i,
    input  wire [AW-1:0] scan_addr_i,
    output wire          scan_gnt_o,
    output wire          scan_rvalid_o,
    // read data for every port, valid with its rvalid
    output wire [31:0]   port_rdata_o,
    // VRAM (vd_spram32)
    output wire          ram_en_o,
    output wire [3:0]    ram_we_o,
    output wire [AW-1:0] ram_addr_o,
    output wire [31:0]   ram_wdata_o,
    input  wire [31:0]   ram_rdata_i
);
    localparam integer NP      = `VD_MEMCTL_PORTS;
    localparam integer P_CPU   = `VD_MEMCTL_PORT_CPU;
    localparam integer P_GPU   = `VD_MEMCTL_PORT_GPU;
    localparam integer P_DMA   = `VD_MEMCTL_PORT_DMA;
    localparam integer P_SCAN  = `VD_MEMCTL_PORT_SCAN;
    localparam integer GRAN_W  = `VD_MEMCTL_WIN_GRAN / 4;   // window unit in words
    localparam integer GS      = $clog2(GRAN_W);             // word address bits below it
    localparam integer UW      = AW - GS;                    // window unit address bits
    localparam integer SLOT_W  = `VD_MEMCTL_WIN_CTRL_SLOT_WIDTH;
    localparam integer BYTE_GS = GS + 2;                     // byte address bits below a unit

    // ------------------------------------------------------------ register decode
    wire wr = req_i && we_i;
    wire a_ctrl     = addr_i == `VD_MEMCTL_CTRL;
    wire a_cmd      = addr_i == `VD_MEMCTL_CMD;
    wire a_status   = addr_i == `VD_MEMCTL_STATUS;
    wire a_win_base = addr_i == `VD_MEMCTL_WIN_BASE;
    wire a_win_size = addr_i == `VD_MEMCTL_WIN_SIZE;
    wire a_win_ctrl = addr_i == `VD_MEMCTL_WIN_CTRL;

    wire cnt_clear = wr && a_cmd && wdata_i[`VD_MEMCTL_CMD_CNT_CLEAR_LSB];
    wire win_clear = wr && a_cmd && wdata_i[`VD_MEMCTL_CMD_WIN_CLEAR_LSB];
    wire win_load  = wr && a_win_ctrl;
    wire [SLOT_W-1:0] win_slot = wdata_i[`VD_MEMCTL_WIN_CTRL_SLOT_LSB +: SLOT_W];

    // ------------------------------------------------------------ windows
    // Staging registers in window units. Size saturates at the whole VRAM (2**UW units).
    reg  [UW-1:0] stg_base_q;
    reg  [UW:0]   stg_size_q;
    wire          size_big = |(wdata_i[31:AW+2]);
    wire [UW:0]   size_in  = size_big ? {1'b1, {UW{1'b0}}} : {1'b0, wdata_i[AW+1:BYTE_GS]};
    wire [UW:0]   stg_end  = {1'b0, stg_base_q} + stg_size_q;   // exclusive, < 2**(UW+1)

    reg  [SLOTS-1:0] valid_q, wrok_q;
    wire [SLOTS-1:0] hit;                 // the staged GPU address lies in the slot's window

    // ------------------------------------------------------------ GPU stage
    reg          gs_v_q, gs_we_q, gs_fetch_q;
    reg [AW:0]   gs_addr_q;
    reg [31:0]   gs_wdata_q;
    wire [UW-1:0] g_unit = gs_addr_q[AW-1:GS];
    wire          g_out  = gs_addr_q[AW];

    always @(posedge clk_i) begin
        if (rst_i) begin
            stg_base_q <= {UW{1'b0}};
            stg_size_q <= {(UW+1){1'b0}};
            valid_q    <= {SLOTS{1'b0}};
            wrok_q     <= {SLOTS{1'b0}};
        end else begin
            if (wr && a_win_base) stg_base_q <= wdata_i[AW+1:BYTE_GS];
            if (wr && a_win_size) stg_size_q <= size_in;
            if (win_load) begin
                valid_q[win_slot] <= wdata_i[`VD_MEMCTL_WIN_CTRL_VALID_LSB];
                wrok_q[win_slot]  <= wdata_i[`VD_MEMCTL_WIN_CTRL_WRITE_LSB];
            end
            if (win_clear) begin
                valid_q <= {SLOTS{1'b0}};
                wrok_q  <= {SLOTS{1'b0}};
            end
        end
    end

    wire [SLOTS-1:0] dhit;                // the DMA address lies in the slot's window
    wire [UW-1:0]    d_unit = dma_addr_i[AW-1:GS];
    genvar gs;
    generate
        for (gs = 0; gs < SLOTS; gs = gs + 1) begin : g_slot
            // Base and end need no reset: they matter only while the slot is valid.
            localparam [SLOT_W-1:0] IDX = gs;
            reg [UW-1:0] base_q;
            reg [UW:0]   end_q;              // exclusive
            always @(posedge clk_i)
                if (!rst_i && win_load && win_slot == IDX) begin
                    base_q <= stg_base_q;
                    end_q  <= stg_end;
                end
            assign hit[gs] = valid_q[gs] && g_unit >= base_q && {1'b0, g_unit} < end_q;
            assign dhit[gs] = DMA_CHECK != 0 && valid_q[gs] && d_unit >= base_q
                           && {1'b0, d_unit} < end_q;
        end
    endgenerate

    wire g_hit_rw = |(hit & wrok_q);
    wire g_ok     = !g_out && (gs_fetch_q ? !gs_we_q : (gs_we_q ? g_hit_rw : |hit));
    wire g_block  = gs_v_q && !g_ok;
    assign gpu_fault_o = g_block;

    // A blocked write that a (read-only) window held, and which slot, for FAULT_INFO.
    wire g_ro_hit = !g_out && !gs_fetch_q && (|hit);
    reg [SLOT_W-1:0] ro_slot;
    integer s;
    always @(*) begin
        ro_slot = {SLOT_W{1'b0}};
        for (s = SLOTS - 1; s >= 0; s = s - 1)
            if (hit[s]) ro_slot = s[SLOT_W-1:0];
    end

    // ------------------------------------------------------------ arbitration, RAM
    // The stage asks for the RAM whether or not its check passes (the check stays off the
    // grant path); a blocked access is kept off the RAM below, and the stage is emptied.
    wire [NP-1:0] preq;
    assign preq[P_CPU]  = cpu_req_i;
    assign preq[P_GPU]  = gs_v_q;
    // checked DMA: granted only inside a window (writable to write)
    wire d_ok    = DMA_CHECK == 0 || !dma_chk_i
                || (dma_we_i != 4'b0 ? |(dhit & wrok_q) : |dhit);
    wire d_block = dma_req_i && !d_ok;
    assign dma_fault_o = d_block;
    reg [SLOT_W-1:0] d_slot;
    integer ds;
    always @(*) begin
        d_slot = {SLOT_W{1'b0}};
        for (ds = SLOTS - 1; ds >= 0; ds = ds - 1)
            if (dhit[ds]) d_slot = ds[SLOT_W-1:0];
    end
    assign preq[P_DMA]  = dma_req_i && d_ok;
    assign preq[P_SCAN] = scan_req_i;

    wire [NP-1:0] gnt;
    vd_memctl_arb #(.N(NP)) u_arb (
        .clk_i(clk_i), .rst_i(rst_i), .req_i(preq), .gnt_o(gnt)
    );

    // What reaches the RAM: every grant but a blocked GPU access's. acc/stl feed the counters.
    localparam [NP-1:0] M_GPU = 1 << P_GPU;
    wire [NP-1:0] acc = gnt & ~({NP{g_block}} & M_GPU);
    wire [NP-1:0] stl = preq & ~gnt & ~({NP{g_block}} & M_GPU);
    wire          g_acc = acc[P_GPU];

    // The stage takes a request when empty or emptied by its grant in this cycle.
    assign gpu_gnt_o  = gpu_req_i && (!gs_v_q || gnt[P_GPU]);
    always @(posedge clk_i) begin
        if (rst_i) gs_v_q <= 1'b0;
        else if (gpu_gnt_o) gs_v_q <= !g_block;   // a fault stops the engine: drop what follows
        else if (gnt[P_GPU] || g_block) gs_v_q <= 1'b0;
        if (gpu_gnt_o) begin
            gs_we_q    <= gpu_we_i;
            gs_fetch_q <= gpu_fetch_i;
            gs_addr_q  <= gpu_addr_i;
            gs_wdata_q <= gpu_wdata_i;
        end
    end

    assign gpu_pend_o = gs_v_q;
    assign cpu_gnt_o  = gnt[P_CPU];
    assign dma_gnt_o  = gnt[P_DMA];
    assign scan_gnt_o = gnt[P_SCAN];

    // One-hot AND-OR multiplexer onto the RAM port.
    assign ram_en_o    = |acc;
    assign ram_we_o    = ({4{gnt[P_CPU]}} & cpu_we_i) | ({4{g_acc & gs_we_q}})
                       | ({4{gnt[P_DMA]}} & dma_we_i);
    assign ram_addr_o  = ({AW{gnt[P_CPU]}} & cpu_addr_i) | ({AW{gnt[P_GPU]}} & gs_addr_q[AW-1:0])
                       | ({AW{gnt[P_DMA]}} & dma_addr_i) | ({AW{gnt[P_SCAN]}} & scan_addr_i);
    assign ram_wdata_o = ({32{gnt[P_CPU]}} & cpu_wdata_i) | ({32{gnt[P_GPU]}} & gs_wdata_q)
                       | ({32{gnt[P_DMA]}} & dma_wdata_i);
    assign port_rdata_o = ram_rdata_i;

    // Read data returns in the cycle after the RAM access.
    reg [NP-1:0] rv_q;
    always @(posedge clk_i) begin
        if (rst_i) rv_q <= {NP{1'b0}};
        else begin
            rv_q[P_CPU]  <= gnt[P_CPU] && cpu_we_i == 4'b0;
            rv_q[P_GPU]  <= g_acc && !gs_we_q;
            rv_q[P_DMA]  <= gnt[P_DMA] && dma_we_i == 4'b0;
            rv_q[P_SCAN] <= gnt[P_SCAN];
        end
    end
    assign cpu_rvalid_o  = rv_q[P_CPU];
    assign gpu_rvalid_o  = rv_q[P_GPU];
    assign dma_rvalid_o  = rv_q[P_DMA];
    assign scan_rvalid_o = rv_q[P_SCAN];

    // ------------------------------------------------------------ counters
    // Flat vectors, port p at [p*CNT_W +: CNT_W].
    reg [NP*CNT_W-1:0] acc_q, stall_q;
    integer p;
    always @(posedge clk_i) begin
        if (rst_i || cnt_clear) begin
            acc_q   <= {(NP*CNT_W){1'b0}};
            stall_q <= {(NP*CNT_W){1'b0}};
        end else begin
            for (p = 0; p < NP; p = p + 1) begin
                if (acc[p]) acc_q[p*CNT_W +: CNT_W] <= acc_q[p*CNT_W +: CNT_W] + 1'b1;
                if (stl[p]) stall_q[p*CNT_W +: CNT_W] <= stall_q[p*CNT_W +: CNT_W] + 1'b1;
            end
        end
    end

    // ------------------------------------------------------------ fault capture, control
    reg          irq_en_q, fault_q;
    reg [AW:0]   fault_addr_q;       // word address, bit AW = beyond VRAM
    reg          fi_write_q, fi_fetch_q, fi_hit_q;
    reg [SLOT_W-1:0] fi_slot_q;

    always @(posedge clk_i) begin
        if (rst_i) begin
            irq_en_q     <= 1'b0;
            fault_q      <= 1'b0;
            fault_addr_q <= {(AW+1){1'b0}};
            fi_write_q   <= 1'b0;
            fi_fetch_q   <= 1'b0;
            fi_hit_q     <= 1'b0;
            fi_slot_q    <= {SLOT_W{1'b0}};
        end else begin
            if (wr && a_ctrl) irq_en_q <= wdata_i[`VD_MEMCTL_CTRL_IRQ_EN_LSB];
            if (g_block && !fault_q) begin
                fault_q      <= 1'b1;
                fault_addr_q <= gs_addr_q;
                fi_write_q   <= gs_we_q;
                fi_fetch_q   <= gs_fetch_q;
                fi_hit_q     <= g_ro_hit;
                fi_slot_q    <= g_ro_hit ? ro_slot : {SLOT_W{1'b0}};
            end else if (d_block && !fault_q) begin
                fault_q      <= 1'b1;
                fault_addr_q <= {1'b0, dma_addr_i};
                fi_write_q   <= dma_we_i != 4'b0;
                fi_fetch_q   <= 1'b0;
                fi_hit_q     <= |dhit;
                fi_slot_q    <= (|dhit) ? d_slot : {SLOT_W{1'b0}};
            end else if (wr && a_status && wdata_i[`VD_MEMCTL_STATUS_FAULT_LSB]) begin
                fault_q <= 1'b0;
            end
        end
    end
    assign irq_o = irq_en_q && fault_q;

    // ------------------------------------------------------------ register read
    // Counters and a few fields are narrower than 32 bits: widen with zeros.
    function [31:0] z32(input [CNT_W-1:0] v);
        z32 = 32'b0;
        z32[CNT_W-1:0] = v;
    endfunction

    reg [31:0] rd;
    always @(*) begin
        rd = 32'b0;
        case (addr_i)
            `VD_MEMCTL_CTRL:       rd[`VD_MEMCTL_CTRL_IRQ_EN_LSB] = irq_en_q;
            `VD_MEMCTL_STATUS:     rd[`VD_MEMCTL_STATUS_FAULT_LSB] = fault_q;
            `VD_MEMCTL_FAULT_ADDR: rd[AW+2:2] = fault_addr_q;
            `VD_MEMCTL_FAULT_INFO: begin
                rd[`VD_MEMCTL_FAULT_INFO_WRITE_LSB]   = fi_write_q;
                rd[`VD_MEMCTL_FAULT_INFO_FETCH_LSB]   = fi_fetch_q;
                rd[`VD_MEMCTL_FAULT_INFO_HIT_LSB]     = fi_hit_q;
                rd[`VD_MEMCTL_FAULT_INFO_OUTSIDE_LSB] = fault_addr_q[AW];
                rd[`VD_MEMCTL_FAULT_INFO_SLOT_LSB +: SLOT_W] = fi_slot_q;
            end
            `VD_MEMCTL_WIN_BASE:   rd[AW+1:BYTE_GS] = stg_base_q;
            `VD_MEMCTL_WIN_SIZE:   rd[AW+2:BYTE_GS] = stg_size_q;
            `VD_MEMCTL_WIN_STATE: begin
                rd[`VD_MEMCTL_WIN_STATE_VALID_LSB +: SLOTS] = valid_q;
                rd[`VD_MEMCTL_WIN_STATE_WRITE_LSB +: SLOTS] = wrok_q;
            end
            `VD_MEMCTL_CNT_CPU_REQ:    rd = z32(acc_q[P_CPU*CNT_W +: CNT_W]);
            `VD_MEMCTL_CNT_CPU_STALL:  rd = z32(stall_q[P_CPU*CNT_W +: CNT_W]);
            `VD_MEMCTL_CNT_GPU_REQ:    rd = z32(acc_q[P_GPU*CNT_W +: CNT_W]);
            `VD_MEMCTL_CNT_GPU_STALL:  rd = z32(stall_q[P_GPU*CNT_W +: CNT_W]);
            `VD_MEMCTL_CNT_DMA_REQ:    rd = z32(acc_q[P_DMA*CNT_W +: CNT_W]);
            `VD_MEMCTL_CNT_DMA_STALL:  rd = z32(stall_q[P_DMA*CNT_W +: CNT_W]);
            `VD_MEMCTL_CNT_SCAN_REQ:   rd = z32(acc_q[P_SCAN*CNT_W +: CNT_W]);
            `VD_MEMCTL_CNT_SCAN_STALL: rd = z32(stall_q[P_SCAN*CNT_W +: CNT_W]);
            default: ;
        endcase
    end

    // Not every data bit lands in a register (which ones depends on VRAM_BYTES).
    wire unused_ok = &{1'b0, wdata_i};

    always @(posedge clk_i) begin
        ack_o   <= req_i && !rst_i;
        rdata_o <= (req_i && !we_i) ? rd : 32'b0;
    end

`ifdef FORMAL
    // Protection, stated independently of the hardware's end_q: a shadow copy of each
    // slot's committed size, and the window condition base <= a < base + size written as
    // a - base < size. Inputs are unconstrained (any register writes, any port traffic,
    // requests need not be held): the only input constraint is a reset in the first cycle,
    // written with the ASSUME macro, an assumption when this module is the proof's top
    // (formal.mk defines VD_FORMAL_TOP_vd_memctl), an assertion inside a larger proof.
    // vd_memctl_arb's own input constraint (its reset) is asserted here, and its
    // properties (one grant, bounded wait) are proven inside this module too.
`ifdef VD_FORMAL_TOP_vd_memctl
`define ASSUME assume
`else
`define ASSUME assert
`endif
    reg f_past_valid = 1'b0;
    always @(posedge clk_i) f_past_valid <= 1'b1;
    always @(*) if (!f_past_valid) `ASSUME (rst_i);

    wire [SLOTS-1:0] f_in_rw;             // the RAM address is in the slot's writable window
    generate
        for (gs = 0; gs < SLOTS; gs = gs + 1) begin : f_slot
            reg  [UW:0] f_size;
            always @(posedge clk_i)
                if (!rst_i && win_load && win_slot == g_slot[gs].IDX) f_size <= stg_size_q;
            wire [UW:0] f_off = {1'b0, ram_addr_o[AW-1:GS]} - {1'b0, g_slot[gs].base_q};
            assign f_in_rw[gs] = valid_q[gs] && wrok_q[gs]
                              && ram_addr_o[AW-1:GS] >= g_slot[gs].base_q && f_off < f_size;
            // Base and end have no reset, so this holds only once the slot was loaded; a
            // valid slot always was (valid_q is set by a load, which also sets these).
            always @(*)
                if (f_past_valid && !rst_i && valid_q[gs]) begin
                    // induction helpers: end tracks base + size, size fits in VRAM
                    assert (f_size <= {1'b1, {UW{1'b0}}});
                    assert (g_slot[gs].end_q == {1'b0, g_slot[gs].base_q} + f_size);
                end
        end
    endgenerate

    always @(*) begin
        if (f_past_valid && !rst_i) begin
            // one RAM user per cycle, and only a requester
            assert ((gnt & (gnt - 1'b1)) == {NP{1'b0}});
            assert ((gnt & ~preq) == {NP{1'b0}});
            // a GPU write reaches VRAM only inside VRAM and a valid writable window
            if (g_acc && gs_we_q) begin
                assert (!gs_addr_q[AW]);
                assert (ram_en_o && ram_we_o == 4'hF && ram_addr_o == gs_addr_q[AW-1:0]);
                assert (|f_in_rw);
            end
            // a blocked GPU access never reaches VRAM (nor its read data the GPU), and is
            // reported
            if (gs_v_q && !g_ok) begin
                assert (!g_acc && gpu_fault_o);
                if (gnt[P_GPU]) assert (!ram_en_o);
            end
            // a checked DMA write reaches VRAM only inside a valid writable window; a blocked
            // checked access is never granted, and is reported
            if (gnt[P_DMA] && dma_chk_i && DMA_CHECK != 0) begin
                if (dma_we_i != 4'b0) assert (|(dhit & wrok_q));
                else assert (|dhit);
            end
            if (d_block) assert (!gnt[P_DMA] && dma_fault_o);
            // a GPU access that reaches VRAM is inside it, and a fetch or inside some window
            if (g_acc) assert (!gs_addr_q[AW] && (gs_fetch_q || (|hit)));
            // only the staged request: the stage is the GPU's one way to the RAM
            if (gnt[P_GPU]) assert (gs_v_q);
            // staging size never exceeds the whole VRAM
            assert (stg_size_q <= {1'b1, {UW{1'b0}}});
        end
    end

    // Not vacuous: GPU writes, window reads and fetches reaching VRAM; both kinds of fault,
    // captured and raising the interrupt; a request taken in a fault's cycle and dropped;
    // the stage taking a request in the cycle its own is granted (one access per cycle);
    // a counted stall that ends in a grant.
    always @(*) begin
        if (f_past_valid && !rst_i) begin
            cover (g_acc && gs_we_q);
            cover (g_acc && !gs_we_q && !gs_fetch_q && !g_hit_rw);
            cover (g_acc && gs_fetch_q);
            cover (g_block && g_out);
            cover (g_block && g_ro_hit && gs_we_q);
            cover (irq_o && fi_hit_q);
            cover (g_block && gpu_gnt_o);
            cover (g_acc && gpu_gnt_o);
            cover (gnt[P_SCAN] && stall_q[P_SCAN*CNT_W +: CNT_W] != {CNT_W{1'b0}});
        end
    end
    // Checked DMA (DMA_CHECK): a checked write granted inside a window, a checked access blocked.
    generate if (DMA_CHECK != 0) begin : f_dchk
        always @(*)
            if (f_past_valid && !rst_i) begin
                cover (gnt[P_DMA] && dma_chk_i && dma_we_i != 4'b0);
                cover (d_block && dma_we_i != 4'b0 && (|dhit));
            end
    end endgenerate
`undef ASSUME
`endif
endmodule

`default_nettype wire
