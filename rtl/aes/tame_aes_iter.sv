// AES-256 encryption, one round per clock, for the trust anchor's DRBG (where a few
// blocks per operation do not justify a pipeline). A new key is expanded once into a
// small round-key store (15 round keys, each 2 + sbox_stages(SboxImpl) clocks); each
// block then takes 15 clocks. The round is the pipeline's round with a one-stage S-box
// of the same kind: ShiftRows on the way into the S-boxes, whose output register is the
// state, then MixColumns and the round key.
module tame_aes_iter #(
  parameter int SboxImpl = tame_pkg::SboxRomRegMix
) (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         clear_i,       // zeroize: forget the key and any block in flight

  input  logic         key_valid_i,   // expand this key (only while key_ready_o)
  output logic         key_ready_o,
  input  logic [255:0] key_i,

  input  logic         in_valid_i,    // encrypt this block under the expanded key
  output logic         in_ready_o,
  input  logic [127:0] in_block_i,
  output logic         out_valid_o,   // one cycle, with the result
  output logic [127:0] out_block_o
);

  localparam int Nr = 14;

  // ---------------------------------------------------------------- round keys
  logic         exp_busy, exp_we, exp_done;
  logic [3:0]   exp_idx;
  logic [127:0] exp_rk;
  logic [127:0] rk_q [Nr + 1] /*verilator public_flat_rd*/;  // secret: round keys
  logic         have_key_q;

  tame_aes_key_expand #(.SboxImpl(SboxImpl)) u_key_expand (
    .clk_i,
    .rst_ni,
    .clear_i  (clear_i),
    .start_i  (key_valid_i && key_ready_o),
    .key_i    (key_i),
    .key256_i (1'b1),
    .busy_o   (exp_busy),
    .rk_we_o  (exp_we),
    .rk_idx_o (exp_idx),
    .rk_o     (exp_rk),
    .done_o   (exp_done)
  );

  for (genvar r = 0; r <= Nr; r++) begin : g_rk
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni)                               rk_q[r] <= '0;
      else if (clear_i)                          rk_q[r] <= '0;
      else if (exp_we && exp_idx == 4'(r))       rk_q[r] <= exp_rk;
    end
  end

  // ---------------------------------------------------------------- rounds
  logic        busy_q;
  logic [3:0]  round_q;           // the round whose S-box output the state holds
  logic [31:0] x [4];             // the next S-box input, before ShiftRows
  logic [31:0] s [4], d [4];      // S-box outputs: the state after SubBytes and ShiftRows
  logic [127:0] rk_now;

  assign key_ready_o = !exp_busy && !busy_q;
  assign in_ready_o  = have_key_q && !exp_busy && !busy_q;
  assign rk_now      = rk_q[round_q];

  for (genvar c = 0; c < 4; c++) begin : g_col
    always_comb begin
      if (!busy_q) x[c] = in_block_i[127 - 32 * c -: 32] ^ rk_q[0][127 - 32 * c -: 32];
      else         x[c] = tame_pkg::mix_column(s[c], d[c]) ^ rk_now[127 - 32 * c -: 32];
    end
    tame_aes_sbox #(.Impl(tame_pkg::sbox_single_stage(SboxImpl))) u_sbox (
      .clk_i,
      .a_i ({x[c][31:24], x[(c + 1) % 4][23:16], x[(c + 2) % 4][15:8], x[(c + 3) % 4][7:0]}),
      .s_o (s[c]),
      .d_o (d[c])
    );
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q     <= 1'b0;
      round_q    <= '0;
      have_key_q <= 1'b0;
    end else if (clear_i) begin
      busy_q     <= 1'b0;
      round_q    <= '0;
      have_key_q <= 1'b0;
    end else begin
      if (key_valid_i && key_ready_o) have_key_q <= 1'b0;
      if (exp_done) have_key_q <= 1'b1;
      if (in_valid_i && in_ready_o) begin
        busy_q  <= 1'b1;
        round_q <= 4'd1;
      end else if (busy_q) begin
        if (round_q == 4'(Nr)) begin
          busy_q  <= 1'b0;
          round_q <= '0;
        end else begin
          round_q <= round_q + 4'd1;
        end
      end
    end
  end

  assign out_valid_o = busy_q && (round_q == 4'(Nr));
  assign out_block_o = {s[0], s[1], s[2], s[3]} ^ rk_q[Nr];

endmodule
