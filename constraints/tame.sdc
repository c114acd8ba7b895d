# TAME: the one clock, 200 MHz (5 ns), for tools that read SDC (nextpnr --sdc on
# architectures that take it, OpenSTA, vendor tools). Keep in step with
# tame_ecp5.lpf and tame_xc7a200t.xdc.
create_clock -name clk_i -period 5.000 [get_ports clk_i]
