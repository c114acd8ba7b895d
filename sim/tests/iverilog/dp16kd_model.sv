// A behavioural ECP5 DP16KD for tests, read side only, in the 1024 x 18 mode that
// rtl/fpga/ecp5/tame_aes_sbox_rom.sv uses: INITVAL_xx holds entries 16xx..16xx+15 in
// 20-bit slots (data in the low 18 bits), the word address is AD[13:4], a read is
// registered, and REGMODE "OUTREG" adds the output register (the layout is the one
// Yosys's own ECP5 mapping writes). For the Icarus check of the ECP5 S-box ROM; a write
// or any other mode stops the simulation rather than being modelled wrongly.
module DP16KD #(
  parameter DATA_WIDTH_A = 18,
  parameter DATA_WIDTH_B = 18,
  parameter REGMODE_A = "NOREG",
  parameter REGMODE_B = "NOREG",
  parameter RESETMODE = "SYNC",
  parameter CSDECODE_A = "0b000",
  parameter CSDECODE_B = "0b000",
  parameter WRITEMODE_A = "NORMAL",
  parameter WRITEMODE_B = "NORMAL",
  parameter GSR = "DISABLED",
  parameter [319:0] INITVAL_00 = 320'h0, parameter [319:0] INITVAL_01 = 320'h0,
  parameter [319:0] INITVAL_02 = 320'h0, parameter [319:0] INITVAL_03 = 320'h0,
  parameter [319:0] INITVAL_04 = 320'h0, parameter [319:0] INITVAL_05 = 320'h0,
  parameter [319:0] INITVAL_06 = 320'h0, parameter [319:0] INITVAL_07 = 320'h0,
  parameter [319:0] INITVAL_08 = 320'h0, parameter [319:0] INITVAL_09 = 320'h0,
  parameter [319:0] INITVAL_0A = 320'h0, parameter [319:0] INITVAL_0B = 320'h0,
  parameter [319:0] INITVAL_0C = 320'h0, parameter [319:0] INITVAL_0D = 320'h0,
  parameter [319:0] INITVAL_0E = 320'h0, parameter [319:0] INITVAL_0F = 320'h0
) (
  input  DIA17, DIA16, DIA15, DIA14, DIA13, DIA12, DIA11, DIA10, DIA9, DIA8, DIA7, DIA6,
  input  DIA5, DIA4, DIA3, DIA2, DIA1, DIA0,
  input  ADA13, ADA12, ADA11, ADA10, ADA9, ADA8, ADA7, ADA6, ADA5, ADA4, ADA3, ADA2,
  input  ADA1, ADA0, CEA, OCEA, CLKA, WEA, RSTA, CSA2, CSA1, CSA0,
  output DOA17, DOA16, DOA15, DOA14, DOA13, DOA12, DOA11, DOA10, DOA9, DOA8, DOA7, DOA6,
  output DOA5, DOA4, DOA3, DOA2, DOA1, DOA0,
  input  DIB17, DIB16, DIB15, DIB14, DIB13, DIB12, DIB11, DIB10, DIB9, DIB8, DIB7, DIB6,
  input  DIB5, DIB4, DIB3, DIB2, DIB1, DIB0,
  input  ADB13, ADB12, ADB11, ADB10, ADB9, ADB8, ADB7, ADB6, ADB5, ADB4, ADB3, ADB2,
  input  ADB1, ADB0, CEB, OCEB, CLKB, WEB, RSTB, CSB2, CSB1, CSB0,
  output DOB17, DOB16, DOB15, DOB14, DOB13, DOB12, DOB11, DOB10, DOB9, DOB8, DOB7, DOB6,
  output DOB5, DOB4, DOB3, DOB2, DOB1, DOB0
);
  wire [5119:0] init = {INITVAL_0F, INITVAL_0E, INITVAL_0D, INITVAL_0C, INITVAL_0B,
                        INITVAL_0A, INITVAL_09, INITVAL_08, INITVAL_07, INITVAL_06,
                        INITVAL_05, INITVAL_04, INITVAL_03, INITVAL_02, INITVAL_01,
                        INITVAL_00};
  wire [9:0] addr_a = {ADA13, ADA12, ADA11, ADA10, ADA9, ADA8, ADA7, ADA6, ADA5, ADA4};
  wire [9:0] addr_b = {ADB13, ADB12, ADB11, ADB10, ADB9, ADB8, ADB7, ADB6, ADB5, ADB4};

  reg [17:0] read_a, read_b, out_a, out_b;
  wire [17:0] do_a = (REGMODE_A == "OUTREG") ? out_a : read_a;
  wire [17:0] do_b = (REGMODE_B == "OUTREG") ? out_b : read_b;
  assign {DOA17, DOA16, DOA15, DOA14, DOA13, DOA12, DOA11, DOA10, DOA9, DOA8, DOA7, DOA6,
          DOA5, DOA4, DOA3, DOA2, DOA1, DOA0} = do_a;
  assign {DOB17, DOB16, DOB15, DOB14, DOB13, DOB12, DOB11, DOB10, DOB9, DOB8, DOB7, DOB6,
          DOB5, DOB4, DOB3, DOB2, DOB1, DOB0} = do_b;

  initial begin
    if (DATA_WIDTH_A != 18 || DATA_WIDTH_B != 18)
      $fatal(1, "DP16KD model: only the 18-bit mode is modelled");
  end

  always @(posedge CLKA) begin
    if (WEA === 1'b1 || addr_a >= 10'd256) $fatal(1, "DP16KD model: write or address beyond the INITVALs on port A");
    if (CEA) read_a <= init[20 * addr_a +: 18];
    if (OCEA) out_a <= read_a;
  end
  always @(posedge CLKB) begin
    if (WEB === 1'b1 || addr_b >= 10'd256) $fatal(1, "DP16KD model: write or address beyond the INITVALs on port B");
    if (CEB) read_b <= init[20 * addr_b +: 18];
    if (OCEB) out_b <= read_b;
  end
endmodule
