// A Verilated top with one clock and an active-low asynchronous reset, shared by every
// driver: it owns the Verilator context, starts registers from random values (so a
// missing reset shows), and counts cycles.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include <verilated.h>
#include <verilated_fst_c.h>

#include "coverage.hpp"

namespace tame::sim {

template <class Dut>
class Clocked {
 public:
  // seed drives +verilator+rand+reset+2: every register starts from a random value.
  explicit Clocked(std::uint64_t seed) : ctx_(std::make_unique<VerilatedContext>()) {
#ifdef TAME_COVERAGE_DIR
    // A coverage build starts from zeros: from random values, every bit that the reset
    // clears would count as toggled, and toggle coverage would mean nothing.
    ctx_->randReset(0);
#else
    ctx_->randReset(2);
#endif
    ctx_->randSeed(static_cast<int>(seed & 0x7fffffff));
    dut_ = std::make_unique<Dut>(ctx_.get(), "dut");
    dut_->clk_i = 0;
    dut_->rst_ni = 1;
    dut_->eval();
  }
  ~Clocked() {
    if (trace_) trace_->close();
    if (dut_) dut_->final();
    write_coverage(*ctx_);
    // A model's scopes leave the thread's current context when they are destroyed
    // (Verilator 5.006), which is the last one constructed: with several models alive,
    // make it this model's own first.
    Verilated::threadContextp(ctx_.get());
    trace_.reset();
    dut_.reset();
  }

  // Writes every clock edge to an FST file (GTKWave, Surfer), for a model built with
  // tracing (tame_verilate(... TRACE)). Costs 10-50x in speed: an option, never default.
  void trace_to(const std::string& path) {
    if constexpr (requires(Dut& d, VerilatedFstC* t) { d.trace(t, 99); }) {
      ctx_->traceEverOn(true);
      trace_ = std::make_unique<VerilatedFstC>();
      dut_->trace(trace_.get(), 99);
      trace_->open(path.c_str());
      if (!trace_->isOpen()) throw std::runtime_error("cannot open the trace file " + path);
    } else {
      throw std::logic_error("this model was built without tracing");
    }
  }
  // Ends the trace now: the FST file is whole after this (its .hier companion removed).
  void close_trace() {
    if (trace_) trace_->close();
    trace_.reset();
  }
  Clocked(const Clocked&) = delete;
  Clocked& operator=(const Clocked&) = delete;

  Dut& dut() { return *dut_; }
  const VerilatedContext& context() const { return *ctx_; }
  std::uint64_t cycles() const { return cycles_; }

  // Settle the combinational outputs for the inputs set in this cycle.
  void settle() { dut_->eval(); }

  // Called with the cycle number just before each rising edge, with this cycle's inputs
  // settled: the fault campaign (sim/faults/) flips a register bit here.
  void before_edge(std::function<void(std::uint64_t cycle)> hook) { before_edge_ = std::move(hook); }

  // The rising edge that ends this cycle; inputs for the next cycle are set after it.
  void posedge() {
    if (before_edge_) before_edge_(cycles_);
    if (trace_) dut_->eval(), trace_->dump(2 * cycles_);  // this cycle's inputs, settled
    dut_->clk_i = 1;
    dut_->eval();
    if (trace_) trace_->dump(2 * cycles_ + 1);
    dut_->clk_i = 0;
    ++cycles_;
    // A block's register checks (fault_o: a copy or a parity that disagrees) must stay
    // quiet unless a bit was flipped, so every simulation of a block watches them.
    if constexpr (requires(Dut& d) { d.fault_o; }) {
      if (dut_->rst_ni && dut_->fault_o)
        throw std::runtime_error("cycle " + std::to_string(cycles_) + ": the RTL reported a fault (fault_o)");
    }
  }

  // One clock with the top's synchronous zeroize input high, for tops that have one.
  void zeroize()
    requires requires(Dut& d) { d.zeroize_i; }
  {
    dut_->zeroize_i = 1;
    settle();
    posedge();
    dut_->zeroize_i = 0;
    settle();
  }

  // Asynchronous reset held for a few edges; the caller sets idle inputs first.
  void reset(unsigned edges = 2) {
    dut_->rst_ni = 0;
    dut_->eval();
    for (unsigned i = 0; i < edges; ++i) posedge();
    dut_->rst_ni = 1;
    dut_->eval();
  }

 private:
  std::unique_ptr<VerilatedContext> ctx_;
  std::unique_ptr<Dut> dut_;
  std::unique_ptr<VerilatedFstC> trace_;
  std::function<void(std::uint64_t)> before_edge_;
  std::uint64_t cycles_ = 0;
};

}  // namespace tame::sim
