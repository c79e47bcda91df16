// The vidalloc SoC: CPU, firmware RAM, VRAM, boot ROM and the register blocks on one bus.
// Firmware RAM is on the fast path: the CPU's look-ahead interface announces each access a
// cycle early, so the RAM is read (or written) then and the access completes in the cycle
// mem_valid rises. Everything else takes two cycles: the request cycle and the acknowledge
// cycle, in which all targets answer (RAM and ROM have a registered read, register blocks a
// registered ack). Addresses outside every region are acknowledged with 0 and raise BUSERR.
`default_nettype none
`include "vd_regs.vh"

module vd_soc #(
    parameter FW_RAM_BYTES = `VD_FW_RAM_SIZE,
    parameter VRAM_BYTES   = `VD_VRAM_SIZE,
    parameter BOOTROM_INIT = "bootrom.hex"
) (
    input  wire clk_i,
    input  wire por_i,          // power-on reset, active high
    output wire uart_tx_o,
    input  wire uart_rx_i,
    output wire flash_cs_no,
    output wire flash_sck_o,
    output wire flash_mosi_o,
    input  wire flash_miso_i,
    output wire trap_o
);
    localparam FW_WORDS   = FW_RAM_BYTES / 4;
    localparam VRAM_WORDS = VRAM_BYTES / 4;
    localparam ROM_WORDS  = `VD_BOOTROM_SIZE / 4;
    localparam FW_AW      = $clog2(FW_WORDS);
    localparam VRAM_AW    = $clog2(VRAM_WORDS);
    localparam ROM_AW     = $clog2(ROM_WORDS);
    localparam [31:0] FW_BASE      = `VD_FW_RAM_BASE;
    localparam [31:0] VRAM_BASE    = `VD_VRAM_BASE;
    localparam [31:0] ROM_BASE     = `VD_BOOTROM_BASE;
    localparam [31:0] PERIPH_BASE  = `VD_PERIPH_BASE;
    localparam [31:0] SYSCTL_BASE  = `VD_SYSCTL_BASE;
    localparam [31:0] UART_BASE    = `VD_UART_BASE;
    localparam [31:0] TIMER_BASE   = `VD_TIMER_BASE;
    localparam [31:0] SPI_BASE     = `VD_SPIFLASH_BASE;

    wire sys_rst;

    // ---------------------------------------------------------------- CPU
    wire        mem_valid, mem_instr, mem_ready;
    wire [31:0] mem_addr, mem_wdata;
    wire [3:0]  mem_wstrb;
    reg  [31:0] mem_rdata;
    wire [31:0] irq;
    wire        cpu_trap;
    wire        la_read, la_write;
    wire [31:0] la_addr, la_wdata;
    wire [3:0]  la_wstrb;

    vd_cpu #(
        .RESET_ADDR(ROM_BASE),
        .IRQ_ADDR  (`VD_CPU_IRQ_VECTOR)
    ) u_cpu (
        .clk_i      (clk_i),
        .rst_i      (sys_rst),
        .mem_valid_o(mem_valid),
        .mem_instr_o(mem_instr),
        .mem_ready_i(mem_ready),
        .mem_addr_o (mem_addr),
        .mem_wdata_o(mem_wdata),
        .mem_wstrb_o(mem_wstrb),
        .mem_rdata_i(mem_rdata),
        .mem_la_read_o (la_read),
        .mem_la_write_o(la_write),
        .mem_la_addr_o (la_addr),
        .mem_la_wdata_o(la_wdata),
        .mem_la_wstrb_o(la_wstrb),
        .irq_i      (irq),
        .trap_o     (cpu_trap)
    );
    assign trap_o = cpu_trap;

    // ---------------------------------------------------------------- decode
    reg  pend_q;                            // request issued last cycle: acknowledge now
    reg  fast_q;                            // FW RAM access done on the look-ahead: ready now
    wire req = mem_valid && !pend_q && !fast_q;
    wire we  = |mem_wstrb;

    wire [31:0] la_fw_off = la_addr - FW_BASE;
    wire la_fw = (la_read || la_write) && la_fw_off < FW_RAM_BYTES;

    wire [31:0] fw_off   = mem_addr - FW_BASE;
    wire [31:0] vram_off = mem_addr - VRAM_BASE;
    wire [31:0] rom_off  = mem_addr - ROM_BASE;
    wire sel_fw     = fw_off < FW_RAM_BYTES;
    wire sel_vram   = vram_off < VRAM_BYTES;
    wire sel_rom    = rom_off < `VD_BOOTROM_SIZE;
    wire in_periph  = mem_addr[31:16] == PERIPH_BASE[31:16];
    wire sel_sysctl = in_periph && mem_addr[15:12] == SYSCTL_BASE[15:12];
    wire sel_uart   = in_periph && mem_addr[15:12] == UART_BASE[15:12];
    wire sel_timer  = in_periph && mem_addr[15:12] == TIMER_BASE[15:12];
    wire sel_spi    = in_periph && mem_addr[15:12] == SPI_BASE[15:12];
    wire sel_none   = !(sel_fw || sel_vram || sel_rom || sel_sysctl || sel_uart || sel_timer || sel_spi);

    localparam S_FW = 0, S_VRAM = 1, S_ROM = 2, S_SYSCTL = 3, S_UART = 4, S_TIMER = 5, S_SPI = 6;
    reg [6:0] sel_q;                        // target of the access being acknowledged
    reg       buserr_q;

    always @(posedge clk_i) begin
        if (sys_rst) begin
            pend_q   <= 1'b0;
            fast_q   <= 1'b0;
            sel_q    <= 7'b0;
            buserr_q <= 1'b0;
        end else begin
            pend_q   <= req;
            fast_q   <= la_fw;
            buserr_q <= req && sel_none;
            if (req) sel_q <= {sel_spi, sel_timer, sel_uart, sel_sysctl, sel_rom, sel_vram, sel_fw};
        end
    end
    assign mem_ready = pend_q || fast_q;

    // ---------------------------------------------------------------- memories
    wire [31:0] fw_rdata, vram_rdata, rom_rdata;

    // The look-ahead access and a two-cycle request never fall in the same cycle (the CPU
    // announces the next access only once the current one is over).
    vd_spram32 #(.WORDS(FW_WORDS)) u_fw_ram (
        .clk_i  (clk_i),
        .en_i   (la_fw || (req && sel_fw)),
        .we_i   (la_fw ? (la_write ? la_wstrb : 4'b0) : mem_wstrb),
        .addr_i (la_fw ? la_fw_off[FW_AW+1:2] : fw_off[FW_AW+1:2]),
        .wdata_i(la_fw ? la_wdata : mem_wdata),
        .rdata_o(fw_rdata)
    );

    vd_spram32 #(.WORDS(VRAM_WORDS)) u_vram (
        .clk_i  (clk_i),
        .en_i   (req && sel_vram),
        .we_i   (mem_wstrb),
        .addr_i (vram_off[VRAM_AW+1:2]),
        .wdata_i(mem_wdata),
        .rdata_o(vram_rdata)
    );

    vd_bootrom #(.WORDS(ROM_WORDS), .INIT_FILE(BOOTROM_INIT)) u_bootrom (
        .clk_i  (clk_i),
        .addr_i (rom_off[ROM_AW+1:2]),
        .rdata_o(rom_rdata)
    );

    // ---------------------------------------------------------------- register blocks
    wire [31:0] sysctl_rdata, uart_rdata, timer_rdata, spi_rdata;
    wire        sysctl_ack, uart_ack, timer_ack, spi_ack;
    wire        uart_irq, timer_irq;

    vd_sysctl #(.FW_RAM_BYTES(FW_RAM_BYTES), .VRAM_BYTES(VRAM_BYTES)) u_sysctl (
        .clk_i    (clk_i),
        .por_i    (por_i),
        .trap_i   (cpu_trap),
        .sys_rst_o(sys_rst),
        .req_i    (req && sel_sysctl),
        .we_i     (we),
        .addr_i   (mem_addr[11:0]),
        .wdata_i  (mem_wdata),
        .ack_o    (sysctl_ack),
        .rdata_o  (sysctl_rdata)
    );

    vd_uart u_uart (
        .clk_i  (clk_i),
        .rst_i  (sys_rst),
        .req_i  (req && sel_uart),
        .we_i   (we),
        .addr_i (mem_addr[11:0]),
        .wdata_i(mem_wdata),
        .ack_o  (uart_ack),
        .rdata_o(uart_rdata),
        .irq_o  (uart_irq),
        .tx_o   (uart_tx_o),
        .rx_i   (uart_rx_i)
    );

    vd_timer u_timer (
        .clk_i  (clk_i),
        .rst_i  (sys_rst),
        .req_i  (req && sel_timer),
        .we_i   (we),
        .addr_i (mem_addr[11:0]),
        .wdata_i(mem_wdata),
        .ack_o  (timer_ack),
        .rdata_o(timer_rdata),
        .irq_o  (timer_irq)
    );

    vd_spiflash u_spiflash (
        .clk_i  (clk_i),
        .rst_i  (sys_rst),
        .req_i  (req && sel_spi),
        .we_i   (we),
        .addr_i (mem_addr[11:0]),
        .wdata_i(mem_wdata),
        .ack_o  (spi_ack),
        .rdata_o(spi_rdata),
        .cs_no  (flash_cs_no),
        .sck_o  (flash_sck_o),
        .mosi_o (flash_mosi_o),
        .miso_i (flash_miso_i)
    );

    // Block acks always coincide with pend_q (fixed one-cycle latency); they are not needed
    // for the handshake, only the read data.
    wire unused_ok = &{1'b0, mem_instr, sysctl_ack, uart_ack, timer_ack, spi_ack,
                       fw_off[31:FW_AW+2], fw_off[1:0], la_fw_off[31:FW_AW+2], la_fw_off[1:0],
                       vram_off[31:VRAM_AW+2], vram_off[1:0],
                       rom_off[31:ROM_AW+2], rom_off[1:0]};

    always @(*) begin
        case (1'b1)
            fast_q:          mem_rdata = fw_rdata;
            sel_q[S_FW]:     mem_rdata = fw_rdata;
            sel_q[S_VRAM]:   mem_rdata = vram_rdata;
            sel_q[S_ROM]:    mem_rdata = rom_rdata;
            sel_q[S_SYSCTL]: mem_rdata = sysctl_rdata;
            sel_q[S_UART]:   mem_rdata = uart_rdata;
            sel_q[S_TIMER]:  mem_rdata = timer_rdata;
            sel_q[S_SPI]:    mem_rdata = spi_rdata;
            default:         mem_rdata = 32'b0;
        endcase
    end

    // ---------------------------------------------------------------- interrupts
    localparam [31:0] IRQ_BUSERR = `VD_IRQ_BUSERR;
    localparam [31:0] IRQ_UART   = `VD_IRQ_UART;
    localparam [31:0] IRQ_TIMER  = `VD_IRQ_TIMER;
    reg [31:0] irq_lines;
    always @(*) begin
        irq_lines = 32'b0;
        irq_lines[IRQ_BUSERR[4:0]] = buserr_q;
        irq_lines[IRQ_UART[4:0]]   = uart_irq;
        irq_lines[IRQ_TIMER[4:0]]  = timer_irq;
    end
    assign irq = irq_lines;
endmodule

`default_nettype wire
