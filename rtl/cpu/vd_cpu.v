// The CPU behind one wrapper, chosen per build target (spec/targets/*.toml `cpu`, docs/cpu.md):
// tools/target.py defines VD_CPU_VEXRISCV as the VexRiscv variant's module (VexRiscv_Min,
// VexRiscv_Lite: rtl/rtl.mk) for a VexRiscv target; without it, PicoRV32.
//
// PicoRV32 (pythondata-cpu-picorv32). Configuration chosen for the UP5K budget (about 1,500
// LCs of its 5,280): RV32I, no MUL/DIV, no compressed ISA, no cycle/instret counters
// (TIMER.MTIME is the cycle counter), two-stage shifter, dual-port register file (in EBR),
// misalignment and illegal-instruction traps on, PicoRV32 IRQs without q-registers (return
// address in x3, pending mask in x4) and without its internal timer. Interrupt lines no
// source drives (IRQ_USED clear) are masked for good: their pending/mask flip-flops fold
// away. It drives the look-ahead outputs (firmware RAM answers in one cycle on them).
//
// VexRiscv (pythondata-cpu-vexriscv, LiteX variants: RV32I, machine mode, no debug port).
// Its two classic Wishbone masters (instruction and data) share the SoC's one memory port:
// the data bus wins a free port, and an access keeps the port until mem_ready. Wishbone
// announces nothing early, so a single access to firmware RAM takes the two-cycle path like
// every other target (the soonest a classic ACK can follow the request); only the further
// beats of an instruction-cache refill are known ahead and use the look-ahead. The SoC's lines go
// to the LiteX external-interrupt array (CSR 0xBC0 enable mask, 0xFC0 pending & mask) and the
// machine external interrupt; traps (ebreak, ecall, illegal, misaligned) are exceptions
// through mtvec (firmware/start/start.S). VexRiscv has no halt: a store to RESET_ADDR (the
// boot ROM, which no other store targets) is the firmware's halt request: it is never
// acknowledged, so the core stops there, and trap_o rises, as PicoRV32's does on ebreak
// with IRQs masked.
`default_nettype none

module vd_cpu #(
    parameter [31:0] RESET_ADDR = 32'h0000_0000,
    parameter [31:0] IRQ_ADDR   = 32'h0000_0010,
    parameter [31:0] IRQ_USED   = 32'hffff_ffff,  // lines with a source (incl. the core's own)
    parameter [31:0] IRQ_PULSED = 32'h0000_0000   // one-cycle pulses (BUSERR): VexRiscv latches
) (
    input  wire        clk_i,
    input  wire        rst_i,
    output wire        mem_valid_o,
    output wire        mem_instr_o,
    input  wire        mem_ready_i,
    output wire [31:0] mem_addr_o,
    output wire [31:0] mem_wdata_o,
    output wire [3:0]  mem_wstrb_o,
    input  wire [31:0] mem_rdata_i,
    // Look-ahead: the next access, one cycle before mem_valid_o rises with it (PicoRV32
    // only; VexRiscv holds them low).
    output wire        mem_la_read_o,
    output wire        mem_la_write_o,
    output wire [31:0] mem_la_addr_o,
    output wire [31:0] mem_la_wdata_o,
    output wire [3:0]  mem_la_wstrb_o,
    input  wire [31:0] irq_i,
    output wire        trap_o
);
`ifdef VD_CPU_VEXRISCV
    wire        i_cyc, i_stb, i_we, d_cyc, d_stb, d_we;
    wire [29:0] i_adr, d_adr;
    wire [31:0] i_dat_w, d_dat_w;
    wire [3:0]  i_sel, d_sel;
    wire [2:0]  i_cti, d_cti;
    wire [1:0]  i_bte, d_bte;

    // VexRiscv's lines are levels: a one-cycle pulse could pass while masked or before the
    // pipeline takes the interrupt. Pulsed lines (BUSERR, whose handler halts) stay set until
    // reset, as PicoRV32's latch keeps them until the handler runs.
    reg  [31:0] pulsed_q;
    always @(posedge clk_i) begin
        if (rst_i) pulsed_q <= 32'b0;
        else       pulsed_q <= pulsed_q | (irq_i & IRQ_PULSED & IRQ_USED);
    end
    wire [31:0] irq_lines = (irq_i & IRQ_USED & ~IRQ_PULSED) | pulsed_q;

    // Port ownership: taken by a request on a free port (data first), kept until mem_ready,
    // and kept by the instruction bus between the beats of a cache-line burst.
    reg  busy_q, own_d_q, burst_q, halt_q;
    wire d_req = d_cyc && d_stb;
    wire i_req = i_cyc && i_stb;
    wire own_d = busy_q ? own_d_q : !burst_q && d_req;
    wire halt_req = own_d && d_req && d_we && {d_adr, 2'b00} == RESET_ADDR;
    wire valid = !halt_q && !halt_req && (own_d ? d_req : i_req);
    // An acknowledged beat with CTI "incrementing" is followed by the next word of the line
    // in the next cycle (the instruction cache holds STB through its refill): it is announced
    // on the look-ahead, so from firmware RAM each further beat takes one cycle, not two.
    wire burst_next = valid && !own_d && mem_ready_i && i_cti == 3'b010;

    always @(posedge clk_i) begin
        if (rst_i) begin
            busy_q  <= 1'b0;
            own_d_q <= 1'b0;
            burst_q <= 1'b0;
            halt_q  <= 1'b0;
        end else begin
            busy_q  <= valid && !mem_ready_i;
            own_d_q <= own_d;
            burst_q <= burst_next;
            if (halt_req) halt_q <= 1'b1;
        end
    end

    assign mem_valid_o = valid;
    assign mem_instr_o = !own_d;
    assign mem_addr_o  = {own_d ? d_adr : i_adr, 2'b00};
    assign mem_wdata_o = d_dat_w;
    assign mem_wstrb_o = own_d && d_we ? d_sel : 4'b0;
    assign mem_la_read_o  = burst_next;
    assign mem_la_write_o = 1'b0;
    assign mem_la_addr_o  = {i_adr[29:3], i_adr[2:0] + 3'd1, 2'b00};
    assign mem_la_wdata_o = 32'b0;
    assign mem_la_wstrb_o = 4'b0;
    assign trap_o = halt_q;

    // The instruction bus never writes; the data bus never bursts.
    wire unused_ok = &{1'b0, i_we, i_dat_w, i_sel, i_bte, d_cti, d_bte, IRQ_ADDR};

    `VD_CPU_VEXRISCV u_core (
        .externalResetVector   (RESET_ADDR),
        .timerInterrupt        (1'b0),
        .softwareInterrupt     (1'b0),
        .externalInterruptArray(irq_lines),
        .iBusWishbone_CYC      (i_cyc),
        .iBusWishbone_STB      (i_stb),
        .iBusWishbone_ACK      (valid && !own_d && mem_ready_i),
        .iBusWishbone_WE       (i_we),
        .iBusWishbone_ADR      (i_adr),
        .iBusWishbone_DAT_MISO (mem_rdata_i),
        .iBusWishbone_DAT_MOSI (i_dat_w),
        .iBusWishbone_SEL      (i_sel),
        .iBusWishbone_ERR      (1'b0),
        .iBusWishbone_CTI      (i_cti),
        .iBusWishbone_BTE      (i_bte),
        .dBusWishbone_CYC      (d_cyc),
        .dBusWishbone_STB      (d_stb),
        .dBusWishbone_ACK      (valid && own_d && mem_ready_i),
        .dBusWishbone_WE       (d_we),
        .dBusWishbone_ADR      (d_adr),
        .dBusWishbone_DAT_MISO (mem_rdata_i),
        .dBusWishbone_DAT_MOSI (d_dat_w),
        .dBusWishbone_SEL      (d_sel),
        .dBusWishbone_ERR      (1'b0),
        .dBusWishbone_CTI      (d_cti),
        .dBusWishbone_BTE      (d_bte),
        .clk                   (clk_i),
        .reset                 (rst_i)
    );
`else
    picorv32 #(
        .ENABLE_COUNTERS     (1'b0),
        .ENABLE_COUNTERS64   (1'b0),
        .ENABLE_REGS_16_31   (1'b1),
        .ENABLE_REGS_DUALPORT(1'b1),
        .LATCHED_MEM_RDATA   (1'b0),
        .TWO_STAGE_SHIFT     (1'b1),
        .BARREL_SHIFTER      (1'b0),
        .TWO_CYCLE_COMPARE   (1'b0),
        .TWO_CYCLE_ALU       (1'b0),
        .COMPRESSED_ISA      (1'b0),
        .CATCH_MISALIGN      (1'b1),
        .CATCH_ILLINSN       (1'b1),
        .ENABLE_PCPI         (1'b0),
        .ENABLE_MUL          (1'b0),
        .ENABLE_FAST_MUL     (1'b0),
        .ENABLE_DIV          (1'b0),
        .ENABLE_IRQ          (1'b1),
        .ENABLE_IRQ_QREGS    (1'b0),
        .ENABLE_IRQ_TIMER    (1'b0),
        .ENABLE_TRACE        (1'b0),
        .REGS_INIT_ZERO      (1'b0),
        .MASKED_IRQ          (~IRQ_USED),
        .LATCHED_IRQ         (32'hffff_ffff),
        .PROGADDR_RESET      (RESET_ADDR),
        .PROGADDR_IRQ        (IRQ_ADDR),
        .STACKADDR           (32'hffff_ffff)
    ) u_core (
        .clk         (clk_i),
        .resetn      (!rst_i),
        .trap        (trap_o),
        .mem_valid   (mem_valid_o),
        .mem_instr   (mem_instr_o),
        .mem_ready   (mem_ready_i),
        .mem_addr    (mem_addr_o),
        .mem_wdata   (mem_wdata_o),
        .mem_wstrb   (mem_wstrb_o),
        .mem_rdata   (mem_rdata_i),
        .mem_la_read (mem_la_read_o),
        .mem_la_write(mem_la_write_o),
        .mem_la_addr (mem_la_addr_o),
        .mem_la_wdata(mem_la_wdata_o),
        .mem_la_wstrb(mem_la_wstrb_o),
        .pcpi_valid  (),
        .pcpi_insn   (),
        .pcpi_rs1    (),
        .pcpi_rs2    (),
        .pcpi_wr     (1'b0),
        .pcpi_rd     (32'b0),
        .pcpi_wait   (1'b0),
        .pcpi_ready  (1'b0),
        .irq         (irq_i),
        .eoi         (),
        .trace_valid (),
        .trace_data  ()
    );
    // PicoRV32 latches every line itself (LATCHED_IRQ).
    wire unused_ok = &{1'b0, IRQ_PULSED};
`endif
endmodule

`default_nettype wire
