// Moving bytes in and out of Verilator's wide ports. TAME puts byte 0 of a block or key
// in the most significant bits ([127:120] of a block), as FIPS-197 writes them; Verilator
// stores a wide port as 32-bit words with word 0 holding bits [31:0].
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <verilated.h>

namespace tame::sim {

template <std::size_t Words>
void bytes_to_wide(std::span<const std::uint8_t> bytes, VlWide<Words>& wide) {
  const std::size_t nbytes = Words * 4;
  for (std::size_t w = 0; w < Words; ++w) wide[w] = 0;
  for (std::size_t i = 0; i < bytes.size() && i < nbytes; ++i) {
    const std::size_t bit = 8 * (nbytes - 1 - i);
    wide[bit / 32] |= static_cast<std::uint32_t>(bytes[i]) << (bit % 32);
  }
}

template <std::size_t Words>
void wide_to_bytes(const VlWide<Words>& wide, std::span<std::uint8_t> bytes) {
  const std::size_t nbytes = Words * 4;
  for (std::size_t i = 0; i < bytes.size() && i < nbytes; ++i) {
    const std::size_t bit = 8 * (nbytes - 1 - i);
    bytes[i] = static_cast<std::uint8_t>(wide[bit / 32] >> (bit % 32));
  }
}

}  // namespace tame::sim
