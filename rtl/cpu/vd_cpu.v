// The CPU behind one wrapper: PicoRV32 from the pythondata-cpu-picorv32 package.
// Configuration chosen for the UP5K budget (about 1,500 LCs of its 5,280):
//   RV32I, no MUL/DIV, no compressed ISA, no cycle/instret counters (TIMER.MTIME is the
//   cycle counter), two-stage shifter, dual-port register file (in EBR), misalignment and
//   illegal-instruction traps on, PicoRV32 IRQs without q-registers (return address in x3,
//   pending mask in x4) and without its internal timer. Interrupt lines no source drives
//   (IRQ_USED clear) are masked for good: their pending/mask flip-flops fold away.
// Swapping in another core (VexRiscv) means replacing this file only.
`default_nettype none

module vd_cpu #(
    parameter [31:0] RESET_ADDR = 32'h0000_0000,
    parameter [31:0] IRQ_ADDR   = 32'h0000_0010,
    parameter [31:0] IRQ_USED   = 32'hffff_ffff   // lines with a source (incl. the core's own)
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
    // Look-ahead: the next access, one cycle before mem_valid_o rises with it.
    output wire        mem_la_read_o,
    output wire        mem_la_write_o,
    output wire [31:0] mem_la_addr_o,
    output wire [31:0] mem_la_wdata_o,
    output wire [3:0]  mem_la_wstrb_o,
    input  wire [31:0] irq_i,
    output wire        trap_o
);
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
endmodule

`default_nettype wire
