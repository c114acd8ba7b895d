// A clock gate: clk_o runs while en_i is high. The enable passes a latch that is open
// while the clock is low, so it cannot change during the high phase and cut a pulse.
// Blocks gate their own clock when idle; none relies on it for its function, which
// is why an FPGA build may put a plain wire here (rtl/fpga/ecp5/).
module tame_clock_gate (
  input  logic clk_i,
  input  logic en_i,
  output logic clk_o
);

  logic en_q;
  always_latch begin
    if (!clk_i) en_q = en_i;
  end
  assign clk_o = clk_i & en_q;

endmodule
