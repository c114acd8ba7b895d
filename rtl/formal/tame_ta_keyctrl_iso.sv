// Key isolation by self-composition, for make formal (docs/formal.md). Two key
// controllers get the same register traffic and the same crypt-block handshakes but
// different secrets: the words written into KEY_LOAD_0..7 and the entropy input. All
// that firmware or a host can see (every register-port output, so every register read
// and status bit, plus the sideload handshakes, the slot choices and zeroize) must then
// be equal in both, every cycle. Only the key fields of the sideload ports may differ.
// Read by Yosys with -formal; scripts/formal.py adds the induction lemmas.
module tame_ta_keyctrl_iso #(
  parameter int DiskMaxKeyBits = tame_contract_pkg::KeyBits,
  localparam int AddrW         = tame_contract_pkg::TaAddrBits,
  localparam int DataW         = tame_contract_pkg::TaDataBits,
  localparam int Slots         = tame_contract_pkg::KeySlots,
  localparam int EntropyW      = tame_contract_pkg::EntropyBits
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  // One write request: address and data travel together (awvalid = wvalid), so that
  // each data word is known to belong to its address.
  input  logic                wvalid_i,
  input  logic [AddrW-1:0]    awaddr_i,
  input  logic [DataW-1:0]    wdata_a_i,
  input  logic [DataW-1:0]    wdata_b_i,   // equal to wdata_a_i except for a KEY_LOAD word
  input  logic [3:0]          wstrb_i,
  input  logic                bready_i,
  input  logic                arvalid_i,
  input  logic [AddrW-1:0]    araddr_i,
  input  logic                rready_i,
  input  logic                entropy_valid_i,
  input  logic [EntropyW-1:0] entropy_a_i,
  input  logic [EntropyW-1:0] entropy_b_i,
  input  logic                disk_key_ready_i,
  input  logic [Slots-1:0]    disk_slot_ready_i,
  input  logic                mem_key_ready_i,
  input  logic [Slots-1:0]    mem_slot_ready_i,
  input  logic [Slots-1:0]    nonce_open_i,
  input  logic                fault_i
);

  // Everything observable outside the trust boundary, per copy.
  typedef struct packed {
    logic                         awready, wready, bvalid, arready, rvalid, entropy_ready;
    logic [1:0]                   bresp, rresp;
    logic [DataW-1:0]             rdata;
    logic                         disk_valid, disk_key256, mem_valid, mem_key256, zeroize;
    logic [1:0]                   disk_slot_id, mem_slot_id, disk_slot, dram_slot;
    logic [3:0]                   core_slot;
  } seen_t;

  seen_t seen_a, seen_b;
  tame_contract_pkg::key_load_t disk_key_a, disk_key_b, mem_key_a, mem_key_b;

  tame_ta_keyctrl #(.SboxImpl(tame_pkg::SboxLogic), .Cores(2), .DiskMaxKeyBits(DiskMaxKeyBits)) u_a (
    .clk_i, .rst_ni,
    .awvalid_i (wvalid_i), .awready_o (seen_a.awready), .awaddr_i (awaddr_i),
    .wvalid_i  (wvalid_i), .wready_o  (seen_a.wready),  .wdata_i  (wdata_a_i), .wstrb_i (wstrb_i),
    .bvalid_o  (seen_a.bvalid), .bready_i (bready_i), .bresp_o (seen_a.bresp),
    .arvalid_i (arvalid_i), .arready_o (seen_a.arready), .araddr_i (araddr_i),
    .rvalid_o  (seen_a.rvalid), .rready_i (rready_i), .rdata_o (seen_a.rdata), .rresp_o (seen_a.rresp),
    .entropy_valid_i, .entropy_ready_o (seen_a.entropy_ready), .entropy_i (entropy_a_i),
    .disk_key_o (disk_key_a), .disk_key_ready_i, .disk_slot_ready_i,
    .mem_key_o  (mem_key_a),  .mem_key_ready_i,  .mem_slot_ready_i, .nonce_open_i,
    .disk_slot_o (seen_a.disk_slot), .dram_slot_o (seen_a.dram_slot),
    .core_slot_o (seen_a.core_slot), .zeroize_o (seen_a.zeroize), .fault_i
  );

  tame_ta_keyctrl #(.SboxImpl(tame_pkg::SboxLogic), .Cores(2), .DiskMaxKeyBits(DiskMaxKeyBits)) u_b (
    .clk_i, .rst_ni,
    .awvalid_i (wvalid_i), .awready_o (seen_b.awready), .awaddr_i (awaddr_i),
    .wvalid_i  (wvalid_i), .wready_o  (seen_b.wready),  .wdata_i  (wdata_b_i), .wstrb_i (wstrb_i),
    .bvalid_o  (seen_b.bvalid), .bready_i (bready_i), .bresp_o (seen_b.bresp),
    .arvalid_i (arvalid_i), .arready_o (seen_b.arready), .araddr_i (araddr_i),
    .rvalid_o  (seen_b.rvalid), .rready_i (rready_i), .rdata_o (seen_b.rdata), .rresp_o (seen_b.rresp),
    .entropy_valid_i, .entropy_ready_o (seen_b.entropy_ready), .entropy_i (entropy_b_i),
    .disk_key_o (disk_key_b), .disk_key_ready_i, .disk_slot_ready_i,
    .mem_key_o  (mem_key_b),  .mem_key_ready_i,  .mem_slot_ready_i, .nonce_open_i,
    .disk_slot_o (seen_b.disk_slot), .dram_slot_o (seen_b.dram_slot),
    .core_slot_o (seen_b.core_slot), .zeroize_o (seen_b.zeroize), .fault_i
  );

  // The sideload ports are inside the boundary: their keys may differ, nothing else.
  assign seen_a.disk_valid   = disk_key_a.valid;
  assign seen_a.disk_key256  = disk_key_a.key256;
  assign seen_a.disk_slot_id = disk_key_a.slot;
  assign seen_a.mem_valid    = mem_key_a.valid;
  assign seen_a.mem_key256   = mem_key_a.key256;
  assign seen_a.mem_slot_id  = mem_key_a.slot;
  assign seen_b.disk_valid   = disk_key_b.valid;
  assign seen_b.disk_key256  = disk_key_b.key256;
  assign seen_b.disk_slot_id = disk_key_b.slot;
  assign seen_b.mem_valid    = mem_key_b.valid;
  assign seen_b.mem_key256   = mem_key_b.key256;
  assign seen_b.mem_slot_id  = mem_key_b.slot;

  logic unused;
  assign unused = ^{disk_key_a.key, disk_key_b.key, mem_key_a.key, mem_key_b.key};

  // Both start from reset; after that, reset is free (it reaches both alike).
  logic f_started_q = 1'b0;
  always_ff @(posedge clk_i) f_started_q <= 1'b1;

  // KEY_LOAD_0..7 is 0x40-0x5c; the register block decodes awaddr[7:2], so any address
  // from 0x40 to 0x5f writes a key word. Only there may the data differ.
  logic key_word;
  assign key_word = (awaddr_i[7:5] == 3'b010);

  always_comb begin
    if (!f_started_q) assume (!rst_ni);
    if (!key_word) assume (wdata_a_i == wdata_b_i);
  end

  always_comb begin
    if (f_started_q) begin
      assert (seen_a.awready == seen_b.awready);
      assert (seen_a.wready == seen_b.wready);
      assert (seen_a.bvalid == seen_b.bvalid);
      assert (seen_a.bresp == seen_b.bresp);
      assert (seen_a.arready == seen_b.arready);
      assert (seen_a.rvalid == seen_b.rvalid);
      assert (seen_a.rresp == seen_b.rresp);
      assert (seen_a.rdata == seen_b.rdata);
      assert (seen_a.entropy_ready == seen_b.entropy_ready);
      assert (seen_a.disk_valid == seen_b.disk_valid && seen_a.disk_key256 == seen_b.disk_key256 &&
              seen_a.disk_slot_id == seen_b.disk_slot_id);
      assert (seen_a.mem_valid == seen_b.mem_valid && seen_a.mem_key256 == seen_b.mem_key256 &&
              seen_a.mem_slot_id == seen_b.mem_slot_id);
      assert (seen_a.disk_slot == seen_b.disk_slot && seen_a.dram_slot == seen_b.dram_slot &&
              seen_a.core_slot == seen_b.core_slot);
      assert (seen_a.zeroize == seen_b.zeroize);
    end
  end

endmodule
