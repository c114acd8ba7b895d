// Exhaustive test of tame_aes_sbox_gf: every one of the 256 inputs must give the
// FIPS-197 S-box entry held in tame_pkg::SBOX_TABLE. Prints totals; $fatal on any mismatch.
module tb_sbox_gf;

  logic [7:0] a;
  logic [7:0] s;

  tame_aes_sbox_gf dut (
    .a_i (a),
    .s_o (s)
  );

  int passed;
  int failed;
  logic [7:0] expected;

  initial begin
    passed = 0;
    failed = 0;
    for (int i = 0; i < 256; i++) begin
      a = 8'(i);
      #1;
      expected = tame_pkg::SBOX_TABLE[8*i +: 8];
      if (s === expected) begin
        passed++;
      end else begin
        failed++;
        $display("MISMATCH: S(0x%02h) = 0x%02h, expected 0x%02h", a, s, expected);
      end
    end
    $display("tb_sbox_gf: %0d passed, %0d failed", passed, failed);
    if (failed != 0) begin
      $fatal(1, "tb_sbox_gf: %0d of 256 S-box entries wrong", failed);
    end
    $finish;
  end

endmodule
