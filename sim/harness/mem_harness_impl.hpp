// The member functions of the harnesses of mem_harness.hpp, included only by the files
// that compile them for one model each (instances_mem_path.cpp, instances_top.cpp).
#pragma once

#include "mem_harness.hpp"

namespace tame::sim {

template <class Dut>
MemPathHarness<Dut>::MemPathHarness(unsigned cores, std::uint64_t seed)
    : HostHarness<Dut>(cores, seed), keys_(this->sim_), pages_(this->sim_) {
  reset();
}

template <class Dut>
void MemPathHarness<Dut>::reset() {
  keys_.clear(), pages_.clear(), this->dram_.clear(), this->cores_.clear();
  keys_.idle_inputs(), pages_.idle_inputs(), this->dram_.idle_inputs(), this->cores_.idle_inputs();
  this->sim_.reset();
}

template <class Dut>
void MemPathHarness<Dut>::queue_page(std::uint64_t first_line, std::span<const std::uint8_t> page) {
  pages_.queue_page(first_line, page);
  this->dram_.expect(port::kLinesPerPage);
}

template <class Dut>
bool MemPathHarness<Dut>::idle() const {
  return keys_.idle() && pages_.idle() && this->dram_.idle() && this->cores_.idle();
}

template <class Dut>
bool MemPathHarness<Dut>::run(MemPressure pressure, std::mt19937_64& rng, std::uint64_t stop_after) {
  return run_ports(this->sim_, pressure, rng, stop_after, keys_, pages_, this->dram_, this->cores_);
}

template <class Dut>
TopHarness<Dut>::TopHarness(unsigned cores, std::uint64_t seed)
    : HostHarness<Dut>(cores, seed), ta_(this->sim_, seed ^ 0x7a), pages_(this->sim_) {
  ta_.on_command_done([this](const TaCommandDone& c) {
    ta_model_.finished(c.cmd, c.slot, c.with_adin, c.err, c.entropy, c.adin);
  });
  reset();
}

template <class Dut>
void TopHarness<Dut>::reset() {
  pages_.clear(), this->dram_.clear(), this->cores_.clear();
  pages_.idle_inputs(), this->dram_.idle_inputs(), this->cores_.idle_inputs();
  ta_.idle();
  this->sim_.reset();
  ta_model_.forget();
}

template <class Dut>
void TopHarness<Dut>::queue_disk_page(std::uint64_t first_line, std::uint64_t ctr_nonce, std::uint64_t first_index,
                                      std::span<const std::uint8_t> sealed_page) {
  pages_.queue_disk_page(first_line, ctr_nonce, first_index, sealed_page);
  this->dram_.expect(port::kLinesPerPage);
}

template <class Dut>
bool TopHarness<Dut>::idle() const {
  return pages_.idle() && this->dram_.idle() && this->cores_.idle();
}

template <class Dut>
bool TopHarness<Dut>::run(MemPressure pressure, std::mt19937_64& rng, std::uint64_t stop_after) {
  return run_ports(this->sim_, pressure, rng, stop_after, pages_, this->dram_, this->cores_);
}

}  // namespace tame::sim
