# TAME on Xilinx Artix-7 (xc7a200t): the one clock, 200 MHz (5 ns period).
# make synth uses Yosys synth_xilinx for a resource estimate only (no place and route);
# a vendor flow that implements a block would read this file. No PACKAGE_PIN lines:
# the blocks have more ports than any package has pins, see README.md here.
create_clock -name clk_i -period 5.000 [get_ports clk_i]
