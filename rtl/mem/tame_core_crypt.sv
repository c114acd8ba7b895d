// Block 3, one per core, between the shared L3 and the core's private L2. Line fills
// from L3 (ciphertext with the nonce stored beside it) are decrypted on their way into
// L2; write-backs from L2 are encrypted with a fresh nonce from the trust anchor's
// nonce source on their way out. The key slot is the one the trust anchor set for the
// VM that runs on this core (vm_slot_i); a request cannot name another.
module tame_core_crypt #(
  parameter int Lanes      = 4,
  parameter int NumSlots   = tame_contract_pkg::KeySlots,
  parameter int MaxKeyBits = tame_contract_pkg::KeyBits,
  parameter int SboxImpl   = tame_pkg::SboxRomRegMix,
  localparam int SlotW     = (NumSlots > 1) ? $clog2(NumSlots) : 1,
  localparam int KeyW      = tame_contract_pkg::KeyBits,
  localparam int AddrW     = tame_contract_pkg::LineAddrBits,
  localparam int NonceW    = tame_contract_pkg::LineNonceBits,
  localparam int LineW     = 8 * tame_contract_pkg::LineBytes
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                zeroize_i,

  // Trust-anchor side: key sideload (key_pending_i: a load waits at the top, see
  // tame_line_crypt) and this core's VM slot.
  input  logic                key_pending_i,
  input  logic                key_valid_i,
  output logic                key_ready_o,
  input  logic [SlotW-1:0]    key_slot_i,
  input  logic [KeyW-1:0]     key_i,
  input  logic                key256_i,
  output logic [NumSlots-1:0] slot_ready_o,
  input  logic [SlotW-1:0]    vm_slot_i,

  // Nonce source port.
  output logic                nonce_take_o,
  input  logic [NonceW-1:0]   nonce_i,
  input  logic                nonce_open_i,     // the source may hand out under vm_slot_i

  // Fill: L3 -> this block -> L2.
  input  logic                fill_valid_i,
  output logic                fill_ready_o,
  input  logic [AddrW-1:0]    fill_line_i,
  input  logic [NonceW-1:0]   fill_nonce_i,
  input  logic [LineW-1:0]    fill_data_i,      // ciphertext
  output logic                l2_valid_o,
  input  logic                l2_ready_i,
  output logic [AddrW-1:0]    l2_line_o,
  output logic [LineW-1:0]    l2_data_o,        // plaintext

  // Write-back: L2 -> this block -> L3.
  input  logic                wb_valid_i,
  output logic                wb_ready_o,
  input  logic [AddrW-1:0]    wb_line_i,
  input  logic [LineW-1:0]    wb_data_i,        // plaintext
  output logic                l3_valid_o,
  input  logic                l3_ready_i,
  output logic [AddrW-1:0]    l3_line_o,
  output logic [NonceW-1:0]   l3_nonce_o,
  output logic [LineW-1:0]    l3_data_o,        // ciphertext

  // The line crypt block failed a check: the key controller zeroizes.
  output logic                fault_o
);

  // The user field carries the direction, the line address and the nonce to the output.
  localparam int UserW = 1 + AddrW + NonceW;

  logic              lc_in_valid, lc_in_ready, lc_out_valid, lc_out_ready;
  logic              pick_wb, wb_allowed, prefer_wb_q;
  logic [NonceW-1:0] nonce;
  logic [AddrW-1:0]  line;
  logic [UserW-1:0]  out_user;
  logic [LineW-1:0]  out_data;

  // Fills and write-backs take turns when both wait; a write-back also needs the
  // nonce source to be open for this VM's slot.
  assign wb_allowed   = wb_valid_i && nonce_open_i;
  assign pick_wb      = wb_allowed && (!fill_valid_i || prefer_wb_q);
  assign lc_in_valid  = fill_valid_i || wb_allowed;
  assign fill_ready_o = lc_in_ready && !pick_wb;
  assign wb_ready_o   = lc_in_ready && pick_wb;
  assign nonce_take_o = wb_valid_i && wb_ready_o;
  assign nonce        = pick_wb ? nonce_i : fill_nonce_i;
  assign line         = pick_wb ? wb_line_i : fill_line_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)                          prefer_wb_q <= 1'b0;
    else if (lc_in_valid && lc_in_ready)  prefer_wb_q <= !pick_wb;
  end

  tame_line_crypt #(
    .Lanes     (Lanes),
    .NumSlots  (NumSlots),
    .MaxKeyBits(MaxKeyBits),
    .SboxImpl  (SboxImpl),
    .UserW     (UserW)
  ) u_line_crypt (
    .clk_i,
    .rst_ni,
    .zeroize_i,
    .key_pending_i,
    .key_valid_i,
    .key_ready_o,
    .key_slot_i,
    .key_i,
    .key256_i,
    .slot_ready_o,
    .in_valid_i  (lc_in_valid),
    .in_ready_o  (lc_in_ready),
    .in_slot_i   (vm_slot_i),
    .in_nonce_i  (nonce),
    .in_line_i   (line),
    .in_data_i   (pick_wb ? wb_data_i : fill_data_i),
    .in_user_i   ({pick_wb, line, nonce}),
    .out_valid_o (lc_out_valid),
    .out_ready_i (lc_out_ready),
    .out_data_o  (out_data),
    .out_user_o  (out_user),
    .fault_o
  );

  // Results leave in order, each to the side it came from.
  logic out_is_wb;
  assign out_is_wb    = out_user[UserW-1];
  assign lc_out_ready = out_is_wb ? l3_ready_i : l2_ready_i;
  assign l2_valid_o   = lc_out_valid && !out_is_wb;
  assign l3_valid_o   = lc_out_valid && out_is_wb;
  assign l2_line_o    = out_user[NonceW +: AddrW];
  assign l3_line_o    = out_user[NonceW +: AddrW];
  assign l3_nonce_o   = out_user[NonceW-1:0];
  assign l2_data_o    = out_data;
  assign l3_data_o    = out_data;

endmodule
