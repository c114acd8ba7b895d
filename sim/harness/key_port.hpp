// The key sideload port that every crypt top shares (key_valid_i/key_ready_o,
// key_slot_i, key_i with byte 0 in [255:248], key256_i, slot_ready_o): load a key into a
// slot and wait until the slot is ready in every block behind the port. A block built
// with MaxKeyBits = 128 refuses an AES-256 key (the slot stays not ready); the driver
// refuses it first, when told the block's max_key_bits.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>

#include <fmt/format.h>

#include "clocked.hpp"
#include "tame/contract.hpp"
#include "wide.hpp"

namespace tame::sim {

// Throws std::invalid_argument unless the key is one that a block built with
// MaxKeyBits = max_key_bits runs: 16 bytes, or 32 when max_key_bits is 256.
inline void check_key_size(std::size_t key_bytes, unsigned max_key_bits = contract::kKeyBits) {
  if (key_bytes != contract::kAes128KeyBits / 8 && key_bytes != contract::kKeyBits / 8)
    throw std::invalid_argument(fmt::format("key of {} bytes: expected 16 or 32", key_bytes));
  if (key_bytes * 8 > max_key_bits)
    throw std::invalid_argument(
        fmt::format("an AES-{} key for a block built for at most {}-bit keys", key_bytes * 8, max_key_bits));
}

// Puts the key on the port's data inputs (an AES-128 key sits in [255:128]).
template <class Dut>
void drive_key(Dut& d, unsigned slot, std::span<const std::uint8_t> key,
               unsigned max_key_bits = contract::kKeyBits) {
  check_key_size(key.size(), max_key_bits);
  std::array<std::uint8_t, contract::kKeyBits / 8> k{};
  std::copy(key.begin(), key.end(), k.begin());
  d.key_slot_i = slot;
  d.key256_i = key.size() == 32;
  put_slice(d.key_i, 0, k);
}

template <class Dut>
void sideload_key(Clocked<Dut>& sim, unsigned slot, std::span<const std::uint8_t> key,
                  unsigned max_cycles = 2000, unsigned max_key_bits = contract::kKeyBits) {
  Dut& d = sim.dut();
  drive_key(d, slot, key, max_key_bits);
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
