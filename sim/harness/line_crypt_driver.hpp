// Drives one line crypt block (rtl/crypt/tame_line_crypt.sv) on its own, in any of its
// lane counts: lines in with their slot, nonce and address, lines out in order. Used by
// `tame-sim line`, the lane benchmarks and the line-crypt tests.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "clocked.hpp"
#include "mem_ports.hpp"  // MemPressure
#include "tame/line_crypt.hpp"

namespace tame::sim {

struct LineJob {
  unsigned slot = 0;
  std::uint64_t nonce = 0;
  std::uint64_t line = 0;  // A >> 6
  Line data{};
};

struct LineRunResult {
  std::vector<Line> out;
  std::uint64_t first_in_cycle = 0, first_out_cycle = 0, last_out_cycle = 0;
};

template <class Dut>
class LineCryptDriver {
 public:
  explicit LineCryptDriver(std::uint64_t seed);
  void reset();
  void load_key(unsigned slot, std::span<const std::uint8_t> key);
  LineRunResult run(const std::vector<LineJob>& jobs, MemPressure pressure, std::mt19937_64& rng);
  std::uint64_t cycles() const { return sim_.cycles(); }

 private:
  Clocked<Dut> sim_;
};

}  // namespace tame::sim

// The models it is compiled for, one file each (instances_line_l*.cpp): a tool links only
// the lane counts it runs.
class Vtame_line_crypt_l1;
class Vtame_line_crypt_l2;
class Vtame_line_crypt_l4;
extern template class tame::sim::LineCryptDriver<Vtame_line_crypt_l1>;
extern template class tame::sim::LineCryptDriver<Vtame_line_crypt_l2>;
extern template class tame::sim::LineCryptDriver<Vtame_line_crypt_l4>;
