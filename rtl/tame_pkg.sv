// Types and constants shared by every TAME block.
// Referenced as tame_pkg::name everywhere: Yosys does not accept "import tame_pkg::*".
package tame_pkg;

  // How an AES S-box is built (see rtl/aes/tame_aes_sbox.sv). Plain integers, so a
  // tool can override them (-GSboxImpl=1).
  localparam int unsigned SboxRom   = 0;  // 256-entry table read through a register: block RAM
  localparam int unsigned SboxLogic = 1;  // composite-field inversion in logic, then a register

  // The AES S-box (FIPS-197 5.1.1) as one flat constant: entry i is SBOX_TABLE[8*i +: 8].
  // Filling ROMs from one flat vector keeps Verilator's initial-block code small.
  localparam logic [2047:0] SBOX_TABLE = 2048'h16bb54b00f2d99416842e6bf0d89a18cdf2855cee9871e9b948ed9691198f8e19e1dc186b95735610ef6034866b53e708a8bbd4b1f74dde8c6b4a61c2e2578ba08ae7a65eaf4566ca94ed58d6d37c8e779e4959162acd3c25c2406490a3a32e0db0b5ede14b8ee4688902a22dc4f816073195d643d7ea7c41744975fec130ccdd2f3ff1021dab6bcf5389d928f40a351a89f3c507f02f94585334d43fbaaefd0cf584c4a39becb6a5bb1fc20ed00d153842fe329b3d63b52a05a6e1b1a2c830975b227ebe28012079a059618c323c7041531d871f1e5a534ccf73f362693fdb7c072a49cafa2d4adf04759fa7dc982ca76abd7fe2b670130c56f6bf27b777c63;

  // ---- AES round pieces (FIPS-197 section 5.1). A 128-bit state holds byte i of the
  // ---- block at [127-8*i -: 8]; byte i sits in row i%4, column i/4.

  // Multiplication by x (that is, {02}) in GF(2^8).
  function automatic logic [7:0] xtime(input logic [7:0] b);
    xtime = {b[6:0], 1'b0} ^ (b[7] ? 8'h1b : 8'h00);
  endfunction

  // MixColumns on one column; byte 0 (row 0) in bits [31:24].
  function automatic logic [31:0] mix_column(input logic [31:0] c);
    logic [7:0] a0, a1, a2, a3;
    {a0, a1, a2, a3} = c;
    mix_column = {xtime(a0 ^ a1) ^ a1 ^ a2 ^ a3,
                  xtime(a1 ^ a2) ^ a2 ^ a3 ^ a0,
                  xtime(a2 ^ a3) ^ a3 ^ a0 ^ a1,
                  xtime(a3 ^ a0) ^ a0 ^ a1 ^ a2};
  endfunction

  // ShiftRows: row r moves left by r columns, so out byte (r, c) = in byte (r, c+r).
  function automatic logic [127:0] shift_rows(input logic [127:0] s);
    for (int c = 0; c < 4; c++) begin
      for (int r = 0; r < 4; r++) begin
        shift_rows[127 - 8 * (4 * c + r) -: 8] = s[127 - 8 * (4 * ((c + r) % 4) + r) -: 8];
      end
    end
  endfunction

  function automatic logic [127:0] mix_columns(input logic [127:0] s);
    for (int c = 0; c < 4; c++) begin
      mix_columns[127 - 32 * c -: 32] = mix_column(s[127 - 32 * c -: 32]);
    end
  endfunction

endpackage
