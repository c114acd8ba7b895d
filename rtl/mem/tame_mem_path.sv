// The memory path (spec sections 1 and 3): block 2 between the disk path and DRAM, one
// block 3 per core between the shared L3 and that core's L2, and the nonce source they
// share. DRAM and L3 live outside (in the harness: models); what crosses these ports
// toward them is only ever ciphertext with its nonce.
//
// The trust-anchor side (key sideload, which slot serves block 2 and each core's VM,
// the nonce source's state) is separate from the host side (pages, fills, write-backs),
// and no host request names a key slot.
module tame_mem_path #(
  parameter int Cores      = 2,
  parameter int Lanes      = 4,   // AES lanes per block 3: 4 gives one line per clock
  parameter int DramLanes  = 1,   // AES lanes in block 2: 1 keeps up with block 1
  parameter int NumSlots   = tame_contract_pkg::KeySlots,   // key slots: one session key per VM
  parameter int MaxKeyBits = tame_contract_pkg::KeyBits,
  parameter int SboxImpl   = tame_pkg::SboxRomRegMix,
  localparam int SlotW     = (NumSlots > 1) ? $clog2(NumSlots) : 1,
  localparam int KeyW      = tame_contract_pkg::KeyBits,
  localparam int AddrW     = tame_contract_pkg::LineAddrBits,
  localparam int NonceW    = tame_contract_pkg::LineNonceBits,
  localparam int BeatW     = 8 * tame_contract_pkg::BeatBytes,
  localparam int LineW     = 8 * tame_contract_pkg::LineBytes
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  // ---- trust-anchor side
  input  logic                      zeroize_i,
  input  logic                      key_valid_i,
  output logic                      key_ready_o,
  input  logic [SlotW-1:0]          key_slot_i,
  input  logic [KeyW-1:0]           key_i,
  input  logic                      key256_i,
  output logic [NumSlots-1:0]       slot_ready_o,     // loaded in every block
  input  logic [SlotW-1:0]          dram_slot_i,      // the VM whose image block 2 writes
  input  logic [Cores*SlotW-1:0]    core_slot_i,      // the VM on each core
  output logic [NumSlots-1:0]       nonce_open_o,     // closed: the slot needs a new key

  // ---- host side: block 2
  input  logic                      page_valid_i,
  output logic                      page_ready_o,
  input  logic [AddrW-1:0]          page_line_i,
  input  logic                      beat_valid_i,
  output logic                      beat_ready_o,
  input  logic [BeatW-1:0]          beat_data_i,
  output logic                      dram_valid_o,
  input  logic                      dram_ready_i,
  output logic [AddrW-1:0]          dram_line_o,
  output logic [NonceW-1:0]         dram_nonce_o,
  output logic [LineW-1:0]          dram_data_o,

  // ---- host side: block 3 of each core (core c in slice c)
  input  logic [Cores-1:0]          fill_valid_i,
  output logic [Cores-1:0]          fill_ready_o,
  input  logic [Cores*AddrW-1:0]    fill_line_i,
  input  logic [Cores*NonceW-1:0]   fill_nonce_i,
  input  logic [Cores*LineW-1:0]    fill_data_i,
  output logic [Cores-1:0]          l2_valid_o,
  input  logic [Cores-1:0]          l2_ready_i,
  output logic [Cores*AddrW-1:0]    l2_line_o,
  output logic [Cores*LineW-1:0]    l2_data_o,
  input  logic [Cores-1:0]          wb_valid_i,
  output logic [Cores-1:0]          wb_ready_o,
  input  logic [Cores*AddrW-1:0]    wb_line_i,
  input  logic [Cores*LineW-1:0]    wb_data_i,
  output logic [Cores-1:0]          l3_valid_o,
  input  logic [Cores-1:0]          l3_ready_i,
  output logic [Cores*AddrW-1:0]    l3_line_o,
  output logic [Cores*NonceW-1:0]   l3_nonce_o,
  output logic [Cores*LineW-1:0]    l3_data_o,

  // A register failed its check in a block or in the nonce source (a flipped bit): the
  // key controller zeroizes everything.
  output logic                      fault_o
);

  localparam int Writers = Cores + 1;   // requester 0 is block 2, 1 + c is core c

  // ---------------------------------------------------------------- keys
  // One key goes into every block in the same cycle, when all can take it; taking it
  // restarts that slot's nonce counter.
  logic [Writers-1:0]  block_key_ready;
  logic [NumSlots-1:0] block_slot_ready [Writers];
  logic                key_take;
  logic [NumSlots-1:0] key_loaded;

  assign key_ready_o = &block_key_ready;
  assign key_take    = key_valid_i && key_ready_o;
  always_comb begin
    key_loaded = '0;
    if (key_take) key_loaded[key_slot_i] = 1'b1;
    slot_ready_o = '1;
    for (int w = 0; w < Writers; w++) slot_ready_o &= block_slot_ready[w];
  end

  // ---------------------------------------------------------------- nonces
  logic [Writers-1:0]       take;
  logic [Writers*SlotW-1:0] take_slot;
  logic [Writers*NonceW-1:0] nonce;

  assign take_slot[0 +: SlotW] = dram_slot_i;
  for (genvar c = 0; c < Cores; c++) begin : g_take_slot
    assign take_slot[(1 + c) * SlotW +: SlotW] = core_slot_i[c * SlotW +: SlotW];
  end

  logic             nonce_fault, dram_fault;
  logic [Cores-1:0] core_fault;

  tame_nonce_source #(.NumSlots(NumSlots), .Requesters(Writers)) u_nonce_source (
    .clk_i,
    .rst_ni,
    .zeroize_i,
    .key_loaded_i (key_loaded),
    .take_i       (take),
    .slot_i       (take_slot),
    .nonce_o      (nonce),
    .open_o       (nonce_open_o),
    .fault_o      (nonce_fault)
  );

  // ---------------------------------------------------------------- block 2
  tame_dram_crypt #(
    .Lanes     (DramLanes),
    .NumSlots  (NumSlots),
    .MaxKeyBits(MaxKeyBits),
    .SboxImpl  (SboxImpl)
  ) u_dram_crypt (
    .clk_i,
    .rst_ni,
    .zeroize_i,
    .key_pending_i(key_valid_i),
    .key_valid_i  (key_take),
    .key_ready_o  (block_key_ready[0]),
    .key_slot_i,
    .key_i,
    .key256_i,
    .slot_ready_o (block_slot_ready[0]),
    .vm_slot_i    (dram_slot_i),
    .nonce_take_o (take[0]),
    .nonce_i      (nonce[0 +: NonceW]),
    .nonce_open_i (nonce_open_o[dram_slot_i]),
    .page_valid_i,
    .page_ready_o,
    .page_line_i,
    .beat_valid_i,
    .beat_ready_o,
    .beat_data_i,
    .dram_valid_o,
    .dram_ready_i,
    .dram_line_o,
    .dram_nonce_o,
    .dram_data_o,
    .fault_o      (dram_fault)
  );

  // ---------------------------------------------------------------- block 3 per core
  for (genvar c = 0; c < Cores; c++) begin : g_core
    logic [SlotW-1:0] vm_slot;
    assign vm_slot = core_slot_i[c * SlotW +: SlotW];

    tame_core_crypt #(
      .Lanes     (Lanes),
      .NumSlots  (NumSlots),
      .MaxKeyBits(MaxKeyBits),
      .SboxImpl  (SboxImpl)
    ) u_core_crypt (
      .clk_i,
      .rst_ni,
      .zeroize_i,
      .key_pending_i(key_valid_i),
      .key_valid_i  (key_take),
      .key_ready_o  (block_key_ready[1 + c]),
      .key_slot_i,
      .key_i,
      .key256_i,
      .slot_ready_o (block_slot_ready[1 + c]),
      .vm_slot_i    (vm_slot),
      .nonce_take_o (take[1 + c]),
      .nonce_i      (nonce[(1 + c) * NonceW +: NonceW]),
      .nonce_open_i (nonce_open_o[vm_slot]),
      .fill_valid_i (fill_valid_i[c]),
      .fill_ready_o (fill_ready_o[c]),
      .fill_line_i  (fill_line_i[c * AddrW +: AddrW]),
      .fill_nonce_i (fill_nonce_i[c * NonceW +: NonceW]),
      .fill_data_i  (fill_data_i[c * LineW +: LineW]),
      .l2_valid_o   (l2_valid_o[c]),
      .l2_ready_i   (l2_ready_i[c]),
      .l2_line_o    (l2_line_o[c * AddrW +: AddrW]),
      .l2_data_o    (l2_data_o[c * LineW +: LineW]),
      .wb_valid_i   (wb_valid_i[c]),
      .wb_ready_o   (wb_ready_o[c]),
      .wb_line_i    (wb_line_i[c * AddrW +: AddrW]),
      .wb_data_i    (wb_data_i[c * LineW +: LineW]),
      .l3_valid_o   (l3_valid_o[c]),
      .l3_ready_i   (l3_ready_i[c]),
      .l3_line_o    (l3_line_o[c * AddrW +: AddrW]),
      .l3_nonce_o   (l3_nonce_o[c * NonceW +: NonceW]),
      .l3_data_o    (l3_data_o[c * LineW +: LineW]),
      .fault_o      (core_fault[c])
    );
  end

  assign fault_o = nonce_fault || dram_fault || (|core_fault);

endmodule
