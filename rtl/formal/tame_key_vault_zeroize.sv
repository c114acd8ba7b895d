// Zeroize completeness of the key vault, for make formal (docs/formal.md): the vault with
// every input free, from any state. f_secrets_clear is high from a zeroize or a reset
// until the vault next takes a write or loads the fuse; scripts/formal.py asserts that
// every signal marked as key material (every slot, every read data register) is zero
// while it is high. Besides, no slot is valid then.
module tame_key_vault_zeroize #(
  parameter int NumSlots   = 8,
  parameter int NumReaders = 3,
  localparam int SlotW     = $clog2(NumSlots),
  localparam int UsageW    = 5,
  localparam int ErrW      = 3
) (
  input  logic                        clk_i,
  input  logic                        rst_ni,
  input  logic                        zeroize_i,
  input  logic [255:0]                fuse_uds_i,
  input  logic                        fuse_valid_i,
  input  logic                        wr_valid_i,
  input  logic [SlotW-1:0]            wr_slot_i,
  input  logic [511:0]                wr_data_i,
  input  logic                        wr_wide_i,
  input  logic [UsageW-1:0]           wr_usage_i,
  input  logic [NumReaders-1:0]       rd_req_i,
  input  logic [NumReaders*SlotW-1:0] rd_slot_i,
  input  logic [NumReaders-1:0]       rd_wide_i,
  input  logic [NumSlots-1:0]         lock_write_i,
  input  logic [NumSlots-1:0]         lock_use_i,
  input  logic [NumSlots-1:0]         clear_i,
  // The vault's outputs, so that no part of it is optimized away.
  output logic [NumReaders*512-1:0]   rd_data_o,
  output logic [NumReaders*(ErrW+1)+ErrW+1+NumSlots*(4+UsageW)-1:0] seen_o
);

  logic                       wr_ready, wr_done;
  logic [ErrW-1:0]            wr_err;
  logic [NumReaders-1:0]      rd_valid;
  logic [NumReaders*ErrW-1:0] rd_err;
  logic [NumReaders*512-1:0]  rd_data;
  logic [NumSlots-1:0]        slot_valid, slot_wide, slot_wlock, slot_ulock;
  logic [NumSlots*UsageW-1:0] slot_usage;

  tame_key_vault #(.NumSlots(NumSlots), .NumReaders(NumReaders)) u_dut (
    .clk_i, .rst_ni, .zeroize_i, .fuse_uds_i, .fuse_valid_i,
    .wr_valid_i, .wr_ready_o (wr_ready), .wr_slot_i, .wr_data_i, .wr_wide_i, .wr_usage_i,
    .wr_done_o (wr_done), .wr_err_o (wr_err),
    .rd_req_i, .rd_slot_i, .rd_wide_i, .rd_valid_o (rd_valid), .rd_err_o (rd_err),
    .rd_data_o (rd_data),
    .lock_write_i, .lock_use_i, .clear_i,
    .slot_valid_o (slot_valid), .slot_wide_o (slot_wide), .slot_usage_o (slot_usage),
    .slot_wlock_o (slot_wlock), .slot_ulock_o (slot_ulock)
  );

  assign rd_data_o = rd_data;
  assign seen_o    = {wr_done, wr_err, rd_valid, rd_err, slot_valid, slot_wide, slot_usage,
                      slot_wlock, slot_ulock};

  // The fuse is read in the first clock after reset only (the vault's rule), so the
  // wrapper knows that clock as the vault does. Both start at 0: the first state is any
  // state, and the property starts with the first zeroize or reset.
  logic f_after_reset_q = 1'b0;
  logic f_secrets_clear = 1'b0;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) f_after_reset_q <= 1'b1;
    else         f_after_reset_q <= 1'b0;
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)                                        f_secrets_clear <= 1'b1;
    else if (zeroize_i)                                 f_secrets_clear <= 1'b1;
    else if ((wr_valid_i && wr_ready) || (f_after_reset_q && fuse_valid_i)) f_secrets_clear <= 1'b0;
  end

  always_comb begin
    if (f_secrets_clear) assert (slot_valid == '0);
  end

endmodule
