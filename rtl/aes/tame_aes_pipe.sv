// Fully pipelined AES encryption with key slots: one 128-bit block per clock, one round
// per stage. Each stage's register is its S-box output register, so a round is the ROM
// read, then ShiftRows, MixColumns and the round key of the block's own slot.
//
// Streams: the pipeline itself never stalls. A credit count admits a block only while
// the output FIFO is sure to have room for it, so ready never travels backwards
// through the rounds. The user field skips the rounds in a FIFO of its own and meets
// its block again at the output (the order cannot change).
//
// Key slots: a slot is reloaded through the sideload port. From the moment a load is
// taken the slot admits no new block; the load waits until the slot's blocks have left
// the rounds, then writes the round keys; only then is the slot ready again. Blocks
// under other slots keep flowing the whole time.
module tame_aes_pipe #(
  parameter int NumSlots   = 4,    // a power of two
  parameter int MaxKeyBits = 256,  // 256: AES-128 and AES-256; 128: AES-128 only
  parameter int SboxImpl   = tame_pkg::SboxRom,
  parameter int UserW      = 1,
  parameter int FifoDepth  = 16,   // >= rounds + 2 for one block per clock
  localparam int SlotW      = (NumSlots > 1) ? $clog2(NumSlots) : 1
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                zeroize_i,      // drops all traffic, wipes every slot and round key

  // Key sideload: the slot's key; bytes in FIPS-197 order from [255:248].
  input  logic                key_valid_i,
  output logic                key_ready_o,
  input  logic [SlotW-1:0]    key_slot_i,
  input  logic [255:0]        key_i,
  input  logic                key256_i,       // ignored (AES-128) when MaxKeyBits is 128
  output logic [NumSlots-1:0] slot_ready_o,   // loaded and not being reloaded

  // Blocks in. in_ready_o depends on in_slot_i: a block waits while its slot is not ready.
  input  logic                in_valid_i,
  output logic                in_ready_o,
  input  logic [127:0]        in_block_i,
  input  logic [SlotW-1:0]    in_slot_i,
  input  logic [UserW-1:0]    in_user_i,

  // Blocks out, in the order they came in.
  output logic                out_valid_o,
  input  logic                out_ready_i,
  output logic [127:0]        out_block_o,
  output logic [UserW-1:0]    out_user_o
);

  localparam int Nr      = (MaxKeyBits == 256) ? 14 : 10;
  localparam int CountW  = $clog2(FifoDepth + 1);

  // ---------------------------------------------------------------- key slots
  logic [NumSlots-1:0] slot_valid_q;   // round keys loaded
  logic [NumSlots-1:0] slot_is256_q;
  logic [127:0]        rk_rd [Nr + 1];      // round key r of the block that stage r holds

  // After reset and on zeroize the store is wiped, one slot per cycle, before any use.
  typedef enum logic [1:0] { LoadWipe, LoadIdle, LoadDrain, LoadExpand } load_state_e;
  load_state_e         load_state_q;
  logic [SlotW-1:0]    load_slot_q;      // the slot being loaded, or wiped
  logic                wiping;
  logic [255:0]        load_key_q;
  logic                load_is256_q;
  logic                slot_in_flight;
  logic                exp_start, exp_we, exp_done, exp_busy;
  logic [3:0]          exp_idx;
  logic [127:0]        exp_rk;

  assign key_ready_o  = (load_state_q == LoadIdle);   // not while wiping
  assign slot_ready_o = slot_valid_q;
  assign exp_start    = (load_state_q == LoadDrain) && !slot_in_flight && !exp_busy;
  assign wiping       = (load_state_q == LoadWipe);

  tame_aes_key_expand #(.SboxImpl(SboxImpl)) u_key_expand (
    .clk_i,
    .rst_ni,
    .clear_i  (zeroize_i),
    .start_i  (exp_start),
    .key_i    (load_key_q),
    .key256_i (load_is256_q),
    .busy_o   (exp_busy),
    .rk_we_o  (exp_we),
    .rk_idx_o (exp_idx),
    .rk_o     (exp_rk),
    .done_o   (exp_done)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      load_state_q <= LoadWipe;
      load_slot_q  <= '0;
      load_key_q   <= '0;
      load_is256_q <= 1'b0;
      slot_valid_q <= '0;
      slot_is256_q <= '0;
    end else if (zeroize_i) begin
      load_state_q <= LoadWipe;
      load_slot_q  <= '0;
      load_key_q   <= '0;
      slot_valid_q <= '0;
    end else begin
      unique case (load_state_q)
        LoadWipe: begin
          load_slot_q <= load_slot_q + 1'b1;
          if (load_slot_q == SlotW'(NumSlots - 1)) load_state_q <= LoadIdle;
        end
        LoadIdle: if (key_valid_i) begin
          load_state_q              <= LoadDrain;
          load_slot_q               <= key_slot_i;
          load_key_q                <= key_i;
          load_is256_q              <= (MaxKeyBits == 256) && key256_i;
          slot_valid_q[key_slot_i]  <= 1'b0;   // no new block under the old key
        end
        LoadDrain: if (exp_start) begin
          load_state_q <= LoadExpand;
          load_key_q   <= '0;                   // the expander holds it now
        end
        LoadExpand: if (exp_done) begin
          load_state_q               <= LoadIdle;
          slot_valid_q[load_slot_q]  <= 1'b1;
          slot_is256_q[load_slot_q]  <= load_is256_q;
        end
        default: load_state_q <= LoadIdle;
      endcase
    end
  end

  // One small RAM per round: written by the expander (or the wipe), read by the stage
  // that uses that round key, at the slot of the block it holds.
  // An AES-128 key written over an AES-256 one also clears round keys 11..14, in the
  // cycle its last round key is written, so no old key material stays behind.
  logic clear_tail;
  assign clear_tail = exp_done && !load_is256_q;

  for (genvar r = 0; r <= Nr; r++) begin : g_rk_round
    logic [SlotW-1:0] rd_slot;
    logic             zero_write;
    if (r == 0) begin : g_in
      assign rd_slot = in_slot_i;
    end else begin : g_stage
      assign rd_slot = slot_q[r];
    end
    assign zero_write = wiping || (r > 10 && clear_tail);
    tame_key_slot_ram #(.NumSlots(NumSlots), .Width(128)) u_rk_ram (
      .clk_i,
      .we_i    (zero_write || (exp_we && exp_idx == 4'(r))),
      .waddr_i (load_slot_q),
      .wdata_i (zero_write ? 128'h0 : exp_rk),
      .raddr_i (rd_slot),
      .rdata_o (rk_rd[r])
    );
  end

  // ---------------------------------------------------------------- admission
  logic              accept, pop;
  logic [CountW-1:0] outstanding_q;   // admitted and not yet taken at the output

  assign in_ready_o = (outstanding_q < CountW'(FifoDepth)) && slot_valid_q[in_slot_i] && !zeroize_i;
  assign accept     = in_valid_i && in_ready_o;   // in_ready_o is low while zeroizing
  assign pop        = out_valid_o && out_ready_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)        outstanding_q <= '0;
    else if (zeroize_i) outstanding_q <= '0;
    else                outstanding_q <= outstanding_q + CountW'(accept) - CountW'(pop);
  end

  // ---------------------------------------------------------------- rounds
  // The state is kept as four 32-bit columns (column c = bytes 4c..4c+3, row 0 in the
  // top byte): the logic is the same, and Verilator runs 32-bit words far faster than
  // 128-bit vectors. Stage k (1..Nr) holds ShiftRows(SubBytes()) of round k's input.
  logic [31:0]      round_in [Nr * 4];    // round k+1's input, column c: [4k+c]
  logic [31:0]      s_q      [Nr * 4];    // stage k's S-box output, column c: [4(k-1)+c]
  logic [31:0]      d_q      [Nr * 4];    // and its double, {02}*s
  logic             valid_q  [1:Nr];
  logic [SlotW-1:0] slot_q   [1:Nr];
  logic             is256_q  [1:Nr];

  // ShiftRows commutes with SubBytes, so it is done on the way into the S-boxes: the
  // S-box column c of round k+1 reads row r of column c+r of round k's input.
  function automatic logic [31:0] shifted_in(int k, int c);
    shifted_in = {round_in[4 * k + c][31:24],
                  round_in[4 * k + (c + 1) % 4][23:16],
                  round_in[4 * k + (c + 2) % 4][15:8],
                  round_in[4 * k + (c + 3) % 4][7:0]};
  endfunction

  for (genvar c = 0; c < 4; c++) begin : g_round0
    assign round_in[c] = in_block_i[127 - 32 * c -: 32] ^ rk_rd[0][127 - 32 * c -: 32];
  end

  for (genvar k = 1; k <= Nr; k++) begin : g_stage
    for (genvar c = 0; c < 4; c++) begin : g_column
      tame_aes_sbox #(.Impl(SboxImpl)) u_sbox (
        .clk_i,
        .a_i (shifted_in(k - 1, c)),
        .s_o (s_q[4 * (k - 1) + c]),
        .d_o (d_q[4 * (k - 1) + c])
      );
      if (k < Nr) begin : g_mix
        assign round_in[4 * k + c] = tame_pkg::mix_column(s_q[4 * (k - 1) + c], d_q[4 * (k - 1) + c])
                                     ^ rk_rd[k][127 - 32 * c -: 32];
      end
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        valid_q[k] <= 1'b0;
        slot_q[k]  <= '0;
        is256_q[k] <= 1'b0;
      end else if (zeroize_i) begin
        // Nothing computed under half-wiped round keys may come out.
        valid_q[k] <= 1'b0;
      end else if (k == 1) begin
        valid_q[k] <= accept;
        slot_q[k]  <= in_slot_i;
        is256_q[k] <= slot_is256_q[in_slot_i];
      end else begin
        valid_q[k] <= valid_q[k-1];
        slot_q[k]  <= slot_q[k-1];
        is256_q[k] <= is256_q[k-1];
      end
    end
  end

  // The final round has no MixColumns.
  logic [127:0] last_round;
  for (genvar c = 0; c < 4; c++) begin : g_last
    assign last_round[127 - 32 * c -: 32] = s_q[4 * (Nr - 1) + c] ^ rk_rd[Nr][127 - 32 * c -: 32];
  end

  // With AES-256 rounds, an AES-128 block finishes at stage 10 and rides a short delay
  // line so that it leaves at the same stage, in order, as every other block.
  logic [127:0] result;
  if (Nr == 14) begin : g_aes128_exit
    logic [127:0] early_q [11:14];
    for (genvar c = 0; c < 4; c++) begin : g_early
      always_ff @(posedge clk_i) begin
        early_q[11][127 - 32 * c -: 32] <= s_q[4 * 9 + c] ^ rk_rd[10][127 - 32 * c -: 32];
      end
    end
    for (genvar k = 12; k <= 14; k++) begin : g_delay
      always_ff @(posedge clk_i) early_q[k] <= early_q[k-1];
    end
    assign result = is256_q[Nr] ? last_round : early_q[14];
  end else begin : g_aes128_only
    assign result = last_round;
  end

  // Per-slot drain check for a pending reload: any stage still holding the slot.
  always_comb begin
    slot_in_flight = 1'b0;
    for (int k = 1; k <= Nr; k++) begin
      if (valid_q[k] && slot_q[k] == load_slot_q) slot_in_flight = 1'b1;
    end
  end

  // ---------------------------------------------------------------- output side
  logic block_empty, user_empty, block_full, user_full;

  tame_fifo #(.Width(128), .Depth(FifoDepth)) u_block_fifo (
    .clk_i, .rst_ni, .flush_i(zeroize_i),
    .push_i (valid_q[Nr]), .wdata_i(result),
    .pop_i  (pop),         .rdata_o(out_block_o),
    .empty_o(block_empty), .full_o (block_full)
  );

  tame_fifo #(.Width(UserW), .Depth(FifoDepth)) u_user_fifo (
    .clk_i, .rst_ni, .flush_i(zeroize_i),
    .push_i (accept), .wdata_i(in_user_i),
    .pop_i  (pop),    .rdata_o(out_user_o),
    .empty_o(user_empty), .full_o(user_full)
  );

  assign out_valid_o = !block_empty && !zeroize_i;

  logic unused;
  assign unused = ^{user_empty, user_full, block_full};

endmodule
