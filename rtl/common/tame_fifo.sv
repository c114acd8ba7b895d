// A small synchronous FIFO with a combinational head (first-word fall-through).
// The caller keeps push_i low when full_o is high; the storage has no reset because
// only entries below the count are ever read.
module tame_fifo #(
  parameter int Width = 8,
  parameter int Depth = 16  // a power of two
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             flush_i,  // empties the FIFO (the pointers, not the storage)
  input  logic             push_i,
  input  logic [Width-1:0] wdata_i,
  input  logic             pop_i,
  output logic [Width-1:0] rdata_o,
  output logic             empty_o,
  output logic             full_o
);
  localparam int PtrW = $clog2(Depth);

  logic [Width-1:0] mem [Depth];
  logic [PtrW-1:0]  wr_ptr_q, rd_ptr_q;
  logic [PtrW:0]    count_q;

  assign empty_o = (count_q == '0);
  assign full_o  = (count_q == (PtrW + 1)'(Depth));
  assign rdata_o = mem[rd_ptr_q];

  always_ff @(posedge clk_i) begin
    if (push_i) mem[wr_ptr_q] <= wdata_i;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wr_ptr_q <= '0;
      rd_ptr_q <= '0;
      count_q  <= '0;
    end else if (flush_i) begin
      wr_ptr_q <= '0;
      rd_ptr_q <= '0;
      count_q  <= '0;
    end else begin
      if (push_i) wr_ptr_q <= wr_ptr_q + 1'b1;
      if (pop_i)  rd_ptr_q <= rd_ptr_q + 1'b1;
      // Up or down from the register alone, then a select: push and pop arrive late
      // in the cycle, and a carry chain after them would be the block's slowest path.
      if (push_i && !pop_i)      count_q <= count_q + 1'b1;
      else if (pop_i && !push_i) count_q <= count_q - 1'b1;
    end
  end

`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni && !flush_i) begin
      assert (!(push_i && full_o && !pop_i));
      assert (!(pop_i && empty_o));
    end
  end
`endif

`ifdef FORMAL
`ifdef FORMAL_STREAM
  // make formal (docs/formal.md). The caller's side (no push into a full FIFO unless
  // it pops too, no pop from an empty one) is assumed when the FIFO is the proof's top
  // and proved where another block drives it.
  always_comb begin
    if (rst_ni && !flush_i) begin
`ifdef FORMAL_FIFO_TOP
      assume (!(push_i && full_o && !pop_i));
      assume (!(pop_i && empty_o));
`else
      assert (!(push_i && full_o && !pop_i));
      assert (!(pop_i && empty_o));
`endif
    end
  end

  // Entries in = entries out + entries held: pushes and pops since reset or flush.
  logic [PtrW+3:0] f_in_q = '0, f_out_q = '0;
  logic            f_past_q = 1'b0;
  always_ff @(posedge clk_i) f_past_q <= 1'b1;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      f_in_q  <= '0;
      f_out_q <= '0;
    end else if (flush_i) begin
      f_in_q  <= '0;
      f_out_q <= '0;
    end else begin
      f_in_q  <= f_in_q + (PtrW + 4)'(push_i);
      f_out_q <= f_out_q + (PtrW + 4)'(pop_i);
    end
  end
  always_comb begin
    if (rst_ni) begin
      assert (count_q <= (PtrW + 1)'(Depth));
      assert (PtrW'(wr_ptr_q - rd_ptr_q) == count_q[PtrW-1:0]);
      assert (f_in_q - f_out_q == (PtrW + 4)'(count_q));
    end
  end
  // The head holds until it is popped.
  always_ff @(posedge clk_i) begin
    if (f_past_q && rst_ni && $past(rst_ni && !flush_i && !empty_o && !pop_i)) begin
      assert (!empty_o && rdata_o == $past(rdata_o));
    end
  end
`endif
`endif

endmodule
