// The trust anchor's key vault (issue 12; the idea of Caliptra's key vault and OpenTitan's
// key manager): firmware names keys by slot and never holds one. Engines write results
// into slots through one write port and read keys over private read ports, each port
// built for one use; every request is answered in the next clock, whatever it asks.
// Not yet wired into the trust anchor.
//
// A slot holds 512 data bits (32 bytes in [511:256] with [255:0] zero, or 64 bytes), a
// valid bit, its length, a usage mask fixed when it is written, and a write lock and a
// use lock that hold until reset. A read is refused (zero data, a code, nothing changes)
// when the slot is empty, its usage lacks the reader's, it is use-locked, or its length
// is not the one asked for; a write to a write-locked slot is refused the same way.
// Slot data reaches nothing but the read ports' data registers, and those are zero
// except in the clock that answers a granted read.
//
// The fuse preload: at the first clock after reset, if fuse_valid_i is high then, the
// UDS goes into slot FuseSlot as a 32-byte hash-message key, write-locked. fuse_valid_i
// is looked at in that one clock only, so the fuse controller holds the vault in reset
// until the UDS is sensed. Design choice: zeroize wipes the UDS like any key and keeps
// the lock, so the slot stays empty and unwritable until the next reset, which reads the
// fuse again. A zeroized device cannot derive from the UDS again without a reset.
module tame_key_vault #(
  parameter int NumSlots   = 8,    // a power of two, at least 2
  parameter int NumReaders = 3,
  // Reader i's one use, a tame_pkg::vault_use_e, in [5i+4:5i]. The default: reader 0
  // is an HMAC key port, 1 a hash message port, 2 an AES sideload port.
  parameter logic [NumReaders*5-1:0] ReaderUsage =
    {tame_pkg::VaultUseAesKey, tame_pkg::VaultUseHashMsg, tame_pkg::VaultUseHmacKey},
  parameter int FuseSlot   = 0,
  localparam int SlotW     = $clog2(NumSlots),
  // The widths of tame_pkg::vault_usage_t and vault_err_e, written out: neither Yosys
  // takes $bits of a package type here, nor Icarus 11 anywhere (simulation checks
  // them against a port and a constant of those types, below).
  localparam int UsageW    = 5,
  localparam int ErrW      = 3
) (
  input  logic                           clk_i,
  input  logic                           rst_ni,      // clears everything, locks included
  input  logic                           zeroize_i,   // clears every slot and read register in one clock; locks stay

  // The UDS from the fuses, preloaded once after reset.
  input  logic [255:0]                   fuse_uds_i,
  input  logic                           fuse_valid_i,

  // The write port, shared by the engines through an arbiter outside the vault. The
  // result comes one clock after the write is taken, for one clock.
  input  logic                           wr_valid_i,
  output logic                           wr_ready_o,
  input  logic [SlotW-1:0]               wr_slot_i,
  input  logic [511:0]                   wr_data_i,   // 32 bytes in [511:256] unless wide
  input  logic                           wr_wide_i,
  input  tame_pkg::vault_usage_t         wr_usage_i,
  output logic                           wr_done_o,
  output logic [ErrW-1:0]                wr_err_o,    // VaultOk or VaultErrWriteLocked

  // The read ports, reader i in the i-th field of each. A request is answered in the
  // next clock: rd_valid_o, and the data (granted) or a code and zero data (refused).
  input  logic [NumReaders-1:0]          rd_req_i,
  input  logic [NumReaders*SlotW-1:0]    rd_slot_i,
  input  logic [NumReaders-1:0]          rd_wide_i,   // the length the reader needs
  output logic [NumReaders-1:0]          rd_valid_o,
  output logic [NumReaders*ErrW-1:0]     rd_err_o,
  output logic [NumReaders*512-1:0]      rd_data_o,

  // Firmware-level commands (the TA's command decoder, later), one bit per slot. A lock
  // holds until reset; a clear wipes a slot that is not write-locked. Each acts on the
  // state before the clock; a write in the same clock as a clear of its slot lands after it.
  input  logic [NumSlots-1:0]            lock_write_i,
  input  logic [NumSlots-1:0]            lock_use_i,
  input  logic [NumSlots-1:0]            clear_i,

  // What software may see of each slot: never its data.
  output logic [NumSlots-1:0]            slot_valid_o,
  output logic [NumSlots-1:0]            slot_wide_o,
  output logic [NumSlots*UsageW-1:0]     slot_usage_o,
  output logic [NumSlots-1:0]            slot_wlock_o,
  output logic [NumSlots-1:0]            slot_ulock_o
);

  // ---------------------------------------------------------------- state
  logic [511:0] slot_q [NumSlots] /*verilator public_flat_rd*/;  // secret: every slot's key data
  logic [NumSlots-1:0]        valid_q, valid_d;
  logic [NumSlots-1:0]        wide_q, wide_d;
  logic [NumSlots*UsageW-1:0] usage_q, usage_d;
  logic [NumSlots-1:0]        wlock_q, wlock_d;
  logic [NumSlots-1:0]        ulock_q, ulock_d;
  logic                       fuse_pending_q;   // the first clock after reset: the fuse is read

  logic [NumReaders*512-1:0] rd_data_q /*verilator public_flat_rd*/;  // secret: each reader's granted key, for one clock
  logic [NumReaders*512-1:0] rd_data_d;
  logic [NumReaders-1:0]      rd_valid_q, rd_valid_d;
  logic [NumReaders*ErrW-1:0] rd_err_q, rd_err_d;
  logic                       wr_done_q, wr_done_d;
  logic [ErrW-1:0]            wr_err_q, wr_err_d;

  // ---------------------------------------------------------------- writes, commands, fuse
  logic                wr_take, fuse_load;
  logic [NumSlots-1:0] wipe, load;    // per slot: data to zero, or data from load_data
  logic [511:0]        load_data;

  // No write is taken in the fuse clock (the fuse owns the data path then) or during a
  // zeroize (which would wipe it at once).
  assign wr_ready_o = !fuse_pending_q && !zeroize_i;
  assign wr_take    = wr_valid_i && wr_ready_o;
  assign fuse_load  = fuse_pending_q && fuse_valid_i && !zeroize_i;
  // A 32-byte key keeps its low half zero whatever the writer left on the bus.
  assign load_data  = fuse_pending_q ? {fuse_uds_i, 256'd0}
                                     : {wr_data_i[511:256], wr_wide_i ? wr_data_i[255:0] : 256'd0};

  // In order of precedence, lowest first: a clear, then the write (so a write in the
  // clock of its slot's clear is what the slot holds after), then the fuse, then zeroize.
  always_comb begin
    valid_d   = valid_q;
    wide_d    = wide_q;
    usage_d   = usage_q;
    wlock_d   = wlock_q | lock_write_i;
    ulock_d   = ulock_q | lock_use_i;
    wipe      = '0;
    load      = '0;
    wr_done_d = wr_take;
    wr_err_d  = tame_pkg::VaultOk;

    for (int s = 0; s < NumSlots; s++) begin
      if (clear_i[s] && !wlock_q[s]) begin
        wipe[s]                    = 1'b1;
        valid_d[s]                 = 1'b0;
        wide_d[s]                  = 1'b0;
        usage_d[s*UsageW +: UsageW] = '0;
      end
      if (wr_take && wr_slot_i == SlotW'(s)) begin
        if (wlock_q[s]) begin
          wr_err_d = tame_pkg::VaultErrWriteLocked;
        end else begin
          wipe[s]                    = 1'b0;
          load[s]                    = 1'b1;
          valid_d[s]                 = 1'b1;
          wide_d[s]                  = wr_wide_i;
          usage_d[s*UsageW +: UsageW] = wr_usage_i;
        end
      end
      if (fuse_load && s == FuseSlot) begin
        wipe[s]                    = 1'b0;
        load[s]                    = 1'b1;
        valid_d[s]                 = 1'b1;
        wide_d[s]                  = 1'b0;
        usage_d[s*UsageW +: UsageW] = tame_pkg::VaultUseHashMsg;
        wlock_d[s]                 = 1'b1;
      end
    end

    if (zeroize_i) begin
      wipe    = '1;
      load    = '0;
      valid_d = '0;
      wide_d  = '0;
      usage_d = '0;
    end
  end

  // One always_ff per slot: Verilator 5.006 takes no non-blocking assignment to an
  // unpacked array element inside a for loop.
  for (genvar s = 0; s < NumSlots; s++) begin : g_slot
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni)      slot_q[s] <= '0;
      else if (wipe[s]) slot_q[s] <= '0;
      else if (load[s]) slot_q[s] <= load_data;
    end
  end

  // ---------------------------------------------------------------- reads
  // Each reader's slot is picked by an AND-OR over all slots, so every read costs the
  // same logic and the same clock whatever it names. Reads see the state before the
  // clock; a zeroize in the request's clock answers it as an empty slot.
  always_comb begin
    rd_valid_d = rd_req_i;
    rd_err_d   = '0;
    rd_data_d  = '0;
    for (int i = 0; i < NumReaders; i++) begin
      logic [SlotW-1:0]  sel;
      logic [511:0]      data;
      logic              s_valid, s_wide, s_ulock;
      logic [UsageW-1:0] s_usage;
      logic [ErrW-1:0]   code;
      sel     = rd_slot_i[i*SlotW +: SlotW];
      data    = '0;
      s_valid = 1'b0;
      s_wide  = 1'b0;
      s_ulock = 1'b0;
      s_usage = '0;
      for (int s = 0; s < NumSlots; s++) begin
        if (sel == SlotW'(s)) begin
          data    = data | slot_q[s];
          s_valid = valid_q[s];
          s_wide  = wide_q[s];
          s_ulock = ulock_q[s];
          s_usage = usage_q[s*UsageW +: UsageW];
        end
      end
      if (!s_valid || zeroize_i)                                   code = tame_pkg::VaultErrEmpty;
      else if ((s_usage & ReaderUsage[i*UsageW +: UsageW]) == '0)  code = tame_pkg::VaultErrUsage;
      else if (s_ulock)                                            code = tame_pkg::VaultErrUseLocked;
      else if (s_wide != rd_wide_i[i])                             code = tame_pkg::VaultErrLength;
      else                                                         code = tame_pkg::VaultOk;
      if (rd_req_i[i]) begin
        rd_err_d[i*ErrW +: ErrW] = code;
        if (code == tame_pkg::VaultOk) rd_data_d[i*512 +: 512] = data;
      end
    end
  end

  // ---------------------------------------------------------------- registers
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q        <= '0;
      wide_q         <= '0;
      usage_q        <= '0;
      wlock_q        <= '0;
      ulock_q        <= '0;
      fuse_pending_q <= 1'b1;
      rd_valid_q     <= '0;
      rd_err_q       <= '0;
      rd_data_q      <= '0;
      wr_done_q      <= 1'b0;
      wr_err_q       <= '0;
    end else begin
      valid_q        <= valid_d;
      wide_q         <= wide_d;
      usage_q        <= usage_d;
      wlock_q        <= wlock_d;
      ulock_q        <= ulock_d;
      fuse_pending_q <= 1'b0;
      rd_valid_q     <= rd_valid_d;
      rd_err_q       <= rd_err_d;
      rd_data_q      <= rd_data_d;
      wr_done_q      <= wr_done_d;
      wr_err_q       <= wr_err_d;
    end
  end

  assign rd_valid_o   = rd_valid_q;
  assign rd_err_o     = rd_err_q;
  assign rd_data_o    = rd_data_q;
  assign wr_done_o    = wr_done_q;
  assign wr_err_o     = wr_err_q;
  assign slot_valid_o = valid_q;
  assign slot_wide_o  = wide_q;
  assign slot_usage_o = usage_q;
  assign slot_wlock_o = wlock_q;
  assign slot_ulock_o = ulock_q;

`ifndef SYNTHESIS
  // The parameters' rules, checked where a simulator elaborates the vault.
  initial begin
    assert (NumSlots >= 2 && (NumSlots & (NumSlots - 1)) == 0);
    assert (FuseSlot >= 0 && FuseSlot < NumSlots);
    assert (UsageW == $bits(wr_usage_i) && ErrW == $bits(tame_pkg::VaultOk));
    for (int i = 0; i < NumReaders; i++) begin
      assert (ReaderUsage[i*UsageW +: UsageW] != '0 &&
              (ReaderUsage[i*UsageW +: UsageW] & (ReaderUsage[i*UsageW +: UsageW] - 1'b1)) == '0);
    end
  end
`endif

endmodule
