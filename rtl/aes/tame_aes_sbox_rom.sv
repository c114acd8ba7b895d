// Two S-box lookups from one 256 x 16 ROM: entry a is {{02}S(a), S(a)}. Read only through
// a register, which is the shape Yosys maps onto one ECP5 DP16KD (two read ports). With
// OutReg a second register follows, as the block RAM's own output register would.
//
// This is the portable build, for simulation and for any FPGA. The ECP5 flow reads
// rtl/fpga/ecp5/tame_aes_sbox_rom.sv instead: the same module as a DP16KD instance,
// because Yosys 0.23 does not move a following register into the block RAM.
module tame_aes_sbox_rom #(
  parameter bit OutReg = 1'b0
) (
  input  logic        clk_i,
  input  logic [7:0]  a0_i,
  input  logic [7:0]  a1_i,
  output logic [15:0] q0_o,
  output logic [15:0] q1_o
);

  (* rom_style = "block" *) logic [15:0] rom [0:255];

  initial begin
    for (int i = 0; i < 256; i++) begin
      rom[i] = {tame_pkg::SBOX_X2_TABLE[8 * i +: 8], tame_pkg::SBOX_TABLE[8 * i +: 8]};
    end
  end

  logic [15:0] r0, r1;
  always_ff @(posedge clk_i) begin
    r0 <= rom[a0_i];
    r1 <= rom[a1_i];
  end

  if (OutReg) begin : g_out_reg
    always_ff @(posedge clk_i) begin
      q0_o <= r0;
      q1_o <= r1;
    end
  end else begin : g_no_out_reg
    assign q0_o = r0;
    assign q1_o = r1;
  end

endmodule
