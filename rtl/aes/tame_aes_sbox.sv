// The AES S-box as two read ports with registered outputs. Every S-box in TAME is this
// module, so one parameter decides how all of them are built: a 256-entry ROM read
// through its output register (one ECP5 DP16KD serves both ports) or tower-field logic.
module tame_aes_sbox #(
  parameter int unsigned Impl = tame_pkg::SboxRom
) (
  input  logic       clk_i,
  input  logic [7:0] a0_i,
  input  logic [7:0] a1_i,
  output logic [7:0] s0_o,
  output logic [7:0] s1_o
);

  if (Impl == tame_pkg::SboxLogic) begin : g_logic
    logic [7:0] s0, s1;

    tame_aes_sbox_gf u_gf0 (.a_i(a0_i), .s_o(s0));
    tame_aes_sbox_gf u_gf1 (.a_i(a1_i), .s_o(s1));

    always_ff @(posedge clk_i) begin
      s0_o <= s0;
      s1_o <= s1;
    end
  end else begin : g_rom
    (* rom_style = "block" *) logic [7:0] rom [0:255];

    initial begin
      for (int i = 0; i < 256; i++) rom[i] = tame_pkg::SBOX_TABLE[8 * i +: 8];
    end

    // Read only through a register: that is what lets synthesis use block RAM.
    always_ff @(posedge clk_i) begin
      s0_o <= rom[a0_i];
      s1_o <= rom[a1_i];
    end
  end

endmodule
