// The whole TAME datapath around the trust anchor: the key controller (the TA's only
// software face), block 1 (the disk crypt block) feeding block 2 (encryption into
// DRAM), and one block 3 per core (L3 <-> L2). Keys reach the crypt blocks only by the
// sideload ports; every slot choice comes from the key controller's configuration,
// never from a host request.
module tame_top #(
  parameter int Cores          = 2,
  parameter int Lanes          = 4,
  parameter int DramLanes      = 1,
  parameter int SboxImpl       = tame_pkg::SboxRomRegMix,
  // Block 1's MaxKeyBits: 256 (AES-128 and AES-256) or 128 (AES-128 only; the trust
  // anchor then refuses an AES-256 image key, and says so in FEATURES).
  parameter int DiskMaxKeyBits = tame_contract_pkg::KeyBits,
  localparam int SlotW         = tame_contract_pkg::KeySlotBits,
  localparam int Slots         = tame_contract_pkg::KeySlots,
  localparam int AddrW         = tame_contract_pkg::LineAddrBits,
  localparam int NonceW        = tame_contract_pkg::LineNonceBits,
  localparam int LineW         = 8 * tame_contract_pkg::LineBytes,
  localparam int BeatW         = 8 * tame_contract_pkg::BeatBytes,
  localparam int TaAddrW       = tame_contract_pkg::TaAddrBits,
  localparam int TaDataW       = tame_contract_pkg::TaDataBits,
  localparam int EntropyW      = tame_contract_pkg::EntropyBits,
  localparam int CtrW          = tame_contract_pkg::CtrNonceBits   // = CtrIndexBits
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,

  // ---- trust anchor: register port (TA firmware) and entropy
  input  logic                      ta_awvalid_i,
  output logic                      ta_awready_o,
  input  logic [TaAddrW-1:0]        ta_awaddr_i,
  input  logic                      ta_wvalid_i,
  output logic                      ta_wready_o,
  input  logic [TaDataW-1:0]        ta_wdata_i,
  input  logic [3:0]                ta_wstrb_i,
  output logic                      ta_bvalid_o,
  input  logic                      ta_bready_i,
  output logic [1:0]                ta_bresp_o,
  input  logic                      ta_arvalid_i,
  output logic                      ta_arready_o,
  input  logic [TaAddrW-1:0]        ta_araddr_i,
  output logic                      ta_rvalid_o,
  input  logic                      ta_rready_i,
  output logic [TaDataW-1:0]        ta_rdata_o,
  output logic [1:0]                ta_rresp_o,
  input  logic                      entropy_valid_i,
  output logic                      entropy_ready_o,
  input  logic [EntropyW-1:0]       entropy_i,

  // ---- host: image pages from disk through block 1, then block 2, into DRAM
  input  logic                      disk_req_valid_i,   // one per page: its counter blocks
  output logic                      disk_req_ready_o,
  input  logic [CtrW-1:0]           disk_req_nonce_i,
  input  logic [CtrW-1:0]           disk_req_index_i,
  input  logic                      disk_valid_i,       // ciphertext beats from the disk
  output logic                      disk_ready_o,
  input  logic [BeatW-1:0]          disk_data_i,
  input  logic                      disk_last_i,
  input  logic                      page_valid_i,       // where each page lands
  output logic                      page_ready_o,
  input  logic [AddrW-1:0]          page_line_i,
  output logic                      dram_valid_o,
  input  logic                      dram_ready_i,
  output logic [AddrW-1:0]          dram_line_o,
  output logic [NonceW-1:0]         dram_nonce_o,
  output logic [LineW-1:0]          dram_data_o,

  // ---- host: each core's block 3
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
  output logic [Cores*LineW-1:0]    l3_data_o
);

  // The two key sideloads (tame_contract_pkg::key_load_t: valid, slot, size, key); the
  // key bits also go by a wire of their own, which the secret inspection reads.
  tame_contract_pkg::key_load_t disk_load, mem_load;
  logic               zeroize;
  logic               disk_key_ready, mem_key_ready;
  logic [SlotW-1:0]   disk_slot, dram_slot;
  logic [255:0]       disk_key /*verilator public_flat_rd*/;  // secret: the staged image key
  logic [Slots-1:0]   disk_slot_ready;
  logic [255:0]       mem_key /*verilator public_flat_rd*/;   // secret: a session key on its way
  logic [Slots-1:0]   mem_slot_ready, nonce_open;
  logic [SlotW*Cores-1:0] core_slot;

  assign disk_key = disk_load.key;
  assign mem_key  = mem_load.key;

  logic disk_fault, mem_fault;   // a block failed a register check (the TA zeroizes)

  tame_ta_keyctrl #(.SboxImpl(SboxImpl), .Cores(Cores), .DiskMaxKeyBits(DiskMaxKeyBits)) u_ta (
    .clk_i,
    .rst_ni,
    .awvalid_i         (ta_awvalid_i),
    .awready_o         (ta_awready_o),
    .awaddr_i          (ta_awaddr_i),
    .wvalid_i          (ta_wvalid_i),
    .wready_o          (ta_wready_o),
    .wdata_i           (ta_wdata_i),
    .wstrb_i           (ta_wstrb_i),
    .bvalid_o          (ta_bvalid_o),
    .bready_i          (ta_bready_i),
    .bresp_o           (ta_bresp_o),
    .arvalid_i         (ta_arvalid_i),
    .arready_o         (ta_arready_o),
    .araddr_i          (ta_araddr_i),
    .rvalid_o          (ta_rvalid_o),
    .rready_i          (ta_rready_i),
    .rdata_o           (ta_rdata_o),
    .rresp_o           (ta_rresp_o),
    .entropy_valid_i,
    .entropy_ready_o,
    .entropy_i,
    .disk_key_o        (disk_load),
    .disk_key_ready_i  (disk_key_ready),
    .disk_slot_ready_i (disk_slot_ready),
    .mem_key_o         (mem_load),
    .mem_key_ready_i   (mem_key_ready),
    .mem_slot_ready_i  (mem_slot_ready),
    .nonce_open_i      (nonce_open),
    .disk_slot_o       (disk_slot),
    .dram_slot_o       (dram_slot),
    .core_slot_o       (core_slot),
    .zeroize_o         (zeroize),
    .fault_i           (disk_fault || mem_fault)
  );

  // ---------------------------------------------------------------- block 1
  logic             beat_valid, beat_ready, beat_last;
  logic [BeatW-1:0] beat_data;
  logic         unused_beat;

  tame_ctr_crypt #(.NumSlots(Slots), .MaxKeyBits(DiskMaxKeyBits), .SboxImpl(SboxImpl), .TagW(1)) u_disk_crypt (
    .clk_i,
    .rst_ni,
    .zeroize_i    (zeroize),
    .key_valid_i  (disk_load.valid),
    .key_ready_o  (disk_key_ready),
    .key_slot_i   (disk_load.slot),
    .key_i        (disk_key),
    .key256_i     (disk_load.key256),
    .slot_ready_o (disk_slot_ready),
    .req_valid_i  (disk_req_valid_i),
    .req_ready_o  (disk_req_ready_o),
    .req_slot_i   (disk_slot),          // the TA's choice, not the host's
    .req_nonce_i  (disk_req_nonce_i),
    .req_index_i  (disk_req_index_i),
    .in_valid_i   (disk_valid_i),
    .in_ready_o   (disk_ready_o),
    .in_data_i    (disk_data_i),
    .in_tag_i     (1'b0),
    .in_last_i    (disk_last_i),
    .out_valid_o  (beat_valid),
    .out_ready_i  (beat_ready),
    .out_data_o   (beat_data),
    .out_tag_o    (unused_beat),
    .out_last_o   (beat_last),
    .fault_o      (disk_fault)
  );

  // ---------------------------------------------------------------- blocks 2 and 3
  tame_mem_path #(
    .Cores     (Cores),
    .Lanes     (Lanes),
    .DramLanes (DramLanes),
    .NumSlots  (Slots),
    .MaxKeyBits(tame_contract_pkg::KeyBits),   // session keys are AES-256
    .SboxImpl  (SboxImpl)
  ) u_mem_path (
    .clk_i,
    .rst_ni,
    .zeroize_i    (zeroize),
    .key_valid_i  (mem_load.valid),
    .key_ready_o  (mem_key_ready),
    .key_slot_i   (mem_load.slot),
    .key_i        (mem_key),
    .key256_i     (mem_load.key256),
    .slot_ready_o (mem_slot_ready),
    .dram_slot_i  (dram_slot),
    .core_slot_i  (core_slot),
    .nonce_open_o (nonce_open),
    .page_valid_i,
    .page_ready_o,
    .page_line_i,
    .beat_valid_i (beat_valid),
    .beat_ready_o (beat_ready),
    .beat_data_i  (beat_data),
    .dram_valid_o,
    .dram_ready_i,
    .dram_line_o,
    .dram_nonce_o,
    .dram_data_o,
    .fill_valid_i,
    .fill_ready_o,
    .fill_line_i,
    .fill_nonce_i,
    .fill_data_i,
    .l2_valid_o,
    .l2_ready_i,
    .l2_line_o,
    .l2_data_o,
    .wb_valid_i,
    .wb_ready_o,
    .wb_line_i,
    .wb_data_i,
    .l3_valid_o,
    .l3_ready_i,
    .l3_line_o,
    .l3_nonce_o,
    .l3_data_o,
    .fault_o      (mem_fault)
  );

  logic unused;
  assign unused = ^{unused_beat, beat_last};

endmodule
