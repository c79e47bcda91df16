// Byte-wide SPI master, mode 0, SCK = clk/2: enough for the boot ROM to stream the
// firmware image out of the configuration flash (about 16 clocks per byte).
`default_nettype none
`include "vd_regs.vh"

module vd_spiflash (
    input  wire        clk_i,
    input  wire        rst_i,
    input  wire        req_i,
    input  wire        we_i,
    input  wire [11:0] addr_i,
    input  wire [31:0] wdata_i,
    output reg         ack_o,
    output reg  [31:0] rdata_o,
    output wire        cs_no,
    output wire        sck_o,
    output wire        mosi_o,
    input  wire        miso_i
);
    reg       cs_q, sck_q, busy_q;
    reg [7:0] tx_q, rx_q;
    reg [2:0] bit_q;

    assign cs_no  = !cs_q;
    assign sck_o  = sck_q;
    assign mosi_o = tx_q[7];

    wire unused_wdata = &{1'b0, wdata_i[31:8]};   // byte-wide registers
    wire start = req_i && we_i && addr_i == `VD_SPIFLASH_DATA && !busy_q;

    always @(posedge clk_i) begin
        if (rst_i) begin
            cs_q   <= 1'b0;
            sck_q  <= 1'b0;
            busy_q <= 1'b0;
            tx_q   <= 8'b0;
            rx_q   <= 8'b0;
            bit_q  <= 3'b0;
        end else begin
            if (req_i && we_i && addr_i == `VD_SPIFLASH_CTRL)
                cs_q <= wdata_i[`VD_SPIFLASH_CTRL_CS_LSB];
            if (start) begin
                tx_q   <= wdata_i[7:0];
                busy_q <= 1'b1;
                bit_q  <= 3'b0;
            end else if (busy_q) begin
                sck_q <= !sck_q;
                if (!sck_q) begin
                    rx_q <= {rx_q[6:0], miso_i};   // sample on the rising edge
                end else begin
                    tx_q  <= {tx_q[6:0], 1'b0};    // shift on the falling edge
                    bit_q <= bit_q + 1'b1;
                    if (bit_q == 3'd7) busy_q <= 1'b0;
                end
            end
        end
    end

    always @(posedge clk_i) begin
        ack_o   <= req_i && !rst_i;
        rdata_o <= 32'b0;
        if (req_i && !we_i) begin
            case (addr_i)
                `VD_SPIFLASH_CTRL:   rdata_o <= {31'b0, cs_q};
                `VD_SPIFLASH_DATA:   rdata_o <= {24'b0, rx_q};
                `VD_SPIFLASH_STATUS: rdata_o <= {31'b0, busy_q};
                default:             rdata_o <= 32'b0;
            endcase
        end
    end
endmodule

`default_nettype wire
