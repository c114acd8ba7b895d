// The trust anchor's nonce source (spec section 3): one 64-bit write counter per key
// slot, set to 1 when a key is loaded into the slot. Every writer in the system takes
// its nonces here; several may take in one cycle, and those under the same slot get
// consecutive values, so no nonce is ever handed out twice under one key. A slot
// closes before its counter could wrap: the trust anchor must load a new key.
// Each counter and loaded flag is kept twice, the copy inverted (so that synthesis
// cannot merge them): a flipped bit could hand out a nonce again, so fault_o reports it
// and the key controller zeroizes.
module tame_nonce_source #(
  parameter int NumSlots   = tame_contract_pkg::KeySlots,
  parameter int Requesters = 2,
  localparam int SlotW     = (NumSlots > 1) ? $clog2(NumSlots) : 1,
  localparam int NonceW    = tame_contract_pkg::LineNonceBits
) (
  input  logic                         clk_i,
  input  logic                         rst_ni,
  input  logic                         zeroize_i,
  input  logic [NumSlots-1:0]          key_loaded_i,  // restart the slot's counter at 1
  input  logic [Requesters-1:0]        take_i,        // requester r uses a nonce now
  input  logic [Requesters*SlotW-1:0]  slot_i,        // under this slot
  output logic [Requesters*NonceW-1:0] nonce_o,       // the nonce it uses
  output logic [NumSlots-1:0]          open_o,        // a take under this slot is allowed
  output logic                         fault_o        // a counter or flag differs from its copy
);

  logic [NonceW-1:0]   count_q [NumSlots];
  logic [NumSlots-1:0] loaded_q;
  logic [NumSlots-1:0] slot_bad;

  // A slot stays open while even a take by every requester at once leaves the counter
  // below 2^64 (so the largest nonce ever handed out is 2^64 - 2).
  for (genvar s = 0; s < NumSlots; s++) begin : g_open
    assign open_o[s] = loaded_q[s] && (count_q[s] <= {NonceW{1'b1}} - NonceW'(Requesters));
  end

  // Requester r gets its slot's counter plus the number of earlier requesters taking
  // under the same slot in this cycle.
  always_comb begin
    for (int r = 0; r < Requesters; r++) begin
      logic [NonceW-1:0] nonce;
      nonce = count_q[slot_i[r * SlotW +: SlotW]];
      for (int q = 0; q < r; q++) begin
        if (take_i[q] && slot_i[q * SlotW +: SlotW] == slot_i[r * SlotW +: SlotW]) nonce = nonce + NonceW'(1);
      end
      nonce_o[r * NonceW +: NonceW] = nonce;
    end
  end

  for (genvar s = 0; s < NumSlots; s++) begin : g_count
    logic [NonceW-1:0] taken, count_d, count_copy_q;
    logic              loaded_d, loaded_copy_q;
    always_comb begin
      taken = '0;
      for (int r = 0; r < Requesters; r++) begin
        if (take_i[r] && slot_i[r * SlotW +: SlotW] == SlotW'(s)) taken = taken + NonceW'(1);
      end
    end

    always_comb begin
      if (zeroize_i) begin
        count_d  = '0;
        loaded_d = 1'b0;
      end else if (key_loaded_i[s]) begin
        count_d  = NonceW'(1);
        loaded_d = 1'b1;
      end else begin
        count_d  = count_q[s] + taken;
        loaded_d = loaded_q[s];
      end
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        count_q[s]    <= '0;
        loaded_q[s]   <= 1'b0;
        count_copy_q  <= '1;
        loaded_copy_q <= 1'b1;
      end else begin
        count_q[s]    <= count_d;
        loaded_q[s]   <= loaded_d;
        count_copy_q  <= ~count_d;
        loaded_copy_q <= !loaded_d;
      end
    end
    assign slot_bad[s] = (count_q[s] != ~count_copy_q) || (loaded_q[s] == loaded_copy_q);
  end
  assign fault_o = |slot_bad;

`ifndef SYNTHESIS
  // Nobody takes under a closed slot.
  for (genvar r = 0; r < Requesters; r++) begin : g_check
    assert property (@(posedge clk_i) disable iff (!rst_ni) take_i[r] |-> open_o[slot_i[r * SlotW +: SlotW]]);
  end
`endif

`ifdef FORMAL
`ifdef FORMAL_NONCE
  // make formal (docs/formal.md). Takers take only under an open slot (the check above,
  // assumed here as the writers' side of the contract). Then, per slot and key, the
  // nonces handed out strictly increase, across cycles and among the requesters of one
  // cycle, so none repeats; and a closed slot stays closed until a key is loaded.
  always_comb begin
    for (int r = 0; r < Requesters; r++) begin
      if (rst_ni && take_i[r]) assume (open_o[slot_i[r * SlotW +: SlotW]]);
    end
  end

  logic f_past_q = 1'b0;
  always_ff @(posedge clk_i) f_past_q <= 1'b1;

  // Written as pairwise compares on registers and outputs: the same property as a
  // running maximum, in a shape z3 4.8.12 does not get stuck simplifying.
  for (genvar s = 0; s < NumSlots; s++) begin : g_f_slot
    logic              f_any_q = 1'b0;   // a nonce was handed out under this key
    logic [NonceW-1:0] f_last_q;         // the last (largest) one
    logic              f_any_d;
    logic [NonceW-1:0] f_last_d;
    logic [Requesters-1:0] f_takes;
    for (genvar r = 0; r < Requesters; r++) begin : g_r
      assign f_takes[r] = rst_ni && take_i[r] && slot_i[r * SlotW +: SlotW] == SlotW'(s);
      always_comb begin
        if (f_takes[r]) begin
          assert (nonce_o[r * NonceW +: NonceW] != '0);
          if (f_any_q) assert (nonce_o[r * NonceW +: NonceW] > f_last_q);
        end
      end
      for (genvar q = 0; q < r; q++) begin : g_q
        always_comb begin
          if (f_takes[r] && f_takes[q]) assert (nonce_o[r * NonceW +: NonceW] > nonce_o[q * NonceW +: NonceW]);
        end
      end
    end
    always_comb begin
      f_any_d  = f_any_q || (|f_takes);
      f_last_d = f_last_q;
      for (int r = 0; r < Requesters; r++) begin
        if (f_takes[r]) f_last_d = nonce_o[r * NonceW +: NonceW];
      end
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni)                           f_any_q <= 1'b0;
      else if (zeroize_i || key_loaded_i[s]) f_any_q <= 1'b0;
      else                                   f_any_q <= f_any_d;
    end
    always_ff @(posedge clk_i) f_last_q <= f_last_d;
    // The next nonce is above every one handed out (what makes the above inductive).
    always_comb begin
      if (rst_ni && f_any_q) assert (count_q[s] > f_last_q);
      if (rst_ni && loaded_q[s]) assert (count_q[s] != '0);
    end
    always_ff @(posedge clk_i) begin
      if (f_past_q && rst_ni && $past(rst_ni && !zeroize_i && !key_loaded_i[s] && !open_o[s])) begin
        assert (!open_o[s]);
      end
    end
  end
`endif
`endif

endmodule
