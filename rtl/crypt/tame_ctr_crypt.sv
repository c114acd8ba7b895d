// Block 1, the disk crypt block: AES-CTR over 128-bit beats (spec section 2). A request
// names a key slot, the 64-bit ctr_nonce and the index of its first block; the beats
// that follow, up to one marked last, use the counter blocks ctr_nonce || BE64(index),
// index counting up by one per beat (modulo 2^64). Encryption and decryption are the
// same operation. Tags and the last flag pass through untouched.
module tame_ctr_crypt #(
  parameter int NumSlots   = tame_contract_pkg::KeySlots,
  parameter int MaxKeyBits = tame_contract_pkg::KeyBits,
  parameter int SboxImpl   = tame_pkg::SboxRomRegMix,
  parameter int TagW       = 16,
  localparam int SlotW      = (NumSlots > 1) ? $clog2(NumSlots) : 1,
  localparam int KeyW       = tame_contract_pkg::KeyBits,
  localparam int NonceW     = tame_contract_pkg::CtrNonceBits,
  localparam int IndexW     = tame_contract_pkg::CtrIndexBits,
  localparam int BeatW      = 8 * tame_contract_pkg::BeatBytes
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                zeroize_i,

  // Key sideload (from the trust anchor's key controller).
  input  logic                key_valid_i,
  output logic                key_ready_o,
  input  logic [SlotW-1:0]    key_slot_i,
  input  logic [KeyW-1:0]     key_i,
  input  logic                key256_i,
  output logic [NumSlots-1:0] slot_ready_o,

  // Requests: one per run of beats.
  input  logic                req_valid_i,
  output logic                req_ready_o,
  input  logic [SlotW-1:0]    req_slot_i,
  input  logic [NonceW-1:0]   req_nonce_i,
  input  logic [IndexW-1:0]   req_index_i,

  // Data beats in (ciphertext or plaintext).
  input  logic                in_valid_i,
  output logic                in_ready_o,
  input  logic [BeatW-1:0]    in_data_i,
  input  logic [TagW-1:0]     in_tag_i,
  input  logic                in_last_i,

  // Data beats out, in order.
  output logic                out_valid_o,
  input  logic                out_ready_i,
  output logic [BeatW-1:0]    out_data_o,
  output logic [TagW-1:0]     out_tag_o,
  output logic                out_last_o,

  // A register here or in the AES pipeline failed its check: the key controller zeroizes.
  output logic                fault_o
);

  localparam int UserW = BeatW + TagW + 1;

  // The block's clock stops while the pipeline is empty and nothing is offered (see
  // tame_line_crypt): a request, a beat or a key wakes it.
  logic clk, aes_busy;
  tame_clock_gate u_clock_gate (
    .clk_i,
    .en_i  (aes_busy || req_valid_i || in_valid_i || key_valid_i || zeroize_i),
    .clk_o (clk)
  );

  logic             active_q;     // a request is open
  logic [SlotW-1:0] slot_q;
  logic [NonceW-1:0] nonce_q;
  logic [IndexW-1:0] index_q;
  // The request's state is kept twice, the copy inverted (so that synthesis cannot merge
  // them): a flipped bit would change the keystream, so it is reported (fault_o).
  localparam int StateW = 1 + SlotW + NonceW + IndexW;
  logic [StateW-1:0] state_d, state_copy_q;
  logic              active_d;
  logic [SlotW-1:0]  slot_d;
  logic [NonceW-1:0] nonce_d;
  logic [IndexW-1:0] index_d;
  logic              aes_fault;

  logic             core_in_valid, core_in_ready, beat_taken;
  logic [127:0]     keystream;
  logic [UserW-1:0] core_out_user;

  assign req_ready_o   = !active_q;
  assign core_in_valid = active_q && in_valid_i;
  assign in_ready_o    = active_q && core_in_ready;
  assign beat_taken    = core_in_valid && core_in_ready;

  always_comb begin
    {active_d, slot_d, nonce_d, index_d} = {active_q, slot_q, nonce_q, index_q};
    if (zeroize_i) begin
      active_d = 1'b0;
    end else if (req_valid_i && req_ready_o) begin
      active_d = 1'b1;
      slot_d   = req_slot_i;
      nonce_d  = req_nonce_i;
      index_d  = req_index_i;
    end else if (beat_taken) begin
      index_d = index_q + IndexW'(1);
      if (in_last_i) active_d = 1'b0;
    end
  end
  assign state_d = {active_d, slot_d, nonce_d, index_d};

  always_ff @(posedge clk or negedge rst_ni) begin
    if (!rst_ni) begin
      {active_q, slot_q, nonce_q, index_q} <= '0;
      state_copy_q <= '1;
    end else begin
      {active_q, slot_q, nonce_q, index_q} <= state_d;
      state_copy_q <= ~state_d;
    end
  end
  assign fault_o = aes_fault || ({active_q, slot_q, nonce_q, index_q} != ~state_copy_q);

  tame_aes_pipe #(
    .NumSlots  (NumSlots),
    .MaxKeyBits(MaxKeyBits),
    .SboxImpl  (SboxImpl),
    .UserW     (UserW)
  ) u_aes (
    .clk_i       (clk),
    .rst_ni,
    .zeroize_i,
    .key_valid_i,
    .key_ready_o,
    .key_slot_i,
    .key_i,
    .key256_i,
    .slot_ready_o,
    .in_valid_i  (core_in_valid),
    .in_ready_o  (core_in_ready),
    .in_block_i  ({nonce_q, index_q}),
    .in_slot_i   (slot_q),
    .in_user_i   ({in_data_i, in_tag_i, in_last_i}),
    .out_valid_o,
    .out_ready_i,
    .out_block_o (keystream),
    .out_user_o  (core_out_user),
    .busy_o      (aes_busy),
    .fault_o     (aes_fault)
  );

  assign out_data_o = keystream ^ core_out_user[UserW-1 -: BeatW];
  assign out_tag_o  = core_out_user[TagW:1];
  assign out_last_o = core_out_user[0];

endmodule
