// Moving bytes and fields in and out of Verilator's wide ports. TAME puts byte 0 of a
// block, line or key in the most significant bits ([127:120] of a block), as FIPS-197
// writes them; Verilator stores a wide port as 32-bit words, word 0 holding bits [31:0].
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <verilated.h>

namespace tame::sim {

// A field of up to 64 bits at bit lsb of a wide port (ports such as `core c's line
// address at [c*56 +: 56]` straddle words).
template <std::size_t Words>
void set_bits(VlWide<Words>& wide, std::size_t lsb, std::size_t width, std::uint64_t value) {
  for (std::size_t i = 0; i < width; ++i) {
    const std::size_t bit = lsb + i;
    const std::uint32_t mask = 1U << (bit % 32);
    if ((value >> i) & 1U) wide[bit / 32] |= mask;
    else wide[bit / 32] &= ~mask;
  }
}

template <std::size_t Words>
std::uint64_t get_bits(const VlWide<Words>& wide, std::size_t lsb, std::size_t width) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const std::size_t bit = lsb + i;
    value |= std::uint64_t{(wide[bit / 32] >> (bit % 32)) & 1U} << i;
  }
  return value;
}

// Bytes into (or out of) the 32-bit-aligned slice of `nbytes` bytes that starts at word
// `first_word` of a wide port, byte 0 in the slice's most significant bits.
template <std::size_t Words>
void put_slice(VlWide<Words>& wide, std::size_t first_word, std::span<const std::uint8_t> bytes) {
  const std::size_t nbytes = bytes.size();
  for (std::size_t w = 0; w < nbytes / 4; ++w) wide[first_word + w] = 0;
  for (std::size_t i = 0; i < nbytes; ++i) {
    const std::size_t bit = 8 * (nbytes - 1 - i);
    wide[first_word + bit / 32] |= static_cast<std::uint32_t>(bytes[i]) << (bit % 32);
  }
}

template <std::size_t Words>
void get_slice(const VlWide<Words>& wide, std::size_t first_word, std::span<std::uint8_t> bytes) {
  const std::size_t nbytes = bytes.size();
  for (std::size_t i = 0; i < nbytes; ++i) {
    const std::size_t bit = 8 * (nbytes - 1 - i);
    bytes[i] = static_cast<std::uint8_t>(wide[first_word + bit / 32] >> (bit % 32));
  }
}

}  // namespace tame::sim
