// The trust anchor's nonce source (spec section 3): one 64-bit write counter per key
// slot, set to 1 when a key is loaded into the slot. Every writer in the system takes
// its nonces here; several may take in one cycle, and those under the same slot get
// consecutive values, so no nonce is ever handed out twice under one key. A slot
// closes before its counter could wrap: the trust anchor must load a new key.
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
  output logic [NumSlots-1:0]          open_o         // a take under this slot is allowed
);

  logic [NonceW-1:0]   count_q [NumSlots];
  logic [NumSlots-1:0] loaded_q;

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
    logic [NonceW-1:0] taken;
    always_comb begin
      taken = '0;
      for (int r = 0; r < Requesters; r++) begin
        if (take_i[r] && slot_i[r * SlotW +: SlotW] == SlotW'(s)) taken = taken + NonceW'(1);
      end
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        count_q[s]  <= '0;
        loaded_q[s] <= 1'b0;
      end else if (zeroize_i) begin
        count_q[s]  <= '0;
        loaded_q[s] <= 1'b0;
      end else if (key_loaded_i[s]) begin
        count_q[s]  <= NonceW'(1);
        loaded_q[s] <= 1'b1;
      end else begin
        count_q[s] <= count_q[s] + taken;
      end
    end
  end

`ifndef SYNTHESIS
  // Nobody takes under a closed slot.
  for (genvar r = 0; r < Requesters; r++) begin : g_check
    assert property (@(posedge clk_i) disable iff (!rst_ni) take_i[r] |-> open_o[slot_i[r * SlotW +: SlotW]]);
  end
`endif

endmodule
