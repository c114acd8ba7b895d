// The S-boxes of one 32-bit column: four bytes in, and for each its S(a) and {02}S(a)
// (what MixColumns needs) out of a register. Every S-box in TAME is this module, so one
// parameter decides how all are built (tame_pkg):
//   SboxRom      - two 256 x 16 two-port ROMs (tame_aes_sbox_rom), read through a
//                  register; each maps onto one ECP5 DP16KD (1024 x 18, true dual port);
//   SboxRomReg   - the same ROMs with the block RAM's output register: two cycles
//                  (SboxRomRegMix builds its S-boxes the same way);
//   SboxLogic    - tower-field inversion in logic (tame_aes_sbox_gf), then the register;
//   SboxLogicReg - the same with a register on the input as well: two cycles.
module tame_aes_sbox #(
  parameter int Impl = tame_pkg::SboxRom
) (
  input  logic        clk_i,
  input  logic [31:0] a_i,
  output logic [31:0] s_o,  // S(a) per byte, tame_pkg::sbox_stages(Impl) cycles later
  output logic [31:0] d_o   // {02} * S(a) per byte
);

  localparam bit TwoStages = (tame_pkg::sbox_stages(Impl) == 2);

  if (tame_pkg::sbox_in_logic(Impl)) begin : g_logic
    logic [31:0] a, s;
    if (TwoStages) begin : g_in_reg
      always_ff @(posedge clk_i) a <= a_i;
    end else begin : g_no_in_reg
      assign a = a_i;
    end

    for (genvar b = 0; b < 4; b++) begin : g_byte
      tame_aes_sbox_gf u_gf (.a_i(a[31 - 8 * b -: 8]), .s_o(s[31 - 8 * b -: 8]));
    end

    always_ff @(posedge clk_i) begin
      s_o <= s;
      d_o <= {tame_pkg::xtime(s[31:24]), tame_pkg::xtime(s[23:16]),
              tame_pkg::xtime(s[15:8]), tame_pkg::xtime(s[7:0])};
    end
  end else begin : g_rom
    // Entry a holds {02}S(a) in [15:8] and S(a) in [7:0]; two ports per ROM.
    logic [15:0] q0, q1, q2, q3;
    tame_aes_sbox_rom #(.OutReg(TwoStages)) u_rom_hi (
      .clk_i, .a0_i(a_i[31:24]), .a1_i(a_i[23:16]), .q0_o(q0), .q1_o(q1));
    tame_aes_sbox_rom #(.OutReg(TwoStages)) u_rom_lo (
      .clk_i, .a0_i(a_i[15:8]), .a1_i(a_i[7:0]), .q0_o(q2), .q1_o(q3));
    assign s_o = {q0[7:0], q1[7:0], q2[7:0], q3[7:0]};
    assign d_o = {q0[15:8], q1[15:8], q2[15:8], q3[15:8]};
  end

endmodule
