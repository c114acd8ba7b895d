// A Verilated top with one clock and an active-low asynchronous reset, shared by every
// driver: it owns the Verilator context, starts registers from random values (so a
// missing reset shows), and counts cycles.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <verilated.h>

namespace tame::sim {

template <class Dut>
class Clocked {
 public:
  // seed drives +verilator+rand+reset+2: every register starts from a random value.
  explicit Clocked(std::uint64_t seed) : ctx_(std::make_unique<VerilatedContext>()) {
    ctx_->randReset(2);
    ctx_->randSeed(static_cast<int>(seed & 0x7fffffff));
    dut_ = std::make_unique<Dut>(ctx_.get(), "dut");
    dut_->clk_i = 0;
    dut_->rst_ni = 1;
    dut_->eval();
  }
  ~Clocked() {
    if (dut_) dut_->final();
  }
  Clocked(const Clocked&) = delete;
  Clocked& operator=(const Clocked&) = delete;

  Dut& dut() { return *dut_; }
  const VerilatedContext& context() const { return *ctx_; }
  std::uint64_t cycles() const { return cycles_; }

  // Settle the combinational outputs for the inputs set in this cycle.
  void settle() { dut_->eval(); }

  // The rising edge that ends this cycle; inputs for the next cycle are set after it.
  void posedge() {
    dut_->clk_i = 1;
    dut_->eval();
    dut_->clk_i = 0;
    ++cycles_;
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
  std::uint64_t cycles_ = 0;
};

}  // namespace tame::sim
