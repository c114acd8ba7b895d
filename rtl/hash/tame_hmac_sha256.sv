// HMAC-SHA256 (RFC 2104, FIPS 198-1) over one tame_sha2 engine: the key vault's MACs and
// the two steps of HKDF. Keys of at most 64 bytes only: a longer key would first have to
// be hashed (RFC 2104, section 2), and the key vault never holds one.
module tame_hmac_sha256 (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         zeroize_i,       // forgets the key, the inner digest and the MAC in one clock

  // One beat begins an HMAC: the key zero-padded to the 64-byte block, its first byte in
  // [511:504] (so a key of n bytes leaves [511-8n:0] zero).
  input  logic         start_valid_i,
  output logic         start_ready_o,
  input  logic [511:0] key_i,

  // The message, as tame_sha2 takes it: big-endian words, the last beat with 0..4 bytes
  // in its most significant bytes (a last beat of 0 bytes only ends the message). Taken
  // once the start is in and the key's 16 inner-pad words have gone into the engine.
  input  logic         msg_valid_i,
  output logic         msg_ready_o,
  input  logic [31:0]  msg_data_i,
  input  logic         msg_last_i,
  input  logic [2:0]   msg_bytes_i,

  // The MAC, the digest's first byte in [255:248]; held until the next start or a
  // zeroize, zero while not valid.
  output logic         mac_valid_o,
  output logic [255:0] mac_o,
  output logic         busy_o,          // an HMAC is in progress
  output logic         error_o          // an illegal state here or in the engine: wiped, dead until reset
);

  localparam logic [31:0] Ipad = 32'h36363636;
  localparam logic [31:0] Opad = 32'h5c5c5c5c;

  // Sparse state encoding: the codewords of a [6,3,3] code, so any two legal states differ
  // in at least three bits and any single flipped bit lands on an illegal state.
  typedef enum logic [5:0] {
    StIdle  = 6'b000000,   // no HMAC; the MAC of the last one may be valid
    StIpad  = 6'b100110,   // the key ^ ipad, 16 words, into the engine
    StMsg   = 6'b010101,   // the message passes through to the engine
    StInner = 6'b001011,   // waiting for the inner digest; takes it with the first opad word
    StOpad  = 6'b110011,   // the key ^ opad, words 1..15
    StOuter = 6'b101101,   // the inner digest, 8 words, the last one ending the message
    StFinal = 6'b011110,   // waiting for the outer digest, the MAC
    StError = 6'b111000    // an illegal state was seen: everything wiped, until reset
  } state_e;

  state_e       state_q, state_d;
  logic [3:0]   cnt_q, cnt_d;                  // the word of the pad or digest being fed
  logic         mac_valid_q, mac_valid_d;
  // The key is a shift register read at its top word: it turns round once for the inner
  // pad (back where it started) and shifts zeros in for the outer pad, so it is gone by
  // the time the outer pass has its key words. The inner digest drains the same way.
  logic [511:0] key_q /*verilator public_flat_rd*/;  // secret: the HMAC key, until the outer pad is fed
  logic [511:0] key_d;
  logic [255:0] inner_q /*verilator public_flat_rd*/;  // secret: the inner digest, H((K ^ ipad) || msg)
  logic [255:0] inner_d;

  // ---------------------------------------------------------------- the engine
  // Its digest register doubles as the MAC's: the MAC is the engine's digest, held there
  // until the next start's first word, so no second 256-bit register is needed.
  logic         sha_zeroize;
  logic         sha_valid, sha_ready, sha_last;
  logic [31:0]  sha_data;
  logic [2:0]   sha_bytes;
  logic         sha_digest_valid, sha_busy, sha_error;
  logic [255:0] sha_digest;

  // In StError the engine is held in zeroize, so whatever it had is gone a clock later.
  assign sha_zeroize = zeroize_i || (state_q == StError);

  tame_sha2 #(.Sha512(0)) u_sha2 (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .zeroize_i      (sha_zeroize),
    .msg_valid_i    (sha_valid),
    .msg_ready_o    (sha_ready),
    .msg_data_i     (sha_data),
    .msg_last_i     (sha_last),
    .msg_bytes_i    (sha_bytes),
    .digest_valid_o (sha_digest_valid),
    .digest_o       (sha_digest),
    .busy_o         (sha_busy),
    .error_o        (sha_error)
  );

  // What goes into the engine, by state. Every word of the pads and of the inner digest
  // is offered without a gap, so the engine never waits on this block: an HMAC's clocks
  // depend only on the message's length and on how fast its words arrive.
  always_comb begin
    sha_valid = 1'b0;
    sha_data  = '0;
    sha_last  = 1'b0;
    sha_bytes = '0;
    unique case (state_q)
      StIpad: begin
        sha_valid = 1'b1;
        sha_data  = key_q[511:480] ^ Ipad;
      end
      StMsg: begin
        sha_valid = msg_valid_i;
        sha_data  = msg_data_i;
        sha_last  = msg_last_i;
        sha_bytes = msg_bytes_i;
      end
      StInner: begin   // the outer pass starts in the clock the inner digest appears
        sha_valid = sha_digest_valid;
        sha_data  = key_q[511:480] ^ Opad;
      end
      StOpad: begin
        sha_valid = 1'b1;
        sha_data  = key_q[511:480] ^ Opad;
      end
      StOuter: begin
        sha_valid = 1'b1;
        sha_data  = inner_q[255:224];
        sha_last  = (cnt_q == 4'd7);
        sha_bytes = (cnt_q == 4'd7) ? 3'd4 : 3'd0;
      end
      default: ;
    endcase
  end

  logic sha_take;
  assign sha_take      = sha_valid && sha_ready;
  assign start_ready_o = !zeroize_i && (state_q == StIdle);
  assign msg_ready_o   = (state_q == StMsg) && sha_ready;

  // ---------------------------------------------------------------- control
  always_comb begin
    state_d     = state_q;
    cnt_d       = cnt_q;
    mac_valid_d = mac_valid_q;
    key_d       = key_q;
    inner_d     = inner_q;

    unique case (state_q)
      StIdle: begin
        if (start_valid_i && start_ready_o) begin
          state_d     = StIpad;
          key_d       = key_i;
          cnt_d       = '0;
          mac_valid_d = 1'b0;
        end
      end
      StIpad: begin
        if (sha_take) begin
          key_d = {key_q[479:0], key_q[511:480]};   // round: the outer pad needs it again
          cnt_d = cnt_q + 4'd1;
          if (cnt_q == 4'd15) state_d = StMsg;
        end
      end
      StMsg: begin
        if (sha_take && msg_last_i) state_d = StInner;
      end
      StInner: begin
        if (sha_take) begin
          inner_d = sha_digest;
          key_d   = {key_q[479:0], 32'h0};
          cnt_d   = 4'd1;
          state_d = StOpad;
        end
      end
      StOpad: begin
        if (sha_take) begin
          key_d = {key_q[479:0], 32'h0};
          cnt_d = cnt_q + 4'd1;
          if (cnt_q == 4'd15) begin
            cnt_d   = '0;
            state_d = StOuter;
          end
        end
      end
      StOuter: begin
        if (sha_take) begin
          inner_d = {inner_q[223:0], 32'h0};
          cnt_d   = cnt_q + 4'd1;
          if (cnt_q == 4'd7) begin
            cnt_d   = '0;
            state_d = StFinal;
          end
        end
      end
      StFinal: begin
        if (sha_digest_valid) begin   // the MAC is in the engine's digest register
          state_d     = StIdle;
          mac_valid_d = 1'b1;
        end
      end
      default: state_d = StError;   // StError, or an illegal state: wiped below
    endcase

    if (sha_error) state_d = StError;

    // Both registers are empty by now (shifted out); cleared all the same, so that the
    // wipe does not rest on the word count being right.
    if (state_d == StIdle) begin
      key_d   = '0;
      inner_d = '0;
    end

    if (zeroize_i || state_d == StError) begin
      if (state_d != StError) state_d = StIdle;
      cnt_d       = '0;
      mac_valid_d = 1'b0;
      key_d       = '0;
      inner_d     = '0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q     <= StIdle;
      cnt_q       <= '0;
      mac_valid_q <= 1'b0;
      key_q       <= '0;
      inner_q     <= '0;
    end else begin
      state_q     <= state_d;
      cnt_q       <= cnt_d;
      mac_valid_q <= mac_valid_d;
      key_q       <= key_d;
      inner_q     <= inner_d;
    end
  end

  assign mac_valid_o = mac_valid_q;
  assign mac_o       = mac_valid_q ? sha_digest : '0;
  assign busy_o      = (state_q != StIdle) && (state_q != StError);
  assign error_o     = (state_q == StError);

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    // The MAC is read from the engine: it must still be holding it, and be idle.
    if (rst_ni && mac_valid_q) assert (sha_digest_valid && !sha_busy);
    if (rst_ni && msg_valid_i && msg_ready_o && msg_last_i) assert (msg_bytes_i <= 3'd4);
  end
`endif

endmodule
