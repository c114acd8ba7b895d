// The trust anchor's key controller: the only thing software (the TA firmware) can talk
// to. It runs the CTR_DRBG, draws the memory session keys straight into the memory
// path's key slots and the TA nonce into a register, moves the image key from the
// write-only KEY_LOAD registers into the disk path, and sets which slot serves which
// path. Register map, command and error codes: rtl/ta/rdl/tame_ta_regs.rdl (generated
// block and tame_contract_pkg in rtl/ta/gen/, reference in docs/ta-registers.md).
//
// A command that is out of order is refused with an error code and changes no key. The
// command FSM uses states that differ in several bits; any other state is an error
// state that zeroizes everything and refuses every command until reset. A crypt block
// whose registers fail their checks (fault_i: a flipped bit) sends it there too.
module tame_ta_keyctrl #(
  parameter int SboxImpl       = tame_pkg::SboxRomRegMix,
  parameter int Cores          = 2,
  // The disk block's MaxKeyBits: with 128 it cannot run AES-256, so LOAD_IMAGE_KEY of a
  // 256-bit key is refused (KEY_SIZE) rather than loaded as something else.
  parameter int DiskMaxKeyBits = tame_contract_pkg::KeyBits,
  localparam int SlotW         = tame_contract_pkg::KeySlotBits,
  localparam int Slots         = tame_contract_pkg::KeySlots
) (
  input  logic                                    clk_i,
  input  logic                                    rst_ni,

  // AXI4-Lite register port (TA firmware).
  input  logic                                    awvalid_i,
  output logic                                    awready_o,
  input  logic [tame_contract_pkg::TaAddrBits-1:0] awaddr_i,
  input  logic                                    wvalid_i,
  output logic                                    wready_o,
  input  logic [tame_contract_pkg::TaDataBits-1:0] wdata_i,
  input  logic [3:0]                              wstrb_i,
  output logic                                    bvalid_o,
  input  logic                                    bready_i,
  output logic [1:0]                              bresp_o,
  input  logic                                    arvalid_i,
  output logic                                    arready_o,
  input  logic [tame_contract_pkg::TaAddrBits-1:0] araddr_i,
  output logic                                    rvalid_o,
  input  logic                                    rready_i,
  output logic [tame_contract_pkg::TaDataBits-1:0] rdata_o,
  output logic [1:0]                              rresp_o,

  // Entropy for the DRBG (a physical source on silicon; the harness in simulation).
  input  logic                                    entropy_valid_i,
  output logic                                    entropy_ready_o,
  input  logic [tame_contract_pkg::EntropyBits-1:0] entropy_i,

  // Sideload to the disk path (block 1): the image key.
  output tame_contract_pkg::key_load_t            disk_key_o,
  input  logic                                    disk_key_ready_i,
  input  logic [Slots-1:0]                        disk_slot_ready_i,

  // Sideload to the memory path (blocks 2 and 3) and its nonce source's state.
  output tame_contract_pkg::key_load_t            mem_key_o,
  input  logic                                    mem_key_ready_i,
  input  logic [Slots-1:0]                        mem_slot_ready_i,
  input  logic [Slots-1:0]                        nonce_open_i,

  // Configuration and zeroize, to every crypt block.
  output logic [SlotW-1:0]                        disk_slot_o,
  output logic [SlotW-1:0]                        dram_slot_o,
  output logic [SlotW*Cores-1:0]                  core_slot_o,
  output logic                                    zeroize_o,

  // A crypt block or the nonce source failed a register check: error state, zeroize.
  input  logic                                    fault_i
);

  // ---------------------------------------------------------------- registers
  tame_ta_regs_pkg::tame_ta_regs__in_t  hwif_in;
  tame_ta_regs_pkg::tame_ta_regs__out_t hwif_out;

  tame_ta_regs u_regs (
    .clk            (clk_i),
    .arst_n         (rst_ni),
    .s_axil_awready (awready_o),
    .s_axil_awvalid (awvalid_i),
    .s_axil_awaddr  (awaddr_i),
    .s_axil_awprot  (3'b000),
    .s_axil_wready  (wready_o),
    .s_axil_wvalid  (wvalid_i),
    .s_axil_wdata   (wdata_i),
    .s_axil_wstrb   (wstrb_i),
    .s_axil_bready  (bready_i),
    .s_axil_bvalid  (bvalid_o),
    .s_axil_bresp   (bresp_o),
    .s_axil_arready (arready_o),
    .s_axil_arvalid (arvalid_i),
    .s_axil_araddr  (araddr_i),
    .s_axil_arprot  (3'b000),
    .s_axil_rready  (rready_i),
    .s_axil_rvalid  (rvalid_o),
    .s_axil_rdata   (rdata_o),
    .s_axil_rresp   (rresp_o),
    .hwif_in        (hwif_in),
    .hwif_out       (hwif_out)
  );

  // ---------------------------------------------------------------- commands
  // Command codes (CMD.code) and results (ERROR.code) are tame_contract_pkg's Cmd* and
  // Err*, generated from the SystemRDL (docs/ta-registers.md says what each one does):
  // plain constants, since the code is a register field that software writes, and Yosys
  // 0.23 rejects the cast an enum would need.

  // Sparse state encoding: any two legal states differ in at least three bits.
  typedef enum logic [5:0] {
    StIdle     = 6'b000000,
    StEntropy  = 6'b000111,   // waiting for entropy, then the DRBG command
    StDrbg     = 6'b011001,   // the DRBG runs; its blocks are captured
    StDiskKey  = 6'b101010,   // offering the image key to the disk path
    StMemKey   = 6'b110100,   // offering the session key to the memory path
    StError    = 6'b111111
  } state_e;

  state_e       state_q;
  logic [3:0]   cmd_q;
  logic [SlotW-1:0] slot_q;
  logic         adin_q;
  logic [255:0] drawn_q /*verilator public_flat_rd*/;  // secret: DRBG output for a key or the nonce; cleared after use
  logic [255:0] nonce_q;          // the TA nonce (public)
  logic [Slots-1:0] disk_locked_q, mem_locked_q;
  logic [7:0]   err_q;
  logic [15:0]  done_count_q;
  logic [7:0]   key_written_q;    // KEY_LOAD words written since the last use
  logic         zeroize_q;

  // swmod marks the cycle of the write; the fields hold the new value one cycle later.
  logic         cmd_write;
  logic [3:0]   cmd_code;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) cmd_write <= 1'b0;
    else         cmd_write <= hwif_out.CMD.code.swmod;
  end
  assign cmd_code  = hwif_out.CMD.code.value;

  // ---------------------------------------------------------------- DRBG
  logic         drbg_cmd_valid, drbg_cmd_ready, drbg_out_valid, drbg_done, drbg_refused, drbg_inst;
  logic [1:0]   drbg_cmd;
  logic [127:0] drbg_out;
  logic [48:0]  drbg_count;
  logic [383:0] adin;

  assign adin = {hwif_out.ADIN_0.word.value, hwif_out.ADIN_1.word.value, hwif_out.ADIN_2.word.value,
                 hwif_out.ADIN_3.word.value, hwif_out.ADIN_4.word.value, hwif_out.ADIN_5.word.value,
                 hwif_out.ADIN_6.word.value, hwif_out.ADIN_7.word.value, hwif_out.ADIN_8.word.value,
                 hwif_out.ADIN_9.word.value, hwif_out.ADIN_10.word.value, hwif_out.ADIN_11.word.value};

  always_comb begin
    unique case (cmd_q)
      tame_contract_pkg::CmdInstantiate: drbg_cmd = tame_pkg::DrbgInstantiate;
      tame_contract_pkg::CmdReseed:      drbg_cmd = tame_pkg::DrbgReseed;
      default:                           drbg_cmd = tame_pkg::DrbgGenerate;
    endcase
  end

  // Instantiate and reseed need entropy; draws start at once.
  logic seeding;
  assign seeding         = (cmd_q == tame_contract_pkg::CmdInstantiate) ||
                           (cmd_q == tame_contract_pkg::CmdReseed);
  assign drbg_cmd_valid  = (state_q == StEntropy) && (entropy_valid_i || !seeding);
  assign entropy_ready_o = drbg_cmd_valid && drbg_cmd_ready && seeding;

  tame_ctr_drbg #(.SboxImpl(SboxImpl)) u_drbg (
    .clk_i,
    .rst_ni,
    .zeroize_i        (zeroize_q),
    .cmd_valid_i      (drbg_cmd_valid),
    .cmd_ready_o      (drbg_cmd_ready),
    .cmd_i            (drbg_cmd),
    .entropy_i        (entropy_i),
    .adin_i           (adin),
    .adin_present_i   (adin_q || cmd_q == tame_contract_pkg::CmdInstantiate),
    .nblocks_i        (8'd2),
    .out_valid_o      (drbg_out_valid),
    .out_block_o      (drbg_out),
    .done_o           (drbg_done),
    .refused_o        (drbg_refused),
    .instantiated_o   (drbg_inst),
    .reseed_counter_o (drbg_count)
  );

  // ---------------------------------------------------------------- the command FSM
  // What a new command needs, checked before anything changes. A 256-bit image key for
  // a disk block built for AES-128 is refused here: that block would run AES-128 on it.
  logic [7:0] check;
  logic       key_staged, key_size_ok;
  assign key_staged  = hwif_out.CMD.key256.value ? (&key_written_q) : (&key_written_q[3:0]);
  assign key_size_ok = !hwif_out.CMD.key256.value || (DiskMaxKeyBits == tame_contract_pkg::KeyBits);

  always_comb begin
    check = tame_contract_pkg::ErrNone;
    unique case (cmd_code)
      tame_contract_pkg::CmdNop, tame_contract_pkg::CmdZeroize, tame_contract_pkg::CmdInstantiate,
      tame_contract_pkg::CmdLockDiskSlot, tame_contract_pkg::CmdLockMemSlot:
        check = tame_contract_pkg::ErrNone;
      tame_contract_pkg::CmdReseed, tame_contract_pkg::CmdDrawNonce:
        if (!drbg_inst) check = tame_contract_pkg::ErrDrbgNotReady;
      tame_contract_pkg::CmdDrawMemKey:
        if (!drbg_inst)                                 check = tame_contract_pkg::ErrDrbgNotReady;
        else if (mem_locked_q[hwif_out.CMD.slot.value]) check = tame_contract_pkg::ErrSlotLocked;
      tame_contract_pkg::CmdLoadImageKey:
        if (disk_locked_q[hwif_out.CMD.slot.value]) check = tame_contract_pkg::ErrSlotLocked;
        else if (!key_size_ok)                      check = tame_contract_pkg::ErrKeySize;
        else if (!key_staged)                       check = tame_contract_pkg::ErrNoKeyStaged;
      default:
        check = tame_contract_pkg::ErrUnknown;
    endcase
    if (state_q != StIdle) check = tame_contract_pkg::ErrBusy;
  end

  logic clear_keys;   // wipe KEY_LOAD (after use, and on zeroize)
  assign clear_keys = zeroize_q || (state_q == StDiskKey && disk_key_ready_i);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q       <= StIdle;
      cmd_q         <= tame_contract_pkg::CmdNop;
      slot_q        <= '0;
      adin_q        <= 1'b0;
      drawn_q       <= '0;
      nonce_q       <= '0;
      disk_locked_q <= '0;
      mem_locked_q  <= '0;
      err_q         <= tame_contract_pkg::ErrNone;
      done_count_q  <= '0;
      zeroize_q     <= 1'b0;
    end else begin
      zeroize_q <= 1'b0;
      // A command written while another runs is refused (the running one goes on).
      if (cmd_write && state_q != StIdle) err_q <= tame_contract_pkg::ErrBusy;
      unique case (state_q)
        StIdle: if (cmd_write) begin
          err_q <= check;
          if (check == tame_contract_pkg::ErrNone) begin
            cmd_q  <= cmd_code;
            slot_q <= hwif_out.CMD.slot.value;
            adin_q <= hwif_out.CMD.adin.value;
            unique case (cmd_code)
              tame_contract_pkg::CmdInstantiate, tame_contract_pkg::CmdReseed,
              tame_contract_pkg::CmdDrawNonce, tame_contract_pkg::CmdDrawMemKey: state_q <= StEntropy;
              tame_contract_pkg::CmdLoadImageKey: state_q <= StDiskKey;
              tame_contract_pkg::CmdLockDiskSlot: begin
                disk_locked_q[hwif_out.CMD.slot.value] <= 1'b1;
                done_count_q <= done_count_q + 16'd1;
              end
              tame_contract_pkg::CmdLockMemSlot: begin
                mem_locked_q[hwif_out.CMD.slot.value] <= 1'b1;
                done_count_q <= done_count_q + 16'd1;
              end
              tame_contract_pkg::CmdZeroize: begin
                zeroize_q     <= 1'b1;
                drawn_q       <= '0;
                nonce_q       <= '0;
                disk_locked_q <= '0;
                mem_locked_q  <= '0;
                done_count_q  <= done_count_q + 16'd1;
              end
              default: done_count_q <= done_count_q + 16'd1;
            endcase
          end
        end
        StEntropy: if (drbg_cmd_valid && drbg_cmd_ready) state_q <= StDrbg;
        StDrbg: begin
          if (drbg_out_valid) drawn_q <= {drawn_q[127:0], drbg_out};
          if (drbg_refused) begin
            err_q   <= tame_contract_pkg::ErrDrbgRefused;
            state_q <= StIdle;
          end else if (drbg_done) begin
            unique case (cmd_q)
              tame_contract_pkg::CmdDrawNonce: begin
                nonce_q <= drawn_q;
                drawn_q <= '0;
                state_q <= StIdle;
                done_count_q <= done_count_q + 16'd1;
              end
              tame_contract_pkg::CmdDrawMemKey: state_q <= StMemKey;
              default: begin
                state_q <= StIdle;
                done_count_q <= done_count_q + 16'd1;
              end
            endcase
          end
        end
        StDiskKey: if (disk_key_ready_i) begin
          state_q      <= StIdle;
          done_count_q <= done_count_q + 16'd1;
        end
        StMemKey: if (mem_key_ready_i) begin
          drawn_q      <= '0;      // the session key now lives only in the slot
          state_q      <= StIdle;
          done_count_q <= done_count_q + 16'd1;
        end
        StError: begin
          zeroize_q <= 1'b1;        // stays zeroized until reset
          drawn_q   <= '0;
          nonce_q   <= '0;
          if (cmd_write) err_q <= tame_contract_pkg::ErrFatal;
        end
        default: begin
          state_q <= StError;
          err_q   <= tame_contract_pkg::ErrFatal;
        end
      endcase
      if (fault_i) begin
        state_q <= StError;
        err_q   <= tame_contract_pkg::ErrFatal;
      end
    end
  end

  // KEY_LOAD words written since they were last used (a whole key is needed).
  logic [7:0] key_swmod;
  assign key_swmod = {hwif_out.KEY_LOAD_7.word.swmod, hwif_out.KEY_LOAD_6.word.swmod,
                      hwif_out.KEY_LOAD_5.word.swmod, hwif_out.KEY_LOAD_4.word.swmod,
                      hwif_out.KEY_LOAD_3.word.swmod, hwif_out.KEY_LOAD_2.word.swmod,
                      hwif_out.KEY_LOAD_1.word.swmod, hwif_out.KEY_LOAD_0.word.swmod};
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)         key_written_q <= '0;
    else if (clear_keys) key_written_q <= '0;
    else                 key_written_q <= key_written_q | key_swmod;
  end

  // ---------------------------------------------------------------- sideload ports
  assign disk_key_o.valid  = (state_q == StDiskKey);
  assign disk_key_o.slot   = slot_q;
  assign disk_key_o.key256 = hwif_out.CMD.key256.value;
  assign disk_key_o.key    = {hwif_out.KEY_LOAD_0.word.value, hwif_out.KEY_LOAD_1.word.value,
                              hwif_out.KEY_LOAD_2.word.value, hwif_out.KEY_LOAD_3.word.value,
                              hwif_out.KEY_LOAD_4.word.value, hwif_out.KEY_LOAD_5.word.value,
                              hwif_out.KEY_LOAD_6.word.value, hwif_out.KEY_LOAD_7.word.value};
  assign mem_key_o.valid   = (state_q == StMemKey);
  assign mem_key_o.slot    = slot_q;
  assign mem_key_o.key256  = 1'b1;       // session keys are AES-256
  assign mem_key_o.key     = drawn_q;

  assign disk_slot_o = hwif_out.CONFIG.disk_slot.value;
  assign dram_slot_o = hwif_out.CONFIG.dram_slot.value;
  assign core_slot_o = hwif_out.CONFIG.core_slot.value[SlotW*Cores-1:0];
  assign zeroize_o   = zeroize_q;

  // ---------------------------------------------------------------- register inputs
  always_comb begin
    hwif_in = '0;
    hwif_in.STATUS.busy.next             = (state_q != StIdle);
    hwif_in.STATUS.drbg_ready.next       = drbg_inst;
    hwif_in.STATUS.disk_slot_ready.next  = disk_slot_ready_i;
    hwif_in.STATUS.mem_slot_ready.next   = mem_slot_ready_i;
    hwif_in.STATUS.nonce_open.next       = nonce_open_i;
    hwif_in.STATUS.disk_slot_locked.next = disk_locked_q;
    hwif_in.STATUS.mem_slot_locked.next  = mem_locked_q;
    hwif_in.STATUS.key_staged.next       = key_staged;
    hwif_in.ERROR.code.next              = err_q;
    hwif_in.ERROR.done_count.next        = done_count_q;
    hwif_in.RESEED_COUNT.count.next      = drbg_count[31:0];
    hwif_in.FEATURES.disk_aes256.next    = (DiskMaxKeyBits == tame_contract_pkg::KeyBits);
    // A clear beats a firmware write in the same cycle (the register block would let the
    // write win, and a write with no byte enabled would then keep the old key word).
    hwif_in.KEY_LOAD_0.word.hwclr = clear_keys;
    hwif_in.KEY_LOAD_0.word.swwe  = !clear_keys;
    hwif_in.KEY_LOAD_1.word.hwclr = clear_keys;
    hwif_in.KEY_LOAD_1.word.swwe  = !clear_keys;
    hwif_in.KEY_LOAD_2.word.hwclr = clear_keys;
    hwif_in.KEY_LOAD_2.word.swwe  = !clear_keys;
    hwif_in.KEY_LOAD_3.word.hwclr = clear_keys;
    hwif_in.KEY_LOAD_3.word.swwe  = !clear_keys;
    hwif_in.KEY_LOAD_4.word.hwclr = clear_keys;
    hwif_in.KEY_LOAD_4.word.swwe  = !clear_keys;
    hwif_in.KEY_LOAD_5.word.hwclr = clear_keys;
    hwif_in.KEY_LOAD_5.word.swwe  = !clear_keys;
    hwif_in.KEY_LOAD_6.word.hwclr = clear_keys;
    hwif_in.KEY_LOAD_6.word.swwe  = !clear_keys;
    hwif_in.KEY_LOAD_7.word.hwclr = clear_keys;
    hwif_in.KEY_LOAD_7.word.swwe  = !clear_keys;
    hwif_in.TA_NONCE_0.word.next = nonce_q[255:224];
    hwif_in.TA_NONCE_1.word.next = nonce_q[223:192];
    hwif_in.TA_NONCE_2.word.next = nonce_q[191:160];
    hwif_in.TA_NONCE_3.word.next = nonce_q[159:128];
    hwif_in.TA_NONCE_4.word.next = nonce_q[127:96];
    hwif_in.TA_NONCE_5.word.next = nonce_q[95:64];
    hwif_in.TA_NONCE_6.word.next = nonce_q[63:32];
    hwif_in.TA_NONCE_7.word.next = nonce_q[31:0];
