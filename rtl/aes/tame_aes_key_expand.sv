// Iterative AES key expansion (FIPS-197 section 5.2) for AES-128 and AES-256: one round
// key every 2 + tame_pkg::sbox_stages(SboxImpl) cycles (the S-box answers that many
// cycles after its input, and its answer is registered once more here, so that the
// route from the S-box's block RAM is a path of its own), written out as it is made so
// that the key-slot store never needs the cipher key itself.
module tame_aes_key_expand #(
  parameter int SboxImpl = tame_pkg::SboxRomRegMix
) (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         clear_i,   // zeroize: drop the key material and stop
  input  logic         start_i,   // take key_i; only while busy_o is low
  input  logic [255:0] key_i,     // key byte 0 in [255:248]; AES-128 uses [255:128]
  input  logic         key256_i,
  output logic         busy_o,
  output logic         rk_we_o,   // round key rk_idx_o is on rk_o
  output logic [3:0]   rk_idx_o,
  output logic [127:0] rk_o,
  output logic         done_o     // the last round key is being written
);

  localparam int Ls = tame_pkg::sbox_stages(SboxImpl);   // S-box latency in cycles

  logic         busy_q, key256_q;
  logic [1:0]   phase_q;          // cycles since this step's S-box input was presented
  logic [3:0]   idx_q;            // index of the next round key to write
  logic [7:0]   rcon_q;
  logic [127:0] a_q /*verilator public_flat_rd*/;  // secret: the last eight key words
  logic [127:0] b_q /*verilator public_flat_rd*/;  // (AES-128 uses b_q only)

  // SubWord of the last word, rotated first when this step uses Rcon.
  logic        use_rcon;
  logic [31:0] last_word, sub_in, sub_out, temp;
  logic [31:0] sub_q /*verilator public_flat_rd*/;  // secret: SubWord of a key word
  logic [127:0] prev, next_rk;

  assign use_rcon  = !key256_q || !idx_q[0];
  assign last_word = b_q[31:0];
  assign sub_in    = use_rcon ? {last_word[23:0], last_word[31:24]} : last_word;

  logic [31:0] unused_double;  // key expansion has no MixColumns
  tame_aes_sbox #(.Impl(SboxImpl)) u_sbox (
    .clk_i, .a_i(sub_in), .s_o(sub_out), .d_o(unused_double));

  // SubWord of key material: held only while a key is being expanded.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)                              sub_q <= '0;
    else if (clear_i || last_step || !busy_q) sub_q <= '0;
    else                                      sub_q <= sub_out;
  end

  assign temp = sub_q ^ (use_rcon ? {rcon_q, 24'h0} : 32'h0);
  assign prev = key256_q ? a_q : b_q;
  // Word i is temp XOR prev words 0..i, written flat so that no word waits on another.
  always_comb begin
    next_rk[127:96] = temp ^ prev[127:96];
    next_rk[95:64]  = temp ^ prev[127:96] ^ prev[95:64];
    next_rk[63:32]  = temp ^ prev[127:96] ^ prev[95:64] ^ prev[63:32];
    next_rk[31:0]   = temp ^ prev[127:96] ^ prev[95:64] ^ prev[63:32] ^ prev[31:0];
  end

  // AES-256 round key 1 is the second half of the key; every later one is computed.
  logic copy_step, compute_step, last_step;
  assign copy_step    = busy_q && key256_q && (idx_q == 4'd1);
  assign compute_step = busy_q && !copy_step && (phase_q == 2'(Ls + 1));
  assign last_step    = (copy_step || compute_step) && (idx_q == (key256_q ? 4'd14 : 4'd10));

  always_comb begin
    rk_we_o  = 1'b0;
    rk_idx_o = idx_q;
    rk_o     = next_rk;
    if (start_i && !busy_q) begin
      rk_we_o  = 1'b1;
      rk_idx_o = 4'd0;
      rk_o     = key_i[255:128];
    end else if (copy_step) begin
      rk_we_o = 1'b1;
      rk_o    = b_q;
    end else if (compute_step) begin
      rk_we_o = 1'b1;
    end
  end

  assign busy_o = busy_q;
  assign done_o = last_step;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q   <= 1'b0;
      phase_q  <= '0;
      key256_q <= 1'b0;
      idx_q    <= '0;
      rcon_q   <= 8'h01;
      a_q      <= '0;
      b_q      <= '0;
    end else if (clear_i || last_step) begin
      // Key words are not kept once the slot is written.
      busy_q  <= 1'b0;
      phase_q <= '0;
      idx_q   <= '0;
      a_q     <= '0;
      b_q     <= '0;
    end else if (start_i && !busy_q) begin
      busy_q   <= 1'b1;
      phase_q  <= '0;
      key256_q <= key256_i;
      idx_q    <= 4'd1;
      rcon_q   <= 8'h01;
      a_q      <= key_i[255:128];
      b_q      <= key256_i ? key_i[127:0] : key_i[255:128];
    end else if (copy_step) begin
      idx_q <= idx_q + 4'd1;
    end else if (busy_q) begin
      phase_q <= compute_step ? '0 : phase_q + 2'd1;
      if (compute_step) begin
        idx_q <= idx_q + 4'd1;
        a_q   <= b_q;
        b_q   <= next_rk;
        if (use_rcon) rcon_q <= tame_pkg::xtime(rcon_q);
      end
    end
  end

endmodule
