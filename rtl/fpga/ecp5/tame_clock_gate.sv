// ECP5 build of tame_clock_gate (rtl/common/tame_clock_gate.sv has the same ports): the
// clock passes ungated. No block relies on its gate for its function, and a clock left
// on the global network keeps nextpnr's timing of every path between blocks exact; on
// an FPGA the gate would save a little power and nothing else.
//
// Only make synth and the FuseSoC core read this file (rtl/configs.json, vendor_builds).
module tame_clock_gate (
  input  logic clk_i,
  input  logic en_i,
  output logic clk_o
);

  assign clk_o = clk_i;

  logic unused;
  assign unused = en_i;

endmodule
