// Block 2, between the disk path and DRAM. A page request names where the page lands
// (its first line address, A >> 6); the 256 plaintext beats that block 1 produces for
// the page follow. Every four beats make a line, which is encrypted under the slot the
// trust anchor set for the image's VM, with a fresh nonce from the nonce source, and
// written to DRAM as (line address, nonce, ciphertext).
module tame_dram_crypt #(
  parameter int Lanes      = 1,   // one lane keeps up with block 1's one beat per clock
  parameter int NumSlots   = tame_contract_pkg::KeySlots,
  parameter int MaxKeyBits = tame_contract_pkg::KeyBits,
  parameter int SboxImpl   = tame_pkg::SboxRomRegMix,
  localparam int SlotW     = (NumSlots > 1) ? $clog2(NumSlots) : 1,
  localparam int KeyW      = tame_contract_pkg::KeyBits,
  localparam int AddrW     = tame_contract_pkg::LineAddrBits,
  localparam int NonceW    = tame_contract_pkg::LineNonceBits,
  localparam int BeatW     = 8 * tame_contract_pkg::BeatBytes,
  localparam int LineW     = 8 * tame_contract_pkg::LineBytes
) (
  input  logic                clk_i,
  input  logic                rst_ni,
  input  logic                zeroize_i,

  // Trust-anchor side (key_pending_i: a key load waits at the top; see tame_line_crypt).
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
  input  logic                nonce_open_i,

  // Pages in.
  input  logic                page_valid_i,
  output logic                page_ready_o,
  input  logic [AddrW-1:0]    page_line_i,      // line address of the page's first line
  input  logic                beat_valid_i,
  output logic                beat_ready_o,
  input  logic [BeatW-1:0]    beat_data_i,      // plaintext

  // DRAM writes out.
  output logic                dram_valid_o,
  input  logic                dram_ready_i,
  output logic [AddrW-1:0]    dram_line_o,
  output logic [NonceW-1:0]   dram_nonce_o,
  output logic [LineW-1:0]    dram_data_o,      // ciphertext

  // A register here or in the line crypt block failed its check: the key controller
  // zeroizes.
  output logic                fault_o
);

  localparam int LinesPerPage = tame_contract_pkg::LinesPerPage;
  localparam int LineCountW   = $clog2(LinesPerPage);

  // ---------------------------------------------------------------- page and beats
  // A line is four beats (LineBytes / BeatBytes): beat_q and the case below count them.
  logic                  page_active_q;
  logic [AddrW-1:0]      next_line_q;      // where the line being gathered goes
  logic [LineCountW-1:0] lines_left_q;     // lines of the page still to gather, minus one
  logic [1:0]            beat_q;           // beats gathered into the current line
  logic [LineW-BeatW-1:0] gather_q;        // its first three beats
  logic                  line_valid_q;     // a whole line waits for the line crypt block
  logic [LineW-1:0]      line_q;
  logic [AddrW-1:0]      line_addr_q;
  logic                  line_take, beat_take;
  // The page's state and the gathered line's address are kept twice, the copy inverted
  // (so that synthesis cannot merge them): a flipped bit would put a line at another
  // address, so it is reported (fault_o).
  localparam int StateW = 1 + AddrW + LineCountW + 2 + 1;
  logic [StateW-1:0]     state_d, state_copy_q;
  logic                  page_active_d, line_valid_d;
  logic [AddrW-1:0]      next_line_d, line_addr_copy_q;
  logic [LineCountW-1:0] lines_left_d;
  logic [1:0]            beat_d;
  logic                  lc_fault;

  assign page_ready_o = !page_active_q;
  assign beat_ready_o = page_active_q && (!line_valid_q || line_take);
  assign beat_take    = beat_valid_i && beat_ready_o;

  always_ff @(posedge clk_i) begin
    if (beat_take) begin
      unique case (beat_q)
        2'd0: gather_q[2 * BeatW +: BeatW] <= beat_data_i;
        2'd1: gather_q[BeatW +: BeatW]     <= beat_data_i;
        2'd2: gather_q[0 +: BeatW]         <= beat_data_i;
        default: line_q <= {gather_q, beat_data_i};
      endcase
      if (beat_q == 2'd3) begin
        line_addr_q      <= next_line_q;
        line_addr_copy_q <= ~next_line_q;
      end
    end
  end

  always_comb begin
    {page_active_d, next_line_d, lines_left_d, beat_d, line_valid_d} =
        {page_active_q, next_line_q, lines_left_q, beat_q, line_valid_q};
    if (zeroize_i) begin
      page_active_d = 1'b0;
      beat_d        = '0;
      line_valid_d  = 1'b0;
    end else begin
      if (page_valid_i && page_ready_o) begin
        page_active_d = 1'b1;
        next_line_d   = page_line_i;
        lines_left_d  = LineCountW'(LinesPerPage - 1);
      end
      if (line_take) line_valid_d = 1'b0;
      if (beat_take) begin
        beat_d = beat_q + 2'd1;
        if (beat_q == 2'd3) begin
          line_valid_d = 1'b1;
          next_line_d  = next_line_q + AddrW'(1);
          lines_left_d = lines_left_q - LineCountW'(1);
          if (lines_left_q == '0) page_active_d = 1'b0;
        end
      end
    end
  end
  assign state_d = {page_active_d, next_line_d, lines_left_d, beat_d, line_valid_d};

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      {page_active_q, next_line_q, lines_left_q, beat_q, line_valid_q} <= '0;
      state_copy_q <= '1;
    end else begin
      {page_active_q, next_line_q, lines_left_q, beat_q, line_valid_q} <= state_d;
      state_copy_q <= ~state_d;
    end
  end

  // The line's address is checked while the line waits (it has no reset: before the
  // first line, its copy means nothing).
  assign fault_o = lc_fault
                   || ({page_active_q, next_line_q, lines_left_q, beat_q, line_valid_q} != ~state_copy_q)
                   || (line_valid_q && line_addr_q != ~line_addr_copy_q);

  // ---------------------------------------------------------------- encryption
  logic lc_in_ready, lc_out_valid;
  logic [AddrW-1:0]  out_line;
  logic [NonceW-1:0] out_nonce;

  assign line_take    = line_valid_q && nonce_open_i && lc_in_ready;
  assign nonce_take_o = line_take;

  tame_line_crypt #(
    .Lanes     (Lanes),
    .NumSlots  (NumSlots),
    .MaxKeyBits(MaxKeyBits),
    .SboxImpl  (SboxImpl),
    .UserW     (AddrW + NonceW)
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
    .in_valid_i  (line_valid_q && nonce_open_i),
    .in_ready_o  (lc_in_ready),
    .in_slot_i   (vm_slot_i),
    .in_nonce_i  (nonce_i),
    .in_line_i   (line_addr_q),
    .in_data_i   (line_q),
    .in_user_i   ({line_addr_q, nonce_i}),
    .out_valid_o (lc_out_valid),
    .out_ready_i (dram_ready_i),
    .out_data_o  (dram_data_o),
    .out_user_o  ({out_line, out_nonce}),
    .fault_o     (lc_fault)
  );

  assign dram_valid_o = lc_out_valid;
  assign dram_line_o  = out_line;
  assign dram_nonce_o = out_nonce;

endmodule
