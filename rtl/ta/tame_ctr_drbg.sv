// NIST SP 800-90A CTR_DRBG with AES-256 and no derivation function (spec section 5),
// the trust anchor's only source of secrets. Key and V never leave this module; the
// generated blocks go to the key controller, which routes them into a key slot or the
// TA nonce register. Additional input and personalization come in on adin_i (zero-
// padded to 384 bits); entropy on entropy_i, sampled when a command is taken.
module tame_ctr_drbg #(
  parameter int SboxImpl = tame_pkg::SboxRomRegMix
) (
  input  logic         clk_i,
  input  logic         rst_ni,
  input  logic         zeroize_i,

  input  logic         cmd_valid_i,
  output logic         cmd_ready_o,
  input  logic [1:0]   cmd_i,           // see tame_pkg::drbg_cmd_e
  input  logic [383:0] entropy_i,       // instantiate and reseed
  input  logic [383:0] adin_i,          // personalization (instantiate), additional input
  input  logic         adin_present_i,  // generate: additional input was given
  input  logic [7:0]   nblocks_i,       // generate: 128-bit blocks wanted (1..255)

  output logic         out_valid_o,     // a generated block, for one cycle
  output logic [127:0] out_block_o,
  output logic         done_o,          // the command finished (one cycle)
  output logic         refused_o,       // the command was refused and changed nothing
  output logic         instantiated_o,
  output logic [48:0]  reseed_counter_o
);

  localparam logic [48:0] ReseedLimit = 49'h1_0000_0000_0000;  // 2^48 generates per seed

  typedef enum logic [2:0] {
    Idle, Expand, UpdateEnc, UpdateFinish, GenerateEnc, Finish
  } state_e;
  typedef enum logic [1:0] { AfterSeed, AfterPreUpdate, AfterGenerate } next_e;

  state_e       state_q;
  next_e        after_q;        // where an Update returns to
  logic         gen_q;          // this command is a generate
  logic [255:0] key_q /*verilator public_flat_rd*/;  // secret: DRBG state
  logic [127:0] v_q /*verilator public_flat_rd*/;  // secret: DRBG state
  logic [383:0] provided_q /*verilator public_flat_rd*/;  // secret: what the next Update XORs in
  logic [383:0] temp_q /*verilator public_flat_rd*/;  // secret: Update's keystream
  logic [1:0]   upd_count_q;    // Update blocks taken so far
  logic [7:0]   gen_left_q;     // generate blocks still to request
  logic [7:0]   out_left_q;     // generate blocks still to come out
  logic         key_fresh_q;    // the AES core has expanded key_q
  logic         inst_q;
  logic [48:0]  counter_q;
  logic         after_expand_gen_q;

  logic         aes_key_ready, aes_in_ready, aes_out_valid;
  logic         aes_key_valid, aes_in_valid;
  logic [127:0] aes_out, v_next;

  assign v_next = v_q + 128'd1;

  // The DRBG's clock stops while it is idle (see tame_line_crypt); a command or a
  // zeroize wakes it. It runs three cycles more after each command and after a zeroize,
  // so that the AES core's S-box registers take the (then public or wiped) idle input
  // and keep nothing of the last key or V.
  logic       clk;
  logic [1:0] settle_q;
  tame_clock_gate u_clock_gate (
    .clk_i,
    .en_i  (cmd_valid_i || zeroize_i || state_q != Idle || done_o || refused_o || settle_q != '0),
    .clk_o (clk)
  );
  always_ff @(posedge clk or negedge rst_ni) begin
    if (!rst_ni)                           settle_q <= 2'd3;
    else if (zeroize_i || state_q != Idle) settle_q <= 2'd3;
    else if (settle_q != '0)               settle_q <= settle_q - 2'd1;
  end

  tame_aes_iter #(.SboxImpl(SboxImpl)) u_aes (
    .clk_i       (clk),
    .rst_ni,
    .clear_i     (zeroize_i),
    .key_valid_i (aes_key_valid),
    .key_ready_o (aes_key_ready),
    .key_i       (key_q),
    .in_valid_i  (aes_in_valid),
    .in_ready_o  (aes_in_ready),
    .in_block_i  (v_next),
    .out_valid_o (aes_out_valid),
    .out_block_o (aes_out)
  );

  // A command is refused when the DRBG is not instantiated (reseed, generate), when
  // its seed is spent (generate), or when it asks for no blocks.
  logic cmd_take, refuse;
  assign cmd_ready_o = (state_q == Idle);
  assign cmd_take    = cmd_valid_i && cmd_ready_o;
  always_comb begin
    refuse = 1'b0;
    unique case (cmd_i)
      tame_pkg::DrbgInstantiate: refuse = 1'b0;
      tame_pkg::DrbgReseed:      refuse = !inst_q;
      tame_pkg::DrbgGenerate:    refuse = !inst_q || counter_q > ReseedLimit || nblocks_i == '0;
      default:                   refuse = 1'b1;
    endcase
  end

  assign aes_key_valid = (state_q == Expand) && !key_fresh_q;
  assign aes_in_valid  = ((state_q == UpdateEnc && upd_count_q != 2'd3) ||
                          (state_q == GenerateEnc && gen_left_q != '0)) && key_fresh_q;

  assign out_valid_o      = (state_q == GenerateEnc) && aes_out_valid;
  assign out_block_o      = aes_out;
  assign instantiated_o   = inst_q;
  assign reseed_counter_o = counter_q;

  always_ff @(posedge clk or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q            <= Idle;
      after_q            <= AfterSeed;
      gen_q              <= 1'b0;
      key_q              <= '0;
      v_q                <= '0;
      provided_q         <= '0;
      temp_q             <= '0;
      upd_count_q        <= '0;
      gen_left_q         <= '0;
      out_left_q         <= '0;
      key_fresh_q        <= 1'b0;
      inst_q             <= 1'b0;
      counter_q          <= '0;
      after_expand_gen_q <= 1'b0;
      done_o             <= 1'b0;
      refused_o          <= 1'b0;
    end else if (zeroize_i) begin
      state_q     <= Idle;
      key_q       <= '0;
      v_q         <= '0;
      provided_q  <= '0;
      temp_q      <= '0;
      key_fresh_q <= 1'b0;
      inst_q      <= 1'b0;
      counter_q   <= '0;
      done_o      <= 1'b0;
      refused_o   <= 1'b0;
    end else begin
      done_o    <= 1'b0;
      refused_o <= 1'b0;
      unique case (state_q)
        Idle: if (cmd_take) begin
          if (refuse) begin
            refused_o <= 1'b1;
          end else begin
            gen_q      <= (cmd_i == tame_pkg::DrbgGenerate);
            gen_left_q <= nblocks_i;
            out_left_q <= nblocks_i;
            unique case (cmd_i)
              tame_pkg::DrbgInstantiate: begin
                key_q       <= '0;
                v_q         <= '0;
                key_fresh_q <= 1'b0;
                provided_q  <= entropy_i ^ adin_i;
                after_q     <= AfterSeed;
                after_expand_gen_q <= 1'b0;
                state_q     <= Expand;
              end
              tame_pkg::DrbgReseed: begin
                provided_q  <= entropy_i ^ adin_i;
                after_q     <= AfterSeed;
                after_expand_gen_q <= 1'b0;
                state_q     <= Expand;
              end
              default: begin  // generate
                provided_q  <= adin_present_i ? adin_i : '0;
                after_q     <= AfterPreUpdate;
                // Without additional input there is no Update before the output.
                after_expand_gen_q <= !adin_present_i;
                state_q     <= Expand;
              end
            endcase
          end
        end
        Expand: begin
          if (aes_key_valid && aes_key_ready) key_fresh_q <= 1'b1;
          if (key_fresh_q) begin
            upd_count_q <= '0;
            state_q     <= after_expand_gen_q ? GenerateEnc : UpdateEnc;
          end
        end
        UpdateEnc: begin
          if (aes_in_valid && aes_in_ready) begin
            v_q         <= v_next;
            upd_count_q <= upd_count_q + 2'd1;
          end
          if (aes_out_valid) begin
            temp_q <= {temp_q[255:0], aes_out};
            if (upd_count_q == 2'd3) state_q <= UpdateFinish;
          end
        end
        UpdateFinish: begin
          {key_q, v_q} <= temp_q ^ provided_q;
          key_fresh_q  <= 1'b0;
          temp_q       <= '0;
          unique case (after_q)
            AfterPreUpdate: begin
              after_expand_gen_q <= 1'b1;
              state_q <= Expand;
            end
            default: state_q <= Finish;
          endcase
        end
        GenerateEnc: begin
          if (aes_in_valid && aes_in_ready) begin
            v_q        <= v_next;
            gen_left_q <= gen_left_q - 8'd1;
          end
          if (aes_out_valid) begin
            out_left_q <= out_left_q - 8'd1;
            if (out_left_q == 8'd1) begin
              // The closing Update uses the same additional input (or zeros).
              after_q            <= AfterGenerate;
              after_expand_gen_q <= 1'b0;
              upd_count_q        <= '0;
              state_q            <= UpdateEnc;
            end
          end
        end
        Finish: begin
          done_o      <= 1'b1;
          provided_q  <= '0;
          inst_q      <= 1'b1;
          counter_q   <= gen_q ? counter_q + 49'd1 : 49'd1;
          state_q     <= Idle;
        end
        default: state_q <= Idle;
      endcase
    end
  end

`ifdef FORMAL
`ifdef FORMAL_FSM
  // make formal (docs/formal.md) records what the RTL does with an illegal state (6 or
  // 7): it goes back to Idle at the next edge. It raises no error and clears nothing.
  logic f_past_q = 1'b0;
  always_ff @(posedge clk_i) f_past_q <= 1'b1;
  always_ff @(posedge clk_i) begin
    if (f_past_q && rst_ni && $past(rst_ni) && $past(state_q[2:1] == 2'b11)) assert (state_q == Idle);
  end
`endif
`endif

endmodule
