// Boot ROM: 32-bit words from a $readmemh image, synchronous read (one EBR pair on the iCE40).
`default_nettype none

module vd_bootrom #(
    parameter WORDS     = 256,
    parameter INIT_FILE = "bootrom.hex"
) (
    input  wire                     clk_i,
    input  wire [$clog2(WORDS)-1:0] addr_i,   // word address
    output reg  [31:0]              rdata_o
);
    reg [31:0] rom [0:WORDS-1];

    initial $readmemh(INIT_FILE, rom);

    always @(posedge clk_i) rdata_o <= rom[addr_i];
endmodule

`default_nettype wire
