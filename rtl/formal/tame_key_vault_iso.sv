// Key isolation of the key vault by self-composition, for make formal (docs/formal.md).
// Two vaults get the same commands, write requests and read requests but different
// secrets: the data written into slots and the UDS from the fuses. Everything outside
// the key paths (the write port's answers, every read's valid bit and code, and what
// software may see of each slot) must then be equal in both, every cycle. Only the read
// ports' data may differ, and in each copy that data is zero except in the clock that
// answers a granted read. Read by Yosys with -formal; scripts/formal.py adds the
// induction lemma (every register that is not key material is equal) and, for the
// mutant, changes one line of the vault (see the proof vault_isolation_mutant).
module tame_key_vault_iso #(
  parameter int NumSlots   = 8,
  parameter int NumReaders = 3,
  localparam int SlotW     = $clog2(NumSlots),
  localparam int UsageW    = 5,
  localparam int ErrW      = 3
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  input  logic                        zeroize_i,
  input  logic [255:0]                fuse_uds_a_i,
  input  logic [255:0]                fuse_uds_b_i,
  input  logic                        fuse_valid_i,
  input  logic                        wr_valid_i,
  input  logic [SlotW-1:0]            wr_slot_i,
  input  logic [511:0]                wr_data_a_i,
  input  logic [511:0]                wr_data_b_i,
  input  logic                        wr_wide_i,
  input  logic [UsageW-1:0]           wr_usage_i,
  input  logic [NumReaders-1:0]       rd_req_i,
  input  logic [NumReaders*SlotW-1:0] rd_slot_i,
  input  logic [NumReaders-1:0]       rd_wide_i,
  input  logic [NumSlots-1:0]         lock_write_i,
  input  logic [NumSlots-1:0]         lock_use_i,
  input  logic [NumSlots-1:0]         clear_i
);

  // Everything outside the key paths, per copy.
  typedef struct packed {
    logic                       wr_ready, wr_done;
    logic [ErrW-1:0]            wr_err;
    logic [NumReaders-1:0]      rd_valid;
    logic [NumReaders*ErrW-1:0] rd_err;
    logic [NumSlots-1:0]        slot_valid, slot_wide, slot_wlock, slot_ulock;
    logic [NumSlots*UsageW-1:0] slot_usage;
  } seen_t;

  seen_t seen_a, seen_b;
  logic [NumReaders*512-1:0] rd_data_a, rd_data_b;

  tame_key_vault #(.NumSlots(NumSlots), .NumReaders(NumReaders)) u_a (
    .clk_i, .rst_ni, .zeroize_i,
    .fuse_uds_i (fuse_uds_a_i), .fuse_valid_i,
    .wr_valid_i, .wr_ready_o (seen_a.wr_ready), .wr_slot_i, .wr_data_i (wr_data_a_i),
    .wr_wide_i, .wr_usage_i, .wr_done_o (seen_a.wr_done), .wr_err_o (seen_a.wr_err),
    .rd_req_i, .rd_slot_i, .rd_wide_i, .rd_valid_o (seen_a.rd_valid),
    .rd_err_o (seen_a.rd_err), .rd_data_o (rd_data_a),
    .lock_write_i, .lock_use_i, .clear_i,
    .slot_valid_o (seen_a.slot_valid), .slot_wide_o (seen_a.slot_wide),
    .slot_usage_o (seen_a.slot_usage), .slot_wlock_o (seen_a.slot_wlock),
    .slot_ulock_o (seen_a.slot_ulock)
  );

  tame_key_vault #(.NumSlots(NumSlots), .NumReaders(NumReaders)) u_b (
    .clk_i, .rst_ni, .zeroize_i,
    .fuse_uds_i (fuse_uds_b_i), .fuse_valid_i,
    .wr_valid_i, .wr_ready_o (seen_b.wr_ready), .wr_slot_i, .wr_data_i (wr_data_b_i),
    .wr_wide_i, .wr_usage_i, .wr_done_o (seen_b.wr_done), .wr_err_o (seen_b.wr_err),
    .rd_req_i, .rd_slot_i, .rd_wide_i, .rd_valid_o (seen_b.rd_valid),
    .rd_err_o (seen_b.rd_err), .rd_data_o (rd_data_b),
    .lock_write_i, .lock_use_i, .clear_i,
    .slot_valid_o (seen_b.slot_valid), .slot_wide_o (seen_b.slot_wide),
    .slot_usage_o (seen_b.slot_usage), .slot_wlock_o (seen_b.slot_wlock),
    .slot_ulock_o (seen_b.slot_ulock)
  );

  // The read data goes to the engines, inside the boundary: it may differ.
  logic unused;
  assign unused = ^{rd_data_a, rd_data_b};

  // Both start from reset; after that, reset is free (it reaches both alike).
  logic f_started_q = 1'b0;
  always_ff @(posedge clk_i) f_started_q <= 1'b1;

  always_comb begin
    if (!f_started_q) assume (!rst_ni);
    if (f_started_q) begin
      assert (seen_a.wr_ready == seen_b.wr_ready);
      assert (seen_a.wr_done == seen_b.wr_done && seen_a.wr_err == seen_b.wr_err);
      assert (seen_a.rd_valid == seen_b.rd_valid);
      assert (seen_a.rd_err == seen_b.rd_err);
      assert (seen_a.slot_valid == seen_b.slot_valid && seen_a.slot_wide == seen_b.slot_wide);
      assert (seen_a.slot_usage == seen_b.slot_usage);
      assert (seen_a.slot_wlock == seen_b.slot_wlock && seen_a.slot_ulock == seen_b.slot_ulock);
    end
  end

  // A reader's data holds a key only in the clock that answers its granted read.
  always_comb begin
    for (int i = 0; i < NumReaders; i++) begin
      if (f_started_q && !(seen_a.rd_valid[i] && seen_a.rd_err[i*ErrW +: ErrW] == tame_pkg::VaultOk)) begin
        assert (rd_data_a[i*512 +: 512] == '0);
      end
      if (f_started_q && !(seen_b.rd_valid[i] && seen_b.rd_err[i*ErrW +: ErrW] == tame_pkg::VaultOk)) begin
        assert (rd_data_b[i*512 +: 512] == '0);
      end
    end
  end

endmodule
