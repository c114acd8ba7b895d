// One SHA-2 engine (FIPS 180-4): SHA-256 with Sha512 = 0, SHA-512 with Sha512 = 1. It
// takes a message as a stream of big-endian words, pads it itself and runs one round per
// clock; the HMAC/HKDF controller of the key vault and the Ed25519 unit feed it.
module tame_sha2 #(
  parameter int  Sha512 = 0,                      // 0 SHA-256, 1 SHA-512 (an int: -G takes it)
  localparam bit Is512  = (Sha512 != 0),
  localparam int W      = Is512 ? 64 : 32,        // word width
  localparam int BytesW = $clog2(W / 8 + 1)       // 0..W/8 bytes in the last word
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic            zeroize_i,       // forgets the message and the digest in one clock

  // The message, big-endian words. A beat without last is a whole word; the last beat
  // has msg_bytes_i bytes of message in its most significant bytes (0..W/8: a last beat
  // of 0 bytes only ends the message, which is how the empty message is hashed).
  input  logic            msg_valid_i,
  output logic            msg_ready_o,
  input  logic [W-1:0]    msg_data_i,
  input  logic            msg_last_i,
  input  logic [BytesW-1:0] msg_bytes_i,

  // The digest, H0 in the most significant bits (the digest's byte string read MSB
  // first). Held from the end of the message until the next message's first beat or a
  // zeroize; zero while not valid.
  output logic            digest_valid_o,
  output logic [8*W-1:0]  digest_o,
  output logic            busy_o,          // a message is in progress or being hashed
  output logic            error_o          // an illegal state: wiped, dead until reset
);

  localparam int Rounds = Is512 ? 80 : 64;
  localparam int LenW   = 61;              // message bytes: a 64-bit bit count
  localparam int WordBytes = W / 8;
  // FIPS 180-4 sections 5.3.3 and 5.3.5: the first bits of the fractional parts of the
  // square roots of the first eight primes, SHA-256 taking the upper half of each.
  localparam logic [511:0] Iv512 = 512'h6a09e667f3bcc908bb67ae8584caa73b3c6ef372fe94f82ba54ff53a5f1d36f1510e527fade682d19b05688c2b3e6c1f1f83d9abfb41bd6b5be0cd19137e2179;
  localparam logic [255:0] Iv256 = 256'h6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19;
  localparam logic [8*W-1:0] Iv  = Is512 ? (8 * W)'(Iv512) : (8 * W)'(Iv256);
  localparam logic [W-1:0] Marker = {8'h80, {(W - 8){1'b0}}};   // the padding's 1 bit

  // Rotations and shifts of the four functions (sections 4.1.2 and 4.1.3).
  localparam int BigS0A = Is512 ? 28 : 2;
  localparam int BigS0B = Is512 ? 34 : 13;
  localparam int BigS0C = Is512 ? 39 : 22;
  localparam int BigS1A = Is512 ? 14 : 6;
  localparam int BigS1B = Is512 ? 18 : 11;
  localparam int BigS1C = Is512 ? 41 : 25;
  localparam int SmlS0A = Is512 ? 1 : 7;
  localparam int SmlS0B = Is512 ? 8 : 18;
  localparam int SmlS0C = Is512 ? 7 : 3;    // a shift
  localparam int SmlS1A = Is512 ? 19 : 17;
  localparam int SmlS1B = Is512 ? 61 : 19;
  localparam int SmlS1C = Is512 ? 6 : 10;   // a shift

  function automatic logic [W-1:0] rotr(input logic [W-1:0] x, input int n);
    rotr = (x >> n) | (x << (W - n));
  endfunction
  function automatic logic [W-1:0] big_sigma0(input logic [W-1:0] x);
    big_sigma0 = rotr(x, BigS0A) ^ rotr(x, BigS0B) ^ rotr(x, BigS0C);
  endfunction
  function automatic logic [W-1:0] big_sigma1(input logic [W-1:0] x);
    big_sigma1 = rotr(x, BigS1A) ^ rotr(x, BigS1B) ^ rotr(x, BigS1C);
  endfunction
  function automatic logic [W-1:0] small_sigma0(input logic [W-1:0] x);
    small_sigma0 = rotr(x, SmlS0A) ^ rotr(x, SmlS0B) ^ (x >> SmlS0C);
  endfunction
  function automatic logic [W-1:0] small_sigma1(input logic [W-1:0] x);
    small_sigma1 = rotr(x, SmlS1A) ^ rotr(x, SmlS1B) ^ (x >> SmlS1C);
  endfunction

  // The round constants (sections 4.2.2 and 4.2.3): the first 64 bits of the fractional
  // parts of the cube roots of the first 80 primes. SHA-256's K_t is the upper half of
  // SHA-512's for t < 64, so one table serves both.
  function automatic logic [63:0] round_k64(input logic [6:0] t);
    logic [63:0] k;
    unique case (t)
      7'd0:  k = 64'h428a2f98d728ae22;
      7'd1:  k = 64'h7137449123ef65cd;
      7'd2:  k = 64'hb5c0fbcfec4d3b2f;
      7'd3:  k = 64'he9b5dba58189dbbc;
      7'd4:  k = 64'h3956c25bf348b538;
      7'd5:  k = 64'h59f111f1b605d019;
      7'd6:  k = 64'h923f82a4af194f9b;
      7'd7:  k = 64'hab1c5ed5da6d8118;
      7'd8:  k = 64'hd807aa98a3030242;
      7'd9:  k = 64'h12835b0145706fbe;
      7'd10: k = 64'h243185be4ee4b28c;
      7'd11: k = 64'h550c7dc3d5ffb4e2;
      7'd12: k = 64'h72be5d74f27b896f;
      7'd13: k = 64'h80deb1fe3b1696b1;
      7'd14: k = 64'h9bdc06a725c71235;
      7'd15: k = 64'hc19bf174cf692694;
      7'd16: k = 64'he49b69c19ef14ad2;
      7'd17: k = 64'hefbe4786384f25e3;
      7'd18: k = 64'h0fc19dc68b8cd5b5;
      7'd19: k = 64'h240ca1cc77ac9c65;
      7'd20: k = 64'h2de92c6f592b0275;
      7'd21: k = 64'h4a7484aa6ea6e483;
      7'd22: k = 64'h5cb0a9dcbd41fbd4;
      7'd23: k = 64'h76f988da831153b5;
      7'd24: k = 64'h983e5152ee66dfab;
      7'd25: k = 64'ha831c66d2db43210;
      7'd26: k = 64'hb00327c898fb213f;
      7'd27: k = 64'hbf597fc7beef0ee4;
      7'd28: k = 64'hc6e00bf33da88fc2;
      7'd29: k = 64'hd5a79147930aa725;
      7'd30: k = 64'h06ca6351e003826f;
      7'd31: k = 64'h142929670a0e6e70;
      7'd32: k = 64'h27b70a8546d22ffc;
      7'd33: k = 64'h2e1b21385c26c926;
      7'd34: k = 64'h4d2c6dfc5ac42aed;
      7'd35: k = 64'h53380d139d95b3df;
      7'd36: k = 64'h650a73548baf63de;
      7'd37: k = 64'h766a0abb3c77b2a8;
      7'd38: k = 64'h81c2c92e47edaee6;
      7'd39: k = 64'h92722c851482353b;
      7'd40: k = 64'ha2bfe8a14cf10364;
      7'd41: k = 64'ha81a664bbc423001;
      7'd42: k = 64'hc24b8b70d0f89791;
      7'd43: k = 64'hc76c51a30654be30;
      7'd44: k = 64'hd192e819d6ef5218;
      7'd45: k = 64'hd69906245565a910;
      7'd46: k = 64'hf40e35855771202a;
      7'd47: k = 64'h106aa07032bbd1b8;
      7'd48: k = 64'h19a4c116b8d2d0c8;
      7'd49: k = 64'h1e376c085141ab53;
      7'd50: k = 64'h2748774cdf8eeb99;
      7'd51: k = 64'h34b0bcb5e19b48a8;
      7'd52: k = 64'h391c0cb3c5c95a63;
      7'd53: k = 64'h4ed8aa4ae3418acb;
      7'd54: k = 64'h5b9cca4f7763e373;
      7'd55: k = 64'h682e6ff3d6b2b8a3;
      7'd56: k = 64'h748f82ee5defb2fc;
      7'd57: k = 64'h78a5636f43172f60;
      7'd58: k = 64'h84c87814a1f0ab72;
      7'd59: k = 64'h8cc702081a6439ec;
      7'd60: k = 64'h90befffa23631e28;
      7'd61: k = 64'ha4506cebde82bde9;
      7'd62: k = 64'hbef9a3f7b2c67915;
      7'd63: k = 64'hc67178f2e372532b;
      7'd64: k = 64'hca273eceea26619c;
      7'd65: k = 64'hd186b8c721c0c207;
      7'd66: k = 64'heada7dd6cde0eb1e;
      7'd67: k = 64'hf57d4f7fee6ed178;
      7'd68: k = 64'h06f067aa72176fba;
      7'd69: k = 64'h0a637dc5a2c898a6;
      7'd70: k = 64'h113f9804bef90dae;
      7'd71: k = 64'h1b710b35131c471b;
      7'd72: k = 64'h28db77f523047d84;
      7'd73: k = 64'h32caab7b40c72493;
      7'd74: k = 64'h3c9ebe0a15c9bebc;
      7'd75: k = 64'h431d67c49c100d4c;
      7'd76: k = 64'h4cc5d4becb3e42b6;
      7'd77: k = 64'h597f299cfc657e2a;
      7'd78: k = 64'h5fcb6fab3ad6faec;
      7'd79: k = 64'h6c44198c4a475817;
      default: k = 64'h0;
    endcase
    round_k64 = k;
  endfunction

  // Sparse state encoding: any two legal states differ in at least two bits.
  typedef enum logic [3:0] {
    StIdle  = 4'b0000,   // no message; the digest of the last one may be valid
    StRound = 4'b0011,   // a block's rounds; rounds 0..15 take the message's words
    StAdd   = 4'b0101,   // the block's result into the chaining state
    StError = 4'b1110    // an illegal state was seen: everything wiped, until reset
  } state_e;

  state_e         state_q, state_d;
  logic [6:0]     rnd_q, rnd_d;              // the round of the block, 0..Rounds-1
  logic           pad_q, pad_d;              // the message has ended: words are padding
  logic           mark_q, mark_d;            // the 0x80 byte has gone in
  logic           final_q, final_d;          // this block ends with the length
  logic           digest_valid_q, digest_valid_d;
  // Everything derived from the message (in HMAC, from a key) is marked and wiped.
  logic [LenW-1:0] len_q /*verilator public_flat_rd*/;  // secret: the message's length so far
  logic [LenW-1:0] len_d;
  logic [8*W-1:0]  h_q /*verilator public_flat_rd*/;  // secret: chaining state, then the digest
  logic [8*W-1:0]  h_d;
  logic [8*W-1:0]  work_q /*verilator public_flat_rd*/;  // secret: working variables a..h, a on top
  logic [8*W-1:0]  work_d;
  logic [15*W-1:0] sched_q /*verilator public_flat_rd*/;  // secret: W[t-15..t-1], word i at [i*W]
  logic [15*W-1:0] sched_d;
  logic [W-1:0]    wnext_q /*verilator public_flat_rd*/;  // secret: W[t] for t >= 16, made early
  logic [W-1:0]    wnext_d;

  // ---------------------------------------------------------------- the message word
  logic           in_load;     // rounds 0..15: the round's word comes from outside
  logic           take;
  logic [W-1:0]   keep_mask, msg_word, pad_word, w_t;
  logic [2*W-1:0] len_field;   // 64 bits (SHA-256) or 128 bits (SHA-512), big-endian
  logic [LenW-1:0] beat_bytes;

  assign in_load     = (rnd_q[6:4] == 3'b000);
  assign msg_ready_o = !zeroize_i &&
                       (state_q == StIdle || (state_q == StRound && in_load && !pad_q));
  assign take        = msg_valid_i && msg_ready_o;

  // A short last word keeps its leading bytes and gets the 0x80 right after them; a
  // full one (W/8 bytes) shifts the marker out, and the marker comes in the next word.
  assign keep_mask = ~({W{1'b1}} >> {msg_bytes_i, 3'b000});
  assign msg_word  = msg_last_i ? ((msg_data_i & keep_mask) | (Marker >> {msg_bytes_i, 3'b000}))
                                : msg_data_i;
  assign len_field  = (2 * W)'({len_q, 3'b000});
  assign beat_bytes = msg_last_i ? LenW'(msg_bytes_i) : LenW'(WordBytes);

  // Padding words (sections 5.1.1 and 5.1.2): the marker if the message ended on a whole
  // word, then zeros, then the bit length in words 14 and 15 of the final block.
  always_comb begin
    pad_word = '0;
    if (!mark_q)                         pad_word = Marker;
    else if (final_q && rnd_q == 7'd14)  pad_word = len_field[2*W-1:W];
    else if (final_q && rnd_q == 7'd15)  pad_word = len_field[W-1:0];
  end

  assign w_t = !in_load ? wnext_q : (pad_q ? pad_word : msg_word);

  // ---------------------------------------------------------------- one round
  // The first beat of a message meets the IV directly (in StIdle), so that no register
  // has to hold the IV while idle and zeroize can leave every secret register at zero.
  logic [8*W-1:0] vars, round_out;
  logic [W-1:0]   a, b, c, d, e, f, g, h, t1, t2, k_t;
  logic [63:0]    k_t64;
  logic           unused_k;   // SHA-256 uses the upper half only
  assign k_t64    = round_k64(rnd_q);
  assign k_t      = k_t64[63 -: W];
  assign unused_k = ^k_t64;
  assign vars = (state_q == StIdle) ? Iv : work_q;
  assign {a, b, c, d, e, f, g, h} = vars;
  assign t1 = h + big_sigma1(e) + ((e & f) ^ (~e & g)) + k_t + w_t;
  assign t2 = big_sigma0(a) + ((a & b) ^ (a & c) ^ (b & c));
  assign round_out = {t1 + t2, a, b, c, d + t1, e, f, g};

  // The schedule: W[t+1] is made during round t from registers only, so that the
  // schedule's adders stay off the round's path (sections 6.2.2 and 6.4.2, step 1, one word ahead).
  logic [W-1:0] w_ahead;
  assign w_ahead = small_sigma1(sched_q[14*W +: W]) + sched_q[9*W +: W] +
                   small_sigma0(sched_q[1*W +: W]) + sched_q[0 +: W];

  // The block's result added into the chaining state, word by word.
  logic [8*W-1:0] h_sum;
  for (genvar i = 0; i < 8; i++) begin : g_add
    assign h_sum[i*W +: W] = h_q[i*W +: W] + work_q[i*W +: W];
  end

  // ---------------------------------------------------------------- control
  // No step depends on the message's content: a block takes Rounds + 1 clocks, the
  // padding blocks too, so a message's time depends only on its length (and on how
  // fast its words arrive).
  logic advance;
  assign advance = !in_load || pad_q || take;

  always_comb begin
    state_d        = state_q;
    rnd_d          = rnd_q;
    pad_d          = pad_q;
    mark_d         = mark_q;
    final_d        = final_q;
    digest_valid_d = digest_valid_q;
    len_d          = len_q;
    h_d            = h_q;
    work_d         = work_q;
    sched_d        = sched_q;
    wnext_d        = wnext_q;

    unique case (state_q)
      StIdle, StRound: begin
        if ((state_q == StIdle && take) || (state_q == StRound && advance)) begin
          if (state_q == StIdle) begin   // a new message starts from the IV
            h_d            = Iv;
            len_d          = '0;
            pad_d          = 1'b0;
            mark_d         = 1'b0;
            final_d        = 1'b0;
            digest_valid_d = 1'b0;
          end
          work_d  = round_out;
          sched_d = {w_t, sched_q[15*W-1:W]};
          wnext_d = w_ahead;
          rnd_d   = rnd_q + 7'd1;
          if (rnd_q == 7'(Rounds - 1)) state_d = StAdd;
          else                         state_d = StRound;
          if (take) begin
            len_d = (state_q == StIdle ? '0 : len_q) + beat_bytes;
            if (msg_last_i) pad_d = 1'b1;
          end
          // The marker goes in with a short last word or as the first padding word; the
          // length fits after it in this block only if the marker was in words 0..13.
          if ((take && msg_last_i && msg_bytes_i != BytesW'(WordBytes)) ||
              (pad_q && !mark_q && in_load)) begin
            mark_d = 1'b1;
            if (rnd_q < 7'd14) final_d = 1'b1;
          end
        end
      end
      StAdd: begin
        h_d   = h_sum;
        rnd_d = '0;
        if (final_q) begin   // done: the digest stays in h_q, the rest is wiped
          state_d        = StIdle;
          digest_valid_d = 1'b1;
          pad_d          = 1'b0;
          mark_d         = 1'b0;
          final_d        = 1'b0;
          len_d          = '0;
          work_d         = '0;
          sched_d        = '0;
          wnext_d        = '0;
        end else begin
          state_d = StRound;
          work_d  = h_sum;
          final_d = mark_q;  // a block after the marker's always ends with the length
        end
      end
      default: state_d = StError;   // StError, or an illegal state: wiped below
    endcase

    if (zeroize_i || state_d == StError) begin
      if (state_d != StError) state_d = StIdle;
      rnd_d          = '0;
      pad_d          = 1'b0;
      mark_d         = 1'b0;
      final_d        = 1'b0;
      digest_valid_d = 1'b0;
      len_d          = '0;
      h_d            = '0;
      work_d         = '0;
      sched_d        = '0;
      wnext_d        = '0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q        <= StIdle;
      rnd_q          <= '0;
      pad_q          <= 1'b0;
      mark_q         <= 1'b0;
      final_q        <= 1'b0;
      digest_valid_q <= 1'b0;
      len_q          <= '0;
      h_q            <= '0;
      work_q         <= '0;
      sched_q        <= '0;
      wnext_q        <= '0;
    end else begin
      state_q        <= state_d;
      rnd_q          <= rnd_d;
      pad_q          <= pad_d;
      mark_q         <= mark_d;
      final_q        <= final_d;
      digest_valid_q <= digest_valid_d;
      len_q          <= len_d;
      h_q            <= h_d;
      work_q         <= work_d;
      sched_q        <= sched_d;
      wnext_q        <= wnext_d;
    end
  end

  assign digest_valid_o = digest_valid_q;
  assign digest_o       = digest_valid_q ? h_q : '0;
  assign busy_o         = (state_q == StRound || state_q == StAdd);
  assign error_o        = (state_q == StError);

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni && state_q == StRound) assert (rnd_q < 7'(Rounds));
    // A last word holds at most a word of message; more would shift the marker out.
    if (rst_ni && take && msg_last_i) assert (msg_bytes_i <= BytesW'(WordBytes));
  end
`endif

endmodule
