// The line crypt block: AES-CTR over 64-byte lines (spec section 3). Block b of the line
// at line address A>>6 with nonce N uses the counter block N || BE56(A>>6) || BYTE(b).
// Lanes AES pipelines (1, 2 or 4) share each line's four blocks, so a line takes 4/Lanes
// clocks; with 4 lanes, one line per clock. Encryption and decryption are one operation.
// The key slot comes with each line; the blocks that own this module (rtl/mem/) take it
// from the trust anchor's configuration, never from the host.
module tame_line_crypt #(
  parameter int Lanes      = 4,
  parameter int NumSlots   = tame_contract_pkg::KeySlots,
  parameter int MaxKeyBits = tame_contract_pkg::KeyBits,
  parameter int SboxImpl   = tame_pkg::SboxRomRegMix,
  parameter int UserW      = 8,
  localparam int SlotW     = (NumSlots > 1) ? $clog2(NumSlots) : 1,
  localparam int KeyW      = tame_contract_pkg::KeyBits,
  localparam int AddrW     = tame_contract_pkg::LineAddrBits,
  localparam int NonceW    = tame_contract_pkg::LineNonceBits,
  localparam int LineW     = 8 * tame_contract_pkg::LineBytes
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                zeroize_i,

  // Key sideload, the same key into every lane. key_pending_i says a key load waits
  // elsewhere (a top that loads several blocks at once): while a key is offered here or
  // there, no new line starts, so no line is half-way in when the key is taken.
  input  logic                key_pending_i,
  input  logic                key_valid_i,
  output logic                key_ready_o,
  input  logic [SlotW-1:0]    key_slot_i,
  input  logic [KeyW-1:0]     key_i,
  input  logic                key256_i,
  output logic [NumSlots-1:0] slot_ready_o,

  // Lines in: slot, nonce, line address (A >> 6) and 64 bytes, byte 0 in the top byte.
  input  logic                in_valid_i,
  output logic                in_ready_o,
  input  logic [SlotW-1:0]    in_slot_i,
  input  logic [NonceW-1:0]   in_nonce_i,
  input  logic [AddrW-1:0]    in_line_i,
  input  logic [LineW-1:0]    in_data_i,
  input  logic [UserW-1:0]    in_user_i,

  // Lines out, in order.
  output logic                out_valid_o,
  input  logic                out_ready_i,
  output logic [LineW-1:0]    out_data_o,
  output logic [UserW-1:0]    out_user_o,

  // A lane's AES pipeline failed a check, or the lanes left lockstep: the key
  // controller zeroizes.
  output logic                fault_o
);

  localparam int Blocks = LineW / 128;         // AES blocks per line
  localparam int Beats  = Blocks / Lanes;      // clocks per line
  localparam int BeatW  = (Beats > 1) ? $clog2(Beats) : 1;

  // ---------------------------------------------------------------- clock
  // The block's clock stops while it holds nothing and nothing is offered to it: an
  // idle block then costs no power on silicon and no time in simulation. No function
  // rests on the gate; with the clock running free (the FPGA build) all is the same.
  logic clk, busy;
  tame_clock_gate u_clock_gate (
    .clk_i,
    .en_i  (busy || in_valid_i || key_valid_i || zeroize_i),
    .clk_o (clk)
  );

  // ---------------------------------------------------------------- input
  // With fewer than four lanes a line goes in over several clocks; it is taken whole
  // into a holding register first, so the caller's handshake (and the nonce it takes
  // with it) happens once per line, and the beats come from a value that cannot change.
  logic               feed_valid;
  logic [SlotW-1:0]   feed_slot;
  logic [NonceW-1:0]  feed_nonce;
  logic [AddrW-1:0]   feed_line;
  logic [LineW-1:0]   feed_data;
  logic [UserW-1:0]   feed_user;

  if (Beats == 1) begin : g_direct
    assign feed_valid = in_valid_i;
    assign feed_slot  = in_slot_i;
    assign feed_nonce = in_nonce_i;
    assign feed_line  = in_line_i;
    assign feed_data  = in_data_i;
    assign feed_user  = in_user_i;
    assign line_held  = 1'b0;
    // A line taken in the same cycle as a key enters the lanes under the old key.
    assign in_ready_o = lane_in_ready[0];
    logic unused_pending;
    assign unused_pending = key_pending_i;
  end else begin : g_hold
    logic hold_valid_q;
    logic feed_line_done;   // the last beat of the held line goes in now
    assign feed_line_done = beat_in && (in_beat_q == BeatW'(Beats - 1));
    assign in_ready_o = (!hold_valid_q || feed_line_done) && !key_valid_i && !key_pending_i && !zeroize_i;
    assign feed_valid = hold_valid_q;
    assign line_held  = hold_valid_q;

    always_ff @(posedge clk) begin
      if (in_valid_i && in_ready_o) begin
        feed_slot  <= in_slot_i;
        feed_nonce <= in_nonce_i;
        feed_line  <= in_line_i;
        feed_data  <= in_data_i;
        feed_user  <= in_user_i;
      end
    end

    always_ff @(posedge clk or negedge rst_ni) begin
      if (!rst_ni)                       hold_valid_q <= 1'b0;
      else if (zeroize_i)                hold_valid_q <= 1'b0;
      else if (in_valid_i && in_ready_o) hold_valid_q <= 1'b1;
      else if (feed_line_done)           hold_valid_q <= 1'b0;
    end
  end

  // ---------------------------------------------------------------- lanes
  logic [Lanes-1:0]    lane_key_ready, lane_in_ready, lane_out_valid, lane_busy, lane_fault;
  logic [NumSlots-1:0] lane_slot_ready [Lanes];
  logic [127:0]        lane_keystream [Lanes];
  logic [127:0]        lane_data_out [Lanes];
  logic [UserW-1:0]    lane0_user;               // the user field rides in lane 0 only
  logic [BeatW-1:0]    in_beat_q;                // which blocks of the line go in now
  logic                key_take, beat_in, beat_out;

  // Every lane sees the same traffic, so their states agree; a key goes in only when
  // all lanes can take it in the same cycle, and (with a holding register) only when no
  // line is held: its nonce was drawn under the old key, so its blocks must be too.
  logic line_held;
  assign key_ready_o = (&lane_key_ready) && !line_held;
  assign key_take    = key_valid_i && key_ready_o;
  assign beat_in     = feed_valid && lane_in_ready[0];

  always_comb begin
    slot_ready_o = '1;
    for (int l = 0; l < Lanes; l++) slot_ready_o &= lane_slot_ready[l];
  end

  for (genvar l = 0; l < Lanes; l++) begin : g_lane
    logic [7:0]   block_idx;       // block b of the line that this lane carries now
    logic [127:0] block_in;
    logic [127:0] data_out;
    logic [UserW-1:0] user_out;

    assign block_idx = 8'(32'(in_beat_q) * Lanes + l);
    assign block_in  = feed_data[LineW-1 - 128 * 32'(block_idx) -: 128];

    tame_aes_pipe #(
      .NumSlots  (NumSlots),
      .MaxKeyBits(MaxKeyBits),
      .SboxImpl  (SboxImpl),
      .UserW     (128 + UserW)
    ) u_aes (
      .clk_i       (clk),
      .rst_ni,
      .zeroize_i,
      .key_valid_i (key_take),
      .key_ready_o (lane_key_ready[l]),
      .key_slot_i,
      .key_i,
      .key256_i,
      .slot_ready_o(lane_slot_ready[l]),
      .in_valid_i  (feed_valid),
      .in_ready_o  (lane_in_ready[l]),
      .in_block_i  ({feed_nonce, feed_line, block_idx}),
      .in_slot_i   (feed_slot),
      .in_user_i   ({block_in, (l == 0) ? feed_user : UserW'(0)}),
      .out_valid_o (lane_out_valid[l]),
      .out_ready_i (beat_out),
      .out_block_o (lane_keystream[l]),
      .out_user_o  ({data_out, user_out}),
      .busy_o      (lane_busy[l]),
      .fault_o     (lane_fault[l])
    );

    assign lane_data_out[l] = lane_keystream[l] ^ data_out;
    if (l == 0) begin : g_user
      assign lane0_user = user_out;
    end else begin : g_no_user
      logic unused_user;
      assign unused_user = ^user_out;
    end
  end

  always_ff @(posedge clk or negedge rst_ni) begin
    if (!rst_ni)        in_beat_q <= '0;
    else if (zeroize_i) in_beat_q <= '0;
    else if (beat_in)   in_beat_q <= (in_beat_q == BeatW'(Beats - 1)) ? '0 : in_beat_q + 1'b1;
  end

  // ---------------------------------------------------------------- line assembly
  // The beats of a line gather in one register; the line leaves when it is whole.
  logic [LineW-1:0] line_q;
  logic [UserW-1:0] user_q;
  logic [BeatW-1:0] out_beat_q;
  logic             full_q, line_out;

  assign line_out    = full_q && out_ready_i;
  assign beat_out    = lane_out_valid[0] && (!full_q || out_ready_i);
  assign out_valid_o = full_q;
  assign out_data_o  = line_q;
  assign out_user_o  = user_q;

  for (genvar l = 0; l < Lanes; l++) begin : g_gather
    for (genvar k = 0; k < Beats; k++) begin : g_beat
      always_ff @(posedge clk) begin
        if (beat_out && out_beat_q == BeatW'(k)) line_q[LineW-1 - 128 * (k * Lanes + l) -: 128] <= lane_data_out[l];
      end
    end
  end

  always_ff @(posedge clk) begin
    if (beat_out) user_q <= lane0_user;
  end

  always_ff @(posedge clk or negedge rst_ni) begin
    if (!rst_ni) begin
      out_beat_q <= '0;
      full_q     <= 1'b0;
    end else if (zeroize_i) begin
      out_beat_q <= '0;
      full_q     <= 1'b0;
    end else begin
      if (line_out) full_q <= 1'b0;
      if (beat_out) begin
        out_beat_q <= (out_beat_q == BeatW'(Beats - 1)) ? '0 : out_beat_q + 1'b1;
        if (out_beat_q == BeatW'(Beats - 1)) full_q <= 1'b1;
      end
    end
  end

  assign busy = line_held || full_q || (|lane_busy) || (in_beat_q != '0) || (out_beat_q != '0);

  // The lanes see the same traffic, so they agree on ready and valid; if they ever
  // disagree (a flipped bit in one), a line would be torn.
  assign fault_o = (|lane_fault) || (lane_in_ready != {Lanes{lane_in_ready[0]}})
                   || (lane_out_valid != {Lanes{lane_out_valid[0]}});

`ifndef SYNTHESIS
  // The lanes run in lockstep; if they ever disagree, a line would be torn.
  assert property (@(posedge clk_i) disable iff (!rst_ni) lane_in_ready == {Lanes{lane_in_ready[0]}});
  assert property (@(posedge clk_i) disable iff (!rst_ni) lane_out_valid == {Lanes{lane_out_valid[0]}});
`endif

endmodule
