// The key sideload port that every crypt top shares (key_valid_i/key_ready_o,
// key_slot_i, key_i with byte 0 in [255:248], key256_i, slot_ready_o): load a key into a
// slot and wait until the slot is ready in every block behind the port.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>

#include <fmt/format.h>

#include "clocked.hpp"
#include "wide.hpp"

namespace tame::sim {

// Puts the key on the port's data inputs (an AES-128 key sits in [255:128]).
template <class Dut>
void drive_key(Dut& d, unsigned slot, std::span<const std::uint8_t> key) {
  if (key.size() != 16 && key.size() != 32)
    throw std::invalid_argument(fmt::format("key of {} bytes: expected 16 or 32", key.size()));
  std::array<std::uint8_t, 32> k{};
  std::copy(key.begin(), key.end(), k.begin());
  d.key_slot_i = slot;
  d.key256_i = key.size() == 32;
  put_slice(d.key_i, 0, k);
}

template <class Dut>
void sideload_key(Clocked<Dut>& sim, unsigned slot, std::span<const std::uint8_t> key,
                  unsigned max_cycles = 2000) {
  Dut& d = sim.dut();
  drive_key(d, slot, key);
  d.key_valid_i = 1;
  unsigned waited = 0;
  for (;; ++waited) {
    if (waited == max_cycles) throw std::runtime_error("key port never ready");
    sim.settle();
    const bool taken = d.key_ready_o;
    sim.posedge();
    if (taken) break;
  }
  d.key_valid_i = 0;
  for (; waited < max_cycles; ++waited) {
    sim.settle();
    if ((d.slot_ready_o >> slot) & 1U) return;
    sim.posedge();
  }
  throw std::runtime_error(fmt::format("key slot {} not ready after {} cycles", slot, max_cycles));
}

}  // namespace tame::sim
