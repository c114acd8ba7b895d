// One word per key slot, one write port and one asynchronous read port: the round-key
// store of one AES round. It has no reset, as a RAM has none: the owner wipes it by
// writing zeros to every slot (after reset and on zeroize) before any slot is used.
// Each word carries a parity bit, written with it: bad_o says that the word read now
// does not match its parity (a flipped bit), for the owner to check when it uses it.
module tame_key_slot_ram #(
  parameter int NumSlots = 4,   // a power of two
  parameter int Width    = 128,
  localparam int SlotW    = (NumSlots > 1) ? $clog2(NumSlots) : 1
) (
  input  logic             clk_i,
  input  logic             we_i,
  input  logic [SlotW-1:0] waddr_i,
  input  logic [Width-1:0] wdata_i,
  input  logic [SlotW-1:0] raddr_i,
  output logic [Width-1:0] rdata_o,
  output logic             bad_o
);
  logic [Width-1:0] mem [NumSlots] /*verilator public_flat_rd*/;  // secret: round keys
  logic             par [NumSlots] /*verilator public_flat_rd*/;  // secret: their parity

  always_ff @(posedge clk_i) begin
    if (we_i) begin
      mem[waddr_i] <= wdata_i;
      par[waddr_i] <= ^wdata_i;
    end
  end

  assign rdata_o = mem[raddr_i];
  assign bad_o   = (^rdata_o) != par[raddr_i];

endmodule
