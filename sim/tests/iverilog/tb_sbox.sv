// Exhaustive test of tame_aes_sbox under Icarus (the simulator that sees the same RTL
// as synthesis: the initial-filled ROMs, the ECP5 block-RAM build and the tower-field
// logic). Every build must give, for all 256 inputs in every byte lane, S(a) and {02}S(a)
// as computed here from the definition (the inverse in GF(2^8) found by search, then the
// affine map), and after exactly tame_pkg::sbox_stages(Impl) clocks.
// Compiled twice by sim/CMakeLists.txt: with the portable ROM, and with the ECP5 one.
module tb_sbox;

  // The builds under test, by index (Icarus takes no unpacked-array parameter).
  localparam int NumImpl = 4;
  function automatic int impl_of(input int k);
    case (k)
      0:       impl_of = tame_pkg::SboxRom;
      1:       impl_of = tame_pkg::SboxLogic;
      2:       impl_of = tame_pkg::SboxRomReg;
      default: impl_of = tame_pkg::SboxLogicReg;
    endcase
  endfunction

  logic        clk = 1'b0;
  logic [31:0] a;
  logic [31:0] s [NumImpl];
  logic [31:0] d [NumImpl];

  for (genvar k = 0; k < NumImpl; k++) begin : g_impl
    tame_aes_sbox #(.Impl(impl_of(k))) u_sbox (.clk_i(clk), .a_i(a), .s_o(s[k]), .d_o(d[k]));
  end

  function automatic logic [7:0] gmul(input logic [7:0] x, input logic [7:0] y);
    logic [7:0] p;
    p = 8'h00;
    for (int i = 0; i < 8; i++) begin
      if (y[i]) p = p ^ x;
      x = {x[6:0], 1'b0} ^ (x[7] ? 8'h1b : 8'h00);
    end
    gmul = p;
  endfunction

  function automatic logic [7:0] sbox_ref(input logic [7:0] x);
    logic [7:0] inv, b;
    inv = 8'h00;
    for (int c = 1; c < 256; c++) if (gmul(x, 8'(c)) == 8'h01) inv = 8'(c);
    b = inv;
    sbox_ref = b ^ {b[6:0], b[7]} ^ {b[5:0], b[7:6]} ^ {b[4:0], b[7:5]} ^ {b[3:0], b[7:4]} ^ 8'h63;
  endfunction

  int passed, failed;

  // Checks every lane of build k against the S-box of input x.
  task automatic check(input int k, input logic [31:0] x, input string when);
    logic [7:0] want_s, want_d;
    for (int lane = 0; lane < 4; lane++) begin
      want_s = sbox_ref(x[31 - 8 * lane -: 8]);
      want_d = gmul(want_s, 8'h02);
      if (s[k][31 - 8 * lane -: 8] === want_s && d[k][31 - 8 * lane -: 8] === want_d) begin
        passed++;
      end else begin
        failed++;
        $display("MISMATCH impl %0d lane %0d a=%02h %s: got %02h/%02h want %02h/%02h",
                 impl_of(k), lane, x[31 - 8 * lane -: 8], when, s[k][31 - 8 * lane -: 8],
                 d[k][31 - 8 * lane -: 8], want_s, want_d);
      end
    end
  endtask

  logic [31:0] prev;

  initial begin
    passed = 0;
    failed = 0;
    for (int i = 0; i < 256; i++) begin
      // Lane j gets input i + 64j, so every lane sees every value.
      a = {8'(i), 8'(i + 64), 8'(i + 128), 8'(i + 192)};
      #1 clk = 1'b1;
      #1 clk = 1'b0;
      // One clock after the input: one-stage builds answer; two-stage builds still
      // show the previous input's answer.
      for (int k = 0; k < NumImpl; k++) begin
        if (tame_pkg::sbox_stages(impl_of(k)) == 1) check(k, a, "after 1 clock");
        else if (i > 0) check(k, prev, "previous input, after 1 clock");
      end
      #1 clk = 1'b1;
      #1 clk = 1'b0;
      for (int k = 0; k < NumImpl; k++) check(k, a, "after 2 clocks");
      prev = a;
    end
    $display("tb_sbox: %0d passed, %0d failed", passed, failed);
    if (failed != 0) $fatal(1, "tb_sbox: %0d lane values wrong", failed);
    $finish;
  end

endmodule
