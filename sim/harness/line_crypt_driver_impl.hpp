// The member functions of LineCryptDriver, included only by the files that compile them
// for one model each (instances_line_l1.cpp, _l2, _l4).
#pragma once

#include "line_crypt_driver.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "key_port.hpp"
#include "wide.hpp"

namespace tame::sim {

template <class Dut>
LineCryptDriver<Dut>::LineCryptDriver(std::uint64_t seed) : sim_(seed) {
  reset();
}

template <class Dut>
void LineCryptDriver<Dut>::reset() {
  auto& d = sim_.dut();
  d.zeroize_i = 0;
  d.key_pending_i = 0;
  d.key_valid_i = 0;
  d.in_valid_i = 0;
  d.out_ready_i = 0;
  sim_.reset();
}

template <class Dut>
void LineCryptDriver<Dut>::load_key(unsigned slot, std::span<const std::uint8_t> key) {
  sideload_key(sim_, slot, key);
}

template <class Dut>
LineRunResult LineCryptDriver<Dut>::run(const std::vector<LineJob>& jobs, MemPressure pressure,
                                        std::mt19937_64& rng) {
  auto& d = sim_.dut();
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  LineRunResult r;
  r.out.reserve(jobs.size());
  std::size_t next_in = 0;
  bool on_bus = false;
  const std::uint64_t start = sim_.cycles();
  while (r.out.size() < jobs.size()) {
    const std::uint64_t now = sim_.cycles();
    if (now - start > 64 * jobs.size() + 10000)
      throw std::runtime_error(fmt::format("line crypt: {} of {} lines out after {} cycles", r.out.size(),
                                           jobs.size(), now - start));
    if (!on_bus && next_in < jobs.size() && (pressure.in_valid >= 1.0 || coin(rng) < pressure.in_valid)) {
      const LineJob& j = jobs[next_in];
      d.in_slot_i = j.slot;
      d.in_nonce_i = j.nonce;
      d.in_line_i = j.line;
      put_slice(d.in_data_i, 0, j.data);
      d.in_user_i = static_cast<std::uint16_t>(next_in);
      on_bus = true;
    }
    d.in_valid_i = on_bus;
    d.out_ready_i = pressure.out_ready >= 1.0 || coin(rng) < pressure.out_ready;
    sim_.settle();
    if (d.out_valid_o && d.out_ready_i) {
      if (d.out_user_o != static_cast<std::uint16_t>(r.out.size()))
        throw std::runtime_error(fmt::format("line crypt: line {} came out as line {}", d.out_user_o, r.out.size()));
      Line l;
      get_slice(d.out_data_o, 0, l);
      if (r.out.empty()) r.first_out_cycle = now;
      r.out.push_back(l);
      r.last_out_cycle = now;
    }
    if (d.in_valid_i && d.in_ready_o) {
      if (next_in == 0) r.first_in_cycle = now;
      ++next_in;
      on_bus = false;
    }
    sim_.posedge();
  }
  d.in_valid_i = 0;
  d.out_ready_i = 0;
  return r;
}


}  // namespace tame::sim
