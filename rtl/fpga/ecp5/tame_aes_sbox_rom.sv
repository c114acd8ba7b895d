// ECP5 build of tame_aes_sbox_rom (rtl/aes/tame_aes_sbox_rom.sv has the same ports and
// behaviour): one DP16KD in 1024 x 18 mode, port A for a0, port B for a1, entries 0..255
// filled. With OutReg the block RAM's own output register is on (REGMODE OUTREG): the
// data leave the block a cycle later but with a clock-to-out far shorter than the array
// read's, which is what lets an AES round run at a higher clock.
//
// Only make synth reads this file (scripts/synth.py swaps it in for the portable one).
// sim/tests/iverilog/ checks it against the S-box with a behavioural DP16KD.
module tame_aes_sbox_rom #(
  parameter bit OutReg = 1'b0
) (
  input  logic        clk_i,
  input  logic [7:0]  a0_i,
  input  logic [7:0]  a1_i,
  output logic [15:0] q0_o,
  output logic [15:0] q1_o
);

  // INITVAL_xx holds entries 16xx .. 16xx+15, 20 bits each (18 data bits and 2 unused),
  // entry 16xx in the low bits: the layout Yosys's own ECP5 block-RAM mapping writes.
  function automatic logic [319:0] initval(input int row);
    initval = '0;
    for (int i = 0; i < 16; i++) begin
      initval[20 * i +: 16] = {tame_pkg::SBOX_X2_TABLE[8 * (16 * row + i) +: 8],
                               tame_pkg::SBOX_TABLE[8 * (16 * row + i) +: 8]};
    end
  endfunction

  logic [17:0] doa, dob;
  assign q0_o = doa[15:0];
  assign q1_o = dob[15:0];

  DP16KD #(
    .DATA_WIDTH_A (18),
    .DATA_WIDTH_B (18),
    .REGMODE_A    (OutReg ? "OUTREG" : "NOREG"),
    .REGMODE_B    (OutReg ? "OUTREG" : "NOREG"),
    .RESETMODE    ("SYNC"),
    .CSDECODE_A   ("0b000"),
    .CSDECODE_B   ("0b000"),
    .WRITEMODE_A  ("NORMAL"),
    .WRITEMODE_B  ("NORMAL"),
    .GSR          ("DISABLED"),
    .INITVAL_00 (initval(0)),  .INITVAL_01 (initval(1)),  .INITVAL_02 (initval(2)),
    .INITVAL_03 (initval(3)),  .INITVAL_04 (initval(4)),  .INITVAL_05 (initval(5)),
    .INITVAL_06 (initval(6)),  .INITVAL_07 (initval(7)),  .INITVAL_08 (initval(8)),
    .INITVAL_09 (initval(9)),  .INITVAL_0A (initval(10)), .INITVAL_0B (initval(11)),
    .INITVAL_0C (initval(12)), .INITVAL_0D (initval(13)), .INITVAL_0E (initval(14)),
    .INITVAL_0F (initval(15))
  ) u_ebr (
    // In x18 mode the word address is AD[13:4]; AD[3:0] are write byte enables.
    .ADA13(1'b0), .ADA12(1'b0), .ADA11(a0_i[7]), .ADA10(a0_i[6]), .ADA9(a0_i[5]),
    .ADA8(a0_i[4]), .ADA7(a0_i[3]), .ADA6(a0_i[2]), .ADA5(a0_i[1]), .ADA4(a0_i[0]),
    .ADA3(1'b0), .ADA2(1'b0), .ADA1(1'b0), .ADA0(1'b0),
    .ADB13(1'b0), .ADB12(1'b0), .ADB11(a1_i[7]), .ADB10(a1_i[6]), .ADB9(a1_i[5]),
    .ADB8(a1_i[4]), .ADB7(a1_i[3]), .ADB6(a1_i[2]), .ADB5(a1_i[1]), .ADB4(a1_i[0]),
    .ADB3(1'b0), .ADB2(1'b0), .ADB1(1'b0), .ADB0(1'b0),
    .DIA17(1'b0), .DIA16(1'b0), .DIA15(1'b0), .DIA14(1'b0), .DIA13(1'b0), .DIA12(1'b0),
    .DIA11(1'b0), .DIA10(1'b0), .DIA9(1'b0), .DIA8(1'b0), .DIA7(1'b0), .DIA6(1'b0),
    .DIA5(1'b0), .DIA4(1'b0), .DIA3(1'b0), .DIA2(1'b0), .DIA1(1'b0), .DIA0(1'b0),
    .DIB17(1'b0), .DIB16(1'b0), .DIB15(1'b0), .DIB14(1'b0), .DIB13(1'b0), .DIB12(1'b0),
    .DIB11(1'b0), .DIB10(1'b0), .DIB9(1'b0), .DIB8(1'b0), .DIB7(1'b0), .DIB6(1'b0),
    .DIB5(1'b0), .DIB4(1'b0), .DIB3(1'b0), .DIB2(1'b0), .DIB1(1'b0), .DIB0(1'b0),
    .CLKA(clk_i), .CEA(1'b1), .OCEA(1'b1), .WEA(1'b0), .RSTA(1'b0),
    .CSA2(1'b0), .CSA1(1'b0), .CSA0(1'b0),
    .CLKB(clk_i), .CEB(1'b1), .OCEB(1'b1), .WEB(1'b0), .RSTB(1'b0),
    .CSB2(1'b0), .CSB1(1'b0), .CSB0(1'b0),
    .DOA17(doa[17]), .DOA16(doa[16]), .DOA15(doa[15]), .DOA14(doa[14]), .DOA13(doa[13]),
    .DOA12(doa[12]), .DOA11(doa[11]), .DOA10(doa[10]), .DOA9(doa[9]), .DOA8(doa[8]),
    .DOA7(doa[7]), .DOA6(doa[6]), .DOA5(doa[5]), .DOA4(doa[4]), .DOA3(doa[3]),
    .DOA2(doa[2]), .DOA1(doa[1]), .DOA0(doa[0]),
    .DOB17(dob[17]), .DOB16(dob[16]), .DOB15(dob[15]), .DOB14(dob[14]), .DOB13(dob[13]),
    .DOB12(dob[12]), .DOB11(dob[11]), .DOB10(dob[10]), .DOB9(dob[9]), .DOB8(dob[8]),
    .DOB7(dob[7]), .DOB6(dob[6]), .DOB5(dob[5]), .DOB4(dob[4]), .DOB3(dob[3]),
    .DOB2(dob[2]), .DOB1(dob[1]), .DOB0(dob[0])
  );

endmodule
