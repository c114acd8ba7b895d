// Fully pipelined AES encryption with key slots: one 128-bit block per clock. A round is
// the S-box read, then ShiftRows, MixColumns and the round key of the block's own slot;
// it takes one register stage (SboxRom, SboxLogic), two (SboxRomReg: the block RAM's
// output register; SboxLogicReg: a register before the S-box logic as well) or three
// (SboxRomRegMix: SboxRomReg and a register after AddRoundKey, so that no path goes
// from one round's block RAM to the next one's). The S-box's registers are stage
// registers.
//
// Streams: the pipeline itself never stalls. A credit count admits a block only while
// the output FIFO is sure to have room for it, so ready never travels backwards
// through the rounds. The user field skips the rounds in a FIFO of its own and meets
// its block again at the output (the order cannot change).
//
// Key slots: a slot is reloaded through the sideload port. From the moment a load is
// taken the slot admits no new block; the load waits until the slot's blocks have left
// the rounds, then writes the round keys; only then is the slot ready again. Blocks
// under other slots keep flowing the whole time. A block built for AES-128 only
// (MaxKeyBits 128) refuses an AES-256 key rather than run AES-128 on half of it: the
// load is taken off the port and dropped, and its slot closes and stays not ready.
//
// Faults: a register bit that flips (an upset, or a glitch or laser attack) must not
// change the keystream unnoticed. The key-load state uses codes that differ in at least
// three bits, each round-key word carries a parity bit checked whenever a block uses it,
// and the slot flags and the credit count are kept twice (the copy inverted, so that
// synthesis cannot merge the two). fault_o rises at the edge after a check fails and
// stays high until reset; the owner passes it to the key controller, which zeroizes
// everything.
module tame_aes_pipe #(
  parameter int NumSlots   = tame_contract_pkg::KeySlots,   // a power of two
  parameter int MaxKeyBits = tame_contract_pkg::KeyBits,    // 256: AES-128 and AES-256; 128: AES-128 only
  parameter int SboxImpl   = tame_pkg::SboxRomRegMix,
  parameter int UserW      = 1,
  localparam int SlotW      = (NumSlots > 1) ? $clog2(NumSlots) : 1,
  localparam int KeyW       = tame_contract_pkg::KeyBits   // the sideload's key
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                zeroize_i,      // drops all traffic, wipes every slot and round key

  // Key sideload: the slot's key; bytes in FIPS-197 order from [255:248].
  input  logic                key_valid_i,
  output logic                key_ready_o,
  input  logic [SlotW-1:0]    key_slot_i,
  input  logic [KeyW-1:0]     key_i,
  input  logic                key256_i,       // refused (slot left not ready) when MaxKeyBits is 128
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
  output logic [UserW-1:0]    out_user_o,

  // Something is in flight or a key is being loaded or wiped: while it is low and no
  // input is offered, no register here changes, so the owner may stop the clock.
  output logic                busy_o,

  output logic                fault_o         // a check above failed (see the header)
);

  localparam int Nr        = (MaxKeyBits == 256) ? 14 : 10;
  localparam int Ss        = tame_pkg::sbox_stages(SboxImpl);   // S-box stages per round
  localparam int Rs        = tame_pkg::round_stages(SboxImpl);  // register stages per round
  localparam bit MixReg    = (Rs > Ss);                         // a register after AddRoundKey
  localparam int Off       = MixReg ? 1 : 0;   // with MixReg, round 0 is registered too
  localparam int Stages    = Off + Nr * Rs;
  // The output FIFO holds every block in flight, so admission never waits on a full
  // pipeline: one block per clock needs Stages + 2 entries, rounded up to a power of two.
  localparam int FifoDepth = (Stages + 2 <= 16) ? 16 : (Stages + 2 <= 32) ? 32 : 64;
  localparam int CountW    = $clog2(FifoDepth + 1);

  // ---------------------------------------------------------------- key slots
  logic [NumSlots-1:0] slot_valid_q;   // round keys loaded
  logic [NumSlots-1:0] slot_is256_q;
  logic [NumSlots-1:0] slot_bad;       // a slot's flags differ from their copies
  logic [127:0]        rk_rd [Nr + 1];      // round key r of the block finishing round r
  logic [Nr:0]         rk_bad;         // round key r failed its parity, and a block uses it

  // After reset and on zeroize the store is wiped, one slot per cycle, before any use.
  // Any two states differ in at least three bits: one flipped bit is an illegal code.
  typedef enum logic [4:0] {
    LoadWipe   = 5'b00000,
    LoadIdle   = 5'b00111,
    LoadDrain  = 5'b11001,
    LoadExpand = 5'b11110
  } load_state_e;
  load_state_e         load_state_q;
  logic [SlotW-1:0]    load_slot_q;      // the slot being loaded, or wiped
  logic                wiping;
  logic [255:0]        load_key_q /*verilator public_flat_rd*/;  // secret: key being loaded
  logic                load_is256_q;
  logic                slot_in_flight, drained_q;
  logic                exp_start, exp_we, exp_done, exp_busy;
  logic [3:0]          exp_idx;
  logic [127:0]        exp_rk;

  assign key_ready_o  = (load_state_q == LoadIdle);   // not while wiping
  // An AES-256 key that this build cannot run: taken, never loaded.
  logic key_refused;
  assign key_refused  = key256_i && (MaxKeyBits != 256);
  assign slot_ready_o = slot_valid_q;
  // drained_q: the slot being loaded had no block left in the rounds a cycle ago. It is
  // a register because the expander's start loads 256 key bits: nothing else should be
  // in front of that fan-out. Once the slot is closed no block of it comes in, so a
  // drained slot stays drained; the first cycle of LoadDrain never starts (the flag was
  // computed for the state before).
  assign exp_start    = (load_state_q == LoadDrain) && drained_q;
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
    end else if (zeroize_i && load_state_q != LoadWipe) begin
      // A zeroize starts a wipe; one held high (the key controller's error state holds
      // it until reset) lets that wipe go on through every slot, and then starts another.
      load_state_q <= LoadWipe;
      load_slot_q  <= '0;
      load_key_q   <= '0;
    end else begin
      unique case (load_state_q)
        LoadWipe: begin
          load_slot_q <= load_slot_q + 1'b1;
          if (load_slot_q == SlotW'(NumSlots - 1)) load_state_q <= LoadIdle;
        end
        LoadIdle: if (key_valid_i && !key_refused) begin
          load_state_q              <= LoadDrain;
          load_slot_q               <= key_slot_i;
          load_key_q                <= key_i;
          load_is256_q              <= (MaxKeyBits == 256) && key256_i;
        end
        LoadDrain: if (exp_start) begin
          load_state_q <= LoadExpand;
          load_key_q   <= '0;                   // the expander holds it now
        end
        LoadExpand: if (rk_done_q) load_state_q <= LoadIdle;   // last round key written
        default: begin                        // an illegal code (fault_o): wipe every slot
          load_state_q <= LoadWipe;
          load_slot_q  <= '0;
          load_key_q   <= '0;
        end
      endcase
    end
  end

  // Each slot's state, decoded per slot (an indexed write would put a wide compare on
  // the reload's path): a load closes the slot at once, so no new block goes in under
  // the old key, and opens it when its last round key is written. A refused load closes
  // its slot too, and nothing opens it: the requester asked for a key it cannot have.
  for (genvar sl = 0; sl < NumSlots; sl++) begin : g_slot
    logic closes, opens;
    logic valid_d, is256_d;
    logic valid_copy_q, is256_copy_q;   // inverted copies
    assign closes = (load_state_q == LoadIdle) && key_valid_i && key_slot_i == SlotW'(sl);
    assign opens  = (load_state_q == LoadExpand) && rk_done_q && load_slot_q == SlotW'(sl);
    always_comb begin
      valid_d = slot_valid_q[sl];
      is256_d = slot_is256_q[sl];
      if (zeroize_i || closes) valid_d = 1'b0;
      else if (opens) begin
        valid_d = 1'b1;
        is256_d = load_is256_q;
      end
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        slot_valid_q[sl] <= 1'b0;
        slot_is256_q[sl] <= 1'b0;
        valid_copy_q     <= 1'b1;
        is256_copy_q     <= 1'b1;
      end else begin
        slot_valid_q[sl] <= valid_d;
        slot_is256_q[sl] <= is256_d;
        valid_copy_q     <= !valid_d;
        is256_copy_q     <= !is256_d;
      end
    end
    assign slot_bad[sl] = (slot_valid_q[sl] == valid_copy_q) || (slot_is256_q[sl] == is256_copy_q);
  end

  // The expander's writes reach the RAMs through a register, so that the key schedule
  // logic and the fan-out to the round RAMs are not one path. It holds zero when idle.
  logic         rk_we_q, rk_done_q;
  logic [3:0]   rk_idx_q;
  logic [127:0] rk_wr_q /*verilator public_flat_rd*/;  // secret: round key on its way to the RAM
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rk_we_q   <= 1'b0;
      rk_done_q <= 1'b0;
      rk_idx_q  <= '0;
      rk_wr_q   <= '0;
    end else if (zeroize_i) begin
      rk_we_q   <= 1'b0;
      rk_done_q <= 1'b0;
      rk_wr_q   <= '0;
    end else begin
      rk_we_q   <= exp_we;
      rk_done_q <= exp_done;
      rk_idx_q  <= exp_idx;
      rk_wr_q   <= exp_we ? exp_rk : '0;
    end
  end

  // One small RAM per round: written by the expander (or the wipe), read by the stage
  // that uses that round key, at the slot of the block it holds.
  // An AES-128 key written over an AES-256 one also clears round keys 11..14, in the
  // cycle its last round key is written, so no old key material stays behind.
  logic clear_tail;
  assign clear_tail = rk_done_q && !load_is256_q;

  for (genvar r = 0; r <= Nr; r++) begin : g_rk_round
    logic [SlotW-1:0] rd_slot;
    logic             rd_used, rd_bad;   // a block uses the word read; its parity fails
    logic             zero_write;
    if (r == 0) begin : g_in
      assign rd_slot = in_slot_i;
      assign rd_used = accept;
    end else begin : g_stage
      assign rd_slot = slot_q[Off + (r - 1) * Rs + Ss];   // where round r's S-boxes answer
      assign rd_used = valid_q[Off + (r - 1) * Rs + Ss];
    end
    assign zero_write = wiping || (r > 10 && clear_tail);
    tame_key_slot_ram #(.NumSlots(NumSlots), .Width(128)) u_rk_ram (
      .clk_i,
      .we_i    (zero_write || (rk_we_q && rk_idx_q == 4'(r))),
      .waddr_i (load_slot_q),
      .wdata_i (zero_write ? 128'h0 : rk_wr_q),
      .raddr_i (rd_slot),
      .rdata_o (rk_rd[r]),
      .bad_o   (rd_bad)
    );
    assign rk_bad[r] = rd_used && rd_bad;
  end

  // ---------------------------------------------------------------- admission
  logic              accept, pop;
  logic [CountW-1:0] outstanding_q, outstanding_d;   // admitted and not yet taken
  logic [CountW-1:0] outstanding_copy_q;             // inverted copy
  logic              room_q;                         // outstanding_q < FifoDepth

  // room_q is the compare done a cycle early, on the next count, so that in_ready
  // (and behind it every write enable that admission drives) waits on no compare.
  assign in_ready_o = room_q && slot_valid_q[in_slot_i] && !zeroize_i;
  assign accept     = in_valid_i && in_ready_o;   // in_ready_o is low while zeroizing
  assign pop        = out_valid_o && out_ready_i;

  logic full_now, full_less1;
  assign full_now   = (outstanding_q == CountW'(FifoDepth));
  assign full_less1 = (outstanding_q == CountW'(FifoDepth - 1));

  // Up or down, not an adder after accept and pop (late signals; see tame_fifo).
  always_comb begin
    outstanding_d = outstanding_q;
    if (accept && !pop)      outstanding_d = outstanding_q + 1'b1;
    else if (pop && !accept) outstanding_d = outstanding_q - 1'b1;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      outstanding_q      <= '0;
      outstanding_copy_q <= '1;
      room_q             <= 1'b1;
    end else if (zeroize_i) begin
      outstanding_q      <= '0;
      outstanding_copy_q <= '1;
      room_q             <= 1'b1;
    end else begin
      outstanding_q      <= outstanding_d;
      outstanding_copy_q <= ~outstanding_d;
      // outstanding_d < FifoDepth, from compares on the register alone (the count
      // never passes FifoDepth): full next cycle if one short and a block comes in
      // with none leaving, or full now and none leaving.
      room_q        <= !((full_less1 && accept && !pop) || (full_now && !(pop && !accept)));
    end
  end

  // ---------------------------------------------------------------- rounds
  // The state is kept as four 32-bit columns (column c = bytes 4c..4c+3, row 0 in the
  // top byte): the logic is the same, and Verilator runs 32-bit words far faster than
  // 128-bit vectors. Round k (1..Nr) starts at stage Off+(k-1)*Rs and leaves
  // ShiftRows(SubBytes()) of its input in its S-box output register, stage
  // Off+(k-1)*Rs+Ss; with MixReg, MixColumns and AddRoundKey go into one more register,
  // stage Off+k*Rs, and round 0 (the input and round key 0) into stage 1 (Off = 1).
  // Valid, slot and size of the block at each stage travel in registers of their own.
  logic [31:0]      round_in [Nr * 4];    // round k+1's input, column c: [4k+c]
  logic [31:0]      s_q      [Nr * 4];    // round k's S-box output, column c: [4(k-1)+c]
  logic [31:0]      d_q      [Nr * 4];    // and its double, {02}*s
  logic             valid_q  [1:Stages];
  logic [SlotW-1:0] slot_q   [1:Stages];
  logic             is256_q  [1:Stages];

  // ShiftRows commutes with SubBytes, so it is done on the way into the S-boxes: the
  // S-box column c of round k+1 reads row r of column c+r of round k's input.
  function automatic logic [31:0] shifted_in(int k, int c);
    shifted_in = {round_in[4 * k + c][31:24],
                  round_in[4 * k + (c + 1) % 4][23:16],
                  round_in[4 * k + (c + 2) % 4][15:8],
                  round_in[4 * k + (c + 3) % 4][7:0]};
  endfunction

  // With MixReg the round logic is written inside the register's always_ff, so that a
  // simulator computes it only on the edges of this block's clock (a gated block's
  // rounds then cost nothing); the logic is the same either way.
  for (genvar c = 0; c < 4; c++) begin : g_round0
    if (MixReg) begin : g_reg
      always_ff @(posedge clk_i) round_in[c] <= in_block_i[127 - 32 * c -: 32] ^ rk_rd[0][127 - 32 * c -: 32];
    end else begin : g_wire
      assign round_in[c] = in_block_i[127 - 32 * c -: 32] ^ rk_rd[0][127 - 32 * c -: 32];
    end
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
        if (MixReg) begin : g_reg
          always_ff @(posedge clk_i) begin
            round_in[4 * k + c] <= tame_pkg::mix_column(s_q[4 * (k - 1) + c], d_q[4 * (k - 1) + c])
                                   ^ rk_rd[k][127 - 32 * c -: 32];
          end
        end else begin : g_wire
          assign round_in[4 * k + c] = tame_pkg::mix_column(s_q[4 * (k - 1) + c], d_q[4 * (k - 1) + c])
                                       ^ rk_rd[k][127 - 32 * c -: 32];
        end
      end
    end
  end

  for (genvar p = 1; p <= Stages; p++) begin : g_tag
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        valid_q[p] <= 1'b0;
        slot_q[p]  <= '0;
        is256_q[p] <= 1'b0;
      end else if (zeroize_i) begin
        // Nothing computed under half-wiped round keys may come out.
        valid_q[p] <= 1'b0;
      end else if (p == 1) begin
        valid_q[p] <= accept;
        slot_q[p]  <= in_slot_i;
        is256_q[p] <= slot_is256_q[in_slot_i];
      end else begin
        valid_q[p] <= valid_q[p-1];
        slot_q[p]  <= slot_q[p-1];
        is256_q[p] <= is256_q[p-1];
      end
    end
  end

  // The final round has no MixColumns.
  logic [127:0] last_round;
  for (genvar c = 0; c < 4; c++) begin : g_last
    if (MixReg) begin : g_reg
      always_ff @(posedge clk_i) begin
        last_round[127 - 32 * c -: 32] <= s_q[4 * (Nr - 1) + c] ^ rk_rd[Nr][127 - 32 * c -: 32];
      end
    end else begin : g_wire
      assign last_round[127 - 32 * c -: 32] = s_q[4 * (Nr - 1) + c] ^ rk_rd[Nr][127 - 32 * c -: 32];
    end
  end

  // With AES-256 rounds, an AES-128 block finishes at round 10 and rides a short delay
  // line so that it leaves at the same stage, in order, as every other block.
  logic [127:0] result;
  if (Nr == 14) begin : g_aes128_exit
    localparam int First = Off + 9 * Rs + Ss + 1;   // the stage after round 10's S-boxes
    logic [127:0] early_q [First:Stages];
    for (genvar c = 0; c < 4; c++) begin : g_early
      always_ff @(posedge clk_i) begin
        early_q[First][127 - 32 * c -: 32] <= s_q[4 * 9 + c] ^ rk_rd[10][127 - 32 * c -: 32];
      end
    end
    for (genvar p = First + 1; p <= Stages; p++) begin : g_delay
      always_ff @(posedge clk_i) early_q[p] <= early_q[p-1];
    end
    assign result = is256_q[Stages] ? last_round : early_q[Stages];
  end else begin : g_aes128_only
    assign result = last_round;
  end

  // Per-slot drain check for a pending reload: a count of each slot's blocks in the
  // stages (in at admission, out as the last stage hands its block to the FIFO). The
  // same as looking at every stage, without a compare per stage on the reload's path.
  localparam int InPipeW = $clog2(Stages + 1);
  logic [InPipeW-1:0] in_pipe_q [NumSlots];
  for (genvar sl = 0; sl < NumSlots; sl++) begin : g_in_pipe
    logic enters, leaves;
    assign enters = accept && in_slot_i == SlotW'(sl);
    assign leaves = valid_q[Stages] && slot_q[Stages] == SlotW'(sl);
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni)        in_pipe_q[sl] <= '0;
      else if (zeroize_i) in_pipe_q[sl] <= '0;
      else if (enters && !leaves) in_pipe_q[sl] <= in_pipe_q[sl] + 1'b1;
      else if (leaves && !enters) in_pipe_q[sl] <= in_pipe_q[sl] - 1'b1;
    end
  end
  assign slot_in_flight = (in_pipe_q[load_slot_q] != '0);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)        drained_q <= 1'b0;
    else if (zeroize_i) drained_q <= 1'b0;
    else drained_q <= (load_state_q == LoadDrain) && !exp_start && !slot_in_flight && !exp_busy;
  end

  // ---------------------------------------------------------------- output side
  logic block_empty, user_empty, block_full, user_full;

  tame_fifo #(.Width(128), .Depth(FifoDepth)) u_block_fifo (
    .clk_i, .rst_ni, .flush_i(zeroize_i),
    .push_i (valid_q[Stages]), .wdata_i(result),
    .pop_i  (pop),         .rdata_o(out_block_o),
    .empty_o(block_empty), .full_o (block_full)
  );

  // The user field goes in through a register: its block is at least Stages clocks from
  // the output, and the FIFO's write enable then waits on no admission logic.
  logic             user_push_q;
  logic [UserW-1:0] user_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)        user_push_q <= 1'b0;
    else if (zeroize_i) user_push_q <= 1'b0;
    else                user_push_q <= accept;
  end
  always_ff @(posedge clk_i) user_q <= in_user_i;

  tame_fifo #(.Width(UserW), .Depth(FifoDepth)) u_user_fifo (
    .clk_i, .rst_ni, .flush_i(zeroize_i),
    .push_i (user_push_q), .wdata_i(user_q),
    .pop_i  (pop),    .rdata_o(out_user_o),
    .empty_o(user_empty), .full_o(user_full)
  );

  assign out_valid_o = !block_empty && !zeroize_i;

  // busy_o: outstanding_q counts every block from admission until it leaves the FIFO,
  // so with it at zero the stages, both FIFOs and the per-slot counts are still. After
  // a key load or a wipe the clock runs on for Stages + 2 cycles: the stage registers
  // and the key schedule's S-box registers then hold what the present round keys and
  // inputs give, as with a free-running clock, and nothing from before a zeroize.
  localparam int FlushW = $clog2(Stages + 3);
  logic [FlushW-1:0] flush_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)                                    flush_q <= FlushW'(Stages + 2);
    else if (load_state_q != LoadIdle || exp_busy)  flush_q <= FlushW'(Stages + 2);
    else if (flush_q != '0)                         flush_q <= flush_q - 1'b1;
  end
  assign busy_o = (load_state_q != LoadIdle) || (outstanding_q != '0) || user_push_q
                  || exp_busy || rk_we_q || rk_done_q || drained_q || (flush_q != '0);

  logic unused;
  assign unused = ^{user_empty, user_full, block_full};

  // ---------------------------------------------------------------- fault checks
  // room_q is a function of the count: a flip of either shows as a disagreement. The
  // result is registered on this block's clock and held until reset: the checks then
  // cost nothing while the owner stops the clock (a simulator evaluates them on this
  // clock's edges only), and a register that flipped meanwhile is caught at the first
  // edge that could use it, long before a block it touched leaves the rounds.
  logic load_state_bad, fault_q;
  assign load_state_bad = (load_state_q != LoadWipe) && (load_state_q != LoadIdle) &&
                          (load_state_q != LoadDrain) && (load_state_q != LoadExpand);
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) fault_q <= 1'b0;
    else         fault_q <= fault_q || load_state_bad || (|slot_bad) || (|rk_bad)
                            || (outstanding_q != ~outstanding_copy_q)
                            || (room_q != (outstanding_q < CountW'(FifoDepth)));
  end
  assign fault_o = fault_q;

`ifdef FORMAL
  // ---------------------------------------------------------------- make formal
  // Properties proven by scripts/formal.py (docs/formal.md).
  logic f_past_q = 1'b0;
  always_ff @(posedge clk_i) f_past_q <= 1'b1;

`ifdef FORMAL_STREAM
  // Blocks admitted = blocks taken + blocks in the rounds + blocks in the output FIFO,
  // counted since reset or zeroize (which drops them all); the credit count is exact,
  // so the FIFO never overflows (its own assertions), and the user field always has
  // an entry for the block at the head.
  logic [CountW+3:0] f_acc_q = '0, f_push_q = '0, f_pop_q = '0;
  logic [CountW+3:0] f_rounds;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      f_acc_q  <= '0;
      f_push_q <= '0;
      f_pop_q  <= '0;
    end else if (zeroize_i) begin
      f_acc_q  <= '0;
      f_push_q <= '0;
      f_pop_q  <= '0;
    end else begin
      f_acc_q  <= f_acc_q + (CountW + 4)'(accept);
      f_push_q <= f_push_q + (CountW + 4)'(valid_q[Stages]);
      f_pop_q  <= f_pop_q + (CountW + 4)'(pop);
    end
  end
  always_comb begin
    f_rounds = '0;
    for (int p = 1; p <= Stages; p++) f_rounds = f_rounds + (CountW + 4)'(valid_q[p]);
  end
  always_comb begin
    if (rst_ni) begin
      assert (f_acc_q - f_pop_q == (CountW + 4)'(outstanding_q));
      assert (f_acc_q - f_push_q == f_rounds);
      assert (block_empty == (f_push_q == f_pop_q));
      assert (outstanding_q <= CountW'(FifoDepth));
      assert (room_q == (outstanding_q < CountW'(FifoDepth)));
      assert (block_empty || !user_empty);
    end
  end
  // An offered block holds, and stays offered, until it is taken (zeroize aside: it
  // drops all traffic by design).
  always_ff @(posedge clk_i) begin
    if (f_past_q && rst_ni && !zeroize_i && $past(rst_ni && !zeroize_i && out_valid_o && !out_ready_i)) begin
      assert (out_valid_o && out_block_o == $past(out_block_o) && out_user_o == $past(out_user_o));
    end
  end
`endif

`ifdef FORMAL_ZEROIZE
  // Cycles since the current wipe began (at reset, or at a zeroize outside a wipe; one
  // held high lets the wipe run on) while no key was taken: the wipe takes
  // NumSlots cycles, and one later every register and RAM marked secret must be zero
  // (scripts/formal.py asserts that while f_secrets_clear). 0 means stale.
  localparam int FAgeW = $clog2(NumSlots + 3);
  logic [FAgeW-1:0] f_zero_age_q = '0;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)                               f_zero_age_q <= FAgeW'(1);
    else if (zeroize_i && load_state_q != LoadWipe) f_zero_age_q <= FAgeW'(1);   // a wipe starts
    else if (key_valid_i && key_ready_o)       f_zero_age_q <= '0;
    else if (f_zero_age_q == '0)               f_zero_age_q <= '0;
    else if (f_zero_age_q != FAgeW'(NumSlots + 1)) f_zero_age_q <= f_zero_age_q + 1'b1;
  end
  logic f_secrets_clear;
  assign f_secrets_clear = (f_zero_age_q == FAgeW'(NumSlots + 1));
  // Helpers that make the zero state inductive: the wipe is done, and nothing is being
  // expanded or written.
  always_comb begin
    if (f_zero_age_q != '0 && rst_ni && !zeroize_i) begin
      assert (load_state_q == (f_secrets_clear ? LoadIdle : LoadWipe));
      assert (load_slot_q == SlotW'(f_zero_age_q - 1'b1));
      assert (!exp_busy && !rk_we_q && !rk_done_q);
    end
  end
`endif
`endif

endmodule
