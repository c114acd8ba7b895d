// The S-boxes of one 32-bit column: four bytes in, and for each its S(a) and {02}S(a)
// (what MixColumns needs) out of a register. Every S-box in TAME is this module, so one
// parameter decides how all are built:
//   SboxRom   - two 256 x 16 ROMs with two read ports each, read through the output
//               register; each maps onto one ECP5 DP16KD (1024 x 18, true dual port);
//   SboxLogic - tower-field inversion in logic (tame_aes_sbox_gf), then the register.
module tame_aes_sbox #(
  parameter int Impl = tame_pkg::SboxRom
) (
  input  logic        clk_i,
  input  logic [31:0] a_i,
  output logic [31:0] s_o,  // S(a) per byte
  output logic [31:0] d_o   // {02} * S(a) per byte
);

  if (Impl == tame_pkg::SboxLogic) begin : g_logic
    logic [31:0] s;
    for (genvar b = 0; b < 4; b++) begin : g_byte
      tame_aes_sbox_gf u_gf (.a_i(a_i[31 - 8 * b -: 8]), .s_o(s[31 - 8 * b -: 8]));
    end

    always_ff @(posedge clk_i) begin
      s_o <= s;
      d_o <= {tame_pkg::xtime(s[31:24]), tame_pkg::xtime(s[23:16]),
              tame_pkg::xtime(s[15:8]), tame_pkg::xtime(s[7:0])};
    end
  end else begin : g_rom
    // Entry a holds {02}S(a) in [15:8] and S(a) in [7:0]; two ports per ROM.
    (* rom_style = "block" *) logic [15:0] rom_hi [0:255];
    (* rom_style = "block" *) logic [15:0] rom_lo [0:255];

    initial begin
      for (int i = 0; i < 256; i++) begin
        rom_hi[i] = {tame_pkg::SBOX_X2_TABLE[8 * i +: 8], tame_pkg::SBOX_TABLE[8 * i +: 8]};
        rom_lo[i] = {tame_pkg::SBOX_X2_TABLE[8 * i +: 8], tame_pkg::SBOX_TABLE[8 * i +: 8]};
      end
    end

    logic [15:0] q0, q1, q2, q3;
    // Read only through a register: that is what lets synthesis use block RAM.
    always_ff @(posedge clk_i) begin
      q0 <= rom_hi[a_i[31:24]];
      q1 <= rom_hi[a_i[23:16]];
      q2 <= rom_lo[a_i[15:8]];
      q3 <= rom_lo[a_i[7:0]];
    end
    assign s_o = {q0[7:0], q1[7:0], q2[7:0], q3[7:0]};
    assign d_o = {q0[15:8], q1[15:8], q2[15:8], q3[15:8]};
  end

endmodule