`ifdef FORMAL_MUTANT_KEY_READ
    // A planted leak (KEY_LOAD_2 readable as RESEED_COUNT) that the key-isolation proof
    // must catch: make formal builds it and expects the proof to fail.
    hwif_in.RESEED_COUNT.count.next = hwif_out.KEY_LOAD_2.word.value;
`endif
  end

  logic unused;
  assign unused = ^{drbg_count[48:32], hwif_out.CONFIG.core_slot.value};

`ifdef FORMAL
  // ---------------------------------------------------------------- make formal
  // Properties proven by scripts/formal.py (docs/formal.md).
  logic f_past_q = 1'b0;   // a clock edge has gone by: $past is meaningful
  always_ff @(posedge clk_i) f_past_q <= 1'b1;

`ifdef FORMAL_FSM
  // An illegal state goes to StError with FATAL at the next edge; StError holds zeroize
  // and answers every command with FATAL until reset.
  logic f_legal;
  assign f_legal = state_q == StIdle || state_q == StEntropy || state_q == StDrbg ||
                   state_q == StDiskKey || state_q == StMemKey || state_q == StError;
  always_ff @(posedge clk_i) begin
    if (f_past_q && rst_ni && $past(rst_ni)) begin
      if (!$past(f_legal)) assert (state_q == StError && err_q == tame_contract_pkg::ErrFatal);
      if ($past(state_q == StError)) assert (state_q == StError && zeroize_q);
      if ($past(state_q == StError && cmd_write)) assert (err_q == tame_contract_pkg::ErrFatal);
    end
  end
`endif

`ifdef FORMAL_ZEROIZE
  // Cycles since the last zeroize or reset, while nothing new came in: no command and no
  // KEY_LOAD word written. 0 means stale (never, or something was written since).
  // scripts/formal.py asserts every secret register is zero while f_secrets_clear.
  logic [1:0] f_zero_age_q = 2'd0;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni)                    f_zero_age_q <= 2'd1;
    else if (cmd_write || (|key_swmod)) f_zero_age_q <= 2'd0;
    // zeroize_q counts only once an edge has gone by: in a free first state it may be
    // high with secrets that no zeroize ever cleared.
    else if (zeroize_q && f_past_q) f_zero_age_q <= 2'd1;
    else if (f_zero_age_q != 2'd0)  f_zero_age_q <= 2'd2;
  end
  logic f_secrets_clear;
  assign f_secrets_clear = (f_zero_age_q != 2'd0);
  // With nothing written since, the controller is idle (or stays in its error state).
  always_comb begin
    if (f_secrets_clear) assert (state_q == StIdle || state_q == StError);
  end
`endif
`endif

endmodule
