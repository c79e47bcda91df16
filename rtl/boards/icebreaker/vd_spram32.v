// iCE40 UP5K implementation of vd_spram32 (same ports as rtl/mem/vd_spram32.v): two
// SB_SPRAM256KA side by side give 16 Ki x 32 bit (64 KiB). Byte enables become the SPRAM's
// nibble write masks.
`default_nettype none

module vd_spram32 #(
    parameter WORDS = 16384
) (
    input  wire                     clk_i,
    input  wire                     en_i,
    input  wire [3:0]               we_i,
    input  wire [$clog2(WORDS)-1:0] addr_i,
    input  wire [31:0]              wdata_i,
    output wire [31:0]              rdata_o
);
    generate
        if (WORDS != 16384) begin : g_bad_size
            initial $fatal(1, "vd_spram32: the UP5K SPRAM pair is exactly 16384 words");
        end
    endgenerate

    wire        wren = |we_i;

    SB_SPRAM256KA u_lo (
        .ADDRESS   (addr_i),
        .DATAIN    (wdata_i[15:0]),
        .MASKWREN  ({we_i[1], we_i[1], we_i[0], we_i[0]}),
        .WREN      (wren),
        .CHIPSELECT(en_i),
        .CLOCK     (clk_i),
        .STANDBY   (1'b0),
        .SLEEP     (1'b0),
        .POWEROFF  (1'b1),
        .DATAOUT   (rdata_o[15:0])
    );

    SB_SPRAM256KA u_hi (
        .ADDRESS   (addr_i),
        .DATAIN    (wdata_i[31:16]),
        .MASKWREN  ({we_i[3], we_i[3], we_i[2], we_i[2]}),
        .WREN      (wren),
        .CHIPSELECT(en_i),
        .CLOCK     (clk_i),
        .STANDBY   (1'b0),
        .SLEEP     (1'b0),
        .POWEROFF  (1'b1),
        .DATAOUT   (rdata_o[31:16])
    );
endmodule

`default_nettype wire
